/* test_intake_calendar: the pure rules of the office's calendar: the checks
 * of intake.PutCalendarYear (services/intake/calendar_put.c) with the field
 * and code each error reports, and when a missing year must be noticed
 * (calendar_watch_due, over common/calendar's calendar_years_due). No I/O;
 * fixed far-away years, so it passes on any day. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "calendar_put.h"
#include "calendar_watch.h"

#define MAX_DAYS 400

typedef struct fixture {
    Lianxin__V1__PutCalendarYear req;
    Lianxin__V1__CalendarDay day[MAX_DAYS];
    Lianxin__V1__CalendarDay *ptr[MAX_DAYS];
    char dates[MAX_DAYS][16];
} fixture_t;

/* 2031: New Year's Day (a Wednesday) and a make-up Saturday (01-04). */
static void s_valid(fixture_t *f)
{
    static const char *const rows[][3] = {
        {"2031-01-01", "holiday", "元旦"},
        {"2031-01-04", "workday", "元旦调休"},
    };
    Lianxin__V1__PutCalendarYear req = LIANXIN__V1__PUT_CALENDAR_YEAR__INIT;
    memset(f, 0, sizeof *f);
    f->req = req;
    for (size_t i = 0; i < 2; i++) {
        Lianxin__V1__CalendarDay d = LIANXIN__V1__CALENDAR_DAY__INIT;
        f->day[i] = d;
        f->day[i].date = (char *) rows[i][0];
        f->day[i].kind = (char *) rows[i][1];
        f->day[i].name = (char *) rows[i][2];
        f->ptr[i] = &f->day[i];
    }
    f->req.n_days = 2;
    f->req.days = f->ptr;
}

/* Runs the check for path year `path`; returns its result, res filled. */
static int s_check(fixture_t *f, const char *path, cmd_result_t *res, calendar_t *cal)
{
    int year = 0;
    memset(res, 0, sizeof *res);
    int rc = calendar_put_check(&f->req, path, &year, cal, res);
    if (rc == 0)
        assert_int_equal(year, atoi(path));
    return rc;
}

/* 1 when res names `field` with `code`. */
static int s_has(const cmd_result_t *res, const char *field, const char *code)
{
    for (int i = 0; i < res->nfields; i++)
        if (strcmp(res->fields[i].field, field) == 0 && strcmp(res->fields[i].code, code) == 0)
            return 1;
    return 0;
}

static void s_refused(fixture_t *f, const char *path, const char *field, const char *code)
{
    cmd_result_t res;
    assert_int_equal(s_check(f, path, &res, NULL), -1);
    assert_int_equal(res.status, 400);
    assert_string_equal(res.error_code, "validation_failed");
    if (!s_has(&res, field, code))
        fail_msg("expected %s: %s, got %d fields (first %s: %s)", field, code, res.nfields,
                 res.nfields ? res.fields[0].field : "-", res.nfields ? res.fields[0].code : "-");
}

static void test_good_year(void **state)
{
    (void) state;
    fixture_t f;
    cmd_result_t res;
    calendar_t *cal = calendar_new();
    calendar_day_t d;
    s_valid(&f);
    f.req.year = 2031;                              /* the body may repeat the path's year */
    assert_int_equal(s_check(&f, "2031", &res, cal), 0);
    assert_int_equal(res.nfields, 0);
    assert_true(calendar_has_year(cal, 2031));
    assert_int_equal(calendar_day_parse("2031-01-01", &d), 0);
    assert_int_equal(calendar_kind(cal, d), CALENDAR_HOLIDAY);
    assert_string_equal(calendar_name(cal, d), "元旦");
    assert_int_equal(calendar_day_parse("2031-01-04", &d), 0);
    assert_int_equal(calendar_workday(cal, d), 1);
    calendar_destroy(&cal);
}

static void test_empty_year_is_present(void **state)
{
    (void) state;
    fixture_t f;
    cmd_result_t res;
    calendar_t *cal = calendar_new();
    s_valid(&f);
    f.req.n_days = 0;                               /* the office confirms: no holiday */
    assert_int_equal(s_check(&f, "2031", &res, cal), 0);
    assert_true(calendar_has_year(cal, 2031));
    assert_false(calendar_has_year(cal, 2032));
    calendar_destroy(&cal);
}

static void test_year_rules(void **state)
{
    (void) state;
    fixture_t f;
    s_valid(&f);
    s_refused(&f, "1969", "year", "out_of_range");
    s_refused(&f, "10000", "year", "out_of_range");
    s_refused(&f, "abc", "year", "out_of_range");
    f.req.year = 2030;
    s_refused(&f, "2031", "year", "mismatch");
}

static void test_bad_dates(void **state)
{
    (void) state;
    fixture_t f;
    s_valid(&f);
    f.day[1].date = "2031-02-29";                   /* 2031 is not a leap year */
    s_refused(&f, "2031", "days[1].date", "invalid");
    f.day[1].date = "2031-1-4";
    s_refused(&f, "2031", "days[1].date", "invalid");
    f.day[1].date = "";
    s_refused(&f, "2031", "days[1].date", "required");
    f.day[1].date = NULL;
    s_refused(&f, "2031", "days[1].date", "required");
}

static void test_date_outside_the_year(void **state)
{
    (void) state;
    fixture_t f;
    s_valid(&f);
    f.day[0].date = "2032-01-01";
    s_refused(&f, "2031", "days[0].date", "out_of_range");
}

