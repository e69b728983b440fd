/* log: structured log lines on stderr, one per event:
 *   ts=2026-11-26T06:42:07.123Z level=info prog=intake msg="visit recorded" district=330303 id=17
 *   ts=2026-11-26T06:42:09.310Z level=info prog=bus msg=stopping signal=15
 * Messages are short and lower-case. Never pass personal data (visitor names,
 * phones, passwords, tokens) to these functions. */
#ifndef LIANXIN_LOG_H
#define LIANXIN_LOG_H

typedef enum { LOG_DEBUG = 0, LOG_INFO = 1, LOG_WARN = 2, LOG_ERROR = 3 } log_level_t;

/* Names the program in every line and sets the lowest level written.
 * `level` is "debug", "info", "warn" or "error" (NULL or unknown: info). */
void log_init(const char *program, const char *level);

/* Writes one line: ts, level, prog, then msg=`msg`, then the expansion of
 * `kvfmt` (printf-style, expected to produce space-separated key=value pairs;
 * may be ""). `msg` is quoted only when it needs it: msg=started stays bare,
 * while a message that is empty or holds a blank, a control character, '"',
 * '=' or '\' is written msg="..." with '"' and '\' backslash-escaped.
 * Bytes below 0x20 become spaces, in `msg` and in the key=value part alike,
 * so a line never splits. The key=value part is written as formatted: quote
 * a value that may hold blanks yourself (why=\"%s\"). A line is cut at 2 KiB.
 * Thread-safe: each line is written with one write(2); errno is preserved. */
void log_write(log_level_t level, const char *msg, const char *kvfmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Says at start which clock the program runs on (timeutil's one clock): an
 * error when LIANXIN_CLOCK_FILE names a file that is not a usable clock file
 * (returns -1: the program must not start), a warning that cannot be missed
 * when the business clock is moved ("clock moved: business time is not real
 * time", with the offset and the business instant), nothing otherwise. 0. */
int log_clock(void);

#define log_debug(msg, ...) log_write(LOG_DEBUG, msg, "" __VA_ARGS__)
#define log_info(msg, ...)  log_write(LOG_INFO, msg, "" __VA_ARGS__)
#define log_warn(msg, ...)  log_write(LOG_WARN, msg, "" __VA_ARGS__)
#define log_error(msg, ...) log_write(LOG_ERROR, msg, "" __VA_ARGS__)

#endif
