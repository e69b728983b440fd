/* test_calendar: the business-day calendar against the real 2025 and 2026
 * data files (Spring Festival and National Day with their make-up days), a
 * year with no file, and the loader's errors. Writes only under a mkdtemp dir. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "calendar.h"

/* ---- helpers ----------------------------------------------------------- */

static calendar_day_t s_day(const char *text)
{
    calendar_day_t d = -1;
    if (calendar_day_parse(text, &d) < 0)
        fail_msg("bad date in test: %s", text);
    return d;
}

static const char *s_str(calendar_day_t d)
{
    static char buf[4][16];
    static int i;
    i = (i + 1) % 4;
    if (calendar_day_format(d, buf[i], sizeof buf[i]) < 0)
        return "(out of range)";
    return buf[i];
}

/* deploy/calendar: $LIANXIN_CALENDAR_DIR, else relative to this source file
 * as compiled (the Makefile compiles from the checkout's root, so this works
 * when run from there), else relative to the binary (build/tests/unit/). */
static void s_data_dir(char *out, size_t outsz)
{
    const char *env = getenv("LIANXIN_CALENDAR_DIR");
    if (env) {
        snprintf(out, outsz, "%s", env);
        return;
    }
    const char *slash = strrchr(__FILE__, '/');
    int dirlen = slash ? (int) (slash - __FILE__) : 1;
    snprintf(out, outsz, "%.*s/../../deploy/calendar", dirlen, slash ? __FILE__ : ".");
    if (access(out, R_OK) == 0)
        return;
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    exe[n > 0 ? n : 0] = '\0';
    slash = strrchr(exe, '/');
    dirlen = slash ? (int) (slash - exe) : 1;
    snprintf(out, outsz, "%.*s/../../../deploy/calendar", dirlen, slash ? exe : ".");
}

static int setup_real(void **state)
{
    char dir[PATH_MAX];
    s_data_dir(dir, sizeof dir);
    calendar_t *cal = calendar_new();
    if (!cal)
        return -1;
    if (calendar_load_dir(cal, dir) < 0) {
        fprintf(stderr, "calendar_load_dir: %s\n", calendar_error(cal));
        calendar_destroy(&cal);
        return -1;
    }
    *state = cal;
    return 0;
}

static int teardown_real(void **state)
{
    calendar_t *cal = *state;
    calendar_destroy(&cal);
    return 0;
}

