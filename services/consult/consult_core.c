/* consult_core: the loaded consultation, the gate, one recorded change and
 * the reply (see consult_int.h). Never logs personal data. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "consult_int.h"
#include "timeutil.h"

#define EPOCH_US(col) "coalesce((extract(epoch FROM " col ") * 1000000)::bigint, 0)"

int consult_load(tx_t *tx, const char *district, int64_t id, consultation_t *c,
                 cmd_result_t *res)
{
    char ids[24];
    const char *q[2] = {district, db_num(ids, id)};
    PGresult *r = db_exec(tx_db(tx),
        "SELECT state, form, series, coalesce(workroom_id, 0), coalesce(venue_id, 0), "
        EPOCH_US("starts_at") ", " EPOCH_US("ends_at") " FROM consult.consultations"
        " WHERE district_code = $1 AND id = $2::bigint FOR UPDATE", 2, q);
    if (!r)
        return cmd_db_fail(tx, res, "consult.load");
    int found = PQntuples(r) == 1;
    if (found) {
        memset(c, 0, sizeof *c);
        c->id = id;
        snprintf(c->state, sizeof c->state, "%s", PQgetvalue(r, 0, 0));
        c->st = (consult_state_t) fsm_state_from_name(&consult_fsm, c->state);
        snprintf(c->form, sizeof c->form, "%s", PQgetvalue(r, 0, 1));
        snprintf(c->series, sizeof c->series, "%s", PQgetvalue(r, 0, 2));
        c->workroom_id = strtoll(PQgetvalue(r, 0, 3), NULL, 10);
        c->venue_id = strtoll(PQgetvalue(r, 0, 4), NULL, 10);
        c->start_us = strtoll(PQgetvalue(r, 0, 5), NULL, 10);
        c->end_us = strtoll(PQgetvalue(r, 0, 6), NULL, 10);
    }
    PQclear(r);
    return found ? 0 : cmd_fail(res, 404, "not_found", "没有这次协商");
}

int consult_begin(tx_t *tx, const cmd_ctx_t *ctx, consult_event_t ev, consultation_t *c,
                  cmd_result_t *res)
{
    int64_t id;
    if (cmd_object_id(ctx, &id) != 0)
        return cmd_fail(res, 404, "not_found", "没有这次协商");
    if (consult_load(tx, ctx->cmd->district, id, c, res) != 0)
        return -1;
    consult_subject_t subj = {.meeting = strcmp(c->form, "meeting") == 0};
    return cmd_fsm_gate(&consult_fsm, c->st, 0, (int) ev, ctx, &subj, res);
}

/* The state, then the event's data read back. */
static const char *const s_sql =
    "WITH u AS (UPDATE consult.consultations SET state = $3, updated_at = core.clock_now()"
    "  WHERE district_code = $1 AND id = $2::bigint RETURNING 1)"
    " SELECT c.title, c.form, c.series, coalesce(c.workroom_id, 0), coalesce(c.venue_id, 0),"
    "  coalesce(to_char(c.starts_at AT TIME ZONE 'Asia/Shanghai',"
    "   'YYYY-MM-DD\"T\"HH24:MI:SS+08:00'), ''),"
    "  coalesce(to_char(c.ends_at AT TIME ZONE 'Asia/Shanghai',"
    "   'YYYY-MM-DD\"T\"HH24:MI:SS+08:00'), ''),"
    "  ARRAY(SELECT p.member_id FROM consult.participants p WHERE p.district_code ="
    "   c.district_code AND p.consultation_id = c.id AND p.member_id IS NOT NULL ORDER BY p.seq),"
    "  coalesce(c.source_issue_id, 0), (SELECT count(*) FROM u)"
    " FROM consult.consultations c WHERE c.district_code = $1 AND c.id = $2::bigint";

int consult_record(tx_t *tx, const char *district, const Lianxin__V1__Actor *actor,
                   consultation_t *c, int to, const char *name, const char *type,
                   cmd_result_t *res)
{
    char ids[24], action[64];
    int64_t members[CONSULT_PARTICIPANTS_MAX];
    const char *to_name = fsm_state_name(&consult_fsm, to == FSM_SAME ? (int) c->st : to);
    const char *q[3] = {district, db_num(ids, c->id), to_name};
    PGresult *r = db_exec(tx_db(tx), s_sql, 3, q);
    if (!r || PQntuples(r) != 1) {
        PQclear(r);
        return cmd_db_fail(tx, res, "consult.record");
    }
    snprintf(c->state, sizeof c->state, "%s", to_name);
    c->st = (consult_state_t) fsm_state_from_name(&consult_fsm, to_name);
    Lianxin__V1__ConsultationChanged m = LIANXIN__V1__CONSULTATION_CHANGED__INIT;
    m.consultation_id = c->id;
    m.event = (char *) name;
    m.state = c->state;
    m.step = (char *) consult_step_zh(c->st);
    m.form = PQgetvalue(r, 0, 1);
    m.series = PQgetvalue(r, 0, 2);
    m.title = PQgetvalue(r, 0, 0);
    m.workroom_id = strtoll(PQgetvalue(r, 0, 3), NULL, 10);
    m.venue_id = strtoll(PQgetvalue(r, 0, 4), NULL, 10);
    m.starts_at = PQgetvalue(r, 0, 5);
    m.ends_at = PQgetvalue(r, 0, 6);
    m.member_ids = members;
    m.n_member_ids = db_parse_ids(PQgetvalue(r, 0, 7), members, CONSULT_PARTICIPANTS_MAX);
    m.source_issue_id = strtoll(PQgetvalue(r, 0, 8), NULL, 10);
    m.invited_member_id = c->invited_member;
    m.invited_leader_user_id = c->invited_leader;
    m.item = (int32_t) c->item;
    snprintf(action, sizeof action, "consultation.%s", name);
    size_t len = protobuf_c_message_get_packed_size(&m.base);
    uint8_t *buf = malloc(len ? len : 1);
    int rc = buf ? 0 : -1;
    if (buf) {
        protobuf_c_message_pack(&m.base, buf);
        rc = (type && tx_event(tx, district, type, actor, &m.base) != 0)
             || tx_audit(tx, district, actor, action, "consultation", ids, buf, len) != 0;
    }
    free(buf);
    PQclear(r);
    return rc ? cmd_fail(res, 500, "internal", "服务器内部错误") : 0;
}

int consult_reply(const consultation_t *c, int status, cmd_result_t *res)
{
    Lianxin__V1__ConsultationRef out = LIANXIN__V1__CONSULTATION_REF__INIT;
    out.id = c->id;
    out.state = (char *) c->state;
    out.step = (char *) consult_step_zh(c->st);
    out.item = c->item;
    return cmd_ok(res, status, &out.base);
}

int consult_refuse(cmd_result_t *res, const char *field, const char *code, const char *message)
{
    cmd_fail(res, 409, "conflict", message);
    return cmd_field_error(res, field, code);
}
