/* test_reports: public-opinion reports over HTTP on the real stack:
 * drafts by member authors, every transition of the state machine (a wrong
 * state answers 409 listing the allowed events, a wrong role 403), numbers
 * 社情-<year>-<nnn>, merges linking both ways, outcomes, search with
 * pg_trgm, statistics and their CSV parsed back, and the districts apart. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "fixtures.h"
#include "harness.h"
#include "api_util.h"
#include "timeutil.h"

#define D "/v1/districts/330303"

static struct {
    harness_t *h;
    fixture_users_t u;              /* the demo users' sessions */
    char r1[24], r2[24];
    int r1_year, r2_year;           /* the years their numbers carry */
    int ready;
} S;

static int s_setup(void **state)
{
    (void) state;
    memset(&S, 0, sizeof S);
    if (!(S.h = harness_new("reports")) || harness_start_all(S.h) != 0)
        return 0;
    S.ready = fixture_login(S.h, &S.u, "office office2 member1 member2 member3 unit1"
                                       " leader") == 0;
    return 0;
}

static int s_teardown(void **state)
{
    (void) state;
    harness_destroy(&S.h);
    fixture_logout(&S.u);
    return 0;
}

/* The year (UTC+8) on the one clock now. */
static int s_year_now(void)
{
    int y;
    time_ymd(time_now_us(), &y, NULL, NULL);
    return y;
}

/* Checks a report number taken between the clock years `y0` and `y1` (they
 * differ only when the test crossed a new year, as at the 12-31 pin on a slow
 * machine): 社情-<year>-<nnn> with the year one of them and nnn the `nth` of
 * that year when `earlier_year` (the year of the run's previous number, 0 for
 * none) is the same, else 1. Returns the number's year. */
static int s_number_ok(const char *number, int y0, int y1, int earlier_year, int nth)
{
    int year = 0, seq = 0, used = 0;
    assert_int_equal(sscanf(number, "社情-%4d-%3d%n", &year, &seq, &used), 2);
    assert_int_equal((size_t) used, strlen(number));
    assert_true(year == y0 || year == y1);
    assert_int_equal(seq, year == earlier_year ? nth : 1);
    return year;
}

/* POST /reports/{id}/<event> expecting `want`; returns the answer's state. */
static void s_step(const char *id, const char *event, const char *token, const char *body,
                   long want, const char *state_after)
{
    char path[128];
    http_resp_t r;
    snprintf(path, sizeof path, D "/reports/%s/%s", id, event);
    assert_int_equal(api_req(S.h, "POST", path, token, body, want, &r), want);
    if (state_after)
        assert_string_equal(api_str(r.json, "state"), state_after);
    http_resp_clear(&r);
}

static void test_draft(void **state)
{
    char path[128];
    http_resp_t r;
    (void) state;
    assert_true(S.ready);
    assert_int_equal(api_req(S.h, "POST", D "/reports", S.u.member1,
        "{\"title\":\"关于城区夜间停车难的建议\",\"facts\":\"老旧小区夜间停车位不足，占道停车普遍。\","
        "\"analysis\":\"规划滞后\",\"suggestions\":\"利用边角地建设立体停车场\","
        "\"category\":\"transport\",\"author_ids\":[\"2\"],\"workroom_id\":\"1\"}", 201, &r), 201);
    snprintf(S.r1, sizeof S.r1, "%s", api_str(r.json, "id"));
    assert_string_equal(api_str(r.json, "state"), "draft");
    assert_string_equal(api_str(r.json, "number"), "");
    http_resp_clear(&r);
    assert_int_equal(api_status(S.h, "POST", D "/reports", S.u.unit1,
                               "{\"title\":\"x\",\"category\":\"other\"}"), 403);
    assert_int_equal(api_status(S.h, "POST", D "/reports", S.u.member1, "{\"title\":\" \","
                               "\"category\":\"other\"}"), 400);
    assert_int_equal(api_status(S.h, "POST", D "/reports", S.u.member1, "{\"title\":\"x\","
                               "\"category\":\"other\",\"visit_ids\":[\"999999\"]}"), 422);
    snprintf(path, sizeof path, D "/reports/%s", S.r1);
    assert_int_equal(api_status(S.h, "GET", path, S.u.member2, NULL), 200);   /* co-author */
    assert_int_equal(api_status(S.h, "GET", path, S.u.member3, NULL), 404);   /* not an author */
    assert_int_equal(api_status(S.h, "GET", path, S.u.office, NULL), 404);    /* drafts are private */
    /* only authors edit, and only the fields named */
    snprintf(path, sizeof path, D "/reports/%s/edit", S.r1);
    assert_int_equal(api_status(S.h, "POST", path, S.u.office, "{\"title\":\"x\"}"), 403);
    assert_int_equal(api_status(S.h, "POST", path, S.u.member3, "{\"title\":\"x\"}"), 404);
    assert_int_equal(api_req(S.h, "POST", path, S.u.member2, "{\"analysis\":\"规划滞后，管理缺位\"}",
                            200, &r), 200);
    http_resp_clear(&r);
    snprintf(path, sizeof path, D "/reports/%s", S.r1);
    assert_int_equal(api_req(S.h, "GET", path, S.u.member1, NULL, 200, &r), 200);
    assert_string_equal(api_str(r.json, "title"), "关于城区夜间停车难的建议");
    assert_string_equal(api_str(r.json, "analysis"), "规划滞后，管理缺位");
    assert_int_equal(json_array_size(json_object_get(r.json, "author_ids")), 2);
    http_resp_clear(&r);
}

