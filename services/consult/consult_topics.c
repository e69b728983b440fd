/* consult_topics: see consult_topics.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "consult_int.h"
#include "consult_topics.h"

/* The proposer from the actor and the draft: 0, or -1 with res set. */
static int s_proposer(const cmd_ctx_t *ctx, const Lianxin__V1__TopicDraft *d, const char **kind,
                      int64_t *member, int64_t *ref, cmd_result_t *res)
{
    const Lianxin__V1__Actor *a = ctx->cmd->actor;
    *member = *ref = 0;
    if (strcmp(a->role, "member") == 0) {
        *kind = "member";
        *member = a->member_id;
        return 0;
    }
    if (strcmp(a->role, "unit") == 0) {
        *kind = "unit";
        *ref = a->unit_id;
        return 0;
    }
    *kind = d->proposer_kind && *d->proposer_kind ? d->proposer_kind : "party_committee";
    if (!consult_in(*kind, consult_proposer_kinds) || strcmp(*kind, "member") == 0)
        return cmd_field_error(res, "proposer_kind", "unknown_value");
    *ref = strcmp(*kind, "workroom") == 0 ? d->workroom_id
           : strcmp(*kind, "unit") == 0   ? d->unit_id : 0;
    if (strcmp(*kind, "party_committee") != 0 && *ref <= 0)
        return cmd_field_error(res, strcmp(*kind, "unit") == 0 ? "unit_id" : "workroom_id",
                               "required");
    return 0;
}

static int s_check(const Lianxin__V1__TopicDraft *d, cmd_result_t *res)
{
    int bad = 0;
    if (!d->title || !textfmt_has_text(d->title))
        bad = cmd_field_error(res, "title", "required");
    else if (strlen(d->title) > CONSULT_TITLE_MAX)
        bad = cmd_field_error(res, "title", "too_long");
    if (d->description && strlen(d->description) > CONSULT_TEXT_MAX)
        bad = cmd_field_error(res, "description", "too_long");
    if (d->year != 0 && (d->year < 2000 || d->year > 2100))
        bad = cmd_field_error(res, "year", "out_of_range");
    return bad;
}

static void s_event(Lianxin__V1__TopicChanged *m, PGresult *r, const char *event)
{
    m->topic_id = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
    m->event = (char *) event;
    m->state = PQgetvalue(r, 0, 1);
    m->title = PQgetvalue(r, 0, 2);
    m->proposer_member_id = strtoll(PQgetvalue(r, 0, 3), NULL, 10);
    m->kind = PQgetvalue(r, 0, 4);
    m->refuse_kind = PQgetvalue(r, 0, 5);
    m->reason = PQgetvalue(r, 0, 6);
    m->year = atoi(PQgetvalue(r, 0, 7));
}

#define RETURNING " RETURNING id, state, title, coalesce(proposer_member_id, 0)," \
                  " coalesce(kind, ''), coalesce(refuse_kind, ''), coalesce(refuse_reason, ''), year"

static int s_done(tx_t *tx, const cmd_ctx_t *ctx, PGresult *r, const char *event,
                  const char *type, int status, cmd_result_t *res)
{
    Lianxin__V1__TopicChanged m = LIANXIN__V1__TOPIC_CHANGED__INIT;
    Lianxin__V1__TopicRef out = LIANXIN__V1__TOPIC_REF__INIT;
    char action[48];
    s_event(&m, r, event);
    snprintf(action, sizeof action, "topic.%s", event);
    out.id = m.topic_id;
    out.state = m.state;
    int rc = cmd_record(tx, ctx, res, type, &m.base, action, "topic", m.topic_id) != 0
             || cmd_ok(res, status, &out.base) != 0 ? -1 : 0;
    PQclear(r);
    return rc;
}

