/* proposal_timers: the fire functions (see proposal_timers.h) and the end
 * of co-signing they share with the commands. Business time is the
 * transaction's. Logs nothing: the timers module logs districts and counts. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "proposal_int.h"
#include "proposal_timers.h"

int proposal_cosign_drop(tx_t *tx, const char *district, proposal_t *p,
                         Lianxin__V1__ProposalChanged *ev, int64_t *dropped, size_t max,
                         cmd_result_t *res)
{
    char ids[24];
    const char *q[2] = {district, db_num(ids, p->id)};
    PGresult *r = db_exec(tx_db(tx),
        "WITH d AS (UPDATE proposal.proposers SET status = 'dropped', answered_at ="
        " core.clock_now() WHERE district_code = $1 AND proposal_id = $2::bigint AND status ="
        " 'invited' RETURNING member_id), k AS (UPDATE proposal.proposals SET kind = 'individual'"
        " WHERE district_code = $1 AND id = $2::bigint AND NOT EXISTS (SELECT 1 FROM"
        " proposal.proposers WHERE district_code = $1 AND proposal_id = $2::bigint AND status ="
        " 'confirmed') RETURNING 1) SELECT ARRAY(SELECT member_id FROM d ORDER BY 1)", 2, q);
    if (!r)
        return cmd_db_fail(tx, res, "proposal.cosign_drop");
    ev->dropped_ids = dropped;
    ev->n_dropped_ids = db_parse_ids(PQgetvalue(r, 0, 0), dropped, max);
    PQclear(r);
    return 0;
}

/* 1 when some co-signer is still invited. */
static int s_pending(tx_t *tx, const char *district, const proposal_t *p)
{
    char ids[24];
    const char *q[2] = {district, db_num(ids, p->id)};
    PGresult *r = db_exec(tx_db(tx), "SELECT 1 FROM proposal.proposers WHERE district_code = $1"
                                     " AND proposal_id = $2::bigint AND status = 'invited'"
                                     " LIMIT 1", 2, q);
    int n = r ? PQntuples(r) : -1;
    PQclear(r);
    return n;
}

int proposal_cosign_close(tx_t *tx, const char *district, const Lianxin__V1__Actor *actor,
                          proposal_t *p, int only_if_complete, cmd_result_t *res)
{
    Lianxin__V1__ProposalChanged ev = LIANXIN__V1__PROPOSAL_CHANGED__INIT;
    Lianxin__V1__Actor sys = timers_actor(district);
    int64_t dropped[PROPOSAL_PROPOSERS_MAX];
    if (p->st != PROPOSAL_COSIGNING)
        return 0;
    if (only_if_complete) {
        int n = s_pending(tx, district, p);
        if (n != 0)
            return n < 0 ? cmd_db_fail(tx, res, "proposal.cosign_pending") : 0;
    }
    if (proposal_cosign_drop(tx, district, p, &ev, dropped, PROPOSAL_PROPOSERS_MAX, res) != 0
        || proposal_step(tx, district, actor ? actor : &sys, p, PROPOSAL_EV_CLOSE_COSIGN,
                         only_if_complete ? "all confirmed" : "deadline", &ev, res) != 0)
        return -1;
    return 1;
}

/* The proposal of a timer row, as the office sees it (no caller). */
static int s_load(tx_t *tx, const timers_row_t *row, proposal_t *p, cmd_result_t *res)
{
    Lianxin__V1__Actor sys = timers_actor(row->district);
    Lianxin__V1__Command cmd = LIANXIN__V1__COMMAND__INIT;
    cmd_ctx_t ctx = {.cmd = &cmd};
    cmd.actor = &sys;
    cmd.district = (char *) row->district;
    return proposal_load(tx, &ctx, strtoll(row->keys[0], NULL, 10), p, res);
}

int proposal_timers_cosign_deadline(tx_t *tx, const timers_row_t *row, void *app)
{
    proposal_t p;
    cmd_result_t res;
    (void) app;
    memset(&res, 0, sizeof res);
    if (s_load(tx, row, &p, &res) != 0)
        return res.status == 404 ? 0 : -1;
    return proposal_cosign_close(tx, row->district, NULL, &p, 0, &res) < 0 ? -1 : 0;
}

int proposal_timers_lookback_due(tx_t *tx, const timers_row_t *row, void *app)
{
    Lianxin__V1__ProposalChanged ev = LIANXIN__V1__PROPOSAL_CHANGED__INIT;
    Lianxin__V1__Actor sys = timers_actor(row->district);
    proposal_t p;
    cmd_result_t res;
    char promised[11];
    (void) app;
    memset(&res, 0, sizeof res);
    if (s_load(tx, row, &p, &res) != 0)
        return res.status == 404 ? 0 : -1;
    const char *q[2] = {row->district, row->keys[0]};
    PGresult *r = db_exec(tx_db(tx), "SELECT coalesce(promised_on::text, '') FROM"
                                     " proposal.proposals WHERE district_code = $1 AND id ="
                                     " $2::bigint AND reply_class = 'b'", 2, q);
    if (!r)
        return -1;
    int due = PQntuples(r) == 1 && PQgetvalue(r, 0, 0)[0];
    snprintf(promised, sizeof promised, "%s", due ? PQgetvalue(r, 0, 0) : "");
    PQclear(r);
    if (!due)
        return 0;
    ev.promised_date = promised;
    ev.class_ = "b";
    return proposal_note(tx, row->district, &sys, &p, "lookback_due", "proposal.lookback_due",
                         &ev);
}
