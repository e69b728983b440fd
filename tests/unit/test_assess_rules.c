/* test_assess_rules: the member-file rules over hand-made years: the five
 * ones met at the last minute of 31 December in UTC+8 (and an act one minute
 * later counted in the next year), a member missing one by one, leave
 * approved against refused (absent), a liaison group's month without a
 * report, points, and rules documents the parser must refuse. The year is
 * this year of the real clock: no date is written into the test. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "assess_rules.h"
#include "timeutil.h"

static int s_year;
static assess_rules_t s_rules;

static int s_setup(void **state)
{
    int m, d;
    (void) state;
    time_ymd(time_real_us(), &s_year, &m, &d);
    assess_rules_default(&s_rules);
    return 0;
}

/* The UTC+8 day of a local time text "YYYY-MM-DDTHH:MM" built from parts. */
static calendar_day_t s_at(int year, int month, int day, int hour, int minute)
{
    char text[40];
    int64_t us = 0;
    snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:00+08:00", year, month, day, hour,
             minute);
    assert_int_equal(time_parse(text, &us), 0);
    return calendar_day_of_us(us);
}

static assess_act_t s_act(const char *kind, const char *status, calendar_day_t day)
{
    assess_act_t a;
    memset(&a, 0, sizeof a);
    snprintf(a.kind, sizeof a.kind, "%s", kind);
    snprintf(a.status, sizeof a.status, "%s", status);
    a.day = day;
    return a;
}

static void test_default_rules_parse(void **state)
{
    assess_rules_t r;
    char err[64] = "";
    (void) state;
    assert_int_equal(assess_rules_parse(assess_rules_default_json, &r, err, sizeof err), 0);
    assert_int_equal(r.nfive, 5);
    assert_int_equal(r.nsix, 6);
    assert_int_equal(r.plenary_absences, 2);
    assert_int_equal(r.activity_absences, 3);
    assert_int_equal(r.six[0].periods, 12);
}

static void test_five_ones_met_at_the_last_minute(void **state)
{
    (void) state;
    calendar_day_t last = s_at(s_year, 12, 31, 23, 59);
    assess_act_t acts[] = {
        s_act("plenary", "present", s_at(s_year, 3, 2, 9, 0)),
        s_act("proposal_joint", "done", s_at(s_year, 3, 5, 10, 0)),
        s_act("inspection", "present", s_at(s_year, 6, 1, 9, 0)),
        s_act("report", "done", s_at(s_year, 9, 9, 9, 0)),
        s_act("deed", "done", last),
    };
    assess_five_t f;
    assert_int_equal(assess_five_ones(&s_rules, acts, 5, s_year, &f), 0);
    for (int k = 0; k < 5; k++)
        assert_int_equal(f.count[k], 1);
    /* One minute later is the first minute of the next year (UTC+8), though
     * in UTC both are still 31 December. */
    acts[4].day = s_at(s_year + 1, 1, 1, 0, 0);
    assert_int_equal(assess_five_ones(&s_rules, acts, 5, s_year, &f), 1);
    assert_int_equal(f.count[4], 0);
    assert_int_equal(assess_five_ones(&s_rules, acts, 5, s_year + 1, &f), 4);
}

static void test_five_ones_missing_by_one(void **state)
{
    (void) state;
    assess_act_t acts[] = {
        s_act("plenary", "present", s_at(s_year, 3, 2, 9, 0)),
        s_act("proposal_lead", "done", s_at(s_year, 3, 5, 10, 0)),
        s_act("inspection", "absent", s_at(s_year, 6, 1, 9, 0)),    /* does not count */
        s_act("report", "done", s_at(s_year, 9, 9, 9, 0)),
        s_act("deed", "done", s_at(s_year, 11, 1, 9, 0)),
    };
    assess_five_t f;
    assert_int_equal(assess_five_ones(&s_rules, acts, 5, s_year, &f), 1);
    assert_int_equal(f.count[2], 0);
    assert_int_equal(f.count[0], 1);
}

