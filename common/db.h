/* db: one blocking PostgreSQL connection for a worker thread (txq.h) or a
 * command-line program. Reconnects on demand; tells connection loss apart
 * from SQL errors, because the first means "unavailable" and the second
 * "your command is wrong"; prepares each statement once per connection.
 * Never used from the event loop thread. */
#ifndef LIANXIN_DB_H
#define LIANXIN_DB_H

#include <stddef.h>
#include <stdint.h>
#include <libpq-fe.h>

#define DB_STMT_MAX 128             /* prepared statements kept per connection */

typedef struct db db_t;

/* A handle for `conninfo`; does not connect yet. NULL on allocation failure. */
db_t *db_new(const char *conninfo);

/* Idempotent; closes the connection, sets *self_p to NULL. */
void db_destroy(db_t **self_p);

/* Makes sure the connection is up, connecting (with connect_timeout=3) if it is
 * not or if it broke. 0 when connected, -1 when PostgreSQL cannot be reached. */
int db_connect(db_t *self);

/* Bumped at every new connection; session state (advisory locks, prepared
 * statements) is valid only within one generation. */
unsigned db_generation(const db_t *self);

/* 1 when the last failure was the connection's (PQstatus bad), 0 otherwise. */
int db_broken(const db_t *self);

/* 1 when the connection is inside a transaction that an error aborted
 * (PQTRANS_INERROR: only ROLLBACK [TO SAVEPOINT] can follow), 0 otherwise. */
int db_tx_failed(const db_t *self);

/* The raw connection, for what db_exec cannot do (COPY, notices). Statements
 * run on it directly bypass the statement cache and db_broken(). */
PGconn *db_conn(db_t *self);

/* Runs `sql` with `n` text parameters (NULL entries are SQL NULL). Returns the
 * result (caller PQclear()s it) when the statement succeeded, NULL when it
 * failed; then db_broken() says whether the connection was lost, and
 * db_sqlstate() gives the SQLSTATE ("23505") of an SQL error.
 *
 * Statements are prepared transparently, once per connection generation,
 * keyed by their text: the first call with a given `sql` prepares it (one
 * extra round trip), later calls only bind and execute. At most DB_STMT_MAX
 * texts are kept per connection; beyond them, and for transaction control
 * (BEGIN, COMMIT, ROLLBACK, SAVEPOINT, RELEASE), statements run unprepared.
 * So `sql` must be a fixed text with $n parameters, never one with values
 * spliced in. A prepared statement that PostgreSQL no longer accepts (SQLSTATE
 * 0A000 "cached plan must not change result type" after a schema change, or
 * 26000 when it is gone) is dropped from the cache and, outside a
 * transaction, run again once; inside one the failure is returned (the
 * transaction is aborted anyway) and the next call prepares it afresh. */
PGresult *db_exec(db_t *self, const char *sql, int n, const char *const *params);

/* db_exec with per-parameter lengths and formats, as PQexecParams takes them
 * (either may be NULL: all text). For binary arrays (db_array_t). */
PGresult *db_exec_params(db_t *self, const char *sql, int n, const char *const *values,
                         const int *lengths, const int *formats);

/* db_exec with the result in binary format: a bytea column's value is its
 * bytes (PQgetlength long), a bigint's 8 bytes big-endian (db_get_int8).
 * For bulk reads of bytea, where the text form costs a hex encoding on the
 * server and an unescape on the client. */
PGresult *db_exec_binary(db_t *self, const char *sql, int n, const char *const *params);

/* A bigint of a binary result; INT64_MIN when the value is not 8 bytes. */
int64_t db_get_int8(const PGresult *res, int row, int col);

/* Like db_exec for statements whose result is not needed. 0 or -1. */
int db_run(db_t *self, const char *sql, int n, const char *const *params);

/* Runs `sql`, which may hold several statements separated by ';' and takes
 * no parameters, in one round trip (the simple query protocol; never
 * prepared). For fixed texts such as "SET LOCAL ...; COMMIT". 0 or -1, with
 * db_broken() and db_sqlstate() as for db_exec. */
int db_run_script(db_t *self, const char *sql);

/* The SQLSTATE of the last failed statement, "" when none or connection lost. */
const char *db_sqlstate(const db_t *self);

/* The first line of the last error message (no parameters, no data). */
const char *db_error(const db_t *self);

/* Statements prepared on the current connection (cache entries). */
size_t db_prepared(const db_t *self);

/* 1 when `s` may be spliced into a statement's text as a name: 1 to 63
 * bytes of [a-z0-9_], with at most `dots` dots ("notify.cursors" with 1);
 * also the rule for the names in lease names and bus topics (services,
 * producers, districts). 0 otherwise. Pure. */
int db_ident_ok(const char *s, int dots);

/* ---- binary array parameters ------------------------------------------------
 * A one-dimensional array in PostgreSQL's binary format, for `unnest($n::T[])`
 * with many rows in one statement. Begin it with the element type, add the
 * elements, pass `buf`/`len` with format 1. Allocation failures are
 * remembered (`failed`): check once before use. Reusable after db_array_begin;
 * db_array_free releases the buffer. */

#define DB_OID_BYTEA 17
#define DB_OID_INT8 20
#define DB_OID_TEXT 25

typedef struct db_array {
    uint8_t *buf;
    size_t len, cap, count;
    int failed;
} db_array_t;

void db_array_begin(db_array_t *a, uint32_t elem_oid);
void db_array_int8(db_array_t *a, int64_t v);
void db_array_text(db_array_t *a, const char *s);           /* NULL: SQL NULL */
void db_array_bytes(db_array_t *a, const void *data, size_t n);
void db_array_null(db_array_t *a);
void db_array_free(db_array_t *a);

/* ---- text parameters and results ---------------------------------------------
 * Pure helpers for the text protocol (db_exec's text parameters, PQgetvalue's
 * text results); any thread. */

/* The decimal text of `v` into `buf` (24 bytes: every long long fits), for
 * a text parameter. Returns buf. */
const char *db_num(char buf[24], long long v);

/* `ids` as the text of a bigint[] parameter, "{1,2,3}" ("{}" for n = 0),
 * malloc'd (the caller frees). NULL on allocation failure. */
char *db_ids_text(const int64_t *ids, size_t n);

/* PostgreSQL's text form of a bigint[] or int[] ("{3,5}") into `out`;
 * returns how many were stored (at most `max`), stopping at the first
 * element that is not a number (NULL). */
size_t db_parse_ids(const char *text, int64_t *out, size_t max);

#endif
