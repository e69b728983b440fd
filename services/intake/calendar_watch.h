/* calendar_watch: tells each district's office, once per missing year, that
 * the working-day calendar of a year that is due (common/calendar's
 * calendar_years_due: the current year, and the next one from 1 November,
 * UTC+8) has no data: a row of intake.calendar_notices and the event
 * calendar.missing in the same transaction, which notify turns into one
 * inbox item for the office role. A periodic kind of intake's timers
 * (common/timers.h), run for each district whose lease intake/<district>
 * this instance holds. */
#ifndef LIANXIN_CALENDAR_WATCH_H
#define LIANXIN_CALENDAR_WATCH_H

#include "calendar.h"
#include "timers.h"

/* The due years that lack data on `today`: the current year when
 * !has_this_year, and from 1 November the next year when !has_next_year.
 * Writes them into years[] (current first) and returns how many (0-2). Pure. */
int calendar_watch_due(calendar_day_t today, int has_this_year, int has_next_year,
                       int years[2]);

/* timers_every_fn: one look for `district` inside the timers' transaction:
 * one cheap statement when every due year is present; else, for each due
 * year missing that the district was not told of yet, the notice row (ON
 * CONFLICT DO NOTHING) and, only when it inserted it, the event. Business
 * time is the transaction's. Does nothing when intake.calendar_watch is 0.
 * 0, or -1 on an SQL error (undone alone, retried at the next tick). */
int calendar_watch_check(tx_t *tx, const char *district, void *app);

#endif
