/* consult_schedule: see consult_schedule.h. The bookings of a window are
 * read in one statement; the names of who is busy only for the conflict
 * found. Never logs personal data. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "consult_schedule.h"
#include "timeutil.h"

#define MAX_BOOKINGS 20000
#define SUGGEST_DAYS_MAX 184
#define SUGGEST_COUNT_MAX 20

/* $1 district, $2 from, $3 to (timestamptz), $4 member ids, $5 leader ids,
 * $6 venue id: kind, who, start, end, ref, duty (start and end of a duty are
 * its day number: the hours are consult_sched's). */
static const char *const s_bookings_sql =
    "SELECT 0, p.member_id, (extract(epoch FROM c.starts_at) * 1000000)::bigint,"
    "  (extract(epoch FROM c.ends_at) * 1000000)::bigint, c.id, 0"
    " FROM consult.consultations c JOIN consult.participants p ON p.district_code ="
    "  c.district_code AND p.consultation_id = c.id AND p.invitation <> 'declined'"
    " WHERE c.district_code = $1 AND c.state <> 'cancelled' AND c.starts_at < $3::timestamptz"
    "  AND c.ends_at > $2::timestamptz AND p.member_id = ANY ($4::bigint[])"
    " UNION ALL SELECT 1, p.leader_user_id, (extract(epoch FROM c.starts_at) * 1000000)::bigint,"
    "  (extract(epoch FROM c.ends_at) * 1000000)::bigint, c.id, 0"
    " FROM consult.consultations c JOIN consult.participants p ON p.district_code ="
    "  c.district_code AND p.consultation_id = c.id AND p.invitation <> 'declined'"
    " WHERE c.district_code = $1 AND c.state <> 'cancelled' AND c.starts_at < $3::timestamptz"
    "  AND c.ends_at > $2::timestamptz AND p.leader_user_id = ANY ($5::bigint[])"
    " UNION ALL SELECT 2, c.venue_id, (extract(epoch FROM c.starts_at) * 1000000)::bigint,"
    "  (extract(epoch FROM c.ends_at) * 1000000)::bigint, c.id, 0"
    " FROM consult.consultations c WHERE c.district_code = $1 AND c.state <> 'cancelled'"
    "  AND c.starts_at < $3::timestamptz AND c.ends_at > $2::timestamptz"
    "  AND c.venue_id = $6::bigint"
    " UNION ALL SELECT 0, d.member_id, d.duty_date - date '1970-01-01', 0, d.rota_id, 1"
    " FROM consult.duties d WHERE d.district_code = $1 AND d.member_id = ANY ($4::bigint[])"
    "  AND d.status NOT IN ('excused', 'draft')"
    "  AND d.duty_date BETWEEN ($2::timestamptz AT TIME ZONE 'Asia/Shanghai')::date"
    "  AND ($3::timestamptz AT TIME ZONE 'Asia/Shanghai')::date"
    " LIMIT 20000";

typedef struct parties {
    size_t n;
    sched_party_t p[CONSULT_PARTICIPANTS_MAX + 2];
} parties_t;

/* The bookings of `ps` over [from, to) into *out (malloc'd). Count or -1. */
static long s_bookings(tx_t *tx, const char *district, const parties_t *ps, int64_t from,
                       int64_t to, sched_booking_t **out)
{
    int64_t mem[CONSULT_PARTICIPANTS_MAX + 2], lead[CONSULT_PARTICIPANTS_MAX + 2];
    size_t nm = 0, nl = 0;
    int64_t venue = 0;
    char f[40], t[40], v[24];
    for (size_t i = 0; i < ps->n; i++) {
        if (ps->p[i].kind == SCHED_MEMBER)
            mem[nm++] = ps->p[i].who;
        else if (ps->p[i].kind == SCHED_LEADER)
            lead[nl++] = ps->p[i].who;
        else
            venue = ps->p[i].who;
    }
    char *tm = db_ids_text(mem, nm), *tl = db_ids_text(lead, nl);
    time_format(from, f, sizeof f);
    time_format(to, t, sizeof t);
    const char *q[6] = {district, f, t, tm, tl, db_num(v, venue)};
    PGresult *r = tm && tl ? db_exec(tx_db(tx), s_bookings_sql, 6, q) : NULL;
    free(tm);
    free(tl);
    if (!r)
        return -1;
    long n = PQntuples(r);
    *out = malloc((size_t) (n ? n : 1) * sizeof **out);
    for (long i = 0; *out && i < n; i++) {
        sched_booking_t *b = &(*out)[i];
        b->kind = (sched_kind_t) atoi(PQgetvalue(r, (int) i, 0));
        b->who = strtoll(PQgetvalue(r, (int) i, 1), NULL, 10);
        b->start_us = strtoll(PQgetvalue(r, (int) i, 2), NULL, 10);
        b->end_us = strtoll(PQgetvalue(r, (int) i, 3), NULL, 10);
        b->ref = strtoll(PQgetvalue(r, (int) i, 4), NULL, 10);
        b->duty = atoi(PQgetvalue(r, (int) i, 5));
        if (b->duty)
            sched_duty_span((calendar_day_t) b->start_us, &b->start_us, &b->end_us);
    }
    PQclear(r);
    return *out ? n : -1;
}

