/* calendar: the business-day calendar behind every deadline in the system:
 * weekends, public holidays and make-up working days (调休), per year, filled
 * from deploy/calendar/<year>.txt files (lianxin-admin migrate seeds the
 * database from them) or entry by entry (calsync, from core.calendar_days).
 * Pure apart from reading those files; never logs (errors are kept for
 * calendar_error) and never guesses a holiday. */
#ifndef LIANXIN_CALENDAR_H
#define LIANXIN_CALENDAR_H

#include <stddef.h>
#include <stdint.h>

/* ---- dates --------------------------------------------------------------
 * A date is a day number: days since 1970-01-01 (day 0, a Thursday), the
 * same as PostgreSQL's `d - date '1970-01-01'`. Dates are civil dates in
 * China Standard Time; they carry no time of day. Valid years: 1970-9999. */

typedef int32_t calendar_day_t;

#define CALENDAR_YEAR_MIN 1970
#define CALENDAR_YEAR_MAX 9999

/* The day number of year-month-day. 0, or -1 when that date does not exist
 * (2026-02-29) or the year is out of range. */
int calendar_day_from_ymd(int year, int month, int day, calendar_day_t *out);

/* The year, month (1-12) and day (1-31) of a day number. Any pointer may be NULL. */
void calendar_day_to_ymd(calendar_day_t date, int *year, int *month, int *day);

/* Parses exactly "YYYY-MM-DD" (nothing before or after). 0 or -1. */
int calendar_day_parse(const char *text, calendar_day_t *out);

/* Parses exactly "YYYY-MM" (a rota's month) with a year 2000..2100 and a
 * month 1..12 into *year and *month. 0, or -1 (both left unchanged). */
int calendar_month_parse(const char *text, int *year, int *month);

/* Writes "YYYY-MM-DD" (out: at least 11 bytes). 0, or -1 when out is too
 * small or the date is out of range. */
int calendar_day_format(calendar_day_t date, char *out, size_t outsz);

/* ISO weekday: 1 Monday ... 6 Saturday, 7 Sunday. */
int calendar_day_weekday(calendar_day_t date);

/* The date in UTC+8 of an instant in microseconds since the epoch, and the
 * instant (microseconds) at which a date begins in UTC+8. A deadline "by the
 * end of day D" is the instant calendar_day_start_us(D + 1), exclusive. */
calendar_day_t calendar_day_of_us(int64_t us);
int64_t calendar_day_start_us(calendar_day_t date);

/* `date` plus `months` calendar months (may be negative), the day clamped to
 * the last day of the target month (01-31 + 1 month = 02-28 or 02-29): a
 * deadline "in two months". 0, or -1 when the result is out of range. */
int calendar_add_months(calendar_day_t date, int months, calendar_day_t *out);

/* ---- the calendar --------------------------------------------------------- */

typedef struct calendar calendar_t;

typedef enum {
    CALENDAR_PLAIN = 0,             /* no entry: Monday-Friday work, weekends rest */
    CALENDAR_HOLIDAY = 1,           /* a public holiday (may fall on a weekend) */
    CALENDAR_WORKDAY = 2            /* a make-up working day on a Saturday or Sunday */
} calendar_kind_t;

/* An empty calendar: every year falls back to plain weekends. NULL on failure. */
calendar_t *calendar_new(void);

/* Frees the calendar. Idempotent; sets *self_p to NULL. */
void calendar_destroy(calendar_t **self_p);

/* Loads one year file. Lines are `YYYY-MM-DD holiday|workday [name]`; `#`
 * starts a comment; blank lines are skipped. The year is the file name's when
 * it is `<year>.txt`, else the first date's; every date must be in that year;
 * a date may appear once; a `workday` must be a Saturday or Sunday. The file
 * replaces whatever the calendar held for that year, and only when it is
 * wholly valid: on error nothing changes. 0, or -1 with calendar_error()
 * naming the file and line ("2026.txt:12: unknown kind \"holidy\""). */
int calendar_load_file(calendar_t *self, const char *path);

/* Loads every `<year>.txt` in `dir` (other names are ignored; at most 256
 * years), in year order.
 * Stops at the first bad file. 0 (also when there is none), or -1 with
 * calendar_error() set, including when `dir` cannot be read. */
int calendar_load_dir(calendar_t *self, const char *dir);

/* The years of the `<year>.txt` files in `dir` (other names ignored), sorted,
 * at most `max` of them. The count, or -1 (errno set) when `dir` cannot be
 * read. */
int calendar_dir_years(const char *dir, int *years, int max);

/* The last load error, "" when none. Valid until the next load. */
const char *calendar_error(const calendar_t *self);

/* Records one entry by hand (tests, tools). `name` may be NULL. From then on
 * the date's year counts as loaded (calendar_has_year). 0, or -1 when the
 * date is out of range, `kind` is unknown, a WORKDAY is not on a weekend, or
 * memory ran out. CALENDAR_PLAIN removes an entry. */
