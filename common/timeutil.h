/* timeutil: the platform's clock and its text forms. Times travel as
 * microseconds since the epoch (int64) and as RFC 3339 text; dates people see
 * are in China Standard Time (UTC+8, no daylight saving). Pure, no I/O
 * except time_now_us. */
#ifndef LIANXIN_TIMEUTIL_H
#define LIANXIN_TIMEUTIL_H

#include <stddef.h>
#include <stdint.h>

#define TIME_CST_OFFSET_S (8 * 3600)

/* Microseconds since the epoch, from CLOCK_REALTIME. */
int64_t time_now_us(void);

/* Parses RFC 3339 ("2026-11-26T09:30:00+08:00", "2026-11-26T01:30:00.25Z")
 * into *us. A date alone ("2026-11-26") means its midnight in UTC+8.
 * 0, or -1 when malformed or out of range (years 1970-9999). */
int time_parse(const char *text, int64_t *us);

/* Writes `us` as RFC 3339 in UTC+8 with millisecond precision:
 * "2026-11-26T09:30:00.000+08:00" (out: at least 32 bytes). 0 or -1. */
int time_format(int64_t us, char *out, size_t outsz);

/* The calendar date of `us` in UTC+8 as "YYYY-MM-DD" (out: 11 bytes), and
 * its parts. 0 or -1. */
int time_date(int64_t us, char *out, size_t outsz);
void time_ymd(int64_t us, int *year, int *month, int *day);

#endif
