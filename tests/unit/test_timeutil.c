/* test_timeutil: RFC 3339 parsing and UTC+8 formatting against fixed values
 * and, for the calendar math, against the C library's gmtime_r as an oracle.
 * Never depends on the machine's time zone. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "timeutil.h"

#define T_2026_11_26_0130Z 1795656600000000LL   /* 2026-11-26T01:30:00Z */
#define T_2026_11_25_1600Z 1795622400000000LL   /* 2026-11-26T00:00:00+08:00 */

static void
test_parse_offsets(void **state)
{
    (void) state;
    int64_t us = 0;
    assert_int_equal(time_parse("2026-11-26T09:30:00+08:00", &us), 0);
    assert_int_equal(us, T_2026_11_26_0130Z);
    assert_int_equal(time_parse("2026-11-26T01:30:00Z", &us), 0);
    assert_int_equal(us, T_2026_11_26_0130Z);
    assert_int_equal(time_parse("2026-11-25T20:30:00-05:00", &us), 0);
    assert_int_equal(us, T_2026_11_26_0130Z);
    assert_int_equal(time_parse("2026-11-26t01:30:00z", &us), 0);
    assert_int_equal(us, T_2026_11_26_0130Z);
    assert_int_equal(time_parse("2026-11-26 07:00:00+05:30", &us), 0);
    assert_int_equal(us, T_2026_11_26_0130Z);
}

static void
test_parse_fractions(void **state)
{
    (void) state;
    int64_t us = 0;
    assert_int_equal(time_parse("2026-11-26T01:30:00.25Z", &us), 0);
    assert_int_equal(us, T_2026_11_26_0130Z + 250000);
    assert_int_equal(time_parse("2026-11-26T01:30:00.000001Z", &us), 0);
    assert_int_equal(us, T_2026_11_26_0130Z + 1);
    assert_int_equal(time_parse("2026-11-26T01:30:00.123456789Z", &us), 0);
    assert_int_equal(us, T_2026_11_26_0130Z + 123456);    /* truncated to us */
    assert_int_equal(time_parse("2026-11-26T09:30:00.5+08:00", &us), 0);
    assert_int_equal(us, T_2026_11_26_0130Z + 500000);
}

static void
test_parse_date_only(void **state)
{
    (void) state;
    int64_t us = 0;
    assert_int_equal(time_parse("2026-11-26", &us), 0);
    assert_int_equal(us, T_2026_11_25_1600Z);
    assert_int_equal(time_parse("2024-02-29", &us), 0);
    assert_int_equal(time_parse("2000-02-29", &us), 0);
    assert_int_equal(time_parse("2400-02-29", &us), 0);
    assert_int_equal(time_parse("9999-12-31T23:59:59+08:00", &us), 0);
    assert_int_equal(us, 253402271999000000LL);
}

static void
test_parse_rejects(void **state)
{
    (void) state;
    static const char *bad[] = {
        "", "2026", "2026-11", "2026-1-26", "2026-11-26T", "2026-13-01", "2026-00-10",
        "2026-11-00", "2026-11-31", "2026-02-29", "1900-02-29", "2100-02-29", "2200-02-29",
        "2026-04-31", "2026-11-26T24:00:00Z",
        "2026-11-26T09:60:00Z", "2026-11-26T09:30:60Z", "2026-11-26T09:30:00",
        "2026-11-26T09:30Z", "2026-11-26T09:30:00+08", "2026-11-26T09:30:00+0800",
        "2026-11-26T09:30:00+24:00", "2026-11-26T09:30:00+08:60", "2026-11-26T09:30:00.Z",
        "2026-11-26T09:30:00.1234567890Z", "2026-11-26T09:30:00Zjunk", "2026-11-26x",
        "2026-11-26 ", " 2026-11-26", "1969-12-31", "0000-01-01", "10000-01-01",
        "2026-11-26T09:30:00+08:00\n", "2026/11/26", "２026-11-26", "2026-11-26T9:30:00Z",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        int64_t us = 42;
        if (time_parse(bad[i], &us) != -1)
            fail_msg("accepted \"%s\"", bad[i]);
        assert_int_equal(us, 42);
    }
    int64_t us;
    assert_int_equal(time_parse(NULL, &us), -1);
    assert_int_equal(time_parse("2026-11-26", NULL), -1);
}

