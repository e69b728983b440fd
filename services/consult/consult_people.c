/* consult_people: see consult_people.h. Never logs personal data. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "consult_contacts.h"
#include "consult_people.h"
#include "consult_schedule.h"

/* The participant's own content. 0, or -1 with field errors. */
static int s_check(const Lianxin__V1__Participant *p, cmd_result_t *res)
{
    if (!p)
        return cmd_field_error(res, "participant", "required");
    if (!consult_in(p->role, consult_roles))
        return cmd_field_error(res, "participant.role", p->role && *p->role ? "unknown_value"
                                                                            : "required");
    int member = strcmp(p->role, "member") == 0, leader = strcmp(p->role, "leader") == 0;
    if (member && p->member_id <= 0)
        return cmd_field_error(res, "participant.member_id", "required");
    if (leader && p->leader_user_id <= 0)
        return cmd_field_error(res, "participant.leader_user_id", "required");
    if (!member && !leader && (!p->name || !textfmt_has_text(p->name)))
        return cmd_field_error(res, "participant.name", "required");
    if ((p->name && strlen(p->name) > CONSULT_NAME_MAX)
        || (p->organisation && strlen(p->organisation) > CONSULT_NAME_MAX)
        || (p->group && strlen(p->group) > CONSULT_NAME_MAX))
        return cmd_field_error(res, "participant.name", "too_long");
    if (strcmp(p->role, "topic_group") == 0 && (!p->group || !textfmt_has_text(p->group)))
        return cmd_field_error(res, "participant.group", "required");
    return 0;
}

static const char *const s_add_sql =
    "INSERT INTO consult.participants (district_code, consultation_id, seq, role, member_id,"
    " leader_user_id, name, organisation, grp, id, name_sealed, phone_sealed, phone_masked,"
    " email_sealed, email_masked)"
    " SELECT $1, $2::bigint, coalesce((SELECT max(seq) FROM consult.participants WHERE"
    "  district_code = $1 AND consultation_id = $2::bigint), 0) + 1, $3, $4::bigint, $5::bigint,"
    "  $6, $7, $8, coalesce($10::bigint, nextval('consult.participant_ids')), $11::bytea,"
    "  $12::bytea, $13, $14::bytea, $15"
    " WHERE ($4::bigint IS NULL OR EXISTS (SELECT 1 FROM core.members WHERE district_code = $1"
    "  AND id = $4::bigint AND active))"
    " AND ($5::bigint IS NULL OR EXISTS (SELECT 1 FROM auth.users WHERE district_code = $1"
    "  AND id = $5::bigint AND role = 'leader' AND NOT disabled))"
    " AND (SELECT count(*) FROM consult.participants WHERE district_code = $1"
    "  AND consultation_id = $2::bigint) < $9::int"
    " ON CONFLICT DO NOTHING RETURNING seq";

/* A contact's id, drawn first: its sealed values are bound to it. 0 or -1. */
static int s_contact_id(tx_t *tx, int64_t *id)
{
    PGresult *r = db_exec(tx_db(tx), "SELECT nextval('consult.participant_ids')", 0, NULL);
    int ok = r && PQntuples(r) == 1;
    *id = ok ? strtoll(PQgetvalue(r, 0, 0), NULL, 10) : 0;
    PQclear(r);
    return ok ? 0 : -1;
}

/* Inserts participant `p` (a contact sealed in `k`, NULL for a member or a
 * leader). 1 added, 0 refused (not found, already in, full), -1 SQL error. */
static int s_insert(tx_t *tx, const cmd_ctx_t *ctx, consultation_t *c,
                    const Lianxin__V1__Participant *p, int64_t id,
                    const consult_contact_sealed_t *k)
{
    char ids[24], m[24], l[24], max[16], pid[24];
    int member = strcmp(p->role, "member") == 0, leader = strcmp(p->role, "leader") == 0;
    snprintf(max, sizeof max, "%d", CONSULT_PARTICIPANTS_MAX);
    const char *q[15] = {ctx->cmd->district, db_num(ids, c->id), p->role,
                         member ? db_num(m, p->member_id) : NULL,
                         leader ? db_num(l, p->leader_user_id) : NULL,
                         k ? k->name_m : "", p->organisation ? p->organisation : "",
                         p->group ? p->group : "", max, k ? db_num(pid, id) : NULL,
                         k ? k->name : NULL, k ? k->phone : NULL, k ? k->phone_m : "",
                         k ? k->email : NULL, k ? k->email_m : ""};
    PGresult *r = db_exec(tx_db(tx), s_add_sql, 15, q);
    if (!r)
        return -1;
    int n = PQntuples(r);
    c->item = n ? atoi(PQgetvalue(r, 0, 0)) : 0;
    PQclear(r);
    return n;
}

