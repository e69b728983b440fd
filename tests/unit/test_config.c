/* test_config: the config file format, environment overrides, integers and
 * `-c PATH`; and log.c, whose lines config writes on errors (stderr is
 * captured into a temporary file). Never touches files outside /tmp. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "log.h"

/* ---- helpers ------------------------------------------------------------- */

/* Writes `text` to a new temporary file; its path goes into `path`. */
static void
s_write_file(char path[64], const char *text)
{
    snprintf(path, 64, "/tmp/test_config_XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    size_t n = strlen(text);
    assert_int_equal(write(fd, text, n), (ssize_t) n);
    close(fd);
}

static config_t *
s_load_text(const char *text)
{
    char path[64];
    s_write_file(path, text);
    config_t *cfg = config_load(path);
    unlink(path);
    return cfg;
}

typedef struct {
    int saved_fd;
    char path[64];
} s_capture_t;

static void
s_capture_start(s_capture_t *cap)
{
    s_write_file(cap->path, "");
    fflush(stderr);
    cap->saved_fd = dup(STDERR_FILENO);
    FILE *f = fopen(cap->path, "w");
    assert_non_null(f);
    dup2(fileno(f), STDERR_FILENO);
    fclose(f);
}

/* Restores stderr and returns what was written (static buffer). */
static const char *
s_capture_end(s_capture_t *cap)
{
    static char buf[8192];
    dup2(cap->saved_fd, STDERR_FILENO);
    close(cap->saved_fd);
    FILE *f = fopen(cap->path, "r");
    assert_non_null(f);
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    unlink(cap->path);
    return buf;
}

static void
s_assert_matches(const char *text, const char *pattern)
{
    regex_t re;
    assert_int_equal(regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB), 0);
    int rc = regexec(&re, text, 0, NULL, 0);
    regfree(&re);
    if (rc != 0)
        fail_msg("\"%s\" does not match /%s/", text, pattern);
}

/* ---- config -------------------------------------------------------------- */

static void
test_parse_file(void **state)
{
    (void) state;
    config_t *cfg = s_load_text(
        "# a comment\n"
        "\n"
        "pg.dsn = host=127.0.0.1 port=5432 dbname=lianxin\n"
        "  bus.xsub=tcp://127.0.0.1:5560   \n"
        "gateway.port = 8080 # the HTTP port\n"
        "crypto.key = \"00ff # not a comment \\\"quoted\\\" \\\\\"  # but this is\n"
        "pw = pass#word\n"
        "empty =\n"
        "empty.quoted = \"\"\n"
        "dup = first\n"
        "dup = second\n"
        "\t# indented comment\n"
        "no.newline = last");
    assert_non_null(cfg);
    assert_string_equal(config_get(cfg, "pg.dsn", NULL), "host=127.0.0.1 port=5432 dbname=lianxin");
    assert_string_equal(config_get(cfg, "bus.xsub", NULL), "tcp://127.0.0.1:5560");
    assert_string_equal(config_get(cfg, "gateway.port", NULL), "8080");
    assert_string_equal(config_get(cfg, "crypto.key", NULL), "00ff # not a comment \"quoted\" \\");
    assert_string_equal(config_get(cfg, "pw", NULL), "pass#word");
    assert_string_equal(config_get(cfg, "empty", "x"), "");
    assert_string_equal(config_get(cfg, "empty.quoted", "x"), "");
    assert_string_equal(config_get(cfg, "dup", NULL), "second");
    assert_string_equal(config_get(cfg, "no.newline", NULL), "last");
    assert_string_equal(config_get(cfg, "missing", "dflt"), "dflt");
    assert_null(config_get(cfg, "missing", NULL));
    assert_int_equal(config_get_int(cfg, "gateway.port", 1), 8080);
    config_destroy(&cfg);
    assert_null(cfg);
    config_destroy(&cfg);                       /* idempotent */
    config_destroy(NULL);
}

