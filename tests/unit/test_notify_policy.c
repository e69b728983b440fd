/* test_notify_policy: when notify tries a delivery again and when an SMS
 * may go (services/notify/policy.c): exponential backoff capped, with its
 * jitter within [0.5, 1] of the step; quiet hours 22:00-08:00 (UTC+8)
 * defer to 08:00 the same or the next morning, and not outside them; the
 * quiet-hours text parsed or refused. Pure; instants are built from the
 * machine's clock (local midnight + hours), never written as dates. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <time.h>

#include "policy.h"

#define HOUR (3600LL * 1000000)
#define DAY (24 * HOUR)
#define LOCAL (8 * HOUR)

/* UTC instant of today's local (UTC+8) midnight, from the machine's clock. */
static int64_t s_midnight(void)
{
    int64_t now = (int64_t) time(NULL) * 1000000 + LOCAL;
    return now - now % DAY - LOCAL;
}

static void test_backoff(void **state)
{
    (void) state;
    assert_int_equal(policy_backoff_ms(1, 1000, 600000, 1.0), 1000);
    assert_int_equal(policy_backoff_ms(2, 1000, 600000, 1.0), 2000);
    assert_int_equal(policy_backoff_ms(4, 1000, 600000, 1.0), 8000);
    assert_int_equal(policy_backoff_ms(4, 1000, 600000, 0.0), 4000);   /* half: jitter floor */
    assert_int_equal(policy_backoff_ms(30, 1000, 600000, 1.0), 600000); /* capped */
    assert_int_equal(policy_backoff_ms(30, 1000, 600000, 0.0), 300000);
    for (int i = 0; i <= 10; i++) {
        int64_t d = policy_backoff_ms(3, 100, 400, i / 10.0);
        assert_true(d >= 200 && d <= 400);
    }
    assert_int_equal(policy_backoff_ms(2, 100, 400, 7.0), 200);        /* rnd clamped */
}

static void test_quiet_hours(void **state)
{
    policy_quiet_t q;
    int64_t day = s_midnight();
    (void) state;
    assert_int_equal(policy_quiet_parse("22:00-08:00", &q), 0);
    assert_int_equal(policy_quiet_until(&q, day + 10 * HOUR), 0);            /* 10:00 */
    assert_int_equal(policy_quiet_until(&q, day + 22 * HOUR - 1), 0);        /* 21:59:59.999999 */
    assert_true(policy_quiet_until(&q, day + 22 * HOUR) == day + 32 * HOUR); /* 22:00 -> 08:00 */
    assert_true(policy_quiet_until(&q, day + 23 * HOUR) == day + 32 * HOUR);
    assert_true(policy_quiet_until(&q, day + 3 * HOUR) == day + 8 * HOUR);   /* 03:00 -> 08:00 */
    assert_int_equal(policy_quiet_until(&q, day + 8 * HOUR), 0);             /* 08:00 sharp */
    /* a window within one day */
    assert_int_equal(policy_quiet_parse("12:00-13:30", &q), 0);
    assert_true(policy_quiet_until(&q, day + 12 * HOUR + HOUR / 2) == day + 13 * HOUR + HOUR / 2);
    assert_int_equal(policy_quiet_until(&q, day + 14 * HOUR), 0);
    /* off */
    assert_int_equal(policy_quiet_parse("off", &q), 0);
    assert_int_equal(policy_quiet_until(&q, day + 23 * HOUR), 0);
    const char *bad[] = { "22-08", "24:00-08:00", "22:00-08:60", "22:00-08:00x", "晚上" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(policy_quiet_parse(bad[i], &q), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_backoff),
        cmocka_unit_test(test_quiet_hours),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
