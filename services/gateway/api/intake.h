/* intake_api: the gateway's routes of issue 3 (rota, visit edits and the
 * visitor reveal, grading, reports): command forwarding with the request
 * amended (query values, the fields present, the transition named by the
 * path), and the reads answered straight from SQL that builds the JSON.
 * Exports (CSV, iCalendar) are in exports.c. Never decrypts anything: the
 * visitor in clear comes from intake, which audits each read. */
#ifndef GW_INTAKE_API_H
#define GW_INTAKE_API_H

#include <protobuf-c/protobuf-c.h>
#include "gw.h"

/* The reply types of issue 3's commands, by full name; NULL when unknown. */
const ProtobufCMessageDescriptor *intake_api_descriptor(const char *name);

/* Command routes: the body plus the query's values as strings. */
void intake_api_forward(gw_call_t *call);
/* ... plus "present": the body's keys (edits change only those). */
void intake_api_forward_edit(gw_call_t *call);
/* ... plus "event": the path's last segment ("tell-authors" -> "tell_authors"). */
void intake_api_forward_report(gw_call_t *call);

/* Reads. */
void intake_api_rota(gw_call_t *call);
void intake_api_visit_history(gw_call_t *call);
void intake_api_issues(gw_call_t *call);
void intake_api_issue(gw_call_t *call);
void intake_api_reports(gw_call_t *call);
void intake_api_report(gw_call_t *call);
void intake_api_report_stats(gw_call_t *call);

extern const char *const intake_api_rota_keys[];
extern const char *const intake_api_month_keys[];
extern const char *const intake_api_issues_keys[];
extern const char *const intake_api_reports_keys[];
extern const char *const intake_api_stats_keys[];
extern const char *const intake_api_log_keys[];

/* exports.c */
void exports_duties_ics(gw_call_t *call);
void exports_log_csv(gw_call_t *call);
void exports_stats_csv(gw_call_t *call);

/* The SQL bounds of a statistics period: "2026" (the year), "2026-H1",
 * "2026-H2", "2026-Q1".."2026-Q4": the first day and the day after, as
 * "YYYY-MM-DD". 0, or -1 when malformed. Pure. */
int intake_api_period(const char *period, char from[11], char to[11]);

/* The statistics SQL and its parameters, shared with the CSV export:
 * $1 district, $2 from, $3 to, $4 by (member, workroom, category). */
extern const char *const intake_api_stats_sql;

/* by and period from the query (defaults: member, this year). 0, or -1
 * after answering 400. */
int intake_api_stats_params(gw_call_t *call, char from[11], char to[11], const char **by);

#endif
