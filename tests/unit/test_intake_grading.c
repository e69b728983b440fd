/* test_intake_grading: the four classes over the whole 5 x 5 grid, configured
 * thresholds, due dates across the 2026 Spring Festival and National Day
 * (calendar built in the test), and the office's override. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "calendar.h"
#include "grading.h"

static calendar_day_t s_day(const char *text)
{
    calendar_day_t d = -1;
    if (calendar_day_parse(text, &d) < 0)
        fail_msg("bad date in test: %s", text);
    return d;
}

static int setup_cal(void **state)
{
    calendar_t *cal = calendar_new();
    if (!cal)
        return -1;
    for (calendar_day_t d = s_day("2026-02-15"); d <= s_day("2026-02-23"); d++)
        calendar_add(cal, d, CALENDAR_HOLIDAY, "春节");
    for (calendar_day_t d = s_day("2026-10-01"); d <= s_day("2026-10-07"); d++)
        calendar_add(cal, d, CALENDAR_HOLIDAY, "国庆节");
    calendar_add(cal, s_day("2026-02-14"), CALENDAR_WORKDAY, "春节调休");
    calendar_add(cal, s_day("2026-02-28"), CALENDAR_WORKDAY, "春节调休");
    calendar_add(cal, s_day("2026-09-20"), CALENDAR_WORKDAY, "国庆节调休");
    calendar_add(cal, s_day("2026-10-10"), CALENDAR_WORKDAY, "国庆节调休");
    *state = cal;
    return 0;
}

static int teardown_cal(void **state)
{
    calendar_t *cal = *state;
    calendar_destroy(&cal);
    return 0;
}

/* Checks a 5 x 5 grid of classes: `grid` is 5 rows (importance 1..5) of 5
 * digits (difficulty 1..5), rows separated by a space. */
static void s_expect_grid(const grading_rules_t *rules, int local, int on_spot, const char *grid)
{
    for (int imp = 1; imp <= 5; imp++) {
        for (int dif = 1; dif <= 5; dif++) {
            grading_input_t in = {imp, dif, on_spot, local};
            int want = grid[(imp - 1) * 6 + (dif - 1)] - '0';
            int got = grading_class(rules, &in);
            if (got != want)
                fail_msg("importance %d difficulty %d local %d on_spot %d: class %d, want %d",
                         imp, dif, local, on_spot, got, want);
        }
    }
}

static void test_classes_default(void **state)
{
    (void) state;
    /* Important (>= 4) and hard (>= 4): 1. Important, not hard: 2. Not
     * important: 3 when local, else 2. On the spot: 4, except class 1. */
    s_expect_grid(NULL, 0, 0, "22222 22222 22222 22211 22211");
    s_expect_grid(NULL, 1, 0, "33333 33333 33333 22211 22211");
    s_expect_grid(NULL, 0, 1, "44444 44444 44444 44411 44411");
    s_expect_grid(NULL, 1, 1, "44444 44444 44444 44411 44411");
}

static void test_thresholds(void **state)
{
    (void) state;
    grading_rules_t r;
    grading_rules_default(&r);
    assert_int_equal(r.important_min, 4);
    assert_int_equal(r.hard_min, 4);
    assert_int_equal(r.class1_workdays, 1);
    assert_int_equal(r.class2_workdays, 15);
    assert_int_equal(r.class3_workdays, 10);
    assert_int_equal(grading_rules_check(&r), 0);
    s_expect_grid(&r, 1, 0, "33333 33333 33333 22211 22211");   /* same as NULL */

    r.important_min = 3;
    r.hard_min = 5;
    s_expect_grid(&r, 1, 0, "33333 33333 22221 22221 22221");
    s_expect_grid(&r, 0, 1, "44444 44444 44441 44441 44441");
    r.important_min = 1;                                        /* everything matters */
    r.hard_min = 1;
    s_expect_grid(&r, 1, 1, "11111 11111 11111 11111 11111");

    const grading_rules_t bad[] = {
        {0, 4, 1, 15, 10}, {6, 4, 1, 15, 10}, {4, 0, 1, 15, 10}, {4, 6, 1, 15, 10},
        {4, 4, -1, 15, 10}, {4, 4, 1, 366, 10}, {4, 4, 1, 15, -3},
    };
    grading_input_t in = {3, 3, 0, 1};
    grading_result_t res;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(grading_rules_check(&bad[i]), GRADING_ERULES);
        assert_int_equal(grading_class(&bad[i], &in), GRADING_ERULES);
        assert_int_equal(grading_grade(&bad[i], NULL, &in, s_day("2026-03-02"), &res), GRADING_ERULES);
    }
    assert_int_equal(grading_rules_check(NULL), GRADING_EINVAL);
}