int calendar_add(calendar_t *self, calendar_day_t date, calendar_kind_t kind, const char *name);

/* Marks `year` as known even with no entry (the office confirmed it has no
 * holiday): from then on calendar_has_year says 1. Existing entries stay.
 * 0, or -1 when the year is out of range or memory ran out. */
int calendar_mark_year(calendar_t *self, int year);

/* 1 when a file, calendar_add or calendar_mark_year gave data for `year`, 0
 * when that year falls back to plain weekends: callers should warn that
 * holidays are unknown. */
int calendar_has_year(const calendar_t *self, int year);

/* ---- one entry as text (files, the API) ------------------------------------ */

typedef enum {
    CALENDAR_ENTRY_OK = 0,
    CALENDAR_ENTRY_BAD_DATE,        /* not YYYY-MM-DD, or no such date */
    CALENDAR_ENTRY_OTHER_YEAR,      /* a real date, but not in the year given */
    CALENDAR_ENTRY_BAD_KIND,        /* neither "holiday" nor "workday" */
    CALENDAR_ENTRY_WEEKDAY_WORKDAY  /* a make-up working day on Monday-Friday */
} calendar_entry_err_t;

/* Checks one entry of `year` given as text, the rules every source of the
 * calendar shares: the date exists and lies in `year` (0: any year), the
 * kind is `holiday` or `workday`, and a `workday` falls on a Saturday or
 * Sunday. Names and duplicates are the caller's (their limits differ).
 * Writes *date and *kind when it returns CALENDAR_ENTRY_OK. Pure. */
calendar_entry_err_t calendar_entry_parse(int year, const char *date_text,
                                          const char *kind_text, calendar_day_t *date,
                                          calendar_kind_t *kind);

/* The kind's text: "holiday", "workday", "" for CALENDAR_PLAIN. */
const char *calendar_kind_text(calendar_kind_t kind);

/* ---- which years must be known --------------------------------------------- */

#define CALENDAR_NOTICE_MONTH 11    /* next year's holidays are due from 1 November */

/* The years whose holidays must be known on `today` (UTC+8): the current
 * year always, and from 1 November also the next one (the State Council
 * publishes it in November). Writes them into years[] and returns how many
 * (1 or 2). Pure. */
int calendar_years_due(calendar_day_t today, int years[2]);

/* The entry of a date (CALENDAR_PLAIN when there is none) and its name
 * ("春节", NULL when none). `self` may be NULL (plain weekends) here and in
 * every query below. */
calendar_kind_t calendar_kind(const calendar_t *self, calendar_day_t date);
const char *calendar_name(const calendar_t *self, calendar_day_t date);

/* 1 when y-m-d is a working day, 0 when it is a rest day, -1 when that date
 * does not exist. calendar_workday() is the same for a day number. */
int calendar_is_workday(const calendar_t *self, int year, int month, int day);
int calendar_workday(const calendar_t *self, calendar_day_t date);

/* The date itself when it is a working day, else the first working day
 * after it. 0, or -1 when none is found before CALENDAR_YEAR_MAX ends. */
int calendar_next_workday(const calendar_t *self, calendar_day_t date, calendar_day_t *out);

#define CALENDAR_MAX_WORKDAYS 10000 /* bound on n below (about 40 years) */

/* The n-th working day strictly after `date`; `date` itself never counts,
 * working day or not. So "within 1 working day" of something raised on D is
 * due by the end of calendar_add_workdays(D, 1): raised on a Friday, due the
 * following Monday (or the first working day after it); raised on a Saturday,
 * due that Monday too. n = 0 gives calendar_next_workday(date). 0, or -1 when
 * n is negative or above CALENDAR_MAX_WORKDAYS, or the result leaves the range. */
int calendar_add_workdays(const calendar_t *self, calendar_day_t date, int n, calendar_day_t *out);

/* The working day n working days before `date`: the working day D < date
 * with exactly n working days d, D < d <= date (calendar_workdays_between(D,
 * date) == n), the latest such. "A deadline in 7 working days" is reminded on
 * calendar_sub_workdays(due, 7): due on a Monday, 1 working day before is the
 * Friday. n = 0 gives `date` when it is a working day, else the last working
 * day before it. 0, or -1 when n is negative or above CALENDAR_MAX_WORKDAYS,
 * or the result leaves the range. Pure. */
int calendar_sub_workdays(const calendar_t *self, calendar_day_t date, int n, calendar_day_t *out);

/* The number of working days d with a < d <= b: the inverse of
 * calendar_add_workdays (add_workdays(a, n) == b gives n). Negative when
 * b < a (minus the count over b < d <= a); 0 when a == b. Dates are clamped
 * to the valid range. */
long calendar_workdays_between(const calendar_t *self, calendar_day_t a, calendar_day_t b);

#endif
