/* calendar_watch: tells each district's office, once per missing year, that
 * the working-day calendar of a year that is due (common/calendar's
 * calendar_years_due: the current year, and the next one from 1 November,
 * UTC+8) has no data: a row of intake.calendar_notices and the event
 * calendar.missing in the same transaction, which notify turns into one
 * inbox item for the office role. Runs inside intake's timer job. */
#ifndef LIANXIN_CALENDAR_WATCH_H
#define LIANXIN_CALENDAR_WATCH_H

#include "calendar.h"
#include "db.h"
#include "tx.h"

/* The due years that lack data on `today`: the current year when
 * !has_this_year, and from 1 November the next year when !has_next_year.
 * Writes them into years[] (current first) and returns how many (0-2). Pure. */
int calendar_watch_due(calendar_day_t today, int has_this_year, int has_next_year,
                       int years[2]);

/* One look, on the timers' worker with their tx (whose committed events the
 * timers publish): one cheap statement when every due year is present; else
 * for each district whose lease intake/<district> this instance holds and
 * that has not been told yet, one transaction inserting the notice (ON
 * CONFLICT DO NOTHING) and, only when it inserted, the event. Business time
 * is time_now_us(). Does nothing when intake.calendar_watch is 0. Failures
 * are logged and retried at the next tick. */
void calendar_watch_tick(db_t *db, tx_t *tx);

#endif
