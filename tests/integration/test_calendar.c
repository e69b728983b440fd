/* test_calendar: the working-day calendar kept in PostgreSQL, on the real
 * stack: GET and PUT /v1/calendar/{year} (roles, field errors, versions,
 * the audit row in the actor's district chain), intake computing with the
 * new calendar at once (rota generation of a far month), a change made in
 * SQL picked up within calendar.check_ms, and the calendar.missing notice:
 * one office inbox item per district and missing year, also after a
 * redelivery, with /healthz and /metrics saying so. Dates come from
 * time_now_us() or a far year derived from it (at least five years on, its
 * 1 January a Wednesday and no 29 February), so it passes on any day. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "harness.h"
#include "calendar.h"
#include "fixtures.h"
#include "api_util.h"
#include "timeutil.h"

#define D "/v1/districts/330303"

static struct {
    harness_t *h;
    fixture_users_t u;              /* the demo users' sessions */
    int year, month;                /* today in UTC+8 */
    int far;                        /* the far year the PUTs write */
    int ready;
} S;

/* The first year at least five years after `year` whose 1 January is a
 * Wednesday (so 4 January is a Saturday, 6 January a Monday) and which has
 * no 29 February: the shape the literal bodies below assume. */
static int s_far_year(int year)
{
    for (int y = year + 5;; y++) {
        calendar_day_t d;
        int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
        if (!leap && calendar_day_from_ymd(y, 1, 1, &d) == 0 && calendar_day_weekday(d) == 3)
            return y;
    }
}

/* `tmpl` with YYYY replaced by the far year and PPPP by the year before it;
 * one of eight rotating buffers, so a few can be alive at once. */
static const char *Y(const char *tmpl)
{
    static char buf[8][20480];          /* the 367-day body is about 17 KiB */
    static int next;
    char *out = buf[next++ % 8], *o = out;
    for (const char *t = tmpl; *t && o < out + sizeof buf[0] - 5; t++) {
        if (strncmp(t, "YYYY", 4) == 0 || strncmp(t, "PPPP", 4) == 0) {
            o += sprintf(o, "%04d", *t == 'Y' ? S.far : S.far - 1);
            t += 3;
        } else {
            *o++ = *t;
        }
    }
    *o = '\0';
    return out;
}

static int s_setup(void **state)
{
    (void) state;
    memset(&S, 0, sizeof S);
    if (!(S.h = harness_new("calendar")) || harness_set(S.h, "intake.calendar_watch", "1") != 0
        || harness_set(S.h, "intake.timer_ms", "200") != 0 || harness_start_all(S.h) != 0)
        return 0;
    time_ymd(time_now_us(), &S.year, &S.month, NULL);
    S.far = s_far_year(S.year);
    S.ready = fixture_login(S.h, &S.u, "office office2 admin member1 leader unit1") == 0;
    return 0;
}

static int s_teardown(void **state)
{
    (void) state;
    harness_destroy(&S.h);
    fixture_logout(&S.u);
    return 0;
}

static const char *const GOOD =
    "{\"days\":[{\"date\":\"YYYY-01-01\",\"kind\":\"holiday\",\"name\":\"元旦\"},"
    "{\"date\":\"YYYY-01-04\",\"kind\":\"workday\",\"name\":\"元旦调休\"}]}";

static void test_get_year(void **state)
{
    http_resp_t r;
    (void) state;
    assert_true(S.ready);
    assert_int_equal(api_req(S.h, "GET", Y("/v1/calendar/YYYY"), S.u.member1, NULL, 200, &r), 200);
    assert_int_equal(json_integer_value(json_object_get(r.json, "year")), S.far);
    assert_true(json_is_false(json_object_get(r.json, "present")));
    assert_int_equal(json_integer_value(json_object_get(r.json, "version")), 0);
    assert_int_equal(json_array_size(json_object_get(r.json, "days")), 0);
    http_resp_clear(&r);
    /* seeded by lianxin-admin migrate from deploy/calendar/2025.txt */
    assert_int_equal(api_req(S.h, "GET", "/v1/calendar/2025", S.u.leader, NULL, 200, &r), 200);
    assert_true(json_is_true(json_object_get(r.json, "present")));
    assert_string_equal(api_str(r.json, "source"), "file");
    assert_true(json_array_size(json_object_get(r.json, "days")) > 10);
    json_t *first = json_array_get(json_object_get(r.json, "days"), 0);
    assert_string_equal(api_str(first, "date"), "2025-01-01");
    assert_string_equal(api_str(first, "kind"), "holiday");
    http_resp_clear(&r);
    assert_int_equal(api_status(S.h, "GET", "/v1/calendar/1969", S.u.office, NULL), 400);
    assert_int_equal(api_status(S.h, "GET", Y("/v1/calendar/YYYY"), NULL, NULL), 401);
}