int consult_people_add(tx_t *tx, const cmd_ctx_t *ctx, consultation_t *c,
                       const Lianxin__V1__ConsultationAction *a, cmd_result_t *res)
{
    const Lianxin__V1__Participant *p = a->participant;
    if (s_check(p, res) != 0 || consult_contacts_check(p, res) != 0)
        return -1;
    int member = strcmp(p->role, "member") == 0, leader = strcmp(p->role, "leader") == 0;
    sched_party_t extra = {.kind = member ? SCHED_MEMBER : SCHED_LEADER,
                           .who = member ? p->member_id : p->leader_user_id};
    if ((member || leader) && consult_schedule_check(tx, ctx->cmd->district, c, &extra, res))
        return -1;
    if (c->venue_id && consult_schedule_room(tx, ctx->cmd->district, c->venue_id, c->id, 1, res))
        return -1;
    consult_contact_sealed_t k;
    int64_t id = 0;
    int contact = !member && !leader;
    if (contact && s_contact_id(tx, &id) != 0)
        return cmd_db_fail(tx, res, "consult.add_participant");
    if (contact && consult_contacts_seal(ctx->app, ctx->cmd->district, id, p, &k) != 0)
        return cmd_fail(res, 500, "internal", "服务器内部错误");
    int n = s_insert(tx, ctx, c, p, id, contact ? &k : NULL);
    consult_contacts_wipe(&k);
    if (n < 0)
        return cmd_db_fail(tx, res, "consult.add_participant");
    c->invited_member = member ? p->member_id : 0;
    c->invited_leader = leader ? p->leader_user_id : 0;
    if (n)
        return 0;
    cmd_fail(res, 422, "unprocessable", "参加人员不存在、已在名单中或人数已满");
    return cmd_field_error(res, member ? "participant.member_id"
                                : leader ? "participant.leader_user_id" : "participant",
                           "not_accepted");
}

/* The caller's own participant row: "member_id = $3" or "leader_user_id = $3". */
static const char *s_me(const cmd_ctx_t *ctx, char buf[24])
{
    const Lianxin__V1__Actor *a = ctx->cmd->actor;
    return db_num(buf, strcmp(a->role, "member") == 0 ? a->member_id : a->user_id);
}

#define ME_SQL " AND CASE WHEN $4 = 'member' THEN member_id = $3::bigint" \
               " ELSE leader_user_id = $3::bigint END"

/* The row an answer is for: the caller's own (a member, a leader), or for
 * the office contact $7 (a participant who is no user and cannot answer). */
#define ANSWER_SQL " AND CASE WHEN $4 IN ('office', 'admin') THEN seq = $7::int"          \
                   " AND member_id IS NULL AND leader_user_id IS NULL"                   \
                   " WHEN $4 = 'member' THEN member_id = $3::bigint"                    \
                   " ELSE leader_user_id = $3::bigint END"

