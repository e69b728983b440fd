/* assess_checkin: check-in (签到) by a QR code shown at the venue: the
 * office asks for a signed link bound to the meeting and valid until its
 * end (HMAC-SHA256 under assess.checkin_key over district, meeting and
 * expiry); the member's phone opens it and posts the token. Refused: a bad
 * or expired signature, a token of another meeting, a time outside the
 * window (from assess.checkin_before_min before the start to the end). The
 * token rules are pure (assess_checkin_sign / _verify); the QR code is
 * drawn by libqrencode as SVG. Never logs a token. */
#ifndef LIANXIN_ASSESS_CHECKIN_H
#define LIANXIN_ASSESS_CHECKIN_H

#include <stddef.h>
#include <stdint.h>
#include "cmd.h"

#define ASSESS_TOKEN_MAX 96

/* The token "<meeting>.<expiry s>.<mac>" for (district, meeting, expiry). 0 or -1. */
int assess_checkin_sign(const uint8_t key[32], const char *district, int64_t meeting,
                        int64_t expires_s, char out[ASSESS_TOKEN_MAX]);

/* 0 when `token` is a valid signature of `district` for some meeting (into
 * *meeting) that has not expired at `now_s`; -1 otherwise. */
int assess_checkin_verify(const uint8_t key[32], const char *district, const char *token,
                          int64_t now_s, int64_t *meeting);

/* The QR code of `text` as an SVG document (malloc'd), or NULL. */
char *assess_checkin_svg(const char *text);

int assess_checkin_code_execute(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res);
int assess_checkin_execute(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res);

#endif
