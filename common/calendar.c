/* calendar: working days in China, per the State Council's yearly notice,
 * loaded from deploy/calendar/<year>.txt or entry by entry (see calendar.h). A year without a
 * file is plain Monday-Friday; this file never invents holidays for it. */
#include "calendar.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S_DAY_MIN 0                 /* 1970-01-01 */
#define S_DAY_MAX 2932896           /* 9999-12-31 */
#define S_LINE_MAX 1024
#define S_NAME_MAX 63               /* bytes of a holiday's name */

/* The entries of one year, indexed by day of the year (0-365). */
typedef struct s_year {
    int year;
    calendar_day_t first;           /* day number of January 1st */
    uint8_t kind[366];
    char *name[366];
} s_year_t;

struct calendar {
    s_year_t **years;               /* sorted by year */
    size_t nyears, cap;
    char error[320];
};

/* ---- dates ----------------------------------------------------------------
 * Civil-date arithmetic after Howard Hinnant's days_from_civil and
 * civil_from_days: exact for the proleptic Gregorian calendar. */

static int s_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int s_month_days(int y, int m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && s_leap(y) ? 29 : days[m - 1];
}

static long s_floordiv(long a, long b)
{
    return a >= 0 ? a / b : -((-a + b - 1) / b);
}

int calendar_day_from_ymd(int year, int month, int day, calendar_day_t *out)
{
    if (year < CALENDAR_YEAR_MIN || year > CALENDAR_YEAR_MAX || month < 1 || month > 12
        || day < 1 || day > s_month_days(year, month))
        return -1;
    long y = year - (month <= 2);
    long era = s_floordiv(y, 400);
    long yoe = y - era * 400;
    long doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    *out = (calendar_day_t) (era * 146097 + doe - 719468);
    return 0;
}

void calendar_day_to_ymd(calendar_day_t date, int *year, int *month, int *day)
{
    long z = (long) date + 719468;
    long era = s_floordiv(z, 146097);
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    int d = (int) (doy - (153 * mp + 2) / 5 + 1);
    int m = (int) (mp < 10 ? mp + 3 : mp - 9);
    if (year)
        *year = (int) (yoe + era * 400 + (m <= 2));
    if (month)
        *month = m;
    if (day)
        *day = d;
}

static int s_digits(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char) s[i]))
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

int calendar_day_parse(const char *text, calendar_day_t *out)
{
    if (!text || strlen(text) != 10 || text[4] != '-' || text[7] != '-')
        return -1;
    int y = s_digits(text, 4), m = s_digits(text + 5, 2), d = s_digits(text + 8, 2);
    if (y < 0 || m < 0 || d < 0)
        return -1;
    return calendar_day_from_ymd(y, m, d, out);
}

int calendar_month_parse(const char *text, int *year, int *month)
{
    if (!text || strlen(text) != 7 || text[4] != '-')
        return -1;
    int y = s_digits(text, 4), m = s_digits(text + 5, 2);
    if (y < 2000 || y > 2100 || m < 1 || m > 12)
        return -1;
    *year = y;
    *month = m;
    return 0;
}

int calendar_day_format(calendar_day_t date, char *out, size_t outsz)
{
    if (date < S_DAY_MIN || date > S_DAY_MAX || outsz < 11)
        return -1;
    int y, m, d;
    calendar_day_to_ymd(date, &y, &m, &d);
    snprintf(out, outsz, "%04d-%02d-%02d", y, m, d);
    return 0;
}

int calendar_day_weekday(calendar_day_t date)
{
    /* Day 0 was a Thursday (ISO 4). */
    long r = (long) date + 3;
    return (int) (r - s_floordiv(r, 7) * 7) + 1;
}

calendar_day_t calendar_day_of_us(int64_t us)
{
    int64_t s = us / 1000000 - (us % 1000000 < 0);
    int64_t local = s + 8 * 3600;
    return (calendar_day_t) (local >= 0 ? local / 86400 : -((-local + 86399) / 86400));
}

int64_t calendar_day_start_us(calendar_day_t date)
{
    return ((int64_t) date * 86400 - 8 * 3600) * 1000000;
}