static void test_duplicate_day(void **state)
{
    (void) state;
    fixture_t f;
    s_valid(&f);
    f.day[2] = f.day[0];
    f.ptr[2] = &f.day[2];
    f.day[3] = f.day[1];
    f.day[3].date = "2031-01-01";                   /* the same day, another kind */
    f.ptr[3] = &f.day[3];
    f.req.n_days = 4;
    cmd_result_t res;
    assert_int_equal(s_check(&f, "2031", &res, NULL), -1);
    assert_true(s_has(&res, "days[2].date", "duplicate"));
    assert_true(s_has(&res, "days[3].date", "duplicate") || s_has(&res, "days[3].kind",
                                                                  "not_weekend"));
    assert_false(s_has(&res, "days[0].date", "duplicate"));
}

static void test_workday_on_a_weekday(void **state)
{
    (void) state;
    fixture_t f;
    s_valid(&f);
    f.day[1].date = "2031-01-06";                   /* a Monday */
    s_refused(&f, "2031", "days[1].kind", "not_weekend");
    f.day[1].date = "2031-01-05";                   /* a Sunday: fine */
    cmd_result_t res;
    assert_int_equal(s_check(&f, "2031", &res, NULL), 0);
}

static void test_kind_rules(void **state)
{
    (void) state;
    fixture_t f;
    s_valid(&f);
    f.day[0].kind = "holliday";
    s_refused(&f, "2031", "days[0].kind", "invalid");
    f.day[0].kind = "";
    s_refused(&f, "2031", "days[0].kind", "required");
}

static void test_name_rules(void **state)
{
    (void) state;
    fixture_t f;
    char name[200] = "";
    s_valid(&f);
    for (int i = 0; i < 32; i++)
        strcat(name, "节");                         /* 32 characters, 96 bytes: fine */
    f.day[0].name = name;
    cmd_result_t res;
    assert_int_equal(s_check(&f, "2031", &res, NULL), 0);
    strcat(name, "日");
    s_refused(&f, "2031", "days[0].name", "too_long");
    f.day[0].name = "\xff\xfe";
    s_refused(&f, "2031", "days[0].name", "invalid");
}

static void test_too_many_days(void **state)
{
    (void) state;
    fixture_t f;
    s_valid(&f);
    for (int i = 0; i < 367; i++) {
        Lianxin__V1__CalendarDay d = LIANXIN__V1__CALENDAR_DAY__INIT;
        f.day[i] = d;
        snprintf(f.dates[i], sizeof f.dates[i], "2031-01-%02d", i % 28 + 1);
        f.day[i].date = f.dates[i];
        f.day[i].kind = "holiday";
        f.ptr[i] = &f.day[i];
    }
    f.req.n_days = 367;
    s_refused(&f, "2031", "days", "too_many");
}

/* ---- when a missing year is noticed ------------------------------------------------- */

static calendar_day_t s_day(const char *text)
{
    calendar_day_t d;
    assert_int_equal(calendar_day_parse(text, &d), 0);
    return d;
}

static void test_watch_before_november(void **state)
{
    (void) state;
    int y[2];
    /* next year is not due yet; the current year always is */
    assert_int_equal(calendar_watch_due(s_day("2030-10-31"), 1, 0, y), 0);
    assert_int_equal(calendar_watch_due(s_day("2030-03-15"), 0, 0, y), 1);
    assert_int_equal(y[0], 2030);
}

static void test_watch_from_november(void **state)
{
    (void) state;
    int y[2];
    assert_int_equal(calendar_watch_due(s_day("2030-11-01"), 1, 0, y), 1);
    assert_int_equal(y[0], 2031);
    assert_int_equal(calendar_watch_due(s_day("2030-12-31"), 0, 0, y), 2);
    assert_int_equal(y[0], 2030);
    assert_int_equal(y[1], 2031);
    assert_int_equal(calendar_watch_due(s_day("2030-11-20"), 1, 1, y), 0);
}

static void test_watch_at_the_year_turn(void **state)
{
    (void) state;
    int y[2];
    /* 31 December: next year is due; 1 January: it is the current year */
    assert_int_equal(calendar_watch_due(s_day("2030-12-31"), 1, 0, y), 1);
    assert_int_equal(y[0], 2031);
    assert_int_equal(calendar_watch_due(s_day("2031-01-01"), 0, 0, y), 1);
    assert_int_equal(y[0], 2031);
    assert_int_equal(calendar_watch_due(s_day("2031-01-01"), 1, 0, y), 0);
    /* the last representable year has no next */
    assert_int_equal(calendar_watch_due(s_day("9999-12-01"), 1, 0, y), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_year),
        cmocka_unit_test(test_empty_year_is_present),
        cmocka_unit_test(test_year_rules),
        cmocka_unit_test(test_bad_dates),
        cmocka_unit_test(test_date_outside_the_year),
        cmocka_unit_test(test_duplicate_day),
        cmocka_unit_test(test_workday_on_a_weekday),
        cmocka_unit_test(test_kind_rules),
        cmocka_unit_test(test_name_rules),
        cmocka_unit_test(test_too_many_days),
        cmocka_unit_test(test_watch_before_november),
        cmocka_unit_test(test_watch_from_november),
        cmocka_unit_test(test_watch_at_the_year_turn),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
