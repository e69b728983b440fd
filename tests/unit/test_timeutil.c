/* test_timeutil: RFC 3339 parsing and UTC+8 formatting against fixed values
 * and, for the calendar math, against the C library's gmtime_r as an oracle;
 * the test clock file (create, attach, offset, forward-only advance, a bad
 * file refused) in forked children, since a process attaches its clock once.
 * Never depends on the machine's time zone. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "timeutil.h"

#define T_2026_11_26_0130Z 1795656600000000LL   /* 2026-11-26T01:30:00Z */
#define T_2026_11_25_1600Z 1795622400000000LL   /* 2026-11-26T00:00:00+08:00 */

static void
test_parse_offsets(void **state)
{
    (void) state;
    int64_t us = 0;
    assert_int_equal(time_parse("2026-11-26T09:30:00+08:00", &us), 0);
    assert_int_equal(us, T_2026_11_26_0130Z);
    assert_int_equal(time_parse("2026-11-26T01:30:00Z", &us), 0);
    assert_int_equal(us, T_2026_11_26_0130Z);
    assert_int_equal(time_parse("2026-11-25T20:30:00-05:00", &us), 0);
    assert_int_equal(us, T_2026_11_26_0130Z);
    assert_int_equal(time_parse("2026-11-26t01:30:00z", &us), 0);
    assert_int_equal(us, T_2026_11_26_0130Z);
    assert_int_equal(time_parse("2026-11-26 07:00:00+05:30", &us), 0);
    assert_int_equal(us, T_2026_11_26_0130Z);
}

static void
test_parse_fractions(void **state)
{
    (void) state;
    int64_t us = 0;
    assert_int_equal(time_parse("2026-11-26T01:30:00.25Z", &us), 0);
    assert_int_equal(us, T_2026_11_26_0130Z + 250000);
    assert_int_equal(time_parse("2026-11-26T01:30:00.000001Z", &us), 0);
    assert_int_equal(us, T_2026_11_26_0130Z + 1);
    assert_int_equal(time_parse("2026-11-26T01:30:00.123456789Z", &us), 0);
    assert_int_equal(us, T_2026_11_26_0130Z + 123456);    /* truncated to us */
    assert_int_equal(time_parse("2026-11-26T09:30:00.5+08:00", &us), 0);
    assert_int_equal(us, T_2026_11_26_0130Z + 500000);
}

static void
test_parse_date_only(void **state)
{
    (void) state;
    int64_t us = 0;
    assert_int_equal(time_parse("2026-11-26", &us), 0);
    assert_int_equal(us, T_2026_11_25_1600Z);
    assert_int_equal(time_parse("2024-02-29", &us), 0);
    assert_int_equal(time_parse("2000-02-29", &us), 0);
    assert_int_equal(time_parse("2400-02-29", &us), 0);
    assert_int_equal(time_parse("9999-12-31T23:59:59+08:00", &us), 0);
    assert_int_equal(us, 253402271999000000LL);
}

static void
test_parse_rejects(void **state)
{
    (void) state;
    static const char *bad[] = {
        "", "2026", "2026-11", "2026-1-26", "2026-11-26T", "2026-13-01", "2026-00-10",
        "2026-11-00", "2026-11-31", "2026-02-29", "1900-02-29", "2100-02-29", "2200-02-29",
        "2026-04-31", "2026-11-26T24:00:00Z",
        "2026-11-26T09:60:00Z", "2026-11-26T09:30:60Z", "2026-11-26T09:30:00",
        "2026-11-26T09:30Z", "2026-11-26T09:30:00+08", "2026-11-26T09:30:00+0800",
        "2026-11-26T09:30:00+24:00", "2026-11-26T09:30:00+08:60", "2026-11-26T09:30:00.Z",
        "2026-11-26T09:30:00.1234567890Z", "2026-11-26T09:30:00Zjunk", "2026-11-26x",
        "2026-11-26 ", " 2026-11-26", "1969-12-31", "0000-01-01", "10000-01-01",
        "2026-11-26T09:30:00+08:00\n", "2026/11/26", "２026-11-26", "2026-11-26T9:30:00Z",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        int64_t us = 42;
        if (time_parse(bad[i], &us) != -1)
            fail_msg("accepted \"%s\"", bad[i]);
        assert_int_equal(us, 42);
    }
    int64_t us;
    assert_int_equal(time_parse(NULL, &us), -1);
    assert_int_equal(time_parse("2026-11-26", NULL), -1);
}

