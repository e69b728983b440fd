/* test_notify_digest: the daily digest against the loopback SMTP server
 * (notify_sinks.py). member1 chose the digest: three invitations of one day
 * are recorded as 'digest' and nothing is sent before the digest hour; when
 * the stack's clock passes it, ONE e-mail lists all three (its own
 * idempotency key "<district>/digest/<date>/email/member/<id>"), the three
 * rows point at it; advancing past the hour again that day sends nothing
 * more, and an item of the evening waits for the next day's digest, which
 * lists it alone. Hours come from the stack's clock. Must never skip. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "api_util.h"
#include "fixtures.h"
#include "harness.h"
#include "notify_util.h"
#include "sinks.h"
#include "timeutil.h"

#define D "330303"
#define WAIT_MS 20000
#define HOUR_US (3600LL * 1000000)
#define DAY_US (24 * HOUR_US)
#define LOCAL_US (8 * HOUR_US)

static struct {
    harness_t *h;
    fixture_users_t u;
    long long member1;
    sink_t smtp;
    int64_t day10;                  /* 10:00 local of the next day on the stack's clock */
    int ready;
} S;

static int s_setup(void **state)
{
    (void) state;
    memset(&S, 0, sizeof S);
    if (!(S.h = harness_new("notify_digest")) || harness_start_all(S.h) != 0)
        return 0;
    if (sink_start(S.h, &S.smtp, "smtp", "smtp", "0") != 0)
        return 0;
    S.ready = fixture_login(S.h, &S.u, "office member1") == 0;
    S.member1 = fixture_member_of(S.h, "member1");
    char sql[300];
    snprintf(sql, sizeof sql, "INSERT INTO notify.contacts (district_code, recipient_kind,"
             " recipient_id, email) VALUES ('" D "', 'member', %lld, 'm1@example.org')",
             S.member1);
    harness_sql_ll(S.h, sql, 0, NULL);
    int64_t now = time_now_us(), local = now + LOCAL_US;
    S.day10 = local - local % DAY_US + DAY_US + 10 * HOUR_US - LOCAL_US;
    S.ready &= harness_clock_set(S.h, S.day10) == 0;
    S.ready &= notify_util_channels(S.h, S.smtp.port, 0) == 0;
    S.ready &= harness_set(S.h, "notify.digest_hour", "18") == 0;
    S.ready &= harness_set(S.h, "notify.timer_ms", "100") == 0;
    S.ready &= harness_restart(S.h, "notify") == 0;
    S.ready &= S.member1 > 0;
    return 0;
}

static int s_teardown(void **state)
{
    (void) state;
    sink_stop(&S.smtp);
    harness_destroy(&S.h);
    fixture_logout(&S.u);
    return 0;
}

static long long s_sql(const char *fmt, long long a)
{
    char sql[400];
    snprintf(sql, sizeof sql, fmt, a);
    return harness_sql_ll(S.h, sql, 0, NULL);
}

static void test_digest_once_a_day(void **state)
{
    const char *titles[3] = {"城市更新专题协商", "垃圾分类专题协商", "老旧小区改造协商"};
    char key[160], date[11];
    (void) state;
    assert_true(S.ready);
    assert_int_equal(api_status(S.h, "PUT", "/v1/districts/" D "/me/preferences", S.u.member1,
                                "{\"channels\":[\"email\"],\"digest\":true}"), 200);
    for (int i = 0; i < 3; i++)
        assert_true(notify_util_invite(S.h, D, S.member1, titles[i]) > 0);
    assert_int_equal(api_wait_sql(S.h, "SELECT count(*) FROM notify.deliveries WHERE"
                                  " status = 'digest' AND channel = 'email'", 3, WAIT_MS), 3);
    harness_sleep_ms(1000);                     /* ten ticks before the hour: nothing */
    assert_int_equal(sink_count(&S.smtp, "m1@example.org"), 0);

    int64_t at18 = S.day10 + 8 * HOUR_US;
    assert_int_equal(harness_clock_set(S.h, at18 + 30 * 1000000LL), 0);
    assert_int_equal(api_wait_sql(S.h, "SELECT count(*) FROM notify.deliveries WHERE"
                                  " item_id IS NULL AND status = 'sent'", 1, WAIT_MS), 1);
    assert_int_equal(sink_wait(&S.smtp, "每日通知摘要", 1, WAIT_MS), 1);
    time_date(at18, date, sizeof date);
    snprintf(key, sizeof key, "\"key\": \"" D "/digest/%s/email/member/%lld\"", date,
             S.member1);
    assert_int_equal(sink_count(&S.smtp, key), 1);
    for (int i = 0; i < 3; i++)                 /* all three, in the one e-mail */
        assert_int_equal(sink_count(&S.smtp, titles[i]), 1);
    assert_int_equal(sink_count(&S.smtp, "m1@example.org"), 1);
    assert_int_equal(s_sql("SELECT count(*) FROM notify.deliveries g JOIN notify.deliveries d"
                           " ON d.digest_id = g.id WHERE g.idem_key LIKE '%%/digest/%%'"
                           " AND g.recipient_id = %lld AND d.status = 'digest'", S.member1), 3);

    /* past the hour again that day: nothing more; an evening item waits */
    assert_int_equal(harness_clock_set(S.h, at18 + HOUR_US), 0);
    assert_true(notify_util_invite(S.h, D, S.member1, "夜间补充协商") > 0);
    assert_int_equal(api_wait_sql(S.h, "SELECT count(*) FROM notify.deliveries WHERE"
                                  " status = 'digest'", 4, WAIT_MS), 4);
    assert_int_equal(harness_clock_set(S.h, at18 + 2 * HOUR_US), 0);
    harness_sleep_ms(1500);
    assert_int_equal(sink_count(&S.smtp, "m1@example.org"), 1);
    assert_int_equal(s_sql("SELECT count(*) FROM notify.deliveries WHERE item_id IS NULL"
                           " AND recipient_id = %lld", S.member1), 1);

    /* the next day's hour: one more digest, with the evening item alone */
    assert_int_equal(harness_clock_set(S.h, at18 + DAY_US + 60 * 1000000LL), 0);
    assert_int_equal(sink_wait(&S.smtp, "m1@example.org", 2, WAIT_MS), 2);
    assert_int_equal(sink_count(&S.smtp, "夜间补充协商"), 1);
    assert_int_equal(sink_count(&S.smtp, "城市更新专题协商"), 1);
    assert_int_equal(s_sql("SELECT count(*) FROM notify.deliveries WHERE status = 'digest'"
                           " AND digest_id IS NULL AND recipient_id = %lld", S.member1), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_digest_once_a_day),
    };
    return cmocka_run_group_tests(tests, s_setup, s_teardown);
}
