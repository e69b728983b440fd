/* timeutil: the platform's one clock and its text forms. Times travel as
 * microseconds since the epoch (int64) and as RFC 3339 text; dates people see
 * are in China Standard Time (UTC+8, no daylight saving). Pure apart from the
 * clock (below); never logs, never reads the process's time zone. */
#ifndef LIANXIN_TIMEUTIL_H
#define LIANXIN_TIMEUTIL_H

#include <stddef.h>
#include <stdint.h>

#define TIME_CST_OFFSET_S (8 * 3600)

/* ---- the one clock --------------------------------------------------------
 * Business time ("now", "today in UTC+8": due dates, reminders, rota months,
 * the chase ladder) is time_now_us() and nothing else; SQL gets it from the
 * transaction (tx_begin's SET LOCAL lianxin.now, read by core.clock_now()),
 * never from PostgreSQL's now(). It is the real time plus the
 * offset of a test clock when one is attached: a 16-byte file (magic
 * "LXCLOCK1", then the offset in microseconds, native int64) named by the
 * environment variable LIANXIN_CLOCK_FILE and mapped shared by every process
 * of a test stack, so a test moves the clock of all of them at once, while
 * they run. Only forward: an offset never decreases (time_clock_advance), so
 * what a service compares (due_at <= now) never goes back. A process with a
 * moved clock must say so (service_main and the gateway log it at start and
 * show it in /healthz); production never sets LIANXIN_CLOCK_FILE. */

/* Business time: microseconds since the epoch (CLOCK_REALTIME + offset). The
 * first call attaches the file named by LIANXIN_CLOCK_FILE, if any. */
int64_t time_now_us(void);

/* The real time, never moved: logs, sessions and their expiry (compared with
 * PostgreSQL's now()), rate limits, command deadlines, I/O timeouts. */
int64_t time_real_us(void);

/* Attaches the clock file LIANXIN_CLOCK_FILE names (at most once per
 * process; time_now_us does it too). 0 when no file is named or it is
 * attached; -1 when one is named but cannot be mapped or is not a clock file
 * (time_now_us then runs on the real time: the caller must refuse to start). */
int time_clock_init(void);

/* 1 when the business clock is moved (a clock file is attached), else 0;
 * *offset_us (may be NULL) gets the offset now in force. */
int time_clock_moved(int64_t *offset_us);

/* Creates clock file `path` with `offset_us`, replacing any earlier one by
 * rename (a process still mapping the old file keeps reading it whole). For
 * test harnesses, before the processes of a stack start. 0 or -1 (errno set). */
int time_clock_create(const char *path, int64_t offset_us);

/* Moves the clock of file `path` forward by `delta_us` (>= 0) for every
 * process that maps it, at once. 0, or -1 when delta_us < 0 or the file
 * cannot be updated. */
int time_clock_advance(const char *path, int64_t delta_us);

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
