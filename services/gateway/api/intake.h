/* api/intake: the routes of lianxin-intake's data: recording and reading
 * visits (the 民情日志), the rota, visit edits and the visitor reveal,
 * grading, reports and their statistics, and the files people open in other
 * programs (a member's duties as iCalendar, a room's log and the report
 * statistics as CSV). Commands are forwarded with the request amended (query
 * values, the fields present, the transition named by the path); reads are
 * answered straight from SQL that builds the JSON. Never decrypts anything:
 * the visitor in clear comes from intake, which audits each read. */
#ifndef GW_API_INTAKE_H
#define GW_API_INTAKE_H

#include <stdint.h>
#include "gw.h"

#define API_INTAKE_VISITS_LIMIT_DEFAULT 20
#define API_INTAKE_VISITS_LIMIT_MAX 100

extern const gw_routes_t api_intake_routes;

/* The filters of GET /v1/districts/{d}/visits. */
typedef struct api_intake_visits_filter {
    int64_t workroom_id;            /* 0: any */
    int has_from, has_to;
    int64_t from_us;                /* received_at >= from */
    int64_t to_us;                  /* received_at < to */
    char category[32];              /* "": any */
    int limit;
    int has_cursor;
    int64_t cursor_at_us, cursor_id;
} api_intake_visits_filter_t;

/* The query keys of the visit list. */
extern const query_param_t api_intake_visits_keys[];

/* Reads the filters from `q`. `from` and `to` are RFC 3339 or a date (a date
 * as `to` means the end of that day). 0, or -1 with *field the parameter at
 * fault and *code its error (invalid, out_of_range, unknown_value). Pure. */
int api_intake_visits_filter(const query_t *q, api_intake_visits_filter_t *f,
                             const char **field, const char **code);

/* GET one visit and the filtered, newest-first, keyset-paginated list, from
 * intake.visits (its masked columns only) joined to core.workrooms. */
void api_intake_visit_get(gw_call_t *call);
void api_intake_visits_list(gw_call_t *call);

/* The SQL bounds of a statistics period: "2026" (the year), "2026-H1",
 * "2026-H2", "2026-Q1".."2026-Q4": the first day and the day after, as
 * "YYYY-MM-DD". 0, or -1 when malformed. Pure. */
int api_intake_period(const char *period, char from[11], char to[11]);

#endif
