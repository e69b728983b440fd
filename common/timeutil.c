/* timeutil: the one clock, microseconds since the epoch <-> RFC 3339 text,
 * and the UTC+8 calendar date people see. The calendar math is done here
 * (days from civil and back), so nothing depends on the process's time zone
 * or locale. Never accepts trailing text or out-of-range fields. */
#include "timeutil.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define S_US_PER_S   1000000LL
#define S_US_PER_DAY (86400LL * S_US_PER_S)

/* ---- calendar math ----------------------------------------------------- */

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar
 * (H. Hinnant's days_from_civil); valid for every year used here. */
static int64_t
s_days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* The inverse: y-m-d of a day number counted from 1970-01-01. */
static void
s_civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int) (doy - (153 * mp + 2) / 5 + 1);
    *m = (int) (mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

static int
s_days_in_month(int y, int m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : days[m - 1];
}

/* Floor division, so times before the epoch land on the right day. */
static int64_t
s_floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* ---- parsing ------------------------------------------------------------- */

/* Reads exactly `n` decimal digits at *p into *out and advances *p. */
static int
s_digits(const char **p, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        char c = (*p)[i];
        if (c < '0' || c > '9')
            return -1;
        v = v * 10 + (c - '0');
    }
    *p += n;
    *out = v;
    return 0;
}

/* "YYYY-MM-DD" at *p; checks the ranges and the month's length. */
static int
s_parse_date(const char **p, int *y, int *m, int *d)
{
    if (s_digits(p, 4, y) || *(*p)++ != '-' || s_digits(p, 2, m) || *(*p)++ != '-'
        || s_digits(p, 2, d))
        return -1;
    if (*y < 1970 || *y > 9999 || *m < 1 || *m > 12 || *d < 1 || *d > s_days_in_month(*y, *m))
        return -1;
    return 0;
}

/* "HH:MM:SS[.frac]" at *p into seconds of the day and microseconds. */
static int
s_parse_clock(const char **p, int64_t *sec, int64_t *us)
{
    int hh, mm, ss;
    if (s_digits(p, 2, &hh) || *(*p)++ != ':' || s_digits(p, 2, &mm) || *(*p)++ != ':'
        || s_digits(p, 2, &ss))
        return -1;
    if (hh > 23 || mm > 59 || ss > 59)
        return -1;
    *sec = hh * 3600 + mm * 60 + ss;
    *us = 0;
    if (**p != '.')
        return 0;
    (*p)++;
    int n = 0, scale = 100000;
    while (**p >= '0' && **p <= '9') {
        if (n++ >= 9)                       /* nanoseconds at most */
            return -1;
        *us += (**p - '0') * scale;
        scale /= 10;
        (*p)++;
    }
    return n == 0 ? -1 : 0;
}

/* "Z", "+hh:mm" or "-hh:mm" at *p into seconds east of UTC. */
static int
s_parse_offset(const char **p, int64_t *off)
{
    char c = **p;
    if (c == 'Z' || c == 'z') {
        (*p)++;
        *off = 0;
        return 0;
    }
    if (c != '+' && c != '-')
        return -1;
    (*p)++;
    int hh, mm;
    if (s_digits(p, 2, &hh) || *(*p)++ != ':' || s_digits(p, 2, &mm) || hh > 23 || mm > 59)
        return -1;
    *off = (c == '-' ? -1 : 1) * (int64_t) (hh * 3600 + mm * 60);
    return 0;
}

int
time_parse(const char *text, int64_t *us)
{
    if (!text || !us)
        return -1;
    const char *p = text;
    int y, m, d;
    if (s_parse_date(&p, &y, &m, &d))
        return -1;
    int64_t day_s = s_days_from_civil(y, m, d) * 86400;
    if (*p == '\0') {
        *us = (day_s - TIME_CST_OFFSET_S) * S_US_PER_S;
        return 0;
    }
    if (*p != 'T' && *p != 't' && *p != ' ')
        return -1;
    p++;
    int64_t sec, frac, off;
    if (s_parse_clock(&p, &sec, &frac) || s_parse_offset(&p, &off) || *p != '\0')
        return -1;
    *us = (day_s + sec - off) * S_US_PER_S + frac;
    return 0;
}

/* ---- formatting ---------------------------------------------------------- */

/* Splits `us` shifted to UTC+8 into its date and the microseconds of that day. */
static void
s_split_cst(int64_t us, int64_t *y, int *m, int *d, int64_t *us_of_day)
{
    int64_t local = us + (int64_t) TIME_CST_OFFSET_S * S_US_PER_S;
    int64_t days = s_floor_div(local, S_US_PER_DAY);
    *us_of_day = local - days * S_US_PER_DAY;
    s_civil_from_days(days, y, m, d);
}

/* s_split_cst for the times the text forms can show (years 0-9999). 0 or -1. */
static int
s_split_shown(int64_t us, int64_t *y, int *m, int *d, int64_t *rest)
{
    if (us < -(INT64_MAX / 2) || us > INT64_MAX / 2)
        return -1;
    s_split_cst(us, y, m, d, rest);
    return *y < 0 || *y > 9999 ? -1 : 0;
}

