/* test_gateway_query: query-string parsing and its limits, the value
 * parsers (limit, bool, id) and the visits list's filters. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "http/cursor.h"
#include "http/query.h"
#include "timeutil.h"
#include "api/intake.h"

static const query_param_t s_keys[] = {
    QP("a", QP_TEXT), QP("b", QP_TEXT), QP("limit", QP_LIMIT), QP("cursor", QP_CURSOR), QP_END};

static int s_parse(const char *raw, query_t *q, char *bad, const char **code)
{
    return query_parse(raw, s_keys, q, bad, 32, code);
}

static void test_basic(void **state)
{
    (void) state;
    query_t q;
    char bad[32];
    const char *code = NULL;
    assert_int_equal(s_parse("a=1&b=x%20y+z", &q, bad, &code), 0);
    assert_int_equal(q.n, 2);
    assert_string_equal(query_get(&q, "a"), "1");
    assert_string_equal(query_get(&q, "b"), "x y z");
    assert_null(query_get(&q, "limit"));
    assert_int_equal(s_parse("", &q, bad, &code), 0);
    assert_int_equal(q.n, 0);
    assert_int_equal(s_parse(NULL, &q, bad, &code), 0);
    assert_int_equal(s_parse("&&a&", &q, bad, &code), 0);   /* empty pieces skipped */
    assert_string_equal(query_get(&q, "a"), "");
    assert_int_equal(s_parse("%61=2", &q, bad, &code), 0);   /* keys are decoded too */
    assert_string_equal(query_get(&q, "a"), "2");
}

static void test_refusals(void **state)
{
    (void) state;
    query_t q;
    char bad[32];
    const char *code = NULL;
    assert_int_equal(s_parse("a=1&zz=2", &q, bad, &code), -1);
    assert_string_equal(bad, "zz");
    assert_string_equal(code, "unknown_parameter");
    assert_int_equal(s_parse("a=1&a=2", &q, bad, &code), -1);
    assert_string_equal(code, "duplicate");
    assert_int_equal(s_parse("a=%zz", &q, bad, &code), -1);
    assert_string_equal(code, "invalid");
    assert_int_equal(s_parse("a=%4", &q, bad, &code), -1);
    assert_string_equal(code, "invalid");
    assert_int_equal(s_parse("a=x%00y", &q, bad, &code), -1);   /* no NUL smuggling */
    assert_string_equal(code, "invalid");
    char big[600];
    memset(big, 'x', sizeof big);
    memcpy(big, "a=", 2);
    big[sizeof big - 1] = '\0';
    assert_int_equal(s_parse(big, &q, bad, &code), -1);
    assert_string_equal(code, "too_long");
    assert_int_equal(query_parse("a=1", NULL, &q, bad, 32, &code), -1);   /* takes none */
    assert_string_equal(code, "unknown_parameter");
    static const query_param_t many[] = {
        QP("k0", QP_TEXT), QP("k1", QP_TEXT), QP("k2", QP_TEXT), QP("k3", QP_TEXT), QP("k4", QP_TEXT), QP("k5", QP_TEXT), QP("k6", QP_TEXT), QP("k7", QP_TEXT), QP("k8", QP_TEXT), QP("k9", QP_TEXT),
        QP("k10", QP_TEXT), QP("k11", QP_TEXT), QP("k12", QP_TEXT), QP("k13", QP_TEXT), QP("k14", QP_TEXT), QP("k15", QP_TEXT), QP("k16", QP_TEXT), QP_END};
    const char *raw = "k0&k1&k2&k3&k4&k5&k6&k7&k8&k9&k10&k11&k12&k13&k14&k15&k16";
    assert_int_equal(query_parse(raw, many, &q, bad, 32, &code), -1);
    assert_string_equal(code, "too_many");
}

static void test_values(void **state)
{
    (void) state;
    int v;
    int64_t id;
    assert_int_equal(query_limit(NULL, 20, 100, &v), 0);
    assert_int_equal(v, 20);
    assert_int_equal(query_limit("", 20, 100, &v), 0);
    assert_int_equal(query_limit("1", 20, 100, &v), 0);
    assert_int_equal(v, 1);
    assert_int_equal(query_limit("100", 20, 100, &v), 0);
    assert_int_equal(query_limit("0", 20, 100, &v), -1);
    assert_int_equal(query_limit("101", 20, 100, &v), -1);
    assert_int_equal(query_limit("-5", 20, 100, &v), -1);
    assert_int_equal(query_limit("1e2", 20, 100, &v), -1);
    assert_int_equal(query_limit("007", 20, 100, &v), -1);
    assert_int_equal(query_limit("99999999999999999999", 20, 100, &v), -1);
    assert_int_equal(query_bool("true", &v), 0);
    assert_int_equal(v, 1);
    assert_int_equal(query_bool("0", &v), 0);
    assert_int_equal(v, 0);
    assert_int_equal(query_bool("yes", &v), -1);
    assert_int_equal(query_id("17", &id), 0);
    assert_int_equal(id, 17);
    assert_int_equal(query_id("0", &id), -1);
    assert_int_equal(query_id("17a", &id), -1);
}

