/* retry: see retry.h. Runs on the worker inside the command batch. */
#include <stdio.h>
#include <stdlib.h>
#include "db.h"
#include "delivery_fsm.h"
#include "notify.pb-c.h"
#include "retry.h"

int retry_validate(const cmd_ctx_t *ctx, cmd_result_t *res)
{
    int64_t id;
    if (cmd_object_id(ctx, &id) != 0)
        return cmd_fail(res, 404, "not_found", "no such delivery");
    return 0;
}

int retry_execute(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res)
{
    Lianxin__V1__DeliveryRef ref = LIANXIN__V1__DELIVERY_REF__INIT;
    const char *p[2] = {ctx->cmd->district, ctx->cmd->object_id};
    int64_t id;
    PGresult *r;
    if (cmd_object_id(ctx, &id) != 0)
        return cmd_fail(res, 404, "not_found", "no such delivery");
    if (!(r = db_exec(tx_db(tx), "SELECT status FROM notify.deliveries WHERE district_code = $1"
                      " AND id = $2::bigint FOR UPDATE", 2, p)))
        return cmd_db_fail(tx, res, "retry");
    int state = PQntuples(r) == 1 ? delivery_state(PQgetvalue(r, 0, 0)) : -1;
    PQclear(r);
    if (state < 0)
        return cmd_fail(res, 404, "not_found", "no such delivery");
    if (cmd_fsm_gate(&delivery_fsm, state, 0, DELIVERY_EV_RETRY, ctx, NULL, res) != 0)
        return -1;
    if (db_run(tx_db(tx), "UPDATE notify.deliveries SET status = 'pending', attempts = 0,"
               " next_at = core.clock_now(), last_error = '' WHERE district_code = $1"
               " AND id = $2::bigint", 2, p) != 0)
        return cmd_db_fail(tx, res, "retry");
    ref.id = id;
    ref.status = "pending";
    if (cmd_record(tx, ctx, res, NULL, ctx->req, "notify.retry", "delivery", id) != 0)
        return -1;
    return cmd_ok(res, 200, &ref.base) ? cmd_fail(res, 500, "internal", "reply") : 0;
}