int
time_format(int64_t us, char *out, size_t outsz)
{
    int64_t y, rest;
    int m, d;
    if (!out || s_split_shown(us, &y, &m, &d, &rest) != 0)
        return -1;
    int64_t s = rest / S_US_PER_S;
    int ms = (int) ((rest % S_US_PER_S) / 1000);
    int n = snprintf(out, outsz, "%04d-%02d-%02dT%02d:%02d:%02d.%03d+08:00", (int) y, m, d,
                     (int) (s / 3600), (int) (s / 60 % 60), (int) (s % 60), ms);
    return n < 0 || (size_t) n >= outsz ? -1 : 0;
}

int
time_date(int64_t us, char *out, size_t outsz)
{
    int64_t y, rest;
    int m, d;
    if (!out || s_split_shown(us, &y, &m, &d, &rest) != 0)
        return -1;
    int n = snprintf(out, outsz, "%04d-%02d-%02d", (int) y, m, d);
    return n < 0 || (size_t) n >= outsz ? -1 : 0;
}

void
time_ymd(int64_t us, int *year, int *month, int *day)
{
    int64_t y = 0, rest;
    int m = 0, d = 0;
    if (us >= -(INT64_MAX / 2) && us <= INT64_MAX / 2)
        s_split_cst(us, &y, &m, &d, &rest);
    if (year)
        *year = (int) y;
    if (month)
        *month = m;
    if (day)
        *day = d;
}

/* ---- the one clock -------------------------------------------------------- */

#define S_CLOCK_MAGIC "LXCLOCK1"

typedef struct {
    char magic[8];
    int64_t offset_us;              /* read and written atomically */
} s_clock_file_t;

static pthread_once_t s_clock_once = PTHREAD_ONCE_INIT;
static s_clock_file_t *s_clock;     /* the mapped file, NULL: real time */
static int s_clock_rc;              /* time_clock_init's answer */

/* Maps `path` shared (read-only unless `writable`); NULL when it is not a
 * clock file of the right size. */
static s_clock_file_t *
s_clock_map(const char *path, int writable)
{
    int fd = open(path, (writable ? O_RDWR : O_RDONLY) | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    struct stat st;
    void *p = MAP_FAILED;
    if (fstat(fd, &st) == 0 && st.st_size == (off_t) sizeof(s_clock_file_t))
        p = mmap(NULL, sizeof(s_clock_file_t), PROT_READ | (writable ? PROT_WRITE : 0),
                 MAP_SHARED, fd, 0);
    close(fd);
    if (p == MAP_FAILED)
        return NULL;
    if (memcmp(((s_clock_file_t *) p)->magic, S_CLOCK_MAGIC, 8) != 0) {
        munmap(p, sizeof(s_clock_file_t));
        return NULL;
    }
    return p;
}

static void
s_clock_attach(void)
{
    const char *path = getenv("LIANXIN_CLOCK_FILE");
    if (!path || !*path)
        return;
    s_clock = s_clock_map(path, 0);
    s_clock_rc = s_clock ? 0 : -1;
}

int
time_clock_init(void)
{
    pthread_once(&s_clock_once, s_clock_attach);
    return s_clock_rc;
}

int
time_clock_moved(int64_t *offset_us)
{
    time_clock_init();
    if (offset_us)
        *offset_us = s_clock ? __atomic_load_n(&s_clock->offset_us, __ATOMIC_ACQUIRE) : 0;
    return s_clock != NULL;
}

int
time_clock_create(const char *path, int64_t offset_us)
{
    s_clock_file_t f;
    memcpy(f.magic, S_CLOCK_MAGIC, 8);
    f.offset_us = offset_us;
    /* written aside then renamed: a process mapping the old file keeps it
     * whole (truncating a mapped file would fault its readers) */
    char tmp[4096];
    if (snprintf(tmp, sizeof tmp, "%s.new", path) >= (int) sizeof tmp) {
        errno = ENAMETOOLONG;
        return -1;
    }
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return -1;
    ssize_t n = write(fd, &f, sizeof f);
    int err = n < 0 ? errno : EIO;
    close(fd);
    if (n != (ssize_t) sizeof f || rename(tmp, path) != 0) {
        if (n != (ssize_t) sizeof f)
            errno = err;
        unlink(tmp);
        return -1;
    }
    return 0;
}

int
time_clock_advance(const char *path, int64_t delta_us)
{
    if (delta_us < 0) {
        errno = EINVAL;
        return -1;
    }
    s_clock_file_t *f = s_clock_map(path, 1);
    if (!f)
        return -1;
    __atomic_add_fetch(&f->offset_us, delta_us, __ATOMIC_RELEASE);
    munmap(f, sizeof *f);
    return 0;
}

int64_t
time_real_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t) ts.tv_sec * S_US_PER_S + ts.tv_nsec / 1000;
}

int64_t
time_now_us(void)
{
    int64_t offset = 0;
    time_clock_moved(&offset);
    return time_real_us() + offset;
}
