/* activities: activities, attendance, check-in and the office's correction
 * (see activities.h). Never logs a token or personal data. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "activities.h"
#include "calendar.h"
#include "checkin_gate.h"
#include "groups.h"
#include "supervise.pb-c.h"
#include "supervise_app.h"
#include "timeutil.h"

static const char *const s_kinds[] = {"inspection", "unannounced", "hearing", "research", NULL};
static const char *const s_status[] = {"present", "absent", "leave", NULL};

/* ---- recording an activity ---------------------------------------------------------------- */

static int s_scheduled(const Lianxin__V1__ActivityDraft *a)
{
    return (a->starts_at && *a->starts_at) || (a->ends_at && *a->ends_at);
}

/* A scheduled activity's times: both, in order, at most a day apart; the
 * date (when given) is the start's. */
static int s_times_check(const Lianxin__V1__ActivityDraft *a, cmd_result_t *res)
{
    int64_t s = 0, e = 0;
    char day[11];
    if (!a->starts_at || time_parse(a->starts_at, &s) != 0)
        return cmd_field_error(res, "starts_at", *a->starts_at ? "invalid" : "required");
    if (!a->ends_at || time_parse(a->ends_at, &e) != 0)
        return cmd_field_error(res, "ends_at", *a->ends_at ? "invalid" : "required");
    if (e <= s || e - s > ACTIVITY_SPAN_MAX_US)
        return cmd_field_error(res, "ends_at", "out_of_range");
    calendar_day_format(calendar_day_of_us(s), day, sizeof day);
    if (*a->date && strcmp(a->date, day) != 0)
        return cmd_field_error(res, "date", "mismatch");
    return 0;
}

int activities_record_validate(const cmd_ctx_t *ctx, cmd_result_t *res)
{
    const Lianxin__V1__ActivityDraft *a = (const Lianxin__V1__ActivityDraft *) ctx->req;
    calendar_day_t d;
    int sched = s_scheduled(a);
    int rc = groups_text_check(a->title, "title", GROUP_TITLE_MAX, res);
    char field[48];
    if (!groups_in(a->kind, s_kinds))
        rc = cmd_field_error(res, "kind", *a->kind ? "unknown_value" : "required");
    if (sched && s_times_check(a, res) != 0)
        rc = -1;
    if (!sched && calendar_day_parse(a->date, &d) != 0)
        rc = cmd_field_error(res, "date", *a->date ? "invalid" : "required");
    if ((a->n_attendance == 0 && !sched) || a->n_attendance > GROUP_MEMBERS_MAX)
        rc = cmd_field_error(res, "attendance", a->n_attendance ? "too_long" : "required");
    for (size_t i = 0; i < a->n_attendance && i < GROUP_MEMBERS_MAX; i++)
        if (!groups_in(a->attendance[i]->status, s_status)) {
            snprintf(field, sizeof field, "attendance[%zu].status", i);
            rc = cmd_field_error(res, field, "unknown_value");
        }
    return rc;
}

/* supervision.attended for each attendance row of activity `id`. */
static int s_attended(tx_t *tx, const cmd_ctx_t *ctx, int64_t id, int64_t group,
                      const Lianxin__V1__ActivityDraft *a, const char *date)
{
    for (size_t i = 0; i < a->n_attendance; i++) {
        Lianxin__V1__SupervisionAttendance m = LIANXIN__V1__SUPERVISION_ATTENDANCE__INIT;
        m.activity_id = id;
        m.group_id = group;
        m.member_id = a->attendance[i]->member_id;
        m.status = a->attendance[i]->status;
        m.date = (char *) date;
        m.kind = a->kind;
        m.title = a->title;
        if (tx_event(tx, ctx->cmd->district, "supervision.attended", ctx->cmd->actor, &m.base)
            != 0)
            return -1;
    }
    return 0;
}

/* The attendance as two array parameters: members "{1,2}" and statuses
 * "{present,leave}" (malloc'd, both NULL on failure). */
static void s_arrays(const Lianxin__V1__ActivityDraft *a, char **mem, char **sts)
{
    int64_t ids[GROUP_MEMBERS_MAX];
    size_t len = 3;
    for (size_t i = 0; i < a->n_attendance; i++) {
        ids[i] = a->attendance[i]->member_id;
        len += strlen(a->attendance[i]->status) + 1;
    }
    *mem = db_ids_text(ids, a->n_attendance);
    *sts = *mem ? malloc(len) : NULL;
    if (!*sts) {
        free(*mem);
        *mem = NULL;
        return;
    }
    strcpy(*sts, "{");
    for (size_t i = 0; i < a->n_attendance; i++)
        strcat(strcat(*sts, i ? "," : ""), a->attendance[i]->status);
    strcat(*sts, "}");
}

