/* referrals: referring an item to a partner office and the partner's
 * status (see referrals.h). Never logs personal data. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "item_cmds.h"
#include "referrals.h"
#include "textfmt.h"

enum { REF_SENT = 0, REF_ACKNOWLEDGED, REF_IN_PROGRESS, REF_CLOSED, REF_STATE_COUNT };
enum { REF_EV_ACKNOWLEDGE = 0, REF_EV_PROGRESS, REF_EV_CLOSE, REF_EVENT_COUNT };

#define S(x) FSM_STATE(REF_##x)

static const char *const s_states[REF_STATE_COUNT] = {"sent", "acknowledged", "in_progress",
                                                      "closed"};
static const fsm_event_t s_events[REF_EVENT_COUNT] = {
    [REF_EV_ACKNOWLEDGE] = {.name = "acknowledged", .event_type = "referral.status",
                            .from = S(SENT), .to = REF_ACKNOWLEDGED, .roles = ROLE_PARTNER},
    [REF_EV_PROGRESS] = {.name = "in_progress", .event_type = "referral.status",
                         .from = S(SENT) | S(ACKNOWLEDGED) | S(IN_PROGRESS),
                         .to = REF_IN_PROGRESS, .roles = ROLE_PARTNER},
    [REF_EV_CLOSE] = {.name = "closed", .event_type = "referral.status",
                      .from = S(SENT) | S(ACKNOWLEDGED) | S(IN_PROGRESS), .to = REF_CLOSED,
                      .roles = ROLE_PARTNER},
};

const fsm_t referral_fsm = {.name = "referral", .states = s_states, .nstates = REF_STATE_COUNT,
                            .events = s_events, .nevents = REF_EVENT_COUNT};

int referrals_partner_ok(const char *code)
{
    return code && (strcmp(code, "discipline") == 0 || strcmp(code, "government") == 0);
}

/* Buffers the referral's event `type` as stored now, with its audit row. */
static int s_event(tx_t *tx, const char *district, const Lianxin__V1__Actor *actor,
                   int64_t id, const char *event, const char *type)
{
    Lianxin__V1__ReferralChanged m = LIANXIN__V1__REFERRAL_CHANGED__INIT;
    char ids[24];
    const char *q[2] = {district, db_num(ids, id)};
    PGresult *r = db_exec(tx_db(tx),
        "SELECT f.item_id, f.partner, f.status, i.title, f.summary, i.unit_id, i.due_on::text,"
        " f.note, f.delivery_key, i.source, i.source_ref FROM supervise.referrals f"
        " JOIN supervise.items i ON i.district_code = f.district_code AND i.id = f.item_id"
        " WHERE f.district_code = $1 AND f.id = $2::bigint", 2, q);
    if (!r || PQntuples(r) != 1) {
        PQclear(r);
        return -1;
    }
    m.referral_id = id;
    m.item_id = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
    m.partner = PQgetvalue(r, 0, 1);
    m.status = PQgetvalue(r, 0, 2);
    m.title = PQgetvalue(r, 0, 3);
    m.summary = PQgetvalue(r, 0, 4);
    m.unit_id = strtoll(PQgetvalue(r, 0, 5), NULL, 10);
    m.due_date = PQgetvalue(r, 0, 6);
    m.note = PQgetvalue(r, 0, 7);
    m.delivery_key = PQgetvalue(r, 0, 8);
    m.source = PQgetvalue(r, 0, 9);
    m.source_ref = PQgetvalue(r, 0, 10);
    m.event = (char *) event;
    int rc = tx_record(tx, district, actor, type, &m.base, type, "referral", id);
    PQclear(r);
    return rc;
}

int referrals_create(tx_t *tx, const cmd_ctx_t *ctx, const item_t *it, const char *partner,
                     const char *summary, int64_t *id, cmd_result_t *res)
{
    char ids[24];
    const char *q[5] = {it->district, db_num(ids, it->id), partner, summary,
                        ctx->cmd->actor->role};
    PGresult *r = db_exec(tx_db(tx),
        "WITH n AS (SELECT nextval('supervise.referral_ids') AS id),"
        " f AS (INSERT INTO supervise.referrals SELECT $1, n.id, $2::bigint, $3, 'sent', $4, '',"
        "  $1 || '-referral-' || n.id, core.clock_now(), core.clock_now() FROM n"
        "  ON CONFLICT (district_code, item_id, partner) DO NOTHING RETURNING id),"
        " l AS (INSERT INTO supervise.referral_log SELECT $1, f.id, 1, 'sent', '', $5,"
        "  core.clock_now() FROM f RETURNING 1)"
        " SELECT f.id, (SELECT count(*) FROM l) FROM f", 5, q);
    if (!r)
        return cmd_db_fail(tx, res, "referral.create");
    int made = PQntuples(r) == 1;
    *id = made ? strtoll(PQgetvalue(r, 0, 0), NULL, 10) : 0;
    PQclear(r);
    if (!made)
        return cmd_fail(res, 409, "conflict", "already referred to this partner");
    if (s_event(tx, it->district, ctx->cmd->actor, *id, "created", "referral.created") != 0)
        return cmd_fail(res, 500, "internal", "referral event");
    return 0;
}

