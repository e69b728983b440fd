/* consumer: exactly-once application of event streams (see consumer.h): the
 * cursor row moves in the same transaction as the effects, bus.events is the
 * truth. Never skips an event it could not apply; never logs payloads. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "consumer.h"
#include "lease.h"
#include "log.h"

#define CONSUMER_NAME_MAX 64
#define CONSUMER_BACKOFF_MIN_MS 100
#define CONSUMER_BACKOFF_MAX_MS 30000

/* A bus event's number: the signal that the table has something after the
 * cursor. Its contents are never used (the table's row is applied). */
typedef struct {
    int64_t seq;
} s_buffered_t;

/* One followed stream (district, producer). The names are set once and
 * read by the worker; everything else belongs to the loop. */
typedef struct {
    char district[CONSUMER_NAME_MAX];
    char producer[CONSUMER_NAME_MAX];
    char lease[2 * CONSUMER_NAME_MAX];
    int64_t cursor;                 /* as last read or moved in the table; -1 unknown */
    int cursor_missing;             /* the table has no row for it yet (cursor 0) */
    unsigned cursor_gen;            /* the connection it was read or written on */
    int held;                       /* lease at the last run: 1, 0, -1 unknown */
    s_buffered_t *buf;              /* bus events ahead of the cursor, by seq */
    size_t nbuf;
    int need_read;                  /* the table has events the buffer lacks */
    uint64_t retry_at;              /* uv_now() before which it is not run */
    int backoff_ms;
} s_stream_t;

/* A stream's share of one run: input moved from the loop, output for it. */
typedef struct {
    s_stream_t *stream;
    int read_table;
    s_buffered_t *buf;
    size_t nbuf;
    int held, failed, more;
    unsigned generation;            /* the connection the lease was confirmed on */
    int64_t cursor;                 /* the stream's cursor as known: before the run (-1
                                     * unknown), then after it (-1: lost, read it again) */
    int cursor_missing;             /* no row for it in the table yet */
    unsigned cursor_gen;            /* the connection p->cursor is known on */
    uint64_t applied;
    evroute_counts_t passed;        /* skipped and ignored, in committed transactions */
} s_part_t;

typedef struct {
    consumer_t *self;
    s_part_t *parts;
    size_t nparts;
    int db_down;
} s_run_t;

struct consumer {
    uv_loop_t *loop;
    char *name, *cursor_table;
    char **producers;
    size_t nproducers;
    int idle_ms, max_batch;
    int linger_ms, linger_min;      /* see consumer_opts_t */
    txq_t *txq;
    bus_pub_t *pub;
    consumer_apply_fn *fn;
    consumer_apply_many_fn *many;   /* NULL: one by one only */
    const evroute_t *routes;        /* instead of fn and many */
    size_t nroutes;
    void *arg;
    bus_sub_t *sub;
    uv_timer_t idle, retry, linger;
    int closing_handles;
    int started, running, lingering, again, again_catchup, dying, db_down;
    s_stream_t **streams;
    size_t nstreams;
    tx_t *tx;                       /* used by the job, then by its done callback */
    uint64_t applied;
    evroute_counts_t passed;
    char sql_lock[192], sql_create[224], sql_update[224];
};

consumer_verdict_t
consumer_check(int64_t cursor, int64_t seq)
{
    if (seq <= cursor)
        return CONSUMER_DUPLICATE;
    if (seq == cursor + 1)
        return CONSUMER_APPLY;
    return CONSUMER_GAP;
}

/* ---- the worker side ---------------------------------------------------- */

/* Locks the stream's cursor row and reads it: *cursor, or 0 and *missing
 * when there is no row yet (none is created: an idle catch-up writes
 * nothing; s_save_cursor creates it with the first events applied). */
static int
s_lock_cursor(consumer_t *self, db_t *db, const s_stream_t *s, int64_t *cursor, int *missing)
{
    const char *params[] = { s->district, self->name, s->producer };
    PGresult *res = db_exec(db, self->sql_lock, 3, params);
    if (!res)
        return -1;
    *missing = PQntuples(res) != 1;
    *cursor = *missing ? 0 : strtoll(PQgetvalue(res, 0, 0), NULL, 10);
    PQclear(res);
    return 0;
}

