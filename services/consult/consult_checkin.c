/* consult_checkin: see consult_checkin.h. The token and QR rules are
 * common/checkin, the settings and the window common/checkin_cfg. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "checkin.h"
#include "consult_checkin.h"
#include "consult_people.h"
#include "timeutil.h"

static void s_scope(const cmd_ctx_t *ctx, char scope[40])
{
    snprintf(scope, 40, "%s/consultation", ctx->cmd->district);
}

/* The signed link, its QR code and expiry into code (svg malloc'd). */
static int s_sign(const cmd_ctx_t *ctx, const consultation_t *c, char token[CHECKIN_TOKEN_MAX],
                  char url[320], char exp[40], Lianxin__V1__ConsultationCheckinCode *code)
{
    const consult_app_t *app = ctx->app;
    char scope[40];
    s_scope(ctx, scope);
    if (checkin_sign(app->checkin.key, scope, c->id, c->end_us / 1000000, token) != 0)
        return -1;
    snprintf(url, 320, "%s/#/checkin/%s", app->checkin.public_url, token);
    time_format(c->end_us, exp, 40);
    code->consultation_id = c->id;
    code->token = token;
    code->url = url;
    code->expires_at = exp;
    code->svg = checkin_svg(url);
    return code->svg ? 0 : -1;
}

int consult_checkin_code(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res)
{
    consultation_t c;
    char token[CHECKIN_TOKEN_MAX], url[320], exp[40];
    if (consult_begin(tx, ctx, CONSULT_EV_CHECKIN_CODE, &c, res) != 0)
        return -1;
    if (c.end_us <= 0)
        return consult_refuse(res, "starts_at", "required", "尚未安排协商时间");
    if (tx_now_us(tx) > c.end_us)
        return consult_refuse(res, "ends_at", "past", "协商已结束");
    Lianxin__V1__ConsultationCheckinCode code = LIANXIN__V1__CONSULTATION_CHECKIN_CODE__INIT;
    if (s_sign(ctx, &c, token, url, exp, &code) != 0) {
        free(code.svg);
        return cmd_fail(res, 500, "internal", "签到码生成失败");
    }
    int rc = consult_record(tx, ctx->cmd->district, ctx->cmd->actor, &c, FSM_SAME,
                            "checkin_code", NULL, res);
    if (rc == 0)
        rc = cmd_ok(res, 200, &code.base);
    free(code.svg);
    return rc;
}

int consult_checkin_in(tx_t *tx, const cmd_ctx_t *ctx, consultation_t *c,
                       const Lianxin__V1__ConsultationAction *a, cmd_result_t *res)
{
    const consult_app_t *app = ctx->app;
    int64_t id = 0, now = tx_now_us(tx);
    char scope[40];
    if (!a->token || !*a->token)
        return cmd_field_error(res, "token", "required");
    if (strlen(a->token) >= CHECKIN_TOKEN_MAX)
        return cmd_field_error(res, "token", "too_long");
    s_scope(ctx, scope);
    if (checkin_verify(app->checkin.key, scope, a->token, now / 1000000, &id) != 0) {
        cmd_fail(res, 403, "checkin_refused", "签到码无效或已过期");
        return cmd_field_error(res, "token", "invalid");
    }
    if (id != c->id) {
        cmd_fail(res, 409, "checkin_refused", "签到码不属于本次协商");
        return cmd_field_error(res, "token", "another_consultation");
    }
    if (c->end_us <= 0
        || !checkin_cfg_window_open(app->checkin.before_min, now, c->start_us, c->end_us)) {
        cmd_fail(res, 409, "checkin_refused", "不在签到时间内");
        return cmd_field_error(res, "token", "outside_window");
    }
    return consult_people_mark(tx, ctx, c, ctx->cmd->actor->member_id, "present",
                               "consultation.checkin", res);
}