static void
test_malformed_lines(void **state)
{
    (void) state;
    static const char *bad[] = {
        "a = 1\njust words\n", "= value\n", "bad key = v\n", "k! = v\n",
        "k = \"unterminated\n", "k = \"quoted\" trailing\n", " = \n",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        s_capture_t cap;
        log_init("test", "info");
        s_capture_start(&cap);
        config_t *cfg = s_load_text(bad[i]);
        const char *out = s_capture_end(&cap);
        if (cfg)
            fail_msg("accepted \"%s\"", bad[i]);
        s_assert_matches(out, "level=error prog=test msg=\"config line malformed\" "
                              "file=/tmp/test_config_[A-Za-z0-9]+ line=[12]\n$");
    }
    s_capture_t cap;
    s_capture_start(&cap);
    config_t *cfg = s_load_text("a = 1\nb = 2\nthird line bad\n");
    const char *out = s_capture_end(&cap);
    assert_null(cfg);
    s_assert_matches(out, "line=3\n$");
}

static void
test_missing_file(void **state)
{
    (void) state;
    s_capture_t cap;
    s_capture_start(&cap);
    config_t *cfg = config_load("/tmp/test_config_does_not_exist/x.conf");
    const char *out = s_capture_end(&cap);
    assert_null(cfg);
    s_assert_matches(out, "msg=\"config file unreadable\" file=/tmp/test_config_does_not_exist/x.conf errno=2");
}

static void
test_env_override(void **state)
{
    (void) state;
    unsetenv("LIANXIN_PG_DSN");
    config_t *cfg = s_load_text("pg.dsn = from-file\nlog.level = info\n");
    assert_non_null(cfg);
    assert_string_equal(config_get(cfg, "pg.dsn", NULL), "from-file");
    setenv("LIANXIN_PG_DSN", "from-env", 1);
    const char *v1 = config_get(cfg, "pg.dsn", NULL);
    assert_string_equal(v1, "from-env");
    setenv("LIANXIN_PG_DSN", "changed", 1);
    assert_string_equal(config_get(cfg, "pg.dsn", NULL), "changed");
    assert_string_equal(v1, "from-env");        /* earlier pointers stay valid */
    setenv("LIANXIN_GATEWAY_LISTEN", "0.0.0.0", 1);
    assert_string_equal(config_get(cfg, "gateway.listen", "127.0.0.1"), "0.0.0.0");
    setenv("LIANXIN_LOG_LEVEL", "", 1);         /* set but empty still overrides */
    assert_string_equal(config_get(cfg, "log.level", NULL), "");
    unsetenv("LIANXIN_PG_DSN");
    unsetenv("LIANXIN_GATEWAY_LISTEN");
    unsetenv("LIANXIN_LOG_LEVEL");
    assert_string_equal(config_get(cfg, "pg.dsn", NULL), "from-file");
    assert_string_equal(config_get(cfg, "gateway.listen", "127.0.0.1"), "127.0.0.1");
    config_destroy(&cfg);
}

/* Each program's own DSN, no shared fallback (issue 8). */
static void
test_pg_dsn(void **state)
{
    (void) state;
    unsetenv("LIANXIN_INTAKE_PG_DSN");
    unsetenv("LIANXIN_NOTIFY_PG_DSN");
    config_t *cfg = s_load_text("pg.dsn = shared\nintake.pg_dsn = user=lianxin_intake\n"
                                "gateway.pg_dsn =\n");
    assert_non_null(cfg);
    assert_string_equal(config_pg_dsn(cfg, "intake"), "user=lianxin_intake");
    assert_null(config_pg_dsn(cfg, "notify"));          /* pg.dsn is not a fallback */
    assert_null(config_pg_dsn(cfg, "gateway"));         /* empty is missing */
    assert_null(config_pg_dsn(cfg, NULL));
    setenv("LIANXIN_NOTIFY_PG_DSN", "user=lianxin_notify", 1);
    assert_string_equal(config_pg_dsn(cfg, "notify"), "user=lianxin_notify");
    unsetenv("LIANXIN_NOTIFY_PG_DSN");
    config_destroy(&cfg);
}

