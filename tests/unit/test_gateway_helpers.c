/* test_gateway_helpers: the small pure rules of the request path: JSON
 * content types, Content-Length, log-safe paths, static file resolution
 * and content types, PostgreSQL text values. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "pgtext.h"
#include "http/pipeline.h"
#include "http/static.h"

static void test_content_headers(void **state)
{
    (void) state;
    uint64_t n;
    assert_true(pipeline_is_json("application/json"));
    assert_true(pipeline_is_json("Application/JSON; charset=utf-8"));
    assert_true(pipeline_is_json(" application/json ;charset=utf-8"));
    assert_false(pipeline_is_json("application/jsonp"));
    assert_false(pipeline_is_json("text/plain"));
    assert_false(pipeline_is_json("application/x-www-form-urlencoded"));
    assert_false(pipeline_is_json(NULL));
    assert_int_equal(pipeline_content_length("0", &n), 0);
    assert_int_equal(n, 0);
    assert_int_equal(pipeline_content_length("10485760", &n), 0);
    assert_int_equal(n, 10485760);
    assert_int_equal(pipeline_content_length("-1", &n), -1);
    assert_int_equal(pipeline_content_length("12a", &n), -1);
    assert_int_equal(pipeline_content_length("", &n), -1);
    assert_int_equal(pipeline_content_length("99999999999999999999", &n), -1);
}

static void test_log_path(void **state)
{
    (void) state;
    char out[16];
    pipeline_log_path("/v1/districts/330303", out, sizeof out);
    assert_string_equal(out, "/v1/districts/3");          /* cut to fit */
    pipeline_log_path("/a b\"c\n=", out, sizeof out);
    assert_string_equal(out, "/a_b_c__");                   /* nothing can break the line */
    pipeline_log_path("/张", out, sizeof out);
    assert_string_equal(out, "/___");
}

static void test_static_resolve(void **state)
{
    (void) state;
    char rel[64];
    assert_int_equal(static_resolve("/", rel, sizeof rel), 0);
    assert_string_equal(rel, "index.html");
    assert_int_equal(static_resolve("/app.js", rel, sizeof rel), 0);
    assert_string_equal(rel, "app.js");
    assert_int_equal(static_resolve("/img/logo.png", rel, sizeof rel), 0);
    assert_string_equal(rel, "img/logo.png");
    static const char *const refused[] = {
        "/../etc/passwd", "/a/../../x", "/..", "/.", "/.env", "/a/.git/config", "//etc/passwd",
        "/a//b", "/dir/", "/a\\..\\b", "/a\x01", "", "app.js", NULL,
    };
    for (size_t i = 0; refused[i]; i++)
        assert_int_equal(static_resolve(refused[i], rel, sizeof rel), -1);
    assert_int_equal(static_resolve(NULL, rel, sizeof rel), -1);
    assert_int_equal(static_resolve("/a-rather-long-name.html", rel, 8), -1);
    assert_string_equal(static_content_type("index.html"), "text/html; charset=utf-8");
    assert_string_equal(static_content_type("app.js"), "text/javascript; charset=utf-8");
    assert_string_equal(static_content_type("app.css"), "text/css; charset=utf-8");
    assert_string_equal(static_content_type("a.svg"), "image/svg+xml");
    assert_string_equal(static_content_type("favicon.ico"), "image/x-icon");
    assert_string_equal(static_content_type("a.png"), "image/png");
    assert_null(static_content_type("README"));
    assert_null(static_content_type("x.sh"));
    assert_null(static_content_type(".html"));
}

static void test_pgtext(void **state)
{
    (void) state;
    int64_t v;
    assert_int_equal(pgtext_int64("17", &v), 0);
    assert_int_equal(v, 17);
    assert_int_equal(pgtext_int64("-9223372036854775808", &v), 0);
    assert_int_equal(pgtext_int64("9223372036854775808", &v), -1);
    assert_int_equal(pgtext_int64("1.5", &v), -1);
    assert_int_equal(pgtext_int64("", &v), -1);
    assert_int_equal(pgtext_int64("-", &v), -1);
    json_t *a = pgtext_id_array("{1,22,333}");
    assert_non_null(a);
    assert_int_equal(json_array_size(a), 3);
    assert_string_equal(json_string_value(json_array_get(a, 1)), "22");
    json_decref(a);
    a = pgtext_id_array("{}");
    assert_int_equal(json_array_size(a), 0);
    json_decref(a);
    static const char *const bad[] = {"", "{", "1,2", "{1,}", "{,1}", "{NULL}", "{{1}}",
                                      "{1,,2}", "{a}", NULL};
    for (size_t i = 0; bad[i]; i++)
        assert_null(pgtext_id_array(bad[i]));
    assert_null(pgtext_id_array(NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_content_headers), cmocka_unit_test(test_log_path),
        cmocka_unit_test(test_static_resolve),  cmocka_unit_test(test_pgtext),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
