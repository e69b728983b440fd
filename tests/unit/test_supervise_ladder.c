/* test_supervise_ladder: the chase ladder as pure logic: the urge, follow
 * and supervise days on a calendar with a holiday week, a make-up Saturday
 * and the year boundary; which steps an item registered late still fires;
 * the step reached day by day (each exactly once, in order); the overdue
 * working days; stop on answer; the item's machine (answer, close by the
 * office only, reopen, a referral only at 督办 and once). The dates are a
 * synthetic calendar's, not today's: the test passes on any day. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>
#include "item_fsm.h"
#include "ladder.h"

static calendar_day_t s_day(const char *text)
{
    calendar_day_t d;
    assert_int_equal(calendar_day_parse(text, &d), 0);
    return d;
}

static void s_is(calendar_day_t d, const char *want)
{
    char got[11];
    calendar_day_format(d, got, sizeof got);
    assert_string_equal(got, want);
}

/* National Day week as holidays, its make-up Saturday, New Year's Day. */
static calendar_t *s_calendar(void)
{
    calendar_t *cal = calendar_new();
    char t[11];
    assert_non_null(cal);
    for (int d = 1; d <= 7; d++) {
        snprintf(t, sizeof t, "2026-10-%02d", d);
        assert_int_equal(calendar_add(cal, s_day(t), CALENDAR_HOLIDAY, "国庆节"), 0);
    }
    assert_int_equal(calendar_add(cal, s_day("2026-10-10"), CALENDAR_WORKDAY, NULL), 0);
    assert_int_equal(calendar_add(cal, s_day("2027-01-01"), CALENDAR_HOLIDAY, "元旦"), 0);
    return cal;
}

static void test_plain_week(void **state)
{
    (void) state;
    ladder_cfg_t cfg = {.urge_workdays = 2, .escalate_workdays = 3};
    ladder_plan_t p;
    calendar_t *cal = s_calendar();
    /* due Wednesday 2026-06-10: urge Monday, supervise the next Monday */
    assert_int_equal(ladder_plan(cal, &cfg, s_day("2026-06-10"), LADDER_REGISTERED,
                                 s_day("2026-06-01"), &p), 0);
    s_is(p.day[LADDER_URGED], "2026-06-08");
    s_is(p.day[LADDER_FOLLOWED], "2026-06-10");
    s_is(p.day[LADDER_SUPERVISED], "2026-06-15");
    for (int s = LADDER_URGED; s < LADDER_NSTEPS; s++)
        assert_int_equal(p.when[s], LADDER_SCHEDULED);
    /* due on a Monday: the urge day skips the weekend back to Thursday */
    calendar_day_t u;
    assert_int_equal(ladder_urge_day(cal, s_day("2026-06-15"), 2, &u), 0);
    s_is(u, "2026-06-11");
    calendar_destroy(&cal);
}

static void test_holidays(void **state)
{
    (void) state;
    ladder_cfg_t cfg = {.urge_workdays = 3, .escalate_workdays = 2};
    ladder_plan_t p;
    calendar_t *cal = s_calendar();
    /* due Friday 2026-10-09 after the holiday week: urge 3 working days
     * before (Sep 30, Oct 8, Oct 9 in between), supervise on Monday
     * 2026-10-12, the make-up Saturday counting */
    assert_int_equal(ladder_plan(cal, &cfg, s_day("2026-10-09"), LADDER_REGISTERED,
                                 s_day("2026-09-01"), &p), 0);
    s_is(p.day[LADDER_URGED], "2026-09-29");
    s_is(p.day[LADDER_SUPERVISED], "2026-10-12");
    /* due in the holiday: urged before it, supervised after it */
    assert_int_equal(ladder_plan(cal, &cfg, s_day("2026-10-05"), LADDER_REGISTERED,
                                 s_day("2026-09-01"), &p), 0);
    s_is(p.day[LADDER_URGED], "2026-09-25");     /* Sep 28, 29, 30 in between */
    s_is(p.day[LADDER_SUPERVISED], "2026-10-09");
    assert_int_equal(ladder_overdue(cal, s_day("2026-09-30"), s_day("2026-10-08")), 1);
    assert_int_equal(ladder_overdue(cal, s_day("2026-09-30"), s_day("2026-10-07")), 0);
    calendar_destroy(&cal);
}

