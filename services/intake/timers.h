/* timers: intake's own timers (table intake.timers), fired by the service's
 * loop: a uv_timer every intake.timer_ms submits one job to the worker,
 * which, for every district whose lease "intake/<district>" this instance
 * holds, fires the due timers in a transaction: duty.upcoming the day
 * before a duty day (to the rostered members), and the absence check the
 * day after (a rostered member who neither served, i.e. took part in a visit
 * of that room that day, nor was excused is marked absent: rota.absent).
 * Never fires a timer twice (fired_at in the same transaction), never
 * publishes after stop. */
#ifndef LIANXIN_INTAKE_TIMERS_H
#define LIANXIN_INTAKE_TIMERS_H

#include <uv.h>
#include "bus.h"
#include "config.h"
#include "txq.h"

/* service_def_t.start. 0 or -1. */
int timers_start(uv_loop_t *loop, txq_t *txq, bus_pub_t *pub, const config_t *cfg, void *app);

/* service_def_t.stop: no job is submitted and nothing published from now
 * on. Idempotent. */
void timers_stop(void *app);

#endif
