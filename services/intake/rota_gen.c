/* rota_gen: intake.GenerateRota and intake.PublishRota. Generate loads the
 * district's rooms, members (past duties, unavailable dates) and the rows
 * already decided, asks rota_plan for the month and stores the proposal as
 * draft rows (replacing the month's earlier drafts). Publish turns the
 * month's drafts into the rota, sets the timers and emits rota.published.
 * Never publishes a draft of another month. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "intake_app.h"
#include "log.h"
#include "rota.pb-c.h"
#include "rota_cmds.h"
#include "rota_plan.h"

#define MAX_UNAVAILABLE 64

typedef struct gen {
    const char *district;
    char month[8], first[11], last[11], window_end[11];
    int year, mon;
    rota_room_t *rooms;
    size_t nrooms;
    rota_member_t *members;
    size_t nmembers;
    calendar_day_t *unavail;        /* MAX_UNAVAILABLE per member */
    rota_assignment_t *fixed;
    size_t nfixed;
} gen_t;

static void s_gen_free(gen_t *g)
{
    free(g->rooms);
    free(g->members);
    free(g->unavail);
    free(g->fixed);
}

static int s_month_bounds(gen_t *g, const char *month)
{
    calendar_day_t first, next;
    int ny, nm;
    if (calendar_month_parse(month, &g->year, &g->mon) != 0)
        return -1;
    ny = g->mon == 12 ? g->year + 1 : g->year;
    nm = g->mon == 12 ? 1 : g->mon + 1;
    if (calendar_day_from_ymd(g->year, g->mon, 1, &first) != 0
        || calendar_day_from_ymd(ny, nm, 1, &next) != 0)
        return -1;
    snprintf(g->month, sizeof g->month, "%s", month);
    calendar_day_format(first, g->first, sizeof g->first);
    calendar_day_format(next - 1, g->last, sizeof g->last);
    calendar_day_format(next + 15, g->window_end, sizeof g->window_end);
    return 0;
}

static int s_load_rooms(gen_t *g, db_t *db)
{
    const char *p[1] = {g->district};
    PGresult *r = db_exec(db, "SELECT id, reception_day, staffs_saturday::int, members_per_duty"
                              " FROM core.workrooms WHERE district_code = $1 ORDER BY id", 1, p);
    if (!r)
        return -1;
    int n = PQntuples(r);
    g->rooms = calloc(n ? (size_t) n : 1, sizeof *g->rooms);
    for (int i = 0; g->rooms && i < n; i++) {
        rota_room_t *room = &g->rooms[i];
        int per = atoi(PQgetvalue(r, i, 3));
        room->id = strtoll(PQgetvalue(r, i, 0), NULL, 10);
        room->reception_day = atoi(PQgetvalue(r, i, 1));
        room->staffs_saturday = atoi(PQgetvalue(r, i, 2));
        room->per_day = per > 0 ? per : intake_app()->rota_per_day;
    }
    g->nrooms = (size_t) n;
    PQclear(r);
    return g->rooms ? 0 : -1;
}

static int s_load_members(gen_t *g, db_t *db)
{
    const char *p[3] = {g->district, g->first, g->window_end};
    PGresult *r = db_exec(db,
        "SELECT m.id, (SELECT count(*) FROM intake.rota r WHERE r.district_code = m.district_code"
        "   AND r.member_id = m.id AND r.duty_date < $2::date"
        "   AND r.status IN ('published', 'confirmed', 'served')),"
        " coalesce((SELECT array_agg(u.day - date '1970-01-01' ORDER BY u.day)"
        "   FROM intake.member_unavailable u WHERE u.district_code = m.district_code"
        "   AND u.member_id = m.id AND u.day BETWEEN $2::date AND $3::date), '{}')"
        " FROM core.members m WHERE m.district_code = $1 AND m.active ORDER BY m.id", 3, p);
    if (!r)
        return -1;
    int n = PQntuples(r);
    g->members = calloc(n ? (size_t) n : 1, sizeof *g->members);
    g->unavail = calloc(n ? (size_t) n * MAX_UNAVAILABLE : 1, sizeof *g->unavail);
    for (int i = 0; g->members && g->unavail && i < n; i++) {
        rota_member_t *m = &g->members[i];
        int64_t days[MAX_UNAVAILABLE];
        size_t nd = db_parse_ids(PQgetvalue(r, i, 2), days, MAX_UNAVAILABLE);
        m->id = strtoll(PQgetvalue(r, i, 0), NULL, 10);
        m->past_duties = atoi(PQgetvalue(r, i, 1));
        m->unavailable = g->unavail + (size_t) i * MAX_UNAVAILABLE;
        for (size_t k = 0; k < nd; k++)
            g->unavail[(size_t) i * MAX_UNAVAILABLE + k] = (calendar_day_t) days[k];
        m->nunavailable = nd;
    }
    g->nmembers = (size_t) n;
    PQclear(r);
    return g->members && g->unavail ? 0 : -1;
}