static void test_put_by_office(void **state)
{
    http_resp_t r;
    (void) state;
    assert_true(S.ready);
    assert_int_equal(api_req(S.h, "PUT", Y("/v1/calendar/YYYY"), S.u.office, Y(GOOD), 200, &r), 200);
    assert_int_equal(json_integer_value(json_object_get(r.json, "year")), S.far);
    assert_int_equal(json_integer_value(json_object_get(r.json, "version")), 1);
    assert_int_equal(json_integer_value(json_object_get(r.json, "days")), 2);
    http_resp_clear(&r);
    assert_int_equal(api_req(S.h, "GET", Y("/v1/calendar/YYYY"), S.u.unit1, NULL, 200, &r), 200);
    assert_true(json_is_true(json_object_get(r.json, "present")));
    assert_string_equal(api_str(r.json, "source"), "api");
    assert_true(strlen(api_str(r.json, "updated_at")) > 0);
    json_t *days = json_object_get(r.json, "days");
    assert_int_equal(json_array_size(days), 2);
    assert_string_equal(api_str(json_array_get(days, 0), "name"), "元旦");
    assert_string_equal(api_str(json_array_get(days, 1), "kind"), "workday");
    http_resp_clear(&r);
    /* wholesale replacement: an empty year is still present, version 2 */
    assert_int_equal(api_req(S.h, "PUT", Y("/v1/calendar/YYYY"), S.u.admin, "{\"days\":[]}", 200, &r),
                     200);
    assert_int_equal(json_integer_value(json_object_get(r.json, "version")), 2);
    http_resp_clear(&r);
    assert_int_equal(harness_sql_ll(S.h, Y("SELECT count(*) FROM core.calendar_days"
                                           " WHERE year = YYYY"), 0, NULL), 0);
    assert_int_equal(api_req(S.h, "PUT", Y("/v1/calendar/YYYY"), S.u.office, Y(GOOD), 200, &r), 200);
    assert_int_equal(json_integer_value(json_object_get(r.json, "version")), 3);
    http_resp_clear(&r);
    /* audited in the actor's home district's chain; the admin's is the installation's ("") */
    assert_int_equal(harness_sql_ll(S.h, Y("SELECT count(*) FROM audit.trail WHERE action ="
                                           " 'calendar.put' AND object_type = 'calendar' AND"
                                           " object_id = 'YYYY' AND district_code = '330303'"),
                                    0, NULL), 2);
    assert_int_equal(harness_sql_ll(S.h, Y("SELECT count(*) FROM audit.trail WHERE action ="
                                           " 'calendar.put' AND object_id = 'YYYY' AND"
                                           " district_code = ''"), 0, NULL), 1);
    char out[2048];
    assert_int_equal(harness_run(S.h, out, sizeof out, "admin", "audit-verify", NULL), 0);
}

static void test_put_forbidden(void **state)
{
    (void) state;
    assert_true(S.ready);
    assert_int_equal(api_status(S.h, "PUT", Y("/v1/calendar/YYYY"), S.u.member1, Y(GOOD)), 403);
    assert_int_equal(api_status(S.h, "PUT", Y("/v1/calendar/YYYY"), S.u.leader, Y(GOOD)), 403);
    assert_int_equal(api_status(S.h, "PUT", Y("/v1/calendar/YYYY"), S.u.unit1, Y(GOOD)), 403);
    assert_int_equal(api_status(S.h, "PUT", Y("/v1/calendar/YYYY"), NULL, Y(GOOD)), 401);
}