/* Moves the cursor from `from` to `to` if it still is at `from` (or
 * creates its row at `to` when `missing` and nobody has): 1 when moved, 0
 * when the row was not as known (another instance moved it, or a relaxed
 * commit was lost: the caller rolls back and reads the row again), -1 when
 * the statement failed. The compare is what makes an unlocked run safe. */
static int
s_save_cursor(consumer_t *self, db_t *db, const s_stream_t *s, int64_t from, int64_t to,
              int missing)
{
    char a[24], b[24];
    const char *params[] = { s->district, self->name, s->producer, db_num(b, to),
                             db_num(a, from) };
    PGresult *res = db_exec(db, missing ? self->sql_create : self->sql_update,
                            missing ? 4 : 5, params);
    if (!res)
        return -1;
    int moved = strcmp(PQcmdTuples(res), "1") == 0;
    PQclear(res);
    return moved;
}

/* Reads up to `limit` events after `after` from bus.events into `out`
 * (from index *n on). An entry that does not decode, or whose envelope does
 * not match its row, is left NULL: the apply loop stops there. */
static int
s_read_log(db_t *db, const s_stream_t *s, int64_t after, int limit,
           Lianxin__V1__Event **out, int *n)
{
    char a[24], l[16];
    snprintf(a, sizeof a, "%lld", (long long) after);
    snprintf(l, sizeof l, "%d", limit);
    const char *params[] = { s->district, s->producer, a, l };
    PGresult *res = db_exec_binary(db,
        "SELECT seq, envelope FROM bus.events WHERE district_code = $1 AND producer = $2"
        " AND seq > $3::bigint ORDER BY seq LIMIT $4::int", 4, params);
    if (!res)
        return -1;
    int rows = PQntuples(res);
    for (int i = 0; i < rows; i++) {
        const uint8_t *raw = (const uint8_t *) PQgetvalue(res, i, 1);
        Lianxin__V1__Event *ev = lianxin__v1__event__unpack(NULL, (size_t) PQgetlength(res, i, 1),
                                                            raw);
        if (ev && (ev->seq != db_get_int8(res, i, 0)
                   || strcmp(ev->district, s->district) != 0
                   || strcmp(ev->producer, s->producer) != 0)) {
            lianxin__v1__event__free_unpacked(ev, NULL);
            ev = NULL;
        }
        out[(*n)++] = ev;
    }
    PQclear(res);
    return rows;
}

/* The events to apply after `cursor`, at most `limit`, always read from
 * bus.events: the bus is only the signal that there is something to read
 * (a run with bus events buffered, or a catch-up), never the source of what
 * is applied, so a forged or altered bus message can neither be applied nor
 * move the cursor past a genuine event. */
static int
s_collect(const s_part_t *p, db_t *db, int64_t cursor, int limit,
          Lianxin__V1__Event **out, int *n, int *more)
{
    *n = 0;
    *more = 0;
    if (!p->read_table && p->nbuf == 0)
        return 0;
    int rows = s_read_log(db, p->stream, cursor, limit, out, n);
    if (rows < 0)
        return -1;
    *more = rows == limit;
    return 0;
}

static void
s_free_events(Lianxin__V1__Event **evs, int n)
{
    for (int i = 0; i < n; i++)
        if (evs[i])
            lianxin__v1__event__free_unpacked(evs[i], NULL);
}

/* 0 when event i of the run after `cursor` may be applied; -1 (logged) when
 * it is undecodable or not the next number: the run stops there. */
static int
s_check_event(consumer_t *self, const s_stream_t *s, int64_t cursor,
              Lianxin__V1__Event **evs, int i)
{
    const char *why = !evs[i] ? "undecodable event in log"
                      : evs[i]->seq != cursor + 1 + i ? "gap in event log" : NULL;
    if (why)
        log_error(why, "consumer=%s district=%s producer=%s seq=%lld", self->name,
                  s->district, s->producer, (long long) (cursor + 1 + i));
    return why ? -1 : 0;
}

