/* assess_checkin: see assess_checkin.h. The token and QR rules are
 * common/checkin (scope "<district>/meeting"). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "assess.pb-c.h"
#include "assess_app.h"
#include "assess_checkin.h"
#include "assess_fsm.h"
#include "assess_meetings.h"
#include "checkin.h"
#include "timeutil.h"

/* ---- commands ------------------------------------------------------------------------------- */

int assess_checkin_code_execute(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res)
{
    const assess_app_t *app = ctx->app;
    int64_t meeting;
    char mt[24], token[CHECKIN_TOKEN_MAX], url[320], exp[40], scope[40];
    if (cmd_object_id(ctx, &meeting) != 0)
        return cmd_fail(res, 404, "not_found", "没有找到该会议");
    const char *p[2] = {ctx->cmd->district, db_num(mt, meeting)};
    PGresult *r = db_exec(tx_db(tx), "SELECT state, (extract(epoch FROM ends_at))::bigint"
                          " FROM assess.meetings WHERE district_code = $1 AND id = $2::bigint",
                          2, p);
    if (!r)
        return cmd_db_fail(tx, res, "assess.code");
    if (PQntuples(r) == 0 || strcmp(PQgetvalue(r, 0, 0), "scheduled") != 0) {
        int none = PQntuples(r) == 0;
        PQclear(r);
        return none ? cmd_fail(res, 404, "not_found", "没有找到该会议")
                    : cmd_fail(res, 409, "conflict", "会议已结束或已取消");
    }
    int64_t ends = strtoll(PQgetvalue(r, 0, 1), NULL, 10);
    PQclear(r);
    snprintf(scope, sizeof scope, "%s/meeting", ctx->cmd->district);
    if (checkin_sign(app->checkin_key, scope, meeting, ends, token) != 0)
        return cmd_fail(res, 500, "internal", "签到码生成失败");
    snprintf(url, sizeof url, "%s/#/checkin/%s", app->public_url, token);
    time_format(ends * 1000000, exp, sizeof exp);
    Lianxin__V1__CheckinCode code = LIANXIN__V1__CHECKIN_CODE__INIT;
    code.meeting_id = meeting;
    code.token = token;
    code.url = url;
    code.expires_at = exp;
    code.svg = checkin_svg(url);
    if (!code.svg)
        return cmd_fail(res, 500, "internal", "签到码生成失败");
    int rc = cmd_record(tx, ctx, res, NULL, &code.base, "meeting.checkin_code", "meeting", meeting);
    if (rc == 0)
        rc = cmd_ok(res, 200, &code.base);
    free(code.svg);
    return rc;
}

int assess_checkin_execute(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res)
{
    const Lianxin__V1__CheckIn *c = (const Lianxin__V1__CheckIn *) ctx->req;
    const assess_app_t *app = ctx->app;
    int64_t meeting = 0, now = tx_now_us(tx);
    assess_line_t line;
    char scope[40];
    if (!c->token || !*c->token)
        return cmd_field_error(res, "token", "required");
    snprintf(scope, sizeof scope, "%s/meeting", ctx->cmd->district);
    if (checkin_verify(app->checkin_key, scope, c->token, now / 1000000, &meeting) != 0) {
        cmd_fail(res, 403, "checkin_refused", "签到码无效或已过期");
        return cmd_field_error(res, "token", "invalid");
    }
    if (c->meeting_id > 0 && c->meeting_id != meeting) {
        cmd_fail(res, 409, "checkin_refused", "签到码不属于本次会议");
        return cmd_field_error(res, "meeting_id", "mismatch");
    }
    if (assess_line_load(tx, ctx, meeting, ctx->cmd->actor->member_id, &line, res) != 0)
        return -1;
    if (strcmp(line.state, "scheduled") != 0 || now > line.ends_us
        || now < line.starts_us - (int64_t) app->checkin_before_min * 60 * 1000000) {
        cmd_fail(res, 409, "checkin_refused", "不在签到时间内");
        return cmd_field_error(res, "token", "outside_window");
    }
    if (cmd_fsm_gate(&assess_attendance_fsm, fsm_state_from_name(&assess_attendance_fsm,
                     line.status), 0, ATT_EV_CHECKIN, ctx, NULL, res) != 0)
        return -1;
    if (assess_line_set(tx, ctx, &line, "present", "meeting.checkin", res) != 0)
        return -1;
    Lianxin__V1__AttendanceRef ref = LIANXIN__V1__ATTENDANCE_REF__INIT;
    ref.meeting_id = meeting;
    ref.member_id = line.member_id;
    ref.status = line.status;
    ref.leave = line.leave;
    return cmd_ok(res, 200, &ref.base);
}
