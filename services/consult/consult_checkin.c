/* consult_checkin: see consult_checkin.h. The link and the token's
 * refusals are common/checkin_gate. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "checkin_gate.h"
#include "consult_checkin.h"
#include "consult_people.h"
#include "timeutil.h"

int consult_checkin_code(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res)
{
    const consult_app_t *app = ctx->app;
    consultation_t c;
    checkin_link_t link;
    char scope[CHECKIN_SCOPE_MAX];
    if (consult_begin(tx, ctx, CONSULT_EV_CHECKIN_CODE, &c, res) != 0)
        return -1;
    if (c.end_us <= 0)
        return consult_refuse(res, "starts_at", "required", "尚未安排协商时间");
    if (tx_now_us(tx) > c.end_us)
        return consult_refuse(res, "ends_at", "past", "协商已结束");
    checkin_gate_scope(ctx->cmd->district, "consultation", scope);
    if (checkin_gate_link(&app->checkin, scope, c.id, c.end_us, "consult-checkin", &link) != 0) {
        checkin_gate_link_clear(&link);
        return cmd_fail(res, 500, "internal", "签到码生成失败");
    }
    Lianxin__V1__ConsultationCheckinCode code = LIANXIN__V1__CONSULTATION_CHECKIN_CODE__INIT;
    code.consultation_id = c.id;
    code.token = link.token;
    code.url = link.url;
    code.expires_at = link.expires_at;
    code.svg = link.svg;
    int rc = consult_record(tx, ctx->cmd->district, ctx->cmd->actor, &c, FSM_SAME,
                            "checkin_code", NULL, res);
    if (rc == 0)
        rc = cmd_ok(res, 200, &code.base);
    checkin_gate_link_clear(&link);
    return rc;
}

int consult_checkin_in(tx_t *tx, const cmd_ctx_t *ctx, consultation_t *c,
                       const Lianxin__V1__ConsultationAction *a, cmd_result_t *res)
{
    const consult_app_t *app = ctx->app;
    int64_t id = 0, now = tx_now_us(tx);
    char scope[CHECKIN_SCOPE_MAX];
    checkin_gate_scope(ctx->cmd->district, "consultation", scope);
    if (checkin_gate_token(&app->checkin, scope, a->token, now, &id, res) != 0)
        return -1;
    if (id != c->id) {
        cmd_fail(res, 409, "checkin_refused", "签到码不属于本次协商");
        return cmd_field_error(res, "token", "another_consultation");
    }
    if (checkin_gate_window(&app->checkin, now, c->start_us, c->end_us, res) != 0)
        return -1;
    return consult_people_mark(tx, ctx, c, ctx->cmd->actor->member_id, "present",
                               "consultation.checkin", res);
}