/* One event, through the routes or the raw function. 0 or -1. */
static int
s_apply_one(consumer_t *self, const Lianxin__V1__Event *ev, evroute_counts_t *passed)
{
    if (self->routes)
        return evroute_apply(self->routes, self->nroutes, self->tx, ev, self->arg, passed);
    return self->fn(self->tx, ev, self->arg);
}

/* A run of n events at once, through the routes or the raw apply_many. */
static int
s_apply_run(consumer_t *self, Lianxin__V1__Event **evs, int n, evroute_counts_t *passed)
{
    const Lianxin__V1__Event *const *run = (const Lianxin__V1__Event *const *) evs;
    if (self->routes)
        return evroute_apply_run(self->routes, self->nroutes, self->tx, run, (size_t) n,
                                 self->arg, passed);
    return self->many(self->tx, run, (size_t) n, self->arg);
}

static int
s_batched(const consumer_t *self)
{
    return self->routes ? evroute_batched(self->routes, self->nroutes) : self->many != NULL;
}

/* Applies events[0..n) in order; returns how many were applied. With
 * `many`, the valid ones go to apply_many at once, and S_MANY_FAILED says
 * it failed (the caller rolls back and applies one by one). */
#define S_MANY_FAILED (-2)

static int
s_apply_all(consumer_t *self, const s_stream_t *s, int64_t cursor,
            Lianxin__V1__Event **evs, int n, int many, evroute_counts_t *passed)
{
    int i = 0;
    for (; i < n && s_check_event(self, s, cursor, evs, i) == 0; i++) {
        if (many)
            continue;
        if (s_apply_one(self, evs[i], passed) != 0) {
            log_warn("apply failed", "consumer=%s district=%s producer=%s seq=%lld type=%s",
                     self->name, s->district, s->producer, (long long) evs[i]->seq,
                     evs[i]->type);
            return i;
        }
    }
    if (many && i > 0
        && (s_apply_run(self, evs, i, passed) != 0 || db_tx_failed(tx_db(self->tx)))) {
        log_warn("batched apply failed, applying one by one", "consumer=%s district=%s"
                 " producer=%s n=%d", self->name, s->district, s->producer, i);
        return S_MANY_FAILED;
    }
    return i;
}

/* One transaction for at most `limit` events of part `p`, applied one by
 * one or, with `many`, through apply_many. The cursor is the one the last
 * run left when known (no lock: the compare in s_save_cursor keeps a stale
 * one from applying anything), else read with its row locked. 0 when every
 * collected event was applied and committed (or the cursor was found moved:
 * p->cursor is then -1 and p->more asks for another run); S_MANY_FAILED
 * when apply_many failed (rolled back); otherwise -1 and *stopped_at is the
 * index of the event that could not be applied (-1: no event to blame, e.g.
 * the commit failed). */
