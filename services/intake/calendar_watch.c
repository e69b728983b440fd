/* calendar_watch: see calendar_watch.h. Exactly once per (district, year):
 * the primary key of intake.calendar_notices decides, and the event is
 * buffered only when the insert made the row, in the same transaction.
 * Logs districts and years only. */
#include <stdio.h>
#include <stdlib.h>
#include "calendar.pb-c.h"
#include "calendar_watch.h"
#include "intake_app.h"
#include "lease.h"
#include "log.h"
#include "timeutil.h"

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
static int s_missing(db_t *db, int years[2])
{
    calendar_day_t today = calendar_day_of_us(time_now_us());
    int y;
    char ys[16];
    calendar_day_to_ymd(today, &y, NULL, NULL);
    snprintf(ys, sizeof ys, "%d", y);
    const char *p[1] = {ys};
    PGresult *r = db_exec(db, "SELECT count(*) FILTER (WHERE year = $1::int),"
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

/* One district's notice of `year`, in its own transaction. 0 or -1. */
static int s_notify(db_t *db, tx_t *tx, const char *district, const char *year)
{
    const char *p[3] = {district, year, NULL};
    char at[24];
    if (tx_begin(tx, db) != 0)
        return -1;
    snprintf(at, sizeof at, "%lld", (long long) tx_now_us(tx));
    p[2] = at;
    PGresult *r = db_exec(db, "INSERT INTO intake.calendar_notices (district_code, year, noticed_at)"
                              " VALUES ($1, $2::int, to_timestamp($3::bigint / 1000000.0))"
                              " ON CONFLICT DO NOTHING RETURNING year", 3, p);
    int rc = r ? 0 : -1;
    if (r && PQntuples(r) == 1) {
        Lianxin__V1__CalendarMissing ev = LIANXIN__V1__CALENDAR_MISSING__INIT;
        Lianxin__V1__Actor actor = LIANXIN__V1__ACTOR__INIT;
        actor.username = actor.role = "system";
        actor.district = (char *) district;
        ev.year = atoi(year);
        rc = tx_event(tx, district, "calendar.missing", &actor, &ev.base);
    }
    PQclear(r);
    if (rc != 0 || tx_commit(tx) != 0) {
        tx_rollback(tx);
        log_warn("calendar notice not written", "district=%s year=%s sqlstate=%s", district,
                 year, db_sqlstate(db));
        return -1;
    }
    log_info("calendar missing noticed", "district=%s year=%s", district, year);
    return 0;
}

/* The (district, year) pairs not told yet, for the due years missing. */
static PGresult *s_pending(db_t *db, const int *years, int n)
{
    char arr[40];
    snprintf(arr, sizeof arr, n == 2 ? "{%d,%d}" : "{%d}", years[0], n == 2 ? years[1] : 0);
    const char *p[1] = {arr};
    return db_exec(db, "SELECT d.district_code, y.year::text FROM core.districts d"
                       " CROSS JOIN unnest($1::int[]) AS y(year)"
                       " WHERE NOT EXISTS (SELECT 1 FROM intake.calendar_notices c"
                       "   WHERE c.district_code = d.district_code AND c.year = y.year)"
                       " ORDER BY 1, 2", 1, p);
}

void calendar_watch_tick(db_t *db, tx_t *tx)
{
    int years[2];
    const intake_app_t *app = intake_app();
    if (!app || !app->calendar_watch)
        return;
    int n = s_missing(db, years);
    if (n <= 0)
        return;
    PGresult *r = s_pending(db, years, n);
    for (int i = 0; r && i < PQntuples(r); i++) {
        char lease[64];
        snprintf(lease, sizeof lease, "intake/%s", PQgetvalue(r, i, 0));
        if (lease_hold(db, lease) == 1)
            s_notify(db, tx, PQgetvalue(r, i, 0), PQgetvalue(r, i, 1));
    }
    PQclear(r);
}