/* Rows already decided around the month (every row but this month's drafts,
 * which were just removed), excused ones included: they count, fill their
 * places and block (the office edits an excused row to replace the member). */
static int s_load_fixed(gen_t *g, db_t *db)
{
    const char *p[3] = {g->district, g->first, g->window_end};
    PGresult *r = db_exec(db, "SELECT workroom_id, duty_date - date '1970-01-01', member_id"
                              " FROM intake.rota WHERE district_code = $1"
                              " AND duty_date BETWEEN $2::date AND $3::date", 3, p);
    if (!r)
        return -1;
    int n = PQntuples(r);
    g->fixed = calloc(n ? (size_t) n : 1, sizeof *g->fixed);
    for (int i = 0; g->fixed && i < n; i++) {
        g->fixed[i].room_id = strtoll(PQgetvalue(r, i, 0), NULL, 10);
        g->fixed[i].date = atoi(PQgetvalue(r, i, 1));
        g->fixed[i].member_id = strtoll(PQgetvalue(r, i, 2), NULL, 10);
    }
    g->nfixed = (size_t) n;
    PQclear(r);
    return g->fixed ? 0 : -1;
}

/* Inserts the plan's rows as drafts of the month in one statement. */
static int s_store(gen_t *g, db_t *db, const rota_plan_t *plan, int64_t user)
{
    size_t n;
    const rota_assignment_t *a = rota_plan_assignments(plan, &n);
    int64_t *rooms = calloc(n + 1, sizeof *rooms), *days = calloc(n + 1, sizeof *days);
    int64_t *mems = calloc(n + 1, sizeof *mems);
    char *tr = NULL, *td = NULL, *tm = NULL, by[24];
    int rc = -1;
    for (size_t i = 0; rooms && days && mems && i < n; i++) {
        rooms[i] = a[i].room_id;
        days[i] = a[i].date;
        mems[i] = a[i].member_id;
    }
    if (rooms && days && mems && (tr = db_ids_text(rooms, n)) && (td = db_ids_text(days, n))
        && (tm = db_ids_text(mems, n))) {
        const char *p[6] = {g->district, g->month, db_num(by, user), tr, td, tm};
        rc = db_run(db, "INSERT INTO intake.rota (district_code, workroom_id, duty_date,"
                        " member_id, status, month, updated_by)"
                        " SELECT $1, u.r, date '1970-01-01' + u.d::int, u.m, 'draft', $2, $3::bigint"
                        " FROM unnest($4::bigint[], $5::bigint[], $6::bigint[]) AS u(r, d, m)",
                    6, p);
    }
    free(rooms); free(days); free(mems); free(tr); free(td); free(tm);
    return rc;
}