/* ---- the calendar's years ---------------------------------------------- */

static void s_year_free(s_year_t **year_p)
{
    if (!year_p || !*year_p)
        return;
    for (int i = 0; i < 366; i++)
        free((*year_p)->name[i]);
    free(*year_p);
    *year_p = NULL;
}

static s_year_t *s_year_new(int year)
{
    s_year_t *y = calloc(1, sizeof *y);
    if (!y)
        return NULL;
    y->year = year;
    calendar_day_from_ymd(year, 1, 1, &y->first);
    return y;
}

static s_year_t *s_year_find(const calendar_t *self, int year)
{
    for (size_t i = 0; self && i < self->nyears; i++)
        if (self->years[i]->year == year)
            return self->years[i];
    return NULL;
}

/* Puts `y` into the calendar in year order, replacing (and freeing) any
 * year of the same number. 0, or -1 when memory ran out (y is then not kept). */
static int s_year_put(calendar_t *self, s_year_t *y)
{
    size_t i = 0;
    while (i < self->nyears && self->years[i]->year < y->year)
        i++;
    if (i < self->nyears && self->years[i]->year == y->year) {
        s_year_free(&self->years[i]);
        self->years[i] = y;
        return 0;
    }
    if (self->nyears == self->cap) {
        size_t cap = self->cap ? self->cap * 2 : 4;
        s_year_t **years = realloc(self->years, cap * sizeof *years);
        if (!years)
            return -1;
        self->years = years;
        self->cap = cap;
    }
    memmove(self->years + i + 1, self->years + i, (self->nyears - i) * sizeof *self->years);
    self->years[i] = y;
    self->nyears++;
    return 0;
}

/* Sets one entry of a year. 0, or -1 when the name could not be copied. */
static int s_year_set(s_year_t *y, calendar_day_t date, calendar_kind_t kind, const char *name)
{
    int i = date - y->first;
    char *copy = NULL;
    if (kind != CALENDAR_PLAIN && name && *name && !(copy = strdup(name)))
        return -1;
    free(y->name[i]);
    y->kind[i] = (uint8_t) kind;
    y->name[i] = copy;
    return 0;
}

calendar_t *calendar_new(void)
{
    return calloc(1, sizeof(calendar_t));
}

void calendar_destroy(calendar_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    calendar_t *self = *self_p;
    for (size_t i = 0; i < self->nyears; i++)
        s_year_free(&self->years[i]);
    free(self->years);
    free(self);
    *self_p = NULL;
}

const char *calendar_error(const calendar_t *self)
{
    return self ? self->error : "";
}

static s_year_t *s_year_get(calendar_t *self, int year);

int calendar_add(calendar_t *self, calendar_day_t date, calendar_kind_t kind, const char *name)
{
    if (!self || date < S_DAY_MIN || date > S_DAY_MAX)
        return -1;
    if (kind != CALENDAR_PLAIN && kind != CALENDAR_HOLIDAY && kind != CALENDAR_WORKDAY)
        return -1;
    if (kind == CALENDAR_WORKDAY && calendar_day_weekday(date) < 6)
        return -1;
    int year;
    calendar_day_to_ymd(date, &year, NULL, NULL);
    s_year_t *y = s_year_get(self, year);
    return y ? s_year_set(y, date, kind, name) : -1;
}

/* The year's entry, created empty when missing. NULL when memory ran out. */
static s_year_t *s_year_get(calendar_t *self, int year)
{
    s_year_t *y = s_year_find(self, year);
    if (y)
        return y;
    if (!(y = s_year_new(year)))
        return NULL;
    if (s_year_put(self, y) < 0) {
        s_year_free(&y);
        return NULL;
    }
    return y;
}

int calendar_mark_year(calendar_t *self, int year)
{
    if (!self || year < CALENDAR_YEAR_MIN || year > CALENDAR_YEAR_MAX)
        return -1;
    return s_year_get(self, year) ? 0 : -1;
}

int calendar_has_year(const calendar_t *self, int year)
{
    return s_year_find(self, year) != NULL;
}

/* ---- entries as text and the years due ------------------------------------- */

