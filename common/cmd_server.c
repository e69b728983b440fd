/* cmd_server: the service side of the command channel (see cmd_server.h):
 * a ROUTER that checks each command against its handler row (roles,
 * district) and validates it on the loop, then group-commits on the txq
 * worker through cmd_run (cmd_run.c). Never logs payloads, actors or
 * messages; never blocks the loop. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "cmd_int.h"
#include "cmd_server.h"
#include "log.h"
#include "zwatch.h"

#define CMD_MAX_PENDING (16 * CMD_MAX_BATCH)   /* queued beyond it: 503 */

/* ==== what a handler row declares (pure) ================================== */

int
cmd_district_ok(const Lianxin__V1__Actor *actor, const char *district)
{
    if (!actor || !district || !district[0])
        return 0;
    if (!actor->district || !actor->district[0])
        return actor->role && strcmp(actor->role, "admin") == 0;
    return strcmp(actor->district, district) == 0;
}

int
cmd_access(const cmd_handler_t *h, const Lianxin__V1__Command *cmd, cmd_result_t *res)
{
    const Lianxin__V1__Actor *a = cmd->actor;
    char roles[64], msg[96];
    if (!a || !role_in(h->roles, a->role)) {
        if (roles_format(h->roles, roles, sizeof roles) != 0 || !roles[0])
            snprintf(roles, sizeof roles, "nobody");
        snprintf(msg, sizeof msg, "only %s may send %s", roles, h->type);
        return cmd_fail(res, 403, "forbidden", msg);
    }
    if ((h->flags & CMD_DISTRICT) && !cmd_district_ok(a, cmd->district))
        return cmd_fail(res, 403, "forbidden", "not allowed in this district");
    return 0;
}

/* ==== server ============================================================== */

typedef struct cmd_item {
    struct cmd_item *next;          /* pending FIFO */
    uint8_t identity[256];          /* ROUTER routing id of the client */
    size_t identity_len;
    int delimited;                  /* the client sent an empty delimiter */
    int ok;                         /* executed and kept (worker) */
    int64_t deadline_ms;            /* server clock: receive time + budget; 0 none */
    Lianxin__V1__Command *cmd;
    const cmd_handler_t *handler;
    ProtobufCMessage *req;
    cmd_result_t res;
} cmd_item_t;

/* One group commit. The worker touches only tx, app and the items. */
typedef struct cmd_batch {
    cmd_server_t *server;           /* NULL once the server is destroyed */
    tx_t *tx;
    void *app;
    size_t n;
    int ran, committed, fell_back;
    cmd_item_t *items[CMD_MAX_BATCH];
    cmd_slot_t slots[CMD_MAX_BATCH];
} cmd_batch_t;

struct cmd_server {
    uv_timer_t timer;               /* starts batches; freed in its close callback */
    uv_loop_t *loop;
    void *sock;                     /* ROUTER */
    zwatch_t *watch;
    const cmd_handler_t *handlers;
    size_t nhandlers;
    txq_t *txq;
    bus_pub_t *pub;
    void *app;
    tx_t *tx;
    cmd_item_t *head, *tail;        /* validated, waiting for the next batch */
    size_t npending;
    cmd_batch_t *inflight;
    size_t max_batch;               /* commands per transaction */
    int draining, closing;
    void (*drain_done)(void *arg);
    void *drain_arg;
    uint64_t malformed;
    int64_t (*clock)(void *arg);    /* milliseconds, this host's own */
    void *clock_arg;
    char peer[CURVE_NAME_MAX];      /* the one User-Id taken; "" when plain */
    cmd_server_stats_t stats;
};

static void s_batch_start(cmd_server_t *self);

/* The default clock: monotonic milliseconds of this host, immune to steps of
 * the wall clock. Only differences of it are ever used. */
static int64_t
s_mono_ms(void *arg)
{
    (void) arg;
    return (int64_t) (uv_hrtime() / 1000000u);
}

/* 1 when the item's budget has run out by the server's own clock. */
static int
s_expired(const cmd_item_t *item, int64_t now_ms)
{
    return item->deadline_ms > 0 && item->deadline_ms <= now_ms;
}
static void s_check_drained(cmd_server_t *self);

static void
s_item_free(cmd_item_t *item)
{
    if (!item)
        return;
    if (item->req)
        protobuf_c_message_free_unpacked(item->req, NULL);
    if (item->cmd)
        lianxin__v1__command__free_unpacked(item->cmd, NULL);
    free(item->res.payload);
    free(item);
}