static int s_reply_generated(const gen_t *g, const rota_plan_t *plan, cmd_result_t *res)
{
    size_t na, ns;
    rota_plan_assignments(plan, &na);
    const rota_shortfall_t *s = rota_plan_shortfalls(plan, &ns);
    Lianxin__V1__RotaGenerated out = LIANXIN__V1__ROTA_GENERATED__INIT;
    Lianxin__V1__RotaShortfall *items = calloc(ns + 1, sizeof *items);
    Lianxin__V1__RotaShortfall **ptrs = calloc(ns + 1, sizeof *ptrs);
    char (*dates)[11] = calloc(ns + 1, sizeof *dates);
    int rc = -1;
    if (items && ptrs && dates) {
        for (size_t i = 0; i < ns; i++) {
            lianxin__v1__rota_shortfall__init(&items[i]);
            items[i].workroom_id = s[i].room_id;
            calendar_day_format(s[i].date, dates[i], sizeof dates[i]);
            items[i].duty_date = dates[i];
            items[i].wanted = s[i].wanted;
            items[i].missing = s[i].missing;
            ptrs[i] = &items[i];
        }
        out.month = (char *) g->month;
        out.rooms = (int32_t) g->nrooms;
        out.assignments = (int32_t) na;
        out.kept = (int32_t) g->nfixed;
        out.n_shortfalls = ns;
        out.shortfalls = ptrs;
        rc = cmd_ok(res, 200, &out.base);
    }
    free(items); free(ptrs); free(dates);
    return rc == 0 ? 0 : cmd_fail(res, 500, "internal", "internal error");
}

static int s_generate(tx_t *tx, const cmd_ctx_t *ctx, gen_t *g, cmd_result_t *res)
{
    db_t *db = tx_db(tx);
    const char *p[2] = {g->district, g->month};
    char err[128];
    if (db_run(db, "DELETE FROM intake.rota WHERE district_code = $1 AND month = $2"
                   " AND status = 'draft'", 2, p) != 0 || s_load_rooms(g, db) != 0
        || s_load_members(g, db) != 0 || s_load_fixed(g, db) != 0)
        return cmd_db_fail(tx, res, "rota.generate.load");
    rota_input_t in = {
        .year = g->year, .month = g->mon, .cal = calsync_get(intake_app()->cal, db),
        .rooms = g->rooms, .nrooms = g->nrooms, .members = g->members,
        .nmembers = g->nmembers, .fixed = g->fixed, .nfixed = g->nfixed, .seed = 0,
    };
    rota_plan_t *plan = rota_plan_new(&in, err, sizeof err);
    if (!plan) {
        log_warn("rota plan refused", "district=%s reason=\"%s\"", g->district, err);
        return cmd_fail(res, 422, "unprocessable", "the district's rooms cannot be planned");
    }
    int rc = s_store(g, db, plan, ctx->cmd->actor->user_id);
    if (rc != 0) {
        rota_plan_destroy(&plan);
        return db_sqlstate(db)[0] && strcmp(db_sqlstate(db), "23505") == 0
                   ? cmd_fail(res, 409, "conflict", "a member is already on duty that day")
                   : cmd_db_fail(tx, res, "rota.generate.store");
    }
    rc = s_reply_generated(g, plan, res);
    rota_plan_destroy(&plan);
    Lianxin__V1__GenerateRota audit = LIANXIN__V1__GENERATE_ROTA__INIT;
    audit.month = g->month;
    if (rc == 0 && cmd_record(tx, ctx, res, NULL, &audit.base, "rota.generate", "rota", 0))
        return -1;
    return rc;
}

int rota_generate_execute(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res)
{
    const Lianxin__V1__GenerateRota *req = (const Lianxin__V1__GenerateRota *) ctx->req;
    gen_t g;
    memset(&g, 0, sizeof g);
    g.district = ctx->cmd->district;
    if (s_month_bounds(&g, req->month) != 0)
        return cmd_field_error(res, "month", "invalid");
    int rc = s_generate(tx, ctx, &g, res);
    s_gen_free(&g);
    return rc;
}

/* ---- publish ----------------------------------------------------------------------- */

/* The timers of the month's duty days: the reminder at 09:00 the day
 * before, the absence check at 00:30 the day after (UTC+8). */