static void
test_env_only(void **state)
{
    (void) state;
    setenv("LIANXIN_CRYPTO_KEY", "abc", 1);
    config_t *cfg = config_load(NULL);
    assert_non_null(cfg);
    assert_string_equal(config_get(cfg, "crypto.key", NULL), "abc");
    assert_null(config_get(cfg, "pg.dsn", NULL));
    unsetenv("LIANXIN_CRYPTO_KEY");
    config_destroy(&cfg);
}

static void
test_set_and_int(void **state)
{
    (void) state;
    config_t *cfg = config_load(NULL);
    assert_non_null(cfg);
    assert_int_equal(config_set(cfg, "n.pos", "42"), 0);
    assert_int_equal(config_set(cfg, "n.neg", "-7"), 0);
    assert_int_equal(config_set(cfg, "n.big", "9223372036854775807"), 0);
    assert_int_equal(config_set(cfg, "n.over", "9223372036854775808"), 0);
    assert_int_equal(config_set(cfg, "n.junk", "12abc"), 0);
    assert_int_equal(config_set(cfg, "n.space", " 5"), 0);
    assert_int_equal(config_set(cfg, "n.empty", ""), 0);
    assert_int_equal(config_set(cfg, "n.float", "1.5"), 0);
    assert_int_equal(config_get_int(cfg, "n.pos", 0), 42);
    assert_int_equal(config_get_int(cfg, "n.neg", 0), -7);
    assert_int_equal(config_get_int(cfg, "n.big", 0), 9223372036854775807LL);
    static const char *const bad[] = {"n.over", "n.junk", "n.space", "n.empty", "n.float"};
    long long got[5];
    s_capture_t cap;
    s_capture_start(&cap);                      /* no assertions while stderr is away */
    for (int i = 0; i < 5; i++)
        got[i] = config_get_int(cfg, bad[i], 3);
    const char *out = s_capture_end(&cap);
    for (int i = 0; i < 5; i++)
        assert_int_equal(got[i], 3);
    s_assert_matches(out, "level=warn .*msg=\"config value not an integer\" key=n.over\n");
    s_assert_matches(out, "key=n.float\n$");
    assert_int_equal(config_get_int(cfg, "n.missing", 9), 9);
    assert_int_equal(config_set(cfg, "n.pos", "43"), 0);      /* replaces */
    assert_int_equal(config_get_int(cfg, "n.pos", 0), 43);
    assert_int_equal(config_set(cfg, "bad key", "v"), -1);
    assert_int_equal(config_set(cfg, "", "v"), -1);
    assert_int_equal(config_set(cfg, "k", NULL), -1);
    assert_int_equal(config_set(NULL, "k", "v"), -1);
    assert_string_equal(config_get(NULL, "k", "d"), "d");
    config_destroy(&cfg);
}

static void
test_path_from_args(void **state)
{
    (void) state;
    unsetenv("LIANXIN_CONFIG");
    char *a1[] = {"prog", "-c", "/etc/lianxin.conf", NULL};
    assert_string_equal(config_path_from_args(3, a1), "/etc/lianxin.conf");
    char *a2[] = {"prog", "--verbose", "x", "-c", "/a b.conf", "y", NULL};
    assert_string_equal(config_path_from_args(6, a2), "/a b.conf");
    char *a3[] = {"prog", "x", NULL};
    assert_null(config_path_from_args(2, a3));
    char *a4[] = {"prog", "-c", NULL};                 /* -c with nothing after it */
    assert_null(config_path_from_args(2, a4));
    setenv("LIANXIN_CONFIG", "/from/env.conf", 1);
    assert_string_equal(config_path_from_args(2, a4), "/from/env.conf");
    assert_string_equal(config_path_from_args(3, a1), "/etc/lianxin.conf");
    assert_string_equal(config_path_from_args(0, NULL), "/from/env.conf");
    unsetenv("LIANXIN_CONFIG");
}

/* ---- log ----------------------------------------------------------------- */

