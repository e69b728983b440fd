/* intake_routes: the route table rows of intake beyond recording and
 * reading visits (the rota, visit edits, the visitor reveal, grading,
 * reports, exports, the duties feed's token: the feed is the one route
 * flagged ACCESS_FEED_TOKEN), spliced into routes.c's table with one line so
 * that file stays the one table. Data only. Commands are checked again by
 * intake: each handler row declares its roles and district scope (the
 * command server answers 403), then whose row it is and the report's state
 * machine. */
#ifndef GW_INTAKE_ROUTES_H
#define GW_INTAKE_ROUTES_H

#include "auth/feeds.h"
#include "forward.h"
#include "grading.pb-c.h"
#include "api/intake.h"
#include "reports.pb-c.h"
#include "rota.pb-c.h"
#include "visit_edit.pb-c.h"

#define INTAKE_SMALL 4096
#define INTAKE_OFFICE (ROLE_ADMIN | ROLE_OFFICE)
#define INTAKE_WRITERS (ROLE_ADMIN | ROLE_OFFICE | ROLE_MEMBER)
#define INTAKE_READERS (ROLE_ADMIN | ROLE_OFFICE | ROLE_LEADER | ROLE_MEMBER)
#define INTAKE_LEADERS (ROLE_ADMIN | ROLE_OFFICE | ROLE_LEADER)

static const char *const s_month_field[] = {"month", NULL};
static const char *const s_reason_field[] = {"reason", NULL};
static const char *const s_swap_field[] = {"with_rota_id", NULL};
static const char *const s_status_field[] = {"status", NULL};
static const char *const s_dates_field[] = {"dates", NULL};
static const char *const s_grade_fields[] = {"summary", "importance", "difficulty", NULL};
static const char *const s_override_fields[] = {"grade", "reason", NULL};
static const char *const s_report_fields[] = {"title", "category", NULL};

