/* cmd: the command channel (see cmd.h): a DEALER client that never waits past
 * its timeout, a ROUTER server that validates on the loop and group-commits on
 * the txq worker. Never logs payloads, actors or messages; never blocks. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>
#include <zmq.h>

#include "cmd.h"
#include "log.h"
#include "zwatch.h"

/* Wire: the client sends [empty delimiter, packed Command]; the ROUTER sees
 * [identity, empty, Command] and answers [identity, empty, packed Reply]. A
 * bare [identity, Command] is accepted too and answered the same way. */

#define CMD_PAYLOAD_MAX (CMD_MAX_MSG - 8192)   /* room for the Reply envelope */
#define CMD_MAX_PENDING (16 * CMD_MAX_BATCH)   /* queued beyond it: 503 */
#define CMD_HWM 10000
#define CMD_MAP_MIN 256

/* ---- helpers ------------------------------------------------------------- */

static int64_t
s_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Copies `src` into `dst` (size > 0), truncating on a UTF-8 character
 * boundary so a cut never yields an invalid string on the wire. */
static void
s_copy(char *dst, size_t size, const char *src)
{
    size_t n = src ? strlen(src) : 0;
    if (n >= size) {
        n = size - 1;
        while (n > 0 && ((unsigned char) src[n] & 0xC0) == 0x80)
            n--;
    }
    if (n > 0)
        memcpy(dst, src, n);
    dst[n] = '\0';
}

/* Sets the options both ends share. 0 or -1. */
static int
s_socket_opts(void *sock)
{
    int64_t maxmsg = CMD_MAX_MSG;
    int linger = 0, hwm = CMD_HWM;
    if (zmq_setsockopt(sock, ZMQ_MAXMSGSIZE, &maxmsg, sizeof maxmsg) != 0
        || zmq_setsockopt(sock, ZMQ_LINGER, &linger, sizeof linger) != 0
        || zmq_setsockopt(sock, ZMQ_SNDHWM, &hwm, sizeof hwm) != 0
        || zmq_setsockopt(sock, ZMQ_RCVHWM, &hwm, sizeof hwm) != 0)
        return -1;
    return 0;
}

/* Receives every frame of one message, keeping the first `max` in `parts`
 * (to be closed by the caller) and discarding the rest. Returns the number
 * of frames the message had; 0 when nothing was there. */
static int
s_recv_frames(void *sock, zmq_msg_t *parts, int max)
{
    int n = 0;
    for (;;) {
        zmq_msg_t scratch;
        zmq_msg_t *m = n < max ? &parts[n] : &scratch;
        zmq_msg_init(m);
        if (zmq_msg_recv(m, sock, ZMQ_DONTWAIT) < 0) {
            zmq_msg_close(m);
            return n;
        }
        int more = zmq_msg_more(m);
        if (n >= max)
            zmq_msg_close(m);
        n++;
        if (!more)
            return n;
    }
}

static void
s_close_frames(zmq_msg_t *parts, int n, int max)
{
    for (int i = 0; i < n && i < max; i++)
        zmq_msg_close(&parts[i]);
}

/* ---- outcome of one command ---------------------------------------------- */

static void
s_drop_payload(cmd_result_t *res)
{
    free(res->payload);
    res->payload = NULL;
    res->payload_len = 0;
    res->payload_type[0] = '\0';
}

int
cmd_fail(cmd_result_t *res, int status, const char *code, const char *message)
{
    if (!res)
        return -1;
    s_drop_payload(res);
    res->status = status;
    s_copy(res->error_code, sizeof res->error_code, code);
    s_copy(res->message, sizeof res->message, message);
    return -1;
}

int
cmd_field_error(cmd_result_t *res, const char *field, const char *code)
{
    if (!res)
        return -1;
    if (res->error_code[0] == '\0')
        cmd_fail(res, 400, "validation_failed", "validation failed");
    if (res->nfields < 0)
        res->nfields = 0;
    if (res->nfields < CMD_MAX_FIELDS && field && code) {
        s_copy(res->fields[res->nfields].field, sizeof res->fields[0].field, field);
        s_copy(res->fields[res->nfields].code, sizeof res->fields[0].code, code);
        res->nfields++;
    }
    return -1;
}

/* Packs `msg` as the payload; a NULL `msg` means an empty payload. A reply
 * that would not fit in CMD_MAX_MSG is a 500 (-1), never a truncation. */