calendar_entry_err_t calendar_entry_parse(int year, const char *date_text,
                                          const char *kind_text, calendar_day_t *date,
                                          calendar_kind_t *kind)
{
    calendar_day_t d;
    calendar_kind_t k;
    int y;
    if (calendar_day_parse(date_text, &d) < 0)
        return CALENDAR_ENTRY_BAD_DATE;
    calendar_day_to_ymd(d, &y, NULL, NULL);
    if (year != 0 && y != year)
        return CALENDAR_ENTRY_OTHER_YEAR;
    if (kind_text && strcmp(kind_text, "holiday") == 0)
        k = CALENDAR_HOLIDAY;
    else if (kind_text && strcmp(kind_text, "workday") == 0)
        k = CALENDAR_WORKDAY;
    else
        return CALENDAR_ENTRY_BAD_KIND;
    if (k == CALENDAR_WORKDAY && calendar_day_weekday(d) < 6)
        return CALENDAR_ENTRY_WEEKDAY_WORKDAY;
    *date = d;
    *kind = k;
    return CALENDAR_ENTRY_OK;
}

const char *calendar_kind_text(calendar_kind_t kind)
{
    return kind == CALENDAR_HOLIDAY ? "holiday" : kind == CALENDAR_WORKDAY ? "workday" : "";
}

int calendar_years_due(calendar_day_t today, int years[2])
{
    int y, m;
    calendar_day_to_ymd(today, &y, &m, NULL);
    years[0] = y;
    if (m < CALENDAR_NOTICE_MONTH || y >= CALENDAR_YEAR_MAX)
        return 1;
    years[1] = y + 1;
    return 2;
}

/* ---- loading -------------------------------------------------------------- */

