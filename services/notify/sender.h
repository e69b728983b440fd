/* sender: one thread per external channel (email, sms, webhook) that sends
 * the channel's due deliveries of notify.deliveries, so a slow or dead
 * channel delays neither the inbox (the consumer's worker) nor another
 * channel. A round claims up to SENDER_BATCH due rows (status sending, the
 * attempt counted, committed BEFORE sending), sends each (channels.h) and
 * records the outcome: sent; or pending again after an exponential backoff
 * with jitter; or dead after the last try (notify.retry_max), the error kept.
 * An SMS due in the quiet hours is deferred to their end, not sent. At start
 * the channel's rows left 'sending' by a crash go back to pending: sent
 * again with the same idempotency key. Counters per outcome for /metrics.
 * Never logs addresses or texts. */
#ifndef LIANXIN_NOTIFY_SENDER_H
#define LIANXIN_NOTIFY_SENDER_H

#include <stdint.h>
#include "channels.h"
#include "config.h"
#include "policy.h"

#define SENDER_BATCH 16

typedef struct sender sender_t;

typedef struct sender_opts {
    const char *channel;                /* email, sms, webhook */
    const char *dsn;                    /* notify's PostgreSQL */
    const channels_cfg_t *channels;
    const config_t *cfg;                /* webhook: notify.webhook_<partner>_url/_secret */
    policy_quiet_t quiet;               /* applied to sms only */
    int retry_max;                      /* tries before dead (notify.retry_max, default 5) */
    int64_t retry_base_ms, retry_cap_ms;
    int poll_ms;                        /* idle wait between rounds */
} sender_opts_t;

typedef struct sender_counts {
    uint64_t sent, failed, dead, deferred;
} sender_counts_t;

/* Starts the channel's thread. NULL when it cannot (logged). */
sender_t *sender_start(const sender_opts_t *opts);

/* Stops the thread (after the send in flight) and frees. NULL is a no-op. */
void sender_stop(sender_t *s);

/* The counters so far (read without a lock: monotonic 64-bit values). */
sender_counts_t sender_counts(const sender_t *s);

#endif