static int
s_batch(consumer_t *self, db_t *db, s_part_t *p, int limit, int *stopped_at, int many)
{
    Lianxin__V1__Event **evs = calloc((size_t) limit, sizeof *evs);
    evroute_counts_t passed = { 0, 0 };
    /* known on another connection: a relaxed commit may have been lost
     * with the old one, so the cursor is read again */
    int64_t cursor = p->cursor_gen == p->generation ? p->cursor : -1;
    int n = 0, more = 0, done = -1, missing = p->cursor_missing;
    *stopped_at = -1;
    if (!evs || tx_begin(self->tx, db) != 0) {
        free(evs);
        return -1;
    }
    if (db_generation(db) != p->generation) {
        tx_rollback(self->tx);      /* reconnected: the lease is not ours any more */
        free(evs);
        return -1;
    }
    if ((cursor >= 0 || s_lock_cursor(self, db, p->stream, &cursor, &missing) == 0)
        && s_collect(p, db, cursor, limit, evs, &n, &more) == 0) {
        p->cursor = cursor;
        p->cursor_missing = missing;
        p->cursor_gen = p->generation;
        done = s_apply_all(self, p->stream, cursor, evs, n, many, &passed);
    }
    int rc = -1, moved = -1;
    if (done == n && n == 0) {
        tx_rollback(self->tx);
        rc = 0;
    } else if (done == n) {
        moved = s_save_cursor(self, db, p->stream, cursor, cursor + n, missing);
        if (moved == 0) {
            p->cursor = -1;         /* not as known: rolled back, read again */
            p->more = 1;
            rc = 0;
            log_info("consumer cursor moved elsewhere, reading it again", "consumer=%s"
                     " district=%s producer=%s", self->name, p->stream->district,
                     p->stream->producer);
        } else if (moved == 1 && tx_commit_relaxed(self->tx) == 0) {
            p->cursor = cursor + n;
            p->cursor_missing = 0;
            p->applied += (uint64_t) n;
            p->passed.malformed += passed.malformed;
            p->passed.ignored += passed.ignored;
            p->more = more;
            rc = 0;
        }
    } else if (done >= 0) {
        *stopped_at = done;
    } else if (done == S_MANY_FAILED) {
        rc = S_MANY_FAILED;
    }
    if (rc != 0 || moved == 0)
        tx_rollback(self->tx);
    s_free_events(evs, n);
    free(evs);
    return rc;
}

/* Runs part `p`, batched first when there is an apply_many, one by one
 * when that fails. When event k of a batch fails, the k before it are
 * committed on their own, so one poison event holds back only itself. */
static void
s_run_part(consumer_t *self, db_t *db, s_part_t *p)
{
    int stopped_at = -1, many = s_batched(self);
    int rc = s_batch(self, db, p, self->max_batch, &stopped_at, many);
    if (rc == S_MANY_FAILED)
        rc = s_batch(self, db, p, self->max_batch, &stopped_at, many = 0);
    if (rc == 0)
        return;
    p->failed = 1;
    if (stopped_at > 0)
        s_batch(self, db, p, stopped_at, &stopped_at, many);
}

static int
s_job(db_t *db, void *arg)
{
    s_run_t *run = arg;
    consumer_t *self = run->self;
    if (db_connect(db) != 0) {
        run->db_down = 1;
        return -1;
    }
    for (size_t i = 0; i < run->nparts; i++) {
        s_part_t *p = &run->parts[i];
        if (db_connect(db) != 0) {
            run->db_down = 1;
            break;
        }
        /* per part, not per district: cheap when cached, and right when the
         * connection was replaced by the part before */
        p->held = lease_hold(db, p->stream->lease);
        p->generation = db_generation(db);
        if (p->held == 1)
            s_run_part(self, db, p);
    }
    return 0;
}

/* ---- the loop side ------------------------------------------------------ */

static void s_run(consumer_t *self, int catchup);
static void s_on_retry(uv_timer_t *timer);

static void
s_drop_buffered(s_buffered_t *buf, size_t *n, int64_t upto)
{
    size_t k = 0;
    for (size_t i = 0; i < *n; i++)
        if (buf[i].seq > upto)
            buf[k++] = buf[i];
    *n = k;
}

static void
s_arm_retry(consumer_t *self)
{
    uint64_t now = uv_now(self->loop), first = 0;
    for (size_t i = 0; i < self->nstreams; i++) {
        uint64_t at = self->streams[i]->retry_at;
        if (at && (!first || at < first))
            first = at;
    }
    if (first)
        uv_timer_start(&self->retry, s_on_retry, first > now ? first - now : 0, 0);
}

