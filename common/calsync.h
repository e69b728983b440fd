/* calsync: a service's copy of the working-day calendar kept in PostgreSQL
 * (core.calendar_years, core.calendar_days), refreshed when the office
 * changes it. Worker thread only: it runs its statements on the db_t it is
 * handed (the txq's), so it needs no lock. Never logs calendar contents. */
#ifndef LIANXIN_CALSYNC_H
#define LIANXIN_CALSYNC_H

#include <stdint.h>
#include "calendar.h"
#include "db.h"

#define CALSYNC_CHECK_MS_DEFAULT 1000

typedef struct calsync calsync_t;

/* An empty copy (plain weekends until the first calsync_get) that looks
 * for changes at most every `check_ms` milliseconds (<= 0: the default,
 * 1000; config key calendar.check_ms). NULL when out of memory. */
calsync_t *calsync_new(int check_ms);

/* Frees the copy and its calendar. Idempotent; sets *self_p to NULL. */
void calsync_destroy(calsync_t **self_p);

/* The current calendar, on `db` (inside the caller's transaction or not).
 * When check_ms has passed since the last look (or after
 * calsync_invalidate), reads the cheap version of the calendar
 * (sum of core.calendar_years.version, count of years) and reloads the
 * whole calendar only when it changed; a year with a calendar_years row is
 * present (calendar_has_year) even without days. On a database error it
 * keeps, and returns, the calendar it had (logged once until a load
 * succeeds again). Never NULL. The pointer stays valid until the next
 * calsync_get or calsync_destroy. */
const calendar_t *calsync_get(calsync_t *self, db_t *db);

/* The next calsync_get reloads the calendar whatever the version says (a
 * writer calls it after changing the tables). */
void calsync_invalidate(calsync_t *self);

/* The version of the calendar held: the sum of the years' versions, and
 * how many years there are; both 0 before the first load. */
void calsync_version(const calsync_t *self, int64_t *sum, int64_t *years);

/* ---- writing ------------------------------------------------------------------ */

/* Inserts the entries `cal` holds for `year` into core.calendar_days with one
 * statement (binary arrays), inside the caller's transaction; the caller has
 * made the core.calendar_years row and removed the year's old days. Used by
 * lianxin-admin's seeding and by intake's PUT. 0, or -1 (db_error). */
int calsync_write_days(db_t *db, const calendar_t *cal, int year);

#endif