int
cmd_ok(cmd_result_t *res, int status, const ProtobufCMessage *msg)
{
    if (!res)
        return -1;
    s_drop_payload(res);
    res->status = status;
    res->error_code[0] = res->message[0] = '\0';
    res->nfields = 0;
    if (!msg)
        return 0;
    const char *name = msg->descriptor->name;
    size_t size = protobuf_c_message_get_packed_size(msg);
    if (strlen(name) >= sizeof res->payload_type || size > CMD_PAYLOAD_MAX)
        return cmd_fail(res, 500, "internal", "reply too large");
    uint8_t *buf = malloc(size ? size : 1);
    if (!buf)
        return cmd_fail(res, 503, "unavailable", "out of memory");
    protobuf_c_message_pack(msg, buf);
    res->payload = buf;
    res->payload_len = size;
    s_copy(res->payload_type, sizeof res->payload_type, name);
    return 0;
}

/* ==== client ============================================================== */

typedef struct cmd_pending {
    uv_timer_t timer;               /* the pending is freed in its close callback */
    struct cmd_pending *next;       /* hash chain */
    cmd_client_t *client;
    uint64_t seq;
    cmd_reply_fn *fn;
    void *arg;
} cmd_pending_t;

struct cmd_client {
    uv_loop_t *loop;
    void *sock;                     /* DEALER */
    zwatch_t *watch;
    cmd_pending_t **buckets;        /* keyed by seq; nbuckets is a power of 2 */
    size_t nbuckets, count;
    char prefix[12];                /* "1a2b3c4d-": random per client */
    uint64_t next_seq;
    uint64_t timeouts, late, malformed;
    int closing;
};

/* ---- pending map --------------------------------------------------------- */

static void
s_map_grow(cmd_client_t *self)
{
    size_t nb = self->nbuckets * 2;
    cmd_pending_t **b = calloc(nb, sizeof *b);
    if (!b)
        return;                     /* longer chains, still correct */
    for (size_t i = 0; i < self->nbuckets; i++) {
        cmd_pending_t *p = self->buckets[i];
        while (p) {
            cmd_pending_t *next = p->next;
            p->next = b[p->seq & (nb - 1)];
            b[p->seq & (nb - 1)] = p;
            p = next;
        }
    }
    free(self->buckets);
    self->buckets = b;
    self->nbuckets = nb;
}

static void
s_map_put(cmd_client_t *self, cmd_pending_t *p)
{
    if (self->count >= self->nbuckets)
        s_map_grow(self);
    cmd_pending_t **head = &self->buckets[p->seq & (self->nbuckets - 1)];
    p->next = *head;
    *head = p;
    self->count++;
}

/* Unlinks and returns the pending request `seq`, NULL when there is none. */
static cmd_pending_t *
s_map_take(cmd_client_t *self, uint64_t seq)
{
    cmd_pending_t **pp = &self->buckets[seq & (self->nbuckets - 1)];
    for (; *pp; pp = &(*pp)->next) {
        if ((*pp)->seq == seq) {
            cmd_pending_t *p = *pp;
            *pp = p->next;
            self->count--;
            return p;
        }
    }
    return NULL;
}

/* ---- completing a request ------------------------------------------------ */

static void
s_pending_free(uv_handle_t *handle)
{
    free(handle->data);
}

/* Calls the user back exactly once; `p` must already be out of the map. The
 * callback may destroy the client, so callers touch nothing after this. */
static void
s_pending_finish(cmd_pending_t *p, const Lianxin__V1__Reply *reply, int err)
{
    cmd_reply_fn *fn = p->fn;
    void *arg = p->arg;
    uv_close((uv_handle_t *) &p->timer, s_pending_free);
    fn(reply, err, arg);
}

static void
s_on_timeout(uv_timer_t *timer)
{
    cmd_pending_t *p = timer->data;
    cmd_client_t *self = p->client;
    if (s_map_take(self, p->seq) != p)
        return;                     /* cannot happen: finished requests have no timer */
    self->timeouts++;
    s_pending_finish(p, NULL, UV_ETIMEDOUT);
}

