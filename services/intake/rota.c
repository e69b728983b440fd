/* rota: the commands on one row of the published rota: edit (office),
 * confirm, excuse, swap request and acceptance (the members), attendance
 * (office), and members' unavailable dates. Each checks whose row it is,
 * the row's status and, where a member lands on a new day, double-booking:
 * a clash answers 409 naming the member, the date and the other room. A
 * change to a published row emits rota.changed (rota.absent for an absence). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "intake_app.h"
#include "rota.pb-c.h"
#include "rota_cmds.h"

#define REASON_MAX 500
#define MAX_DATES 62

typedef struct row {
    int64_t id, room, member;
    char date[11], status[16], month[8];
} row_t;

/* ---- rows ------------------------------------------------------------------------- */

/* Loads and locks row `id`. 1 found, 0 not found, -1 on error (res set). */
static int s_row(tx_t *tx, const cmd_ctx_t *ctx, int64_t id, row_t *out, cmd_result_t *res)
{
    char ids[24];
    const char *p[2] = {ctx->cmd->district, db_num(ids, id)};
    PGresult *r = db_exec(tx_db(tx), "SELECT id, workroom_id, duty_date::text, member_id, status,"
                                     " month FROM intake.rota WHERE district_code = $1"
                                     " AND id = $2::bigint FOR UPDATE", 2, p);
    if (!r)
        return cmd_db_fail(tx, res, "rota.row");
    int found = PQntuples(r) == 1;
    if (found) {
        out->id = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
        out->room = strtoll(PQgetvalue(r, 0, 1), NULL, 10);
        snprintf(out->date, sizeof out->date, "%s", PQgetvalue(r, 0, 2));
        out->member = strtoll(PQgetvalue(r, 0, 3), NULL, 10);
        snprintf(out->status, sizeof out->status, "%s", PQgetvalue(r, 0, 4));
        snprintf(out->month, sizeof out->month, "%s", PQgetvalue(r, 0, 5));
    }
    PQclear(r);
    return found;
}

/* The path's row, locked; -1 with 404 when there is none. */
static int s_path_row(tx_t *tx, const cmd_ctx_t *ctx, row_t *row, cmd_result_t *res)
{
    int64_t id;
    if (cmd_object_id(ctx, &id) != 0)
        return cmd_fail(res, 404, "not_found", "no such duty");
    int rc = s_row(tx, ctx, id, row, res);
    if (rc == 0)
        return cmd_fail(res, 404, "not_found", "no such duty");
    return rc == 1 ? 0 : -1;
}

/* A member acts on their own row only; office and admin on any. */
static int s_own(const cmd_ctx_t *ctx, const row_t *row, cmd_result_t *res)
{
    const Lianxin__V1__Actor *a = ctx->cmd->actor;
    if (strcmp(a->role, "member") == 0 && a->member_id != row->member)
        return cmd_fail(res, 403, "forbidden", "not your duty");
    return 0;
}

static int s_status_in(const row_t *row, const char *const *set)
{
    for (size_t i = 0; set[i]; i++)
        if (strcmp(row->status, set[i]) == 0)
            return 1;
    return 0;
}

static int s_wrong_status(const row_t *row, cmd_result_t *res, const char *allowed)
{
    char msg[160];
    snprintf(msg, sizeof msg, "duty is %s; allowed from: %s", row->status, allowed);
    return cmd_fail(res, 409, "conflict", msg);
}

/* 0 when `member` is free on `date` (rows skip1 and skip2 set aside);
 * -1 with 409 naming the member, the date and the other room, or on error. */
static int s_free(tx_t *tx, const cmd_ctx_t *ctx, int64_t member, const char *date,
                  int64_t skip1, int64_t skip2, cmd_result_t *res)
{
    char m[24], a[24], b[24], msg[160], room[24];
    const char *p[5] = {ctx->cmd->district, db_num(m, member), date, db_num(a, skip1),
                        db_num(b, skip2)};
    PGresult *r = db_exec(tx_db(tx),
        "SELECT r.workroom_id, left(w.name, 30) FROM intake.rota r JOIN core.workrooms w"
        " ON w.district_code = r.district_code AND w.id = r.workroom_id"
        " WHERE r.district_code = $1 AND r.member_id = $2::bigint AND r.duty_date = $3::date"
        " AND r.id <> $4::bigint AND r.id <> $5::bigint LIMIT 1", 5, p);
    if (!r)
        return cmd_db_fail(tx, res, "rota.conflict");
    if (PQntuples(r) == 0) {
        PQclear(r);
        return 0;
    }
    snprintf(room, sizeof room, "%s", PQgetvalue(r, 0, 0));
    snprintf(msg, sizeof msg, "member %lld is on duty at %s (room %s) on %s", (long long) member,
             PQgetvalue(r, 0, 1), room, date);
    PQclear(r);
    cmd_fail(res, 409, "conflict", msg);
    cmd_field_error(res, "member_id", m);
    cmd_field_error(res, "duty_date", date);
    cmd_field_error(res, "workroom_id", room);
    return -1;
}

