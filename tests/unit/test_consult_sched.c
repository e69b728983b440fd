/* test_consult_sched: conflict detection and slot suggestion, pure: edges
 * that only touch do not conflict, a minute of overlap does; a
 * consultation's own bookings are ignored when it moves, a duty never is; a
 * meeting across midnight is refused; suggestions skip weekends, holidays
 * and the days a member is on reception duty, keep within the working
 * windows, start no earlier than asked, take a make-up Saturday. Days are
 * derived from the clock (the next Monday), never written. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "consult_sched.h"
#include "timeutil.h"

#define MIN (60LL * 1000000)
#define HOUR (60 * MIN)

/* The next Monday (UTC+8) at least a week from now. */
static calendar_day_t s_monday(void)
{
    calendar_day_t d = calendar_day_of_us(time_real_us()) + 7;
    while (calendar_day_weekday(d) != 1)
        d++;
    return d;
}

/* day `d` at hh:mm, UTC+8 */
static int64_t s_at(calendar_day_t d, int hh, int mm)
{
    return calendar_day_start_us(d) + hh * HOUR + mm * MIN;
}

static void test_edges_touching_do_not_conflict(void **state)
{
    (void) state;
    calendar_day_t d = s_monday();
    sched_booking_t b[] = {
        {.kind = SCHED_MEMBER, .who = 7, .start_us = s_at(d, 9, 0), .end_us = s_at(d, 10, 0),
         .ref = 100},
    };
    sched_party_t p[] = {{SCHED_MEMBER, 7}};
    assert_int_equal(sched_conflict(b, 1, p, 1, s_at(d, 10, 0), s_at(d, 11, 0), 0), -1);
    assert_int_equal(sched_conflict(b, 1, p, 1, s_at(d, 8, 0), s_at(d, 9, 0), 0), -1);
    assert_int_equal(sched_conflict(b, 1, p, 1, s_at(d, 9, 59), s_at(d, 11, 0), 0), 0);
    assert_int_equal(sched_conflict(b, 1, p, 1, s_at(d, 8, 0), s_at(d, 9, 1), 0), 0);
    assert_int_equal(sched_conflict(b, 1, p, 1, s_at(d, 9, 15), s_at(d, 9, 45), 0), 0);
    assert_int_equal(sched_conflict(b, 1, p, 1, s_at(d, 8, 0), s_at(d, 12, 0), 0), 0);
}

static void test_only_the_parties_asked_about(void **state)
{
    (void) state;
    calendar_day_t d = s_monday();
    sched_booking_t b[] = {
        {.kind = SCHED_MEMBER, .who = 7, .start_us = s_at(d, 9, 0), .end_us = s_at(d, 10, 0)},
        {.kind = SCHED_VENUE, .who = 7, .start_us = s_at(d, 14, 0), .end_us = s_at(d, 15, 0)},
        {.kind = SCHED_LEADER, .who = 3, .start_us = s_at(d, 14, 0), .end_us = s_at(d, 15, 0)},
    };
    sched_party_t member8[] = {{SCHED_MEMBER, 8}}, venue7[] = {{SCHED_VENUE, 7}};
    sched_party_t both[] = {{SCHED_MEMBER, 8}, {SCHED_LEADER, 3}};
    assert_int_equal(sched_conflict(b, 3, member8, 1, s_at(d, 9, 0), s_at(d, 10, 0), 0), -1);
    /* venue 7 is not member 7 */
    assert_int_equal(sched_conflict(b, 3, venue7, 1, s_at(d, 9, 0), s_at(d, 10, 0), 0), -1);
    assert_int_equal(sched_conflict(b, 3, venue7, 1, s_at(d, 14, 30), s_at(d, 16, 0), 0), 1);
    assert_int_equal(sched_conflict(b, 3, both, 2, s_at(d, 14, 30), s_at(d, 16, 0), 0), 2);
}

static void test_own_bookings_ignored_duty_never(void **state)
{
    (void) state;
    calendar_day_t d = s_monday();
    int64_t ds, de;
    sched_duty_span(d, &ds, &de);
    sched_booking_t b[] = {
        {.kind = SCHED_MEMBER, .who = 7, .start_us = s_at(d, 9, 0), .end_us = s_at(d, 10, 0),
         .ref = 100},
        {.kind = SCHED_MEMBER, .who = 9, .start_us = ds, .end_us = de, .ref = 100, .duty = 1},
    };
    sched_party_t p7[] = {{SCHED_MEMBER, 7}}, p9[] = {{SCHED_MEMBER, 9}};
    assert_int_equal(sched_conflict(b, 2, p7, 1, s_at(d, 9, 0), s_at(d, 10, 0), 100), -1);
    assert_int_equal(sched_conflict(b, 2, p7, 1, s_at(d, 9, 0), s_at(d, 10, 0), 101), 0);
    /* the duty's rota id equals the consultation id: still a conflict */
    assert_int_equal(sched_conflict(b, 2, p9, 1, s_at(d, 16, 0), s_at(d, 18, 0), 100), 1);
    assert_int_equal(sched_conflict(b, 2, p9, 1, s_at(d, 17, 0), s_at(d, 18, 0), 100), -1);
    assert_int_equal(ds, s_at(d, 9, 0));
    assert_int_equal(de, s_at(d, 17, 0));
}

