/* proposal_core: the loaded proposal and the caller's place in it, the
 * machine's gate, one step (state, flags, timeline row, event and audit
 * row) and the reply, shared by the commands and the timers (see
 * proposal_int.h). Never logs personal data. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "proposal_int.h"

/* The human number as SQL: 2026-0123 (more digits past 9999). */
#define NUMBER_SQL "CASE WHEN p.number IS NULL THEN '' ELSE p.year || '-' ||" \
                   " lpad(p.number::text, greatest(4, length(p.number::text)), '0') END"

#define PROPOSERS_MAX PROPOSAL_PROPOSERS_MAX
#define PROPOSAL_TITLE_BUF 640         /* the title is at most 600 bytes */

int proposal_load(tx_t *tx, const cmd_ctx_t *ctx, int64_t id, proposal_t *p, cmd_result_t *res)
{
    char ids[24], mem[24], unit[24];
    const Lianxin__V1__Actor *a = ctx->cmd->actor;
    int member = strcmp(a->role, "member") == 0, isunit = strcmp(a->role, "unit") == 0;
    const char *q[4] = {ctx->cmd->district, db_num(ids, id),
                        member ? db_num(mem, a->member_id) : NULL,
                        isunit ? db_num(unit, a->unit_id) : NULL};
    PGresult *r = db_exec(tx_db(tx),
        "SELECT p.state, p.flags, p.round, p.kind, coalesce(p.lead_unit_id, 0),"
        " coalesce(p.assigned_on - date '1970-01-01', -1),"
        " CASE WHEN $3::bigint IS NOT NULL THEN (SELECT x.status FROM proposal.proposers x"
        "   WHERE x.district_code = p.district_code AND x.proposal_id = p.id"
        "   AND x.member_id = $3::bigint)"
        "  WHEN $4::bigint IS NOT NULL THEN (SELECT CASE WHEN bool_or(s.lead) THEN 'lead'"
        "   ELSE 'co' END FROM proposal.assignments s WHERE s.district_code = p.district_code"
        "   AND s.proposal_id = p.id AND s.unit_id = $4::bigint AND s.ended_at IS NULL"
        "   HAVING count(*) > 0)"
        "  ELSE 'office' END"
        " FROM proposal.proposals p WHERE p.district_code = $1 AND p.id = $2::bigint"
        " FOR UPDATE OF p", 4, q);
    if (!r)
        return cmd_db_fail(tx, res, "proposal.load");
    /* drafts are their authors' only */
    int found = PQntuples(r) == 1 && !PQgetisnull(r, 0, 6)
                && !(strcmp(PQgetvalue(r, 0, 6), "office") == 0
                     && strcmp(PQgetvalue(r, 0, 0), "draft") == 0);
    if (found) {
        memset(p, 0, sizeof *p);
        p->id = id;
        snprintf(p->state, sizeof p->state, "%s", PQgetvalue(r, 0, 0));
        p->st = (proposal_state_t) fsm_state_from_name(&proposal_fsm, p->state);
        p->flags = (unsigned) atoi(PQgetvalue(r, 0, 1));
        p->round = atoi(PQgetvalue(r, 0, 2));
        snprintf(p->kind, sizeof p->kind, "%s", PQgetvalue(r, 0, 3));
        p->lead_unit_id = strtoll(PQgetvalue(r, 0, 4), NULL, 10);
        p->assigned_on = (calendar_day_t) atol(PQgetvalue(r, 0, 5));
        snprintf(p->me, sizeof p->me, "%s", PQgetvalue(r, 0, 6));
    }
    PQclear(r);
    return found ? 0 : cmd_fail(res, 404, "not_found", "no such proposal");
}

int proposal_begin(tx_t *tx, const cmd_ctx_t *ctx, proposal_event_t ev, proposal_t *p,
                   cmd_result_t *res)
{
    int64_t id;
    if (cmd_object_id(ctx, &id) != 0)
        return cmd_fail(res, 404, "not_found", "no such proposal");
    if (proposal_load(tx, ctx, id, p, res) != 0)
        return -1;
    return cmd_fsm_gate(&proposal_fsm, p->st, p->flags, ev, ctx, p, res);
}

/* ---- one step ------------------------------------------------------------------------ */

static int s_log(tx_t *tx, const char *district, const Lianxin__V1__Actor *actor,
                 const proposal_t *p, const char *event, const char *to, const char *note)
{
    char ids[24], by[24];
    const char *q[8] = {district, db_num(ids, p->id), event, p->state, to,
                        db_num(by, actor->user_id), actor->role, note ? note : ""};
    return db_run(tx_db(tx), "INSERT INTO proposal.log SELECT $1, $2::bigint, coalesce((SELECT"
                             " max(seq) FROM proposal.log WHERE district_code = $1 AND"
                             " proposal_id = $2::bigint), 0) + 1, $3, $4, $5, $6::bigint, $7,"
                             " $8, core.clock_now()", 8, q);
}

