/* pgpool: a few non-blocking libpq connections driven by the libuv loop, for
 * short queries that must never block it (the gateway's reads and its auth
 * writes). Every query is answered exactly once, with a result or with NULL:
 * NULL also when a running query outlives max(5 s, 5 x the queue timeout),
 * which treats a hung server like a lost one (the connection is remade).
 * The pool never logs SQL or parameters (they may be tokens or personal data). */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "pgpool.h"
#include "log.h"

#define PGPOOL_MAX_QUEUE 8192
#define PGPOOL_BACKOFF_MIN_MS 100
#define PGPOOL_BACKOFF_MAX_MS 5000
#define PGPOOL_RUN_MIN_MS 5000      /* a running query is given up after the larger of this */
#define PGPOOL_RUN_FACTOR 5         /* and 5 x the queue timeout: a hung server is "down" */

typedef struct pgq {
    struct pgq *next;
    char *sql;
    int n;
    char **params;
    pgpool_fn *fn;
    void *arg;
    uint64_t queued_at;             /* uv_now() when queued */
} pgq_t;

typedef enum { C_DOWN = 0, C_CONNECTING, C_IDLE, C_BUSY } cstate_t;

typedef struct pgconn {
    pgpool_t *pool;
    int index;
    PGconn *pg;
    uv_poll_t *poll;                /* NULL when not watching; freed in its close callback */
    int fd;
    int events;
    cstate_t state;
    pgq_t *q;                       /* the query running */
    PGresult *res;                  /* its first result */
    uv_timer_t retry;               /* reconnection backoff; while busy, the query's limit */
    int backoff_ms;
} pgconn_t;

struct pgpool {
    uv_loop_t *loop;
    char *conninfo;
    int size;
    int queue_timeout_ms;
    pgconn_t *conns;
    pgq_t *head, *tail;
    int queued;
    int ready;
    uv_timer_t qtimer;
    int handles;                    /* libuv handles not yet closed */
    int closing;
};

static void s_on_poll(uv_poll_t *h, int status, int events);
static void s_on_qtimer(uv_timer_t *t);
static void s_connect(pgconn_t *c);
static void s_dispatch(pgpool_t *self);

/* ---- queries --------------------------------------------------------------- */

static void s_query_free(pgq_t *q)
{
    if (!q)
        return;
    for (int i = 0; i < q->n; i++)
        free(q->params[i]);
    free(q->params);
    free(q->sql);
    free(q);
}

static pgq_t *s_query_new(const char *sql, int n, const char *const *params)
{
    pgq_t *q = calloc(1, sizeof *q);
    if (!q)
        return NULL;
    q->sql = strdup(sql);
    q->params = n > 0 ? calloc((size_t) n, sizeof(char *)) : NULL;
    if (!q->sql || (n > 0 && !q->params)) {
        s_query_free(q);
        return NULL;
    }
    q->n = n;
    for (int i = 0; i < n; i++) {
        if (params[i] && !(q->params[i] = strdup(params[i]))) {
            s_query_free(q);
            return NULL;
        }
    }
    return q;
}

/* Answers `q` with `res` (may be NULL), then frees both. */
static void s_answer(pgq_t *q, PGresult *res)
{
    q->fn(res, q->arg);
    if (res)
        PQclear(res);
    s_query_free(q);
}

static pgq_t *s_pop(pgpool_t *self)
{
    pgq_t *q = self->head;
    if (q) {
        self->head = q->next;
        if (!self->head)
            self->tail = NULL;
        self->queued--;
    }
    return q;
}

/* ---- the libuv handles ------------------------------------------------------ */

static void s_handle_closed(pgpool_t *self)
{
    if (--self->handles == 0 && self->closing) {
        free(self->conns);
        free(self->conninfo);
        free(self);
    }
}

static void s_on_poll_closed(uv_handle_t *h)
{
    pgpool_t *self = h->data;
    free(h);
    s_handle_closed(self);
}

static void s_on_timer_closed(uv_handle_t *h)
{
    s_handle_closed(h->data);
}