static void test_bad_scores(void **state)
{
    (void) state;
    const grading_input_t bad_imp[] = {{0, 3, 0, 0}, {6, 3, 0, 0}, {-1, 3, 1, 1}};
    const grading_input_t bad_dif[] = {{3, 0, 0, 0}, {3, 6, 0, 0}, {5, 99, 0, 0}};
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(grading_class(NULL, &bad_imp[i]), GRADING_EIMPORTANCE);
        assert_int_equal(grading_class(NULL, &bad_dif[i]), GRADING_EDIFFICULTY);
    }
    assert_int_equal(grading_class(NULL, NULL), GRADING_EINVAL);
    grading_result_t res;
    assert_int_equal(grading_grade(NULL, NULL, &bad_imp[0], 0, &res), GRADING_EIMPORTANCE);
    assert_string_equal(grading_error_field(GRADING_EIMPORTANCE), "importance");
    assert_string_equal(grading_error_field(GRADING_EDIFFICULTY), "difficulty");
    assert_string_equal(grading_error_field(GRADING_ECLASS), "grade");
    assert_string_equal(grading_error_field(GRADING_EREASON), "reason");
    assert_null(grading_error_field(0));
    assert_null(grading_error_field(-99));
}

/* ---- due dates -------------------------------------------------------------- */

static void s_expect_due(const calendar_t *cal, const grading_rules_t *rules, int imp, int dif,
                         int spot, int local, const char *raised, int want_class, const char *due)
{
    grading_input_t in = {imp, dif, spot, local};
    grading_result_t res;
    memset(&res, 0xff, sizeof res);
    assert_int_equal(grading_grade(rules, cal, &in, s_day(raised), &res), 0);
    assert_int_equal(res.grade, want_class);
    assert_int_equal((int) res.route, want_class);
    if (res.due != s_day(due)) {
        char got[11];
        calendar_day_format(res.due, got, sizeof got);
        fail_msg("class %d raised %s: due %s, want %s", want_class, raised, got, due);
    }
    assert_int_equal(res.due_before_us, calendar_day_start_us(s_day(due) + 1));
}

static void test_due_dates(void **state)
{
    const calendar_t *cal = *state;
    /* Class 1: within one working day. */
    s_expect_due(cal, NULL, 5, 5, 0, 0, "2026-02-12", 1, "2026-02-13");
    s_expect_due(cal, NULL, 5, 5, 0, 0, "2026-02-13", 1, "2026-02-14");   /* make-up Saturday */
    s_expect_due(cal, NULL, 5, 5, 0, 0, "2026-02-14", 1, "2026-02-24");   /* over 春节 */
    s_expect_due(cal, NULL, 5, 4, 1, 1, "2026-02-18", 1, "2026-02-24");   /* raised during it */
    s_expect_due(cal, NULL, 4, 5, 0, 0, "2026-09-30", 1, "2026-10-08");   /* over 国庆节 */
    /* Class 2: fifteen working days. */
    s_expect_due(cal, NULL, 4, 2, 0, 0, "2026-02-10", 2, "2026-03-09");
    s_expect_due(cal, NULL, 2, 2, 0, 0, "2026-09-30", 2, "2026-10-27");
    /* Class 3: ten working days by default. */
    s_expect_due(cal, NULL, 2, 3, 0, 1, "2026-02-12", 3, "2026-03-04");
    /* Class 4: closed the same day, even on a holiday. */
    s_expect_due(cal, NULL, 1, 1, 1, 1, "2026-02-17", 4, "2026-02-17");
    /* Without a calendar the holiday is not known: plain weekends. */
    s_expect_due(NULL, NULL, 5, 5, 0, 0, "2026-02-14", 1, "2026-02-16");

    grading_rules_t r;
    grading_rules_default(&r);
    r.class3_workdays = 5;
    s_expect_due(cal, &r, 2, 3, 0, 1, "2026-02-13", 3, "2026-02-27");
    r.class1_workdays = 0;                          /* "the same working day" */
    s_expect_due(cal, &r, 5, 5, 0, 0, "2026-02-12", 1, "2026-02-12");
    s_expect_due(cal, &r, 5, 5, 0, 0, "2026-02-17", 1, "2026-02-24");

    grading_result_t res;
    grading_input_t in = {4, 2, 0, 0};
    assert_int_equal(grading_grade(NULL, cal, &in, s_day("9999-12-30"), &res), GRADING_EDATE);
    assert_int_equal(grading_route(NULL, cal, 4, -1, &res), GRADING_EDATE);
    assert_int_equal(grading_route(NULL, cal, 0, s_day("2026-01-05"), &res), GRADING_ECLASS);
    assert_int_equal(grading_route(NULL, cal, 5, s_day("2026-01-05"), &res), GRADING_ECLASS);
    assert_int_equal(grading_route(NULL, cal, 2, s_day("2026-01-05"), NULL), GRADING_EINVAL);
}

