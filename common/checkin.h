/* checkin: signed, time-limited check-in links (签到) for anything members
 * attend: an office meeting, a consultation, a supervision activity. A
 * token "<id>.<expiry s>.<mac>" is bound by its HMAC-SHA256 (16 bytes, hex)
 * to a scope ("330303/meeting", "330303/consultation") and an object id, so
 * a token of another district, kind or object is refused; and the QR code of
 * a link as SVG (libqrencode). Pure; never logs a token or a key. */
#ifndef LIANXIN_CHECKIN_H
#define LIANXIN_CHECKIN_H

#include <stdint.h>

#define CHECKIN_TOKEN_MAX 96

/* The token of (scope, id) valid until `expires_s` (unix seconds). 0 or -1. */
int checkin_sign(const uint8_t key[32], const char *scope, int64_t id, int64_t expires_s,
                 char out[CHECKIN_TOKEN_MAX]);

/* 0 when `token` is a valid signature under `scope` of some id (into *id)
 * that has not expired at `now_s`; -1 otherwise (forged, another scope,
 * malformed, expired). */
int checkin_verify(const uint8_t key[32], const char *scope, const char *token, int64_t now_s,
                   int64_t *id);

/* The QR code of `text` as an SVG document (malloc'd), or NULL. */
char *checkin_svg(const char *text);

#endif
