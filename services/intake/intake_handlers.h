/* intake_handlers: the command table rows of issue 3 (rota, visit edits and
 * reveal, grading, reports) and of the calendar (PutCalendarYear), kept out of main.c so that main.c gains one
 * line. Designated initialisers, so new members of cmd_handler_t stay zero. */
#ifndef LIANXIN_INTAKE_HANDLERS_H
#define LIANXIN_INTAKE_HANDLERS_H

#include "calendar.pb-c.h"
#include "calendar_put.h"
#include "grading.pb-c.h"
#include "issues.h"
#include "reports.h"
#include "reports.pb-c.h"
#include "rota.pb-c.h"
#include "rota_cmds.h"
#include "visit_edit.h"
#include "visit_edit.pb-c.h"

#define INTAKE_H(t, msg, v, x) \
    { .type = (t), .request = &msg##__descriptor, .validate = (v), .execute = (x) },

#define INTAKE_ISSUE3_HANDLERS                                                                \
    INTAKE_H("intake.GenerateRota", lianxin__v1__generate_rota, rota_validate_office,         \
             rota_generate_execute)                                                           \
    INTAKE_H("intake.PublishRota", lianxin__v1__publish_rota, rota_validate_office,           \
             rota_publish_execute)                                                            \
    INTAKE_H("intake.EditRotaEntry", lianxin__v1__edit_rota_entry, rota_validate_office,      \
             rota_edit_execute)                                                               \
    INTAKE_H("intake.ConfirmDuty", lianxin__v1__rota_entry_no_args, rota_validate_member,     \
             rota_confirm_execute)                                                            \
    INTAKE_H("intake.ExcuseDuty", lianxin__v1__excuse_duty, rota_validate_member,             \
             rota_excuse_execute)                                                             \
    INTAKE_H("intake.RequestSwap", lianxin__v1__request_swap, rota_validate_member,            \
             rota_swap_execute)                                                               \
    INTAKE_H("intake.AcceptSwap", lianxin__v1__rota_entry_no_args, rota_validate_member,      \
             rota_swap_accept_execute)                                                        \
    INTAKE_H("intake.MarkAttendance", lianxin__v1__mark_attendance, rota_validate_office,     \
             rota_attendance_execute)                                                         \
    INTAKE_H("intake.DeclareUnavailable", lianxin__v1__declare_unavailable,                   \
             rota_validate_member, rota_unavailable_execute)                                  \
    INTAKE_H("intake.EditVisit", lianxin__v1__edit_visit, visit_edit_validate,                \
             visit_edit_execute)                                                              \
    INTAKE_H("intake.RevealVisitor", lianxin__v1__reveal_visitor, visit_reveal_validate,      \
             visit_reveal_execute)                                                            \
    INTAKE_H("intake.ExportLog", lianxin__v1__export_log, log_export_validate,                \
             log_export_execute)                                                              \
    INTAKE_H("intake.GradeIssue", lianxin__v1__grade_issue, issues_grade_validate,            \
             issues_grade_execute)                                                            \
    INTAKE_H("intake.OverrideGrade", lianxin__v1__override_grade, issues_override_validate,   \
             issues_override_execute)                                                         \
    INTAKE_H("intake.CreateReport", lianxin__v1__report_draft, reports_validate,              \
             reports_create_execute)                                                          \
    INTAKE_H("intake.EditReport", lianxin__v1__report_draft, reports_validate,                \
             reports_edit_execute)                                                            \
    INTAKE_H("intake.ReportTransition", lianxin__v1__report_action, reports_validate,         \
             reports_transition_execute)                                                      \
    INTAKE_H("intake.PutCalendarYear", lianxin__v1__put_calendar_year, calendar_put_validate, \
             calendar_put_execute)

#endif