static void
test_format(void **state)
{
    (void) state;
    char out[32];
    assert_int_equal(time_format(T_2026_11_26_0130Z, out, sizeof out), 0);
    assert_string_equal(out, "2026-11-26T09:30:00.000+08:00");
    assert_int_equal(time_format(T_2026_11_26_0130Z + 999999, out, sizeof out), 0);
    assert_string_equal(out, "2026-11-26T09:30:00.999+08:00");
    assert_int_equal(time_format(0, out, sizeof out), 0);
    assert_string_equal(out, "1970-01-01T08:00:00.000+08:00");
    assert_int_equal(time_format(-1, out, sizeof out), 0);
    assert_string_equal(out, "1970-01-01T07:59:59.999+08:00");
    assert_int_equal(time_format(T_2026_11_25_1600Z - 1000, out, sizeof out), 0);
    assert_string_equal(out, "2026-11-25T23:59:59.999+08:00");
    assert_int_equal(time_format(T_2026_11_26_0130Z, out, 29), -1);   /* too small */
    assert_int_equal(time_format(T_2026_11_26_0130Z, out, 30), 0);
    assert_int_equal(time_format(INT64_MAX, out, sizeof out), -1);
}

static void
test_round_trip(void **state)
{
    (void) state;
    static const char *texts[] = {
        "2026-11-26T09:30:00.000+08:00", "2024-02-29T23:59:59.999+08:00",
        "1970-01-01T08:00:00.000+08:00", "9999-12-31T23:59:59.999+08:00",
    };
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
        int64_t us;
        char out[32];
        assert_int_equal(time_parse(texts[i], &us), 0);
        assert_int_equal(time_format(us, out, sizeof out), 0);
        assert_string_equal(out, texts[i]);
    }
}

static void
test_date_and_ymd(void **state)
{
    (void) state;
    char out[11];
    int y, m, d;
    assert_int_equal(time_date(T_2026_11_25_1600Z, out, sizeof out), 0);
    assert_string_equal(out, "2026-11-26");
    assert_int_equal(time_date(T_2026_11_25_1600Z - 1, out, sizeof out), 0);
    assert_string_equal(out, "2026-11-25");
    assert_int_equal(time_date(T_2026_11_25_1600Z, out, 10), -1);
    time_ymd(T_2026_11_25_1600Z, &y, &m, &d);
    assert_int_equal(y, 2026);
    assert_int_equal(m, 11);
    assert_int_equal(d, 26);
    time_ymd(T_2026_11_25_1600Z - 1, &y, &m, &d);
    assert_int_equal(d, 25);
    time_ymd(T_2026_11_25_1600Z, NULL, &m, NULL);        /* parts are optional */
    assert_int_equal(m, 11);
}

/* Every day from 1970 to 2400 against gmtime_r: the CST date of that day's
 * CST midnight, and parsing that date back. */
static void
test_calendar_oracle(void **state)
{
    (void) state;
    for (int64_t day = 0; day < 157000; day++) {
        time_t t = (time_t) (day * 86400);
        struct tm tm;
        gmtime_r(&t, &tm);
        char want[48], got[11];
        snprintf(want, sizeof want, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1,
                 tm.tm_mday);
        int64_t us = (day * 86400 - TIME_CST_OFFSET_S) * 1000000LL;
        assert_int_equal(time_date(us, got, sizeof got), 0);
        if (strcmp(got, want) != 0)
            fail_msg("day %lld: %s != %s", (long long) day, got, want);
        int64_t back;
        assert_int_equal(time_parse(want, &back), 0);
        assert_int_equal(back, us);
    }
}

static void
test_now(void **state)
{
    (void) state;
    int64_t a = time_now_us();
    int64_t b = (int64_t) time(NULL) * 1000000LL;
    assert_true(a > 1700000000LL * 1000000LL);
    assert_true(a - b < 2000000 && b - a < 2000000);
    assert_true(time_now_us() >= a);
}

