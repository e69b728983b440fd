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

/* Called once per query on the loop: `res` is the result (any status: check
 * PQresultStatus), or NULL when no connection could run it (PostgreSQL down,
 * queue full, or waited longer than the pool's queue timeout). `res` is
 * PQclear()ed after the callback returns. */
typedef void (pgpool_fn)(PGresult *res, void *arg);

/* `size` connections to `conninfo`, started now. Queries wait at most
 * `queue_timeout_ms` for a connection. NULL on failure. */
pgpool_t *pgpool_new(uv_loop_t *loop, const char *conninfo, int size, int queue_timeout_ms);

/* Queues `sql` with `n` text parameters (copied). 0, or -1 when the queue is
 * full (fn is then not called). */
int pgpool_query(pgpool_t *self, const char *sql, int n, const char *const *params,
                 pgpool_fn *fn, void *arg);

/* Connections currently up. */
int pgpool_ready(const pgpool_t *self);

/* Fails every queued query (fn(NULL)), closes every connection, frees in the
 * close callbacks. Idempotent; sets *self_p to NULL. */
void pgpool_destroy(pgpool_t **self_p);

#endif
