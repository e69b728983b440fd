/* zwatch: a ZeroMQ socket joined to a libuv loop. ZMQ_FD is edge-triggered
 * and a send can consume the edge, so the watch re-checks ZMQ_EVENTS after
 * every wake-up and on every loop turn (uv_check) and calls back while the
 * socket says ZMQ_POLLIN. Never closes the ZeroMQ socket: its owner does. */
#ifndef LIANXIN_ZWATCH_H
#define LIANXIN_ZWATCH_H

#include <uv.h>

typedef struct zwatch zwatch_t;

/* Called while `sock` is readable. It must receive exactly one whole message
 * (all frames) with ZMQ_DONTWAIT, and may send on any socket. */
typedef void (zwatch_fn)(zwatch_t *w, void *sock, void *arg);

/* Starts watching `sock` on `loop`. NULL on failure. */
zwatch_t *zwatch_new(uv_loop_t *loop, void *sock, zwatch_fn *fn, void *arg);

/* Tells the watch that the socket was used outside its callback (a send), so
 * it re-checks ZMQ_EVENTS on this loop turn. */
void zwatch_kick(zwatch_t *self);

/* Stops watching and frees the watch once libuv has closed its handles.
 * Idempotent; sets *self_p to NULL. The callback is never called afterwards. */
void zwatch_destroy(zwatch_t **self_p);

#endif