static void test_transitions(void **state)
{
    char number[32], path[128];
    http_resp_t r;
    (void) state;
    assert_true(S.ready && S.r1[0]);
    /* a wrong state answers 409 with what is allowed; a wrong role 403 */
    snprintf(path, sizeof path, D "/reports/%s/accept", S.r1);
    assert_int_equal(api_req(S.h, "POST", path, S.u.member1, NULL, 403, &r), 403);
    http_resp_clear(&r);
    snprintf(path, sizeof path, D "/reports/%s/resubmit", S.r1);
    assert_int_equal(api_req(S.h, "POST", path, S.u.member1, NULL, 409, &r), 409);
    assert_non_null(strstr(api_str(json_object_get(r.json, "error"), "message"), "submit"));
    http_resp_clear(&r);
    snprintf(path, sizeof path, D "/reports/%s/submit", S.r1);
    int y0 = s_year_now();
    assert_int_equal(api_req(S.h, "POST", path, S.u.member1, NULL, 200, &r), 200);
    snprintf(number, sizeof number, "%s", api_str(r.json, "number"));
    S.r1_year = s_number_ok(number, y0, s_year_now(), 0, 1);
    http_resp_clear(&r);
    s_step(S.r1, "submit", S.u.member1, NULL, 409, NULL);
    s_step(S.r1, "accept", S.u.unit1, NULL, 403, NULL);
    s_step(S.r1, "accept", S.u.leader, NULL, 403, NULL);
    s_step(S.r1, "return", S.u.office, "{}", 400, NULL);                 /* comments required */
    s_step(S.r1, "return", S.u.office, "{\"comments\":\"请补充数据\"}", 200, "returned");
    s_step(S.r1, "resubmit", S.u.member2, NULL, 200, "submitted");
    s_step(S.r1, "accept", S.u.office, NULL, 200, "accepted");
    s_step(S.r1, "forward", S.u.office, "{\"forwarded_to\":\"mars\"}", 400, NULL);
    s_step(S.r1, "forward", S.u.office, "{\"forwarded_to\":\"government\"}", 200, "forwarded");
    s_step(S.r1, "tell-authors", S.u.member1, NULL, 403, NULL);
    s_step(S.r1, "adopt", S.u.office, "{\"level\":\"city\"}", 200, "forwarded");
    s_step(S.r1, "adopt", S.u.office, "{\"level\":\"city\"}", 409, NULL);   /* adopted once */
    s_step(S.r1, "instruct", S.u.office, "{\"leader\":\"王副市长\",\"text\":\"请交通局研究\"}", 200,
           "forwarded");
    s_step(S.r1, "tell-authors", S.u.office, NULL, 200, "authors_told");
    s_step(S.r1, "instruct", S.u.office, "{\"leader\":\"李书记\",\"text\":\"同意\"}", 200,
           "forwarded");
    s_step(S.r1, "frobnicate", S.u.office, NULL, 404, NULL);
    snprintf(path, sizeof path, D "/reports/%s", S.r1);
    assert_int_equal(api_req(S.h, "GET", path, S.u.office, NULL, 200, &r), 200);
    assert_string_equal(api_str(r.json, "number"), number);
    assert_string_equal(api_str(r.json, "forwarded_to"), "government");
    assert_string_equal(api_str(r.json, "adopted_level"), "city");
    assert_int_equal(json_array_size(json_object_get(r.json, "instructions")), 2);
    assert_true(json_array_size(json_object_get(r.json, "log")) >= 10);
    http_resp_clear(&r);
    assert_int_equal(harness_sql_ll(S.h, "SELECT count(*) FROM bus.events WHERE type LIKE"
                                         " 'report.%'", 0, NULL), 9);
    /* the authors hear of the adoption, once each, in their own inbox */
    assert_int_equal(api_wait_sql(S.h, "SELECT count(*) FROM notify.inbox WHERE kind ="
                                      " 'report.adopted'", 2, 10000), 2);
    assert_int_equal(api_req(S.h, "GET", D "/inbox", S.u.member2, NULL, 200, &r), 200);
    assert_non_null(strstr(r.raw, "report.adopted"));
    assert_non_null(strstr(r.raw, number));
    http_resp_clear(&r);
    assert_int_equal(api_req(S.h, "GET", D "/inbox", S.u.member3, NULL, 200, &r), 200);
    assert_null(strstr(r.raw, "report.adopted"));
    http_resp_clear(&r);
}

