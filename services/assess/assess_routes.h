/* assess_routes: the events the member files count, as an evroute table
 * shared by the live consumer (main.c) and the rebuild (assess_rebuild.c),
 * so both apply an event through the same function. */
#ifndef LIANXIN_ASSESS_ROUTES_H
#define LIANXIN_ASSESS_ROUTES_H

#include <stddef.h>
#include "evroute.h"

/* The producers whose streams the files follow. */
#define ASSESS_PRODUCERS "intake,proposal,consult,supervise,assess"
#define ASSESS_NROUTES 10           /* rows of assess_routes (checked there) */

extern const evroute_t assess_routes[];
extern const size_t assess_nroutes;

/* The apply of every route (live): the event's facts (assess_map) written
 * as acts, each touched member's year recomputed. The rebuild maps the same
 * way and writes a page at a time (assess_batch). */
int assess_routes_apply(tx_t *tx, const Lianxin__V1__Event *ev, const ProtobufCMessage *msg,
                        void *app);

#endif
