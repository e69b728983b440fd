/* issues: intake.GradeIssue (an issue raised in a visit gets its class from
 * the grading rules, and with it a route and a due date in working days)
 * and intake.OverrideGrade (the office sets another class with a reason).
 * Class 1 emits issue.escalated, class 2 issue.forwarded (with the unit and
 * the due date), class 3 issue.micro_consultation_requested; class 4 is
 * closed at once. The rules are grading.c's; this file only wires them. */
#ifndef LIANXIN_ISSUES_H
#define LIANXIN_ISSUES_H

#include "cmd.h"

/* Roles member, office, admin (the row); a member only on visits they took
 * part in, checked here. */
int issues_grade_execute(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res);
/* Roles office and admin (the row). */
int issues_override_execute(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res);

#endif
