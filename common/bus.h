/* bus: publish and subscribe through lianxin-bus, the XSUB/XPUB forwarder.
 * Topics are "<district>/<event type>"; frame 1 is the topic, frame 2 the
 * packed lianxin.v1.Event. The bus is the fast path only: it may drop, and
 * the event log in bus.events is the truth (see consumer.h). */
#ifndef LIANXIN_BUS_H
#define LIANXIN_BUS_H

#include <stddef.h>
#include <uv.h>
#include "curve.h"
#include "envelope.pb-c.h"

#define BUS_MAX_MSG (1024 * 1024)   /* ZMQ_MAXMSGSIZE on every bus socket */

typedef struct bus_pub bus_pub_t;
typedef struct bus_sub bus_sub_t;

/* A publisher connected to the forwarder's XSUB `endpoint`, a CURVE client
 * with `curve`'s keys (copied; NULL only for an in-process test forwarder,
 * which is then plain). NULL on failure. */
bus_pub_t *bus_pub_new(void *zctx, const char *endpoint, const curve_client_t *curve);

/* Publishes one packed event under "<district>/<type>". Never blocks: when the
 * forwarder is away the message is dropped (the log has it). 0 or -1. */
int bus_publish(bus_pub_t *self, const char *district, const char *type,
                const void *packed_event, size_t len);

/* Idempotent; sets *self_p to NULL. */
void bus_pub_destroy(bus_pub_t **self_p);

/* Called for each event received; `ev` is freed after the call returns. */
typedef void (bus_event_fn)(const Lianxin__V1__Event *ev, void *arg);

/* A subscriber connected to the forwarder's XPUB `endpoint`, on `loop`, a
 * CURVE client with `curve`'s keys (as bus_pub_new). Malformed messages are
 * counted and dropped. NULL on failure. */
bus_sub_t *bus_sub_new(uv_loop_t *loop, void *zctx, const char *endpoint,
                       const curve_client_t *curve, bus_event_fn *fn, void *arg);

/* Subscribes to a topic prefix, e.g. "330303/". 0 or -1. */
int bus_sub_subscribe(bus_sub_t *self, const char *prefix);

/* Idempotent; sets *self_p to NULL. Handles are freed in their close callbacks. */
void bus_sub_destroy(bus_sub_t **self_p);

#endif
