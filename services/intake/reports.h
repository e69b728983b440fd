/* reports: public-opinion reports (社情民意信息): intake.CreateReport,
 * intake.EditReport and intake.ReportTransition (every event of
 * report_fsm over one command; the state machine's table decides who may
 * send what from which state: a wrong role is 403, a wrong state 409
 * listing the events allowed now). Numbers 社情-<year>-<nnn> per district
 * and year, given at the first submit. Handlers are named after the events. */
#ifndef LIANXIN_REPORTS_H
#define LIANXIN_REPORTS_H

#include "cmd.h"

/* Their rows admit REPORT_ROLES in the command's district; for EditReport
 * and ReportTransition the state machine then decides per event (403, 409). */
int reports_create_execute(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res);
int reports_edit_execute(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res);
int reports_transition_execute(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res);

#endif