/* ---- the test clock file ------------------------------------------------------- */

#define S_HOUR_US (3600LL * 1000000LL)

static char s_dir[64];

static int
s_clock_dir_setup(void **state)
{
    (void) state;
    snprintf(s_dir, sizeof s_dir, "/tmp/lx-clock-XXXXXX");
    return mkdtemp(s_dir) ? 0 : -1;
}

static int
s_clock_dir_teardown(void **state)
{
    char cmd[128];
    (void) state;
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", s_dir);
    return system(cmd) == 0 ? 0 : -1;
}

static const char *
s_path(const char *name)
{
    static char p[128];
    snprintf(p, sizeof p, "%s/%s", s_dir, name);
    return p;
}

/* Runs child check `name` (see s_children) in a fresh process, this program
 * exec'd again, with LIANXIN_CLOCK_FILE=`path` (unset when NULL): a fork
 * alone would inherit this process's attached-once clock. The answer is the
 * child's exit status: 0, or the line of the failed check. `go` (may be -1)
 * is a pipe the child may wait on. */
static pid_t
s_spawn(const char *path, const char *name, int go)
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        char fd[16];
        snprintf(fd, sizeof fd, "%d", go);
        if (path)
            setenv("LIANXIN_CLOCK_FILE", path, 1);
        else
            unsetenv("LIANXIN_CLOCK_FILE");
        execl("/proc/self/exe", "test_timeutil", "--clock-child", name, fd, (char *) NULL);
        _exit(127);
    }
    return pid;
}

static int
s_wait(pid_t pid)
{
    int st = 0;
    if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
        return -1;
    return WEXITSTATUS(st);
}

static int
s_in_child(const char *path, const char *name, int go)
{
    return s_wait(s_spawn(path, name, go));
}

/* exit statuses are 8 bits: a line that is a multiple of 256 still fails */
#define CHECK(c) do { if (!(c)) return __LINE__ % 256 ? __LINE__ % 256 : 1; } while (0)

static int64_t
s_gap(void)                         /* business minus real, in us */
{
    int64_t r = time_real_us(), n = time_now_us();
    return n - r;
}

static int
c_hour_on(int go)
{
    int64_t off = 0;
    CHECK(time_clock_init() == 0);
    CHECK(time_clock_moved(&off) == 1);
    CHECK(off == S_HOUR_US);
    int64_t g = s_gap();
    CHECK(g > S_HOUR_US - 1000000 && g < S_HOUR_US + 1000000);
    if (go >= 0) {                  /* the parent advances the file by a day: seen at once */
        char b;
        CHECK(read(go, &b, 1) == 1);
        CHECK(time_clock_moved(&off) == 1 && off == S_HOUR_US + 24 * S_HOUR_US);
        g = s_gap();
        CHECK(g > 25 * S_HOUR_US - 1000000 && g < 25 * S_HOUR_US + 1000000);
    }
    return 0;
}

static int
c_refused(int go)
{
    int64_t off = 42;
    (void) go;
    CHECK(time_clock_init() == -1);
    CHECK(time_clock_moved(&off) == 0 && off == 0);
    int64_t g = s_gap();            /* runs on the real time */
    CHECK(g > -1000000 && g < 1000000);
    return 0;
}

static int
c_real(int go)
{
    int64_t off = 42;
    (void) go;
    CHECK(time_clock_init() == 0);
    CHECK(time_clock_moved(&off) == 0 && off == 0);
    return 0;
}

static void
test_clock_attach(void **state)
{
    (void) state;
    const char *p = s_path("clock");
    assert_int_equal(time_clock_create(p, S_HOUR_US), 0);
    assert_int_equal(s_in_child(p, "hour_on", -1), 0);
    assert_int_equal(s_in_child(NULL, "real", -1), 0);
    assert_int_equal(s_in_child("", "real", -1), 0);
}