static void test_leave_approved_against_refused(void **state)
{
    (void) state;
    int plenary, activity;
    /* Two plenaries missed: one with approved leave, one without. */
    assess_act_t acts[] = {
        s_act("plenary", "leave", s_at(s_year, 1, 10, 9, 0)),
        s_act("plenary", "absent", s_at(s_year, 7, 10, 9, 0)),
        s_act("training", "absent", s_at(s_year, 4, 1, 9, 0)),
        s_act("inspection", "absent", s_at(s_year, 5, 1, 9, 0)),
    };
    assert_int_equal(assess_absences(&s_rules, acts, 4, s_year, &plenary, &activity), 0);
    assert_int_equal(plenary, 1);
    assert_int_equal(activity, 2);
    /* The leave refused: the member did not come, an absence without leave. */
    snprintf(acts[0].status, sizeof acts[0].status, "absent");
    assert_int_equal(assess_absences(&s_rules, acts, 4, s_year, &plenary, &activity), 1);
    assert_int_equal(plenary, 2);
    /* A third activity missed flags on its own. */
    snprintf(acts[0].status, sizeof acts[0].status, "leave");
    acts[1] = s_act("deed", "absent", s_at(s_year, 8, 1, 9, 0));
    assert_int_equal(assess_absences(&s_rules, acts, 4, s_year, &plenary, &activity), 1);
    assert_int_equal(plenary, 0);
    assert_int_equal(activity, 3);
    /* Last year's absences do not count this year. */
    acts[1].day = s_at(s_year - 1, 12, 31, 23, 59);
    assert_int_equal(assess_absences(&s_rules, acts, 4, s_year, &plenary, &activity), 0);
}

static void test_group_month_without_report(void **state)
{
    (void) state;
    assess_act_t acts[12];
    size_t n = 0;
    for (int m = 1; m <= 12; m++)
        if (m != 5)
            acts[n++] = s_act("report", "done", s_at(s_year, m, 15, 10, 0));
    assess_six_t six;
    /* Judged on 1 June: May ended without a report; June is open. */
    calendar_day_t june1 = s_at(s_year, 6, 1, 0, 0);
    assess_six(&s_rules, acts, n, s_year, june1, &six);
    assert_int_equal(six.verdict[0][4], ASSESS_MISSED);
    assert_int_equal(six.verdict[0][3], ASSESS_MET);
    assert_int_equal(six.verdict[0][5], ASSESS_MET);     /* the June report is in already */
    /* Suggestions, activities, inspections: Q1 missed; Q2 still open; the
     * half-year research report and the year's project open too. */
    assert_int_equal(six.verdict[1][0], ASSESS_MISSED);
    assert_int_equal(six.verdict[1][1], ASSESS_OPEN);
    assert_int_equal(six.verdict[4][0], ASSESS_OPEN);
    assert_int_equal(six.verdict[5][0], ASSESS_OPEN);
    assert_int_equal(six.missed, 1 + 3);
    /* On 31 May at 23:59 May is not over yet. */
    assess_six(&s_rules, acts, n, s_year, s_at(s_year, 5, 31, 23, 59), &six);
    assert_int_equal(six.verdict[0][4], ASSESS_OPEN);
}

/* A suggestion a quarter: only the group's suggestions count (a proposal in
 * its name), not its members' own proposals. */
