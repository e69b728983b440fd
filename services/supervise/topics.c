/* topics: the closed chain of a supervision topic (see topics.h). Never
 * logs personal data. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "roles.h"
#include "supervise.pb-c.h"
#include "textfmt.h"
#include "topics.h"

enum { T_PROPOSED, T_SELECTED, T_ANALYSED, T_SOLVING, T_CONCLUDED, T_DROPPED, T_STATES };
enum { T_EV_SELECT, T_EV_ANALYSE, T_EV_SOLVE, T_EV_CONCLUDE, T_EV_DROP, T_EVENTS };

#define OFFICE (ROLE_OFFICE | ROLE_ADMIN)
#define S(x) FSM_STATE(T_##x)

static const char *const s_states[T_STATES] = {"proposed", "selected", "analysed", "solving",
                                               "concluded", "dropped"};
static const fsm_event_t s_events[T_EVENTS] = {
    [T_EV_SELECT] = {.name = "select", .event_type = "supervision.topic_selected",
                     .from = S(PROPOSED), .to = T_SELECTED, .roles = OFFICE},
    [T_EV_ANALYSE] = {.name = "analyse", .event_type = "supervision.topic_analysed",
                      .from = S(SELECTED), .to = T_ANALYSED, .roles = OFFICE},
    [T_EV_SOLVE] = {.name = "solve", .event_type = "supervision.topic_solving",
                    .from = S(ANALYSED), .to = T_SOLVING, .roles = OFFICE},
    [T_EV_CONCLUDE] = {.name = "conclude", .event_type = "supervision.topic_concluded",
                       .from = S(SOLVING), .to = T_CONCLUDED, .roles = OFFICE},
    [T_EV_DROP] = {.name = "drop", .event_type = "supervision.topic_dropped",
                   .from = S(PROPOSED) | S(SELECTED), .to = T_DROPPED, .roles = OFFICE},
};

const fsm_t topic_fsm = {.name = "topic", .states = s_states, .nstates = T_STATES,
                         .events = s_events, .nevents = T_EVENTS};

int topics_create_validate(const cmd_ctx_t *ctx, cmd_result_t *res)
{
    const Lianxin__V1__SupervisionTopicDraft *t = (const Lianxin__V1__SupervisionTopicDraft *) ctx->req;
    int rc = 0;
    if (t->year < 2000 || t->year > 2100)
        rc = cmd_field_error(res, "year", "out_of_range");
    if (!textfmt_has_text(t->title))
        rc = cmd_field_error(res, "title", "required");
    else if (strlen(t->title) > TOPIC_TITLE_MAX)
        rc = cmd_field_error(res, "title", "too_long");
    if (strlen(t->description) > TOPIC_TEXT_MAX)
        rc = cmd_field_error(res, "description", "too_long");
    if (t->n_raised_by > TOPIC_LIST_MAX)
        rc = cmd_field_error(res, "raised_by", "too_long");
    if (t->n_unit_ids > TOPIC_LIST_MAX)
        rc = cmd_field_error(res, "unit_ids", "too_long");
    return rc;
}

/* Buffers topic.<event> read back from the row, with its audit row (cmd_record). */
static int s_record(tx_t *tx, const cmd_ctx_t *ctx, int64_t id, const char *event,
                    const char *type, cmd_result_t *res)
{
    Lianxin__V1__SupervisionTopicChanged m = LIANXIN__V1__SUPERVISION_TOPIC_CHANGED__INIT;
    int64_t members[TOPIC_LIST_MAX];
    char ids[24];
    const char *q[2] = {ctx->cmd->district, db_num(ids, id)};
    PGresult *r = db_exec(tx_db(tx), "SELECT stage, title, year, raised_by, result FROM"
                                     " supervise.topics WHERE district_code = $1 AND id ="
                                     " $2::bigint", 2, q);
    if (!r || PQntuples(r) != 1) {
        PQclear(r);
        return cmd_db_fail(tx, res, "topic.read");
    }
    m.topic_id = id;
    m.event = (char *) event;
    m.stage = PQgetvalue(r, 0, 0);
    m.title = PQgetvalue(r, 0, 1);
    m.year = atoi(PQgetvalue(r, 0, 2));
    m.member_ids = members;
    m.n_member_ids = db_parse_ids(PQgetvalue(r, 0, 3), members, TOPIC_LIST_MAX);
    m.result = PQgetvalue(r, 0, 4);
    int rc = cmd_record(tx, ctx, res, type, &m.base, type, "topic", id);
    PQclear(r);
    if (rc != 0)
        return -1;
    Lianxin__V1__SupervisionRef ref = LIANXIN__V1__SUPERVISION_REF__INIT;
    ref.id = id;
    ref.state = (char *) event;
    return cmd_ok(res, 200, &ref.base);
}

