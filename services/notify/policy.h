/* policy: when a delivery is tried again and when an SMS may go. Pure: the
 * instant and the random draw are arguments. Local time is UTC+8, the
 * platform's (timeutil.h). */
#ifndef LIANXIN_NOTIFY_POLICY_H
#define LIANXIN_NOTIFY_POLICY_H

#include <stdint.h>

/* Quiet hours as minutes of the local day, [start, end) wrapping midnight
 * when start > end (the default 22:00-08:00 is 1320, 480). */
typedef struct policy_quiet {
    int start_min, end_min;
} policy_quiet_t;

/* Parses "22:00-08:00" into q; "" or "off" disables (start == end). 0 or -1. */
int policy_quiet_parse(const char *text, policy_quiet_t *q);

/* 0 when `now_us` is outside the quiet hours, else the instant (us) they
 * end: where an SMS is deferred to. */
int64_t policy_quiet_until(const policy_quiet_t *q, int64_t now_us);

/* The wait before try `attempt` + 1 after `attempt` (>= 1) failed tries:
 * base * 2^(attempt-1), at most cap, then scaled by 0.5 + rnd / 2 (rnd in
 * [0, 1]: "equal jitter"), in ms. */
int64_t policy_backoff_ms(int attempt, int64_t base_ms, int64_t cap_ms, double rnd);

#endif