static int s_fail(calendar_t *self, const char *path, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int s_fail(calendar_t *self, const char *path, int line, const char *fmt, ...)
{
    char msg[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (line > 0)
        snprintf(self->error, sizeof self->error, "%s:%d: %s", path, line, msg);
    else
        snprintf(self->error, sizeof self->error, "%s: %s", path, msg);
    return -1;
}

/* The year named by a file called `<year>.txt` (any directory), else 0. */
static int s_year_of_name(const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    if (strlen(base) != 8 || strcmp(base + 4, ".txt") != 0)
        return 0;
    int y = s_digits(base, 4);
    return y >= CALENDAR_YEAR_MIN && y <= CALENDAR_YEAR_MAX ? y : 0;
}

static char *s_trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
        s[--n] = '\0';
    return s;
}

/* Splits the first whitespace-delimited word off `*s`. */
static char *s_word(char **s)
{
    char *w = *s;
    char *end = w + strcspn(w, " \t");
    if (*end) {
        *end++ = '\0';
        while (*end == ' ' || *end == '\t')
            end++;
    }
    *s = end;
    return w;
}

/* Parses one non-blank line into the year being built, creating it on the
 * first date when the file name gave no year. 0 or -1 (error set). */
static int s_parse_line(calendar_t *self, const char *path, int lineno, char *line,
                        int *year, s_year_t **yp)
{
    char *rest = line;
    char *date_s = s_word(&rest), *kind_s = s_word(&rest), *name = rest;
    calendar_day_t date;
    calendar_kind_t kind;
    switch (calendar_entry_parse(*year, date_s, kind_s, &date, &kind)) {
    case CALENDAR_ENTRY_OK:
        break;
    case CALENDAR_ENTRY_BAD_DATE:
        return s_fail(self, path, lineno, "bad date \"%.20s\"", date_s);
    case CALENDAR_ENTRY_OTHER_YEAR:
        return s_fail(self, path, lineno, "date %s is not in %d", date_s, *year);
    case CALENDAR_ENTRY_BAD_KIND:
        return s_fail(self, path, lineno, "unknown kind \"%.20s\"", kind_s);
    case CALENDAR_ENTRY_WEEKDAY_WORKDAY:
        return s_fail(self, path, lineno, "workday %s is not a saturday or sunday", date_s);
    }
    if (strlen(name) > S_NAME_MAX)
        return s_fail(self, path, lineno, "name longer than %d bytes", S_NAME_MAX);
    if (*year == 0)
        calendar_day_to_ymd(date, year, NULL, NULL);
    if (!*yp && !(*yp = s_year_new(*year)))
        return s_fail(self, path, lineno, "out of memory");
    if ((*yp)->kind[date - (*yp)->first] != CALENDAR_PLAIN)
        return s_fail(self, path, lineno, "date %s listed twice", date_s);
    if (s_year_set(*yp, date, kind, name) < 0)
        return s_fail(self, path, lineno, "out of memory");
    return 0;
}

/* Reads every line of `f` into *yp. 0 or -1 (error set). */
static int s_parse_file(calendar_t *self, const char *path, FILE *f, int *year, s_year_t **yp)
{
    char buf[S_LINE_MAX + 2];
    int lineno = 0;
    while (fgets(buf, sizeof buf, f)) {
        lineno++;
        size_t n = strlen(buf);
        if (n == sizeof buf - 1 && buf[n - 1] != '\n')
            return s_fail(self, path, lineno, "line longer than %d bytes", S_LINE_MAX);
        char *hash = strchr(buf, '#');
        if (hash)
            *hash = '\0';
        char *line = s_trim(buf);
        if (*line && s_parse_line(self, path, lineno, line, year, yp) < 0)
            return -1;
    }
    if (ferror(f))
        return s_fail(self, path, 0, "read error: %s", strerror(errno));
    return 0;
}

int calendar_load_file(calendar_t *self, const char *path)
{
    if (!self || !path)
        return -1;
    self->error[0] = '\0';
    FILE *f = fopen(path, "r");
    if (!f)
        return s_fail(self, path, 0, "cannot open: %s", strerror(errno));
    int year = s_year_of_name(path);
    s_year_t *y = NULL;
    int rc = s_parse_file(self, path, f, &year, &y);
    fclose(f);
    if (rc == 0 && year == 0)
        rc = s_fail(self, path, 0, "no dates, and the file name is not <year>.txt");
    if (rc == 0 && !y && !(y = s_year_new(year)))
        rc = s_fail(self, path, 0, "out of memory");
    if (rc == 0 && s_year_put(self, y) < 0)
        rc = s_fail(self, path, 0, "out of memory");
    if (rc < 0)
        s_year_free(&y);
    return rc;
}

static int s_cmp_int(const void *a, const void *b)
{
    int x = *(const int *) a, y = *(const int *) b;
    return (x > y) - (x < y);
}

int calendar_dir_years(const char *dir, int *years, int max)
{
    DIR *d = dir ? opendir(dir) : NULL;
    if (!d)
        return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < max) {
        int y = s_year_of_name(e->d_name);
        if (y)
            years[n++] = y;
    }
    closedir(d);
    qsort(years, (size_t) n, sizeof years[0], s_cmp_int);
    return n;
}

int calendar_load_dir(calendar_t *self, const char *dir)
{
    if (!self || !dir)
        return -1;
    self->error[0] = '\0';
    int years[256];
    int n = calendar_dir_years(dir, years, (int) (sizeof years / sizeof years[0]));
    if (n < 0)
        return s_fail(self, dir, 0, "cannot open directory: %s", strerror(errno));
    for (int i = 0; i < n; i++) {
        char path[4096];
        if (snprintf(path, sizeof path, "%s/%04d.txt", dir, years[i]) >= (int) sizeof path)
            return s_fail(self, dir, 0, "path too long");
        if (calendar_load_file(self, path) < 0)
            return -1;
    }
    return 0;
}

/* ---- queries --------------------------------------------------------------- */

calendar_kind_t calendar_kind(const calendar_t *self, calendar_day_t date)
{
    if (!self || date < S_DAY_MIN || date > S_DAY_MAX)
        return CALENDAR_PLAIN;
    int year;
    calendar_day_to_ymd(date, &year, NULL, NULL);
    const s_year_t *y = s_year_find(self, year);
    return y ? (calendar_kind_t) y->kind[date - y->first] : CALENDAR_PLAIN;
}

const char *calendar_name(const calendar_t *self, calendar_day_t date)
{
    if (calendar_kind(self, date) == CALENDAR_PLAIN)
        return NULL;
    int year;
    calendar_day_to_ymd(date, &year, NULL, NULL);
    const s_year_t *y = s_year_find(self, year);
    return y->name[date - y->first];
}

