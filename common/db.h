/* db: one blocking PostgreSQL connection for a worker thread (txq.h) or a
 * command-line program. Reconnects on demand; tells connection loss apart
 * from SQL errors, because the first means "unavailable" and the second
 * "your command is wrong". Never used from the event loop thread. */
#ifndef LIANXIN_DB_H
#define LIANXIN_DB_H

#include <libpq-fe.h>

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

/* The raw connection, for PQexecParams with binary parameters and the like. */
PGconn *db_conn(db_t *self);

/* Runs `sql` with `n` text parameters (NULL entries are SQL NULL). Returns the
 * result (caller PQclear()s it) when the statement succeeded, NULL when it
 * failed; then db_broken() says whether the connection was lost, and
 * db_sqlstate() gives the SQLSTATE ("23505") of an SQL error. */
PGresult *db_exec(db_t *self, const char *sql, int n, const char *const *params);

/* Like db_exec for statements whose result is not needed. 0 or -1. */
int db_run(db_t *self, const char *sql, int n, const char *const *params);

/* The SQLSTATE of the last failed statement, "" when none or connection lost. */
const char *db_sqlstate(const db_t *self);

/* The first line of the last error message (no parameters, no data). */
const char *db_error(const db_t *self);

#endif