/* The seq of a correlation id made by this client, 0 when it is not ours. */
static uint64_t
s_seq_of(const cmd_client_t *self, const char *id)
{
    size_t plen = strlen(self->prefix);
    if (!id || strncmp(id, self->prefix, plen) != 0)
        return 0;
    const char *digits = id + plen;
    if (*digits < '0' || *digits > '9')
        return 0;
    char *end = NULL;
    errno = 0;
    unsigned long long seq = strtoull(digits, &end, 10);
    if (errno != 0 || *end != '\0')
        return 0;
    return (uint64_t) seq;
}

/* One reply: [empty, Reply] (or a bare [Reply]). Unknown or late ids are
 * dropped and counted: their caller has already been answered. */
static void
s_client_on_readable(zwatch_t *w, void *sock, void *arg)
{
    (void) w;
    cmd_client_t *self = arg;
    zmq_msg_t parts[2];
    int n = s_recv_frames(sock, parts, 2);
    if (n == 0)
        return;
    Lianxin__V1__Reply *reply = NULL;
    if (n == 1 || (n == 2 && zmq_msg_size(&parts[0]) == 0))
        reply = lianxin__v1__reply__unpack(NULL, zmq_msg_size(&parts[n - 1]),
                                           zmq_msg_data(&parts[n - 1]));
    s_close_frames(parts, n, 2);
    if (!reply) {
        if (self->malformed++ % 1000 == 0)
            log_warn("malformed reply dropped", "count=%llu",
                     (unsigned long long) self->malformed);
        return;
    }
    uint64_t seq = s_seq_of(self, reply->correlation_id);
    cmd_pending_t *p = seq ? s_map_take(self, seq) : NULL;
    if (!p) {
        self->late++;
        log_debug("late reply dropped", "late=%llu", (unsigned long long) self->late);
    } else {
        s_pending_finish(p, reply, 0);
    }
    lianxin__v1__reply__free_unpacked(reply, NULL);
}

/* ---- client API ---------------------------------------------------------- */

/* Connects `sock` to each endpoint of a comma-separated list. 0 or -1. */
static int
s_connect_all(void *sock, const char *endpoints)
{
    char *list = strdup(endpoints);
    if (!list)
        return -1;
    int rc = 0, n = 0;
    char *save = NULL;
    for (char *ep = strtok_r(list, ", \t", &save); ep; ep = strtok_r(NULL, ", \t", &save)) {
        if (zmq_connect(sock, ep) != 0) {
            log_error("command client connect failed", "endpoint=%s err=\"%s\"", ep,
                      zmq_strerror(zmq_errno()));
            rc = -1;
            break;
        }
        n++;
    }
    free(list);
    return rc == 0 && n > 0 ? 0 : -1;
}

cmd_client_t *
cmd_client_new(uv_loop_t *loop, void *zctx, const char *endpoints)
{
    if (!loop || !zctx || !endpoints)
        return NULL;
    cmd_client_t *self = calloc(1, sizeof *self);
    if (!self)
        return NULL;
    self->loop = loop;
    self->nbuckets = CMD_MAP_MIN;
    self->buckets = calloc(self->nbuckets, sizeof *self->buckets);
    uint32_t r = 0;
    if (getrandom(&r, sizeof r, 0) != (ssize_t) sizeof r)
        r = (uint32_t) time(NULL) ^ ((uint32_t) getpid() << 16);
    snprintf(self->prefix, sizeof self->prefix, "%08x-", (unsigned) r);
    int immediate = 1;
    self->sock = zmq_socket(zctx, ZMQ_DEALER);
    if (!self->buckets || !self->sock || s_socket_opts(self->sock) != 0
        || zmq_setsockopt(self->sock, ZMQ_IMMEDIATE, &immediate, sizeof immediate) != 0
        || s_connect_all(self->sock, endpoints) != 0
        || !(self->watch = zwatch_new(loop, self->sock, s_client_on_readable, self))) {
        log_error("command client failed", "endpoints=%s", endpoints);
        cmd_client_destroy(&self);
        return NULL;
    }
    return self;
}