static int s_reply(cmd_result_t *res, const row_t *row, int64_t swap_id)
{
    Lianxin__V1__RotaEntry e = LIANXIN__V1__ROTA_ENTRY__INIT;
    e.id = row->id;
    e.workroom_id = row->room;
    e.duty_date = (char *) row->date;
    e.member_id = row->member;
    e.status = (char *) row->status;
    e.month = (char *) row->month;
    e.swap_id = swap_id;
    return cmd_ok(res, 200, &e.base);
}

/* rota.changed for a row that is part of the published rota, and the audit row. */
static int s_changed(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res, const row_t *row,
                     const char *change, int64_t previous, int published)
{
    Lianxin__V1__RotaChanged ev = LIANXIN__V1__ROTA_CHANGED__INIT;
    char action[48];
    ev.rota_id = row->id;
    ev.workroom_id = row->room;
    ev.duty_date = (char *) row->date;
    ev.member_id = row->member;
    ev.status = (char *) row->status;
    ev.change = (char *) change;
    ev.previous_member_id = previous;
    snprintf(action, sizeof action, "rota.%s", change);
    return cmd_record(tx, ctx, res, published ? "rota.changed" : NULL, &ev.base, action,
                         "rota", row->id);
}

static int s_set_status(tx_t *tx, const cmd_ctx_t *ctx, row_t *row, const char *status,
                        const char *reason, cmd_result_t *res)
{
    char id[24], by[24];
    const char *p[5] = {ctx->cmd->district, db_num(id, row->id), status, reason,
                        db_num(by, ctx->cmd->actor->user_id)};
    if (db_run(tx_db(tx), "UPDATE intake.rota SET status = $3, reason = $4, updated_at = core.clock_now(),"
                          " updated_by = $5::bigint WHERE district_code = $1 AND id = $2::bigint",
               5, p) != 0)
        return cmd_db_fail(tx, res, "rota.status");
    snprintf(row->status, sizeof row->status, "%s", status);
    return 0;
}

/* ---- edit (office) ------------------------------------------------------------------ */

static int s_member_active(tx_t *tx, const cmd_ctx_t *ctx, int64_t member, cmd_result_t *res)
{
    char m[24];
    const char *p[2] = {ctx->cmd->district, db_num(m, member)};
    PGresult *r = db_exec(tx_db(tx), "SELECT 1 FROM core.members WHERE district_code = $1"
                                     " AND id = $2::bigint AND active", 2, p);
    if (!r)
        return cmd_db_fail(tx, res, "rota.member");
    int n = PQntuples(r);
    PQclear(r);
    if (n == 0) {
        cmd_fail(res, 422, "unprocessable", "no such active member");
        return cmd_field_error(res, "member_id", "not_found");
    }
    return 0;
}

static int s_edit_apply(tx_t *tx, const cmd_ctx_t *ctx, row_t *row, int64_t member,
                        const char *date, cmd_result_t *res)
{
    char id[24], m[24], by[24];
    int published = strcmp(row->status, "draft") != 0;
    const char *status = published && member != row->member ? "published" : row->status;
    const char *p[6] = {ctx->cmd->district, db_num(id, row->id), db_num(m, member),
                        date, status, db_num(by, ctx->cmd->actor->user_id)};
    if (db_run(tx_db(tx), "UPDATE intake.rota SET member_id = $3::bigint, duty_date = $4::date,"
                          " status = $5, updated_at = core.clock_now(), updated_by = $6::bigint"
                          " WHERE district_code = $1 AND id = $2::bigint", 6, p) != 0)
        return cmd_db_fail(tx, res, "rota.edit");
    if (published && db_run(tx_db(tx),
            "INSERT INTO intake.timers (district_code, kind, workroom_id, duty_date, due_at)"
            " SELECT $1, k, r.workroom_id, r.duty_date, CASE k WHEN 'duty.upcoming'"
            "   THEN (r.duty_date - 1 + time '09:00') AT TIME ZONE 'Asia/Shanghai'"
            "   ELSE (r.duty_date + 1 + time '00:30') AT TIME ZONE 'Asia/Shanghai' END"
            " FROM intake.rota r, unnest(ARRAY['duty.upcoming', 'rota.absent_check']) k"
            " WHERE r.district_code = $1 AND r.id = $2::bigint ON CONFLICT DO NOTHING",
            2, p) != 0)
        return cmd_db_fail(tx, res, "rota.edit.timers");
    int64_t previous = row->member;
    row->member = member;
    snprintf(row->date, sizeof row->date, "%s", date);
    snprintf(row->status, sizeof row->status, "%s", status);
    if (s_changed(tx, ctx, res, row, "edit", previous, published) != 0)
        return -1;
    return s_reply(res, row, 0);
}

