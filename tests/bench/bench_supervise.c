/* bench_supervise: lianxin-supervise's ladder under load (make bench; not
 * part of make test). On a fresh stack from the integration harness,
 * 100,000 open tracked items of district 330303 with their ladder timers,
 * 10,000 of them urged on one day (the others later); the stack's clock
 * moves to that day and the bench measures how long the ladder takes to
 * fire all 10,000 steps (item.urged, each with its audit row and timeline
 * row), checks that each fired exactly once, and reads lianxin-supervise's
 * RSS. supervise.timer_ms is 100 here (the default 2000 spaces the ticks
 * that each fire at most 500 rows per district). Exit 0 when it ran (1 when
 * a step was lost or doubled), 2 when it could not run. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fixtures.h"
#include "harness.h"

#define N_OPEN "100000"
#define N_DUE 10000

int main(void)
{
    int rc = 0;
    harness_t *h = harness_new("bench_supervise");
    if (!h)
        return 2;
    harness_set(h, "log.level", "warn");
    harness_set(h, "supervise.timer_ms", "100");
    if (harness_start_all(h) != 0)
        rc = 2;
    /* items: every 10th urged tomorrow (10,000), the others in 30..59 days */
    const char *q[1] = {N_OPEN};
    int64_t t0 = harness_now_ms();
    PGresult *r = rc ? NULL : harness_sql(h,
        "WITH i AS (INSERT INTO supervise.items (district_code, id, source, source_id, title,"
        "  unit_id, due_on, registered_on, created_at, updated_at)"
        "  SELECT '330303', nextval('supervise.item_ids'), 'outcome', g, '协商成果落实情况',"
        "  1 + g % 3, (core.clock_now() AT TIME ZONE 'Asia/Shanghai')::date + 40,"
        "  (core.clock_now() AT TIME ZONE 'Asia/Shanghai')::date, core.clock_now(),"
        "  core.clock_now() FROM generate_series(1, $1::int) g RETURNING id, source_id)"
        " INSERT INTO supervise.timers SELECT '330303', 'ladder.urged', id,"
        "  CASE WHEN source_id % 10 = 0 THEN date_trunc('day', core.clock_now() AT TIME ZONE"
        "  'Asia/Shanghai') AT TIME ZONE 'Asia/Shanghai' + interval '1 day'"
        "  ELSE core.clock_now() + interval '30 days' + (source_id % 30) * interval '1 day' END,"
        "  NULL FROM i", 1, q);
    if (!rc && !r)
        rc = 2;
    PQclear(r);
    long rss0 = -1, hwm0 = -1, rss = -1, hwm = -1;
    if (rc == 0) {
        fprintf(stderr, "bench: %s items and their timers written in %lld ms\n", N_OPEN,
                (long long) (harness_now_ms() - t0));
        fixture_rss(h, "supervise", &rss0, &hwm0);
        harness_clock_advance(h, 86400LL * 1000000);      /* at least into tomorrow */
    }
    int64_t start = harness_now_ms(), end = start;
    long long fired = 0;
    while (rc == 0 && harness_now_ms() - start < 600000) {
        fired = harness_sql_ll(h, "SELECT count(*) FROM supervise.items WHERE step = 'urged'", 0,
                               NULL);
        end = harness_now_ms();
        if (fired >= N_DUE)
            break;
        harness_sleep_ms(100);
    }
    if (rc == 0) {
        harness_sleep_ms(1000);
        fixture_rss(h, "supervise", &rss, &hwm);
        long long audit = harness_sql_ll(h, "SELECT count(*) FROM audit.trail WHERE action ="
                                            " 'item.urged'", 0, NULL);
        long long events = harness_sql_ll(h, "SELECT count(*) FROM bus.events WHERE type ="
                                             " 'item.urged'", 0, NULL);
        double secs = (end - start) / 1000.0;
        printf("\nbench_supervise: %s open items, %d urged on one day (supervise.timer_ms 100)\n",
               N_OPEN, N_DUE);
        printf("  fired %lld in %.1f s (%.0f steps/s); audit rows %lld, events %lld\n", fired,
               secs, secs > 0 ? fired / secs : 0, audit, events);
        printf("  rss supervise  before VmRSS %7ld kB   after VmRSS %7ld kB   VmHWM %7ld kB\n",
               rss0, rss, hwm);
        if (fired != N_DUE || audit != N_DUE || events != N_DUE)
            rc = 1;
    }
    if (harness_stop_all(h) != 0)
        fprintf(stderr, "bench: a process did not exit 0 on SIGTERM\n");
    harness_destroy(&h);
    return rc;
}