/* Sends the item's result as a Reply to its client. Never blocks: a client
 * that went away or is not reading loses its reply (it times out). */
static void
s_reply(cmd_server_t *self, cmd_item_t *item)
{
    cmd_result_t *res = &item->res;
    if (res->status == 0)
        cmd_fail(res, 503, "unavailable", "command not run");
    res->error_code[sizeof res->error_code - 1] = '\0';
    res->message[sizeof res->message - 1] = '\0';
    res->payload_type[sizeof res->payload_type - 1] = '\0';
    Lianxin__V1__Reply r = LIANXIN__V1__REPLY__INIT;
    Lianxin__V1__FieldError fe[CMD_MAX_FIELDS], *fep[CMD_MAX_FIELDS];
    int nf = res->nfields < 0 ? 0 : res->nfields > CMD_MAX_FIELDS ? CMD_MAX_FIELDS : res->nfields;
    for (int i = 0; i < nf; i++) {
        lianxin__v1__field_error__init(&fe[i]);
        res->fields[i].field[sizeof res->fields[i].field - 1] = '\0';
        res->fields[i].code[sizeof res->fields[i].code - 1] = '\0';
        fe[i].field = res->fields[i].field;
        fe[i].code = res->fields[i].code;
        fep[i] = &fe[i];
    }
    r.correlation_id = item->cmd->correlation_id;
    r.status = res->status;
    r.error_code = res->error_code;
    r.message = res->message;
    r.n_fields = (size_t) nf;
    r.fields = nf ? fep : NULL;
    r.payload_type = res->payload_type;
    r.payload.data = res->payload;
    r.payload.len = res->payload ? res->payload_len : 0;
    zmq_msg_t msg;
    if (zmq_msg_init_size(&msg, lianxin__v1__reply__get_packed_size(&r)) != 0)
        return;
    lianxin__v1__reply__pack(&r, zmq_msg_data(&msg));
    if (zmq_send(self->sock, item->identity, item->identity_len, ZMQ_SNDMORE | ZMQ_DONTWAIT) < 0
        || (item->delimited && zmq_send(self->sock, "", 0, ZMQ_SNDMORE | ZMQ_DONTWAIT) < 0)
        || zmq_msg_send(&msg, self->sock, ZMQ_DONTWAIT) < 0)
        zmq_msg_close(&msg);
}

/* Answers an item before it reaches a batch, and frees it. Returns -1. */
static int
s_reject(cmd_server_t *self, cmd_item_t *item, int status, const char *code, const char *msg)
{
    if (code)
        cmd_fail(&item->res, status, code, msg);
    self->stats.rejected++;
    s_reply(self, item);
    s_item_free(item);
    return -1;
}

static const cmd_handler_t *
s_find_handler(const cmd_server_t *self, const char *type)
{
    for (size_t i = 0; type && i < self->nhandlers; i++)
        if (strcmp(self->handlers[i].type, type) == 0)
            return &self->handlers[i];
    return NULL;
}

/* Starts the next batch on the next loop turn, after the current burst of
 * messages has been read: that is what lets neighbours share a commit. */
static void
s_on_timer(uv_timer_t *timer)
{
    cmd_server_t *self = timer->data;
    s_batch_start(self);
    s_check_drained(self);
}

static void
s_schedule(cmd_server_t *self)
{
    if (!self->closing && !uv_is_active((uv_handle_t *) &self->timer))
        uv_timer_start(&self->timer, s_on_timer, 0, 0);
}

/* The loop-side checks, in order: stopping, handler, deadline, the row's
 * roles and district (cmd_access), payload, validate. 0 when the command
 * may join a batch; -1 when it was answered (or dropped, expired) and freed. */
