/* pgpool: non-blocking PostgreSQL queries on the event loop, for the
 * gateway's reads. Each connection joins the loop through PQsocket + uv_poll
 * (PQconnectStart/PQconnectPoll, re-reading the socket at every step; the
 * poll handle is stopped before PQfinish). Queries queue for a free
 * connection; a broken one is reconnected with backoff. */
#ifndef LIANXIN_PGPOOL_H
#define LIANXIN_PGPOOL_H

#include <uv.h>
#include <libpq-fe.h>

typedef struct pgpool pgpool_t;

/* Called exactly once per query that pgpool_query accepted, on the loop:
 * `res` is the result (any status: check PQresultStatus), or NULL when the
 * database could not answer it: no connection came free within the queue
 * timeout (PostgreSQL down or every connection busy), the connection broke
 * while it ran, the query ran longer than the running-query limit (below), or
 * the pool is being destroyed. `res` is PQclear()ed after the callback
 * returns. */
typedef void (pgpool_fn)(PGresult *res, void *arg);

/* `size` (1-256) connections to `conninfo`, started now. Queries wait at
 * most `queue_timeout_ms` for a connection. The running-query limit is the
 * larger of 5 s and 5 x `queue_timeout_ms`: a query running longer is
 * answered NULL and its connection is closed and remade, so a hung server
 * counts as a lost one. NULL on failure (malformed conninfo, size or timeout
 * out of range, no memory). */
pgpool_t *pgpool_new(uv_loop_t *loop, const char *conninfo, int size, int queue_timeout_ms);

/* Queues `sql` with `n` text parameters (both copied; a NULL parameter is
 * SQL NULL). 0 when accepted: `fn` will be called exactly once, possibly
 * before pgpool_query returns (when a free connection fails at the send), so
 * set up whatever `fn` needs first. -1 when refused: the queue holds 8192
 * queries already ("queue full"), the pool is being destroyed, no memory, or
 * n < 0 or fn NULL; `fn` is then never called and `arg` stays the caller's. */
int pgpool_query(pgpool_t *self, const char *sql, int n, const char *const *params,
                 pgpool_fn *fn, void *arg);

/* Connections currently up. */
int pgpool_ready(const pgpool_t *self);

/* Answers every queued and running query with NULL (the callbacks run inside
 * this call), closes every connection, frees in the close callbacks.
 * Idempotent; sets *self_p to NULL. */
void pgpool_destroy(pgpool_t **self_p);

#endif
