/* proposal_core: the loaded proposal and the caller's place in it, the
 * machine's gate, one step (state, flags, timeline row, event and audit
 * row) and the reply, shared by the commands and the timers (see
 * proposal_int.h). Never logs personal data. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "proposal_int.h"

/* The human number as SQL (030: proposal.number_text). */
#define NUMBER_SQL "proposal.number_text(p.year, p.number)"

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

/* One statement per step: the state and flags ($3, $4), the timeline row
 * (event $5 from $6 by $7 $8, note $9), and the event's data read back:
 * number, title, proposers (first, confirmed), those of the proposals
 * merged into it, round, due date, the collective and its group (a sector
 * or liaison group: the member files count a liaison group's suggestion). */
static const char *const s_step_sql =
    "WITH u AS (UPDATE proposal.proposals SET state = $3, flags = $4::int, updated_at ="
    "  core.clock_now() WHERE district_code = $1 AND id = $2::bigint RETURNING 1),"
    " l AS (INSERT INTO proposal.log SELECT $1, $2::bigint, coalesce((SELECT max(seq) FROM"
    "  proposal.log WHERE district_code = $1 AND proposal_id = $2::bigint), 0) + 1, $5, $6, $3,"
    "  $7::bigint, $8, $9, core.clock_now() RETURNING 1)"
    " SELECT " NUMBER_SQL ", p.title, ARRAY(SELECT x.member_id FROM proposal.proposers x"
    "  WHERE x.district_code = p.district_code AND x.proposal_id = p.id"
    "  AND x.status IN ('first', 'confirmed') ORDER BY x.ord), ARRAY(SELECT x.member_id FROM"
    "  proposal.proposals o JOIN proposal.proposers x ON x.district_code = o.district_code"
    "  AND x.proposal_id = o.id AND x.status IN ('first', 'confirmed')"
    "  WHERE o.district_code = p.district_code AND o.merged_into = p.id ORDER BY o.id, x.ord),"
    "  p.round, coalesce(p.due_on::text, ''), (SELECT count(*) FROM u) + (SELECT count(*) FROM l),"
    "  coalesce(p.collective_kind, ''), CASE WHEN p.collective_kind IN ('sector', 'liaison_group')"
    "  THEN p.collective_ref ELSE '0' END"
    " FROM proposal.proposals p WHERE p.district_code = $1 AND p.id = $2::bigint";

/* The collective kinds as static text (the event outlives the row read). */
static const char *s_collective(const char *kind)
{
    static const char *const kinds[] = {"sector", "party", "liaison_group"};
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (strcmp(kind, kinds[i]) == 0)
            return kinds[i];
    return "";
}

/* The audit row of the event: the digest of its packed payload. */
static int s_audit(tx_t *tx, const char *district, const Lianxin__V1__Actor *actor,
                   const proposal_t *p, const char *type, const Lianxin__V1__ProposalChanged *m)
{
    return tx_record(tx, district, actor, NULL, &m->base, type, "proposal", p->id);
}

/* Fills the event from the row read back; the arrays live in `ids`/`told`,
 * the texts in `p` and `title`. */
static void s_fill(PGresult *r, proposal_t *p, Lianxin__V1__ProposalChanged *m, char *title,
                   int64_t *ids, int64_t *told)
{
    snprintf(p->number, sizeof p->number, "%s", PQgetvalue(r, 0, 0));
    snprintf(title, PROPOSAL_TITLE_BUF, "%s", PQgetvalue(r, 0, 1));
    p->round = atoi(PQgetvalue(r, 0, 4));
    snprintf(p->due, sizeof p->due, "%s", PQgetvalue(r, 0, 5));
    m->proposal_id = p->id;
    m->number = p->number;
    m->state = p->state;
    m->title = title;
    m->proposer_ids = ids;
    m->n_proposer_ids = db_parse_ids(PQgetvalue(r, 0, 2), ids, PROPOSERS_MAX);
    if (m->n_told_ids == 0) {        /* the handler's own list wins */
        m->told_ids = told;
        m->n_told_ids = db_parse_ids(PQgetvalue(r, 0, 3), told, PROPOSERS_MAX);
    }
    m->round = p->round;
    m->collective = (char *) s_collective(PQgetvalue(r, 0, 7));
    m->group_id = strtoll(PQgetvalue(r, 0, 8), NULL, 10);
}

/* Writes the step `name` of `p` to state `to` with `flags`, and buffers
 * the event `type` with its audit row. p's state, flags, number, round and
 * due date are those after it. */
static int s_write(tx_t *tx, const char *district, const Lianxin__V1__Actor *actor,
                   proposal_t *p, const char *name, int to, unsigned flags, const char *note,
                   const char *type, Lianxin__V1__ProposalChanged *m, cmd_result_t *res)
{
    char ids[24], fl[16], by[24], title[PROPOSAL_TITLE_BUF];
    int64_t members[PROPOSERS_MAX], told[PROPOSERS_MAX];
    const char *to_name = fsm_state_name(&proposal_fsm, to);
    snprintf(fl, sizeof fl, "%u", flags);
    const char *q[9] = {district, db_num(ids, p->id), to_name, fl, name, p->state,
                        db_num(by, actor->user_id), actor->role, note ? note : ""};
    PGresult *r = db_exec(tx_db(tx), s_step_sql, 9, q);
    if (!r || PQntuples(r) != 1) {
        PQclear(r);
        return cmd_db_fail(tx, res, "proposal.step");
    }
    snprintf(p->state, sizeof p->state, "%s", to_name);
    p->st = (proposal_state_t) to;
    p->flags = flags;
    s_fill(r, p, m, title, members, told);
    PQclear(r);
    m->event = (char *) name;
    if (tx_event(tx, district, type, actor, &m->base) != 0
        || s_audit(tx, district, actor, p, type, m) != 0)
        return cmd_fail(res, 500, "internal", "internal error");
    return 0;
}

int proposal_step(tx_t *tx, const char *district, const Lianxin__V1__Actor *actor,
                  proposal_t *p, proposal_event_t ev, const char *note,
                  Lianxin__V1__ProposalChanged *m, cmd_result_t *res)
{
    const fsm_event_t *e = &proposal_fsm.events[ev];
    int to = e->to == FSM_SAME ? (int) p->st : e->to;
    return s_write(tx, district, actor, p, e->name, to, p->flags | e->sets, note, e->event_type,
                   m, res);
}

int proposal_note(tx_t *tx, const char *district, const Lianxin__V1__Actor *actor,
                  proposal_t *p, const char *name, const char *type,
                  Lianxin__V1__ProposalChanged *m)
{
    cmd_result_t res;
    memset(&res, 0, sizeof res);
    return s_write(tx, district, actor, p, name, p->st, p->flags, m->promised_date, type, m,
                   &res);
}

int proposal_reply_ref(const proposal_t *p, int status, cmd_result_t *res)
{
    Lianxin__V1__ProposalRef out = LIANXIN__V1__PROPOSAL_REF__INIT;
    out.id = p->id;
    out.number = (char *) p->number;
    out.state = (char *) p->state;
    out.round = p->round;
    out.due_date = (char *) p->due;
    return cmd_ok(res, status, &out.base);
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