static int
s_check(cmd_server_t *self, cmd_item_t *item)
{
    const Lianxin__V1__Command *c = item->cmd;
    if (self->draining)
        return s_reject(self, item, 503, "unavailable", "service stopping");
    item->handler = s_find_handler(self, c->type);
    if (!item->handler)
        return s_reject(self, item, 404, "unknown_command", "unknown command");
    if (s_expired(item, self->clock(self->clock_arg))) {
        self->stats.expired++;
        log_debug("expired command dropped", "type=%s", item->handler->type);
        s_item_free(item);
        return -1;
    }
    if (cmd_access(item->handler, c, &item->res) != 0) {
        self->stats.forbidden++;
        return s_reject(self, item, 0, NULL, NULL);
    }
    if (item->handler->request) {
        item->req = protobuf_c_message_unpack(item->handler->request, NULL,
                                              c->payload.len, c->payload.data);
        if (!item->req)
            return s_reject(self, item, 400, "bad_payload", "malformed payload");
    }
    if (item->handler->validate) {
        cmd_ctx_t ctx = { .cmd = c, .req = item->req, .app = self->app };
        if (item->handler->validate(&ctx, &item->res) != 0) {
            if (item->res.status < 400)
                cmd_fail(&item->res, 400, "validation_failed", "validation failed");
            return s_reject(self, item, 0, NULL, NULL);
        }
        cmd__clear_result(&item->res);
    }
    if (self->npending >= CMD_MAX_PENDING)
        return s_reject(self, item, 503, "unavailable", "service busy");
    return 0;
}

/* Queues a checked command for the next batch. */
static void
s_admit(cmd_server_t *self, cmd_item_t *item)
{
    if (s_check(self, item) != 0)
        return;
    if (self->tail)
        self->tail->next = item;
    else
        self->head = item;
    self->tail = item;
    self->npending++;
    s_schedule(self);
}

/* 1 when the message came from the trusted peer (or the server is plain):
 * its User-Id, set by the ZAP handler from the peer's key, is self->peer. */
static int
s_peer_ok(cmd_server_t *self, zmq_msg_t *last)
{
    if (!self->peer[0])
        return 1;
    const char *uid = zmq_msg_gets(last, "User-Id");
    if (uid && strcmp(uid, self->peer) == 0)
        return 1;
    self->stats.forbidden++;
    log_warn("command from an untrusted peer dropped", "peer=%s forbidden=%llu",
             uid && *uid ? uid : "-", (unsigned long long) self->stats.forbidden);
    return 0;
}

/* One command: [identity, empty, Command] (or [identity, Command]). */
static void
s_server_on_readable(zwatch_t *w, void *sock, void *arg)
{
    (void) w;
    cmd_server_t *self = arg;
    zmq_msg_t parts[3];
    int n = cmd__recv_frames(sock, parts, 3);
    if (n == 0)
        return;
    self->stats.received++;
    cmd_item_t *item = NULL;
    if (!s_peer_ok(self, &parts[(n < 3 ? n : 3) - 1])) {
        cmd__close_frames(parts, n, 3);
        self->stats.rejected++;
        return;
    }
    int shape_ok = (n == 2 || (n == 3 && zmq_msg_size(&parts[1]) == 0))
                   && zmq_msg_size(&parts[0]) <= sizeof item->identity;
    if (shape_ok && (item = calloc(1, sizeof *item))) {
        item->identity_len = zmq_msg_size(&parts[0]);
        memcpy(item->identity, zmq_msg_data(&parts[0]), item->identity_len);
        item->delimited = n == 3;
        item->cmd = lianxin__v1__command__unpack(NULL, zmq_msg_size(&parts[n - 1]),
                                                 zmq_msg_data(&parts[n - 1]));
    }
    cmd__close_frames(parts, n, 3);
    if (item && item->cmd && item->cmd->budget_ms > 0) {
        int64_t budget = item->cmd->budget_ms > CMD_MAX_BUDGET_MS ? CMD_MAX_BUDGET_MS
                                                                    : item->cmd->budget_ms;
        item->deadline_ms = self->clock(self->clock_arg) + budget;
    }
    if (!item || !item->cmd) {
        s_item_free(item);
        self->stats.rejected++;
        if (self->malformed++ % 1000 == 0)
            log_warn("malformed command dropped", "count=%llu",
                     (unsigned long long) self->malformed);
        return;
    }
    s_admit(self, item);
}

/* ---- the batch: worker side ---------------------------------------------- */

/* The engine's operations over the worker's real transaction. */
typedef struct {
    tx_t *tx;
    db_t *db;
} s_real_t;

static int s_op_begin(void *t) { s_real_t *r = t; return tx_begin(r->tx, r->db); }
static int s_op_commit(void *t) { return tx_commit(((s_real_t *) t)->tx); }
static void s_op_rollback(void *t) { tx_rollback(((s_real_t *) t)->tx); }
static int s_op_savepoint(void *t) { return tx_savepoint(((s_real_t *) t)->tx); }
static int s_op_release(void *t) { return tx_release(((s_real_t *) t)->tx); }
static int s_op_rollback_to(void *t) { return tx_rollback_to(((s_real_t *) t)->tx); }
static void s_op_mark(void *t, tx_mark_t *m) { tx_mark(((s_real_t *) t)->tx, m); }
static void s_op_rewind(void *t, const tx_mark_t *m) { tx_rewind(((s_real_t *) t)->tx, m); }
static int s_op_broken(void *t) { return db_broken(((s_real_t *) t)->db); }
static int s_op_failed(void *t) { return db_tx_failed(((s_real_t *) t)->db); }

