/* evroute: dispatch of consumed events by type through a declared table (see
 * evroute.h). Unpacks with the route's descriptor, frees what it unpacked;
 * never logs a payload. */
#include <stdlib.h>
#include <string.h>

#include "evroute.h"
#include "log.h"

int
evroute_check(const evroute_t *routes, size_t n)
{
    if (!routes || n == 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        const evroute_t *r = &routes[i];
        int dup = 0;
        for (size_t k = 0; r->type && k < i; k++)
            dup |= strcmp(r->type, routes[k].type) == 0;
        if (!r->type || !r->type[0] || !r->payload || !r->apply || dup) {
            log_error("event route invalid", "type=%s", r->type ? r->type : "");
            return -1;
        }
    }
    return 0;
}

int
evroute_batched(const evroute_t *routes, size_t n)
{
    for (size_t i = 0; routes && i < n; i++)
        if (routes[i].apply_many)
            return 1;
    return 0;
}

static const evroute_t *
s_find(const evroute_t *routes, size_t n, const char *type)
{
    for (size_t i = 0; type && i < n; i++)
        if (strcmp(routes[i].type, type) == 0)
            return &routes[i];
    return NULL;
}

/* The event's payload unpacked by its route, or NULL: no route (counted as
 * ignored) or a payload that does not unpack (logged, counted as malformed). */
static ProtobufCMessage *
s_unpack(const evroute_t *route, const Lianxin__V1__Event *ev, evroute_counts_t *counts)
{
    if (!route) {
        counts->ignored++;
        log_debug("event ignored", "district=%s producer=%s seq=%lld type=%s", ev->district,
                  ev->producer, (long long) ev->seq, ev->type ? ev->type : "");
        return NULL;
    }
    ProtobufCMessage *msg = protobuf_c_message_unpack(route->payload, NULL, ev->payload.len,
                                                      ev->payload.data);
    if (!msg) {
        counts->malformed++;
        log_error("malformed event skipped", "district=%s producer=%s seq=%lld type=%s",
                  ev->district, ev->producer, (long long) ev->seq, ev->type);
    }
    return msg;
}

int
evroute_apply(const evroute_t *routes, size_t n, tx_t *tx, const Lianxin__V1__Event *ev,
              void *app, evroute_counts_t *counts)
{
    const evroute_t *route = s_find(routes, n, ev->type);
    ProtobufCMessage *msg = s_unpack(route, ev, counts);
    if (!msg)
        return 0;
    int rc = route->apply(tx, ev, msg, app);
    protobuf_c_message_free_unpacked(msg, NULL);
    return rc;
}

/* A run being applied: each event's route and unpacked payload (NULL when
 * skipped or ignored), and room to gather one route's share. */
typedef struct {
    const Lianxin__V1__Event *const *evs;
    size_t nevs;
    const evroute_t **of;
    ProtobufCMessage **msgs;
    const Lianxin__V1__Event **share_evs;
    const ProtobufCMessage **share_msgs;
} s_run_t;

/* Calls apply_many of `route` with the events of the run it routes. */
static int
s_apply_share(const s_run_t *run, const evroute_t *route, tx_t *tx, void *app)
{
    size_t k = 0;
    for (size_t i = 0; i < run->nevs; i++) {
        if (run->msgs[i] && run->of[i] == route) {
            run->share_evs[k] = run->evs[i];
            run->share_msgs[k++] = run->msgs[i];
        }
    }
    return k == 0 ? 0 : route->apply_many(tx, run->share_evs, run->share_msgs, k, app);
}

/* The events whose route has no apply_many, one by one in order, then one
 * apply_many call per route that has one. */
static int
s_apply_unpacked(const s_run_t *run, const evroute_t *routes, size_t n, tx_t *tx, void *app)
{
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < run->nevs; i++)
        if (run->msgs[i] && !run->of[i]->apply_many)
            rc = run->of[i]->apply(tx, run->evs[i], run->msgs[i], app);
    for (size_t r = 0; rc == 0 && r < n; r++)
        if (routes[r].apply_many)
            rc = s_apply_share(run, &routes[r], tx, app);
    return rc;
}

int
evroute_apply_run(const evroute_t *routes, size_t n, tx_t *tx,
                  const Lianxin__V1__Event *const *evs, size_t nevs, void *app,
                  evroute_counts_t *counts)
{
    if (nevs == 0)
        return 0;
    s_run_t run = {
        .evs = evs,
        .nevs = nevs,
        .of = calloc(nevs, sizeof *run.of),
        .msgs = calloc(nevs, sizeof *run.msgs),
        .share_evs = calloc(nevs, sizeof *run.share_evs),
        .share_msgs = calloc(nevs, sizeof *run.share_msgs),
    };
    int rc = run.of && run.msgs && run.share_evs && run.share_msgs ? 0 : -1;
    for (size_t i = 0; rc == 0 && i < nevs; i++) {
        run.of[i] = s_find(routes, n, evs[i]->type);
        run.msgs[i] = s_unpack(run.of[i], evs[i], counts);
    }
    if (rc == 0)
        rc = s_apply_unpacked(&run, routes, n, tx, app);
    for (size_t i = 0; run.msgs && i < nevs; i++)
        if (run.msgs[i])
            protobuf_c_message_free_unpacked(run.msgs[i], NULL);
    free(run.of);
    free(run.msgs);
    free(run.share_evs);
    free(run.share_msgs);
    return rc;
}