static const char *s_sql_timers =
    "INSERT INTO intake.timers (district_code, kind, workroom_id, duty_date, due_at)"
    " SELECT DISTINCT r.district_code, k.kind, r.workroom_id, r.duty_date,"
    "   CASE k.kind WHEN 'duty.upcoming'"
    "     THEN (r.duty_date - 1 + time '09:00') AT TIME ZONE 'Asia/Shanghai'"
    "     ELSE (r.duty_date + 1 + time '00:30') AT TIME ZONE 'Asia/Shanghai' END"
    " FROM intake.rota r, (VALUES ('duty.upcoming'), ('rota.absent_check')) AS k(kind)"
    " WHERE r.district_code = $1 AND r.month = $2 AND r.status <> 'draft'"
    " ON CONFLICT DO NOTHING";

/* The rows published, as the event's entries (ids, room, date, member). */
static void s_entries(PGresult *r, Lianxin__V1__RotaEntry *rows, Lianxin__V1__RotaEntry **ptrs,
                      const char *month)
{
    for (int i = 0; i < PQntuples(r); i++) {
        lianxin__v1__rota_entry__init(&rows[i]);
        rows[i].id = strtoll(PQgetvalue(r, i, 0), NULL, 10);
        rows[i].workroom_id = strtoll(PQgetvalue(r, i, 1), NULL, 10);
        rows[i].duty_date = PQgetvalue(r, i, 2);
        rows[i].member_id = strtoll(PQgetvalue(r, i, 3), NULL, 10);
        rows[i].status = "published";
        rows[i].month = (char *) month;
        ptrs[i] = &rows[i];
    }
}

int rota_publish_execute(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res)
{
    const Lianxin__V1__PublishRota *req = (const Lianxin__V1__PublishRota *) ctx->req;
    gen_t g;
    int64_t members[512];
    memset(&g, 0, sizeof g);
    if (s_month_bounds(&g, req->month) != 0)
        return cmd_field_error(res, "month", "invalid");
    const char *p[3] = {ctx->cmd->district, g.month, NULL};
    char by[24];
    p[2] = db_num(by, ctx->cmd->actor->user_id);
    PGresult *r = db_exec(tx_db(tx),
        "WITH up AS (UPDATE intake.rota SET status = 'published', updated_at = core.clock_now(),"
        "   updated_by = $3::bigint WHERE district_code = $1 AND month = $2"
        "   AND status = 'draft' RETURNING id, workroom_id, duty_date, member_id)"
        " SELECT id, workroom_id, duty_date::text, member_id, (SELECT coalesce(array_agg("
        "   DISTINCT member_id), '{}') FROM up) FROM up ORDER BY id", 3, p);
    if (!r)
        return cmd_db_fail(tx, res, "rota.publish");
    int n = PQntuples(r);
    size_t nm = n ? db_parse_ids(PQgetvalue(r, 0, 4), members, 512) : 0;
    if (n == 0) {
        PQclear(r);
        return cmd_fail(res, 409, "conflict", "no draft rota for this month: generate it first");
    }
    Lianxin__V1__RotaEntry *rows = calloc((size_t) n, sizeof *rows);
    Lianxin__V1__RotaEntry **ptrs = calloc((size_t) n, sizeof *ptrs);
    Lianxin__V1__RotaPublished ev = LIANXIN__V1__ROTA_PUBLISHED__INIT;
    int rc = !rows || !ptrs ? cmd_fail(res, 500, "internal", "internal error")
             : db_run(tx_db(tx), s_sql_timers, 2, p) != 0
                 ? cmd_db_fail(tx, res, "rota.publish.timers") : 0;
    if (rc == 0) {
        s_entries(r, rows, ptrs, g.month);
        ev.month = g.month;
        ev.duties = n;
        ev.n_member_ids = nm;
        ev.member_ids = members;
        ev.n_entries = (size_t) n;
        ev.entries = ptrs;
        rc = cmd_record(tx, ctx, res, "rota.published", &ev.base, "rota.publish", "rota", 0);
        ev.n_entries = 0;               /* the reply without them */
    }
    rc = rc == 0 ? cmd_ok(res, 200, &ev.base) : -1;
    free(rows);
    free(ptrs);
    PQclear(r);
    return rc;
}