int consult_topics_create(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res)
{
    const Lianxin__V1__TopicDraft *d = (const Lianxin__V1__TopicDraft *) ctx->req;
    const char *kind;
    int64_t member, ref;
    char mem[24], rf[24], by[24], year[8];
    if (s_check(d, res) != 0 || s_proposer(ctx, d, &kind, &member, &ref, res) != 0)
        return -1;
    int y;
    calendar_day_to_ymd(consult_today(tx), &y, NULL, NULL);
    snprintf(year, sizeof year, "%d", d->year ? d->year : y);
    const char *q[8] = {ctx->cmd->district, year, d->title, d->description ? d->description : "",
                        kind, member ? db_num(mem, member) : NULL, ref ? db_num(rf, ref) : NULL,
                        db_num(by, ctx->cmd->actor->user_id)};
    PGresult *r = db_exec(tx_db(tx),
        "INSERT INTO consult.topics (district_code, id, year, title, description, proposer_kind,"
        " proposer_member_id, proposer_ref, created_by, created_at, updated_at)"
        " SELECT $1, nextval('consult.topic_ids'), $2::int, $3, $4, $5, $6::bigint, $7::bigint,"
        " $8::bigint, core.clock_now(), core.clock_now() WHERE $7::bigint IS NULL"
        " OR ($5 = 'unit' AND EXISTS (SELECT 1 FROM core.units WHERE district_code = $1"
        "  AND id = $7::bigint)) OR ($5 = 'workroom' AND EXISTS (SELECT 1 FROM core.workrooms"
        "  WHERE district_code = $1 AND id = $7::bigint))" RETURNING, 8, q);
    if (!r)
        return cmd_db_fail(tx, res, "topic.create");
    if (PQntuples(r) != 1) {
        PQclear(r);
        cmd_fail(res, 422, "unprocessable", "没有这个单位或工作室");
        return cmd_field_error(res, strcmp(kind, "unit") == 0 ? "unit_id" : "workroom_id",
                               "not_found");
    }
    return s_done(tx, ctx, r, "proposed", "topic.proposed", 201, res);
}

static int s_action_check(const Lianxin__V1__TopicAction *a, int ev, cmd_result_t *res)
{
    if (ev == TOPIC_EV_ACCEPT)
        return consult_in(a->kind, consult_topic_kinds)
                   ? 0 : cmd_field_error(res, "kind", a->kind && *a->kind ? "unknown_value"
                                                                          : "required");
    int bad = 0;
    if (!consult_in(a->refuse_kind, consult_refuse_kinds))
        bad = cmd_field_error(res, "refuse_kind", a->refuse_kind && *a->refuse_kind
                                                      ? "unknown_value" : "required");
    if (!a->reason || !textfmt_has_text(a->reason))
        bad = cmd_field_error(res, "reason", "required");
    else if (strlen(a->reason) > CONSULT_REASON_MAX)
        bad = cmd_field_error(res, "reason", "too_long");
    return bad;
}

int consult_topics_transition(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res)
{
    const Lianxin__V1__TopicAction *a = (const Lianxin__V1__TopicAction *) ctx->req;
    int64_t id;
    char ids[24];
    int ev = fsm_event_from_name(&consult_topic_fsm, a->event ? a->event : "");
    if (ev < 0)
        return cmd_fail(res, 404, "not_found", "没有这个操作");
    if (cmd_object_id(ctx, &id) != 0)
        return cmd_fail(res, 404, "not_found", "没有这个议题");
    const char *q[6] = {ctx->cmd->district, db_num(ids, id)};
    PGresult *r = db_exec(tx_db(tx), "SELECT state FROM consult.topics WHERE district_code = $1"
                                     " AND id = $2::bigint FOR UPDATE", 2, q);
    if (!r)
        return cmd_db_fail(tx, res, "topic.load");
    int st = PQntuples(r) == 1 ? fsm_state_from_name(&consult_topic_fsm, PQgetvalue(r, 0, 0)) : -1;
    PQclear(r);
    if (st < 0)
        return cmd_fail(res, 404, "not_found", "没有这个议题");
    if (cmd_fsm_gate(&consult_topic_fsm, st, 0, ev, ctx, NULL, res) != 0
        || s_action_check(a, ev, res) != 0)
        return -1;
    const fsm_event_t *e = &consult_topic_fsm.events[ev];
    q[2] = fsm_state_name(&consult_topic_fsm, e->to);
    q[3] = ev == TOPIC_EV_ACCEPT ? a->kind : NULL;
    q[4] = ev == TOPIC_EV_REFUSE ? a->refuse_kind : NULL;
    q[5] = ev == TOPIC_EV_REFUSE ? a->reason : NULL;
    r = db_exec(tx_db(tx), "UPDATE consult.topics SET state = $3, kind = $4, refuse_kind = $5,"
                           " refuse_reason = $6, screened_at = core.clock_now(),"
                           " updated_at = core.clock_now() WHERE district_code = $1"
                           " AND id = $2::bigint" RETURNING, 6, q);
    if (!r || PQntuples(r) != 1) {
        PQclear(r);
        return cmd_db_fail(tx, res, "topic.screen");
    }
    return s_done(tx, ctx, r, e->name, e->event_type, 200, res);
}