int consult_people_answer(tx_t *tx, const cmd_ctx_t *ctx, consultation_t *c,
                          const Lianxin__V1__ConsultationAction *a, cmd_result_t *res)
{
    char ids[24], me[24], seq[16];
    const char *role = ctx->cmd->actor->role;
    int office = strcmp(role, "office") == 0 || strcmp(role, "admin") == 0;
    if (!a->accept && (!a->reason || !textfmt_has_text(a->reason)))
        return cmd_field_error(res, "reason", "required");
    if (a->reason && strlen(a->reason) > CONSULT_REASON_MAX)
        return cmd_field_error(res, "reason", "too_long");
    if (office && a->seq <= 0)
        return cmd_field_error(res, "seq", "required");
    snprintf(seq, sizeof seq, "%d", a->seq);
    const char *q[7] = {ctx->cmd->district, db_num(ids, c->id), s_me(ctx, me), role,
                        a->accept ? "accepted" : "declined", a->accept ? NULL : a->reason, seq};
    PGresult *r = db_exec(tx_db(tx), "UPDATE consult.participants SET invitation = $5,"
                                     " decline_reason = $6 WHERE district_code = $1"
                                     " AND consultation_id = $2::bigint" ANSWER_SQL
                                     " RETURNING seq", 7, q);
    if (!r)
        return cmd_db_fail(tx, res, "consult.answer");
    int n = PQntuples(r);
    c->item = n ? atoi(PQgetvalue(r, 0, 0)) : 0;
    PQclear(r);
    if (n)
        return 0;
    if (!office)
        return cmd_fail(res, 403, "forbidden", "您不在这次协商的邀请名单中");
    cmd_fail(res, 422, "unprocessable", "没有这位联系人：委员和领导自己答复邀请");
    return cmd_field_error(res, "seq", "not_a_contact");
}

int consult_people_opinion(tx_t *tx, const cmd_ctx_t *ctx, consultation_t *c,
                           const Lianxin__V1__ConsultationAction *a, cmd_result_t *res)
{
    char ids[24], me[24], by[24];
    if (strcmp(c->form, "online") != 0 && strcmp(c->form, "written") != 0)
        return consult_refuse(res, "form", "not_online", "只有网络协商和书面协商收集书面意见");
    /* online: only within the window opened when it was held */
    if (!a->text || !textfmt_has_text(a->text))
        return cmd_field_error(res, "text", "required");
    if (strlen(a->text) > CONSULT_TEXT_MAX)
        return cmd_field_error(res, "text", "too_long");
    const char *q[6] = {ctx->cmd->district, db_num(ids, c->id), s_me(ctx, me),
                        ctx->cmd->actor->role, a->text, db_num(by, ctx->cmd->actor->user_id)};
    PGresult *r = db_exec(tx_db(tx),
        "INSERT INTO consult.opinions SELECT $1, $2::bigint, coalesce((SELECT max(seq) FROM"
        " consult.opinions WHERE district_code = $1 AND consultation_id = $2::bigint), 0) + 1,"
        " $6::bigint, $5, core.clock_now() WHERE EXISTS (SELECT 1 FROM consult.participants"
        "  WHERE district_code = $1 AND consultation_id = $2::bigint" ME_SQL ")"
        " AND (SELECT opinion_until IS NULL OR opinion_until > core.clock_now() FROM"
        "  consult.consultations WHERE district_code = $1 AND id = $2::bigint) RETURNING seq",
        6, q);
    if (!r)
        return cmd_db_fail(tx, res, "consult.opinion");
    int n = PQntuples(r);
    c->item = n ? atoi(PQgetvalue(r, 0, 0)) : 0;
    PQclear(r);
    return n ? 0 : cmd_fail(res, 403, "forbidden", "您不是参加人员，或意见征集已截止");
}

int consult_people_mark(tx_t *tx, const cmd_ctx_t *ctx, consultation_t *c, int64_t member_id,
                        const char *status, const char *action, cmd_result_t *res)
{
    char ids[24], m[24];
    const char *q[4] = {ctx->cmd->district, db_num(ids, c->id), db_num(m, member_id), status};
    PGresult *r = db_exec(tx_db(tx),
        "UPDATE consult.participants p SET attendance = $4 FROM consult.consultations c"
        " WHERE p.district_code = $1 AND p.consultation_id = $2::bigint"
        " AND p.member_id = $3::bigint AND c.district_code = $1 AND c.id = $2::bigint"
        " RETURNING p.seq, coalesce(to_char(c.starts_at AT TIME ZONE 'Asia/Shanghai',"
        " 'YYYY-MM-DD'), to_char(core.clock_now() AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD')),"
        " c.title, c.form, c.series", 4, q);
    if (!r)
        return cmd_db_fail(tx, res, "consult.attend");
    if (PQntuples(r) != 1) {
        PQclear(r);
        cmd_fail(res, 422, "unprocessable", "该委员不在参加人员名单中");
        return cmd_field_error(res, "member_id", "not_a_participant");
    }
    Lianxin__V1__ConsultationAttendance ev = LIANXIN__V1__CONSULTATION_ATTENDANCE__INIT;
    ev.consultation_id = c->id;
    ev.member_id = member_id;
    ev.status = (char *) status;
    ev.date = PQgetvalue(r, 0, 1);
    ev.title = PQgetvalue(r, 0, 2);
    ev.form = PQgetvalue(r, 0, 3);
    ev.series = PQgetvalue(r, 0, 4);
    c->item = atoi(PQgetvalue(r, 0, 0));
    int rc = cmd_record(tx, ctx, res, "consultation.attended", &ev.base, action,
                        "consultation", c->id);
    PQclear(r);
    return rc;
}

