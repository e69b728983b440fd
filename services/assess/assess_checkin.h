/* assess_checkin: check-in (签到) by a QR code shown at the venue: the
 * office asks for a signed link bound to the meeting and valid until its
 * end (HMAC-SHA256 under assess.checkin_key over district, meeting and
 * expiry); the member's phone opens it and posts the token. Refused: a bad
 * or expired signature, a token of another meeting, a time outside the
 * window (from assess.checkin_before_min before the start to the end). The
 * link, the token check and the window are common/checkin_gate's (scope
 * "<district>/meeting"; a token of CHECKIN_TOKEN_MAX characters or more is
 * 400 too_long): consult and supervise take theirs the same way under their
 * own scopes. Never logs a token. */
#ifndef LIANXIN_ASSESS_CHECKIN_H
#define LIANXIN_ASSESS_CHECKIN_H

#include "cmd.h"

int assess_checkin_code_execute(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res);
int assess_checkin_execute(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res);

#endif
