/* test_consult_checkin: check-in at a consultation by the signed QR link
 * (common/checkin, scope "<district>/consultation") on the real stack, on
 * the stack's clock set to a working day: the office's link of a scheduled
 * consultation (refused for one not scheduled, and to a member); refused
 * check-ins: before the window, a forged token, the token of another
 * consultation, a member who is not a participant, after the end; the good
 * one marks the member present, publishes consultation.attended (with its
 * audit row) and shows in the member's file in lianxin-assess. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "api_util.h"
#include "calendar.h"
#include "fixtures.h"
#include "harness.h"
#include "timeutil.h"

#define D "/v1/districts/330303"
#define MIN_US (60LL * 1000000)

static struct {
    harness_t *h;
    fixture_users_t u;
    calendar_day_t day;
    char date[11], a[24], b[24], token[128];
    int ready;
} S;

/* The stack's clock at 09:00 of a working day ahead. */
static int s_setup(void **state)
{
    (void) state;
    memset(&S, 0, sizeof S);
    if (!(S.h = harness_new("consult_checkin")) || harness_start_all(S.h) != 0)
        return 0;
    if (fixture_workday_from(S.h, fixture_today() + 1, &S.day) != 0
        || harness_clock_set(S.h, calendar_day_start_us(S.day) + 9 * 60 * MIN_US) != 0)
        return 0;
    fixture_date(S.day, S.date);
    S.ready = fixture_login(S.h, &S.u, "office member1 member2") == 0;
    return 0;
}

static int s_teardown(void **state)
{
    (void) state;
    fixture_logout(&S.u);
    harness_destroy(&S.h);
    return 0;
}

/* POST `path` as `token` with `body`; the answer's `key` into out (may be NULL). */
static void s_post(const char *path, const char *token, const char *body, long want,
                   const char *key, char *out, size_t outsz)
{
    assert_true(api_post_key(S.h, path, token, body, want, key, out, outsz));
}

/* member `who` posts `token` to consultation `id`'s check-in: the status,
 * and for a refusal the error's code and field. */
static void s_checkin(const char *id, const char *who, const char *token, long want,
                      const char *code, const char *field)
{
    char path[128], body[256];
    snprintf(path, sizeof path, D "/consultations/%s/checkin", id);
    snprintf(body, sizeof body, "{\"token\":\"%s\"}", token);
    assert_true(api_refused(S.h, "POST", path, who, body, want, code, field));
}

/* A count of `sql`, $1 the consultation (when the statement names it). */
static long long s_count(const char *sql)
{
    const char *p[1] = {S.a};
    return harness_sql_ll(S.h, sql, strstr(sql, "$1") ? 1 : 0, p);
}

static void test_code_of_a_scheduled_consultation(void **state)
{
    char venue[24], body[512], path[128];
    http_resp_t r;
    (void) state;
    assert_true(S.ready);
    s_post(D "/venues", S.u.office, "{\"name\":\"签到测试会议室\",\"capacity\":20}", 201, "id",
           venue, sizeof venue);
    s_post(D "/consultations", S.u.office, "{\"title\":\"社区停车协商\",\"form\":\"dialogue\"}",
           201, "id", S.a, sizeof S.a);
    s_post(D "/consultations", S.u.office, "{\"title\":\"另一场协商\",\"form\":\"dialogue\"}", 201,
           "id", S.b, sizeof S.b);
    snprintf(path, sizeof path, D "/consultations/%s/add-participant", S.a);
    s_post(path, S.u.office, "{\"participant\":{\"role\":\"member\",\"member_id\":\"1\"}}", 200,
           NULL, NULL, 0);
    snprintf(path, sizeof path, D "/consultations/%s/schedule", S.a);
    snprintf(body, sizeof body, "{\"venue_id\":\"%s\",\"starts_at\":\"%sT14:00:00+08:00\","
             "\"ends_at\":\"%sT16:00:00+08:00\"}", venue, S.date, S.date);
    s_post(path, S.u.office, body, 200, NULL, NULL, 0);
    /* not scheduled: no link; a member may not ask for one */
    snprintf(path, sizeof path, D "/consultations/%s/checkin-code", S.b);
    assert_int_equal(api_req(S.h, "POST", path, S.u.office, NULL, 409, &r), 409);
    assert_non_null(http_error_field(&r, "starts_at"));
    http_resp_clear(&r);
    snprintf(path, sizeof path, D "/consultations/%s/checkin-code", S.a);
    assert_int_equal(api_status(S.h, "POST", path, S.u.member1, NULL), 403);
    assert_int_equal(api_req(S.h, "POST", path, S.u.office, NULL, 200, &r), 200);
    snprintf(S.token, sizeof S.token, "%s", api_str(r.json, "token"));
    assert_true(strlen(S.token) > 10);
    assert_string_equal(api_str(r.json, "consultation_id"), S.a);
    assert_true(strncmp(api_str(r.json, "svg"), "<svg", 4) == 0);
    assert_non_null(strstr(api_str(r.json, "url"), S.token));
    assert_non_null(strstr(api_str(r.json, "expires_at"), S.date));
    http_resp_clear(&r);
    assert_int_equal(s_count("SELECT count(*) FROM audit.trail WHERE object_type = 'consultation'"
                             " AND object_id = $1 AND action = 'consultation.checkin_code'"), 1);
}