/* Takes a part's outcome into the stream's loop state. */
static void
s_settle_part(consumer_t *self, s_part_t *p)
{
    s_stream_t *s = p->stream;
    s->held = p->held;
    if (p->held == 0)
        s->cursor = -1;             /* another instance moves it */
    else if (p->held == 1) {
        s->cursor = p->cursor;      /* -1 when found moved: read again */
        s->cursor_missing = p->cursor_missing;
        s->cursor_gen = p->cursor_gen;
    }
    s_drop_buffered(p->buf, &p->nbuf, p->held == 0 ? INT64_MAX : s->cursor);
    s_drop_buffered(s->buf, &s->nbuf, p->held == 0 ? INT64_MAX : s->cursor);
    if (p->held == 1 && p->nbuf > 0 && !p->more && !p->failed)
        log_warn("bus events not in the log dropped", "consumer=%s district=%s producer=%s"
                 " n=%zu cursor=%lld", self->name, s->district, s->producer, p->nbuf,
                 (long long) s->cursor);
    if (p->nbuf > 0 || p->more)
        s->need_read = 1;           /* the table is read again: it alone decides */
    self->applied += p->applied;
    self->passed.ignored += p->passed.ignored;
    if (p->passed.malformed > 0) {
        self->passed.malformed += p->passed.malformed;
        log_warn("malformed events skipped", "consumer=%s district=%s producer=%s n=%llu"
                 " total=%llu", self->name, s->district, s->producer,
                 (unsigned long long) p->passed.malformed,
                 (unsigned long long) self->passed.malformed);
    }
    if (p->failed) {
        s->backoff_ms = s->backoff_ms ? s->backoff_ms * 2 : CONSUMER_BACKOFF_MIN_MS;
        if (s->backoff_ms > CONSUMER_BACKOFF_MAX_MS)
            s->backoff_ms = CONSUMER_BACKOFF_MAX_MS;
        s->retry_at = uv_now(self->loop) + (uint64_t) s->backoff_ms;
        log_warn("stream held back", "consumer=%s district=%s producer=%s cursor=%lld retry_ms=%d",
                 self->name, s->district, s->producer, (long long) s->cursor, s->backoff_ms);
    } else {
        s->backoff_ms = 0;
        s->retry_at = 0;
    }
}

static void
s_free_run(s_run_t *run)
{
    for (size_t i = 0; i < run->nparts; i++) {
        s_part_t *p = &run->parts[i];
        s_drop_buffered(p->buf, &p->nbuf, INT64_MAX);
        free(p->buf);
    }
    free(run->parts);
    free(run);
}

static void s_maybe_free(consumer_t *self);

/* Starts the run asked for while one was in flight or while lingering. */
static void
s_again(consumer_t *self)
{
    int catchup = self->again_catchup;
    self->again = self->again_catchup = 0;
    s_run(self, catchup);
}

static void
s_on_linger(uv_timer_t *timer)
{
    consumer_t *self = timer->data;
    self->lingering = 0;
    if (self->again)
        s_again(self);
}

/* A stream's buffer is full while lingering: no point in waiting. */
static void
s_end_linger(consumer_t *self)
{
    if (!self->lingering)
        return;
    uv_timer_stop(&self->linger);
    s_on_linger(&self->linger);
}

static void
s_done(int rc, void *arg)
{
    (void) rc;
    s_run_t *run = arg;
    consumer_t *self = run->self;
    self->running = 0;
    if (self->dying) {
        s_free_run(run);
        s_maybe_free(self);
        return;
    }
    if (run->db_down != self->db_down)
        log_write(run->db_down ? LOG_WARN : LOG_INFO,
                  run->db_down ? "consumer waits for the database" : "consumer database back",
                  "consumer=%s", self->name);
    self->db_down = run->db_down;
    uint64_t applied = 0;
    int backlog = 0;
    for (size_t i = 0; i < run->nparts; i++) {
        s_settle_part(self, &run->parts[i]);
        applied += run->parts[i].applied;
        backlog |= run->parts[i].more;
    }
    self->again |= backlog;
    tx_publish(self->tx, self->pub);
    s_free_run(run);
    s_arm_retry(self);
    if (!self->again)
        return;
    /* busy (a run of linger_min or more, and more came meanwhile), but no
     * backlog in the table: gather for linger_ms before the next run */
    if (self->linger_ms > 0 && !backlog && applied >= (uint64_t) self->linger_min) {
        self->lingering = 1;
        uv_timer_start(&self->linger, s_on_linger, (uint64_t) self->linger_ms, 0);
        return;
    }
    s_again(self);
}

