/* test_gateway_exports: the per-user export slots (exports.h): a key holds
 * at most `per_user` slots, other keys are not affected, giving back frees
 * a slot (and the entry when the last one goes), giving what was never
 * taken changes nothing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "exports.h"

static void test_slots_per_user(void **state)
{
    (void) state;
    exports_t *e = exports_new(2);
    assert_non_null(e);
    assert_int_equal(exports_take(e, "u:330303/7"), 0);
    assert_int_equal(exports_take(e, "u:330303/7"), 0);
    assert_int_equal(exports_take(e, "u:330303/7"), -1);     /* the third: refused */
    assert_int_equal(exports_held(e, "u:330303/7"), 2);
    assert_int_equal(exports_take(e, "u:330303/8"), 0);      /* another user */
    assert_int_equal(exports_take(e, "f:330303/7"), 0);      /* a feed is its own key */
    exports_give(e, "u:330303/7");
    assert_int_equal(exports_held(e, "u:330303/7"), 1);
    assert_int_equal(exports_take(e, "u:330303/7"), 0);
    exports_give(e, "u:330303/7");
    exports_give(e, "u:330303/7");
    assert_int_equal(exports_held(e, "u:330303/7"), 0);
    exports_give(e, "u:330303/7");                          /* nothing held: no change */
    exports_give(e, "u:nobody");
    assert_int_equal(exports_held(e, "u:330303/8"), 1);
    assert_int_equal(exports_held(e, "f:330303/7"), 1);
    exports_destroy(&e);
    assert_null(e);
    exports_destroy(&e);                                    /* idempotent */
    assert_null(exports_new(0));
}

/* Many users at once: the table grows and shrinks without losing a count. */
static void test_many_users(void **state)
{
    (void) state;
    exports_t *e = exports_new(1);
    char key[32];
    for (int i = 0; i < 100; i++) {
        snprintf(key, sizeof key, "u:330303/%d", i);
        assert_int_equal(exports_take(e, key), 0);
        assert_int_equal(exports_take(e, key), -1);
    }
    for (int i = 0; i < 100; i += 2) {
        snprintf(key, sizeof key, "u:330303/%d", i);
        exports_give(e, key);
    }
    for (int i = 0; i < 100; i++) {
        snprintf(key, sizeof key, "u:330303/%d", i);
        assert_int_equal(exports_held(e, key), i % 2);
    }
    exports_destroy(&e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_slots_per_user),
        cmocka_unit_test(test_many_users),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