/* PUT `body` by the office: 400 with `field`: `code`. */
static void s_bad(const char *body, const char *field, const char *code)
{
    http_resp_t r;
    body = Y(body);
    assert_int_equal(api_req(S.h, "PUT", Y("/v1/calendar/YYYY"), S.u.office, body, 400, &r), 400);
    assert_string_equal(http_error_code(&r), "validation_failed");
    const char *got = http_error_field(&r, field);
    if (!got || strcmp(got, code) != 0)
        fail_msg("%s: want %s: %s, got %s", body, field, code, r.raw);
    http_resp_clear(&r);
}

static void test_put_bad_bodies(void **state)
{
    (void) state;
    assert_true(S.ready);
    s_bad("{}", "days", "required");
    s_bad("{\"days\":[{\"date\":\"YYYY-02-29\",\"kind\":\"holiday\"}]}", "days[0].date", "invalid");
    s_bad("{\"days\":[{\"date\":\"PPPP-12-31\",\"kind\":\"holiday\"}]}", "days[0].date",
          "out_of_range");
    s_bad("{\"days\":[{\"date\":\"YYYY-01-01\",\"kind\":\"holiday\"},"
          "{\"date\":\"YYYY-01-02\",\"kind\":\"holiday\"},"
          "{\"date\":\"YYYY-01-01\",\"kind\":\"holiday\"}]}", "days[2].date", "duplicate");
    s_bad("{\"days\":[{\"date\":\"YYYY-01-06\",\"kind\":\"workday\"}]}", "days[0].kind",
          "not_weekend");
    s_bad("{\"days\":[{\"date\":\"YYYY-01-06\",\"kind\":\"rest\"}]}", "days[0].kind", "invalid");
    s_bad("{\"days\":[{\"date\":\"YYYY-01-06\",\"kind\":\"holiday\",\"name\":"
          "\"一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三\"}]}",
          "days[0].name", "too_long");
    s_bad("{\"year\":PPPP,\"days\":[]}", "year", "mismatch");
    s_bad("{\"days\":[{\"date\":\"YYYY-01-06\",\"kind\":\"holiday\",\"colour\":\"red\"}]}",
          "days[0].colour", "unknown_field");
    /* 367 days */
    char *big = malloc(367 * 48 + 32), *p = big;
    p += sprintf(p, "{\"days\":[");
    for (int i = 0; i < 367; i++)
        p += sprintf(p, "%s{\"date\":\"%04d-01-%02d\",\"kind\":\"holiday\"}", i ? "," : "",
                     S.far, i % 28 + 1);
    sprintf(p, "]}");
    s_bad(big, "days", "too_many");
    free(big);
    /* over the route's 64 KiB */
    char *huge = malloc(70 * 1024);
    memset(huge, ' ', 70 * 1024 - 1);
    huge[0] = '{';
    huge[70 * 1024 - 3] = '}';
    huge[70 * 1024 - 1] = '\0';
    assert_int_equal(api_status(S.h, "PUT", Y("/v1/calendar/YYYY"), S.u.office, huge), 413);
    free(huge);
    /* nothing of that reached the table: still version 3 from the test before */
    assert_int_equal(harness_sql_ll(S.h, Y("SELECT version FROM core.calendar_years"
                                           " WHERE year = YYYY"), 0, NULL), 3);
}

/* The duty dates of the district's March YYYY drafts, freshly generated,
 * into dates (as year-month-day separated by blanks). */
static void s_march_duties(char *dates, size_t size)
{
    http_resp_t r;
    assert_int_equal(api_status(S.h, "POST", Y(D "/rota/generate?month=YYYY-03"), S.u.office, NULL),
                     200);
    assert_int_equal(api_req(S.h, "GET", Y(D "/rota?month=YYYY-03"), S.u.office, NULL, 200, &r), 200);
    json_t *items = json_object_get(r.json, "items");
    dates[0] = '\0';
    for (size_t i = 0; i < json_array_size(items); i++) {
        const char *d = api_str(json_array_get(items, i), "duty_date");
        if (!strstr(dates, d) && strlen(dates) + 12 < size)
            strcat(strcat(dates, d), " ");
    }
    http_resp_clear(&r);
}