/* The activity and its attendance, when the group is the district's and
 * every member named is in it, once: the new id (0: someone not in the
 * group), *found whether the group exists. NULL result: db error. */
static PGresult *s_insert(tx_t *tx, const cmd_ctx_t *ctx, int64_t group, const char *date,
                          const Lianxin__V1__ActivityDraft *a, const char *mem, const char *sts)
{
    char gid[24];
    int sched = s_scheduled(a);
    const char *q[9] = {ctx->cmd->district, db_num(gid, group), a->kind, date, a->title, mem,
                        sts, sched ? a->starts_at : NULL, sched ? a->ends_at : NULL};
    return db_exec(tx_db(tx),
        "WITH ok AS (SELECT 1 WHERE EXISTS (SELECT 1 FROM supervise.groups g WHERE"
        "  g.district_code = $1 AND g.id = $2::bigint) AND NOT EXISTS (SELECT 1 FROM"
        "  unnest($6::bigint[]) x WHERE NOT EXISTS (SELECT 1 FROM supervise.group_members m"
        "  WHERE m.district_code = $1 AND m.group_id = $2::bigint AND m.member_id = x))"
        "  AND cardinality($6::bigint[]) = cardinality(ARRAY(SELECT DISTINCT"
        "  unnest($6::bigint[])))),"
        " a AS (INSERT INTO supervise.activities (district_code, id, group_id, kind, held_on,"
        "  title, recorded_at, starts_at, ends_at) SELECT $1, nextval('supervise.activity_ids'),"
        "  $2::bigint, $3, $4::date, $5, core.clock_now(), $8::timestamptz, $9::timestamptz"
        "  FROM ok RETURNING id),"
        " t AS (INSERT INTO supervise.attendance (district_code, activity_id, member_id, status)"
        "  SELECT $1, a.id, x.m, x.s FROM a, unnest($6::bigint[], $7::text[]) x(m, s)"
        "  RETURNING 1)"
        " SELECT coalesce((SELECT id FROM a), 0), (SELECT count(*) FROM t), (SELECT count(*)"
        "  FROM supervise.groups g WHERE g.district_code = $1 AND g.id = $2::bigint)", 9, q);
}

/* The activity's day: the date given, else the start's (UTC+8). A day
 * ahead is refused unless the activity is scheduled. 0 or -1 (answered). */
static int s_date(tx_t *tx, const Lianxin__V1__ActivityDraft *a, char date[11],
                  cmd_result_t *res)
{
    char today[11];
    int64_t s = 0;
    if (!s_scheduled(a)) {
        snprintf(date, 11, "%s", a->date);
        calendar_day_format(calendar_day_of_us(tx_now_us(tx)), today, sizeof today);
        return strcmp(date, today) > 0 ? cmd_field_error(res, "date", "out_of_range") : 0;
    }
    time_parse(a->starts_at, &s);
    calendar_day_format(calendar_day_of_us(s), date, 11);
    return 0;
}

int activities_record_execute(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res)
{
    const Lianxin__V1__ActivityDraft *a = (const Lianxin__V1__ActivityDraft *) ctx->req;
    int64_t group;
    char date[11], *mem, *sts;
    if (cmd_object_id(ctx, &group) != 0)
        return cmd_fail(res, 404, "not_found", "no such group");
    if (s_date(tx, a, date, res) != 0)
        return -1;
    s_arrays(a, &mem, &sts);
    PGresult *r = mem ? s_insert(tx, ctx, group, date, a, mem, sts) : NULL;
    free(mem);
    free(sts);
    if (!r)
        return cmd_db_fail(tx, res, "activity.record");
    int64_t id = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
    int group_found = atoi(PQgetvalue(r, 0, 2)) == 1;
    PQclear(r);
    if (!group_found)
        return cmd_fail(res, 404, "not_found", "no such group");
    if (id == 0)
        return cmd_fail(res, 422, "not_a_member", "attendance names someone not in the group,"
                                                  " or twice");
    Lianxin__V1__SupervisionRef ref = LIANXIN__V1__SUPERVISION_REF__INIT;
    ref.id = id;
    ref.state = "recorded";
    if (s_attended(tx, ctx, id, group, a, date) != 0
        || cmd_record(tx, ctx, res, NULL, &ref.base, "activity.recorded", "activity", id) != 0)
        return cmd_fail(res, 500, "internal", "activity event");
    return groups_reply(res, 201, id, "recorded", NULL, 0);
}