/* Packs and sends [empty, Command] without blocking. 0 or a uv error. */
static int
s_client_send_frames(cmd_client_t *self, const Lianxin__V1__Command *cmd)
{
    size_t size = lianxin__v1__command__get_packed_size(cmd);
    if (size > CMD_MAX_MSG)
        return UV_E2BIG;
    zmq_msg_t msg;
    if (zmq_msg_init_size(&msg, size) != 0)
        return UV_ENOMEM;
    lianxin__v1__command__pack(cmd, zmq_msg_data(&msg));
    if (zmq_send(self->sock, "", 0, ZMQ_SNDMORE | ZMQ_DONTWAIT) < 0) {
        int err = zmq_errno();
        zmq_msg_close(&msg);
        return err == EAGAIN ? UV_EAGAIN : UV_EIO;
    }
    if (zmq_msg_send(&msg, self->sock, ZMQ_DONTWAIT) < 0) {
        int err = zmq_errno();
        zmq_msg_close(&msg);
        return err == EAGAIN ? UV_EAGAIN : UV_EIO;
    }
    return 0;
}

/* The correlation id is written into the packed message only: cmd's own
 * correlation_id pointer is left as the caller set it (no pointer into our
 * memory survives the call); cmd->deadline keeps the deadline sent. */
int
cmd_client_send(cmd_client_t *self, Lianxin__V1__Command *cmd, int timeout_ms,
                cmd_reply_fn *fn, void *arg)
{
    if (!self || !cmd || !fn || timeout_ms <= 0)
        return UV_EINVAL;
    if (self->closing)
        return UV_ECANCELED;
    cmd_pending_t *p = calloc(1, sizeof *p);
    if (!p)
        return UV_ENOMEM;
    p->client = self;
    p->seq = ++self->next_seq;
    p->fn = fn;
    p->arg = arg;
    char id[40];
    snprintf(id, sizeof id, "%s%llu", self->prefix, (unsigned long long) p->seq);
    char *caller_id = cmd->correlation_id;
    cmd->correlation_id = id;
    cmd->deadline = s_now_ms() + timeout_ms;
    int rc = s_client_send_frames(self, cmd);
    cmd->correlation_id = caller_id;
    if (rc != 0) {
        free(p);
        return rc;
    }
    uv_timer_init(self->loop, &p->timer);
    p->timer.data = p;
    uv_timer_start(&p->timer, s_on_timeout, (uint64_t) timeout_ms, 0);
    s_map_put(self, p);
    zwatch_kick(self->watch);
    return 0;
}

size_t
cmd_client_pending(const cmd_client_t *self)
{
    return self ? self->count : 0;
}

uint64_t
cmd_client_timeouts(const cmd_client_t *self)
{
    return self ? self->timeouts : 0;
}

/* Callbacks run with UV_ECANCELED may call cmd_client_send (refused) or
 * destroy again (ignored). */
void
cmd_client_destroy(cmd_client_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    cmd_client_t *self = *self_p;
    *self_p = NULL;
    if (self->closing)
        return;
    self->closing = 1;
    zwatch_destroy(&self->watch);
    if (self->sock)
        zmq_close(self->sock);
    self->sock = NULL;
    for (size_t i = 0; self->buckets && i < self->nbuckets; i++) {
        while (self->buckets[i]) {
            cmd_pending_t *p = self->buckets[i];
            self->buckets[i] = p->next;
            self->count--;
            s_pending_finish(p, NULL, UV_ECANCELED);
        }
    }
    free(self->buckets);
    free(self);
}

/* ==== server ============================================================== */

typedef struct cmd_item {
    struct cmd_item *next;          /* pending FIFO */
    uint8_t identity[256];          /* ROUTER routing id of the client */
    size_t identity_len;
    int delimited;                  /* the client sent an empty delimiter */
    int ok;                         /* executed and kept (worker) */
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
    int ran, committed;
    cmd_item_t *items[CMD_MAX_BATCH];
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
    int draining, closing;
    void (*drain_done)(void *arg);
    void *drain_arg;
    uint64_t malformed;
    cmd_server_stats_t stats;
};

static void s_batch_start(cmd_server_t *self);
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

/* The loop-side checks, in order: stopping, handler, deadline, payload,
 * validate. 0 when the command may join a batch; -1 when it was answered
 * (or dropped, expired) and freed. */
