/* cmd_client: the DEALER end of the command channel (see cmd_client.h): a
 * client that never waits past its timeout and calls each caller back
 * exactly once. Never logs payloads, actors or messages; never blocks. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>
#include <zmq.h>

#include "cmd_client.h"
#include "cmd_int.h"
#include "log.h"
#include "zwatch.h"

#define CMD_MAP_MIN 256

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
    int n = cmd__recv_frames(sock, parts, 2);
    if (n == 0)
        return;
    Lianxin__V1__Reply *reply = NULL;
    if (n == 1 || (n == 2 && zmq_msg_size(&parts[0]) == 0))
        reply = lianxin__v1__reply__unpack(NULL, zmq_msg_size(&parts[n - 1]),
                                           zmq_msg_data(&parts[n - 1]));
    cmd__close_frames(parts, n, 2);
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
cmd_client_new(uv_loop_t *loop, void *zctx, const char *endpoints,
               const curve_client_t *curve)
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
    if (!self->buckets || !self->sock || cmd__socket_opts(self->sock) != 0
        || (curve && curve_client_apply(self->sock, curve) != 0)
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
 * memory survives the call); cmd->budget_ms keeps the budget sent (CMD_BUDGET_MS of timeout_ms):
 * the service measures it from its own receive time, never against our wall
 * clock. */
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
    cmd->budget_ms = timeout_ms > 1 ? CMD_BUDGET_MS(timeout_ms) : 1;
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