/* A running process sees an advance at once: the file is mapped shared. */
static void
test_clock_advance_shared(void **state)
{
    (void) state;
    const char *p = s_path("shared");
    int fds[2];
    assert_int_equal(time_clock_create(p, S_HOUR_US), 0);
    assert_int_equal(pipe(fds), 0);
    pid_t pid = s_spawn(p, "hour_on", fds[0]);
    close(fds[0]);
    assert_true(pid > 0);
    usleep(100000);                 /* let the child attach at +1 h first */
    assert_int_equal(time_clock_advance(p, 24 * S_HOUR_US), 0);
    assert_int_equal(write(fds[1], "x", 1), 1);
    close(fds[1]);
    assert_int_equal(s_wait(pid), 0);
}

/* Only forward: a negative delta is refused and changes nothing. */
static void
test_clock_forward_only(void **state)
{
    (void) state;
    const char *p = s_path("fwd");
    assert_int_equal(time_clock_create(p, S_HOUR_US), 0);
    errno = 0;
    assert_int_equal(time_clock_advance(p, -1), -1);
    assert_int_equal(errno, EINVAL);
    assert_int_equal(time_clock_advance(p, 0), 0);
    assert_int_equal(s_in_child(p, "hour_on", -1), 0);
    assert_int_equal(time_clock_advance(s_path("absent"), 1), -1);
}

/* A named file that is not a clock refuses the attach (the caller refuses
 * to start) and the process stays on the real time. */
static void
test_clock_bad_file(void **state)
{
    (void) state;
    FILE *f = fopen(s_path("magic"), "w");
    assert_non_null(f);
    fwrite("NOTCLOCK\0\0\0\0\0\0\0\0", 1, 16, f);
    fclose(f);
    f = fopen(s_path("short"), "w");
    assert_non_null(f);
    fwrite("LXCLOCK1", 1, 8, f);
    fclose(f);
    assert_int_equal(s_in_child(s_path("magic"), "refused", -1), 0);
    assert_int_equal(s_in_child(s_path("short"), "refused", -1), 0);
    assert_int_equal(s_in_child(s_path("absent"), "refused", -1), 0);
    assert_int_equal(time_clock_advance(s_path("magic"), 1), -1);
}

/* Re-creating replaces the file by rename: no ".new" is left behind. */
static void
test_clock_recreate(void **state)
{
    (void) state;
    const char *p = s_path("again");
    assert_int_equal(time_clock_create(p, 0), 0);
    assert_int_equal(time_clock_create(p, S_HOUR_US), 0);
    assert_int_equal(s_in_child(p, "hour_on", -1), 0);
    char nw[160];
    snprintf(nw, sizeof nw, "%s.new", p);
    assert_int_equal(access(nw, F_OK), -1);
    assert_int_equal(time_clock_create("/nonexistent-dir/clock", 0), -1);
}

static const struct {
    const char *name;
    int (*fn)(int go);
} s_children[] = {
    { "hour_on", c_hour_on }, { "refused", c_refused }, { "real", c_real },
};

int
main(int argc, char **argv)
{
    if (argc == 4 && strcmp(argv[1], "--clock-child") == 0) {
        for (size_t i = 0; i < sizeof s_children / sizeof s_children[0]; i++)
            if (strcmp(argv[2], s_children[i].name) == 0)
                return s_children[i].fn(atoi(argv[3]));
        return 126;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_offsets),   cmocka_unit_test(test_parse_fractions),
        cmocka_unit_test(test_parse_date_only), cmocka_unit_test(test_parse_rejects),
        cmocka_unit_test(test_format),          cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_date_and_ymd),    cmocka_unit_test(test_calendar_oracle),
        cmocka_unit_test(test_now),
        cmocka_unit_test_setup_teardown(test_clock_attach, s_clock_dir_setup,
                                        s_clock_dir_teardown),
        cmocka_unit_test_setup_teardown(test_clock_advance_shared, s_clock_dir_setup,
                                        s_clock_dir_teardown),
        cmocka_unit_test_setup_teardown(test_clock_forward_only, s_clock_dir_setup,
                                        s_clock_dir_teardown),
        cmocka_unit_test_setup_teardown(test_clock_bad_file, s_clock_dir_setup,
                                        s_clock_dir_teardown),
        cmocka_unit_test_setup_teardown(test_clock_recreate, s_clock_dir_setup,
                                        s_clock_dir_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
