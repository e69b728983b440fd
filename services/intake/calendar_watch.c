/* calendar_watch: see calendar_watch.h. Exactly once per (district, year):
 * the primary key of intake.calendar_notices decides, and the event is
 * buffered only when the insert made the row, in the same transaction.
 * Logs districts and years only. */
#include <stdio.h>
#include <stdlib.h>
#include "calendar.pb-c.h"
#include "calendar_watch.h"
#include "intake_app.h"
#include "log.h"

int calendar_watch_due(calendar_day_t today, int has_this_year, int has_next_year,
                       int years[2])
{
    int due[2], k = 0;
    int n = calendar_years_due(today, due);
    if (!has_this_year)
        years[k++] = due[0];
    if (n == 2 && !has_next_year)
        years[k++] = due[1];
    return k;
}

/* The due years without data, into years[]: how many, or -1 on error. */
static int s_missing(tx_t *tx, int years[2])
{
    calendar_day_t today = calendar_day_of_us(tx_now_us(tx));
    int y;
    char ys[16];
    calendar_day_to_ymd(today, &y, NULL, NULL);
    snprintf(ys, sizeof ys, "%d", y);
    const char *p[1] = {ys};
    PGresult *r = db_exec(tx_db(tx), "SELECT count(*) FILTER (WHERE year = $1::int),"
                                     " count(*) FILTER (WHERE year = $1::int + 1)"
                                     " FROM core.calendar_years WHERE year IN ($1::int, $1::int + 1)",
                          1, p);
    if (!r)
        return -1;
    int n = calendar_watch_due(today, PQgetvalue(r, 0, 0)[0] != '0',
                               PQgetvalue(r, 0, 1)[0] != '0', years);
    PQclear(r);
    return n;
}

/* The district's notice of `year`: the row, and the event when the row is
 * new. 0 or -1. */
static int s_notify(tx_t *tx, const char *district, int year)
{
    char ys[16], at[24];
    snprintf(ys, sizeof ys, "%d", year);
    snprintf(at, sizeof at, "%lld", (long long) tx_now_us(tx));
    const char *p[3] = {district, ys, at};
    PGresult *r = db_exec(tx_db(tx),
        "INSERT INTO intake.calendar_notices (district_code, year, noticed_at)"
        " SELECT $1, $2::int, to_timestamp($3::bigint / 1000000.0)"
        " WHERE NOT EXISTS (SELECT 1 FROM intake.calendar_notices"
        "   WHERE district_code = $1 AND year = $2::int)"
        " ON CONFLICT DO NOTHING RETURNING year", 3, p);
    if (!r)
        return -1;
    int rc = 0;
    if (PQntuples(r) == 1) {
        Lianxin__V1__CalendarMissing ev = LIANXIN__V1__CALENDAR_MISSING__INIT;
        Lianxin__V1__Actor actor = timers_actor(district);
        ev.year = year;
        rc = tx_event(tx, district, "calendar.missing", &actor, &ev.base);
        if (rc == 0)
            log_info("calendar missing noticed", "district=%s year=%d", district, year);
    }
    PQclear(r);
    return rc;
}

int calendar_watch_check(tx_t *tx, const char *district, void *app)
{
    (void) app;
    int years[2];
    const intake_app_t *settings = intake_app();
    if (!settings || !settings->calendar_watch)
        return 0;
    int n = s_missing(tx, years);
    for (int i = 0; n > 0 && i < n; i++)
        if (s_notify(tx, district, years[i]) != 0)
            return -1;
    return n < 0 ? -1 : 0;
}
