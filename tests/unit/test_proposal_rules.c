/* test_proposal_rules: the pure rules of lianxin-proposal: the number
 * 2026-0123, the reply's due date in working days across the year boundary
 * and a Spring Festival with its make-up Saturday, the 10-working-day
 * hand-back window, the refusal reasons from the configuration and a
 * reply's own consistency (B needs a later promised date, C a reason). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proposal_rules.h"

static calendar_day_t s_day(const char *text)
{
    calendar_day_t d = -1;
    assert_int_equal(calendar_day_parse(text, &d), 0);
    return d;
}

/* 2026 and 2027 with 元旦 2027-01-01 and a Spring Festival week
 * 2027-02-08..12 made up on Saturday 2027-02-06. */
static int setup(void **state)
{
    calendar_t *cal = calendar_new();
    if (!cal || calendar_mark_year(cal, 2026) != 0 || calendar_mark_year(cal, 2027) != 0)
        return -1;
    calendar_add(cal, s_day("2027-01-01"), CALENDAR_HOLIDAY, "元旦");
    for (int d = 8; d <= 12; d++) {
        char t[11];
        snprintf(t, sizeof t, "2027-02-%02d", d);
        calendar_add(cal, s_day(t), CALENDAR_HOLIDAY, "春节");
    }
    calendar_add(cal, s_day("2027-02-06"), CALENDAR_WORKDAY, NULL);
    *state = cal;
    return 0;
}

static int teardown(void **state)
{
    calendar_t *cal = *state;
    calendar_destroy(&cal);
    return 0;
}

static void s_due(const calendar_t *cal, const char *from, int n, const char *want)
{
    calendar_day_t due = -1;
    char got[11];
    assert_int_equal(proposal_due_date(cal, s_day(from), n, &due), 0);
    calendar_day_format(due, got, sizeof got);
    assert_string_equal(got, want);
}

static void test_number(void **state)
{
    (void) state;
    char out[16];
    assert_int_equal(proposal_number_format(2026, 123, out, sizeof out), 0);
    assert_string_equal(out, "2026-0123");
    assert_int_equal(proposal_number_format(2026, 1, out, sizeof out), 0);
    assert_string_equal(out, "2026-0001");
    assert_int_equal(proposal_number_format(2027, 12345, out, sizeof out), 0);
    assert_string_equal(out, "2027-12345");
    assert_int_equal(proposal_number_format(2026, 0, out, sizeof out), -1);
    assert_int_equal(proposal_number_format(2026, 1, out, 5), -1);
}

/* Across 元旦: Wednesday 12-30 + 3 = 12-31, (01-01 off, weekend), 01-04, 01-05. */
static void test_due_over_the_year_boundary(void **state)
{
    s_due(*state, "2026-12-30", 1, "2026-12-31");
    s_due(*state, "2026-12-30", 2, "2027-01-04");
    s_due(*state, "2026-12-30", 3, "2027-01-05");
    s_due(*state, "2026-12-31", 1, "2027-01-04");
}

/* Across the Spring Festival: Friday 02-05, the make-up Saturday 02-06,
 * then the holiday week: the next is Monday 02-15. */
static void test_due_over_the_spring_festival(void **state)
{
    s_due(*state, "2027-02-04", 1, "2027-02-05");
    s_due(*state, "2027-02-04", 2, "2027-02-06");
    s_due(*state, "2027-02-04", 3, "2027-02-15");
    calendar_day_t due;
    assert_int_equal(proposal_due_date(*state, s_day("2027-02-04"), 0, &due), -1);
    assert_int_equal(proposal_due_date(*state, s_day("2027-02-04"), PROPOSAL_WORKDAYS_MAX + 1,
                                       &due), -1);
}

/* Assigned Monday 2026-12-28: the 10th working day after is 2027-01-12. */
static void test_handback_window(void **state)
{
    calendar_day_t a = s_day("2026-12-28");
    assert_true(proposal_handback_open(*state, a, a));
    assert_true(proposal_handback_open(*state, a, s_day("2027-01-01")));
    assert_true(proposal_handback_open(*state, a, s_day("2027-01-12")));
    assert_false(proposal_handback_open(*state, a, s_day("2027-01-13")));
    assert_false(proposal_handback_open(*state, a, s_day("2026-12-27")));
}

static void test_reasons(void **state)
{
    (void) state;
    char r[PROPOSAL_REASONS_MAX][33];
    assert_int_equal(proposal_reasons_parse(NULL, r, PROPOSAL_REASONS_MAX), 5);
    assert_string_equal(r[0], "not_in_scope");
    assert_int_equal(proposal_reasons_parse("dup, out_of_scope", r, PROPOSAL_REASONS_MAX), 2);
    assert_string_equal(r[1], "out_of_scope");
    assert_int_equal(proposal_reasons_parse("Bad", r, PROPOSAL_REASONS_MAX), -1);
    assert_int_equal(proposal_reasons_parse("a,b,c", r, 2), -1);
}

static void s_reply_fault(const char *cls, const char *text, const char *promised,
                          const char *reason, const char *field, const char *code)
{
    const char *f = NULL, *c = NULL;
    assert_int_equal(proposal_reply_check(cls, text, promised, reason, s_day("2026-12-30"), &f,
                                          &c), -1);
    assert_string_equal(f, field);
    assert_string_equal(c, code);
}

static void test_reply_check(void **state)
{
    (void) state;
    const char *f, *c;
    calendar_day_t today = s_day("2026-12-30");
    assert_int_equal(proposal_reply_check("a", "已采纳", NULL, NULL, today, &f, &c), 0);
    assert_int_equal(proposal_reply_check("b", "正在解决", "2027-03-01", NULL, today, &f, &c), 0);
    assert_int_equal(proposal_reply_check("c", "暂不具备条件", NULL, "资金未落实", today, &f, &c),
                     0);
    s_reply_fault("d", "x", NULL, NULL, "class", "unknown_value");
    s_reply_fault("", "x", NULL, NULL, "class", "required");
    s_reply_fault("a", "  ", NULL, NULL, "text", "required");
    s_reply_fault("b", "x", NULL, NULL, "promised_date", "required");
    s_reply_fault("b", "x", "2027-02-30", NULL, "promised_date", "invalid");
    s_reply_fault("b", "x", "2026-12-30", NULL, "promised_date", "out_of_range");
    s_reply_fault("c", "x", NULL, "", "reason", "required");
    char *big = malloc(PROPOSAL_REPLY_TEXT_MAX + 2);
    assert_non_null(big);
    memset(big, 'x', PROPOSAL_REPLY_TEXT_MAX + 1);
    big[PROPOSAL_REPLY_TEXT_MAX + 1] = '\0';
    s_reply_fault("a", big, NULL, NULL, "text", "too_long");
    s_reply_fault("c", "x", NULL, big, "reason", "too_long");
    big[PROPOSAL_REPLY_TEXT_MAX] = '\0';
    assert_int_equal(proposal_reply_check("a", big, NULL, NULL, today, &f, &c), 0);
    free(big);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_number),
        cmocka_unit_test_setup_teardown(test_due_over_the_year_boundary, setup, teardown),
        cmocka_unit_test_setup_teardown(test_due_over_the_spring_festival, setup, teardown),
        cmocka_unit_test_setup_teardown(test_handback_window, setup, teardown),
        cmocka_unit_test(test_reasons),
        cmocka_unit_test(test_reply_check),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
