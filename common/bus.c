/* bus: the publisher and subscriber ends of lianxin-bus (see bus.h). The
 * fast path only: publishing never blocks and may drop, a malformed message
 * is dropped and counted. Never logs payload contents. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "bus.h"
#include "log.h"
#include "zwatch.h"

#define BUS_SNDHWM 100000
#define BUS_RCVHWM 100000
#define BUS_TOPIC_MAX 256

struct bus_pub {
    void *sock;                     /* PUB, connected to the XSUB side */
};

struct bus_sub {
    void *sock;                     /* SUB, connected to the XPUB side */
    zwatch_t *watch;
    bus_event_fn *fn;
    void *arg;
    uint64_t received, malformed;
};

/* Sets the options every bus socket shares, and its CURVE keys. 0 or -1. */
static int
s_socket_opts(void *sock, const curve_client_t *curve)
{
    int64_t maxmsg = BUS_MAX_MSG;
    int linger = 0;
    if (zmq_setsockopt(sock, ZMQ_MAXMSGSIZE, &maxmsg, sizeof maxmsg) != 0
        || zmq_setsockopt(sock, ZMQ_LINGER, &linger, sizeof linger) != 0
        || (curve && curve_client_apply(sock, curve) != 0))
        return -1;
    return 0;
}

/* ---- publisher ----------------------------------------------------------- */

bus_pub_t *
bus_pub_new(void *zctx, const char *endpoint, const curve_client_t *curve)
{
    if (!zctx || !endpoint)
        return NULL;
    bus_pub_t *self = calloc(1, sizeof *self);
    if (!self)
        return NULL;
    int hwm = BUS_SNDHWM;
    self->sock = zmq_socket(zctx, ZMQ_PUB);
    if (!self->sock || s_socket_opts(self->sock, curve) != 0
        || zmq_setsockopt(self->sock, ZMQ_SNDHWM, &hwm, sizeof hwm) != 0
        || zmq_connect(self->sock, endpoint) != 0) {
        log_error("bus publisher failed", "endpoint=%s err=\"%s\"", endpoint,
                  zmq_strerror(zmq_errno()));
        bus_pub_destroy(&self);
        return NULL;
    }
    return self;
}

int
bus_publish(bus_pub_t *self, const char *district, const char *type,
            const void *packed_event, size_t len)
{
    if (!self || !district || !type || (!packed_event && len > 0) || len > BUS_MAX_MSG)
        return -1;
    char topic[BUS_TOPIC_MAX];
    int n = snprintf(topic, sizeof topic, "%s/%s", district, type);
    if (n < 0 || (size_t) n >= sizeof topic)
        return -1;
    if (zmq_send(self->sock, topic, (size_t) n, ZMQ_SNDMORE | ZMQ_DONTWAIT) < 0)
        return -1;
    if (zmq_send(self->sock, packed_event, len, ZMQ_DONTWAIT) < 0)
        return -1;
    return 0;
}

void
bus_pub_destroy(bus_pub_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    bus_pub_t *self = *self_p;
    *self_p = NULL;
    if (self->sock)
        zmq_close(self->sock);
    free(self);
}

/* ---- subscriber ---------------------------------------------------------- */

/* Reads and discards the rest of a multi-frame message. */
static void
s_skip_rest(void *sock)
{
    int more = 0;
    size_t len = sizeof more;
    zmq_msg_t part;
    while (zmq_getsockopt(sock, ZMQ_RCVMORE, &more, &len) == 0 && more) {
        zmq_msg_init(&part);
        int rc = zmq_msg_recv(&part, sock, ZMQ_DONTWAIT);
        zmq_msg_close(&part);
        if (rc < 0)
            return;
    }
}

/* Counts a dropped message; logs the first and every 1000th (no contents). */
static void
s_malformed(bus_sub_t *self)
{
    if (self->malformed++ % 1000 == 0)
        log_warn("malformed bus message dropped", "count=%llu",
                 (unsigned long long) self->malformed);
}

/* Receives one [topic, event] message and hands the unpacked event to the
 * user. Anything else is counted as malformed and dropped. The user callback
 * may destroy the subscriber: `self` is not touched after it returns. */
static void
s_on_readable(zwatch_t *w, void *sock, void *arg)
{
    (void) w;
    bus_sub_t *self = arg;
    zmq_msg_t topic, body;
    zmq_msg_init(&topic);
    if (zmq_msg_recv(&topic, sock, ZMQ_DONTWAIT) < 0) {
        zmq_msg_close(&topic);
        return;
    }
    int two = zmq_msg_more(&topic);
    zmq_msg_close(&topic);
    if (!two) {
        s_malformed(self);
        return;
    }
    zmq_msg_init(&body);
    if (zmq_msg_recv(&body, sock, ZMQ_DONTWAIT) < 0) {
        zmq_msg_close(&body);
        return;
    }
    int extra = zmq_msg_more(&body);
    Lianxin__V1__Event *ev = extra ? NULL
        : lianxin__v1__event__unpack(NULL, zmq_msg_size(&body), zmq_msg_data(&body));
    zmq_msg_close(&body);
    if (extra)
        s_skip_rest(sock);
    if (!ev) {
        s_malformed(self);
        return;
    }
    self->received++;
    bus_event_fn *fn = self->fn;
    void *user = self->arg;
    fn(ev, user);
    lianxin__v1__event__free_unpacked(ev, NULL);
}

bus_sub_t *
bus_sub_new(uv_loop_t *loop, void *zctx, const char *endpoint,
            const curve_client_t *curve, bus_event_fn *fn, void *arg)
{
    if (!loop || !zctx || !endpoint || !fn)
        return NULL;
    bus_sub_t *self = calloc(1, sizeof *self);
    if (!self)
        return NULL;
    self->fn = fn;
    self->arg = arg;
    int hwm = BUS_RCVHWM;
    self->sock = zmq_socket(zctx, ZMQ_SUB);
    if (!self->sock || s_socket_opts(self->sock, curve) != 0
        || zmq_setsockopt(self->sock, ZMQ_RCVHWM, &hwm, sizeof hwm) != 0
        || zmq_connect(self->sock, endpoint) != 0) {
        log_error("bus subscriber failed", "endpoint=%s err=\"%s\"", endpoint,
                  zmq_strerror(zmq_errno()));
        bus_sub_destroy(&self);
        return NULL;
    }
    self->watch = zwatch_new(loop, self->sock, s_on_readable, self);
    if (!self->watch) {
        log_error("bus subscriber failed", "endpoint=%s err=\"watch\"", endpoint);
        bus_sub_destroy(&self);
        return NULL;
    }
    return self;
}

int
bus_sub_subscribe(bus_sub_t *self, const char *prefix)
{
    if (!self || !prefix)
        return -1;
    if (zmq_setsockopt(self->sock, ZMQ_SUBSCRIBE, prefix, strlen(prefix)) != 0)
        return -1;
    return 0;
}

void
bus_sub_destroy(bus_sub_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    bus_sub_t *self = *self_p;
    *self_p = NULL;
    /* The watch stops its poll handle before the socket (and its fd) goes. */
    zwatch_destroy(&self->watch);
    if (self->sock)
        zmq_close(self->sock);
    free(self);
}
