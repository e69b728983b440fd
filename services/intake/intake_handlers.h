/* intake_handlers: intake's command table, one row per command type, each
 * declaring who may send it (the roles, and CMD_DISTRICT: an actor of the
 * command's district or a city-wide admin), which the command server checks
 * (403) before the row's validate runs. Kept out of main.c so that main.c
 * is wiring only. Data only: designated initialisers, so members added to
 * cmd_handler_t later stay zero. */
#ifndef LIANXIN_INTAKE_HANDLERS_H
#define LIANXIN_INTAKE_HANDLERS_H

#include "calendar.pb-c.h"
#include "calendar_put.h"
#include "cmd_server.h"
#include "grading.pb-c.h"
#include "intake.pb-c.h"
#include "issues.h"
#include "report_fsm.h"
#include "reports.h"
#include "reports.pb-c.h"
#include "rota.pb-c.h"
#include "rota_cmds.h"
#include "visit_edit.h"
#include "visit_edit.pb-c.h"
#include "visits.h"

#define INTAKE_OFFICE (ROLE_OFFICE | ROLE_ADMIN)
#define INTAKE_WRITERS (ROLE_MEMBER | ROLE_OFFICE | ROLE_ADMIN)

/* A district-scoped row whose execute runs under its own savepoint. */
#define INTAKE_ROW(t, msg, who, v, x)                                                          \
    { .type = (t), .request = &msg##__descriptor, .roles = (who), .flags = CMD_DISTRICT,     \
      .validate = (v), .execute = (x) },

/* Visits: recorded (a whole run in one statement), edited, revealed,
 * exported, graded. */
#define INTAKE_VISIT_HANDLERS                                                                  \
    { .type = "intake.RecordVisit", .request = &lianxin__v1__record_visit__descriptor,       \
      .roles = INTAKE_WRITERS, .flags = CMD_DISTRICT,                                        \
      .validate = visits_validate, .execute_many = visits_execute_many },                    \
    INTAKE_ROW("intake.EditVisit", lianxin__v1__edit_visit, INTAKE_WRITERS, NULL,              \
               visit_edit_execute)                                                           \
    INTAKE_ROW("intake.RevealVisitor", lianxin__v1__reveal_visitor, INTAKE_OFFICE, NULL,       \
               visit_reveal_execute)                                                         \
    INTAKE_ROW("intake.ExportLog", lianxin__v1__export_log, INTAKE_OFFICE, NULL,               \
               log_export_execute)                                                           \
    INTAKE_ROW("intake.GradeIssue", lianxin__v1__grade_issue, INTAKE_WRITERS, NULL,            \
               issues_grade_execute)                                                         \
    INTAKE_ROW("intake.OverrideGrade", lianxin__v1__override_grade, INTAKE_OFFICE, NULL,       \
               issues_override_execute)

/* The duty rota: the office plans and publishes; members answer their own
 * rows (execute checks whose row). */
#define INTAKE_ROTA_HANDLERS                                                                   \
    INTAKE_ROW("intake.GenerateRota", lianxin__v1__generate_rota, INTAKE_OFFICE, NULL,         \
               rota_generate_execute)                                                        \
    INTAKE_ROW("intake.PublishRota", lianxin__v1__publish_rota, INTAKE_OFFICE, NULL,           \
               rota_publish_execute)                                                         \
    INTAKE_ROW("intake.EditRotaEntry", lianxin__v1__edit_rota_entry, INTAKE_OFFICE, NULL,      \
               rota_edit_execute)                                                            \
    INTAKE_ROW("intake.ConfirmDuty", lianxin__v1__rota_entry_no_args, INTAKE_WRITERS, NULL,    \
               rota_confirm_execute)                                                         \
    INTAKE_ROW("intake.ExcuseDuty", lianxin__v1__excuse_duty, INTAKE_WRITERS, NULL,            \
               rota_excuse_execute)                                                          \
    INTAKE_ROW("intake.RequestSwap", lianxin__v1__request_swap, INTAKE_WRITERS, NULL,          \
               rota_swap_execute)                                                            \
    INTAKE_ROW("intake.AcceptSwap", lianxin__v1__rota_entry_no_args, INTAKE_WRITERS, NULL,     \
               rota_swap_accept_execute)                                                     \
    INTAKE_ROW("intake.MarkAttendance", lianxin__v1__mark_attendance, INTAKE_OFFICE, NULL,     \
               rota_attendance_execute)                                                      \
    INTAKE_ROW("intake.DeclareUnavailable", lianxin__v1__declare_unavailable, INTAKE_WRITERS,  \
               NULL, rota_unavailable_execute)

/* Public-opinion reports: the rows admit every role that sends some event
 * (REPORT_ROLES); report_fsm decides per event and state in execute. */
#define INTAKE_REPORT_HANDLERS                                                                 \
    INTAKE_ROW("intake.CreateReport", lianxin__v1__report_draft, REPORT_ROLES, NULL,           \
               reports_create_execute)                                                       \
    INTAKE_ROW("intake.EditReport", lianxin__v1__report_draft, REPORT_ROLES, NULL,             \
               reports_edit_execute)                                                         \
    INTAKE_ROW("intake.ReportTransition", lianxin__v1__report_action, REPORT_ROLES, NULL,      \
               reports_transition_execute)

/* The installation's working-day calendar: not district-scoped (the
 * command's district is the actor's home; calendar_put_validate). */
#define INTAKE_CALENDAR_HANDLERS                                                               \
    { .type = "intake.PutCalendarYear", .request = &lianxin__v1__put_calendar_year__descriptor, \
      .roles = INTAKE_OFFICE, .validate = calendar_put_validate,                             \
      .execute = calendar_put_execute },

/* Every row of lianxin-intake. */
#define INTAKE_HANDLERS                                                                        \
    INTAKE_VISIT_HANDLERS INTAKE_ROTA_HANDLERS INTAKE_REPORT_HANDLERS INTAKE_CALENDAR_HANDLERS

#endif
