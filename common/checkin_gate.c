/* checkin_gate: a check-in's link and a member's token as a command's
 * answer (see checkin_gate.h). Never logs a token. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "checkin_gate.h"
#include "timeutil.h"

const char *checkin_gate_scope(const char *district, const char *kind,
                               char scope[CHECKIN_SCOPE_MAX])
{
    snprintf(scope, CHECKIN_SCOPE_MAX, "%s/%s", district, kind);
    return scope;
}

int checkin_gate_link(const checkin_cfg_t *cfg, const char *scope, int64_t id, int64_t ends_us,
                      const char *page, checkin_link_t *out)
{
    memset(out, 0, sizeof *out);
    if (checkin_sign(cfg->key, scope, id, ends_us / 1000000, out->token) != 0)
        return -1;
    snprintf(out->url, sizeof out->url, "%s/#/%s/%s", cfg->public_url, page, out->token);
    time_format(ends_us, out->expires_at, sizeof out->expires_at);
    out->svg = checkin_svg(out->url);
    return out->svg ? 0 : -1;
}

void checkin_gate_link_clear(checkin_link_t *link)
{
    free(link->svg);
    link->svg = NULL;
}

int checkin_gate_token(const checkin_cfg_t *cfg, const char *scope, const char *token,
                       int64_t now_us, int64_t *id, cmd_result_t *res)
{
    if (!token || !*token)
        return cmd_field_error(res, "token", "required");
    if (strlen(token) >= CHECKIN_TOKEN_MAX)
        return cmd_field_error(res, "token", "too_long");
    if (checkin_verify(cfg->key, scope, token, now_us / 1000000, id) != 0) {
        cmd_fail(res, 403, "checkin_refused", "签到码无效或已过期");
        return cmd_field_error(res, "token", "invalid");
    }
    return 0;
}

int checkin_gate_window(const checkin_cfg_t *cfg, int64_t now_us, int64_t starts_us,
                        int64_t ends_us, cmd_result_t *res)
{
    if (ends_us > 0 && checkin_cfg_window_open(cfg->before_min, now_us, starts_us, ends_us))
        return 0;
    cmd_fail(res, 409, "checkin_refused", "不在签到时间内");
    return cmd_field_error(res, "token", "outside_window");
}
