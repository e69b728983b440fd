/* policy: see policy.h. */
#include <stdio.h>
#include <string.h>
#include "policy.h"

#define S_DAY_US (86400LL * 1000000)
#define S_LOCAL_US (8LL * 3600 * 1000000)      /* UTC+8 */

int policy_quiet_parse(const char *text, policy_quiet_t *q)
{
    int h1, m1, h2, m2;
    char tail;
    if (!text || !text[0] || strcmp(text, "off") == 0) {
        q->start_min = q->end_min = 0;
        return 0;
    }
    if (sscanf(text, "%d:%d-%d:%d%c", &h1, &m1, &h2, &m2, &tail) != 4 || h1 < 0 || h1 > 23
        || h2 < 0 || h2 > 23 || m1 < 0 || m1 > 59 || m2 < 0 || m2 > 59)
        return -1;
    q->start_min = h1 * 60 + m1;
    q->end_min = h2 * 60 + m2;
    return 0;
}

int64_t policy_quiet_until(const policy_quiet_t *q, int64_t now_us)
{
    if (q->start_min == q->end_min)
        return 0;
    int64_t local = now_us + S_LOCAL_US;
    int64_t day = local - ((local % S_DAY_US) + S_DAY_US) % S_DAY_US;  /* local midnight */
    int64_t min = (local - day) / 60000000;
    int64_t end = day + (int64_t) q->end_min * 60000000;
    int quiet;
    if (q->start_min < q->end_min)
        quiet = min >= q->start_min && min < q->end_min;
    else
        quiet = min >= q->start_min || min < q->end_min;
    if (!quiet)
        return 0;
    if (end <= local)
        end += S_DAY_US;
    return end - S_LOCAL_US;
}

int64_t policy_backoff_ms(int attempt, int64_t base_ms, int64_t cap_ms, double rnd)
{
    int64_t d = base_ms;
    for (int i = 1; i < attempt && d < cap_ms; i++)
        d *= 2;
    if (d > cap_ms)
        d = cap_ms;
    if (rnd < 0)
        rnd = 0;
    if (rnd > 1)
        rnd = 1;
    return (int64_t) ((double) d * (0.5 + rnd / 2));
}