/* Stops watching the connection's socket. Must come before PQfinish: the
 * socket has to be out of the loop's epoll set before libpq closes it. */
static void s_unwatch(pgconn_t *c)
{
    if (!c->poll)
        return;
    uv_poll_stop(c->poll);
    c->poll->data = c->pool;
    uv_close((uv_handle_t *) c->poll, s_on_poll_closed);
    c->poll = NULL;
    c->events = 0;
}

/* Watches the connection's current socket for `events`. libpq may change the
 * socket between connection steps, so it is re-read every time. 0 or -1. */
static int s_watch(pgconn_t *c, int events)
{
    int fd = PQsocket(c->pg);
    if (fd < 0)
        return -1;
    if (c->poll && c->fd != fd)
        s_unwatch(c);
    if (!c->poll) {
        c->poll = malloc(sizeof *c->poll);
        if (!c->poll)
            return -1;
        if (uv_poll_init(c->pool->loop, c->poll, fd) != 0) {
            free(c->poll);
            c->poll = NULL;
            return -1;
        }
        c->pool->handles++;
        c->poll->data = c;
        c->fd = fd;
        c->events = 0;
    }
    if (c->events != events) {
        if (uv_poll_start(c->poll, events, s_on_poll) != 0)
            return -1;
        c->events = events;
    }
    return 0;
}

/* ---- connection life -------------------------------------------------------- */

static void s_on_retry(uv_timer_t *t)
{
    s_connect(t->data);
}

/* libpq's messages are multi-line and may quote; a log value gets the first
 * line with quotes and backslashes replaced. */
static const char *s_why(const char *msg, char *buf, size_t bufsz)
{
    size_t i = 0;
    for (; msg && msg[i] && msg[i] != '\n' && i + 1 < bufsz; i++)
        buf[i] = (msg[i] == '"' || msg[i] == '\\') ? '\'' : msg[i];
    buf[i] = '\0';
    return buf;
}

/* Server notices (e.g. at shutdown) must not reach stderr unformatted. */
static void s_on_notice(void *arg, const char *message)
{
    char why[160];
    (void) arg;
    log_debug("pg notice", "text=\"%s\"", s_why(message, why, sizeof why));
}

/* The connection broke or could not be made: closes it, answers its running
 * query with NULL and schedules a reconnection with exponential backoff. */
static void s_fail(pgconn_t *c, const char *why)
{
    pgpool_t *self = c->pool;
    pgq_t *q = c->q;
    PGresult *res = c->res;
    char buf[160];
    if (c->state == C_IDLE || c->state == C_BUSY) {
        self->ready--;
        if (!self->closing)
            log_warn("pg connection lost", "conn=%d why=\"%s\"", c->index,
                     s_why(why, buf, sizeof buf));
    } else if (c->backoff_ms == PGPOOL_BACKOFF_MIN_MS && !self->closing) {
        log_warn("pg connect failed", "conn=%d why=\"%s\"", c->index,
                 s_why(why, buf, sizeof buf));
    }
    c->q = NULL;
    c->res = NULL;
    s_unwatch(c);
    if (c->pg)
        PQfinish(c->pg);
    c->pg = NULL;
    c->state = C_DOWN;
    if (!self->closing) {
        uv_timer_start(&c->retry, s_on_retry, (uint64_t) c->backoff_ms, 0);
        c->backoff_ms *= 2;
        if (c->backoff_ms > PGPOOL_BACKOFF_MAX_MS)
            c->backoff_ms = PGPOOL_BACKOFF_MAX_MS;
    }
    if (res)
        PQclear(res);
    if (q)
        s_answer(q, NULL);
}