static void s_write(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void s_expect_add(const calendar_t *cal, const char *from, int n, const char *want)
{
    calendar_day_t out = -1;
    assert_int_equal(calendar_add_workdays(cal, s_day(from), n, &out), 0);
    if (out != s_day(want))
        fail_msg("%s + %d working days: got %s, want %s", from, n, s_str(out), want);
}

/* ---- dates ------------------------------------------------------------- */

static void test_month_parse(void **state)
{
    (void) state;
    int y = 0, m = 0;
    assert_int_equal(calendar_month_parse("2026-12", &y, &m), 0);
    assert_int_equal(y, 2026);
    assert_int_equal(m, 12);
    assert_int_equal(calendar_month_parse("2000-01", &y, &m), 0);
    assert_int_equal(calendar_month_parse("2100-12", &y, &m), 0);
    y = m = 7;
    const char *bad[] = {"1999-12", "2101-01", "2026-13", "2026-00", "2026-1", "2026/12",
                         "2026-12-01", " 2026-1", "+2026-1", "2026-1a", "", "abcd-ef"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (calendar_month_parse(bad[i], &y, &m) != -1)
            fail_msg("\"%s\" parsed", bad[i]);
    assert_int_equal(calendar_month_parse(NULL, &y, &m), -1);
    assert_int_equal(y, 7);                         /* unchanged on failure */
    assert_int_equal(m, 7);
}

static void test_dates(void **state)
{
    (void) state;
    assert_int_equal(s_day("1970-01-01"), 0);
    assert_int_equal(s_day("2026-02-15"), 20499);
    assert_int_equal(s_day("2000-02-29"), 11016);
    assert_int_equal(s_day("9999-12-31"), 2932896);
    assert_int_equal(calendar_day_weekday(0), 4);            /* Thursday */
    assert_int_equal(calendar_day_weekday(s_day("2026-02-15")), 7);
    assert_int_equal(calendar_day_weekday(s_day("2026-11-26")), 4);
    assert_int_equal(calendar_day_weekday(-1), 3);

    calendar_day_t d;
    const char *bad[] = {"2026-02-29", "2100-02-29", "2026-2-15", "2026-02-15x", " 2026-02-15",
                         "abcd-ef-gh", "2026-13-01", "2026-00-10", "2026-01-00", "1969-12-31",
                         "", "2026/02/15"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (calendar_day_parse(bad[i], &d) == 0)
            fail_msg("parsed \"%s\"", bad[i]);
    assert_int_equal(calendar_day_parse(NULL, &d), -1);
    assert_int_equal(calendar_day_parse("2024-02-29", &d), 0);

    char buf[11];
    assert_int_equal(calendar_day_format(s_day("2026-02-05"), buf, sizeof buf), 0);
    assert_string_equal(buf, "2026-02-05");
    assert_int_equal(calendar_day_format(0, buf, 10), -1);
    assert_int_equal(calendar_day_format(-1, buf, sizeof buf), -1);

    /* Every day from 1970 to 2200 round-trips, and consecutive days advance by one. */
    int py = 1969, pm = 12, pd = 31;
    for (calendar_day_t x = 0; x < s_day("2200-01-01"); x++) {
        int y, m, dd;
        calendar_day_t back;
        calendar_day_to_ymd(x, &y, &m, &dd);
        assert_int_equal(calendar_day_from_ymd(y, m, dd, &back), 0);
        assert_int_equal(back, x);
        int next_ok = (y == py && m == pm && dd == pd + 1) || (y == py && m == pm + 1 && dd == 1)
                      || (y == py + 1 && m == 1 && dd == 1 && pm == 12 && pd == 31);
        assert_true(next_ok);
        assert_int_equal(calendar_day_weekday(x), (int) ((x + 3) % 7) + 1);
        py = y, pm = m, pd = dd;
    }
}

static void test_instants(void **state)
{
    (void) state;
    /* 2026-11-25T16:00:00Z is midnight of the 26th in UTC+8. */
    int64_t midnight = 1795622400LL * 1000000;
    assert_int_equal(calendar_day_start_us(s_day("2026-11-26")), midnight);
    assert_int_equal(calendar_day_of_us(midnight), s_day("2026-11-26"));
    assert_int_equal(calendar_day_of_us(midnight - 1), s_day("2026-11-25"));
    assert_int_equal(calendar_day_of_us(midnight + 86400LL * 1000000 - 1), s_day("2026-11-26"));
    assert_int_equal(calendar_day_of_us(0), 0);                 /* 08:00 CST on day 0 */
    assert_int_equal(calendar_day_of_us(-8LL * 3600 * 1000000 - 1), -1);
}

/* ---- the real 2026 calendar ---------------------------------------------- */

static void test_spring_festival_2026(void **state)
{
    const calendar_t *cal = *state;
    assert_true(calendar_has_year(cal, 2025));
    assert_true(calendar_has_year(cal, 2026));
    assert_int_equal(calendar_kind(cal, s_day("2026-02-14")), CALENDAR_WORKDAY);   /* Saturday */
    assert_int_equal(calendar_is_workday(cal, 2026, 2, 13), 1);                 /* Friday */
    assert_int_equal(calendar_is_workday(cal, 2026, 2, 14), 1);
    for (int d = 15; d <= 23; d++)
        if (calendar_is_workday(cal, 2026, 2, d) != 0)
            fail_msg("2026-02-%02d should be a holiday", d);
    assert_string_equal(calendar_name(cal, s_day("2026-02-17")), "春节");
    assert_string_equal(calendar_name(cal, s_day("2026-02-14")), "春节调休");
    assert_null(calendar_name(cal, s_day("2026-02-24")));
    assert_int_equal(calendar_is_workday(cal, 2026, 2, 24), 1);
    assert_int_equal(calendar_is_workday(cal, 2026, 2, 28), 1);                 /* Saturday, 调休 */
    assert_int_equal(calendar_is_workday(cal, 2026, 3, 1), 0);                  /* plain Sunday */
    assert_int_equal(calendar_is_workday(cal, 2026, 2, 30), -1);

    calendar_day_t out;
    assert_int_equal(calendar_next_workday(cal, s_day("2026-02-15"), &out), 0);
    assert_int_equal(out, s_day("2026-02-24"));
    assert_int_equal(calendar_next_workday(cal, s_day("2026-02-14"), &out), 0);
    assert_int_equal(out, s_day("2026-02-14"));

    s_expect_add(cal, "2026-02-12", 1, "2026-02-13");
    s_expect_add(cal, "2026-02-13", 1, "2026-02-14");   /* the make-up Saturday counts */
    s_expect_add(cal, "2026-02-14", 1, "2026-02-24");   /* over the whole holiday */
    s_expect_add(cal, "2026-02-18", 1, "2026-02-24");   /* raised during it */
    s_expect_add(cal, "2026-02-12", 3, "2026-02-24");
    s_expect_add(cal, "2026-02-15", 0, "2026-02-24");
    /* 15 working days from Feb 10: 11 12 13 14 | 24 25 26 27 28 | Mar 2 3 4 5 6 | 9 */
    s_expect_add(cal, "2026-02-10", 15, "2026-03-09");
    assert_int_equal(calendar_workdays_between(cal, s_day("2026-02-10"), s_day("2026-03-09")), 15);
    assert_int_equal(calendar_workdays_between(cal, s_day("2026-03-09"), s_day("2026-02-10")), -15);
    assert_int_equal(calendar_workdays_between(cal, s_day("2026-02-14"), s_day("2026-02-23")), 0);
    assert_int_equal(calendar_workdays_between(cal, s_day("2026-02-14"), s_day("2026-02-14")), 0);
}

static void test_national_day_2026(void **state)
{
    const calendar_t *cal = *state;
    assert_int_equal(calendar_is_workday(cal, 2026, 9, 20), 1);                 /* Sunday, 调休 */
    assert_int_equal(calendar_is_workday(cal, 2026, 9, 25), 0);                 /* 中秋节, Friday */
    for (int d = 1; d <= 7; d++)
        assert_int_equal(calendar_is_workday(cal, 2026, 10, d), 0);
    assert_int_equal(calendar_is_workday(cal, 2026, 10, 10), 1);                /* Saturday, 调休 */
    assert_int_equal(calendar_is_workday(cal, 2026, 10, 11), 0);
    s_expect_add(cal, "2026-09-30", 1, "2026-10-08");
    s_expect_add(cal, "2026-09-24", 1, "2026-09-28");   /* over 中秋节 and its weekend */
    s_expect_add(cal, "2026-09-30", 3, "2026-10-10");
    s_expect_add(cal, "2026-09-19", 1, "2026-09-20");
    assert_int_equal(calendar_workdays_between(cal, s_day("2026-09-30"), s_day("2026-10-10")), 3);
    /* 2026: 261 weekdays, 19 of them holidays, plus 6 make-up weekend days -> 248. */
    assert_int_equal(calendar_workdays_between(cal, s_day("2025-12-31"), s_day("2026-12-31")), 248);
}

static void test_spring_festival_2025(void **state)
{
    const calendar_t *cal = *state;
    assert_int_equal(calendar_is_workday(cal, 2025, 1, 26), 1);                 /* Sunday, 调休 */
    assert_int_equal(calendar_is_workday(cal, 2025, 1, 28), 0);                 /* 除夕 */
    assert_int_equal(calendar_is_workday(cal, 2025, 2, 4), 0);
    assert_int_equal(calendar_is_workday(cal, 2025, 2, 8), 1);                  /* Saturday, 调休 */
    s_expect_add(cal, "2025-01-27", 1, "2025-02-05");
    assert_int_equal(calendar_is_workday(cal, 2025, 10, 8), 0);
    assert_int_equal(calendar_is_workday(cal, 2025, 10, 11), 1);
    /* Across the year boundary: after 2025-12-31 (Wed) come 元旦 (Jan 1-3) and
     * the make-up Sunday Jan 4, which is the first working day. */
    s_expect_add(cal, "2025-12-31", 1, "2026-01-04");
}

/* The arithmetic count agrees with a day-by-day count over every pair of
 * dates two weeks apart or less through 2025-2027, and inverts add_workdays. */
static void test_between_matches_brute_force(void **state)
{
    const calendar_t *cal = *state;
    for (calendar_day_t a = s_day("2024-12-01"); a < s_day("2028-01-31"); a++) {
        long n = 0;
        for (calendar_day_t b = a + 1; b <= a + 40; b++) {
            n += calendar_workday(cal, b);
            if (calendar_workdays_between(cal, a, b) != n)
                fail_msg("between %s and %s: %ld, want %ld", s_str(a), s_str(b),
                         calendar_workdays_between(cal, a, b), n);
        }
        for (int k = 1; k <= 20; k++) {
            calendar_day_t out;
            assert_int_equal(calendar_add_workdays(cal, a, k, &out), 0);
            assert_int_equal(calendar_workdays_between(cal, a, out), k);
            assert_true(calendar_workday(cal, out));
        }
    }
}

/* ---- a year with no file ------------------------------------------------ */

static void test_year_without_file(void **state)
{
    const calendar_t *cal = *state;
    assert_false(calendar_has_year(cal, 2027));
    assert_false(calendar_has_year(cal, 2024));
    /* 2027-02-06 is 春节 in reality, but without a file it is a plain Saturday... */
    assert_int_equal(calendar_is_workday(cal, 2027, 2, 6), 0);
    /* ...and 2027-02-08 a plain Monday. */
    assert_int_equal(calendar_is_workday(cal, 2027, 2, 8), 1);
    assert_int_equal(calendar_kind(cal, s_day("2027-02-08")), CALENDAR_PLAIN);
    s_expect_add(cal, "2027-02-05", 1, "2027-02-08");
    s_expect_add(cal, "2027-03-01", 15, "2027-03-22");
    /* 2026-12-31 is Thursday; 2027-01-01 (元旦 in reality) counts as a working day here. */
    s_expect_add(cal, "2026-12-31", 1, "2027-01-01");

    /* No calendar at all behaves the same way. */
    assert_int_equal(calendar_workday(NULL, s_day("2026-02-17")), 1);
    assert_int_equal(calendar_workday(NULL, s_day("2026-02-14")), 0);
    assert_false(calendar_has_year(NULL, 2026));
    calendar_day_t out;
    assert_int_equal(calendar_add_workdays(NULL, s_day("2026-02-13"), 1, &out), 0);
    assert_int_equal(out, s_day("2026-02-16"));
    assert_int_equal(calendar_workdays_between(NULL, s_day("2026-02-13"), s_day("2026-02-20")), 5);
}

static void test_limits(void **state)
{
    const calendar_t *cal = *state;
    calendar_day_t out = 123;
    assert_int_equal(calendar_add_workdays(cal, s_day("2026-01-01"), -1, &out), -1);
    assert_int_equal(calendar_add_workdays(cal, s_day("2026-01-01"), CALENDAR_MAX_WORKDAYS + 1, &out), -1);
    assert_int_equal(out, 123);
    assert_int_equal(calendar_add_workdays(cal, s_day("9999-12-30"), 5, &out), -1);
    assert_int_equal(calendar_next_workday(cal, s_day("9999-12-31"), &out), 0);     /* a Friday */
    assert_int_equal(calendar_next_workday(cal, -5, &out), -1);
    assert_int_equal(calendar_add_workdays(cal, s_day("2026-01-01"), CALENDAR_MAX_WORKDAYS, &out), 0);
    assert_int_equal(calendar_workdays_between(cal, s_day("2026-01-01"), out), CALENDAR_MAX_WORKDAYS);
}

/* ---- building by hand ----------------------------------------------------- */

static void test_add_by_hand(void **state)
{
    (void) state;
    calendar_t *cal = calendar_new();
    assert_non_null(cal);
    assert_false(calendar_has_year(cal, 2030));
    assert_int_equal(calendar_add(cal, s_day("2030-01-01"), CALENDAR_HOLIDAY, "元旦"), 0);  /* Tuesday */
    assert_true(calendar_has_year(cal, 2030));
    assert_int_equal(calendar_is_workday(cal, 2030, 1, 1), 0);
    /* A make-up day must be on a weekend. */
    assert_int_equal(calendar_add(cal, s_day("2030-01-02"), CALENDAR_WORKDAY, NULL), -1);
    assert_int_equal(calendar_add(cal, s_day("2029-12-29"), CALENDAR_WORKDAY, NULL), 0);    /* Saturday */
    assert_true(calendar_has_year(cal, 2029));
    assert_int_equal(calendar_is_workday(cal, 2029, 12, 29), 1);
    assert_null(calendar_name(cal, s_day("2029-12-29")));
    assert_int_equal(calendar_add(cal, s_day("2030-01-01"), CALENDAR_PLAIN, NULL), 0);
    assert_int_equal(calendar_is_workday(cal, 2030, 1, 1), 1);
    assert_int_equal(calendar_add(cal, s_day("2030-01-01"), (calendar_kind_t) 7, NULL), -1);
    assert_int_equal(calendar_add(cal, -1, CALENDAR_HOLIDAY, NULL), -1);
    assert_int_equal(calendar_add(NULL, 0, CALENDAR_HOLIDAY, NULL), -1);
    calendar_destroy(&cal);
    assert_null(cal);
    calendar_destroy(&cal);                                                      /* idempotent */
    calendar_destroy(NULL);
}

/* ---- the loader's errors ------------------------------------------------- */

typedef struct { const char *text; const char *error; } s_bad_t;

/* A scratch directory with 2030.txt (good) and a README, for the loader tests. */
typedef struct { char dir[32]; char year[PATH_MAX]; char other[PATH_MAX]; } s_scratch_t;

static void s_scratch_new(s_scratch_t *t)
{
    snprintf(t->dir, sizeof t->dir, "/tmp/lianxin-cal-XXXXXX");
    assert_non_null(mkdtemp(t->dir));
    snprintf(t->year, sizeof t->year, "%s/2030.txt", t->dir);
    snprintf(t->other, sizeof t->other, "%s/README", t->dir);
    s_write(t->other, "not a calendar\n");
    s_write(t->year, "# good\n\n2030-01-01 holiday 元旦  # trailing comment\r\n"
                     "2030-02-02   workday\t春节调休\n");
}

static void s_scratch_destroy(s_scratch_t *t)
{
    unlink(t->year);
    unlink(t->other);
    rmdir(t->dir);
}

static void test_load_bad_lines(void **state)
{
    (void) state;
    s_scratch_t t;
    s_scratch_new(&t);
    calendar_t *cal = calendar_new();
    assert_int_equal(calendar_load_dir(cal, t.dir), 0);              /* README ignored */
    assert_string_equal(calendar_error(cal), "");
    assert_true(calendar_has_year(cal, 2030));
    assert_int_equal(calendar_is_workday(cal, 2030, 2, 2), 1);
    assert_string_equal(calendar_name(cal, s_day("2030-01-01")), "元旦");
    assert_string_equal(calendar_name(cal, s_day("2030-02-02")), "春节调休");

    const s_bad_t bad[] = {
        {"2030-01-01 holiday\n2030-01-02 holidy x\n", "2030.txt:2: unknown kind \"holidy\""},
        {"\n\n2030-02-30 holiday\n", "2030.txt:3: bad date \"2030-02-30\""},
        {"2031-01-01 holiday\n", "2030.txt:1: date 2031-01-01 is not in 2030"},
        {"2030-01-01 holiday\n2030-01-01 holiday\n", "2030.txt:2: date 2030-01-01 listed twice"},
        {"2030-01-02 workday\n", "2030.txt:1: workday 2030-01-02 is not a saturday or sunday"},
        {"2030-01-01\n", "2030.txt:1: unknown kind \"\""},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        s_write(t.year, bad[i].text);
        assert_int_equal(calendar_load_file(cal, t.year), -1);
        if (!strstr(calendar_error(cal), bad[i].error))
            fail_msg("case %zu: error \"%s\", want \"%s\"", i, calendar_error(cal), bad[i].error);
        assert_int_equal(calendar_load_dir(cal, t.dir), -1);
        assert_non_null(strstr(calendar_error(cal), bad[i].error));
        /* A bad file changes nothing: the good 2030 is still there. */
        assert_int_equal(calendar_is_workday(cal, 2030, 2, 2), 1);
        assert_int_equal(calendar_is_workday(cal, 2030, 1, 1), 0);
    }
    calendar_destroy(&cal);
    s_scratch_destroy(&t);
}

static void test_load_replace_and_names(void **state)
{
    (void) state;
    s_scratch_t t;
    s_scratch_new(&t);
    calendar_t *cal = calendar_new();
    assert_int_equal(calendar_load_file(cal, t.year), 0);
    /* A reload replaces the year: 2030-01-01 is now plain. */
    s_write(t.year, "2030-10-01 holiday 国庆节\n");
    assert_int_equal(calendar_load_file(cal, t.year), 0);
    assert_int_equal(calendar_is_workday(cal, 2030, 1, 1), 1);
    assert_int_equal(calendar_is_workday(cal, 2030, 10, 1), 0);
    /* An empty <year>.txt declares a year with no holidays. */
    s_write(t.year, "# nothing this year\n");
    assert_int_equal(calendar_load_file(cal, t.year), 0);
    assert_true(calendar_has_year(cal, 2030));
    assert_int_equal(calendar_is_workday(cal, 2030, 10, 1), 1);
    /* A file not named <year>.txt takes its year from the first date... */
    s_write(t.other, "2031-05-01 holiday 劳动节\n");
    assert_int_equal(calendar_load_file(cal, t.other), 0);
    assert_true(calendar_has_year(cal, 2031));
    /* ...and is refused when it has none. */
    s_write(t.other, "# empty\n");
    assert_int_equal(calendar_load_file(cal, t.other), -1);
    assert_non_null(strstr(calendar_error(cal), "README: no dates"));
    assert_int_equal(calendar_load_file(cal, "/nonexistent/2026.txt"), -1);
    assert_non_null(strstr(calendar_error(cal), "/nonexistent/2026.txt: cannot open"));
    assert_int_equal(calendar_load_dir(cal, "/nonexistent"), -1);
    assert_non_null(strstr(calendar_error(cal), "/nonexistent: cannot open directory"));
    calendar_destroy(&cal);
    s_scratch_destroy(&t);
}

/* A year marked without entries is present; the shared entry rules; the
 * years that must be known on a day (the next one from 1 November). */
static void test_mark_entry_and_years_due(void **state)
{
    (void) state;
    calendar_t *cal = calendar_new();
    calendar_day_t d;
    calendar_kind_t k;
    int y[2];
    assert_false(calendar_has_year(cal, 2031));
    assert_int_equal(calendar_mark_year(cal, 2031), 0);
    assert_true(calendar_has_year(cal, 2031));
    assert_int_equal(calendar_mark_year(cal, 1969), -1);
    assert_int_equal(calendar_day_parse("2031-01-06", &d), 0);
    assert_int_equal(calendar_workday(cal, d), 1);              /* a Monday, no entry */
    assert_int_equal(calendar_entry_parse(2031, "2031-01-04", "workday", &d, &k),
                     CALENDAR_ENTRY_OK);
    assert_int_equal(k, CALENDAR_WORKDAY);
    assert_int_equal(calendar_entry_parse(2031, "2031-01-06", "workday", &d, &k),
                     CALENDAR_ENTRY_WEEKDAY_WORKDAY);
    assert_int_equal(calendar_entry_parse(2031, "2032-01-01", "holiday", &d, &k),
                     CALENDAR_ENTRY_OTHER_YEAR);
    assert_int_equal(calendar_entry_parse(0, "2032-01-01", "holiday", &d, &k), CALENDAR_ENTRY_OK);
    assert_int_equal(calendar_entry_parse(2031, "2031-13-01", "holiday", &d, &k),
                     CALENDAR_ENTRY_BAD_DATE);
    assert_int_equal(calendar_entry_parse(2031, "2031-01-01", "rest", &d, &k),
                     CALENDAR_ENTRY_BAD_KIND);
    assert_string_equal(calendar_kind_text(CALENDAR_HOLIDAY), "holiday");
    assert_int_equal(calendar_day_parse("2031-10-31", &d), 0);
    assert_int_equal(calendar_years_due(d, y), 1);
    assert_int_equal(y[0], 2031);
    assert_int_equal(calendar_years_due(d + 1, y), 2);
    assert_int_equal(y[1], 2032);
    calendar_destroy(&cal);
}

int main(void)
{
    const struct CMUnitTest plain[] = {
        cmocka_unit_test(test_dates),
        cmocka_unit_test(test_month_parse),
        cmocka_unit_test(test_instants),
        cmocka_unit_test(test_add_by_hand),
        cmocka_unit_test(test_load_bad_lines),
        cmocka_unit_test(test_load_replace_and_names),
    };
    const struct CMUnitTest real[] = {
        cmocka_unit_test(test_spring_festival_2026),
        cmocka_unit_test(test_national_day_2026),
        cmocka_unit_test(test_spring_festival_2025),
        cmocka_unit_test(test_between_matches_brute_force),
        cmocka_unit_test(test_year_without_file),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_mark_entry_and_years_due),
    };
    int failed = cmocka_run_group_tests_name("calendar", plain, NULL, NULL);
    failed += cmocka_run_group_tests_name("calendar_2025_2026", real, setup_real, teardown_real);
    return failed ? 1 : 0;
}
