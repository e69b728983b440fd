/* test_gateway_policy: the password policy (length or classes, the
 * username, the byte limit refused rather than cut, UTF-8), the re-hash
 * rule for stored iterations, the expiry rule, and the failure throttle's
 * peek (checked before work, counted on failure). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "auth/pwpolicy.h"
#include "http/ratelimit.h"

#define DAY_US (86400LL * 1000000)

static void test_length_or_classes(void **state)
{
    (void) state;
    assert_null(pwpolicy_check("correcthorsebattery", "alice"));     /* long, one class */
    assert_null(pwpolicy_check("Abcdef12", "alice"));                /* short, three classes */
    assert_null(pwpolicy_check("abcdef1!", "alice"));
    assert_string_equal(pwpolicy_check("abcdefgh12", "alice"), "too_weak");
    assert_string_equal(pwpolicy_check("abcdefghijk", "alice"), "too_weak");
    assert_null(pwpolicy_check("abcdefghijkl", "alice"));            /* 12 is enough */
    assert_string_equal(pwpolicy_check("Ab1!", "alice"), "too_short");
    assert_string_equal(pwpolicy_check("", "alice"), "too_short");
    /* characters, not bytes: 6 Chinese characters are 18 bytes but short */
    assert_string_equal(pwpolicy_check("连心连心连心", "alice"), "too_short");
    assert_null(pwpolicy_check("连心连心连心连心连心连心", "alice"));
}

static void test_not_the_username(void **state)
{
    (void) state;
    assert_string_equal(pwpolicy_check("Office-Staff-01", "office-staff-01"), "same_as_username");
    assert_string_equal(pwpolicy_check("administrator1", "ADMINISTRATOR1"), "same_as_username");
    assert_null(pwpolicy_check("administrator1", "admin"));
}

static void test_limit_refused_never_cut(void **state)
{
    (void) state;
    char big[PWPOLICY_MAX_BYTES + 2];
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    assert_string_equal(pwpolicy_check(big, "alice"), "too_long");
    big[PWPOLICY_MAX_BYTES] = '\0';                                   /* exactly the limit */
    assert_null(pwpolicy_check(big, "alice"));
}

static void test_bad_text(void **state)
{
    (void) state;
    assert_string_equal(pwpolicy_check("abcdefghijkl\xff", "a"), "invalid");
    assert_string_equal(pwpolicy_check("abcdefghijkl\xc0\xaf", "a"), "invalid");
    assert_string_equal(pwpolicy_check("abcdefghijkl\x01", "a"), "invalid");
    assert_string_equal(pwpolicy_check("abcdefgh\xe6\xb8", "a"), "invalid");
    assert_int_equal(pwpolicy_chars("a连b"), 3);
    assert_int_equal(pwpolicy_chars("\xed\xa0\x80"), -1);          /* a surrogate */
    assert_int_equal(pwpolicy_classes("aB3-"), 15);
    assert_int_equal(pwpolicy_classes("连"), 8);
}

static void test_rehash(void **state)
{
    (void) state;
    assert_int_equal(pwpolicy_iterations("pbkdf2-sha256$210000$c2FsdA==$aGFzaA=="), 210000);
    assert_int_equal(pwpolicy_iterations("pbkdf2-sha256$x$c2FsdA==$aGFzaA=="), 0);
    assert_int_equal(pwpolicy_iterations("bcrypt$12$..."), 0);
    assert_int_equal(pwpolicy_iterations(NULL), 0);
    assert_true(pwpolicy_needs_rehash("pbkdf2-sha256$210000$c2FsdA==$aGFzaA==", 600000));
    assert_false(pwpolicy_needs_rehash("pbkdf2-sha256$600000$c2FsdA==$aGFzaA==", 600000));
    assert_false(pwpolicy_needs_rehash("pbkdf2-sha256$900000$c2FsdA==$aGFzaA==", 600000));
}

static void test_expiry(void **state)
{
    (void) state;
    int64_t t0 = 1790000000LL * 1000000;
    assert_false(pwpolicy_expired(t0, t0 + 1000 * DAY_US, 0));        /* off */
    assert_false(pwpolicy_expired(t0, t0 + 90 * DAY_US - 1, 90));
    assert_true(pwpolicy_expired(t0, t0 + 90 * DAY_US, 90));
}

static void test_failure_throttle_peek(void **state)
{
    (void) state;
    ratelimit_t *rl = ratelimit_new(1.0, 3.0, 100);
    int64_t t = 1000 * 1000000LL;
    int retry = 0;
    assert_int_equal(ratelimit_peek(rl, "ip:203.0.113.5", t, &retry), 1);  /* never seen */
    for (int i = 0; i < 3; i++) {
        assert_int_equal(ratelimit_peek(rl, "ip:203.0.113.5", t, &retry), 1);
        assert_int_equal(ratelimit_take(rl, "ip:203.0.113.5", t, &retry), 1);
    }
    assert_int_equal(ratelimit_peek(rl, "ip:203.0.113.5", t, &retry), 0);
    assert_int_equal(retry, 1);
    assert_int_equal(ratelimit_peek(rl, "ip:203.0.113.5", t, &retry), 0);  /* peek takes nothing */
    assert_int_equal(ratelimit_peek(rl, "ip:203.0.113.6", t, &retry), 1);  /* per address */
    assert_int_equal(ratelimit_peek(rl, "ip:203.0.113.5", t + 1000000, &retry), 1);
    ratelimit_destroy(&rl);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_length_or_classes), cmocka_unit_test(test_not_the_username),
        cmocka_unit_test(test_limit_refused_never_cut), cmocka_unit_test(test_bad_text),
        cmocka_unit_test(test_rehash), cmocka_unit_test(test_expiry),
        cmocka_unit_test(test_failure_throttle_peek),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
