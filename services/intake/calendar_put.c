/* calendar_put: the office's calendar of one year (see calendar_put.h). The
 * per-entry rules are common/calendar's (the files obey the same); this
 * file adds the API's limits. Never logs holiday names. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "calendar_put.h"
#include "calsync.h"
#include "intake_app.h"
#include "visit_rules.h"

/* ---- the content (pure) -------------------------------------------------------- */

/* The year of the path: 1970-9999, else 0. */
static int s_path_year(const char *text)
{
    char *end = NULL;
    long y = text && *text && strlen(text) <= 4 ? strtol(text, &end, 10) : 0;
    return end && *end == '\0' && y >= CALENDAR_YEAR_MIN && y <= CALENDAR_YEAR_MAX ? (int) y : 0;
}

static int s_day_error(cmd_result_t *res, size_t i, const char *part, const char *code)
{
    char field[48];
    snprintf(field, sizeof field, "days[%zu].%s", i, part);
    return cmd_field_error(res, field, code);
}

/* The date and kind of day i (errors added to res). 0 or -1. */
static int s_entry(int year, const Lianxin__V1__CalendarDay *d, size_t i, calendar_day_t *date,
                   calendar_kind_t *kind, cmd_result_t *res)
{
    if (!d->date || !*d->date)
        return s_day_error(res, i, "date", "required");
    if (!d->kind || !*d->kind)
        return s_day_error(res, i, "kind", "required");
    switch (calendar_entry_parse(year, d->date, d->kind, date, kind)) {
    case CALENDAR_ENTRY_OK:
        return 0;
    case CALENDAR_ENTRY_BAD_DATE:
        return s_day_error(res, i, "date", "invalid");
    case CALENDAR_ENTRY_OTHER_YEAR:
        return s_day_error(res, i, "date", "out_of_range");
    case CALENDAR_ENTRY_BAD_KIND:
        return s_day_error(res, i, "kind", "invalid");
    case CALENDAR_ENTRY_WEEKDAY_WORKDAY:
        return s_day_error(res, i, "kind", "not_weekend");
    }
    return -1;
}

/* Checks every day; `seen` marks the days of the year already listed. */
static int s_days(const Lianxin__V1__PutCalendarYear *req, int year, calendar_t *cal,
                  cmd_result_t *res)
{
    uint8_t seen[366] = {0};
    calendar_day_t first;
    int bad = 0;
    calendar_day_from_ymd(year, 1, 1, &first);
    for (size_t i = 0; i < req->n_days; i++) {
        const Lianxin__V1__CalendarDay *d = req->days[i];
        calendar_day_t date;
        calendar_kind_t kind;
        long chars = d->name ? visit_utf8_chars(d->name, strlen(d->name)) : 0;
        if (chars < 0)
            bad |= s_day_error(res, i, "name", "invalid");
        else if (chars > CALENDAR_PUT_NAME_MAX)
            bad |= s_day_error(res, i, "name", "too_long");
        if (s_entry(year, d, i, &date, &kind, res) != 0) {
            bad = -1;
            continue;
        }
        if (seen[date - first]++) {
            bad |= s_day_error(res, i, "date", "duplicate");
            continue;
        }
        if (cal && !bad && calendar_add(cal, date, kind, d->name) != 0)
            return cmd_fail(res, 500, "internal", "internal error");
    }
    return bad ? -1 : 0;
}

int calendar_put_check(const Lianxin__V1__PutCalendarYear *req, const char *path_year,
                       int *year, calendar_t *cal, cmd_result_t *res)
{
    int y = s_path_year(path_year);
    if (y == 0)
        return cmd_field_error(res, "year", "out_of_range");
    if (req->year != 0 && req->year != y)
        return cmd_field_error(res, "year", "mismatch");
    if (req->n_days > CALENDAR_PUT_MAX_DAYS)
        return cmd_field_error(res, "days", "too_many");
    if (s_days(req, y, cal, res) != 0)
        return -1;
    if (cal && calendar_mark_year(cal, y) != 0)
        return cmd_fail(res, 500, "internal", "internal error");
    *year = y;
    return 0;
}