int topics_create_execute(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res)
{
    const Lianxin__V1__SupervisionTopicDraft *t = (const Lianxin__V1__SupervisionTopicDraft *) ctx->req;
    char year[16], *members = db_ids_text(t->raised_by, t->n_raised_by),
                   *units = db_ids_text(t->unit_ids, t->n_unit_ids);
    snprintf(year, sizeof year, "%d", (int) t->year);
    const char *q[6] = {ctx->cmd->district, year, t->title, t->description, members, units};
    PGresult *r = members && units ? db_exec(tx_db(tx),
        "INSERT INTO supervise.topics SELECT $1, nextval('supervise.topic_ids'), $2::int, $3, $4,"
        " 'proposed', $5::bigint[], $6::bigint[], '', core.clock_now(), core.clock_now()"
        " WHERE (SELECT count(*) FROM core.members m WHERE m.district_code = $1 AND m.id ="
        "  ANY ($5::bigint[])) = cardinality(ARRAY(SELECT DISTINCT unnest($5::bigint[])))"
        " AND (SELECT count(*) FROM core.units u WHERE u.district_code = $1 AND u.id ="
        "  ANY ($6::bigint[])) = cardinality(ARRAY(SELECT DISTINCT unnest($6::bigint[])))"
        " RETURNING id", 6, q) : NULL;
    free(members);
    free(units);
    if (!r)
        return cmd_db_fail(tx, res, "topic.create");
    int made = PQntuples(r) == 1;
    int64_t id = made ? strtoll(PQgetvalue(r, 0, 0), NULL, 10) : 0;
    PQclear(r);
    if (!made)
        return cmd_fail(res, 422, "unknown_reference", "a member or unit is not of the district");
    if (s_record(tx, ctx, id, "proposed", "supervision.topic_proposed", res) != 0)
        return -1;
    res->status = 201;
    return 0;
}

int topics_step_validate(const cmd_ctx_t *ctx, cmd_result_t *res)
{
    const Lianxin__V1__SupervisionTopicAction *a = (const Lianxin__V1__SupervisionTopicAction *) ctx->req;
    int ev = fsm_event_from_name(&topic_fsm, a->event);
    if (ev < 0)
        return cmd_fail(res, 404, "not_found", "no such transition");
    if (strlen(a->result) > TOPIC_TEXT_MAX)
        return cmd_field_error(res, "result", "too_long");
    if (ev == T_EV_CONCLUDE && !textfmt_has_text(a->result))
        return cmd_field_error(res, "result", "required");
    return 0;
}

int topics_step_execute(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res)
{
    const Lianxin__V1__SupervisionTopicAction *a = (const Lianxin__V1__SupervisionTopicAction *) ctx->req;
    int ev = fsm_event_from_name(&topic_fsm, a->event);
    int64_t id;
    char ids[24];
    if (cmd_object_id(ctx, &id) != 0)
        return cmd_fail(res, 404, "not_found", "no such topic");
    const char *q[2] = {ctx->cmd->district, db_num(ids, id)};
    PGresult *r = db_exec(tx_db(tx), "SELECT stage FROM supervise.topics WHERE district_code ="
                                     " $1 AND id = $2::bigint FOR UPDATE", 2, q);
    if (!r)
        return cmd_db_fail(tx, res, "topic.load");
    int st = PQntuples(r) == 1 ? fsm_state_from_name(&topic_fsm, PQgetvalue(r, 0, 0)) : -1;
    PQclear(r);
    if (st < 0)
        return cmd_fail(res, 404, "not_found", "no such topic");
    if (cmd_fsm_gate(&topic_fsm, st, 0, ev, ctx, NULL, res) != 0)
        return -1;
    const char *w[4] = {ctx->cmd->district, ids, topic_fsm.states[topic_fsm.events[ev].to],
                        a->result};
    if (db_run(tx_db(tx), "UPDATE supervise.topics SET stage = $3, result = CASE WHEN $4 = ''"
                          " THEN result ELSE $4 END, updated_at = core.clock_now() WHERE"
                          " district_code = $1 AND id = $2::bigint", 4, w) != 0)
        return cmd_db_fail(tx, res, "topic.step");
    return s_record(tx, ctx, id, topic_fsm.states[topic_fsm.events[ev].to],
                    topic_fsm.events[ev].event_type, res);
}
