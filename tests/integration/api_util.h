/* api_util: helpers of the API integration tests (rota, visits, grading,
 * reports, calendar): requests that print the answer when the status is not the one
 * expected, JSON field access, waiting for SQL conditions, and parsers of
 * the CSV and iCalendar outputs. Test code only. */
#ifndef LIANXIN_API_UTIL_H
#define LIANXIN_API_UTIL_H

#include <stddef.h>
#include <jansson.h>
#include "harness.h"

/* A request with an optional JSON body; returns the status and keeps the
 * answer in *r (cleared by the caller); prints it when != want. */
long api_req(harness_t *h, const char *method, const char *path, const char *token,
            const char *body, long want, http_resp_t *r);

/* The same, discarding the answer. Returns the status. */
long api_status(harness_t *h, const char *method, const char *path, const char *token,
               const char *body);

/* POST `path` as `token` with `body`: 1 when the status is `want` (then
 * the answer's `key` into out, when out is not NULL), else 0 (printed). */
int api_post_key(harness_t *h, const char *path, const char *token, const char *body,
                 long want, const char *key, char *out, size_t outsz);

/* 1 when `method path` answers `want`, with the error `code` and a field
 * error on `field` (either NULL: not checked), else 0 (printed). */
int api_refused(harness_t *h, const char *method, const char *path, const char *token,
                const char *body, long want, const char *code, const char *field);

/* obj[key] as a string, "" when absent or not a string. */
const char *api_str(json_t *obj, const char *key);

/* Whether the log of program `name` (<harness_dir>/<name>.log, its first
 * 8 MiB) holds `needle`: 1, 0, or -1 when it cannot be read. */
int api_log_has(harness_t *h, const char *name, const char *needle);

/* Polls `sql` (first column of the first row as a number) until it is at
 * least `want`, at most `ms`. Returns the last value. */
long long api_wait_sql(harness_t *h, const char *sql, long long want, int ms);
/* api_wait_sql with `np` text parameters. */
long long api_wait_sqlp(harness_t *h, const char *sql, long long want, int ms, int np,
                       const char *const *params);
/* The other way: polls until the value is at most `want` (rows going away),
 * at most `ms`. Returns the last value (-1 on error). */
long long api_wait_sql_down(harness_t *h, const char *sql, long long want, int ms, int np,
                            const char *const *params);

/* ---- CSV (RFC 4180) ------------------------------------------------------------- */

#define API_CSV_MAX_FIELDS 32

typedef struct api_csv {
    size_t nrows;
    size_t nfields[4096];
    char *field[4096][API_CSV_MAX_FIELDS];
    int crlf_only;                  /* every record ended by CRLF, no bare LF or CR */
    int bom;                        /* started with the UTF-8 BOM */
} api_csv_t;

/* Parses `text` (quoted fields, doubled quotes, CRLF inside quotes). 0 or -1. */
int api_csv_parse(const char *text, size_t len, api_csv_t *out);
void api_csv_free(api_csv_t *c);

/* ---- iCalendar (RFC 5545) --------------------------------------------------------- */

/* Checks the folding rules (every line <= 75 octets, CRLF only) and unfolds
 * into `out` (malloc'd, lines separated by '\n'). 0 or -1 (printed). */
int api_ics_unfold(const char *text, size_t len, char **out);

/* Counts lines of the unfolded text starting with `prefix`. */
int api_ics_count(const char *unfolded, const char *prefix);

#endif