int calendar_workday(const calendar_t *self, calendar_day_t date)
{
    switch (calendar_kind(self, date)) {
    case CALENDAR_HOLIDAY:
        return 0;
    case CALENDAR_WORKDAY:
        return 1;
    default:
        return calendar_day_weekday(date) <= 5;
    }
}

int calendar_is_workday(const calendar_t *self, int year, int month, int day)
{
    calendar_day_t date;
    if (calendar_day_from_ymd(year, month, day, &date) < 0)
        return -1;
    return calendar_workday(self, date);
}

int calendar_next_workday(const calendar_t *self, calendar_day_t date, calendar_day_t *out)
{
    if (date < S_DAY_MIN)
        return -1;
    for (calendar_day_t d = date; d <= S_DAY_MAX; d++) {
        if (calendar_workday(self, d)) {
            *out = d;
            return 0;
        }
    }
    return -1;
}

int calendar_add_workdays(const calendar_t *self, calendar_day_t date, int n, calendar_day_t *out)
{
    if (n < 0 || n > CALENDAR_MAX_WORKDAYS || date < S_DAY_MIN || date > S_DAY_MAX)
        return -1;
    if (n == 0)
        return calendar_next_workday(self, date, out);
    calendar_day_t d = date;
    while (n > 0) {
        if (++d > S_DAY_MAX)
            return -1;
        n -= calendar_workday(self, d);
    }
    *out = d;
    return 0;
}

int calendar_sub_workdays(const calendar_t *self, calendar_day_t date, int n, calendar_day_t *out)
{
    if (n < 0 || n > CALENDAR_MAX_WORKDAYS || date < S_DAY_MIN || date > S_DAY_MAX)
        return -1;
    calendar_day_t d = date;
    while (n > 0) {
        if (d <= S_DAY_MIN)
            return -1;
        n -= calendar_workday(self, d--);
    }
    while (calendar_workday(self, d) != 1)
        if (--d < S_DAY_MIN)
            return -1;
    *out = d;
    return 0;
}

/* Monday-to-Friday days in [1970-01-05, x): negative for x before it.
 * 1970-01-05 (day 4) is the first Monday. */
static long s_weekdays_before(long x)
{
    long k = x - 4;
    long weeks = s_floordiv(k, 7);
    long r = k - weeks * 7;
    return weeks * 5 + (r < 5 ? r : 5);
}

long calendar_workdays_between(const calendar_t *self, calendar_day_t a, calendar_day_t b)
{
    a = a < S_DAY_MIN ? S_DAY_MIN : a > S_DAY_MAX ? S_DAY_MAX : a;
    b = b < S_DAY_MIN ? S_DAY_MIN : b > S_DAY_MAX ? S_DAY_MAX : b;
    if (b < a)
        return -calendar_workdays_between(self, b, a);
    long n = s_weekdays_before((long) b + 1) - s_weekdays_before((long) a + 1);
    /* Entries only ever turn a weekday into rest or a weekend into work. */
    for (size_t i = 0; self && i < self->nyears; i++) {
        const s_year_t *y = self->years[i];
        for (int j = 0; j < 366; j++) {
            calendar_day_t d = y->first + j;
            if (d <= a || d > b || y->kind[j] == CALENDAR_PLAIN)
                continue;
            int weekend = calendar_day_weekday(d) >= 6;
            if (y->kind[j] == CALENDAR_HOLIDAY && !weekend)
                n--;
            else if (y->kind[j] == CALENDAR_WORKDAY && weekend)
                n++;
        }
    }
    return n;
}

int calendar_add_months(calendar_day_t date, int months, calendar_day_t *out)
{
    static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int y, m, d;
    calendar_day_to_ymd(date, &y, &m, &d);
    long idx = (long) y * 12 + (m - 1) + months;
    if (idx < 0)
        return -1;
    y = (int) (idx / 12);
    m = (int) (idx % 12) + 1;
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    int last = mdays[m - 1] + (m == 2 && leap);
    return calendar_day_from_ymd(y, m, d > last ? last : d, out);
}
