/* consult_sched: conflicts and free slots (see consult_sched.h). Pure: the
 * bookings are handed in; the suggestion walks the days once and, per day,
 * only the bookings of the parties asked about. */
#include <stdlib.h>
#include <string.h>
#include "consult_sched.h"

#define MIN_US (60LL * 1000000)

const sched_hours_t sched_default_hours = {
    .nwin = 2, .win = {{8 * 60 + 30, 12 * 60}, {14 * 60, 17 * 60 + 30}}, .step_min = 30};

int sched_span_check(int64_t start_us, int64_t end_us)
{
    if (end_us <= start_us)
        return SCHED_EORDER;
    if (end_us - start_us > SCHED_MAX_MINUTES * MIN_US)
        return SCHED_ETOOLONG;
    /* the end may be the midnight that closes the start's day */
    if (calendar_day_of_us(start_us) != calendar_day_of_us(end_us - 1))
        return SCHED_EMIDNIGHT;
    return SCHED_OK;
}

void sched_duty_span(calendar_day_t day, int64_t *start_us, int64_t *end_us)
{
    int64_t d = calendar_day_start_us(day);
    *start_us = d + SCHED_DUTY_FROM_MIN * MIN_US;
    *end_us = d + SCHED_DUTY_TO_MIN * MIN_US;
}

static int s_party(const sched_booking_t *b, const sched_party_t *p, size_t np)
{
    for (size_t i = 0; i < np; i++)
        if (p[i].kind == b->kind && p[i].who == b->who)
            return 1;
    return 0;
}

long sched_conflict(const sched_booking_t *b, size_t nb, const sched_party_t *parties,
                    size_t np, int64_t start_us, int64_t end_us, int64_t self_ref)
{
    for (size_t i = 0; i < nb; i++) {
        if (!b[i].duty && self_ref && b[i].ref == self_ref)
            continue;
        if (b[i].start_us < end_us && start_us < b[i].end_us && s_party(&b[i], parties, np))
            return (long) i;
    }
    return -1;
}

static int s_workday(const calendar_t *cal, calendar_day_t day)
{
    if (cal)
        return calendar_workday(cal, day);
    return calendar_day_weekday(day) <= 5;
}

static int s_by_start(const void *a, const void *b)
{
    const sched_booking_t *x = a, *y = b;
    return x->start_us < y->start_us ? -1 : x->start_us > y->start_us;
}

/* The first start >= t where [start, start + len) is free of `busy` (sorted
 * by start): `t` itself when it is free. */
static int64_t s_free_from(const sched_booking_t *busy, size_t n, int64_t t, int64_t len)
{
    for (size_t i = 0; i < n; i++) {
        if (busy[i].start_us >= t + len)
            break;
        if (busy[i].end_us > t)
            t = busy[i].end_us;
    }
    return t;
}

static int64_t s_align(int64_t t, int64_t day0, int step_min)
{
    int64_t step = (int64_t) step_min * MIN_US, off = t - day0;
    return day0 + (off + step - 1) / step * step;
}

long sched_suggest(const calendar_t *cal, const sched_hours_t *hours, const sched_booking_t *b,
                   size_t nb, const sched_party_t *parties, size_t np, int64_t from_us,
                   calendar_day_t last, int minutes, int64_t *out, size_t max)
{
    if (!hours || hours->step_min <= 0 || minutes <= 0 || minutes > SCHED_MAX_MINUTES
        || (!b && nb) || (!parties && np) || (!out && max))
        return -1;
    sched_booking_t *mine = malloc((nb ? nb : 1) * sizeof *mine);
    if (!mine)
        return -1;
    size_t nm = 0, found = 0;
    for (size_t i = 0; i < nb; i++)
        if (b[i].end_us > from_us && s_party(&b[i], parties, np))
            mine[nm++] = b[i];
    qsort(mine, nm, sizeof *mine, s_by_start);
    int64_t len = (int64_t) minutes * MIN_US;
    size_t first = 0;
    for (calendar_day_t day = calendar_day_of_us(from_us); day <= last && found < max; day++) {
        if (!s_workday(cal, day))
            continue;
        int64_t day0 = calendar_day_start_us(day);
        while (first < nm && mine[first].end_us <= day0)
            first++;
        for (int w = 0; w < hours->nwin && found < max; w++) {
            int64_t t = day0 + hours->win[w].from_min * MIN_US;
            int64_t wend = day0 + hours->win[w].to_min * MIN_US;
            if (t < from_us)
                t = s_align(from_us, day0, hours->step_min);
            while (t + len <= wend && found < max) {
                int64_t f = s_align(s_free_from(mine + first, nm - first, t, len), day0,
                                    hours->step_min);
                if (f == t) {
                    out[found++] = t;
                    t += len;                 /* the next suggestion does not overlap */
                    t = s_align(t, day0, hours->step_min);
                } else {
                    t = f;
                }
            }
        }
    }
    free(mine);
    return (long) found;
}