/* Moves what a stream has to do into a part. 0 when there is nothing. */
static int
s_plan_stream(s_stream_t *s, int catchup, uint64_t now, s_part_t *p)
{
    if (s->retry_at > now || (!catchup && !s->nbuf && !s->need_read))
        return 0;
    memset(p, 0, sizeof *p);
    p->stream = s;
    p->read_table = catchup || s->need_read;
    p->held = -1;
    /* a catch-up (start, idle interval, retry) reads the row again, so that
     * a cursor set back by hand (replaying a stream) is seen within idle_ms */
    p->cursor = catchup ? -1 : s->cursor;
    p->cursor_missing = s->cursor_missing;
    p->cursor_gen = s->cursor_gen;
    p->buf = s->buf;
    p->nbuf = s->nbuf;
    s->buf = NULL;
    s->nbuf = 0;
    s->need_read = 0;
    return 1;
}

/* Starts a run (one txq job over the streams with work), or asks for one
 * after the run in flight. `catchup` reads every stream's table. */
static void
s_run(consumer_t *self, int catchup)
{
    if (self->dying || !self->started)
        return;
    if (self->running || self->lingering) {
        self->again = 1;
        self->again_catchup |= catchup;
        return;
    }
    s_run_t *run = calloc(1, sizeof *run);
    s_part_t *parts = calloc(self->nstreams ? self->nstreams : 1, sizeof *parts);
    if (!run || !parts) {
        free(run);
        free(parts);
        return;                     /* the idle timer tries again */
    }
    uint64_t now = uv_now(self->loop);
    run->self = self;
    run->parts = parts;
    for (size_t i = 0; i < self->nstreams; i++)
        run->nparts += (size_t) s_plan_stream(self->streams[i], catchup, now,
                                              &parts[run->nparts]);
    if (run->nparts == 0 || txq_submit(self->txq, s_job, s_done, run) != 0) {
        for (size_t i = 0; i < run->nparts; i++)
            parts[i].stream->need_read = 1;
        s_free_run(run);
        return;
    }
    self->running = 1;
}

static s_stream_t *
s_find(consumer_t *self, const char *district, const char *producer)
{
    for (size_t i = 0; i < self->nstreams; i++) {
        s_stream_t *s = self->streams[i];
        if (strcmp(s->district, district) == 0 && strcmp(s->producer, producer) == 0)
            return s;
    }
    return NULL;
}

/* Keeps a bus event in the stream's buffer, in seq order, once. */
static int
s_buffer(consumer_t *self, s_stream_t *s, const Lianxin__V1__Event *ev)
{
    size_t at = 0;
    while (at < s->nbuf && s->buf[at].seq < ev->seq)
        at++;
    if (at < s->nbuf && s->buf[at].seq == ev->seq)
        return 0;                   /* a duplicate of a buffered one */
    if (s->nbuf >= (size_t) self->max_batch) {
        s->need_read = 1;           /* full: the table will have it */
        return 1;
    }
    if (!s->buf && !(s->buf = calloc((size_t) self->max_batch, sizeof *s->buf)))
        return -1;
    memmove(&s->buf[at + 1], &s->buf[at], (s->nbuf - at) * sizeof *s->buf);
    s->buf[at] = (s_buffered_t) { .seq = ev->seq };
    s->nbuf++;
    return 1;
}

static void
s_on_event(const Lianxin__V1__Event *ev, void *arg)
{
    consumer_t *self = arg;
    if (self->dying || !ev->district || !ev->producer || ev->seq <= 0)
        return;
    s_stream_t *s = s_find(self, ev->district, ev->producer);
    if (!s || s->held == 0)
        return;                     /* not ours, or another instance's lease */
    if (s->cursor >= 0 && consumer_check(s->cursor, ev->seq) == CONSUMER_DUPLICATE)
        return;
    int rc = s_buffer(self, s, ev);
    if (rc < 0)
        s->need_read = 1;
    if (rc != 0 && (s->need_read || s->nbuf >= (size_t) self->max_batch))
        s_end_linger(self);
    if (rc != 0)
        s_run(self, 0);
}

