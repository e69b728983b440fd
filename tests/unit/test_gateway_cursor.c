/* test_gateway_cursor: the opaque cursor: round trips, tags, refusal of
 * anything an encode would not have written. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "http/cursor.h"

static void test_round_trip(void **state)
{
    (void) state;
    static const int64_t values[][2] = {
        {1795570200000000LL, 17}, {0, 0}, {-5, 3}, {INT64_MAX, INT64_MAX}, {INT64_MIN, 1},
    };
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
        char c[CURSOR_MAX];
        int64_t a = 1, b = 1;
        assert_int_equal(cursor_encode('v', values[i][0], values[i][1], c, sizeof c), 0);
        assert_true(strspn(c, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
                    == strlen(c));           /* URL-safe as is */
        assert_int_equal(cursor_decode(c, 'v', &a, &b), 0);
        assert_true(a == values[i][0] && b == values[i][1]);
    }
}

static void test_tags(void **state)
{
    (void) state;
    char c[CURSOR_MAX];
    int64_t a, b;
    assert_int_equal(cursor_encode('i', 99, 0, c, sizeof c), 0);
    assert_int_equal(cursor_decode(c, 'v', &a, &b), -1);
    assert_int_equal(cursor_decode(c, 'i', &a, &b), 0);
    assert_int_equal(a, 99);
    assert_int_equal(cursor_encode('V', 1, 1, c, sizeof c), -1);
    assert_int_equal(cursor_encode('v', 1, 1, c, 4), -1);   /* too small */
}

static void test_refusals(void **state)
{
    (void) state;
    int64_t a, b;
    char c[CURSOR_MAX];
    static const char *const bad[] = {
        "", "a", "!!!!", "dj4xLjI=", /* padding */ "di4xLjI+", "di4xLjIuMw", /* v.1.2.3 */
        "di4rMS4y", /* v.+1.2 */ "di4wMS4y", /* v.01.2 */ "di4gMS4y", /* v. 1.2 */
        "di45OTk5OTk5OTk5OTk5OTk5OTk5OTkuMQ", /* overflow */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(cursor_decode(bad[i], 'v', &a, &b), -1);
    assert_int_equal(cursor_decode(NULL, 'v', &a, &b), -1);
    memset(c, 'A', sizeof c - 1);
    c[sizeof c - 1] = '\0';
    assert_int_equal(cursor_decode(c, 'v', &a, &b), -1);
    /* one changed character of a good cursor is refused or decodes differently */
    assert_int_equal(cursor_encode('v', 1795570200000000LL, 17, c, sizeof c), 0);
    c[3] = c[3] == 'A' ? 'B' : 'A';
    assert_true(cursor_decode(c, 'v', &a, &b) == -1 || a != 1795570200000000LL || b != 17);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip), cmocka_unit_test(test_tags),
        cmocka_unit_test(test_refusals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
