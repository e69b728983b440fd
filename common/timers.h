/* timers: a service's timers, declared as data (CZMQ's zloop timers are the
 * model) and fired from the one clock under the district leases. A service
 * declares its timer table (rows `district_code, kind, due_at, fired_at` plus
 * key columns of its own, e.g. intake.timers with workroom_id, duty_date) and
 * its kinds: a row kind has a fire function, called once when the row's
 * due_at has come (business time, core.clock_now()); a periodic kind has an
 * `every` function, called at each tick for each district. Every interval one
 * job on the worker, for each followed district whose lease
 * "<service>/<district>" this instance holds, claims up to 50 due rows
 * (FOR UPDATE SKIP LOCKED), marks them fired and fires them in ONE
 * transaction with the events they buffer, then runs the periodic kinds
 * (each under a savepoint); the events are published after COMMIT. A timer
 * fires once: fired_at moves in the transaction that fires it. Holds no
 * file-static state: one timers_t per service. Never logs payloads. */
#ifndef LIANXIN_TIMERS_H
#define LIANXIN_TIMERS_H

#include <stddef.h>
#include <stdint.h>
#include <uv.h>
#include "bus.h"
#include "tx.h"
#include "txq.h"

#define TIMERS_KEYS_MAX 4

/* A due row handed to its kind's fire function; the strings live until it
 * returns. */
typedef struct timers_row {
    const char *district;
    const char *kind;
    const char *keys[TIMERS_KEYS_MAX];  /* the declared key columns, as text */
    size_t nkeys;
    int64_t due_at_us;
} timers_row_t;

/* Fires one due row inside the timers' transaction (worker): may write the
 * service's schema, buffer events (tx_event) and audit rows, but must not
 * update its own timer row. 0, or -1: the whole transaction is rolled back
 * (its rows stay due) and tried again at the next tick. */
typedef int (timers_fire_fn)(tx_t *tx, const timers_row_t *row, void *app);

/* A periodic kind, for one district per tick, inside the same transaction
 * under a savepoint: 0, or -1 (logged; only its own work is undone). */
typedef int (timers_every_fn)(tx_t *tx, const char *district, void *app);

typedef struct timers_kind {
    const char *kind;               /* "duty.upcoming": the rows' kind column */
    timers_fire_fn *fire;           /* a row kind... */
    timers_every_fn *every;         /* ...or a periodic kind (exactly one of the two) */
} timers_kind_t;

typedef struct timers_def {
    const char *table;              /* "intake.timers"; NULL when only periodic kinds */
    const char *keys;               /* "workroom_id, duty_date": the table's own key columns */
    const timers_kind_t *kinds;
    size_t nkinds;                  /* 0: the service has no timers */
} timers_def_t;

typedef struct timers timers_t;

/* The actor of what a timer does in `district` (user and role "system"),
 * for its events and audit rows. The strings are static or the caller's. */
Lianxin__V1__Actor timers_actor(const char *district);

/* Timers of `service` ("intake": the lease prefix and the events' producer)
 * declared by `def` (which must outlive them), ticking every `interval_ms`
 * (the first tick 200 ms after the call) on `loop`, firing through `txq` and
 * publishing on `pub`; `app` is handed to the fire functions. NULL when the
 * declaration is invalid (logged) or on allocation failure. */
timers_t *timers_new(uv_loop_t *loop, txq_t *txq, bus_pub_t *pub, const char *service,
                     const timers_def_t *def, int interval_ms, void *app);

/* Fires the timers of `district` from the next tick on (a district added
 * twice is kept once). 0, or -1 for an invalid name or no memory. */
int timers_add_district(timers_t *self, const char *district);

/* Stops: no job is submitted and nothing published from now on; a job in
 * flight finishes and the object is freed after its done callback and the
 * tick handle's close. Idempotent; sets *self_p to NULL. */
void timers_destroy(timers_t **self_p);

#endif