int consult_people_attend(tx_t *tx, const cmd_ctx_t *ctx, consultation_t *c,
                          const Lianxin__V1__ConsultationAction *a, cmd_result_t *res)
{
    if (!consult_in(a->status, consult_attendance))
        return cmd_field_error(res, "status", a->status && *a->status ? "unknown_value"
                                                                      : "required");
    return consult_people_mark(tx, ctx, c, a->member_id, a->status, "consultation.attend", res);
}

int consult_people_outcome(tx_t *tx, const cmd_ctx_t *ctx, consultation_t *c,
                           const Lianxin__V1__ConsultationAction *a, cmd_result_t *res)
{
    char ids[24], u[24], ans[11], cls[11];
    calendar_day_t today = consult_today(tx), answer, close;
    if (!a->title || !textfmt_has_text(a->title))
        return cmd_field_error(res, "title", "required");
    if (strlen(a->title) > CONSULT_TITLE_MAX || (a->leader && strlen(a->leader) > CONSULT_NAME_MAX))
        return cmd_field_error(res, strlen(a->title) > CONSULT_TITLE_MAX ? "title" : "leader",
                               "too_long");
    if (a->unit_id <= 0)
        return cmd_field_error(res, "unit_id", "required");
    if (consult_outcome_dues(today, &answer, &close) != 0)
        return cmd_fail(res, 500, "internal", "服务器内部错误");
    calendar_day_format(answer, ans, sizeof ans);
    calendar_day_format(close, cls, sizeof cls);
    const char *q[7] = {ctx->cmd->district, db_num(ids, c->id), a->title, db_num(u, a->unit_id),
                        a->leader ? a->leader : "", ans, cls};
    PGresult *r = db_exec(tx_db(tx),
        "INSERT INTO consult.outcomes SELECT $1, nextval('consult.outcome_ids'), $2::bigint, $3,"
        " $4::bigint, $5, (core.clock_now() AT TIME ZONE 'Asia/Shanghai')::date, $6::date,"
        " $7::date WHERE EXISTS (SELECT 1 FROM core.units WHERE district_code = $1"
        " AND id = $4::bigint) RETURNING id, (SELECT title FROM consult.consultations"
        " WHERE district_code = $1 AND id = $2::bigint)", 7, q);
    if (!r)
        return cmd_db_fail(tx, res, "consult.outcome");
    if (PQntuples(r) != 1) {
        PQclear(r);
        cmd_fail(res, 422, "unprocessable", "没有这个单位");
        return cmd_field_error(res, "unit_id", "not_found");
    }
    Lianxin__V1__OutcomeAssigned ev = LIANXIN__V1__OUTCOME_ASSIGNED__INIT;
    ev.consultation_id = c->id;
    ev.outcome_id = c->item = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
    ev.title = a->title;
    ev.consultation_title = PQgetvalue(r, 0, 1);
    ev.unit_id = a->unit_id;
    ev.answer_due = ans;
    ev.close_due = cls;
    ev.leader = a->leader ? a->leader : "";
    int rc = cmd_record(tx, ctx, res, "consultation.outcome_assigned", &ev.base,
                        "consultation.outcome", "consultation", c->id);
    PQclear(r);
    return rc;
}