static void
test_format(void **state)
{
    (void) state;
    char out[32];
    assert_int_equal(time_format(T_2026_11_26_0130Z, out, sizeof out), 0);
    assert_string_equal(out, "2026-11-26T09:30:00.000+08:00");
    assert_int_equal(time_format(T_2026_11_26_0130Z + 999999, out, sizeof out), 0);
    assert_string_equal(out, "2026-11-26T09:30:00.999+08:00");
    assert_int_equal(time_format(0, out, sizeof out), 0);
    assert_string_equal(out, "1970-01-01T08:00:00.000+08:00");
    assert_int_equal(time_format(-1, out, sizeof out), 0);
    assert_string_equal(out, "1970-01-01T07:59:59.999+08:00");
    assert_int_equal(time_format(T_2026_11_25_1600Z - 1000, out, sizeof out), 0);
    assert_string_equal(out, "2026-11-25T23:59:59.999+08:00");
    assert_int_equal(time_format(T_2026_11_26_0130Z, out, 29), -1);   /* too small */
    assert_int_equal(time_format(T_2026_11_26_0130Z, out, 30), 0);
    assert_int_equal(time_format(INT64_MAX, out, sizeof out), -1);
}

static void
test_round_trip(void **state)
{
    (void) state;
    static const char *texts[] = {
        "2026-11-26T09:30:00.000+08:00", "2024-02-29T23:59:59.999+08:00",
        "1970-01-01T08:00:00.000+08:00", "9999-12-31T23:59:59.999+08:00",
    };
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
        int64_t us;
        char out[32];
        assert_int_equal(time_parse(texts[i], &us), 0);
        assert_int_equal(time_format(us, out, sizeof out), 0);
        assert_string_equal(out, texts[i]);
    }
}

static void
test_date_and_ymd(void **state)
{
    (void) state;
    char out[11];
    int y, m, d;
    assert_int_equal(time_date(T_2026_11_25_1600Z, out, sizeof out), 0);
    assert_string_equal(out, "2026-11-26");
    assert_int_equal(time_date(T_2026_11_25_1600Z - 1, out, sizeof out), 0);
    assert_string_equal(out, "2026-11-25");
    assert_int_equal(time_date(T_2026_11_25_1600Z, out, 10), -1);
    time_ymd(T_2026_11_25_1600Z, &y, &m, &d);
    assert_int_equal(y, 2026);
    assert_int_equal(m, 11);
    assert_int_equal(d, 26);
    time_ymd(T_2026_11_25_1600Z - 1, &y, &m, &d);
    assert_int_equal(d, 25);
    time_ymd(T_2026_11_25_1600Z, NULL, &m, NULL);        /* parts are optional */
    assert_int_equal(m, 11);
}

/* Every day from 1970 to 2400 against gmtime_r: the CST date of that day's
 * CST midnight, and parsing that date back. */
static void
test_calendar_oracle(void **state)
{
    (void) state;
    for (int64_t day = 0; day < 157000; day++) {
        time_t t = (time_t) (day * 86400);
        struct tm tm;
        gmtime_r(&t, &tm);
        char want[48], got[11];
        snprintf(want, sizeof want, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1,
                 tm.tm_mday);
        int64_t us = (day * 86400 - TIME_CST_OFFSET_S) * 1000000LL;
        assert_int_equal(time_date(us, got, sizeof got), 0);
        if (strcmp(got, want) != 0)
            fail_msg("day %lld: %s != %s", (long long) day, got, want);
        int64_t back;
        assert_int_equal(time_parse(want, &back), 0);
        assert_int_equal(back, us);
    }
}

static void
test_now(void **state)
{
    (void) state;
    int64_t a = time_now_us();
    int64_t b = (int64_t) time(NULL) * 1000000LL;
    assert_true(a > 1700000000LL * 1000000LL);
    assert_true(a - b < 2000000 && b - a < 2000000);
    assert_true(time_now_us() >= a);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_offsets),   cmocka_unit_test(test_parse_fractions),
        cmocka_unit_test(test_parse_date_only), cmocka_unit_test(test_parse_rejects),
        cmocka_unit_test(test_format),          cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_date_and_ymd),    cmocka_unit_test(test_calendar_oracle),
        cmocka_unit_test(test_now),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
