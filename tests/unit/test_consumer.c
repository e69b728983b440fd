/* Unit tests for consumer: the apply/duplicate/gap rule, and option checks
 * and lifecycle of consumer_new/destroy without a database or a bus. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "consumer.h"

static void
test_apply(void **state)
{
    (void) state;
    assert_int_equal(consumer_check(0, 1), CONSUMER_APPLY);
    assert_int_equal(consumer_check(41, 42), CONSUMER_APPLY);
    assert_int_equal(consumer_check(INT64_MAX - 1, INT64_MAX), CONSUMER_APPLY);
}

static void
test_duplicate(void **state)
{
    (void) state;
    assert_int_equal(consumer_check(5, 5), CONSUMER_DUPLICATE);
    assert_int_equal(consumer_check(5, 1), CONSUMER_DUPLICATE);
    assert_int_equal(consumer_check(0, 0), CONSUMER_DUPLICATE);
    assert_int_equal(consumer_check(5, -3), CONSUMER_DUPLICATE);
    /* cursor + 1 would overflow here: must not be computed */
    assert_int_equal(consumer_check(INT64_MAX, INT64_MAX), CONSUMER_DUPLICATE);
    assert_int_equal(consumer_check(INT64_MAX, 1), CONSUMER_DUPLICATE);
}

static void
test_gap(void **state)
{
    (void) state;
    assert_int_equal(consumer_check(0, 2), CONSUMER_GAP);
    assert_int_equal(consumer_check(41, 43), CONSUMER_GAP);
    assert_int_equal(consumer_check(0, INT64_MAX), CONSUMER_GAP);
}

static int
s_apply(tx_t *tx, const Lianxin__V1__Event *ev, void *arg)
{
    (void) tx;
    (void) ev;
    (void) arg;
    return 0;
}

/* Names end up in SQL text: anything but [a-z0-9_] (and one '.') is refused. */
static void
test_options_checked(void **state)
{
    (void) state;
    uv_loop_t loop;
    assert_int_equal(uv_loop_init(&loop), 0);
    txq_t *txq = txq_new(&loop, "host=/nonexistent-lianxin-dir");
    assert_non_null(txq);
    consumer_opts_t bad[] = {
        { .name = "notify", .cursor_table = "notify.cursors; drop table x", .producers = "intake" },
        { .name = "Notify", .cursor_table = "notify.cursors", .producers = "intake" },
        { .name = "notify", .cursor_table = "notify.cursors", .producers = "" },
        { .name = "notify", .cursor_table = "notify.cursors", .producers = "in'take" },
        { .name = "notify", .cursor_table = "a.b.c", .producers = "intake" },
        { .name = NULL, .cursor_table = "notify.cursors", .producers = "intake" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        assert_null(consumer_new(&loop, NULL, &bad[i], txq, NULL, s_apply, NULL));
    consumer_opts_t good = { .name = "notify", .cursor_table = "notify.cursors",
                             .producers = "intake, consult" };
    assert_null(consumer_new(&loop, NULL, &good, txq, NULL, NULL, NULL));
    consumer_t *c = consumer_new(&loop, NULL, &good, txq, NULL, s_apply, NULL);
    assert_non_null(c);
    assert_int_equal(consumer_add_district(c, "330303"), 0);
    assert_int_equal(consumer_add_district(c, "330303"), 0);
    assert_int_equal(consumer_add_district(c, "33/0303"), -1);
    assert_int_equal(consumer_applied(c), 0);
    consumer_destroy(&c);
    assert_null(c);
    consumer_destroy(&c);
    txq_destroy(&txq);
    assert_int_equal(uv_run(&loop, UV_RUN_DEFAULT), 0);
    assert_int_equal(uv_loop_close(&loop), 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_apply),
        cmocka_unit_test(test_duplicate),
        cmocka_unit_test(test_gap),
        cmocka_unit_test(test_options_checked),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
