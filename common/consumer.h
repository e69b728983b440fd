/* consumer: exactly-once processing of the event streams of some districts.
 * Events arrive fast over the bus, but the truth is bus.events: the consumer
 * keeps a cursor per (consumer, stream) in its own schema, updated in the same
 * transaction as the event's effects. A bus event above the cursor is only a
 * signal: what is applied is always read from bus.events (seq > cursor), so a
 * message the table does not hold (forged, altered) is never applied and
 * never moves the cursor; one at or below the cursor is a duplicate and
 * dropped. On start and every idle interval it catches up from the table.
 * A district's events are consumed only by the instance that holds its lease.
 * A service declares the types it consumes as routes (evroute.h): the
 * consumer unpacks each payload, skips one that does not unpack and ignores
 * types without a route, the same way for every service. A run of events is
 * applied in one go when there is an apply_many, one by one when that fails;
 * transactions that emit no events commit without waiting for the WAL flush
 * (tx_commit_relaxed: lost whole, replayed). */
#ifndef LIANXIN_CONSUMER_H
#define LIANXIN_CONSUMER_H

#include <stdint.h>
#include <uv.h>
#include "envelope.pb-c.h"
#include "bus.h"
#include "evroute.h"
#include "tx.h"
#include "txq.h"

typedef enum {
    CONSUMER_APPLY = 0,             /* seq == cursor + 1 */
    CONSUMER_DUPLICATE = 1,         /* seq <= cursor */
    CONSUMER_GAP = 2                /* seq > cursor + 1: read the gap first */
} consumer_verdict_t;

/* The rule, pure: what to do with event `seq` when the cursor is `cursor`. */
consumer_verdict_t consumer_check(int64_t cursor, int64_t seq);

/* The raw form, for a consumer without routes (the engine's own tests):
 * applies one event inside the consumer's transaction (on the worker). It may
 * write its own schema and append events (tx_event). 0 to keep it; -1 to
 * roll the batch back and retry later (logged; a poison event is retried
 * with backoff, never skipped silently). Events of types it does not handle
 * must return 0. */
typedef int (consumer_apply_fn)(tx_t *tx, const Lianxin__V1__Event *ev, void *arg);

/* Optional batched form: applies `n` consecutive events of one stream
 * (evs[i]->seq == evs[0]->seq + i, none NULL) at once, e.g. one INSERT for
 * all of them, skipping types it does not handle. 0 when all were applied;
 * -1 (or an SQL error that aborts the transaction) makes the consumer roll
 * the batch back and apply the same events one by one with the
 * consumer_apply_fn, so that a poison event still holds back only itself. */
typedef int (consumer_apply_many_fn)(tx_t *tx, const Lianxin__V1__Event *const *evs, size_t n,
                                     void *arg);

typedef struct consumer consumer_t;

#define CONSUMER_LINGER_MAX_MS 1000

typedef struct consumer_opts {
    const char *name;               /* "notify": the cursor rows' consumer name */
    const char *cursor_table;       /* "bus.cursors" (district_code, consumer, producer, seq) */
    const char *xpub_endpoint;      /* the bus's XPUB */
    const curve_client_t *curve;    /* its keys there (NULL: a plain test forwarder) */
    const char *producers;          /* comma-separated streams to follow: "intake" */
    int idle_ms;                    /* catch-up interval, default 2000 */
    int max_batch;                  /* events per transaction, default 256 */
    /* Gathering when busy: after a run of at least linger_min events, with
     * more arrived meanwhile and no backlog in the table, the next run waits
     * linger_ms (0: never; at most CONSUMER_LINGER_MAX_MS) so that it
     * applies more events in one transaction; a full buffer ends the wait.
     * Light traffic (runs under linger_min) is never delayed. */
    int linger_ms, linger_min;
    consumer_apply_many_fn *apply_many;     /* optional, see above (raw form only) */
    const evroute_t *routes;        /* the types consumed (evroute_check'ed); or NULL */
    size_t nroutes;
} consumer_opts_t;

/* A consumer on `loop` committing through `txq` (its own queue or shared)
 * and publishing what it emits on `pub`. Either opts->routes (then `fn` is
 * NULL; `arg` is handed to the routes' functions as `app`) or the raw `fn`.
 * NULL on failure. */
consumer_t *consumer_new(uv_loop_t *loop, void *zctx, const consumer_opts_t *opts,
                         txq_t *txq, bus_pub_t *pub, consumer_apply_fn *fn, void *arg);

/* Follows `district` (subscribes "<district>/"); its events are applied only
 * while this instance holds the lease "<name>/<district>"
 * (pg_try_advisory_lock on the txq's connection, retried each interval). */
int consumer_add_district(consumer_t *self, const char *district);

/* Starts: catch-up now, then on every bus event and every idle interval. */
int consumer_start(consumer_t *self);

/* Events applied since start (for tests and logs). */
uint64_t consumer_applied(const consumer_t *self);

/* Counters since start, counted once per committed transaction (a run rolled
 * back and applied again is not counted twice): events applied (including
 * those passed over), payloads skipped because they did not unpack, events
 * ignored because no route takes their type. Each committed skip is logged
 * with the running total (`malformed events skipped ... total=`). */
typedef struct consumer_stats {
    uint64_t applied, malformed, ignored;
} consumer_stats_t;
void consumer_stats(const consumer_t *self, consumer_stats_t *out);

/* Idempotent; sets *self_p to NULL. */
void consumer_destroy(consumer_t **self_p);

#endif