static void test_year_boundary(void **state)
{
    (void) state;
    ladder_cfg_t cfg = {.urge_workdays = 2, .escalate_workdays = 3};
    ladder_plan_t p;
    calendar_t *cal = s_calendar();
    /* due Wednesday 2026-12-30: 督办 3 working days later is 2027-01-05
     * (New Year's Day and the weekend do not count) */
    assert_int_equal(ladder_plan(cal, &cfg, s_day("2026-12-30"), LADDER_REGISTERED,
                                 s_day("2026-12-01"), &p), 0);
    s_is(p.day[LADDER_URGED], "2026-12-28");
    s_is(p.day[LADDER_SUPERVISED], "2027-01-05");
    /* due Monday 2027-01-04: urged back in 2026 */
    assert_int_equal(ladder_plan(cal, &cfg, s_day("2027-01-04"), LADDER_REGISTERED,
                                 s_day("2026-12-01"), &p), 0);
    s_is(p.day[LADDER_URGED], "2026-12-30");
    assert_int_equal(ladder_overdue(cal, s_day("2026-12-30"), s_day("2027-01-05")), 3);
    calendar_destroy(&cal);
}

/* Registered late: the steps already passed are not fired but the last. */
static void test_late_registration(void **state)
{
    (void) state;
    ladder_cfg_t cfg = {.urge_workdays = 2, .escalate_workdays = 3};
    ladder_plan_t p;
    calendar_t *cal = s_calendar();
    calendar_day_t due = s_day("2026-06-10");
    assert_int_equal(ladder_plan(cal, &cfg, due, LADDER_REGISTERED, s_day("2026-06-09"), &p), 0);
    assert_int_equal(p.when[LADDER_URGED], LADDER_NOW);
    assert_int_equal(p.when[LADDER_FOLLOWED], LADDER_SCHEDULED);
    assert_int_equal(ladder_plan(cal, &cfg, due, LADDER_REGISTERED, s_day("2026-06-11"), &p), 0);
    assert_int_equal(p.when[LADDER_URGED], LADDER_SKIPPED);
    assert_int_equal(p.when[LADDER_FOLLOWED], LADDER_NOW);
    assert_int_equal(p.when[LADDER_SUPERVISED], LADDER_SCHEDULED);
    assert_int_equal(ladder_plan(cal, &cfg, due, LADDER_REGISTERED, s_day("2026-07-01"), &p), 0);
    assert_int_equal(p.when[LADDER_URGED], LADDER_SKIPPED);
    assert_int_equal(p.when[LADDER_FOLLOWED], LADDER_SKIPPED);
    assert_int_equal(p.when[LADDER_SUPERVISED], LADDER_NOW);
    /* an item already urged plans only what is above */
    assert_int_equal(ladder_plan(cal, &cfg, due, LADDER_URGED, s_day("2026-06-01"), &p), 0);
    assert_int_equal(p.when[LADDER_URGED], LADDER_DONE);
    assert_int_equal(p.when[LADDER_FOLLOWED], LADDER_SCHEDULED);
    /* bad configurations */
    ladder_cfg_t bad = {.urge_workdays = 0, .escalate_workdays = 3};
    assert_int_equal(ladder_plan(cal, &bad, due, LADDER_REGISTERED, due, &p), -1);
    bad = (ladder_cfg_t) {.urge_workdays = 2, .escalate_workdays = LADDER_WORKDAYS_MAX + 1};
    assert_int_equal(ladder_plan(cal, &bad, due, LADDER_REGISTERED, due, &p), -1);
    calendar_destroy(&cal);
}

/* Day by day across the holidays and the new year: the step only climbs,
 * each step is first reached on its own day, exactly once. */
static void test_day_by_day(void **state)
{
    (void) state;
    ladder_cfg_t cfg = {.urge_workdays = 5, .escalate_workdays = 5};
    calendar_t *cal = s_calendar();
    const char *dues[] = {"2026-10-09", "2026-12-31", "2026-10-01"};
    for (size_t k = 0; k < sizeof dues / sizeof dues[0]; k++) {
        ladder_plan_t p;
        calendar_day_t due = s_day(dues[k]);
        assert_int_equal(ladder_plan(cal, &cfg, due, LADDER_REGISTERED, due - 60, &p), 0);
        int seen[LADDER_NSTEPS] = {0};
        ladder_step_t at = LADDER_REGISTERED;
        for (calendar_day_t d = due - 60; d <= due + 60; d++) {
            ladder_step_t s = ladder_step_on(cal, &cfg, due, d);
            assert_true(s >= at);
            if (s > at) {
                assert_int_equal(s, at + 1);        /* no step jumped on a schedule */
                assert_int_equal(d, p.day[s]);
                seen[s]++;
            }
            at = s;
        }
        for (int s = LADDER_URGED; s < LADDER_NSTEPS; s++)
            assert_int_equal(seen[s], 1);
    }
    calendar_destroy(&cal);
}

