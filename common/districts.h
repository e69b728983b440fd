/* districts: the districts a service follows (its consumer's streams, its
 * timers), from "<service>.districts": a fixed comma-separated list, or "*":
 * every row of core.districts, read through the worker at start and again
 * every check interval, so that a district added while the service runs is
 * followed within that interval, without a restart. It only ever adds: a
 * district removed from core.districts stays followed until the restart
 * (it has no events and no timers left). Logs district codes only. */
#ifndef LIANXIN_DISTRICTS_H
#define LIANXIN_DISTRICTS_H

#include <uv.h>
#include "txq.h"

/* Called on the loop once for each district as it becomes followed. 0, or -1
 * (logged by the follower; the district is not offered again). */
typedef int (districts_added_fn)(const char *district, void *arg);

typedef struct districts districts_t;

/* Follows `list` ("*" or "330303,330304"). A fixed list is offered to `fn`
 * before the call returns (NULL when a name is invalid or `fn` refused one);
 * "*" reads core.districts through `txq` now and every `check_ms` (also while
 * PostgreSQL is away: a failed read is logged once and retried at the next
 * interval). NULL on failure. */
districts_t *districts_new(uv_loop_t *loop, txq_t *txq, const char *list, int check_ms,
                           districts_added_fn *fn, void *arg);

/* Districts followed so far. */
size_t districts_count(const districts_t *self);

/* Stops: `fn` is not called again. A read in flight finishes and the object
 * is freed after its done callback and the timer's close. Idempotent; sets
 * *self_p to NULL. */
void districts_destroy(districts_t **self_p);

#endif
