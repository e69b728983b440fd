/* evroute: the events a service consumes, declared as data. A route names an
 * event type, the protobuf message its payload carries and the function that
 * applies it; the consumer (consumer.h, opts.routes) unpacks the payload and
 * calls that function, so no service writes its own type switch or unpack
 * code. A payload that does not unpack is skipped (logged at error level with
 * district, producer, seq and type, never the payload; counted as
 * `malformed`): retrying cannot repair it. A type without a route is ignored
 * (counted as `ignored`): every consumer reads whole streams. Never logs
 * payloads. */
#ifndef LIANXIN_EVROUTE_H
#define LIANXIN_EVROUTE_H

#include <stddef.h>
#include <stdint.h>
#include <protobuf-c/protobuf-c.h>
#include "envelope.pb-c.h"
#include "tx.h"

/* Applies one event whose payload unpacked as the route's message `msg`
 * (cast it to that type), inside the consumer's transaction (worker). It may
 * write its own schema and append events. 0 when applied; -1 to roll the run
 * back and retry it later (the stream is held back, never skipped). */
typedef int (evroute_apply_fn)(tx_t *tx, const Lianxin__V1__Event *ev,
                               const ProtobufCMessage *msg, void *app);

/* Optional batched form: the `n` events of this route within one run of the
 * stream (in seq order, not necessarily consecutive), e.g. one INSERT for
 * all. 0, or -1: the consumer rolls the run back and applies it again one
 * event at a time with the evroute_apply_fn. */
typedef int (evroute_apply_many_fn)(tx_t *tx, const Lianxin__V1__Event *const *evs,
                                    const ProtobufCMessage *const *msgs, size_t n, void *app);

typedef struct evroute {
    const char *type;                           /* "visit.recorded" */
    const ProtobufCMessageDescriptor *payload;  /* &lianxin__v1__visit_recorded__descriptor */
    evroute_apply_fn *apply;                    /* required */
    evroute_apply_many_fn *apply_many;          /* optional */
} evroute_t;

/* What the routes passed over: payloads that did not unpack, types without
 * a route. */
typedef struct evroute_counts {
    uint64_t malformed, ignored;
} evroute_counts_t;

/* 0 when the table is usable: n >= 1, every row with a type, a payload and
 * an apply, no type twice. -1 otherwise (logged: the type at fault). */
int evroute_check(const evroute_t *routes, size_t n);

/* 1 when some route has an apply_many. */
int evroute_batched(const evroute_t *routes, size_t n);

/* Applies one event through its route: 0 when applied, skipped (malformed)
 * or ignored (no route), the last two added to *counts; -1 when the route's
 * apply failed. */
int evroute_apply(const evroute_t *routes, size_t n, tx_t *tx, const Lianxin__V1__Event *ev,
                  void *app, evroute_counts_t *counts);

/* Applies a run of `nevs` events: those of routes with an apply_many go to
 * it, one call per route after the others were applied one by one in order;
 * skipped and ignored events as in evroute_apply. 0, or -1 when an apply
 * failed or memory ran out (the caller rolls back and goes one by one). */
int evroute_apply_run(const evroute_t *routes, size_t n, tx_t *tx,
                      const Lianxin__V1__Event *const *evs, size_t nevs, void *app,
                      evroute_counts_t *counts);

#endif