static void s_connect_step(pgconn_t *c, PostgresPollingStatusType st)
{
    int rc = 0;
    switch (st) {
    case PGRES_POLLING_READING:
        rc = s_watch(c, UV_READABLE);
        break;
    case PGRES_POLLING_WRITING:
        rc = s_watch(c, UV_WRITABLE);
        break;
    case PGRES_POLLING_OK:
        if (PQsetnonblocking(c->pg, 1) != 0 || s_watch(c, UV_READABLE) != 0) {
            rc = -1;
            break;
        }
        PQsetNoticeProcessor(c->pg, s_on_notice, NULL);
        c->state = C_IDLE;
        c->backoff_ms = PGPOOL_BACKOFF_MIN_MS;
        c->pool->ready++;
        log_info("pg connection up", "conn=%d ready=%d", c->index, c->pool->ready);
        s_dispatch(c->pool);
        return;
    default:
        rc = -1;
    }
    if (rc != 0)
        s_fail(c, c->pg ? PQerrorMessage(c->pg) : "no connection");
}

static void s_connect(pgconn_t *c)
{
    c->pg = PQconnectStart(c->pool->conninfo);
    if (!c->pg || PQstatus(c->pg) == CONNECTION_BAD) {
        s_fail(c, "cannot start connection");
        return;
    }
    c->state = C_CONNECTING;
    s_connect_step(c, PGRES_POLLING_WRITING);
}

/* ---- running a query -------------------------------------------------------- */

static void s_flush(pgconn_t *c)
{
    int r = PQflush(c->pg);
    if (r < 0 || s_watch(c, r == 1 ? UV_READABLE | UV_WRITABLE : UV_READABLE) != 0)
        s_fail(c, "send failed");
}

static void s_on_query_timeout(uv_timer_t *t)
{
    pgconn_t *c = t->data;
    if (c->state == C_BUSY)
        s_fail(c, "query timed out");
}

static void s_start(pgconn_t *c, pgq_t *q)
{
    int limit = c->pool->queue_timeout_ms * PGPOOL_RUN_FACTOR;
    c->q = q;
    c->state = C_BUSY;
    uv_timer_start(&c->retry, s_on_query_timeout,
                   (uint64_t) (limit > PGPOOL_RUN_MIN_MS ? limit : PGPOOL_RUN_MIN_MS), 0);
    if (!PQsendQueryParams(c->pg, q->sql, q->n, NULL, (const char *const *) q->params,
                           NULL, NULL, 0)) {
        s_fail(c, PQerrorMessage(c->pg));
        return;
    }
    s_flush(c);
}

/* Reads every result the connection has; when the query is complete, answers
 * it with its first result and takes the next queued query. */
static void s_collect(pgconn_t *c)
{
    while (!PQisBusy(c->pg)) {
        PGresult *r = PQgetResult(c->pg);
        if (r) {
            if (!c->res)
                c->res = r;
            else
                PQclear(r);
            continue;
        }
        pgq_t *q = c->q;
        PGresult *res = c->res;
        c->q = NULL;
        c->res = NULL;
        c->state = C_IDLE;
        uv_timer_stop(&c->retry);
        s_answer(q, res);
        if (c->state == C_IDLE && PQstatus(c->pg) == CONNECTION_BAD)
            s_fail(c, "connection bad");
        else
            s_dispatch(c->pool);
        return;
    }
}

static void s_drain_idle(pgconn_t *c)
{
    if (!PQconsumeInput(c->pg) || PQstatus(c->pg) == CONNECTION_BAD) {
        s_fail(c, PQerrorMessage(c->pg));
        return;
    }
    PGnotify *n;
    while ((n = PQnotifies(c->pg)) != NULL)
        PQfreemem(n);
}

static void s_on_poll(uv_poll_t *h, int status, int events)
{
    pgconn_t *c = h->data;
    if (status < 0) {
        s_fail(c, uv_strerror(status));
        return;
    }
    switch (c->state) {
    case C_CONNECTING:
        s_connect_step(c, PQconnectPoll(c->pg));
        break;
    case C_IDLE:
        s_drain_idle(c);
        break;
    case C_BUSY:
        if (events & UV_WRITABLE) {
            s_flush(c);
            if (c->state != C_BUSY)
                return;
        }
        if (events & UV_READABLE) {
            if (!PQconsumeInput(c->pg)) {
                s_fail(c, PQerrorMessage(c->pg));
                return;
            }
            s_collect(c);
        }
        break;
    default:
        break;
    }
}

/* ---- the queue ---------------------------------------------------------------- */