static const cmd_txops_t s_real_ops = {
    s_op_begin, s_op_commit, s_op_rollback, s_op_savepoint, s_op_release,
    s_op_rollback_to, s_op_mark, s_op_rewind, s_op_broken, s_op_failed,
};

/* The txq job (worker thread): the whole batch in one transaction. */
static int
s_job(db_t *db, void *arg)
{
    cmd_batch_t *b = arg;
    s_real_t real = { b->tx, db };
    b->ran = 1;
    for (size_t i = 0; i < b->n; i++) {
        cmd_item_t *item = b->items[i];
        b->slots[i] = (cmd_slot_t) { item->handler, { item->cmd, item->req, b->app },
                                     &item->res, 0 };
    }
    int rc = cmd_run(&s_real_ops, &real, b->tx, b->slots, b->n, &b->fell_back);
    for (size_t i = 0; i < b->n; i++)
        b->items[i]->ok = b->slots[i].ok;
    b->committed = rc == 0;
    return rc;
}

/* ---- the batch: loop side ------------------------------------------------ */

static void
s_batch_free(cmd_batch_t *b)
{
    for (size_t i = 0; i < b->n; i++)
        s_item_free(b->items[i]);
    free(b);
}

/* The txq's done callback (loop thread): publish what was committed, answer
 * every command, start the next batch. */
static void
s_done(int rc, void *arg)
{
    (void) rc;
    cmd_batch_t *b = arg;
    cmd_server_t *self = b->server;
    if (!self) {                    /* server destroyed meanwhile: the log has the events */
        tx_destroy(&b->tx);
        s_batch_free(b);
        return;
    }
    self->inflight = NULL;
    if (b->committed && tx_publish(b->tx, self->pub) != 0)
        log_warn("publish after commit failed", "n=%zu", b->n);
    size_t ok = 0;
    for (size_t i = 0; i < b->n; i++) {
        ok += b->items[i]->ok;
        s_reply(self, b->items[i]);
    }
    self->stats.batches++;
    self->stats.fallbacks += (uint64_t) b->fell_back;
    self->stats.committed += ok;
    self->stats.failed += b->n - ok;
    if (!b->committed)
        log_warn("batch failed", "n=%zu ran=%d", b->n, b->ran);
    else if (b->fell_back)
        log_warn("batch run again one savepoint per command", "n=%zu ok=%zu fallbacks=%llu",
                 b->n, ok, (unsigned long long) self->stats.fallbacks);
    log_debug("batch done", "n=%zu ok=%zu", b->n, ok);
    s_batch_free(b);
    zwatch_kick(self->watch);
    if (self->head)
        s_schedule(self);
    s_check_drained(self);
}

/* Takes up to CMD_MAX_BATCH pending commands, dropping those whose client
 * has given up already, and hands them to the worker as one job. */
static void
s_batch_start(cmd_server_t *self)
{
    if (self->inflight || !self->head || self->closing)
        return;
    cmd_batch_t *b = calloc(1, sizeof *b);
    if (!b) {
        uv_timer_start(&self->timer, s_on_timer, 10, 0);
        return;
    }
    int64_t now = self->clock(self->clock_arg);
    while (self->head && b->n < self->max_batch) {
        cmd_item_t *item = self->head;
        self->head = item->next;
        self->tail = self->head ? self->tail : NULL;
        self->npending--;
        item->next = NULL;
        if (s_expired(item, now)) {
            self->stats.expired++;
            s_item_free(item);
            continue;
        }
        b->items[b->n++] = item;
    }
    b->server = self;
    b->tx = self->tx;
    b->app = self->app;
    if (b->n == 0) {
        free(b);
        return;
    }
    self->inflight = b;
    if (txq_submit(self->txq, s_job, s_done, b) != 0)
        s_done(-1, b);              /* queue stopping: every command gets 503 */
}

static void
s_check_drained(cmd_server_t *self)
{
    if (!self->draining || self->inflight || self->head || !self->drain_done)
        return;
    void (*done)(void *) = self->drain_done;
    self->drain_done = NULL;
    log_info("command server drained", "batches=%llu", (unsigned long long) self->stats.batches);
    done(self->drain_arg);
}