static void test_merge(void **state)
{
    char path[128], number[32];
    http_resp_t r;
    (void) state;
    assert_true(S.ready && S.r1[0]);
    assert_int_equal(api_req(S.h, "POST", D "/reports", S.u.member3, "{\"title\":\"停车难问题\","
                            "\"facts\":\"小区车位少\",\"category\":\"transport\"}", 201, &r), 201);
    snprintf(S.r2, sizeof S.r2, "%s", api_str(r.json, "id"));
    http_resp_clear(&r);
    int y0 = s_year_now();
    s_step(S.r2, "submit", S.u.member3, NULL, 200, "submitted");
    int y1 = s_year_now();
    s_step(S.r2, "merge", S.u.office, "{}", 400, NULL);
    s_step(S.r2, "merge", S.u.office, "{\"into_report_id\":\"999999\"}", 422, NULL);
    s_step(S.r2, "merge", S.u.office, "{\"into_report_id\":\"", 400, NULL);
    snprintf(path, sizeof path, "{\"into_report_id\":\"%s\"}", S.r1);
    s_step(S.r2, "merge", S.u.office, path, 200, "merged");
    s_step(S.r2, "accept", S.u.office, NULL, 409, NULL);                  /* final */
    snprintf(path, sizeof path, D "/reports/%s", S.r2);
    assert_int_equal(api_req(S.h, "GET", path, S.u.member3, NULL, 200, &r), 200);
    snprintf(number, sizeof number, "%s", api_str(r.json, "number"));     /* keeps its number */
    S.r2_year = s_number_ok(number, y0, y1, S.r1_year, 2);
    assert_string_equal(api_str(r.json, "merged_into"), S.r1);
    http_resp_clear(&r);
    snprintf(path, sizeof path, D "/reports/%s", S.r1);
    assert_int_equal(api_req(S.h, "GET", path, S.u.office, NULL, 200, &r), 200);
    assert_string_equal(json_string_value(json_array_get(json_object_get(r.json, "merged_from"),
                                                         0)), S.r2);
    http_resp_clear(&r);
}

static void test_search(void **state)
{
    http_resp_t r;
    (void) state;
    assert_true(S.ready && S.r2[0]);
    assert_int_equal(api_req(S.h, "GET", D "/reports?q=%E5%81%9C%E8%BD%A6", S.u.office, NULL, 200, &r),
                     200);                                              /* 停车 */
    assert_int_equal(json_array_size(json_object_get(r.json, "items")), 2);
    http_resp_clear(&r);
    assert_int_equal(api_req(S.h, "GET", D "/reports?q=%E7%AB%8B%E4%BD%93%E5%81%9C%E8%BD%A6%E5%9C%BA",
                            S.u.office, NULL, 200, &r), 200);             /* 立体停车场: facts/suggestions */
    assert_int_equal(json_array_size(json_object_get(r.json, "items")), 1);
    assert_string_equal(api_str(json_array_get(json_object_get(r.json, "items"), 0), "id"), S.r1);
    http_resp_clear(&r);
    assert_int_equal(api_req(S.h, "GET", D "/reports?q=%25", S.u.office, NULL, 200, &r), 200);
    assert_int_equal(json_array_size(json_object_get(r.json, "items")), 0);  /* % is literal */
    http_resp_clear(&r);
    assert_int_equal(api_req(S.h, "GET", D "/reports?q=%E5%81%9C%E8%BD%A6", S.u.member3, NULL, 200,
                            &r), 200);
    assert_int_equal(json_array_size(json_object_get(r.json, "items")), 1);   /* own only */
    http_resp_clear(&r);
    assert_int_equal(api_req(S.h, "GET", D "/reports?limit=1", S.u.office, NULL, 200, &r), 200);
    assert_true(json_is_string(json_object_get(r.json, "next_cursor")));
    http_resp_clear(&r);
    assert_int_equal(api_status(S.h, "GET", D "/reports", S.u.office2, NULL), 403);
    assert_int_equal(api_status(S.h, "GET", D "/reports", S.u.unit1, NULL), 403);
    assert_int_equal(harness_sql_ll(S.h, "SELECT count(*) FROM pg_indexes WHERE indexname ="
                                         " 'reports_trgm' AND indexdef LIKE '%gin_trgm_ops%'",
                                    0, NULL), 1);
}