static void test_stop_on_answer(void **state)
{
    (void) state;
    assert_true(ladder_fires(1, LADDER_REGISTERED, LADDER_URGED));
    assert_true(ladder_fires(1, LADDER_URGED, LADDER_SUPERVISED));
    assert_false(ladder_fires(0, LADDER_REGISTERED, LADDER_URGED));     /* answered */
    assert_false(ladder_fires(1, LADDER_FOLLOWED, LADDER_URGED));       /* a late lower step */
    assert_false(ladder_fires(1, LADDER_FOLLOWED, LADDER_FOLLOWED));    /* twice */
    assert_string_equal(ladder_step_name(LADDER_SUPERVISED), "supervised");
    assert_int_equal(ladder_step_from_name("urged"), LADDER_URGED);
    assert_int_equal(ladder_step_from_name("nope"), -1);
}

static fsm_result_t s_check(int state, unsigned flags, int ev, unsigned role, unsigned subject)
{
    fsm_verdict_t v;
    return fsm_check(&item_fsm, state, flags, ev, role, &subject, &v);
}

static void test_machine(void **state)
{
    (void) state;
    assert_int_equal(fsm_valid(&item_fsm), 0);
    assert_int_equal(s_check(ITEM_OPEN, 0, ITEM_EV_ANSWER, ROLE_UNIT, 0), FSM_OK);
    assert_int_equal(s_check(ITEM_ANSWERED, 0, ITEM_EV_CLOSE, ROLE_UNIT, 0), FSM_FORBIDDEN);
    assert_int_equal(s_check(ITEM_OPEN, 0, ITEM_EV_CLOSE, ROLE_OFFICE, 0), FSM_WRONG_STATE);
    assert_int_equal(s_check(ITEM_ANSWERED, 0, ITEM_EV_CLOSE, ROLE_OFFICE, 0), FSM_OK);
    assert_int_equal(s_check(ITEM_ANSWERED, 0, ITEM_EV_RETURN, ROLE_OFFICE, 0), FSM_OK);
    assert_int_equal(s_check(ITEM_CLOSED, 0, ITEM_EV_REOPEN, ROLE_OFFICE, 0), FSM_OK);
    assert_int_equal(s_check(ITEM_OPEN, 0, ITEM_EV_REOPEN, ROLE_OFFICE, 0), FSM_WRONG_STATE);
    /* a referral only at 督办 (one per partner office: the service's table) */
    assert_int_equal(s_check(ITEM_OPEN, 0, ITEM_EV_REFER, ROLE_OFFICE, 0), FSM_WRONG_STATE);
    assert_int_equal(s_check(ITEM_OPEN, 0, ITEM_EV_REFER, ROLE_OFFICE, ITEM_SUPERVISED), FSM_OK);
    assert_int_equal(s_check(ITEM_ANSWERED, 0, ITEM_EV_REFER, ROLE_OFFICE, ITEM_SUPERVISED),
                     FSM_WRONG_STATE);
    assert_int_equal(s_check(ITEM_OPEN, 0, ITEM_EV_REFER, ROLE_UNIT, ITEM_SUPERVISED),
                     FSM_FORBIDDEN);
    /* the look-back's result needs a look-back */
    assert_int_equal(s_check(ITEM_CLOSED, 0, ITEM_EV_LOOKBACK_RESULT, ROLE_OFFICE, 0),
                     FSM_WRONG_STATE);
    assert_int_equal(s_check(ITEM_CLOSED, ITEM_LOOKBACK, ITEM_EV_LOOKBACK_RESULT, ROLE_OFFICE,
                             ITEM_LOOKBACK), FSM_OK);
    assert_int_equal(s_check(ITEM_CLOSED, ITEM_LOOKBACK, ITEM_EV_LOOKBACK, ROLE_OFFICE,
                             ITEM_LOOKBACK), FSM_WRONG_STATE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_week),      cmocka_unit_test(test_holidays),
        cmocka_unit_test(test_year_boundary),   cmocka_unit_test(test_late_registration),
        cmocka_unit_test(test_day_by_day),      cmocka_unit_test(test_stop_on_answer),
        cmocka_unit_test(test_machine),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
