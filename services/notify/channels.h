/* channels: sends one delivery with libcurl: e-mail over SMTP to the
 * configured relay, SMS through the city's HTTP gateway (a JSON POST with a
 * bearer token), webhooks to partner systems (a JSON POST signed with
 * HMAC-SHA256 over "<timestamp>.<body>"). Every request carries the
 * delivery's idempotency key (header Idempotency-Key; for e-mail also the
 * Message-ID), so a send repeated after a crash is recognisable. Blocking,
 * bounded by the configured timeout: called on a channel's own sender
 * thread, never on the loop or the consumer's worker. Never logs addresses
 * or texts. */
#ifndef LIANXIN_NOTIFY_CHANNELS_H
#define LIANXIN_NOTIFY_CHANNELS_H

#include <stddef.h>
#include <stdint.h>
#include "config.h"

#define CHANNELS_MAX_URL 512

typedef struct channels_cfg {
    char smtp_url[CHANNELS_MAX_URL];    /* notify.smtp_url: smtp://127.0.0.1:2525 ("": off) */
    char smtp_from[256];                /* notify.smtp_from */
    char sms_url[CHANNELS_MAX_URL];     /* notify.sms_url ("": off) */
    char sms_token[256];                /* notify.sms_token */
    long timeout_ms;                    /* notify.send_timeout_ms (default 10000) */
} channels_cfg_t;

/* One delivery as its sender claimed it. */
typedef struct channels_msg {
    const char *channel;                /* email, sms, webhook */
    const char *address;                /* e-mail address, phone, partner code */
    const char *key;                    /* idempotency key */
    const char *subject;
    const char *body;
    const char *url, *secret;           /* webhook: the partner's endpoint and key */
    int64_t now_us;                     /* webhook: the signed timestamp */
} channels_msg_t;

/* Reads the keys above. 0, or -1 when a value is malformed (logged). */
int channels_config(const config_t *cfg, channels_cfg_t *out);

/* 1 when `channel` is configured (its URL set). */
int channels_enabled(const channels_cfg_t *cfg, const char *channel);

/* Sends m. 0 when the other side accepted it (SMTP 250, HTTP 2xx); -1 with
 * a short reason in err (curl's error or "http 503"), never the texts. */
int channels_send(const channels_cfg_t *cfg, const channels_msg_t *m, char *err, size_t errsz);

/* The webhook signature: lowercase hex of HMAC-SHA256(secret,
 * "<ts>.<body>") into out (65 bytes). 0 or -1. */
int channels_sign(const char *secret, const char *ts, const char *body, char out[65]);

#endif