/* The consultation's parties (members and leaders who did not decline, the
 * venue) and `extra`. 0 or -1. */
static int s_parties(tx_t *tx, const char *district, const consultation_t *c,
                     const sched_party_t *extra, parties_t *ps)
{
    char ids[24];
    const char *q[2] = {district, db_num(ids, c->id)};
    PGresult *r = db_exec(tx_db(tx),
        "SELECT CASE WHEN member_id IS NOT NULL THEN 0 ELSE 1 END,"
        " coalesce(member_id, leader_user_id) FROM consult.participants"
        " WHERE district_code = $1 AND consultation_id = $2::bigint AND invitation <> 'declined'"
        " AND (member_id IS NOT NULL OR leader_user_id IS NOT NULL) ORDER BY seq", 2, q);
    if (!r)
        return -1;
    ps->n = 0;
    for (int i = 0; i < PQntuples(r) && i < CONSULT_PARTICIPANTS_MAX; i++) {
        ps->p[ps->n].kind = (sched_kind_t) atoi(PQgetvalue(r, i, 0));
        ps->p[ps->n++].who = strtoll(PQgetvalue(r, i, 1), NULL, 10);
    }
    PQclear(r);
    if (c->venue_id)
        ps->p[ps->n++] = (sched_party_t){.kind = SCHED_VENUE, .who = c->venue_id};
    if (extra)
        ps->p[ps->n++] = *extra;
    return 0;
}

/* 409 naming the booking `b`: who (member's name, leader's name, venue's
 * name), what (the other consultation's title, or the reception duty) and
 * when. */
static int s_conflict(tx_t *tx, const char *district, const sched_booking_t *b,
                      cmd_result_t *res)
{
    char who[24], from[32], to[32], msg[160];
    const char *q[3] = {district, db_num(who, b->who),
                        b->kind == SCHED_MEMBER ? "m" : b->kind == SCHED_LEADER ? "l" : "v"};
    PGresult *r = db_exec(tx_db(tx),
        "SELECT CASE $3 WHEN 'm' THEN (SELECT '委员' || name FROM core.members"
        "  WHERE district_code = $1 AND id = $2::bigint)"
        " WHEN 'l' THEN (SELECT '领导' || display_name FROM auth.users"
        "  WHERE district_code = $1 AND id = $2::bigint)"
        " ELSE (SELECT '场地' || name FROM consult.venues WHERE district_code = $1"
        "  AND id = $2::bigint) END", 3, q);
    if (!r)
        return cmd_db_fail(tx, res, "consult.conflict");
    time_format(b->start_us, from, sizeof from);
    time_format(b->end_us, to, sizeof to);
    /* "2026-12-08T09:00" and "17:00" of RFC 3339 in UTC+8 */
    snprintf(msg, sizeof msg, "时间冲突：%s 在 %.10s %.5s–%.5s 已有%s", PQgetvalue(r, 0, 0), from,
             from + 11, to + 11, b->duty ? "接待日值班" : "协商安排");
    PQclear(r);
    cmd_fail(res, 409, "conflict", msg);
    cmd_field_error(res, b->kind == SCHED_VENUE ? "venue_id" : b->kind == SCHED_LEADER
                                                                ? "leader_user_id" : "member_id",
                    b->duty ? "on_duty" : "booked");
    return -1;
}

int consult_schedule_check(tx_t *tx, const char *district, const consultation_t *c,
                           const sched_party_t *extra, cmd_result_t *res)
{
    parties_t ps;
    sched_booking_t *b = NULL;
    if (!c->start_us)
        return 0;
    if (s_parties(tx, district, c, extra, &ps) != 0)
        return cmd_db_fail(tx, res, "consult.parties");
    long n = s_bookings(tx, district, &ps, c->start_us, c->end_us, &b);
    if (n < 0) {
        free(b);
        return cmd_db_fail(tx, res, "consult.bookings");
    }
    long hit = sched_conflict(b, (size_t) n, ps.p, ps.n, c->start_us, c->end_us, c->id);
    int rc = hit >= 0 ? s_conflict(tx, district, &b[hit], res) : 0;
    free(b);
    return rc;
}