static void
s_on_idle(uv_timer_t *timer)
{
    s_run(timer->data, 1);
}

static void
s_on_retry(uv_timer_t *timer)
{
    s_run(timer->data, 1);
}

/* ---- lifecycle ---------------------------------------------------------- */

/* Splits the comma-separated producers into self->producers. 0 or -1. */
static int
s_parse_producers(consumer_t *self, const char *list)
{
    char *copy = strdup(list ? list : "");
    if (!copy)
        return -1;
    int rc = 0;
    char *save = NULL;
    for (char *tok = strtok_r(copy, ", ", &save); tok && rc == 0;
         tok = strtok_r(NULL, ", ", &save)) {
        char **more = realloc(self->producers, (self->nproducers + 1) * sizeof *more);
        if (!db_ident_ok(tok, 0) || !more) {
            free(more == self->producers ? NULL : more);
            rc = -1;
            break;
        }
        self->producers = more;
        if (!(self->producers[self->nproducers] = strdup(tok)))
            rc = -1;
        else
            self->nproducers++;
    }
    free(copy);
    return rc == 0 && self->nproducers > 0 ? 0 : -1;
}

static int
s_init_opts(consumer_t *self, const consumer_opts_t *opts)
{
    if (!db_ident_ok(opts->name, 0) || !db_ident_ok(opts->cursor_table, 1))
        return -1;
    self->name = strdup(opts->name);
    self->cursor_table = strdup(opts->cursor_table);
    self->idle_ms = opts->idle_ms > 0 ? opts->idle_ms : 2000;
    self->max_batch = opts->max_batch > 0 ? opts->max_batch : 256;
    self->linger_ms = opts->linger_ms > 0 && opts->linger_ms <= CONSUMER_LINGER_MAX_MS
                      ? opts->linger_ms : 0;
    self->linger_min = opts->linger_min > 0 ? opts->linger_min : 1;
    if (!self->name || !self->cursor_table || s_parse_producers(self, opts->producers) != 0)
        return -1;
    snprintf(self->sql_lock, sizeof self->sql_lock,
             "SELECT seq FROM %s WHERE district_code = $1 AND consumer = $2 AND producer = $3"
             " FOR UPDATE", self->cursor_table);
    snprintf(self->sql_create, sizeof self->sql_create,
             "INSERT INTO %s (district_code, consumer, producer, seq)"
             " VALUES ($1, $2, $3, $4::bigint)"
             " ON CONFLICT (district_code, consumer, producer) DO NOTHING", self->cursor_table);
    snprintf(self->sql_update, sizeof self->sql_update,
             "UPDATE %s SET seq = $4::bigint WHERE district_code = $1 AND consumer = $2"
             " AND producer = $3 AND seq = $5::bigint", self->cursor_table);
    self->tx = tx_new(self->name);
    return self->tx ? 0 : -1;
}

static void
s_free(consumer_t *self)
{
    for (size_t i = 0; i < self->nstreams; i++) {
        s_drop_buffered(self->streams[i]->buf, &self->streams[i]->nbuf, INT64_MAX);
        free(self->streams[i]->buf);
        free(self->streams[i]);
    }
    for (size_t i = 0; i < self->nproducers; i++)
        free(self->producers[i]);
    free(self->producers);
    free(self->streams);
    tx_destroy(&self->tx);
    free(self->name);
    free(self->cursor_table);
    free(self);
}

/* Frees once both timers are closed and no job holds the consumer. */
static void
s_maybe_free(consumer_t *self)
{
    if (self->closing_handles == 0 && !self->running)
        s_free(self);
}

static void
s_on_close(uv_handle_t *handle)
{
    consumer_t *self = handle->data;
    self->closing_handles--;
    s_maybe_free(self);
}