/* ---- override ----------------------------------------------------------------- */

static void test_override(void **state)
{
    const calendar_t *cal = *state;
    grading_result_t res;
    calendar_day_t on = s_day("2026-09-30");

    assert_int_equal(grading_override(NULL, cal, 2, "涉及多个部门，需转交区住建局办理", on, &res), 0);
    assert_int_equal(res.grade, 2);
    assert_int_equal(res.route, GRADING_ROUTE_UNIT);
    assert_int_equal(res.due, s_day("2026-10-27"));
    assert_int_equal(grading_override(NULL, cal, 1, "重大信访风险", on, &res), 0);
    assert_int_equal(res.route, GRADING_ROUTE_LEADERSHIP);
    assert_int_equal(res.due, s_day("2026-10-08"));
    assert_int_equal(grading_override(NULL, cal, 4, "已当场解答", on, &res), 0);
    assert_int_equal(res.route, GRADING_ROUTE_CLOSED);
    assert_int_equal(res.due, on);
    assert_int_equal(grading_override(NULL, cal, 3, " x ", on, &res), 0);
    assert_int_equal(res.route, GRADING_ROUTE_MICRO_CONSULTATION);

    /* The reason is required and must say something. */
    const char *empty[] = {NULL, "", "   ", "\t\r\n", "\xE3\x80\x80\xE3\x80\x80", " \xE3\x80\x80 "};
    for (size_t i = 0; i < sizeof empty / sizeof empty[0]; i++) {
        memset(&res, 0, sizeof res);
        assert_int_equal(grading_override(NULL, cal, 2, empty[i], on, &res), GRADING_EREASON);
        assert_int_equal(res.grade, 0);                     /* untouched */
    }
    char long_reason[GRADING_REASON_MAX + 2];
    memset(long_reason, 'a', sizeof long_reason - 1);
    long_reason[sizeof long_reason - 1] = '\0';
    assert_int_equal(grading_override(NULL, cal, 2, long_reason, on, &res), GRADING_EREASON);
    long_reason[GRADING_REASON_MAX] = '\0';
    assert_int_equal(grading_override(NULL, cal, 2, long_reason, on, &res), 0);

    assert_int_equal(grading_override(NULL, cal, 0, "reason", on, &res), GRADING_ECLASS);
    assert_int_equal(grading_override(NULL, cal, 5, "reason", on, &res), GRADING_ECLASS);
    grading_rules_t bad = {4, 4, 1, 15, 400};
    assert_int_equal(grading_override(&bad, cal, 2, "reason", on, &res), GRADING_ERULES);
}

static void test_names(void **state)
{
    (void) state;
    assert_string_equal(grading_route_name(GRADING_ROUTE_LEADERSHIP), "leadership");
    assert_string_equal(grading_route_name(GRADING_ROUTE_UNIT), "unit");
    assert_string_equal(grading_route_name(GRADING_ROUTE_MICRO_CONSULTATION), "micro_consultation");
    assert_string_equal(grading_route_name(GRADING_ROUTE_CLOSED), "closed");
    assert_null(grading_route_name((grading_route_t) 9));
    assert_string_equal(grading_event_type(GRADING_ROUTE_LEADERSHIP), "issue.escalated");
    assert_string_equal(grading_event_type(GRADING_ROUTE_UNIT), "issue.forwarded");
    assert_string_equal(grading_event_type(GRADING_ROUTE_MICRO_CONSULTATION),
                        "issue.micro_consultation_requested");
    assert_null(grading_event_type(GRADING_ROUTE_CLOSED));
    assert_null(grading_event_type((grading_route_t) 0));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_classes_default),
        cmocka_unit_test(test_thresholds),
        cmocka_unit_test(test_bad_scores),
        cmocka_unit_test(test_due_dates),
        cmocka_unit_test(test_override),
        cmocka_unit_test(test_names),
    };
    return cmocka_run_group_tests_name("intake_grading", tests, setup_cal, teardown_cal);
}