static void test_stats(void **state)
{
    char path[128];
    http_resp_t r;
    api_csv_t *c = calloc(1, sizeof *c);
    (void) state;
    assert_true(S.ready && S.r2[0] && S.r1_year && c);
    int both = S.r2_year == S.r1_year;      /* r2 (member 3, no room) in r1's year too */
    snprintf(path, sizeof path, D "/reports/stats?by=member&period=%d", S.r1_year);
    assert_int_equal(api_req(S.h, "GET", path, S.u.leader, NULL, 200, &r), 200);
    json_t *items = json_object_get(r.json, "items"), *it;
    size_t i;
    int seen1 = 0;
    json_array_foreach(items, i, it) {
        if (strcmp(api_str(it, "key"), "1") == 0) {
            seen1 = 1;
            assert_int_equal(json_integer_value(json_object_get(it, "rank")), 1);
            assert_string_equal(api_str(it, "name"), "陈建国");
            assert_int_equal(json_integer_value(json_object_get(it, "submitted")), 1);
            assert_int_equal(json_integer_value(json_object_get(it, "accepted")), 1);
            assert_int_equal(json_integer_value(json_object_get(it, "adopted")), 1);
            assert_int_equal(json_integer_value(json_object_get(it, "instructions")), 2);
        }
    }
    assert_true(seen1);
    assert_int_equal(json_array_size(items), both ? 3 : 2);             /* members 1, 2 (, 3) */
    http_resp_clear(&r);
    snprintf(path, sizeof path, D "/reports/stats?by=category&period=%d", S.r1_year);
    assert_int_equal(api_req(S.h, "GET", path, S.u.office, NULL, 200, &r), 200);
    assert_int_equal(json_array_size(json_object_get(r.json, "items")), 1);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(json_object_get(r.json,
                     "items"), 0), "submitted")), both ? 2 : 1);
    http_resp_clear(&r);
    assert_int_equal(api_status(S.h, "GET", D "/reports/stats?period=2026-Q5", S.u.office, NULL), 400);
    assert_int_equal(api_status(S.h, "GET", D "/reports/stats?by=planet", S.u.office, NULL), 400);
    assert_int_equal(api_status(S.h, "GET", D "/reports/stats", S.u.member1, NULL), 403);
    assert_int_equal(api_req(S.h, "GET", D "/reports/stats?by=1999&period=2026", S.u.office, NULL,
                            400, &r), 400);
    http_resp_clear(&r);
    snprintf(path, sizeof path, D "/reports/stats.csv?by=workroom&period=%d", S.r1_year);
    assert_int_equal(api_req(S.h, "GET", path, S.u.office, NULL, 200, &r), 200);
    assert_int_equal(api_csv_parse(r.raw, r.raw_len, c), 0);
    assert_true(c->bom && c->crlf_only);
    assert_int_equal(c->nrows, both ? 3 : 2);       /* header, room 1 (, no room) */
    assert_string_equal(c->field[0][0], "排名");
    assert_string_equal(c->field[0][5], "采用");
    assert_string_equal(c->field[1][1], "永中街道委员工作室");
    assert_string_equal(c->field[1][5], "1");
    api_csv_free(c);
    free(c);
    http_resp_clear(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_draft),
        cmocka_unit_test(test_transitions),
        cmocka_unit_test(test_merge),
        cmocka_unit_test(test_search),
        cmocka_unit_test(test_stats),
    };
    return cmocka_run_group_tests(tests, s_setup, s_teardown);
}
