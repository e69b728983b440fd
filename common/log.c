/* log: structured key=value lines on stderr, one write(2) per line so lines
 * from several threads never interleave. Never allocates, never blocks on a
 * lock, and never lets a newline from a message split a line. */
#include "log.h"
#include "timeutil.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define S_LINE_MAX 2048

static char s_program[32] = "lianxin";
static log_level_t s_min_level = LOG_INFO;

static const char *const s_level_names[] = {"debug", "info", "warn", "error"};

void
log_init(const char *program, const char *level)
{
    if (program && *program)
        snprintf(s_program, sizeof s_program, "%s", program);
    s_min_level = LOG_INFO;
    for (int i = LOG_DEBUG; level && i <= LOG_ERROR; i++)
        if (strcmp(level, s_level_names[i]) == 0)
            s_min_level = (log_level_t) i;
}

/* "2026-11-26T06:42:07.123Z" of the current time into buf (25 bytes). */
static void
s_timestamp(char *buf, size_t size)
{
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    size_t n = strftime(buf, size, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(buf + n, size - n, ".%03dZ", (int) (ts.tv_nsec / 1000000L) % 1000);
}

/* A value needs quotes when it is empty or holds a blank, a control
 * character, '"', '=' or '\'. */
static int
s_needs_quote(const char *s)
{
    if (*s == '\0')
        return 1;
    for (; *s; s++)
        if ((unsigned char) *s <= 0x20 || *s == 0x7F || *s == '"' || *s == '=' || *s == '\\')
            return 1;
    return 0;
}

/* Appends `msg` at buf[*used]: bare when it is one plain word, else quoted
 * with '"' and '\' escaped. Control characters become spaces either way. */
static void
s_append_msg(char *buf, size_t size, size_t *used, const char *msg)
{
    int quote = s_needs_quote(msg);
    size_t u = *used;
    if (quote && u < size)
        buf[u++] = '"';
    for (const char *p = msg; *p && u + 2 < size; p++) {
        unsigned char c = (unsigned char) *p;
        if (quote && (c == '"' || c == '\\'))
            buf[u++] = '\\';
        buf[u++] = c < 0x20 || c == 0x7F ? ' ' : (char) c;
    }
    if (quote && u < size)
        buf[u++] = '"';
    *used = u;
}

/* Writes all of buf with one write(2), retrying only when interrupted. */
static void
s_emit(const char *buf, size_t len)
{
    ssize_t n;
    do
        n = write(STDERR_FILENO, buf, len);
    while (n < 0 && errno == EINTR);
}

void
log_write(log_level_t level, const char *msg, const char *kvfmt, ...)
{
    if (level < s_min_level || level > LOG_ERROR)
        return;
    int saved_errno = errno;
    char line[S_LINE_MAX], ts[32];
    s_timestamp(ts, sizeof ts);
    int n = snprintf(line, sizeof line, "ts=%s level=%s prog=%s msg=", ts,
                     s_level_names[level], s_program);
    size_t used = n > 0 && (size_t) n < sizeof line ? (size_t) n : 0;
    s_append_msg(line, sizeof line - 1, &used, msg ? msg : "");
    if (kvfmt && *kvfmt && used + 2 < sizeof line - 1) {
        line[used++] = ' ';
        va_list ap;
        va_start(ap, kvfmt);
        int k = vsnprintf(line + used, sizeof line - 1 - used, kvfmt, ap);
        va_end(ap);
        size_t end = k < 0 ? used : used + (size_t) k;
        if (end > sizeof line - 2)
            end = sizeof line - 2;                  /* truncated */
        for (; used < end; used++)
            if ((unsigned char) line[used] < 0x20)
                line[used] = ' ';
        while (used > 0 && line[used - 1] == ' ')
            used--;
    }
    line[used++] = '\n';
    s_emit(line, used);
    errno = saved_errno;
}

/* ---- the clock at start ------------------------------------------------------- */

int
log_clock(void)
{
    int64_t offset = 0;
    char now[40] = "";
    if (time_clock_init() != 0) {
        log_error("clock file unusable: refusing to run on a clock other than asked",
                  "file=\"%s\"", getenv("LIANXIN_CLOCK_FILE"));
        return -1;
    }
    if (!time_clock_moved(&offset))
        return 0;
    time_format(time_now_us(), now, sizeof now);
    log_warn("CLOCK MOVED: business time is not real time (tests only, never production)",
             "offset_s=%lld business_now=%s file=\"%s\"", (long long) (offset / 1000000), now,
             getenv("LIANXIN_CLOCK_FILE"));
    return 0;
}