int consult_schedule_room(tx_t *tx, const char *district, int64_t venue_id, int64_t cid,
                          int more, cmd_result_t *res)
{
    char v[24], ids[24], n[16];
    snprintf(n, sizeof n, "%d", more);
    const char *q[4] = {district, db_num(v, venue_id), db_num(ids, cid), n};
    PGresult *r = db_exec(tx_db(tx),
        "SELECT (SELECT count(*) FROM consult.participants p WHERE p.district_code = $1"
        " AND p.consultation_id = $3::bigint AND p.invitation <> 'declined') + $4::int"
        " > v.capacity FROM consult.venues v WHERE v.district_code = $1 AND v.id = $2::bigint",
        4, q);
    if (!r)
        return cmd_db_fail(tx, res, "consult.venue");
    int found = PQntuples(r) == 1, over = found && strcmp(PQgetvalue(r, 0, 0), "t") == 0;
    PQclear(r);
    if (!found) {
        cmd_fail(res, 422, "unprocessable", "没有这个场地");
        return cmd_field_error(res, "venue_id", "not_found");
    }
    return over ? consult_refuse(res, "venue_id", "too_small", "场地容纳人数不足") : 0;
}

int consult_schedule_set(tx_t *tx, const cmd_ctx_t *ctx, consultation_t *c, cmd_result_t *res)
{
    const Lianxin__V1__ConsultationAction *a = (const Lianxin__V1__ConsultationAction *) ctx->req;
    int64_t start, end;
    char ids[24], v[24];
    if (!a->starts_at || time_parse(a->starts_at, &start) != 0)
        return cmd_field_error(res, "starts_at", a->starts_at && *a->starts_at ? "invalid"
                                                                               : "required");
    if (!a->ends_at || time_parse(a->ends_at, &end) != 0)
        return cmd_field_error(res, "ends_at", a->ends_at && *a->ends_at ? "invalid"
                                                                         : "required");
    int span = sched_span_check(start, end);
    if (span != SCHED_OK)
        return cmd_field_error(res, "ends_at", span == SCHED_EORDER ? "before_start"
                                               : span == SCHED_EMIDNIGHT ? "across_midnight"
                                                                         : "too_long");
    if (consult_schedule_room(tx, ctx->cmd->district, a->venue_id, c->id, 0, res) != 0)
        return -1;
    c->venue_id = a->venue_id;
    c->start_us = start;
    c->end_us = end;
    if (consult_schedule_check(tx, ctx->cmd->district, c, NULL, res) != 0)
        return -1;
    const char *u[5] = {ctx->cmd->district, db_num(ids, c->id), db_num(v, a->venue_id),
                        a->starts_at, a->ends_at};
    if (db_run(tx_db(tx), "UPDATE consult.consultations SET venue_id = $3::bigint,"
                          " starts_at = $4::timestamptz, ends_at = $5::timestamptz"
                          " WHERE district_code = $1 AND id = $2::bigint", 5, u) != 0)
        return cmd_db_fail(tx, res, "consult.schedule");
    return 0;
}

int consult_venues_create(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res)
{
    const Lianxin__V1__VenueDraft *d = (const Lianxin__V1__VenueDraft *) ctx->req;
    char cap[16], wr[24];
    int bad = 0;
    if (!d->name || !textfmt_has_text(d->name))
        bad = cmd_field_error(res, "name", "required");
    else if (strlen(d->name) > CONSULT_NAME_MAX)
        bad = cmd_field_error(res, "name", "too_long");
    if (d->capacity < 1 || d->capacity > 10000)
        bad = cmd_field_error(res, "capacity", "out_of_range");
    if (d->address && strlen(d->address) > CONSULT_TITLE_MAX)
        bad = cmd_field_error(res, "address", "too_long");
    if (bad)
        return -1;
    snprintf(cap, sizeof cap, "%d", d->capacity);
    const char *q[5] = {ctx->cmd->district, d->name, cap,
                        d->workroom_id ? db_num(wr, d->workroom_id) : NULL,
                        d->address ? d->address : ""};
    PGresult *r = db_exec(tx_db(tx),
        "INSERT INTO consult.venues SELECT $1, nextval('consult.venue_ids'), $2, $3::int,"
        " $4::bigint, $5 WHERE $4::bigint IS NULL OR EXISTS (SELECT 1 FROM core.workrooms"
        " WHERE district_code = $1 AND id = $4::bigint) RETURNING id", 5, q);
    if (!r)
        return cmd_db_fail(tx, res, "venue.create");
    if (PQntuples(r) != 1) {
        PQclear(r);
        cmd_fail(res, 422, "unprocessable", "没有这个工作室");
        return cmd_field_error(res, "workroom_id", "not_found");
    }
    Lianxin__V1__VenueRef out = LIANXIN__V1__VENUE_REF__INIT;
    out.id = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
    PQclear(r);
    if (cmd_record(tx, ctx, res, NULL, ctx->req, "venue.create", "venue", out.id) != 0)
        return -1;
    return cmd_ok(res, 201, &out.base);
}