consumer_t *
consumer_new(uv_loop_t *loop, void *zctx, const consumer_opts_t *opts,
             txq_t *txq, bus_pub_t *pub, consumer_apply_fn *fn, void *arg)
{
    if (!loop || !opts || !txq || !fn == !opts->routes
        || (opts->routes && evroute_check(opts->routes, opts->nroutes) != 0))
        return NULL;
    consumer_t *self = calloc(1, sizeof *self);
    if (!self)
        return NULL;
    self->loop = loop;
    self->txq = txq;
    self->pub = pub;
    self->fn = fn;
    self->many = opts->routes ? NULL : opts->apply_many;
    self->routes = opts->routes;
    self->nroutes = opts->nroutes;
    self->arg = arg;
    if (s_init_opts(self, opts) != 0) {
        log_error("consumer options invalid", "consumer=%s", opts->name ? opts->name : "");
        s_free(self);
        return NULL;
    }
    if (opts->xpub_endpoint && zctx
        && !(self->sub = bus_sub_new(loop, zctx, opts->xpub_endpoint, opts->curve,
                                     s_on_event, self))) {
        s_free(self);
        return NULL;
    }
    uv_timer_init(loop, &self->idle);
    uv_timer_init(loop, &self->retry);
    uv_timer_init(loop, &self->linger);
    self->idle.data = self->retry.data = self->linger.data = self;
    return self;
}

static s_stream_t *
s_stream_new(const char *district, const char *producer, const char *name)
{
    s_stream_t *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    snprintf(s->district, sizeof s->district, "%s", district);
    snprintf(s->producer, sizeof s->producer, "%s", producer);
    snprintf(s->lease, sizeof s->lease, "%s/%s", name, district);
    s->cursor = -1;
    s->held = -1;
    return s;
}

int
consumer_add_district(consumer_t *self, const char *district)
{
    if (!self || self->dying || !db_ident_ok(district, 0))
        return -1;
    if (s_find(self, district, self->producers[0]))
        return 0;
    s_stream_t **more = realloc(self->streams,
                                (self->nstreams + self->nproducers) * sizeof *more);
    if (!more)
        return -1;
    self->streams = more;
    for (size_t i = 0; i < self->nproducers; i++) {
        s_stream_t *s = s_stream_new(district, self->producers[i], self->name);
        if (!s)
            return -1;
        self->streams[self->nstreams++] = s;
    }
    char prefix[CONSUMER_NAME_MAX + 2];
    snprintf(prefix, sizeof prefix, "%s/", district);
    if (self->sub && bus_sub_subscribe(self->sub, prefix) != 0)
        return -1;
    s_run(self, 1);
    return 0;
}

int
consumer_start(consumer_t *self)
{
    if (!self || self->dying)
        return -1;
    if (self->started)
        return 0;
    self->started = 1;
    uv_timer_start(&self->idle, s_on_idle, (uint64_t) self->idle_ms, (uint64_t) self->idle_ms);
    s_run(self, 1);
    return 0;
}

uint64_t
consumer_applied(const consumer_t *self)
{
    return self ? self->applied : 0;
}

void
consumer_stats(const consumer_t *self, consumer_stats_t *out)
{
    *out = (consumer_stats_t) { 0, 0, 0 };
    if (self)
        *out = (consumer_stats_t) { self->applied, self->passed.malformed,
                                    self->passed.ignored };
}

/* A run in flight keeps the consumer alive until its done callback, which
 * then frees it without publishing (the bus may be gone by then). */
void
consumer_destroy(consumer_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    consumer_t *self = *self_p;
    *self_p = NULL;
    self->dying = 1;
    bus_sub_destroy(&self->sub);
    uv_timer_stop(&self->idle);
    uv_timer_stop(&self->retry);
    uv_timer_stop(&self->linger);
    self->closing_handles = 3;
    uv_close((uv_handle_t *) &self->idle, s_on_close);
    uv_close((uv_handle_t *) &self->retry, s_on_close);
    uv_close((uv_handle_t *) &self->linger, s_on_close);
}