#define INTAKE_CMD(path, roles, limit, optional, handler, type, msg, required, query)              \
    {{"POST", "/v1/districts/{d}" path}, roles, limit, optional, handler, type,                    \
     &msg##__descriptor, required, query},
#define INTAKE_GET(path, roles, handler, query)                                                    \
    {{"GET", "/v1/districts/{d}" path}, roles, 0, 0, handler, NULL, NULL, NULL, query},
#define INTAKE_TRANSITION(name)                                                                    \
    INTAKE_CMD("/reports/{id}/" name, ROLES_ANY, INTAKE_SMALL * 4, 1, intake_api_forward_report,   \
               "intake.ReportTransition", lianxin__v1__report_action, NULL, NULL)

#define INTAKE_ROUTES                                                                              \
    INTAKE_CMD("/rota/generate", INTAKE_OFFICE, INTAKE_SMALL, 1, intake_api_forward,               \
               "intake.GenerateRota", lianxin__v1__generate_rota, s_month_field, s_month_field)    \
    INTAKE_CMD("/rota/publish", INTAKE_OFFICE, INTAKE_SMALL, 1, intake_api_forward,                \
               "intake.PublishRota", lianxin__v1__publish_rota, s_month_field, s_month_field)      \
    INTAKE_GET("/rota", ROLES_ANY, intake_api_rota, intake_api_rota_keys)                          \
    INTAKE_CMD("/rota/{id}/edit", INTAKE_OFFICE, INTAKE_SMALL, 0, forward_handle,                  \
               "intake.EditRotaEntry", lianxin__v1__edit_rota_entry, NULL, NULL)                   \
    INTAKE_CMD("/rota/{id}/confirm", INTAKE_WRITERS, INTAKE_SMALL, 1, forward_handle,              \
               "intake.ConfirmDuty", lianxin__v1__rota_entry_no_args, NULL, NULL)                  \
    INTAKE_CMD("/rota/{id}/excuse", INTAKE_WRITERS, INTAKE_SMALL, 0, forward_handle,               \
               "intake.ExcuseDuty", lianxin__v1__excuse_duty, s_reason_field, NULL)                \
    INTAKE_CMD("/rota/{id}/swap", INTAKE_WRITERS, INTAKE_SMALL, 0, forward_handle,                 \
               "intake.RequestSwap", lianxin__v1__request_swap, s_swap_field, NULL)                \
    INTAKE_CMD("/rota/{id}/swap/accept", INTAKE_WRITERS, INTAKE_SMALL, 1, forward_handle,          \
               "intake.AcceptSwap", lianxin__v1__rota_entry_no_args, NULL, NULL)                   \
    INTAKE_CMD("/rota/{id}/attendance", INTAKE_OFFICE, INTAKE_SMALL, 0, forward_handle,            \
               "intake.MarkAttendance", lianxin__v1__mark_attendance, s_status_field, NULL)        \
    INTAKE_CMD("/members/{id}/unavailable", INTAKE_WRITERS, INTAKE_SMALL, 0, forward_handle,       \
               "intake.DeclareUnavailable", lianxin__v1__declare_unavailable, s_dates_field, NULL) \
    INTAKE_GET("/members/{id}/duties.ics", INTAKE_READERS | ACCESS_FEED_TOKEN, exports_duties_ics, \
               feeds_query_keys)                                                                   \
    {{"POST", "/v1/districts/{d}/members/{id}/feed-token"}, INTAKE_WRITERS, INTAKE_SMALL, 1,       \
     feeds_create, NULL, NULL, NULL, NULL},                                                        \
    {{"DELETE", "/v1/districts/{d}/members/{id}/feed-token"}, INTAKE_WRITERS, 0, 0, feeds_revoke,  \
     NULL, NULL, NULL, NULL},                                                                      \
    INTAKE_CMD("/visits/{id}/edit", INTAKE_WRITERS, GW_BODY_CONFIG, 0, intake_api_forward_edit,    \
               "intake.EditVisit", lianxin__v1__edit_visit, NULL, NULL)                            \
    INTAKE_GET("/visits/{id}/history", INTAKE_READERS, intake_api_visit_history, NULL)             \
    {{"GET", "/v1/districts/{d}/visits/{id}/visitor"}, INTAKE_OFFICE, 0, 1, forward_handle,        \
     "intake.RevealVisitor", &lianxin__v1__reveal_visitor__descriptor, NULL, NULL},                \
    INTAKE_CMD("/visits/{id}/issues", INTAKE_WRITERS, INTAKE_SMALL * 2, 0, forward_handle,         \
               "intake.GradeIssue", lianxin__v1__grade_issue, s_grade_fields, NULL)                \
    INTAKE_CMD("/issues/{id}/override", INTAKE_OFFICE, INTAKE_SMALL, 0, forward_handle,            \
               "intake.OverrideGrade", lianxin__v1__override_grade, s_override_fields, NULL)       \
    INTAKE_GET("/issues", INTAKE_READERS | ROLE_UNIT, intake_api_issues, intake_api_issues_keys)   \
    INTAKE_GET("/issues/{id}", INTAKE_READERS | ROLE_UNIT, intake_api_issue, NULL)                 \
    INTAKE_GET("/workrooms/{id}/log.csv", INTAKE_READERS, exports_log_csv, intake_api_log_keys)    \
    INTAKE_CMD("/reports", INTAKE_WRITERS, GW_BODY_CONFIG, 0, forward_handle,                      \
               "intake.CreateReport", lianxin__v1__report_draft, s_report_fields, NULL)            \
    INTAKE_GET("/reports/stats", INTAKE_LEADERS, intake_api_report_stats, intake_api_stats_keys)   \
    INTAKE_GET("/reports/stats.csv", INTAKE_LEADERS, exports_stats_csv, intake_api_stats_keys)     \
    INTAKE_GET("/reports", INTAKE_READERS, intake_api_reports, intake_api_reports_keys)            \
    INTAKE_GET("/reports/{id}", INTAKE_READERS, intake_api_report, NULL)                           \
    INTAKE_CMD("/reports/{id}/edit", INTAKE_WRITERS, GW_BODY_CONFIG, 0, intake_api_forward_edit,   \
               "intake.EditReport", lianxin__v1__report_draft, NULL, NULL)                         \
    INTAKE_TRANSITION("submit") INTAKE_TRANSITION("resubmit") INTAKE_TRANSITION("return")          \
    INTAKE_TRANSITION("merge") INTAKE_TRANSITION("accept") INTAKE_TRANSITION("forward")            \
    INTAKE_TRANSITION("adopt") INTAKE_TRANSITION("instruct") INTAKE_TRANSITION("tell-authors")

#endif
