/* intake_routes: the route table rows of issue 3 (rota, visit edits, the
 * visitor reveal, grading, reports, exports, the duties feed's token: the
 * feed is the one route flagged ACCESS_FEED_TOKEN), spliced into routes.c's
 * table with one line so that file stays the one table. Data only. Commands are
 * checked again by intake (roles, whose row, the report's state machine). */
#ifndef GW_INTAKE_ROUTES_H
#define GW_INTAKE_ROUTES_H

#include "feeds.h"
#include "forward.h"
#include "grading.pb-c.h"
#include "intake_api.h"
#include "reports.pb-c.h"
#include "rota.pb-c.h"
#include "visit_edit.pb-c.h"

#define I3_SMALL 4096
#define I3_OFFICE (ROLE_ADMIN | ROLE_OFFICE)
#define I3_MEMBERS (ROLE_ADMIN | ROLE_OFFICE | ROLE_MEMBER)
#define I3_READERS (ROLE_ADMIN | ROLE_OFFICE | ROLE_LEADER | ROLE_MEMBER)
#define I3_LEADERS (ROLE_ADMIN | ROLE_OFFICE | ROLE_LEADER)

static const char *const s_i3_month[] = {"month", NULL};
static const char *const s_i3_reason[] = {"reason", NULL};
static const char *const s_i3_swap[] = {"with_rota_id", NULL};
static const char *const s_i3_status[] = {"status", NULL};
static const char *const s_i3_dates[] = {"dates", NULL};
static const char *const s_i3_grade[] = {"summary", "importance", "difficulty", NULL};
static const char *const s_i3_override[] = {"grade", "reason", NULL};
static const char *const s_i3_report[] = {"title", "category", NULL};