int rota_edit_execute(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res)
{
    const Lianxin__V1__EditRotaEntry *req = (const Lianxin__V1__EditRotaEntry *) ctx->req;
    static const char *const editable[] = {"draft", "published", "confirmed", "excused", NULL};
    row_t row;
    calendar_day_t day;
    char date[11];
    if (req->member_id < 0)
        return cmd_field_error(res, "member_id", "out_of_range");
    if (req->duty_date && *req->duty_date && calendar_day_parse(req->duty_date, &day) != 0)
        return cmd_field_error(res, "duty_date", "invalid");
    if (s_path_row(tx, ctx, &row, res) != 0)
        return -1;
    if (!s_status_in(&row, editable))
        return s_wrong_status(&row, res, "draft, published, confirmed, excused");
    int64_t member = req->member_id ? req->member_id : row.member;
    snprintf(date, sizeof date, "%s", req->duty_date && *req->duty_date ? req->duty_date : row.date);
    if (member != row.member && s_member_active(tx, ctx, member, res) != 0)
        return -1;
    if (s_free(tx, ctx, member, date, row.id, row.id, res) != 0)
        return -1;
    if (member != row.member && strcmp(row.status, "excused") == 0)
        snprintf(row.status, sizeof row.status, "published");
    return s_edit_apply(tx, ctx, &row, member, date, res);
}

/* ---- the member's own steps ----------------------------------------------------------- */

int rota_confirm_execute(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res)
{
    row_t row;
    if (s_path_row(tx, ctx, &row, res) != 0 || s_own(ctx, &row, res) != 0)
        return -1;
    if (strcmp(row.status, "confirmed") == 0)
        return s_reply(res, &row, 0);
    if (strcmp(row.status, "published") != 0)
        return s_wrong_status(&row, res, "published");
    if (s_set_status(tx, ctx, &row, "confirmed", "", res) != 0
        || s_changed(tx, ctx, res, &row, "confirm", 0, 1) != 0)
        return -1;
    return s_reply(res, &row, 0);
}

int rota_excuse_execute(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res)
{
    const Lianxin__V1__ExcuseDuty *req = (const Lianxin__V1__ExcuseDuty *) ctx->req;
    static const char *const from[] = {"published", "confirmed", NULL};
    row_t row;
    if (!req->reason || !textfmt_has_text(req->reason))
        return cmd_field_error(res, "reason", "required");
    if (strlen(req->reason) > REASON_MAX)
        return cmd_field_error(res, "reason", "too_long");
    if (s_path_row(tx, ctx, &row, res) != 0 || s_own(ctx, &row, res) != 0)
        return -1;
    if (!s_status_in(&row, from))
        return s_wrong_status(&row, res, "published, confirmed");
    if (s_set_status(tx, ctx, &row, "excused", req->reason, res) != 0
        || s_changed(tx, ctx, res, &row, "excuse", 0, 1) != 0)
        return -1;
    return s_reply(res, &row, 0);
}