/* ---- check-in and the office's correction ------------------------------------------------ */

typedef struct activity {
    int64_t id, group, starts_us, ends_us;
    int in_group;                   /* the member asked about is in the group */
    char kind[16], date[11], title[GROUP_TITLE_MAX + 8];
} activity_t;

/* Activity `id` of the district, and whether `member` is in its group.
 * 0, or -1 answered (404, or the db error). */
static int s_load(tx_t *tx, const cmd_ctx_t *ctx, int64_t id, int64_t member, activity_t *out,
                  cmd_result_t *res)
{
    char ids[24], m[24];
    const char *q[3] = {ctx->cmd->district, db_num(ids, id), db_num(m, member)};
    PGresult *r = db_exec(tx_db(tx),
        "SELECT a.group_id, a.kind, a.held_on::text, a.title,"
        " coalesce((extract(epoch FROM a.starts_at) * 1000000)::bigint, 0),"
        " coalesce((extract(epoch FROM a.ends_at) * 1000000)::bigint, 0),"
        " EXISTS (SELECT 1 FROM supervise.group_members g WHERE g.district_code ="
        "  a.district_code AND g.group_id = a.group_id AND g.member_id = $3::bigint)"
        " FROM supervise.activities a WHERE a.district_code = $1 AND a.id = $2::bigint", 3, q);
    if (!r)
        return cmd_db_fail(tx, res, "activity.load");
    int found = PQntuples(r) == 1;
    if (found) {
        out->id = id;
        out->group = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
        snprintf(out->kind, sizeof out->kind, "%s", PQgetvalue(r, 0, 1));
        snprintf(out->date, sizeof out->date, "%s", PQgetvalue(r, 0, 2));
        snprintf(out->title, sizeof out->title, "%s", PQgetvalue(r, 0, 3));
        out->starts_us = strtoll(PQgetvalue(r, 0, 4), NULL, 10);
        out->ends_us = strtoll(PQgetvalue(r, 0, 5), NULL, 10);
        out->in_group = PQgetvalue(r, 0, 6)[0] == 't';
    }
    PQclear(r);
    return found ? 0 : cmd_fail(res, 404, "not_found", "没有找到该监督活动");
}

/* Member `member`'s attendance set to `status` (a check-in stamps its
 * time), published as supervision.attended with the audit row `action`,
 * answered with ActivityAttendance. 0 or -1. */
static int s_mark(tx_t *tx, const cmd_ctx_t *ctx, const activity_t *a, int64_t member,
                  const char *status, const char *action, cmd_result_t *res)
{
    char ids[24], m[24];
    const char *q[5] = {ctx->cmd->district, db_num(ids, a->id), db_num(m, member), status,
                        strcmp(action, "activity.checkin") == 0 ? "t" : "f"};
    if (db_run(tx_db(tx), "INSERT INTO supervise.attendance (district_code, activity_id,"
                          " member_id, status, checked_in_at) VALUES ($1, $2::bigint,"
                          " $3::bigint, $4, CASE WHEN $5::boolean THEN core.clock_now() END)"
                          " ON CONFLICT (district_code, activity_id, member_id) DO UPDATE SET"
                          " status = EXCLUDED.status, checked_in_at = coalesce("
                          "EXCLUDED.checked_in_at, supervise.attendance.checked_in_at)", 5, q)
        != 0)
        return cmd_db_fail(tx, res, "activity.attend");
    Lianxin__V1__SupervisionAttendance ev = LIANXIN__V1__SUPERVISION_ATTENDANCE__INIT;
    ev.activity_id = a->id;
    ev.group_id = a->group;
    ev.member_id = member;
    ev.status = (char *) status;
    ev.date = (char *) a->date;
    ev.kind = (char *) a->kind;
    ev.title = (char *) a->title;
    if (cmd_record(tx, ctx, res, "supervision.attended", &ev.base, action, "activity", a->id)
        != 0)
        return -1;
    Lianxin__V1__ActivityAttendance reply = LIANXIN__V1__ACTIVITY_ATTENDANCE__INIT;
    reply.activity_id = a->id;
    reply.member_id = member;
    reply.status = (char *) status;
    return cmd_ok(res, 200, &reply.base);
}