/* ---- server API ---------------------------------------------------------- */

/* Frees what cmd_server_new built before the timer existed. */
static void
s_server_free_early(cmd_server_t *self)
{
    zwatch_destroy(&self->watch);
    if (self->sock)
        zmq_close(self->sock);
    tx_destroy(&self->tx);
    free(self);
}

cmd_server_t *
cmd_server_new(uv_loop_t *loop, void *zctx, const char *endpoint,
               const curve_server_t *curve, const cmd_handler_t *handlers, size_t nhandlers,
               txq_t *txq, bus_pub_t *pub, const char *producer, void *app)
{
    if (!loop || !zctx || !endpoint || (!handlers && nhandlers) || !txq || !producer)
        return NULL;
    cmd_server_t *self = calloc(1, sizeof *self);
    if (!self)
        return NULL;
    self->loop = loop;
    self->handlers = handlers;
    self->nhandlers = nhandlers;
    self->txq = txq;
    self->pub = pub;
    self->app = app;
    self->max_batch = CMD_MAX_BATCH;
    self->clock = s_mono_ms;
    if (curve)
        snprintf(self->peer, sizeof self->peer, "%s", curve->peer);
    int mandatory = 0;
    self->tx = tx_new(producer);
    self->sock = zmq_socket(zctx, ZMQ_ROUTER);
    if (!self->tx || !self->sock || cmd__socket_opts(self->sock) != 0
        || (curve && curve_server_apply(self->sock, curve) != 0)
        || zmq_setsockopt(self->sock, ZMQ_ROUTER_MANDATORY, &mandatory, sizeof mandatory) != 0
        || zmq_bind(self->sock, endpoint) != 0
        || !(self->watch = zwatch_new(loop, self->sock, s_server_on_readable, self))) {
        log_error("command server failed", "endpoint=%s err=\"%s\"", endpoint,
                  zmq_strerror(zmq_errno()));
        s_server_free_early(self);
        return NULL;
    }
    uv_timer_init(loop, &self->timer);
    self->timer.data = self;
    log_info("command server listening", "endpoint=%s handlers=%zu peer=%s", endpoint, nhandlers,
             self->peer[0] ? self->peer : "any (plain)");
    return self;
}

void
cmd_server_set_max_batch(cmd_server_t *self, size_t max_batch)
{
    if (!self)
        return;
    self->max_batch = max_batch < 1 ? 1 : max_batch > CMD_MAX_BATCH ? CMD_MAX_BATCH : max_batch;
}

void
cmd_server_set_clock(cmd_server_t *self, int64_t (*now_ms)(void *arg), void *arg)
{
    if (!self)
        return;
    self->clock = now_ms ? now_ms : s_mono_ms;
    self->clock_arg = now_ms ? arg : NULL;
}

void
cmd_server_drain(cmd_server_t *self, void (*done)(void *arg), void *arg)
{
    if (!self || self->closing)
        return;
    self->draining = 1;
    self->drain_done = done;
    self->drain_arg = arg;
    log_info("command server draining", "pending=%zu inflight=%d", self->npending,
             self->inflight != NULL);
    /* Answer on a later turn, even when already idle (never from inside the call). */
    uv_timer_start(&self->timer, s_on_timer, 0, 0);
}

static void
s_server_free(uv_handle_t *handle)
{
    free(handle->data);
}

/* Pending commands are answered 503; a batch in flight keeps running on the
 * worker and is freed (unanswered) by its done callback, which owns the tx. */
void
cmd_server_destroy(cmd_server_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    cmd_server_t *self = *self_p;
    *self_p = NULL;
    if (self->closing)
        return;
    self->draining = self->closing = 1;
    zwatch_destroy(&self->watch);
    while (self->head) {
        cmd_item_t *item = self->head;
        self->head = item->next;
        (void) s_reject(self, item, 503, "unavailable", "service stopping");
    }
    self->tail = NULL;
    self->npending = 0;
    if (self->inflight) {
        self->inflight->server = NULL;
        self->inflight = NULL;
    } else {
        tx_destroy(&self->tx);
    }
    zmq_close(self->sock);
    uv_close((uv_handle_t *) &self->timer, s_server_free);
}

void
cmd_server_stats(const cmd_server_t *self, cmd_server_stats_t *out)
{
    if (!out)
        return;
    if (self)
        *out = self->stats;
    else
        memset(out, 0, sizeof *out);
}