/* ---- the partner's status --------------------------------------------------------------- */

int referral_status_validate(const cmd_ctx_t *ctx, cmd_result_t *res)
{
    const Lianxin__V1__ReferralStatusUpdate *u =
        (const Lianxin__V1__ReferralStatusUpdate *) ctx->req;
    int rc = 0;
    if (fsm_event_from_name(&referral_fsm, u->status) < 0)
        rc = cmd_field_error(res, "status", *u->status ? "unknown_value" : "required");
    if (strlen(u->note) > ITEM_TEXT_MAX)
        rc = cmd_field_error(res, "note", "too_long");
    return rc;
}

/* Referral `ids` to the office partner account `uid` speaks for, locked:
 * its state into *st and its partner into partner. 0, or -1 answered (404). */
static int s_status_load(tx_t *tx, const cmd_ctx_t *ctx, const char *ids, const char *uid,
                         int *st, char partner[16], cmd_result_t *res)
{
    const char *q[3] = {ctx->cmd->district, ids, uid};
    PGresult *r = db_exec(tx_db(tx),
        "SELECT f.status, f.partner FROM supervise.referrals f JOIN supervise.partner_accounts p"
        " ON p.district_code = f.district_code AND p.partner = f.partner AND p.user_id ="
        " $3::bigint WHERE f.district_code = $1 AND f.id = $2::bigint FOR UPDATE OF f", 3, q);
    if (!r)
        return cmd_db_fail(tx, res, "referral.load");
    int found = PQntuples(r) == 1;
    *st = found ? fsm_state_from_name(&referral_fsm, PQgetvalue(r, 0, 0)) : -1;
    snprintf(partner, 16, "%s", found ? PQgetvalue(r, 0, 1) : "");
    PQclear(r);
    return found ? 0 : cmd_fail(res, 404, "not_found", "no such referral");
}

int referral_status_execute(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res)
{
    const Lianxin__V1__ReferralStatusUpdate *u =
        (const Lianxin__V1__ReferralStatusUpdate *) ctx->req;
    const Lianxin__V1__Actor *a = ctx->cmd->actor;
    char ids[24], uid[24], partner[16];
    int64_t id;
    int st;
    if (cmd_object_id(ctx, &id) != 0)
        return cmd_fail(res, 404, "not_found", "no such referral");
    if (s_status_load(tx, ctx, db_num(ids, id), db_num(uid, a->user_id), &st, partner, res) != 0)
        return -1;
    int ev = fsm_event_from_name(&referral_fsm, u->status);
    if (cmd_fsm_gate(&referral_fsm, st, 0, ev, ctx, NULL, res) != 0)
        return -1;
    const char *w[5] = {ctx->cmd->district, ids, u->status, u->note, a->role};
    if (db_run(tx_db(tx),
               "WITH f AS (UPDATE supervise.referrals SET status = $3, note = $4, updated_at ="
               "  core.clock_now() WHERE district_code = $1 AND id = $2::bigint RETURNING 1)"
               " INSERT INTO supervise.referral_log SELECT $1, $2::bigint, coalesce((SELECT"
               "  max(seq) FROM supervise.referral_log WHERE district_code = $1 AND referral_id ="
               "  $2::bigint), 0) + 1, $3, $4, $5, core.clock_now() FROM f", 5, w) != 0)
        return cmd_db_fail(tx, res, "referral.status");
    if (s_event(tx, ctx->cmd->district, a, id, u->status, "referral.status") != 0)
        return cmd_fail(res, 500, "internal", "referral event");
    Lianxin__V1__ReferralRef ref = LIANXIN__V1__REFERRAL_REF__INIT;
    ref.id = id;
    ref.status = u->status;
    ref.partner = partner;
    return cmd_ok(res, 200, &ref.base);
}