static void test_group_suggestion_a_quarter(void **state)
{
    (void) state;
    assess_act_t acts[] = {
        s_act("proposal_lead", "done", s_at(s_year, 2, 10, 10, 0)),   /* a member's own */
        s_act("proposal_joint", "done", s_at(s_year, 3, 10, 10, 0)),
        s_act("suggestion", "done", s_at(s_year, 4, 1, 0, 30)),       /* Q2, 00:30 UTC+8 */
        s_act("suggestion", "done", s_at(s_year, 9, 30, 23, 59)),     /* Q3, its last minute */
    };
    assess_six_t six;
    assess_six(&s_rules, acts, 4, s_year, s_at(s_year + 1, 1, 1, 0, 0), &six);
    assert_string_equal(s_rules.six[1].key, "suggestion");
    assert_int_equal(six.count[1][0], 0);
    assert_int_equal(six.verdict[1][0], ASSESS_MISSED);
    assert_int_equal(six.count[1][1], 1);
    assert_int_equal(six.verdict[1][1], ASSESS_MET);
    assert_int_equal(six.verdict[1][2], ASSESS_MET);
    assert_int_equal(six.verdict[1][3], ASSESS_MISSED);
}

static void test_points(void **state)
{
    (void) state;
    assess_act_t acts[] = {
        s_act("proposal_lead", "done", s_at(s_year, 2, 1, 9, 0)),     /* 5 */
        s_act("report_adopted", "done", s_at(s_year, 2, 2, 9, 0)),    /* 5 */
        s_act("plenary", "present", s_at(s_year, 3, 1, 9, 0)),        /* 3 */
        s_act("plenary", "absent", s_at(s_year, 3, 2, 9, 0)),         /* 0 */
        s_act("duty", "done", s_at(s_year - 1, 12, 31, 23, 59)),      /* last year */
    };
    assert_int_equal(assess_points(&s_rules, acts, 5, s_year), 13);
}

static void test_rules_refused(void **state)
{
    (void) state;
    assess_rules_t r;
    char err[64];
    static const char *const bad[] = {
        "", "[]", "{\"five\":[],\"six\":[],\"points\":{},\"absence\":{}}",
        "{\"five\":[{\"key\":\"m\",\"label\":\"x\",\"min\":0,\"kinds\":[\"plenary\"]}],"
        "\"six\":[],\"points\":{},\"absence\":{\"plenary\":2,\"activity\":3,"
        "\"plenary_kinds\":[\"plenary\"],\"activity_kinds\":[\"deed\"]}}",
        "{\"five\":[],\"six\":[{\"key\":\"r\",\"label\":\"x\",\"min\":1,\"periods\":5,"
        "\"kinds\":[\"report\"]}],\"points\":{},\"absence\":{\"plenary\":2,\"activity\":3,"
        "\"plenary_kinds\":[\"plenary\"],\"activity_kinds\":[\"deed\"]}}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(assess_rules_parse(bad[i], &r, err, sizeof err), -1);
    /* A district's own document: one meeting and three reports. */
    assert_int_equal(assess_rules_parse(
        "{\"five\":[{\"key\":\"report\",\"label\":\"三篇\",\"min\":3,\"kinds\":[\"report\"]}],"
        "\"six\":[],\"points\":{\"report\":1},\"absence\":{\"plenary\":1,\"activity\":2,"
        "\"plenary_kinds\":[\"plenary\"],\"activity_kinds\":[\"deed\"]}}", &r, err, sizeof err), 0);
    assess_act_t acts[] = {
        s_act("report", "done", s_at(s_year, 2, 1, 9, 0)),
        s_act("report", "done", s_at(s_year, 2, 2, 9, 0)),
    };
    assess_five_t f;
    assert_int_equal(assess_five_ones(&r, acts, 2, s_year, &f), 1);
    acts[0].day = acts[1].day;
    assert_int_equal(f.count[0], 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_default_rules_parse),
        cmocka_unit_test(test_five_ones_met_at_the_last_minute),
        cmocka_unit_test(test_five_ones_missing_by_one),
        cmocka_unit_test(test_leave_approved_against_refused),
        cmocka_unit_test(test_group_month_without_report),
        cmocka_unit_test(test_group_suggestion_a_quarter),
        cmocka_unit_test(test_points),
        cmocka_unit_test(test_rules_refused),
    };
    return cmocka_run_group_tests(tests, s_setup, NULL);
}