static void test_span_across_midnight_refused(void **state)
{
    (void) state;
    calendar_day_t d = s_monday();
    assert_int_equal(sched_span_check(s_at(d, 22, 0), s_at(d + 1, 1, 0)), SCHED_EMIDNIGHT);
    assert_int_equal(sched_span_check(s_at(d, 23, 0), s_at(d + 1, 0, 0)), SCHED_OK);
    assert_int_equal(sched_span_check(s_at(d, 23, 0), s_at(d + 1, 0, 1)), SCHED_EMIDNIGHT);
    assert_int_equal(sched_span_check(s_at(d, 10, 0), s_at(d, 10, 0)), SCHED_EORDER);
    assert_int_equal(sched_span_check(s_at(d, 10, 0), s_at(d, 9, 0)), SCHED_EORDER);
    assert_int_equal(sched_span_check(s_at(d, 0, 0), s_at(d, 12, 30)), SCHED_ETOOLONG);
    assert_int_equal(sched_span_check(s_at(d, 9, 0), s_at(d, 11, 0)), SCHED_OK);
}

static void test_suggest_earliest_within_windows(void **state)
{
    (void) state;
    calendar_day_t d = s_monday();
    sched_booking_t b[] = {
        {.kind = SCHED_MEMBER, .who = 1, .start_us = s_at(d, 8, 30), .end_us = s_at(d, 10, 15)},
        {.kind = SCHED_VENUE, .who = 5, .start_us = s_at(d, 10, 30), .end_us = s_at(d, 11, 0)},
    };
    sched_party_t p[] = {{SCHED_MEMBER, 1}, {SCHED_VENUE, 5}};
    int64_t out[4];
    long n = sched_suggest(NULL, &sched_default_hours, b, 2, p, 2, s_at(d, 0, 0), d + 6, 60,
                           out, 4);
    assert_int_equal(n, 4);
    /* 10:15 rounds up to 10:30, the venue is busy until 11:00; 11:00-12:00 fits */
    assert_int_equal(out[0], s_at(d, 11, 0));
    assert_int_equal(out[1], s_at(d, 14, 0));
    assert_int_equal(out[2], s_at(d, 15, 0));
    assert_int_equal(out[3], s_at(d, 16, 0));
    /* a start in the middle of the morning: no earlier slot */
    n = sched_suggest(NULL, &sched_default_hours, NULL, 0, p, 0, s_at(d, 9, 10), d, 90, out, 1);
    assert_int_equal(n, 1);
    assert_int_equal(out[0], s_at(d, 9, 30));
}

static void test_suggest_skips_weekends_holidays_duties(void **state)
{
    (void) state;
    calendar_day_t mon = s_monday();
    calendar_t *cal = calendar_new();
    assert_non_null(cal);
    assert_int_equal(calendar_add(cal, mon + 1, CALENDAR_HOLIDAY, "test"), 0);   /* Tuesday */
    assert_int_equal(calendar_add(cal, mon + 5, CALENDAR_WORKDAY, "test"), 0);   /* Saturday */
    int64_t ds, de;
    sched_duty_span(mon + 2, &ds, &de);                                          /* Wednesday */
    sched_booking_t b[] = {
        {.kind = SCHED_MEMBER, .who = 1, .start_us = s_at(mon, 8, 0), .end_us = s_at(mon, 18, 0)},
        {.kind = SCHED_MEMBER, .who = 2, .start_us = ds, .end_us = de, .duty = 1},
        {.kind = SCHED_MEMBER, .who = 2, .start_us = s_at(mon + 3, 8, 0),
         .end_us = s_at(mon + 4, 18, 0)},
    };
    sched_party_t p[] = {{SCHED_MEMBER, 1}, {SCHED_MEMBER, 2}};
    int64_t out[3];
    /* 4 hours fit no window: none at all */
    assert_int_equal(sched_suggest(cal, &sched_default_hours, b, 3, p, 2, s_at(mon, 0, 0),
                                   mon + 13, 240, out, 3), 0);
    long n = sched_suggest(cal, &sched_default_hours, b, 3, p, 2, s_at(mon, 0, 0), mon + 6, 180,
                           out, 3);
    /* Mon busy, Tue holiday, Wed duty until 17:00 (the afternoon window
     * ends 17:30: no 3 hours), Thu-Fri busy, Sat a make-up working day */
    assert_int_equal(n, 2);
    assert_int_equal(out[0], s_at(mon + 5, 8, 30));
    assert_int_equal(out[1], s_at(mon + 5, 14, 0));
    /* without the calendar the Saturday is no working day */
    assert_int_equal(sched_suggest(NULL, &sched_default_hours, b, 3, p, 2, s_at(mon, 0, 0),
                                   mon + 6, 180, out, 3), 2);   /* Tuesday instead */
    assert_int_equal(out[0], s_at(mon + 1, 8, 30));
    assert_int_equal(out[1], s_at(mon + 1, 14, 0));
    calendar_destroy(&cal);
}

static void test_suggest_bad_arguments(void **state)
{
    (void) state;
    int64_t out[1];
    calendar_day_t d = s_monday();
    assert_int_equal(sched_suggest(NULL, &sched_default_hours, NULL, 0, NULL, 0, s_at(d, 0, 0), d,
                                   0, out, 1), -1);
    assert_int_equal(sched_suggest(NULL, NULL, NULL, 0, NULL, 0, s_at(d, 0, 0), d, 60, out, 1),
                     -1);
    assert_int_equal(sched_suggest(NULL, &sched_default_hours, NULL, 0, NULL, 0, s_at(d, 0, 0),
                                   d - 1, 60, out, 1), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_edges_touching_do_not_conflict),
        cmocka_unit_test(test_only_the_parties_asked_about),
        cmocka_unit_test(test_own_bookings_ignored_duty_never),
        cmocka_unit_test(test_span_across_midnight_refused),
        cmocka_unit_test(test_suggest_earliest_within_windows),
        cmocka_unit_test(test_suggest_skips_weekends_holidays_duties),
        cmocka_unit_test(test_suggest_bad_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