static void
test_log_format_and_levels(void **state)
{
    (void) state;
    s_capture_t cap;
    log_init("intake", "warn");
    s_capture_start(&cap);
    log_info("not shown", "k=%d", 1);
    log_debug("not shown");
    log_warn("visit recorded", "district=%s id=%d", "330303", 17);
    log_error("started");
    const char *out = s_capture_end(&cap);
    s_assert_matches(out, "^ts=[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z "
                          "level=warn prog=intake msg=\"visit recorded\" district=330303 id=17\n"
                          "ts=[^ ]+ level=error prog=intake msg=started\n$");

    log_init("gw", NULL);                              /* default: info */
    s_capture_start(&cap);
    log_debug("hidden");
    log_info("say \"hi\"\\now", "");
    log_info("two\nlines", "a=%s", "x\ny");
    log_info("", "k=v");
    out = s_capture_end(&cap);
    s_assert_matches(out, "^ts=[^ ]+ level=info prog=gw msg=\"say \\\\\"hi\\\\\"\\\\\\\\now\"\n"
                          "ts=[^ ]+ level=info prog=gw msg=\"two lines\" a=x y\n"
                          "ts=[^ ]+ level=info prog=gw msg=\"\" k=v\n$");
    log_init("gw", "bogus");
    s_capture_start(&cap);
    log_debug("hidden");
    log_info("shown");
    out = s_capture_end(&cap);
    s_assert_matches(out, "^ts=[^ ]+ level=info prog=gw msg=shown\n$");
}

static void
test_log_long_line(void **state)
{
    (void) state;
    static char big[10000];
    memset(big, 'a', sizeof big - 1);
    s_capture_t cap;
    log_init("gw", "debug");
    s_capture_start(&cap);
    log_debug("long", "v=%s", big);
    log_debug("after");
    const char *out = s_capture_end(&cap);
    const char *nl = strchr(out, '\n');
    assert_non_null(nl);
    assert_true(nl - out < 2048);                      /* cut short, still one line */
    s_assert_matches(nl + 1, "^ts=[^ ]+ level=debug prog=gw msg=after\n$");
    log_init("test", "info");
}

static void
test_split(void **state)
{
    (void) state;
    char out[4][CONFIG_NAME_MAX];
    assert_int_equal(config_split("intake, notify,proposal\tconsult", out, 4), 4);
    assert_string_equal(out[0], "intake");
    assert_string_equal(out[1], "notify");
    assert_string_equal(out[2], "proposal");
    assert_string_equal(out[3], "consult");
    assert_int_equal(config_split(" ,, ", out, 4), 0);
    assert_int_equal(config_split(NULL, out, 4), 0);
    assert_int_equal(config_split("a b c d e", out, 4), -1);          /* too many */
    assert_int_equal(config_split("abcdefghijabcdefghijabcdefghijab", out, 4), -1); /* 32 bytes */
    assert_int_equal(config_split("abcdefghijabcdefghijabcdefghija", out, 4), 1);   /* 31 */
}

static void
test_services(void **state)
{
    (void) state;
    char out[4][CONFIG_NAME_MAX];
    config_t *c = config_load(NULL);
    assert_non_null(c);
    assert_int_equal(config_services(c, out, 4), -1);                 /* missing */
    assert_int_equal(config_set(c, "services", "intake notify"), 0);
    assert_int_equal(config_services(c, out, 4), 2);
    assert_string_equal(out[1], "notify");
    config_destroy(&c);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_file),       cmocka_unit_test(test_malformed_lines),
        cmocka_unit_test(test_missing_file),     cmocka_unit_test(test_env_override),
        cmocka_unit_test(test_pg_dsn),
        cmocka_unit_test(test_env_only),         cmocka_unit_test(test_set_and_int),
        cmocka_unit_test(test_path_from_args),   cmocka_unit_test(test_log_format_and_levels),
        cmocka_unit_test(test_log_long_line),    cmocka_unit_test(test_split),
        cmocka_unit_test(test_services),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