static void test_intake_uses_the_new_calendar(void **state)
{
    char before[2048], after[2048], again[2048], day[11], body[256];
    (void) state;
    assert_true(S.ready);
    s_march_duties(before, sizeof before);
    assert_true(strlen(before) >= 10);
    snprintf(day, sizeof day, "%.10s", before);          /* the first duty day */
    snprintf(body, sizeof body, "{\"days\":[{\"date\":\"%s\",\"kind\":\"holiday\","
                                "\"name\":\"测试假日\"}]}", day);
    assert_int_equal(api_status(S.h, "PUT", Y("/v1/calendar/YYYY"), S.u.office, body), 200);
    s_march_duties(after, sizeof after);
    if (strstr(after, day))
        fail_msg("duty on the new holiday %s: %s", day, after);
    /* a change made in SQL is seen within calendar.check_ms (1 s) */
    harness_sql_ll(S.h, Y("DELETE FROM core.calendar_years WHERE year = YYYY"), 0, NULL);
    harness_sleep_ms(1500);
    s_march_duties(again, sizeof again);
    assert_non_null(strstr(again, day));
}

/* The office declares the next three days (those in the year of tomorrow)
 * holidays, replacing that year wholesale with its old days plus these: a
 * class-1 issue raised today is due on the first working day after them,
 * whatever day the clock says, the turn of a year included. */
static void test_grading_skips_new_holidays(void **state)
{
    http_resp_t r;
    char path[64], date[11], want[11];
    (void) state;
    assert_true(S.ready);
    calendar_day_t today = fixture_today(), first = today + 1, due;
    int y;
    calendar_day_to_ymd(first, &y, NULL, NULL);
    snprintf(path, sizeof path, "/v1/calendar/%d", y);
    assert_int_equal(api_req(S.h, "GET", path, S.u.office, NULL, 200, &r), 200);
    json_t *days = json_array();
    for (int k = 0; k < 3; k++) {
        int yk;
        calendar_day_to_ymd(first + k, &yk, NULL, NULL);
        if (yk == y)
            json_array_append_new(days, json_pack("{s:s, s:s, s:s}", "date",
                                                  fixture_date(first + k, date), "kind",
                                                  "holiday", "name", "测试假日"));
    }
    size_t added = json_array_size(days);
    json_t *old = json_object_get(r.json, "days");
    for (size_t i = 0; i < json_array_size(old); i++) {
        json_t *d = json_array_get(old, i);
        calendar_day_t od;
        if (calendar_day_parse(api_str(d, "date"), &od) == 0 && (od < first || od >= first + 3))
            json_array_append_new(days, json_pack("{s:s, s:s, s:s}", "date", api_str(d, "date"),
                                                  "kind", api_str(d, "kind"),
                                                  "name", api_str(d, "name")));
    }
    http_resp_clear(&r);
    json_t *put = json_pack("{s:o}", "days", days);
    char *body = json_dumps(put, JSON_COMPACT);
    json_decref(put);
    assert_non_null(body);
    assert_int_equal(api_status(S.h, "PUT", path, S.u.office, body), 200);
    free(body);
    /* expected by the calendar as now stored: after the new holidays */
    calendar_t *cal = fixture_calendar(S.h);
    assert_non_null(cal);
    assert_int_equal(calendar_add_workdays(cal, today, 1, &due), 0);
    calendar_destroy(&cal);
    assert_true(due >= first + (calendar_day_t) added);
    fixture_date(due, want);
    /* a visit and its class-1 issue, graded now */
    int64_t members[] = {1};
    char *visit = fixture_visit(1, members, 1, "transport", 600, 0), ipath[128];
    assert_int_equal(api_req(S.h, "POST", D "/visits", S.u.member1, visit, 201, &r), 201);
    free(visit);
    snprintf(ipath, sizeof ipath, D "/visits/%s/issues", api_str(r.json, "id"));
    http_resp_clear(&r);
    assert_int_equal(api_req(S.h, "POST", ipath, S.u.member1, "{\"summary\":\"假日前的急事\","
                            "\"importance\":5,\"difficulty\":5}", 201, &r), 201);
    assert_int_equal(json_integer_value(json_object_get(r.json, "grade")), 1);
    assert_string_equal(api_str(r.json, "due_on"), want);
    http_resp_clear(&r);
}

/* Office inbox items calendar.missing of `district` for `year`. */
static long long s_notices(const char *district, int year)
{
    char y[16];
    snprintf(y, sizeof y, "%d", year);
    const char *p[2] = {district, y};
    return harness_sql_ll(S.h, "SELECT count(*) FROM notify.inbox WHERE district_code = $1"
                               " AND kind = 'calendar.missing' AND recipient_kind ="
                               " 'role:office' AND object_id = $2", 2, p);
}