#define I3_CMD(path, roles, limit, optional, handler, type, msg, required, query)             \
    {{"POST", "/v1/districts/{d}" path}, roles, limit, optional, handler, type,              \
     &msg##__descriptor, required, query},
#define I3_GET(path, roles, handler, query)                                                  \
    {{"GET", "/v1/districts/{d}" path}, roles, 0, 0, handler, NULL, NULL, NULL, query},
#define I3_TRANSITION(name)                                                                  \
    I3_CMD("/reports/{id}/" name, ROLES_ANY, I3_SMALL * 4, 1, intake_api_forward_report,     \
           "intake.ReportTransition", lianxin__v1__report_action, NULL, NULL)

#define INTAKE_ISSUE3_ROUTES                                                                 \
    I3_CMD("/rota/generate", I3_OFFICE, I3_SMALL, 1, intake_api_forward,                     \
           "intake.GenerateRota", lianxin__v1__generate_rota, s_i3_month, s_i3_month)        \
    I3_CMD("/rota/publish", I3_OFFICE, I3_SMALL, 1, intake_api_forward, "intake.PublishRota", \
           lianxin__v1__publish_rota, s_i3_month, s_i3_month)                                \
    I3_GET("/rota", ROLES_ANY, intake_api_rota, intake_api_rota_keys)                        \
    I3_CMD("/rota/{id}/edit", I3_OFFICE, I3_SMALL, 0, forward_handle, "intake.EditRotaEntry", \
           lianxin__v1__edit_rota_entry, NULL, NULL)                                         \
    I3_CMD("/rota/{id}/confirm", I3_MEMBERS, I3_SMALL, 1, forward_handle,                    \
           "intake.ConfirmDuty", lianxin__v1__rota_entry_no_args, NULL, NULL)                \
    I3_CMD("/rota/{id}/excuse", I3_MEMBERS, I3_SMALL, 0, forward_handle, "intake.ExcuseDuty", \
           lianxin__v1__excuse_duty, s_i3_reason, NULL)                                      \
    I3_CMD("/rota/{id}/swap", I3_MEMBERS, I3_SMALL, 0, forward_handle, "intake.RequestSwap",  \
           lianxin__v1__request_swap, s_i3_swap, NULL)                                       \
    I3_CMD("/rota/{id}/swap/accept", I3_MEMBERS, I3_SMALL, 1, forward_handle,                \
           "intake.AcceptSwap", lianxin__v1__rota_entry_no_args, NULL, NULL)                 \
    I3_CMD("/rota/{id}/attendance", I3_OFFICE, I3_SMALL, 0, forward_handle,                  \
           "intake.MarkAttendance", lianxin__v1__mark_attendance, s_i3_status, NULL)         \
    I3_CMD("/members/{id}/unavailable", I3_MEMBERS, I3_SMALL, 0, forward_handle,             \
           "intake.DeclareUnavailable", lianxin__v1__declare_unavailable, s_i3_dates, NULL)  \
    I3_GET("/members/{id}/duties.ics", I3_READERS | ACCESS_FEED_TOKEN, exports_duties_ics,   \
           feeds_query_keys)                                                                 \
    {{"POST", "/v1/districts/{d}/members/{id}/feed-token"}, I3_MEMBERS, I3_SMALL, 1,         \
     feeds_create, NULL, NULL, NULL, NULL},                                                  \
    {{"DELETE", "/v1/districts/{d}/members/{id}/feed-token"}, I3_MEMBERS, 0, 0, feeds_revoke, \
     NULL, NULL, NULL, NULL},                                                                \
    I3_CMD("/visits/{id}/edit", I3_MEMBERS, GW_BODY_CONFIG, 0, intake_api_forward_edit,      \
           "intake.EditVisit", lianxin__v1__edit_visit, NULL, NULL)                          \
    I3_GET("/visits/{id}/history", I3_READERS, intake_api_visit_history, NULL)               \
    {{"GET", "/v1/districts/{d}/visits/{id}/visitor"}, I3_OFFICE, 0, 1, forward_handle,      \
     "intake.RevealVisitor", &lianxin__v1__reveal_visitor__descriptor, NULL, NULL},          \
    I3_CMD("/visits/{id}/issues", I3_MEMBERS, I3_SMALL * 2, 0, forward_handle,               \
           "intake.GradeIssue", lianxin__v1__grade_issue, s_i3_grade, NULL)                  \
    I3_CMD("/issues/{id}/override", I3_OFFICE, I3_SMALL, 0, forward_handle,                  \
           "intake.OverrideGrade", lianxin__v1__override_grade, s_i3_override, NULL)         \
    I3_GET("/issues", I3_READERS | ROLE_UNIT, intake_api_issues, intake_api_issues_keys)     \
    I3_GET("/issues/{id}", I3_READERS | ROLE_UNIT, intake_api_issue, NULL)                   \
    I3_GET("/workrooms/{id}/log.csv", I3_READERS, exports_log_csv, intake_api_log_keys)     \
    I3_CMD("/reports", I3_MEMBERS, GW_BODY_CONFIG, 0, forward_handle, "intake.CreateReport",  \
           lianxin__v1__report_draft, s_i3_report, NULL)                                     \
    I3_GET("/reports/stats", I3_LEADERS, intake_api_report_stats, intake_api_stats_keys)     \
    I3_GET("/reports/stats.csv", I3_LEADERS, exports_stats_csv, intake_api_stats_keys)       \
    I3_GET("/reports", I3_READERS, intake_api_reports, intake_api_reports_keys)              \
    I3_GET("/reports/{id}", I3_READERS, intake_api_report, NULL)                             \
    I3_CMD("/reports/{id}/edit", I3_MEMBERS, GW_BODY_CONFIG, 0, intake_api_forward_edit,     \
           "intake.EditReport", lianxin__v1__report_draft, NULL, NULL)                       \
    I3_TRANSITION("submit") I3_TRANSITION("resubmit") I3_TRANSITION("return")                \
    I3_TRANSITION("merge") I3_TRANSITION("accept") I3_TRANSITION("forward")                  \
    I3_TRANSITION("adopt") I3_TRANSITION("instruct") I3_TRANSITION("tell-authors")

#endif