/* The query's parties and window. 0, or -1 with field errors. */
static int s_query(tx_t *tx, const Lianxin__V1__SlotQuery *q, parties_t *ps, int64_t *from,
                   calendar_day_t *last, cmd_result_t *res)
{
    calendar_day_t f = consult_today(tx), t;
    if (q->n_member_ids + q->n_leader_ids > CONSULT_SLOT_PARTIES_MAX)
        return cmd_field_error(res, "member_ids", "too_many");
    if (q->minutes < 15 || q->minutes > SCHED_MAX_MINUTES)
        return cmd_field_error(res, "minutes", q->minutes ? "out_of_range" : "required");
    if (q->from && *q->from && calendar_day_parse(q->from, &f) != 0)
        return cmd_field_error(res, "from", "invalid");
    t = f + 92;
    if (q->to && *q->to && calendar_day_parse(q->to, &t) != 0)
        return cmd_field_error(res, "to", "invalid");
    if (t < f || t - f > SUGGEST_DAYS_MAX)
        return cmd_field_error(res, "to", "out_of_range");
    if (q->count < 0 || q->count > SUGGEST_COUNT_MAX)
        return cmd_field_error(res, "count", "out_of_range");
    ps->n = 0;
    for (size_t i = 0; i < q->n_member_ids; i++)
        ps->p[ps->n++] = (sched_party_t){.kind = SCHED_MEMBER, .who = q->member_ids[i]};
    for (size_t i = 0; i < q->n_leader_ids; i++)
        ps->p[ps->n++] = (sched_party_t){.kind = SCHED_LEADER, .who = q->leader_ids[i]};
    if (q->venue_id)
        ps->p[ps->n++] = (sched_party_t){.kind = SCHED_VENUE, .who = q->venue_id};
    *from = calendar_day_start_us(f);
    if (*from < tx_now_us(tx))
        *from = tx_now_us(tx);
    *last = t;
    return 0;
}

int consult_schedule_suggest(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res)
{
    const Lianxin__V1__SlotQuery *q = (const Lianxin__V1__SlotQuery *) ctx->req;
    const consult_app_t *app = ctx->app;
    parties_t ps;
    int64_t from = 0, starts[SUGGEST_COUNT_MAX];
    calendar_day_t last = 0;
    sched_booking_t *b = NULL;
    if (s_query(tx, q, &ps, &from, &last, res) != 0)
        return -1;
    long nb = s_bookings(tx, ctx->cmd->district, &ps, from, calendar_day_start_us(last + 1), &b);
    if (nb < 0) {
        free(b);
        return cmd_db_fail(tx, res, "consult.suggest");
    }
    const calendar_t *cal = calsync_get(app->cal, tx_db(tx));
    long n = sched_suggest(cal, &sched_default_hours, b, (size_t) nb, ps.p, ps.n, from, last,
                           q->minutes, starts, q->count ? (size_t) q->count : 5);
    free(b);
    Lianxin__V1__SlotList out = LIANXIN__V1__SLOT_LIST__INIT;
    Lianxin__V1__Slot slots[SUGGEST_COUNT_MAX], *ptrs[SUGGEST_COUNT_MAX];
    char text[SUGGEST_COUNT_MAX][2][32];
    for (long i = 0; i < n; i++) {
        lianxin__v1__slot__init(&slots[i]);
        time_format(starts[i], text[i][0], 32);
        time_format(starts[i] + (int64_t) q->minutes * 60000000, text[i][1], 32);
        slots[i].starts_at = text[i][0];
        slots[i].ends_at = text[i][1];
        ptrs[i] = &slots[i];
    }
    out.n_slots = n > 0 ? (size_t) n : 0;
    out.slots = ptrs;
    return cmd_ok(res, 200, &out.base);
}
