/* assess_checkin: see assess_checkin.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <qrencode.h>
#include "assess.pb-c.h"
#include "assess_app.h"
#include "assess_checkin.h"
#include "assess_fsm.h"
#include "assess_meetings.h"
#include "crypto.h"
#include "timeutil.h"

#define MAC_HEX 32                  /* 16 bytes of the HMAC, in hex */

static int s_mac(const uint8_t key[32], const char *district, int64_t meeting, int64_t exp,
                 char hex[MAC_HEX + 1])
{
    char msg[128];
    uint8_t mac[32];
    int n = snprintf(msg, sizeof msg, "checkin|%s|%lld|%lld", district, (long long) meeting,
                     (long long) exp);
    if (n < 0 || (size_t) n >= sizeof msg
        || crypto_hmac_sha256(key, 32, msg, (size_t) n, mac) != 0)
        return -1;
    crypto_hex(mac, MAC_HEX / 2, hex);
    hex[MAC_HEX] = '\0';
    return 0;
}

int assess_checkin_sign(const uint8_t key[32], const char *district, int64_t meeting,
                        int64_t expires_s, char out[ASSESS_TOKEN_MAX])
{
    char hex[MAC_HEX + 1];
    if (s_mac(key, district, meeting, expires_s, hex) != 0)
        return -1;
    snprintf(out, ASSESS_TOKEN_MAX, "%lld.%lld.%s", (long long) meeting, (long long) expires_s,
             hex);
    return 0;
}

int assess_checkin_verify(const uint8_t key[32], const char *district, const char *token,
                          int64_t now_s, int64_t *meeting)
{
    long long m = 0, exp = 0;
    char given[MAC_HEX + 2] = "", want[MAC_HEX + 1];
    int used = 0;
    if (!token || strlen(token) >= ASSESS_TOKEN_MAX
        || sscanf(token, "%lld.%lld.%33[0-9a-f]%n", &m, &exp, given, &used) != 3
        || (size_t) used != strlen(token) || strlen(given) != MAC_HEX || m <= 0)
        return -1;
    if (s_mac(key, district, m, exp, want) != 0 || !crypto_equal(given, want, MAC_HEX)
        || now_s > exp)
        return -1;
    *meeting = m;
    return 0;
}

char *assess_checkin_svg(const char *text)
{
    QRcode *qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    if (!qr)
        return NULL;
    int w = qr->width, q = 4;
    size_t cap = 256 + (size_t) w * w * 40;
    char *svg = malloc(cap);
    if (svg) {
        size_t o = (size_t) snprintf(svg, cap, "<svg xmlns=\"http://www.w3.org/2000/svg\""
                                     " viewBox=\"0 0 %d %d\" shape-rendering=\"crispEdges\">"
                                     "<rect width=\"100%%\" height=\"100%%\" fill=\"#fff\"/>"
                                     "<path fill=\"#000\" d=\"", w + 2 * q, w + 2 * q);
        for (int y = 0; y < w; y++)
            for (int x = 0; x < w; x++)
                if (qr->data[y * w + x] & 1)
                    o += (size_t) snprintf(svg + o, cap - o, "M%d %dh1v1h-1z", x + q, y + q);
        snprintf(svg + o, cap - o, "\"/></svg>");
    }
    QRcode_free(qr);
    return svg;
}

/* ---- commands ------------------------------------------------------------------------------- */

int assess_checkin_code_execute(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res)
{
    const assess_app_t *app = ctx->app;
    int64_t meeting;
    char mt[24], token[ASSESS_TOKEN_MAX], url[320], exp[40];
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
    if (assess_checkin_sign(app->checkin_key, ctx->cmd->district, meeting, ends, token) != 0)
        return cmd_fail(res, 500, "internal", "签到码生成失败");
    snprintf(url, sizeof url, "%s/#/checkin/%s", app->public_url, token);
    time_format(ends * 1000000, exp, sizeof exp);
    Lianxin__V1__CheckinCode code = LIANXIN__V1__CHECKIN_CODE__INIT;
    code.meeting_id = meeting;
    code.token = token;
    code.url = url;
    code.expires_at = exp;
    code.svg = assess_checkin_svg(url);
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
    if (!c->token || !*c->token)
        return cmd_field_error(res, "token", "required");
    if (assess_checkin_verify(app->checkin_key, ctx->cmd->district, c->token, now / 1000000,
                              &meeting) != 0) {
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