static void test_checkins_refused_and_admitted(void **state)
{
    char forged[128];
    (void) state;
    assert_true(S.ready && *S.token);
    /* 09:00: check-in opens an hour before 14:00 */
    s_checkin(S.a, S.u.member1, S.token, 409, "checkin_refused", "token");
    snprintf(forged, sizeof forged, "%s", S.token);
    forged[strlen(forged) - 1] = forged[strlen(forged) - 1] == '0' ? '1' : '0';
    assert_int_equal(harness_clock_advance(S.h, 270 * MIN_US), 0);      /* 13:30 */
    s_checkin(S.a, S.u.member1, forged, 403, "checkin_refused", "token");
    s_checkin(S.a, S.u.member1, "", 400, NULL, "token");
    s_checkin(S.b, S.u.member1, S.token, 409, "checkin_refused", "token");
    s_checkin(S.a, S.u.member2, S.token, 422, NULL, "member_id");
    s_checkin(S.a, S.u.office, S.token, 403, NULL, NULL);
    assert_int_equal(s_count("SELECT count(*) FROM bus.events WHERE type ="
                             " 'consultation.attended'"), 0);
    /* the good one */
    s_checkin(S.a, S.u.member1, S.token, 200, NULL, NULL);
    assert_int_equal(s_count("SELECT count(*) FROM consult.participants WHERE consultation_id ="
                             " $1::bigint AND member_id = 1 AND attendance = 'present'"), 1);
    assert_int_equal(s_count("SELECT count(*) FROM bus.events WHERE type ="
                             " 'consultation.attended'"), 1);
    /* two audit rows, as attend: the attendance (ConsultationAttendance) and the step's */
    assert_int_equal(s_count("SELECT count(*) FROM audit.trail WHERE object_type = 'consultation'"
                             " AND object_id = $1 AND action = 'consultation.checkin'"), 2);
    /* 16:30: the link has expired with the consultation's end */
    assert_int_equal(harness_clock_advance(S.h, 180 * MIN_US), 0);
    s_checkin(S.a, S.u.member1, S.token, 403, "checkin_refused", "token");
}

/* The check-in counts in the member's file (lianxin-assess). */
static void test_in_the_member_file(void **state)
{
    char path[96], link[128];
    http_resp_t r;
    int found = 0;
    (void) state;
    assert_true(S.ready);
    snprintf(link, sizeof link, D "/consultations/%s", S.a);
    snprintf(path, sizeof path, D "/assess/my-file?year=%.4s", S.date);
    for (int tries = 0; tries < 50 && !found; tries++) {
        assert_int_equal(api_req(S.h, "GET", path, S.u.member1, NULL, 200, &r), 200);
        json_t *a;
        size_t i;
        json_array_foreach(json_object_get(r.json, "acts"), i, a)
            if (strcmp(api_str(a, "link"), link) == 0) {
                assert_string_equal(api_str(a, "kind"), "consultation");
                assert_string_equal(api_str(a, "status"), "present");
                assert_string_equal(api_str(a, "date"), S.date);
                found = 1;
            }
        http_resp_clear(&r);
        if (!found)
            harness_sleep_ms(300);
    }
    assert_true(found);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_code_of_a_scheduled_consultation),
        cmocka_unit_test(test_checkins_refused_and_admitted),
        cmocka_unit_test(test_in_the_member_file),
    };
    return cmocka_run_group_tests(tests, s_setup, s_teardown);
}
