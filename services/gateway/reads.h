/* reads: the shape every read handler shares: one SQL statement through the
 * pool whose rows are JSON texts built by the SQL itself (a read is a row),
 * answered as one object (404 when there is none) or as
 * {"items":[...],"next_cursor":...} with keyset pagination. PostgreSQL away is 503 unavailable, promptly (the pool's
 * queue timeout). Never builds SQL from request text: values travel as
 * parameters. */
#ifndef GW_READS_H
#define GW_READS_H

#include <stdint.h>
#include <jansson.h>
#include <libpq-fe.h>
#include "gw.h"
#include "textfmt.h"

/* The keyset position of a row, for its cursor. */
typedef void (reads_key_fn)(const PGresult *res, int row, int64_t *a, int64_t *b);

typedef struct reads_spec {
    const char *sql;                /* the first column of a row: its JSON text */
    int single;                     /* 1: answer the first row, 404 when none */
    char cursor_tag;                /* lists: the cursor's tag */
    reads_key_fn *key;              /* lists with pagination, else NULL */
} reads_spec_t;

/* Runs `spec` with `n` text parameters (NULL is SQL NULL). For a paginated
 * list the SQL must fetch limit + 1 rows: the extra row only says whether a
 * next page exists. Answers the call. */
void reads_run(gw_call_t *call, const reads_spec_t *spec, int limit, int n,
               const char *const *params);

/* SQL text formatting timestamptz `x` as RFC 3339 in UTC+8 with milliseconds. */
#define READS_TS(x) \
    "to_char((" x ") AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"+08:00\"')"

/* The page of a list ordered by id descending: ?limit (default 20, at most
 * 100; 400 limit: out_of_range) and ?cursor (tag `tag`; 400 cursor: invalid).
 * Fills `lim` with limit + 1 (the extra row says whether a next page exists),
 * `cur` with the id to continue below and *after with it (NULL on the first
 * page), and *limit. 0, or -1 when the call was answered. */
int reads_page(gw_call_t *call, char tag, char lim[16], char cur[24], const char **after,
               int *limit);

/* The keyset position of a row whose second column is its id (a, b = 0):
 * the key of every list ordered by id. */
void reads_key_id(const PGresult *res, int row, int64_t *a, int64_t *b);

/* Renders the rows of an export into `out` (a file: CSV, iCalendar). */
typedef void (reads_render_fn)(gw_call_t *call, const PGresult *res, textbuf_t *out);

/* A file built from one pool query: runs `sql` with `n` text parameters,
 * renders the rows with `render` and answers 200 with `ctype`, no-store and
 * an attachment named `filename` (at most 63 bytes); 503 when the database
 * cannot answer, 500 when rendering ran out of memory. `max` > 0: the query
 * asks for max + 1 rows, the renderer stops at max, and a file with more
 * rows says it was cut (EXPORTS_TRUNCATED_HEADER, exports.h). Answers the
 * call. */
void reads_export(gw_call_t *call, const char *sql, int n, const char *const *p,
                  reads_render_fn *render, const char *ctype, const char *filename, int max);

/* The district of the call as an SQL parameter. */
const char *reads_district(const gw_call_t *call);

/* The caller's member id (*member) and unit id (*unit) as SQL parameters
 * written into `mem` and `unit`: NULL when the caller is not a member (not
 * a unit). The reads that narrow what members and units see take them. */
void reads_caller(const gw_call_t *call, char mem[24], char unit[24], const char **member,
                  const char **unit_id);

/* The label of `v` in `map` (pairs {value, label}, ended by {NULL, NULL}),
 * or `v` itself when it has none: a stored code shown in Chinese. */
const char *reads_label(const char *const map[][2], const char *v);

#endif