static void test_visits_filter(void **state)
{
    (void) state;
    query_t q;
    char bad[32];
    const char *code, *field;
    api_intake_visits_filter_t f;
    int64_t day;
    assert_int_equal(query_parse("from=2026-11-01&to=2026-11-30&category=transport&workroom_id=3"
                                 "&limit=5", api_intake_visits_keys, &q, bad, 32, &code), 0);
    assert_int_equal(api_intake_visits_filter(&q, &f, &field, &code), 0);
    assert_int_equal(f.workroom_id, 3);
    assert_int_equal(f.limit, 5);
    assert_string_equal(f.category, "transport");
    assert_int_equal(time_parse("2026-11-01", &day), 0);
    assert_true(f.has_from && f.from_us == day);
    assert_int_equal(time_parse("2026-12-01T00:00:00+08:00", &day), 0);
    assert_true(f.has_to && f.to_us == day);      /* a date as `to` includes that day */
    assert_int_equal(query_parse("to=2026-11-26T10:00:00%2B08:00", api_intake_visits_keys, &q, bad, 32,
                                 &code), 0);
    assert_int_equal(api_intake_visits_filter(&q, &f, &field, &code), 0);
    assert_int_equal(time_parse("2026-11-26T10:00:00+08:00", &day), 0);
    assert_int_equal(f.to_us, day);
    assert_int_equal(f.limit, API_INTAKE_VISITS_LIMIT_DEFAULT);
    static const struct { const char *raw, *field, *code; } bad_cases[] = {
        {"category=food", "category", "unknown_value"},
        {"category=unspecified", "category", "unknown_value"},
        {"from=yesterday", "from", "invalid"},
        {"from=2026-11-02&to=2026-11-01", "to", "out_of_range"},
        {"workroom_id=x", "workroom_id", "invalid"},
        {"limit=0", "limit", "out_of_range"},
        {"cursor=abc", "cursor", "invalid"},
    };
    /* refused by the declared type (query_parse) or by the filter's rules */
    for (size_t i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++) {
        if (query_parse(bad_cases[i].raw, api_intake_visits_keys, &q, bad, 32, &code) == 0) {
            assert_int_equal(api_intake_visits_filter(&q, &f, &field, &code), -1);
        } else {
            field = bad;
        }
        assert_string_equal(field, bad_cases[i].field);
        assert_string_equal(code, bad_cases[i].code);
    }
    char cur[CURSOR_MAX], raw[128];
    assert_int_equal(cursor_encode('v', 1795570200000000LL, 42, cur, sizeof cur), 0);
    snprintf(raw, sizeof raw, "cursor=%s", cur);
    assert_int_equal(query_parse(raw, api_intake_visits_keys, &q, bad, 32, &code), 0);
    assert_int_equal(api_intake_visits_filter(&q, &f, &field, &code), 0);
    assert_true(f.has_cursor);
    assert_int_equal(f.cursor_at_us, 1795570200000000LL);
    assert_int_equal(f.cursor_id, 42);
    assert_int_equal(cursor_encode('i', 42, 0, cur, sizeof cur), 0);   /* an inbox cursor */
    snprintf(raw, sizeof raw, "cursor=%s", cur);
    assert_int_equal(query_parse(raw, api_intake_visits_keys, &q, bad, 32, &code), 0);
    assert_int_equal(api_intake_visits_filter(&q, &f, &field, &code), -1);
}

/* Every value is UTF-8 without control characters before its type is
 * looked at: what PostgreSQL would refuse with 22021 never reaches it. */
static void test_utf8_and_types(void **state)
{
    (void) state;
    static const char *const colours[] = {"red", "green", NULL};
    static const query_param_t keys[] = {
        QP("q", QP_TEXT), QP_ONE_OF("state", colours), QP("id", QP_ID), QP("d", QP_DATE),
        QP("m", QP_MONTH), QP("t", QP_TOKEN), QP("limit", QP_LIMIT), QP_END};
    static const struct { const char *raw, *key, *code; } cases[] = {
        {"q=%ff%fe", "q", "invalid"},               /* not UTF-8 at all */
        {"q=%c0%af", "q", "invalid"},               /* overlong '/' */
        {"q=%e0%80%af", "q", "invalid"},            /* overlong, 3 bytes */
        {"q=%ed%a0%80", "q", "invalid"},            /* a surrogate */
        {"q=%f4%90%80%80", "q", "invalid"},         /* above U+10FFFF */
        {"q=%e4%b8", "q", "invalid"},               /* cut short */
        {"q=a%0ab", "q", "invalid"},                /* a control character */
        {"q=a%7f", "q", "invalid"},
        {"q=%c2%85", "q", "invalid"},               /* C1 control (NEL) */
        {"state=%c0%af", "state", "invalid"},
        {"state=bogus", "state", "unknown_value"},
        {"state=", "state", "unknown_value"},
        {"id=", "id", "invalid"},
        {"id=1x", "id", "invalid"},
        {"d=2026-1-01", "d", "invalid"},
        {"m=2026-011", "m", "invalid"},
        {"t=a%20b", "t", "invalid"},
        {"limit=x", "limit", "out_of_range"},
        {"%ff=1", "", "unknown_parameter"},         /* a bad key is not echoed */
    };
    query_t q;
    char bad[32];
    const char *code;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        code = NULL;
        assert_int_equal(query_parse(cases[i].raw, keys, &q, bad, 32, &code), -1);
        assert_string_equal(bad, cases[i].key);
        assert_string_equal(code, cases[i].code);
    }
    assert_int_equal(query_parse("q=%e8%bf%9e%e5%bf%83+x&state=green&id=7&d=2026-12-05&m=2026-12"
                                 "&t=abc.DEF-1&limit=", keys, &q, bad, 32, &code), 0);
    assert_string_equal(query_get(&q, "q"), "连心 x");
    assert_int_equal(query_parse("q=", keys, &q, bad, 32, &code), 0);   /* empty text is fine */
    assert_int_equal(query_utf8_ok("\xf0\x9f\x98\x80", 4), 1);        /* 4 bytes, U+1F600 */
    assert_int_equal(query_utf8_ok("\xc1\x81", 2), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_basic), cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_values), cmocka_unit_test(test_visits_filter),
        cmocka_unit_test(test_utf8_and_types),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
