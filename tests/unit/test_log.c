/* test_log: the line format of log.h: fields in order, msg quoted only when it
 * needs it, escapes, no line ever split, the level filter, the 2 KiB cut, errno
 * kept. Captures stderr in a temporary file; never writes anywhere else. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "log.h"

static char s_out[8192];

/* Runs the logging done by `fn` with stderr pointing at a temporary file,
 * and leaves what was written in s_out. */
static void s_capture(void (*fn)(void))
{
    FILE *tmp = tmpfile();
    assert_non_null(tmp);
    int saved = dup(STDERR_FILENO);
    assert_true(saved >= 0);
    assert_true(dup2(fileno(tmp), STDERR_FILENO) >= 0);
    fn();
    assert_true(dup2(saved, STDERR_FILENO) >= 0);
    close(saved);
    rewind(tmp);
    size_t n = fread(s_out, 1, sizeof s_out - 1, tmp);
    s_out[n] = '\0';
    fclose(tmp);
}

/* The part of the line after "prog=test ". */
static const char *s_after_prog(void)
{
    const char *p = strstr(s_out, "prog=test ");
    assert_non_null(p);
    return p + strlen("prog=test ");
}

static void s_plain(void) { log_info("started", "port=%d", 8080); }
static void s_blank(void) { log_warn("visit recorded", "district=%s id=%d", "330303", 17); }
static void s_escapes(void) { log_error("a \"b\" c\\d", ""); }
static void s_empty(void) { log_info("", ""); }
static void s_equals(void) { log_info("k=v", ""); }
static void s_newlines(void) { log_info("two\nlines", "why=\"%s\"", "x\ny\r"); }
static void s_debug_filtered(void) { log_debug("hidden", ""); }

static void test_fields_in_order(void **state)
{
    (void) state;
    log_init("test", "info");
    s_capture(s_plain);
    assert_int_equal(strncmp(s_out, "ts=", 3), 0);
    const char *lvl = strstr(s_out, " level=info prog=test msg=");
    assert_non_null(lvl);
    /* ts=2026-11-26T06:42:07.123Z: 24 characters, ending in Z */
    assert_int_equal(lvl - s_out, 3 + 24);
    assert_int_equal(s_out[3 + 23], 'Z');
}

static void test_msg_bare_when_plain(void **state)
{
    (void) state;
    log_init("test", "info");
    s_capture(s_plain);
    assert_string_equal(s_after_prog(), "msg=started port=8080\n");
}

static void test_msg_quoted_when_needed(void **state)
{
    (void) state;
    log_init("test", "info");
    s_capture(s_blank);
    assert_string_equal(s_after_prog(), "msg=\"visit recorded\" district=330303 id=17\n");
    assert_non_null(strstr(s_out, "level=warn"));
    s_capture(s_escapes);
    assert_string_equal(s_after_prog(), "msg=\"a \\\"b\\\" c\\\\d\"\n");
    s_capture(s_empty);
    assert_string_equal(s_after_prog(), "msg=\"\"\n");
    s_capture(s_equals);
    assert_string_equal(s_after_prog(), "msg=\"k=v\"\n");
}

static void test_never_split(void **state)
{
    (void) state;
    log_init("test", "info");
    s_capture(s_newlines);
    assert_string_equal(s_after_prog(), "msg=\"two lines\" why=\"x y \"\n");   /* the CR too */
    assert_int_equal(strchr(s_out, '\n') - s_out, (long) strlen(s_out) - 1);
}

static void test_level_filter(void **state)
{
    (void) state;
    log_init("test", "info");
    s_capture(s_debug_filtered);
    assert_string_equal(s_out, "");
    log_init("test", "debug");
    s_capture(s_debug_filtered);
    assert_string_equal(s_after_prog(), "msg=hidden\n");
    log_init("test", "nonsense");             /* unknown: info */
    s_capture(s_debug_filtered);
    assert_string_equal(s_out, "");
    log_init("test", "error");
    s_capture(s_blank);
    assert_string_equal(s_out, "");
}

static void s_long(void)
{
    char big[4000];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    log_info("long", "v=%s", big);
}

static void test_cut_at_2k(void **state)
{
    (void) state;
    log_init("test", "info");
    s_capture(s_long);
    size_t n = strlen(s_out);
    assert_true(n <= 2048);
    assert_true(n > 2000);
    assert_int_equal(s_out[n - 1], '\n');
    assert_int_equal(strchr(s_out, '\n') - s_out, (long) n - 1);
}

static void s_errno(void)
{
    errno = ERANGE;
    log_info("kept", "");
    assert_int_equal(errno, ERANGE);
}

static void test_errno_kept(void **state)
{
    (void) state;
    log_init("test", "info");
    s_capture(s_errno);
    assert_string_equal(s_after_prog(), "msg=kept\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fields_in_order),
        cmocka_unit_test(test_msg_bare_when_plain),
        cmocka_unit_test(test_msg_quoted_when_needed),
        cmocka_unit_test(test_never_split),
        cmocka_unit_test(test_level_filter),
        cmocka_unit_test(test_cut_at_2k),
        cmocka_unit_test(test_errno_kept),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
