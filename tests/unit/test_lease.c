/* Unit tests for lease_key: the advisory-lock key of a lease name must be
 * the same in every process and differ between names. No database. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "lease.h"

/* First 8 bytes of SHA-256 as a signed big-endian integer, computed
 * independently (Python hashlib). */
static void
test_known_keys(void **state)
{
    (void) state;
    assert_true(lease_key("notify/330303") == 4400495173561982405LL);
    assert_true(lease_key("a") == -3848465438864589366LL);
    assert_true(lease_key("") == -2039914840885289964LL);
}

static void
test_stable(void **state)
{
    (void) state;
    long long k = lease_key("notify/330303");
    for (int i = 0; i < 100; i++)
        assert_true(lease_key("notify/330303") == k);
}

static void
test_distinct(void **state)
{
    (void) state;
    enum { N = 500 };
    static long long keys[N];
    char name[64];
    for (int i = 0; i < N; i++) {
        snprintf(name, sizeof name, "%s/%06d", i % 2 ? "notify" : "intake", 330000 + i / 2);
        keys[i] = lease_key(name);
    }
    for (int i = 0; i < N; i++)
        for (int j = i + 1; j < N; j++)
            assert_true(keys[i] != keys[j]);
    assert_true(lease_key("notify/330303") != lease_key("notify/330304"));
    assert_true(lease_key("notify/330303") != lease_key("intake/330303"));
}

static void
test_hold_without_connection(void **state)
{
    (void) state;
    db_t *db = db_new("host=/nonexistent-lianxin-dir");
    assert_int_equal(lease_hold(db, "notify/330303"), -1);
    assert_int_equal(lease_hold(NULL, "notify/330303"), -1);
    assert_int_equal(lease_hold(db, ""), -1);
    db_destroy(&db);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_keys),
        cmocka_unit_test(test_stable),
        cmocka_unit_test(test_distinct),
        cmocka_unit_test(test_hold_without_connection),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