/* Polls /healthz until its warnings name `year`, at most 10 s. 1 when they do. */
static int s_health_warns(int year)
{
    char want[40];
    snprintf(want, sizeof want, "calendar_missing:%d", year);
    for (int64_t end = harness_now_ms() + harness_ms(S.h, 10000); harness_now_ms() < end;) {
        http_resp_t r;
        api_req(S.h, "GET", "/healthz", NULL, NULL, 200, &r);
        int found = r.raw && strstr(r.raw, want) != NULL;
        http_resp_clear(&r);
        if (found)
            return 1;
        harness_sleep_ms(250);
    }
    return 0;
}

static void test_missing_year_notice(void **state)
{
    char y[16], metric[80];
    http_resp_t r;
    int nov = S.month >= 11;
    (void) state;
    assert_true(S.ready);
    /* the current year is due any day; the next one from 1 November */
    snprintf(y, sizeof y, "%d", S.year);
    const char *p[1] = {y};
    harness_sql_ll(S.h, "DELETE FROM core.calendar_years WHERE year IN ($1::int, $1::int + 1)",
                   1, p);
    assert_int_equal(api_wait_sql(S.h, "SELECT count(*) FROM notify.inbox WHERE kind ="
                                      " 'calendar.missing' AND district_code = '330304'",
                                 1 + nov, harness_ms(S.h, 15000)), 1 + nov);
    assert_int_equal(s_notices("330303", S.year), 1);
    assert_int_equal(s_notices("330304", S.year), 1);
    harness_sleep_ms(1500);                             /* several more ticks */
    assert_int_equal(s_notices("330303", S.year + 1), nov);
    assert_int_equal(s_notices("330303", S.year), 1);
    /* the office reads it; the leader of the district does not */
    assert_int_equal(api_req(S.h, "GET", D "/inbox", S.u.office, NULL, 200, &r), 200);
    json_t *it = json_array_get(json_object_get(r.json, "items"), 0);
    assert_string_equal(api_str(it, "kind"), "calendar.missing");
    assert_string_equal(api_str(it, "title"), "节假日安排未录入");
    assert_non_null(strstr(api_str(it, "body"), "节假日和调休安排"));
    http_resp_clear(&r);
    assert_int_equal(api_req(S.h, "GET", D "/inbox", S.u.leader, NULL, 200, &r), 200);
    for (size_t i = 0; i < json_array_size(json_object_get(r.json, "items")); i++)
        assert_string_not_equal(api_str(json_array_get(json_object_get(r.json, "items"), i),
                                       "kind"), "calendar.missing");
    http_resp_clear(&r);
    /* redelivered from the log: still one item */
    assert_int_equal(harness_stop(S.h, "notify"), 0);
    harness_sql_ll(S.h, "UPDATE bus.cursors SET seq = 0 WHERE consumer = 'notify' AND producer = 'intake'", 0, NULL);
    assert_int_equal(harness_start(S.h, "notify"), 0);
    assert_int_equal(api_wait_sql(S.h, "SELECT min(seq) FROM bus.cursors WHERE consumer = 'notify' AND producer ="
                                      " 'intake'", 1, harness_ms(S.h, 10000)) >= 1, 1);
    assert_int_equal(s_notices("330303", S.year), 1);
    assert_int_equal(s_notices("330304", S.year), 1);
    /* /healthz warns (status still ok), /metrics says 0 */
    assert_int_equal(s_health_warns(S.year), 1);
    assert_int_equal(api_req(S.h, "GET", "/metrics", NULL, NULL, 200, &r), 200);
    snprintf(metric, sizeof metric, "lianxin_calendar_year_present{year=\"%d\"} 0", S.year);
    assert_non_null(strstr(r.raw, metric));
    http_resp_clear(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_get_year),
        cmocka_unit_test(test_put_by_office),
        cmocka_unit_test(test_put_forbidden),
        cmocka_unit_test(test_put_bad_bodies),
        cmocka_unit_test(test_intake_uses_the_new_calendar),
        cmocka_unit_test(test_grading_skips_new_holidays),
        cmocka_unit_test(test_missing_year_notice),
    };
    return cmocka_run_group_tests(tests, s_setup, s_teardown);
}
