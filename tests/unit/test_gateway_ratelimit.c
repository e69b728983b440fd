/* test_gateway_ratelimit: the token bucket (fresh, drained, refilled,
 * capped, Retry-After, clocks going backwards) and the keyed table. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "http/ratelimit.h"

#define S 1000000LL

static void test_fresh_bucket_is_full(void **state)
{
    (void) state;
    tbucket_t b = {0, 0};
    int retry = 0;
    for (int i = 0; i < 10; i++)
        assert_int_equal(tbucket_take(&b, 1.0, 10.0, 100 * S, &retry), 1);
    assert_int_equal(tbucket_take(&b, 1.0, 10.0, 100 * S, &retry), 0);
    assert_int_equal(retry, 1);
}

static void test_refill_and_cap(void **state)
{
    (void) state;
    tbucket_t b = {0, 0};
    int retry = 0;
    for (int i = 0; i < 4; i++)
        assert_int_equal(tbucket_take(&b, 2.0, 4.0, 10 * S, NULL), 1);
    assert_int_equal(tbucket_take(&b, 2.0, 4.0, 10 * S, &retry), 0);
    /* half a second at 2/s gives one token back */
    assert_int_equal(tbucket_take(&b, 2.0, 4.0, 10 * S + S / 2, NULL), 1);
    assert_int_equal(tbucket_take(&b, 2.0, 4.0, 10 * S + S / 2, NULL), 0);
    /* a long pause refills to the burst, not beyond */
    int ok = 0;
    for (int i = 0; i < 10; i++)
        ok += tbucket_take(&b, 2.0, 4.0, 1000 * S, NULL);
    assert_int_equal(ok, 4);
}

static void test_retry_after(void **state)
{
    (void) state;
    tbucket_t b = {0, 0};
    int retry = 0;
    /* 30 per minute: 0.5/s, an empty bucket needs 2 s for the next token */
    for (int i = 0; i < 30; i++)
        assert_int_equal(tbucket_take(&b, 0.5, 30.0, 5 * S, NULL), 1);
    assert_int_equal(tbucket_take(&b, 0.5, 30.0, 5 * S, &retry), 0);
    assert_int_equal(retry, 2);
    assert_int_equal(tbucket_take(&b, 0.5, 30.0, 6 * S, &retry), 0);
    assert_int_equal(retry, 1);
}

static void test_clock_backwards(void **state)
{
    (void) state;
    tbucket_t b = {0, 0};
    assert_int_equal(tbucket_take(&b, 1.0, 1.0, 50 * S, NULL), 1);
    assert_int_equal(tbucket_take(&b, 1.0, 1.0, 10 * S, NULL), 0);  /* nothing refilled */
    assert_int_equal(tbucket_take(&b, 1.0, 1.0, 51 * S, NULL), 1);
}

static void test_table(void **state)
{
    (void) state;
    assert_null(ratelimit_new(0, 10, 10));
    assert_null(ratelimit_new(1, 0, 10));
    ratelimit_t *rl = ratelimit_new(1.0, 2.0, 2);
    int retry;
    assert_int_equal(ratelimit_take(rl, "u:a", 10 * S, &retry), 1);
    assert_int_equal(ratelimit_take(rl, "u:a", 10 * S, &retry), 1);
    assert_int_equal(ratelimit_take(rl, "u:a", 10 * S, &retry), 0);
    assert_int_equal(ratelimit_take(rl, "u:b", 10 * S, &retry), 1);  /* keys are independent */
    assert_int_equal(ratelimit_size(rl), 2);
    /* full, and nobody has refilled: a new key passes uncounted */
    assert_int_equal(ratelimit_take(rl, "u:c", 10 * S, &retry), 1);
    assert_int_equal(ratelimit_size(rl), 2);
    /* later, refilled buckets are forgotten to make room */
    assert_int_equal(ratelimit_take(rl, "u:c", 100 * S, &retry), 1);
    assert_int_equal(ratelimit_size(rl), 1);
    ratelimit_destroy(&rl);
    assert_null(rl);
    ratelimit_destroy(&rl);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fresh_bucket_is_full), cmocka_unit_test(test_refill_and_cap),
        cmocka_unit_test(test_retry_after),          cmocka_unit_test(test_clock_backwards),
        cmocka_unit_test(test_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
