/* calsync: the database side of the calendar (see calsync.h). The SQL lives
 * here so that calendar.c stays pure. Checks are paced by the monotonic
 * clock, never by business time. Logs counts only, never holiday names. */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "calsync.h"
#include "log.h"

struct calsync {
    calendar_t *cal;
    int check_ms;
    int64_t next_check_ms;          /* monotonic; 0: check at the next get */
    int64_t sum, years;             /* the version held */
    int loaded;                     /* a load has succeeded */
    int failing;                    /* the last look failed (logged once) */
};

/* The version: one cheap aggregate over the (few) years. */
static const char *const SQL_VERSION =
    "SELECT coalesce(sum(version), 0), count(*) FROM core.calendar_years";

/* Everything, and the version it belongs to, in one statement (one snapshot).
 * A year without days comes as one row with a NULL day. */
static const char *const SQL_LOAD =
    "WITH v AS (SELECT coalesce(sum(version), 0) AS s, count(*) AS n FROM core.calendar_years)"
    " SELECT v.s, v.n, y.year, d.day - date '1970-01-01', d.kind, d.name"
    " FROM v LEFT JOIN core.calendar_years y ON true"
    " LEFT JOIN core.calendar_days d ON d.year = y.year ORDER BY y.year, d.day";

static int64_t s_mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

calsync_t *calsync_new(int check_ms)
{
    calsync_t *self = calloc(1, sizeof *self);
    if (!self || !(self->cal = calendar_new())) {
        free(self);
        return NULL;
    }
    self->check_ms = check_ms > 0 ? check_ms : CALSYNC_CHECK_MS_DEFAULT;
    return self;
}

void calsync_destroy(calsync_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    calendar_destroy(&(*self_p)->cal);
    free(*self_p);
    *self_p = NULL;
}

void calsync_invalidate(calsync_t *self)
{
    if (self) {
        self->next_check_ms = 0;
        self->loaded = 0;
    }
}

void calsync_version(const calsync_t *self, int64_t *sum, int64_t *years)
{
    *sum = self ? self->sum : 0;
    *years = self ? self->years : 0;
}

/* A failed statement: logged on the first failure of a run of them. -1. */
static int s_failed(calsync_t *self, db_t *db)
{
    if (!self->failing)
        log_warn("calendar not refreshed, keeping the one held", "sqlstate=%s",
                 db_sqlstate(db));
    self->failing = 1;
    return -1;
}

/* Builds a new calendar from the rows of SQL_LOAD. Rows the calendar refuses
 * (a CHECK bypassed) are skipped and counted in *bad. NULL when out of memory. */
static calendar_t *s_build(PGresult *r, int *bad)
{
    calendar_t *cal = calendar_new();
    *bad = 0;
    for (int i = 0; cal && i < PQntuples(r); i++) {
        if (PQgetisnull(r, i, 2))
            continue;                           /* no year at all */
        if (calendar_mark_year(cal, atoi(PQgetvalue(r, i, 2))) != 0) {
            (*bad)++;
            continue;
        }
        if (PQgetisnull(r, i, 3))
            continue;                           /* a year without days */
        calendar_day_t day = (calendar_day_t) atol(PQgetvalue(r, i, 3));
        calendar_kind_t kind = strcmp(PQgetvalue(r, i, 4), "workday") == 0 ? CALENDAR_WORKDAY
                                                                           : CALENDAR_HOLIDAY;
        if (calendar_add(cal, day, kind, PQgetvalue(r, i, 5)) != 0)
            (*bad)++;
    }
    return cal;
}

/* Replaces the calendar with the database's. 0 or -1 (the old one kept). */
static int s_load(calsync_t *self, db_t *db)
{
    PGresult *r = db_exec(db, SQL_LOAD, 0, NULL);
    if (!r)
        return s_failed(self, db);
    int bad;
    calendar_t *cal = s_build(r, &bad);
    if (!cal) {
        PQclear(r);
        log_error("calendar not refreshed: out of memory", "");
        return -1;
    }
    self->sum = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
    self->years = strtoll(PQgetvalue(r, 0, 1), NULL, 10);
    PQclear(r);
    if (bad > 0)
        log_warn("calendar rows skipped", "n=%d", bad);
    calendar_destroy(&self->cal);
    self->cal = cal;
    self->loaded = 1;
    self->failing = 0;
    log_info("calendar loaded", "years=%lld version=%lld", (long long) self->years,
             (long long) self->sum);
    return 0;
}

/* 1 when the database's version differs from the one held, 0 when not,
 * -1 on error. */
static int s_changed(calsync_t *self, db_t *db)
{
    PGresult *r = db_exec(db, SQL_VERSION, 0, NULL);
    if (!r)
        return s_failed(self, db);
    int changed = strtoll(PQgetvalue(r, 0, 0), NULL, 10) != self->sum
                  || strtoll(PQgetvalue(r, 0, 1), NULL, 10) != self->years;
    PQclear(r);
    self->failing = 0;
    return changed;
}

const calendar_t *calsync_get(calsync_t *self, db_t *db)
{
    int64_t now = s_mono_ms();
    if (self->next_check_ms != 0 && now < self->next_check_ms)
        return self->cal;
    self->next_check_ms = now + self->check_ms;
    if (!self->loaded || s_changed(self, db) == 1)
        s_load(self, db);
    return self->cal;
}

/* ---- writing ------------------------------------------------------------------ */

static const char *const SQL_WRITE_DAYS =
    "INSERT INTO core.calendar_days (day, kind, name)"
    " SELECT date '1970-01-01' + d::int, k, coalesce(n, '')"
    " FROM unnest($1::bigint[], $2::text[], $3::text[]) AS t(d, k, n)";

int calsync_write_days(db_t *db, const calendar_t *cal, int year)
{
    calendar_day_t first, next;
    db_array_t days = {0}, kinds = {0}, names = {0};
    if (calendar_day_from_ymd(year, 1, 1, &first) != 0)
        return -1;
    if (calendar_day_from_ymd(year + 1, 1, 1, &next) != 0)
        next = first + 365;                     /* 9999: its last day is first + 364 */
    db_array_begin(&days, DB_OID_INT8);
    db_array_begin(&kinds, DB_OID_TEXT);
    db_array_begin(&names, DB_OID_TEXT);
    for (calendar_day_t d = first; d < next; d++) {
        calendar_kind_t k = calendar_kind(cal, d);
        if (k == CALENDAR_PLAIN)
            continue;
        db_array_int8(&days, d);
        db_array_text(&kinds, calendar_kind_text(k));
        db_array_text(&names, calendar_name(cal, d));
    }
    int rc = -1;
    if (!days.failed && !kinds.failed && !names.failed) {
        const char *v[3] = {(const char *) days.buf, (const char *) kinds.buf,
                            (const char *) names.buf};
        int len[3] = {(int) days.len, (int) kinds.len, (int) names.len}, fmt[3] = {1, 1, 1};
        PGresult *r = db_exec_params(db, SQL_WRITE_DAYS, 3, v, len, fmt);
        rc = r ? 0 : -1;
        PQclear(r);
    }
    db_array_free(&days);
    db_array_free(&kinds);
    db_array_free(&names);
    return rc;
}
