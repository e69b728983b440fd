/* calendar_put: intake.PutCalendarYear, the office replacing one year's
 * public holidays and make-up working days (PUT /v1/calendar/{year}). Intake
 * owns the calendar's writes until a core service exists. The content rules
 * are a pure function (calendar_put_check) so unit tests call it directly;
 * the handler writes the year, its version and an audit row in one
 * transaction and tells the process's calsync to reload. */
#ifndef LIANXIN_CALENDAR_PUT_H
#define LIANXIN_CALENDAR_PUT_H

#include "calendar.h"
#include "calendar.pb-c.h"
#include "cmd.h"

#define CALENDAR_PUT_MAX_DAYS 366
#define CALENDAR_PUT_NAME_MAX 32        /* characters (code points) of a name */

/* Checks `req` against the year of the path (`path_year`, the command's
 * object_id): the year is 1970-9999 and the body's `year`, when not 0,
 * equals it (`year`: out_of_range / mismatch); at most 366 days (`days`:
 * too_many); each day (`days[i].date`, `.kind`, `.name`) has a real date
 * (required / invalid) inside the year (out_of_range) listed once
 * (duplicate), a kind `holiday` or `workday` (required / invalid), a
 * `workday` only on a Saturday or Sunday (`.kind`: not_weekend), a name of
 * valid UTF-8 (invalid) of at most 32 characters (too_long). Every error is
 * a field of `res` (400 validation_failed, at most CMD_MAX_FIELDS). On
 * success writes the year into *year and, when `cal` is not NULL, adds the
 * days to it. 0 or -1. Pure. */
int calendar_put_check(const Lianxin__V1__PutCalendarYear *req, const char *path_year,
                       int *year, calendar_t *cal, cmd_result_t *res);

/* The row admits admin and office; here: the command's district must be
 * the actor's home (the gateway sends the actor's; an admin's is "", the
 * installation's own audit chain) -> 403; then calendar_put_check -> 400. */
int calendar_put_validate(const cmd_ctx_t *ctx, cmd_result_t *res);

/* Upserts core.calendar_years (version + 1, source 'api', updated_by the
 * actor), replaces the year's core.calendar_days, buffers the audit row
 * `calendar.put` on ("calendar", year) in the command's district, and
 * invalidates intake's calendar. 200 CalendarYearRef. */
int calendar_put_execute(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res);

#endif
