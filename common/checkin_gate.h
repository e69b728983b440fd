/* checkin_gate: what the services that take check-ins (签到) share around
 * common/checkin and common/checkin_cfg: the office's link of an object (its
 * token, the console's address, the expiry, the QR code) and a member's
 * token checked as a command's answer (400 missing or too long, 403 forged
 * or expired, 409 outside the window; field `token`). The object's own
 * refusals (another object's token, not a participant) stay the service's.
 * Never logs a token or a key. */
#ifndef LIANXIN_CHECKIN_GATE_H
#define LIANXIN_CHECKIN_GATE_H

#include <stdint.h>
#include "checkin.h"
#include "checkin_cfg.h"
#include "cmd.h"

typedef struct checkin_link {
    char token[CHECKIN_TOKEN_MAX];
    char url[320];                  /* <public_url>/#/<page>/<token> */
    char expires_at[40];            /* RFC 3339 (UTC+8) */
    char *svg;                      /* the QR code of url, malloc'd */
} checkin_link_t;

#define CHECKIN_SCOPE_MAX 40

/* The scope "<district>/<kind>" ("330303/activity") into scope. Returns scope. */
const char *checkin_gate_scope(const char *district, const char *kind,
                               char scope[CHECKIN_SCOPE_MAX]);

/* The link of (scope, id) valid until `ends_us`, to the console's page
 * `page` ("checkin"), into out. 0, or -1 (out's svg NULL). Free with
 * checkin_gate_link_clear. */
int checkin_gate_link(const checkin_cfg_t *cfg, const char *scope, int64_t id, int64_t ends_us,
                      const char *page, checkin_link_t *out);
void checkin_gate_link_clear(checkin_link_t *link);

/* A member's `token` under `scope` at `now_us`: 0 with the object's id in
 * *id, or -1 with res answered (400 required / too_long, 403
 * checkin_refused invalid). */
int checkin_gate_token(const checkin_cfg_t *cfg, const char *scope, const char *token,
                       int64_t now_us, int64_t *id, cmd_result_t *res);

/* 0 when `now_us` lies in the window of an object from `starts_us` to
 * `ends_us` (checkin_cfg_window_open; an object without times is never
 * open), else -1 with res answered 409 checkin_refused outside_window. */
int checkin_gate_window(const checkin_cfg_t *cfg, int64_t now_us, int64_t starts_us,
                        int64_t ends_us, cmd_result_t *res);

#endif