/* ---- the command ------------------------------------------------------------------- */

int calendar_put_validate(const cmd_ctx_t *ctx, cmd_result_t *res)
{
    const Lianxin__V1__Actor *a = ctx->cmd->actor;
    const char *d = ctx->cmd->district ? ctx->cmd->district : "";
    int year;
    /* The row admits office and admin; the calendar is the installation's,
     * so the command's district must be the actor's home ("" for a
     * city-wide admin), not one the actor addresses. */
    if (strcmp(a->district ? a->district : "", d) != 0)
        return cmd_fail(res, 403, "forbidden", "only the office keeps the calendar");
    return calendar_put_check((const Lianxin__V1__PutCalendarYear *) ctx->req,
                              ctx->cmd->object_id, &year, NULL, res);
}

/* Creates or bumps the year's row; its new version into *version. 0 or -1. */
static int s_upsert_year(tx_t *tx, const cmd_ctx_t *ctx, int year, int *version)
{
    char y[16], at[24], by[24];
    snprintf(y, sizeof y, "%d", year);
    snprintf(at, sizeof at, "%lld", (long long) tx_now_us(tx));
    const char *p[3] = {y, at, db_num(by, ctx->cmd->actor->user_id)};
    PGresult *r = db_exec(tx_db(tx),
        "INSERT INTO core.calendar_years AS c (year, version, source, updated_at, updated_by)"
        " VALUES ($1::int, 1, 'api', to_timestamp($2::bigint / 1000000.0), $3::bigint)"
        " ON CONFLICT (year) DO UPDATE SET version = c.version + 1, source = 'api',"
        " updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by"
        " RETURNING version", 3, p);
    if (!r)
        return -1;
    *version = atoi(PQgetvalue(r, 0, 0));
    PQclear(r);
    return 0;
}

/* The year's rows replaced by `cal`'s. 0 or -1. */
static int s_store(tx_t *tx, const cmd_ctx_t *ctx, int year, const calendar_t *cal,
                   int *version)
{
    char y[16];
    snprintf(y, sizeof y, "%d", year);
    const char *p[1] = {y};
    if (s_upsert_year(tx, ctx, year, version) != 0
        || db_run(tx_db(tx), "DELETE FROM core.calendar_days WHERE year = $1::int", 1, p) != 0
        || calsync_write_days(tx_db(tx), cal, year) != 0)
        return -1;
    return 0;
}

int calendar_put_execute(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res)
{
    const Lianxin__V1__PutCalendarYear *req = (const Lianxin__V1__PutCalendarYear *) ctx->req;
    calendar_t *cal = calendar_new();
    int year = 0, version = 0, rc = -1;
    if (!cal)
        return cmd_fail(res, 500, "internal", "internal error");
    if (calendar_put_check(req, ctx->cmd->object_id, &year, cal, res) == 0) {
        rc = s_store(tx, ctx, year, cal, &version);
        if (rc != 0)
            cmd_db_fail(tx, res, "calendar.put");
    }
    calendar_destroy(&cal);
    if (rc != 0)
        return -1;
    Lianxin__V1__PutCalendarYear state = *req;      /* the audit digest covers the year */
    state.year = year;
    if (cmd_record(tx, ctx, res, NULL, &state.base, "calendar.put", "calendar", year) != 0)
        return -1;
    calsync_invalidate(intake_app()->cal);
    Lianxin__V1__CalendarYearRef ref = LIANXIN__V1__CALENDAR_YEAR_REF__INIT;
    ref.year = year;
    ref.version = version;
    ref.days = (int32_t) req->n_days;
    return cmd_ok(res, 200, &ref.base);
}
