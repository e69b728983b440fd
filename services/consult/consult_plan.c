/* consult_plan: see consult_plan.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "consult_int.h"
#include "consult_plan.h"

/* Creates the year's plan when missing, locks it; its state or -1. */
static int s_load(tx_t *tx, const char *district, const char *year)
{
    const char *q[2] = {district, year};
    if (db_run(tx_db(tx), "INSERT INTO consult.plans (district_code, year) VALUES ($1, $2::int)"
                          " ON CONFLICT DO NOTHING", 2, q) != 0)
        return -1;
    PGresult *r = db_exec(tx_db(tx), "SELECT state FROM consult.plans WHERE district_code = $1"
                                     " AND year = $2::int FOR UPDATE", 2, q);
    int st = r && PQntuples(r) == 1 ? fsm_state_from_name(&consult_plan_fsm, PQgetvalue(r, 0, 0))
                                    : -1;
    PQclear(r);
    return st;
}

/* add/remove one topic; an amendment once issued. 0, or -1 with res set. */
static int s_item(tx_t *tx, const cmd_ctx_t *ctx, const char *year, int issued, int add,
                  const Lianxin__V1__PlanAction *a, cmd_result_t *res)
{
    char t[24], by[24];
    if (a->topic_id <= 0)
        return cmd_field_error(res, "topic_id", "required");
    if (issued && (!a->reason || !textfmt_has_text(a->reason)))
        return cmd_field_error(res, "reason", "required");
    if ((a->reason && strlen(a->reason) > CONSULT_REASON_MAX)
        || (a->quarter && strlen(a->quarter) > 2))
        return cmd_field_error(res, a->quarter && strlen(a->quarter) > 2 ? "quarter" : "reason",
                               "too_long");
    const char *q[7] = {ctx->cmd->district, year, db_num(t, a->topic_id),
                        a->quarter ? a->quarter : "", issued ? "t" : "f",
                        a->reason ? a->reason : "", db_num(by, ctx->cmd->actor->user_id)};
    PGresult *r = db_exec(tx_db(tx), add
        ? "WITH i AS (INSERT INTO consult.plan_items SELECT $1, $2::int, t.id, $4,"
          " (core.clock_now() AT TIME ZONE 'Asia/Shanghai')::date, $5::boolean, NULL"
          " FROM consult.topics t WHERE t.district_code = $1 AND t.id = $3::bigint"
          " AND t.state = 'accepted' ON CONFLICT (district_code, year, topic_id) DO UPDATE"
          " SET removed_on = NULL, amended = EXCLUDED.amended"
          " WHERE consult.plan_items.removed_on IS NOT NULL"
          " RETURNING topic_id) SELECT topic_id FROM i"
        : "UPDATE consult.plan_items SET removed_on = (core.clock_now() AT TIME ZONE"
          " 'Asia/Shanghai')::date WHERE district_code = $1 AND year = $2::int"
          " AND topic_id = $3::bigint AND removed_on IS NULL RETURNING topic_id", add ? 5 : 3, q);
    if (!r)
        return cmd_db_fail(tx, res, "plan.item");
    int n = PQntuples(r);
    PQclear(r);
    if (!n)
        return consult_refuse(res, "topic_id", add ? "not_accepted" : "not_in_plan",
                              add ? "议题未通过审核或已在计划中" : "议题不在计划中");
    const char *m[6] = {q[0], q[1], q[2], add ? "add" : "remove", q[5], q[6]};
    if (issued && db_run(tx_db(tx), "INSERT INTO consult.plan_amendments SELECT $1, $2::int,"
                         " coalesce((SELECT max(seq) FROM consult.plan_amendments WHERE"
                         " district_code = $1 AND year = $2::int), 0) + 1, $4, $3::bigint, $5,"
                         " (core.clock_now() AT TIME ZONE 'Asia/Shanghai')::date, $6::bigint",
                         6, m) != 0)
        return cmd_db_fail(tx, res, "plan.amend");
    return 0;
}

static int s_issue(tx_t *tx, const cmd_ctx_t *ctx, const char *year, cmd_result_t *res)
{
    char by[24];
    const char *q[3] = {ctx->cmd->district, year, db_num(by, ctx->cmd->actor->user_id)};
    PGresult *r = db_exec(tx_db(tx),
        "UPDATE consult.plans p SET state = 'issued', issued_on = (core.clock_now() AT TIME ZONE"
        " 'Asia/Shanghai')::date, issued_by = $3::bigint WHERE district_code = $1"
        " AND year = $2::int AND EXISTS (SELECT 1 FROM consult.plan_items i WHERE"
        " i.district_code = $1 AND i.year = $2::int AND i.removed_on IS NULL) RETURNING 1", 3, q);
    if (!r)
        return cmd_db_fail(tx, res, "plan.issue");
    int n = PQntuples(r);
    PQclear(r);
    return n ? 0 : consult_refuse(res, "topic_id", "empty", "计划中还没有议题");
}

static int s_reply(tx_t *tx, const cmd_ctx_t *ctx, const char *year, cmd_result_t *res,
                   const char *event)
{
    const char *q[2] = {ctx->cmd->district, year};
    PGresult *r = db_exec(tx_db(tx),
        "SELECT state, (SELECT count(*) FROM consult.plan_items WHERE district_code = $1"
        " AND year = $2::int AND removed_on IS NULL), (SELECT count(*) FROM"
        " consult.plan_amendments WHERE district_code = $1 AND year = $2::int)"
        " FROM consult.plans WHERE district_code = $1 AND year = $2::int", 2, q);
    if (!r || PQntuples(r) != 1) {
        PQclear(r);
        return cmd_db_fail(tx, res, "plan.reply");
    }
    Lianxin__V1__PlanRef out = LIANXIN__V1__PLAN_REF__INIT;
    out.year = atoi(year);
    out.state = PQgetvalue(r, 0, 0);
    out.items = atoi(PQgetvalue(r, 0, 1));
    out.amendments = atoi(PQgetvalue(r, 0, 2));
    char action[32];
    snprintf(action, sizeof action, "plan.%s", event);
    int rc = cmd_record(tx, ctx, res, strcmp(event, "issue") == 0 ? "plan.issued" : NULL,
                        &out.base, action, "plan", out.year) != 0
             || cmd_ok(res, 200, &out.base) != 0 ? -1 : 0;
    PQclear(r);
    return rc;
}

int consult_plan_action(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res)
{
    const Lianxin__V1__PlanAction *a = (const Lianxin__V1__PlanAction *) ctx->req;
    int64_t y;
    char year[8];
    int ev = fsm_event_from_name(&consult_plan_fsm, a->event ? a->event : "");
    if (ev < 0)
        return cmd_fail(res, 404, "not_found", "没有这个操作");
    if (cmd_object_id(ctx, &y) != 0 || y < 2000 || y > 2100)
        return cmd_fail(res, 404, "not_found", "没有这个年度");
    snprintf(year, sizeof year, "%lld", (long long) y);
    int st = s_load(tx, ctx->cmd->district, year);
    if (st < 0)
        return cmd_db_fail(tx, res, "plan.load");
    if (cmd_fsm_gate(&consult_plan_fsm, st, 0, ev, ctx, NULL, res) != 0)
        return -1;
    int rc = ev == PLAN_EV_ISSUE ? s_issue(tx, ctx, year, res)
                                 : s_item(tx, ctx, year, st == PLAN_ISSUED, ev == PLAN_EV_ADD, a,
                                          res);
    return rc ? -1 : s_reply(tx, ctx, year, res, a->event);
}
