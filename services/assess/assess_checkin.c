/* assess_checkin: see assess_checkin.h. The link, the token and the window
 * are common/checkin_gate's (scope "<district>/meeting"). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "assess.pb-c.h"
#include "assess_app.h"
#include "assess_checkin.h"
#include "assess_fsm.h"
#include "assess_meetings.h"
#include "checkin_gate.h"

/* ---- commands ------------------------------------------------------------------------------- */

int assess_checkin_code_execute(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res)
{
    const assess_app_t *app = ctx->app;
    int64_t meeting;
    char mt[24], scope[CHECKIN_SCOPE_MAX];
    checkin_link_t link;
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
    checkin_gate_scope(ctx->cmd->district, "meeting", scope);
    if (checkin_gate_link(&app->checkin, scope, meeting, ends * 1000000, "checkin", &link) != 0) {
        checkin_gate_link_clear(&link);
        return cmd_fail(res, 500, "internal", "签到码生成失败");
    }
    Lianxin__V1__CheckinCode code = LIANXIN__V1__CHECKIN_CODE__INIT;
    code.meeting_id = meeting;
    code.token = link.token;
    code.url = link.url;
    code.expires_at = link.expires_at;
    code.svg = link.svg;
    int rc = cmd_record(tx, ctx, res, NULL, &code.base, "meeting.checkin_code", "meeting", meeting);
    if (rc == 0)
        rc = cmd_ok(res, 200, &code.base);
    checkin_gate_link_clear(&link);
    return rc;
}

int assess_checkin_execute(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res)
{
    const Lianxin__V1__CheckIn *c = (const Lianxin__V1__CheckIn *) ctx->req;
    const assess_app_t *app = ctx->app;
    int64_t meeting = 0, now = tx_now_us(tx);
    assess_line_t line;
    char scope[CHECKIN_SCOPE_MAX];
    checkin_gate_scope(ctx->cmd->district, "meeting", scope);
    if (checkin_gate_token(&app->checkin, scope, c->token, now, &meeting, res) != 0)
        return -1;
    if (c->meeting_id > 0 && c->meeting_id != meeting) {
        cmd_fail(res, 409, "checkin_refused", "签到码不属于本次会议");
        return cmd_field_error(res, "meeting_id", "mismatch");
    }
    if (assess_line_load(tx, ctx, meeting, ctx->cmd->actor->member_id, &line, res) != 0)
        return -1;
    /* a meeting closed or cancelled has no window */
    int64_t ends = strcmp(line.state, "scheduled") == 0 ? line.ends_us : 0;
    if (checkin_gate_window(&app->checkin, now, line.starts_us, ends, res) != 0)
        return -1;
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