static void s_arm_timer(pgpool_t *self)
{
    if (!self->head || self->closing) {
        uv_timer_stop(&self->qtimer);
        return;
    }
    uint64_t due = self->head->queued_at + (uint64_t) self->queue_timeout_ms;
    uint64_t now = uv_now(self->loop);
    uv_timer_start(&self->qtimer, s_on_qtimer, due > now ? due - now : 0, 0);
}

/* Fails the queries that waited longer than the queue timeout. The queue is
 * in arrival order, so only its head needs looking at. */
static void s_on_qtimer(uv_timer_t *t)
{
    pgpool_t *self = t->data;
    uint64_t now = uv_now(self->loop);
    while (self->head && self->head->queued_at + (uint64_t) self->queue_timeout_ms <= now)
        s_answer(s_pop(self), NULL);
    s_arm_timer(self);
}

static void s_dispatch(pgpool_t *self)
{
    for (int i = 0; i < self->size && self->head && !self->closing; i++) {
        pgconn_t *c = &self->conns[i];
        if (c->state == C_IDLE)
            s_start(c, s_pop(self));
    }
    s_arm_timer(self);
}

/* ---- public API ---------------------------------------------------------------- */

pgpool_t *pgpool_new(uv_loop_t *loop, const char *conninfo, int size, int queue_timeout_ms)
{
    char *err = NULL;
    PQconninfoOption *opts = PQconninfoParse(conninfo ? conninfo : "", &err);
    if (!opts) {
        log_error("pg conninfo malformed", "");
        PQfreemem(err);
        return NULL;
    }
    PQconninfoFree(opts);
    if (size < 1 || size > 256 || queue_timeout_ms < 1)
        return NULL;
    pgpool_t *self = calloc(1, sizeof *self);
    if (!self)
        return NULL;
    self->conns = calloc((size_t) size, sizeof *self->conns);
    self->conninfo = strdup(conninfo ? conninfo : "");
    if (!self->conns || !self->conninfo) {
        free(self->conns);
        free(self->conninfo);
        free(self);
        return NULL;
    }
    self->loop = loop;
    self->size = size;
    self->queue_timeout_ms = queue_timeout_ms;
    uv_timer_init(loop, &self->qtimer);
    self->qtimer.data = self;
    self->handles = 1;
    for (int i = 0; i < size; i++) {
        pgconn_t *c = &self->conns[i];
        c->pool = self;
        c->index = i;
        c->backoff_ms = PGPOOL_BACKOFF_MIN_MS;
        uv_timer_init(loop, &c->retry);
        c->retry.data = c;
        self->handles++;
    }
    for (int i = 0; i < size; i++)
        s_connect(&self->conns[i]);
    return self;
}

int pgpool_query(pgpool_t *self, const char *sql, int n, const char *const *params,
                 pgpool_fn *fn, void *arg)
{
    if (!self || self->closing || self->queued >= PGPOOL_MAX_QUEUE || n < 0 || !fn)
        return -1;
    pgq_t *q = s_query_new(sql, n, params);
    if (!q)
        return -1;
    q->fn = fn;
    q->arg = arg;
    q->queued_at = uv_now(self->loop);
    if (self->tail)
        self->tail->next = q;
    else
        self->head = q;
    self->tail = q;
    self->queued++;
    s_dispatch(self);
    return 0;
}

int pgpool_ready(const pgpool_t *self)
{
    return self ? self->ready : 0;
}

void pgpool_destroy(pgpool_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    pgpool_t *self = *self_p;
    *self_p = NULL;
    self->closing = 1;
    pgq_t *q;
    while ((q = s_pop(self)) != NULL)
        s_answer(q, NULL);
    for (int i = 0; i < self->size; i++) {
        pgconn_t *c = &self->conns[i];
        uv_timer_stop(&c->retry);
        if (c->pg)
            s_fail(c, "pool closing");
        c->retry.data = self;
        uv_close((uv_handle_t *) &c->retry, s_on_timer_closed);
    }
    uv_close((uv_handle_t *) &self->qtimer, s_on_timer_closed);
}