/* Completes the event from the stored proposal; the arrays live in `ids`. */
static int s_complete(tx_t *tx, const char *district, const proposal_t *p,
                      Lianxin__V1__ProposalChanged *m, char *number, char *state, char *title,
                      int64_t *ids, int64_t *told)
{
    char id[24];
    const char *q[2] = {district, db_num(id, p->id)};
    PGresult *r = db_exec(tx_db(tx),
        "SELECT " NUMBER_SQL ", p.state, p.title, ARRAY(SELECT x.member_id FROM"
        " proposal.proposers x WHERE x.district_code = p.district_code AND x.proposal_id = p.id"
        " AND x.status IN ('first', 'confirmed') ORDER BY x.ord), ARRAY(SELECT x.member_id FROM"
        " proposal.proposals o JOIN proposal.proposers x ON x.district_code = o.district_code"
        " AND x.proposal_id = o.id AND x.status IN ('first', 'confirmed')"
        " WHERE o.district_code = p.district_code AND o.merged_into = p.id ORDER BY o.id, x.ord),"
        " p.round FROM proposal.proposals p WHERE p.district_code = $1 AND p.id = $2::bigint",
        2, q);
    if (!r || PQntuples(r) != 1) {
        PQclear(r);
        return -1;
    }
    snprintf(number, 24, "%s", PQgetvalue(r, 0, 0));
    snprintf(state, 16, "%s", PQgetvalue(r, 0, 1));
    snprintf(title, PROPOSAL_TITLE_BUF, "%s", PQgetvalue(r, 0, 2));
    m->proposal_id = p->id;
    m->number = number;
    m->state = state;
    m->title = title;
    m->proposer_ids = ids;
    m->n_proposer_ids = db_parse_ids(PQgetvalue(r, 0, 3), ids, PROPOSERS_MAX);
    if (m->n_told_ids == 0) {        /* the handler's own list wins (merge, invite) */
        m->told_ids = told;
        m->n_told_ids = db_parse_ids(PQgetvalue(r, 0, 4), told, PROPOSERS_MAX);
    }
    m->round = atoi(PQgetvalue(r, 0, 5));
    PQclear(r);
    return 0;
}

static int s_emit(tx_t *tx, const char *district, const Lianxin__V1__Actor *actor,
                  const proposal_t *p, const char *type, Lianxin__V1__ProposalChanged *m)
{
    char number[24], state[16], title[PROPOSAL_TITLE_BUF], id[24];
    int64_t ids[PROPOSERS_MAX], told[PROPOSERS_MAX];
    if (s_complete(tx, district, p, m, number, state, title, ids, told) != 0
        || tx_event(tx, district, type, actor, &m->base) != 0)
        return -1;
    size_t len = protobuf_c_message_get_packed_size(&m->base);
    uint8_t *buf = malloc(len ? len : 1);
    if (!buf)
        return -1;
    protobuf_c_message_pack(&m->base, buf);
    int rc = tx_audit(tx, district, actor, type, "proposal", db_num(id, p->id), buf, len);
    free(buf);
    return rc;
}

int proposal_step(tx_t *tx, const char *district, const Lianxin__V1__Actor *actor,
                  proposal_t *p, proposal_event_t ev, const char *note,
                  Lianxin__V1__ProposalChanged *m, cmd_result_t *res)
{
    const fsm_event_t *e = &proposal_fsm.events[ev];
    int to = e->to == FSM_SAME ? (int) p->st : e->to;
    unsigned flags = p->flags | e->sets;
    const char *to_name = fsm_state_name(&proposal_fsm, to);
    char ids[24], fl[16];
    snprintf(fl, sizeof fl, "%u", flags);
    const char *q[4] = {district, db_num(ids, p->id), to_name, fl};
    if (db_run(tx_db(tx), "UPDATE proposal.proposals SET state = $3, flags = $4::int,"
                          " updated_at = core.clock_now() WHERE district_code = $1"
                          " AND id = $2::bigint", 4, q) != 0
        || s_log(tx, district, actor, p, e->name, to_name, note) != 0)
        return cmd_db_fail(tx, res, "proposal.step");
    m->event = (char *) e->name;
    if (s_emit(tx, district, actor, p, e->event_type, m) != 0)
        return cmd_fail(res, 500, "internal", "internal error");
    snprintf(p->state, sizeof p->state, "%s", to_name);
    p->st = (proposal_state_t) to;
    p->flags = flags;
    return 0;
}

int proposal_note(tx_t *tx, const char *district, const Lianxin__V1__Actor *actor,
                  const proposal_t *p, const char *name, const char *type,
                  Lianxin__V1__ProposalChanged *m)
{
    m->event = (char *) name;
    if (s_log(tx, district, actor, p, name, p->state, m->promised_date) != 0)
        return -1;
    return s_emit(tx, district, actor, p, type, m);
}

int proposal_reply(tx_t *tx, const cmd_ctx_t *ctx, int64_t id, int status, cmd_result_t *res)
{
    Lianxin__V1__ProposalRef out = LIANXIN__V1__PROPOSAL_REF__INIT;
    char ids[24];
    const char *q[2] = {ctx->cmd->district, db_num(ids, id)};
    PGresult *r = db_exec(tx_db(tx), "SELECT " NUMBER_SQL ", p.state, p.round,"
                                     " coalesce(p.due_on::text, '') FROM proposal.proposals p"
                                     " WHERE p.district_code = $1 AND p.id = $2::bigint", 2, q);
    if (!r || PQntuples(r) != 1) {
        PQclear(r);
        return cmd_db_fail(tx, res, "proposal.reply");
    }
    out.id = id;
    out.number = PQgetvalue(r, 0, 0);
    out.state = PQgetvalue(r, 0, 1);
    out.round = atoi(PQgetvalue(r, 0, 2));
    out.due_date = PQgetvalue(r, 0, 3);
    int rc = cmd_ok(res, status, &out.base);
    PQclear(r);
    return rc;
}