int rota_swap_execute(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res)
{
    const Lianxin__V1__RequestSwap *req = (const Lianxin__V1__RequestSwap *) ctx->req;
    static const char *const from[] = {"published", "confirmed", NULL};
    row_t a, b;
    if (req->with_rota_id <= 0)
        return cmd_field_error(res, "with_rota_id", "required");
    if (s_path_row(tx, ctx, &a, res) != 0 || s_own(ctx, &a, res) != 0)
        return -1;
    int rc = s_row(tx, ctx, req->with_rota_id, &b, res);
    if (rc <= 0) {
        if (rc == 0)
            cmd_fail(res, 422, "unprocessable", "no such duty to swap with");
        return rc == 0 ? cmd_field_error(res, "with_rota_id", "not_found") : -1;
    }
    if (!s_status_in(&a, from))
        return s_wrong_status(&a, res, "published, confirmed");
    if (!s_status_in(&b, from) || b.member == a.member)
        return cmd_fail(res, 409, "conflict", "that duty cannot be swapped with");
    if (s_free(tx, ctx, b.member, a.date, a.id, b.id, res) != 0
        || s_free(tx, ctx, a.member, b.date, a.id, b.id, res) != 0)
        return -1;
    char ida[24], idb[24], m[24];
    const char *p[4] = {ctx->cmd->district, db_num(ida, a.id), db_num(idb, b.id),
                        db_num(m, a.member)};
    PGresult *r = db_exec(tx_db(tx), "INSERT INTO intake.rota_swaps (district_code, id, rota_id,"
                                     " with_rota_id, requested_by) VALUES ($1,"
                                     " nextval('intake.swap_ids'), $2::bigint, $3::bigint,"
                                     " $4::bigint) RETURNING id", 4, p);
    if (!r && strcmp(db_sqlstate(tx_db(tx)), "23505") == 0)
        return cmd_fail(res, 409, "conflict", "a swap is already pending for that duty");
    if (!r)
        return cmd_db_fail(tx, res, "rota.swap");
    int64_t swap = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
    PQclear(r);
    if (s_changed(tx, ctx, res, &a, "swap_requested", b.member, 1) != 0)
        return -1;
    return s_reply(res, &a, swap);
}

/* Trades the members of rows a and b: delete and re-insert both, so the
 * one-duty-a-day index never sees a half-done swap. Both need confirming again. */
static int s_trade(tx_t *tx, const cmd_ctx_t *ctx, row_t *a, row_t *b, cmd_result_t *res)
{
    char ida[24], idb[24], ma[24], mb[24], by[24], ra[24], rb[24];
    const char *p[12] = {ctx->cmd->district, db_num(ida, a->id), db_num(idb, b->id),
                         db_num(ma, a->member), db_num(mb, b->member),
                         db_num(by, ctx->cmd->actor->user_id), db_num(ra, a->room),
                         db_num(rb, b->room), a->date, b->date, a->month, b->month};
    db_t *db = tx_db(tx);
    if (db_run(db, "DELETE FROM intake.rota WHERE district_code = $1"
                   " AND id IN ($2::bigint, $3::bigint)", 3, p) != 0
        || db_run(db, "INSERT INTO intake.rota (district_code, workroom_id, duty_date, member_id,"
                      " status, id, month, updated_by) VALUES"
                      " ($1, $7::bigint, $9::date, $5::bigint, 'published', $2::bigint, $11,"
                      "  $6::bigint),"
                      " ($1, $8::bigint, $10::date, $4::bigint, 'published', $3::bigint, $12,"
                      "  $6::bigint)", 12, p) != 0)
        return cmd_db_fail(tx, res, "rota.trade");
    int64_t ma_id = a->member;
    a->member = b->member;
    b->member = ma_id;
    snprintf(a->status, sizeof a->status, "published");
    snprintf(b->status, sizeof b->status, "published");
    return 0;
}

int rota_swap_accept_execute(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res)
{
    row_t a, b;
    char idb[24];
    if (s_path_row(tx, ctx, &b, res) != 0 || s_own(ctx, &b, res) != 0)
        return -1;
    const char *p[2] = {ctx->cmd->district, db_num(idb, b.id)};
    PGresult *r = db_exec(tx_db(tx), "UPDATE intake.rota_swaps SET status = 'accepted',"
                                     " decided_at = core.clock_now() WHERE district_code = $1"
                                     " AND with_rota_id = $2::bigint AND status = 'pending'"
                                     " RETURNING id, rota_id", 2, p);
    if (!r)
        return cmd_db_fail(tx, res, "rota.swap_accept");
    int n = PQntuples(r);
    int64_t swap = n ? strtoll(PQgetvalue(r, 0, 0), NULL, 10) : 0;
    int64_t aid = n ? strtoll(PQgetvalue(r, 0, 1), NULL, 10) : 0;
    PQclear(r);
    if (n == 0)
        return cmd_fail(res, 409, "conflict", "no swap is pending for this duty");
    if (s_row(tx, ctx, aid, &a, res) != 1)
        return cmd_fail(res, 409, "conflict", "the other duty is gone");
    if (s_free(tx, ctx, b.member, a.date, a.id, b.id, res) != 0
        || s_free(tx, ctx, a.member, b.date, a.id, b.id, res) != 0)
        return -1;
    int64_t was_a = a.member, was_b = b.member;
    if (s_trade(tx, ctx, &a, &b, res) != 0 || s_changed(tx, ctx, res, &a, "swap", was_a, 1) != 0
        || s_changed(tx, ctx, res, &b, "swap", was_b, 1) != 0)
        return -1;
    return s_reply(res, &b, swap);
}

