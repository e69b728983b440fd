/* zwatch: joins a ZeroMQ socket to a libuv loop (see zwatch.h). Emulates level
 * triggering over the edge-triggered ZMQ_FD with uv_check and uv_idle.
 * Never closes or owns the ZeroMQ socket, and never reads from it itself. */
#include <stdlib.h>
#include <zmq.h>

#include "zwatch.h"

#define ZWATCH_FAIR_CAP 256         /* callbacks per loop turn, then yield */
#define ZWATCH_HANDLES 3            /* poll, check, idle: all closed before free */

struct zwatch {
    uv_poll_t poll;                 /* ZMQ_FD, UV_READABLE */
    uv_check_t check;               /* reads ZMQ_EVENTS and calls back, once per turn */
    uv_idle_t idle;                 /* keeps the loop from blocking: kick or cap hit */
    void *sock;
    zwatch_fn *fn;
    void *arg;
    int closing;
    int closed;                     /* close callbacks seen */
};

static void s_on_idle(uv_idle_t *handle);

/* ---- draining ------------------------------------------------------------ */

/* 1 while the socket has a message to read, 0 otherwise (or on error). Also
 * makes ZeroMQ process its commands, which resets the ZMQ_FD signal. */
static int
s_readable(zwatch_t *self)
{
    int events = 0;
    size_t len = sizeof events;
    if (zmq_getsockopt(self->sock, ZMQ_EVENTS, &events, &len) != 0)
        return 0;
    return (events & ZMQ_POLLIN) != 0;
}

/* The only place the callback runs: the check phase, once per loop turn,
 * after whatever woke the loop (the fd, a kick, a timer). At most
 * ZWATCH_FAIR_CAP messages per turn so that one busy socket cannot starve
 * the loop; while more are waiting the idle handle stays on, so the next
 * turn does not block in poll. The callback may destroy the watch:
 * `closing` is checked after each call (memory lives until the close
 * callbacks). */
static void
s_on_check(uv_check_t *handle)
{
    zwatch_t *self = handle->data;
    for (int n = 0; n < ZWATCH_FAIR_CAP; n++) {
        if (self->closing)
            return;
        if (!s_readable(self)) {
            uv_idle_stop(&self->idle);
            return;
        }
        self->fn(self, self->sock, self->arg);
    }
    if (!self->closing)
        uv_idle_start(&self->idle, s_on_idle);
}

/* The fd and the idle handle only wake the loop (or keep it from blocking):
 * the check phase of the same turn reads. */
static void
s_on_poll(uv_poll_t *handle, int status, int events)
{
    (void) handle;
    (void) status;
    (void) events;
}

static void
s_on_idle(uv_idle_t *handle)
{
    (void) handle;
}

/* ---- life cycle ---------------------------------------------------------- */

zwatch_t *
zwatch_new(uv_loop_t *loop, void *sock, zwatch_fn *fn, void *arg)
{
    if (!loop || !sock || !fn)
        return NULL;
    int fd = -1;
    size_t len = sizeof fd;
    if (zmq_getsockopt(sock, ZMQ_FD, &fd, &len) != 0)
        return NULL;
    zwatch_t *self = calloc(1, sizeof *self);
    if (!self)
        return NULL;
    self->sock = sock;
    self->fn = fn;
    self->arg = arg;
    if (uv_poll_init(loop, &self->poll, fd) != 0) {
        free(self);
        return NULL;
    }
    uv_check_init(loop, &self->check);
    uv_idle_init(loop, &self->idle);
    self->poll.data = self->check.data = self->idle.data = self;
    uv_poll_start(&self->poll, UV_READABLE, s_on_poll);
    uv_check_start(&self->check, s_on_check);
    /* Messages may already be queued: look on the first turn. */
    uv_idle_start(&self->idle, s_on_idle);
    return self;
}

void
zwatch_kick(zwatch_t *self)
{
    if (self && !self->closing)
        uv_idle_start(&self->idle, s_on_idle);
}

static void
s_on_close(uv_handle_t *handle)
{
    zwatch_t *self = handle->data;
    if (++self->closed == ZWATCH_HANDLES)
        free(self);
}

void
zwatch_destroy(zwatch_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    zwatch_t *self = *self_p;
    *self_p = NULL;
    if (self->closing)
        return;
    self->closing = 1;
    uv_close((uv_handle_t *) &self->poll, s_on_close);
    uv_close((uv_handle_t *) &self->check, s_on_close);
    uv_close((uv_handle_t *) &self->idle, s_on_close);
}