static int
s_check(cmd_server_t *self, cmd_item_t *item)
{
    const Lianxin__V1__Command *c = item->cmd;
    if (self->draining)
        return s_reject(self, item, 503, "unavailable", "service stopping");
    item->handler = s_find_handler(self, c->type);
    if (!item->handler)
        return s_reject(self, item, 404, "unknown_command", "unknown command");
    if (c->deadline > 0 && c->deadline <= s_now_ms()) {
        self->stats.expired++;
        log_debug("expired command dropped", "type=%s", item->handler->type);
        s_item_free(item);
        return -1;
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
        s_drop_payload(&item->res);
        memset(&item->res, 0, sizeof item->res);
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

/* One command: [identity, empty, Command] (or [identity, Command]). */
static void
s_server_on_readable(zwatch_t *w, void *sock, void *arg)
{
    (void) w;
    cmd_server_t *self = arg;
    zmq_msg_t parts[3];
    int n = s_recv_frames(sock, parts, 3);
    if (n == 0)
        return;
    self->stats.received++;
    cmd_item_t *item = NULL;
    int shape_ok = (n == 2 || (n == 3 && zmq_msg_size(&parts[1]) == 0))
                   && zmq_msg_size(&parts[0]) <= sizeof item->identity;
    if (shape_ok && (item = calloc(1, sizeof *item))) {
        item->identity_len = zmq_msg_size(&parts[0]);
        memcpy(item->identity, zmq_msg_data(&parts[0]), item->identity_len);
        item->delimited = n == 3;
        item->cmd = lianxin__v1__command__unpack(NULL, zmq_msg_size(&parts[n - 1]),
                                                 zmq_msg_data(&parts[n - 1]));
    }
    s_close_frames(parts, n, 3);
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

/* Fails every command of the batch with 503 (the database is the problem,
 * not the commands). */
static int
s_job_abort(cmd_batch_t *b, int rollback)
{
    if (rollback)
        tx_rollback(b->tx);
    for (size_t i = 0; i < b->n; i++) {
        cmd_fail(&b->items[i]->res, 503, "unavailable", "database unavailable");
        b->items[i]->ok = 0;
    }
    return -1;
}

/* Runs one command under its own savepoint. 0, or -1 when the whole batch
 * must be abandoned (connection lost, savepoint machinery failed). */
static int
s_job_one(cmd_batch_t *b, cmd_item_t *item)
{
    if (tx_savepoint(b->tx) != 0)
        return -1;
    cmd_ctx_t ctx = { .cmd = item->cmd, .req = item->req, .app = b->app };
    int rc = item->handler->execute
        ? item->handler->execute(b->tx, &ctx, &item->res)
        : cmd_fail(&item->res, 500, "internal", "command has no executor");
    if (db_broken(tx_db(b->tx)))
        return -1;
    if (rc == 0) {
        if (item->res.status == 0)
            item->res.status = 200;
        item->ok = 1;
        return tx_release(b->tx);
    }
    if (item->res.status < 400)
        cmd_fail(&item->res, 500, "internal", "command failed");
    return tx_rollback_to(b->tx);
}

/* The txq job (worker thread): the whole batch in one transaction. */
static int
s_job(db_t *db, void *arg)
{
    cmd_batch_t *b = arg;
    b->ran = 1;
    if (tx_begin(b->tx, db) != 0)
        return s_job_abort(b, 0);
    for (size_t i = 0; i < b->n; i++)
        if (s_job_one(b, b->items[i]) != 0)
            return s_job_abort(b, 1);
    if (tx_commit(b->tx) != 0) {
        for (size_t i = 0; i < b->n; i++) {
            if (b->items[i]->ok)
                cmd_fail(&b->items[i]->res, 503, "unavailable", "commit failed");
            b->items[i]->ok = 0;
        }
        return -1;
    }
    b->committed = 1;
    return 0;
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
    self->stats.committed += ok;
    self->stats.failed += b->n - ok;
    if (!b->committed)
        log_warn("batch failed", "n=%zu ran=%d", b->n, b->ran);
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
    int64_t now = s_now_ms();
    while (self->head && b->n < CMD_MAX_BATCH) {
        cmd_item_t *item = self->head;
        self->head = item->next;
        self->tail = self->head ? self->tail : NULL;
        self->npending--;
        item->next = NULL;
        if (item->cmd->deadline > 0 && item->cmd->deadline <= now) {
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
               const cmd_handler_t *handlers, size_t nhandlers,
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
    int mandatory = 0;
    self->tx = tx_new(producer);
    self->sock = zmq_socket(zctx, ZMQ_ROUTER);
    if (!self->tx || !self->sock || s_socket_opts(self->sock) != 0
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
    log_info("command server listening", "endpoint=%s handlers=%zu", endpoint, nhandlers);
    return self;
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