/* ---- attendance (office) ---------------------------------------------------------------- */

int rota_attendance_execute(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res)
{
    const Lianxin__V1__MarkAttendance *req = (const Lianxin__V1__MarkAttendance *) ctx->req;
    static const char *const from[] = {"published", "confirmed", "served", "absent", NULL};
    row_t row;
    calendar_day_t day;
    const char *st = req->status ? req->status : "";
    if (strcmp(st, "served") != 0 && strcmp(st, "absent") != 0)
        return cmd_field_error(res, "status", "unknown_value");
    if (s_path_row(tx, ctx, &row, res) != 0)
        return -1;
    if (!s_status_in(&row, from))
        return s_wrong_status(&row, res, "published, confirmed, served, absent");
    if (calendar_day_parse(row.date, &day) != 0 || day > intake_today(tx))
        return cmd_fail(res, 409, "conflict", "the duty day has not come yet");
    if (s_set_status(tx, ctx, &row, st, "", res) != 0)
        return -1;
    if (strcmp(st, "absent") == 0) {
        Lianxin__V1__RotaAbsent ev = LIANXIN__V1__ROTA_ABSENT__INIT;
        ev.rota_id = row.id;
        ev.workroom_id = row.room;
        ev.duty_date = row.date;
        ev.member_id = row.member;
        if (cmd_record(tx, ctx, res, "rota.absent", &ev.base, "rota.absent", "rota", row.id))
            return -1;
    } else if (s_changed(tx, ctx, res, &row, "served", 0, 1) != 0) {
        return -1;
    }
    return s_reply(res, &row, 0);
}

/* ---- unavailable dates ------------------------------------------------------------------ */

int rota_unavailable_execute(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res)
{
    const Lianxin__V1__DeclareUnavailable *req =
        (const Lianxin__V1__DeclareUnavailable *) ctx->req;
    int64_t member, days[MAX_DATES];
    calendar_day_t day;
    char field[32];
    if (cmd_object_id(ctx, &member) != 0)
        return cmd_fail(res, 404, "not_found", "no such member");
    if (strcmp(ctx->cmd->actor->role, "member") == 0 && ctx->cmd->actor->member_id != member)
        return cmd_fail(res, 403, "forbidden", "not your calendar");
    if (req->n_dates == 0 || req->n_dates > MAX_DATES)
        return cmd_field_error(res, "dates", req->n_dates ? "too_many" : "required");
    if (req->reason && strlen(req->reason) > REASON_MAX)
        return cmd_field_error(res, "reason", "too_long");
    for (size_t i = 0; i < req->n_dates; i++) {
        if (calendar_day_parse(req->dates[i], &day) != 0) {
            snprintf(field, sizeof field, "dates[%zu]", i);
            return cmd_field_error(res, field, "invalid");
        }
        days[i] = day;
    }
    char *text = db_ids_text(days, req->n_dates), m[24];
    if (!text)
        return cmd_fail(res, 500, "internal", "internal error");
    const char *p[4] = {ctx->cmd->district, db_num(m, member), text,
                        req->reason ? req->reason : ""};
    PGresult *r = db_exec(tx_db(tx), req->clear
        ? "WITH d AS (DELETE FROM intake.member_unavailable WHERE district_code = $1"
          " AND member_id = $2::bigint AND day - date '1970-01-01' = ANY($3::int[])"
          " AND $4 = $4 RETURNING 1) SELECT count(*) FROM d"
        : "WITH i AS (INSERT INTO intake.member_unavailable (district_code, member_id, day, reason)"
          " SELECT $1, $2::bigint, date '1970-01-01' + d, $4 FROM unnest($3::int[]) d"
          " ON CONFLICT (district_code, member_id, day) DO UPDATE SET reason = EXCLUDED.reason"
          " RETURNING 1) SELECT count(*) FROM i", 4, p);
    free(text);
    if (!r && strcmp(db_sqlstate(tx_db(tx)), "23503") == 0) {
        cmd_fail(res, 404, "not_found", "no such member");
        return -1;
    }
    if (!r)
        return cmd_db_fail(tx, res, "rota.unavailable");
    Lianxin__V1__UnavailableRef out = LIANXIN__V1__UNAVAILABLE_REF__INIT;
    out.member_id = member;
    out.dates = atoi(PQgetvalue(r, 0, 0));
    PQclear(r);
    if (cmd_record(tx, ctx, res, NULL, &out.base, "rota.unavailable", "member", member))
        return -1;
    return cmd_ok(res, 200, &out.base);
}