int activities_code_execute(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res)
{
    const supervise_app_t *app = ctx->app;
    activity_t a;
    int64_t id;
    checkin_link_t link;
    char scope[CHECKIN_SCOPE_MAX];
    if (cmd_object_id(ctx, &id) != 0 || s_load(tx, ctx, id, 0, &a, res) != 0)
        return res->status ? -1 : cmd_fail(res, 404, "not_found", "没有找到该监督活动");
    if (a.ends_us <= 0) {
        cmd_fail(res, 409, "conflict", "尚未安排活动时间");
        return cmd_field_error(res, "starts_at", "required");
    }
    if (tx_now_us(tx) > a.ends_us) {
        cmd_fail(res, 409, "conflict", "活动已结束");
        return cmd_field_error(res, "ends_at", "past");
    }
    checkin_gate_scope(ctx->cmd->district, "activity", scope);
    if (checkin_gate_link(&app->checkin, scope, a.id, a.ends_us, "activity-checkin",
                          &link) != 0) {
        checkin_gate_link_clear(&link);
        return cmd_fail(res, 500, "internal", "签到码生成失败");
    }
    Lianxin__V1__ActivityCheckinCode code = LIANXIN__V1__ACTIVITY_CHECKIN_CODE__INIT;
    code.activity_id = a.id;
    code.token = link.token;
    code.url = link.url;
    code.expires_at = link.expires_at;
    code.svg = link.svg;
    int rc = cmd_record(tx, ctx, res, NULL, &code.base, "activity.checkin_code", "activity",
                        a.id);
    if (rc == 0)
        rc = cmd_ok(res, 200, &code.base);
    checkin_gate_link_clear(&link);
    return rc;
}

int activities_checkin_execute(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res)
{
    const Lianxin__V1__ActivityAttendance *c = (const Lianxin__V1__ActivityAttendance *) ctx->req;
    const supervise_app_t *app = ctx->app;
    int64_t id, signed_id = 0, now = tx_now_us(tx), member = ctx->cmd->actor->member_id;
    activity_t a;
    char scope[CHECKIN_SCOPE_MAX];
    if (cmd_object_id(ctx, &id) != 0)
        return cmd_fail(res, 404, "not_found", "没有找到该监督活动");
    checkin_gate_scope(ctx->cmd->district, "activity", scope);
    if (checkin_gate_token(&app->checkin, scope, c->token, now, &signed_id, res) != 0)
        return -1;
    if (signed_id != id) {
        cmd_fail(res, 409, "checkin_refused", "签到码不属于本次活动");
        return cmd_field_error(res, "token", "another_activity");
    }
    if (s_load(tx, ctx, id, member, &a, res) != 0
        || checkin_gate_window(&app->checkin, now, a.starts_us, a.ends_us, res) != 0)
        return -1;
    if (!a.in_group) {
        cmd_fail(res, 422, "unprocessable", "您不是该监督小组的成员");
        return cmd_field_error(res, "member_id", "not_a_member");
    }
    return s_mark(tx, ctx, &a, member, "present", "activity.checkin", res);
}

int activities_attend_validate(const cmd_ctx_t *ctx, cmd_result_t *res)
{
    const Lianxin__V1__ActivityAttendance *c = (const Lianxin__V1__ActivityAttendance *) ctx->req;
    int rc = 0;
    if (c->member_id <= 0)
        rc = cmd_field_error(res, "member_id", "required");
    if (!groups_in(c->status, s_status))
        rc = cmd_field_error(res, "status", *c->status ? "unknown_value" : "required");
    return rc;
}

int activities_attend_execute(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res)
{
    const Lianxin__V1__ActivityAttendance *c = (const Lianxin__V1__ActivityAttendance *) ctx->req;
    activity_t a;
    int64_t id;
    if (cmd_object_id(ctx, &id) != 0)
        return cmd_fail(res, 404, "not_found", "没有找到该监督活动");
    if (s_load(tx, ctx, id, c->member_id, &a, res) != 0)
        return -1;
    if (!a.in_group) {
        cmd_fail(res, 422, "unprocessable", "该委员不是该监督小组的成员");
        return cmd_field_error(res, "member_id", "not_a_member");
    }
    return s_mark(tx, ctx, &a, c->member_id, c->status, "activity.attend", res);
}
