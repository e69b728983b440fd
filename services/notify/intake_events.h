/* intake_events: notify's inbox items for the intake events of issue 3,
 * where someone concerned must hear of it: the rostered members the day
 * before their reception day (duty.upcoming), the member asked to swap a
 * duty (rota.changed / swap_requested), the authors of an adopted report
 * (report.adopted), the district's leadership for a class-1 issue
 * (issue.escalated), and the district's office when a year's working-day
 * calendar is missing (calendar.missing). Runs inside the consumer's transaction, one row per
 * recipient per event. Never logs titles, bodies or payloads. */
#ifndef LIANXIN_NOTIFY_INTAKE_EVENTS_H
#define LIANXIN_NOTIFY_INTAKE_EVENTS_H

#include "envelope.pb-c.h"
#include "tx.h"

/* consumer_apply_fn for the types above; any other type: 0, nothing done.
 * A payload that does not unpack is logged and skipped (retrying cannot
 * fix it); a failed statement returns -1 (the batch is retried). */
int intake_events_apply(tx_t *tx, const Lianxin__V1__Event *ev);

#endif
