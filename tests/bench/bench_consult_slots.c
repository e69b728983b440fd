/* bench_consult_slots: lianxin-consult's suggest-slots under load (make bench;
 * not part of make test). On a fresh stack from the integration harness,
 * 2,000 consultations are booked over the next quarter (working hours of
 * weekdays, one of the 40 members each, one of 20 venues) plus the reception
 * duties of those members in consult.duties; then GET
 * /consultations/suggest-slots for 30 members and a venue, 2 hours, over the
 * quarter, asked 200 times one after another (the whole quarter is scanned:
 * with 2,000 bookings among 40 members, 30 of them are never all free), then
 * the same for 5 members (slots found early): the answers, the latency
 * (median, p99, max), the slots found, and lianxin-consult's RSS. Dates come
 * from the stack's clock. Exit 0 when it ran, 2 when it could not. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "api_util.h"
#include "fixtures.h"
#include "harness.h"

#define BOOKINGS 2000
#define ASKS 200

/* $1 the first day (YYYY-MM-DD): 2,000 consultations on the weekdays of the
 * next 13 weeks between 08:30 and 17:30, each 30-150 minutes, in one of 20
 * venues, with one member each; 400 duty days. Deterministic (no random()). */
static const char *const s_setup_sql =
    "WITH v AS (INSERT INTO consult.venues SELECT '330303', g, '会议室' || g, 50, NULL, ''"
    "  FROM generate_series(1001, 1020) g RETURNING id),"
    " c AS (INSERT INTO consult.consultations (district_code, id, title, form, state, venue_id,"
    "  starts_at, ends_at, created_by, created_at, updated_at)"
    "  SELECT '330303', 100000 + i, '协商' || i, 'meeting', 'research', 1001 + i % 20,"
    "   s, s + ((30 + (i * 37) % 121) || ' minutes')::interval, 0, now(), now()"
    "  FROM generate_series(1, 2000) i,"
    "   LATERAL (SELECT (($1::date + (((i * 7) % 65) / 5) * 7 + (i * 3) % 5)::timestamp"
    "    + time '08:30' + (((i * 13) % 16) * 30 || ' minutes')::interval)"
    "    AT TIME ZONE 'Asia/Shanghai' AS s) t RETURNING id)"
    " INSERT INTO consult.participants (district_code, consultation_id, seq, role, member_id)"
    " SELECT '330303', c.id, k, 'member', 1 + (c.id * 7 + k * 11) % 40 FROM c,"
    "  generate_series(1, 1) k ON CONFLICT DO NOTHING";

static const char *const s_duties_sql =
    "INSERT INTO consult.duties SELECT '330303', 900000 + i, 1 + i % 40, 1,"
    " $1::date + (i * 5) % 91, 'published' FROM generate_series(1, 400) i";

static int s_cmp(const void *a, const void *b)
{
    double x = *(const double *) a, y = *(const double *) b;
    return x < y ? -1 : x > y;
}

int main(void)
{
    static double secs[ASKS];
    char first[11], last[11], path[512], ids[200] = "";
    int rc = 0;
    harness_t *h = harness_new("bench_consult_slots");
    if (!h)
        return 2;
    harness_set(h, "gateway.rate_per_s", "10000000");
    harness_set(h, "gateway.rate_burst", "10000000");
    harness_set(h, "log.level", "warn");
    char *office = harness_start_all(h) == 0 ? harness_login(h, "office", "lianxin-demo") : NULL;
    calendar_day_t today = fixture_today();
    fixture_date(today + 1, first);
    fixture_date(today + 91, last);
    const char *p[1] = {first};
    PGresult *r = office ? harness_sql(h, s_setup_sql, 1, p) : NULL;
    PGresult *r2 = r ? harness_sql(h, s_duties_sql, 1, p) : NULL;
    if (!r || !r2)
        rc = 2;
    PQclear(r);
    PQclear(r2);
    for (int k = 0; rc == 0 && k < 2; k++) {
        int members = k == 0 ? 30 : 5, ok = 0, slots = 0;
        ids[0] = '\0';
        for (int i = 1; i <= members; i++)
            snprintf(ids + strlen(ids), sizeof ids - strlen(ids), "%s%d", i > 1 ? "," : "", i);
        snprintf(path, sizeof path, "/v1/districts/330303/consultations/suggest-slots?member_ids=%s"
                 "&venue_id=1001&minutes=120&from=%s&to=%s&count=5", ids, first, last);
        for (int i = 0; i < ASKS; i++) {
            http_resp_t resp;
            harness_get(h, path, office, &resp);
            secs[i] = resp.secs;
            if (resp.status == 200) {
                ok++;
                slots = (int) json_array_size(json_object_get(resp.json, "slots"));
            } else if (i == 0) {
                fprintf(stderr, "bench: %ld %s\n", resp.status, resp.raw);
            }
            http_resp_clear(&resp);
        }
        qsort(secs, ASKS, sizeof secs[0], s_cmp);
        if (k == 0)
            printf("\nbench_consult_slots: %d bookings + 400 duty days over %s..%s, 1 venue,"
                   " 120 min, %d asks one at a time\n", BOOKINGS, first, last, ASKS);
        printf("  %2d members: answered %d/%d, slots found %d, median %.2f ms, p99 %.2f ms,"
               " max %.2f ms\n", members, ok, ASKS, slots, secs[ASKS / 2] * 1000,
               secs[ASKS * 99 / 100] * 1000, secs[ASKS - 1] * 1000);
        if (ok != ASKS)
            rc = 1;
    }
    if (rc != 2) {
        long rss = 0, hwm = 0;
        fixture_rss(h, "consult", &rss, &hwm);
        printf("  rss consult   VmRSS %7ld kB   VmHWM %7ld kB\n", rss, hwm);
    }
    free(office);
    harness_destroy(&h);
    return rc;
}
