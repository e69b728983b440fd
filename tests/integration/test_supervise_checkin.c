/* test_supervise_checkin: check-in at a supervision activity by the signed
 * QR link (common/checkin_gate, scope "<district>/activity") on the real
 * stack, on the stack's clock set to a working day, as at a consultation:
 * a scheduled activity (its times; refused when incomplete or backwards);
 * the office's link (refused for an activity without times, and to a
 * member); refused check-ins: before the window, a forged token, another
 * activity's token, a member not in the group, the office, after the end;
 * the good one marks the member present and publishes supervision.attended
 * with its audit row; the office's correction of another member's
 * attendance; both acts in the members' files in lianxin-assess, with the
 * link to the activity, which the member may read. */
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

#define D "/v1/districts/330303"
#define SUP D "/supervision"
#define MIN_US (60LL * 1000000)

static struct {
    harness_t *h;
    fixture_users_t u;
    calendar_day_t day;
    char date[11], group[24], a[24], b[24], c[24], token[128];
    int ready;
} S;

/* The stack's clock at 09:00 of a working day ahead. */
static int s_setup(void **state)
{
    (void) state;
    memset(&S, 0, sizeof S);
    if (!(S.h = harness_new("supervise_checkin")) || harness_start_all(S.h) != 0)
        return 0;
    if (fixture_workday_from(S.h, fixture_today() + 1, &S.day) != 0
        || harness_clock_set(S.h, calendar_day_start_us(S.day) + 9 * 60 * MIN_US) != 0)
        return 0;
    fixture_date(S.day, S.date);
    S.ready = fixture_login(S.h, &S.u, "office member1 member2 member3") == 0;
    return 0;
}

static int s_teardown(void **state)
{
    (void) state;
    fixture_logout(&S.u);
    harness_destroy(&S.h);
    return 0;
}

static void s_post(const char *path, const char *token, const char *body, long want,
                   const char *key, char *out, size_t outsz)
{
    assert_true(api_post_key(S.h, path, token, body, want, key, out, outsz));
}

static void s_refused(const char *path, const char *token, const char *body, long want,
                      const char *code, const char *field)
{
    assert_true(api_refused(S.h, "POST", path, token, body, want, code, field));
}

/* member `who` posts `token` to activity `id`'s check-in. */
static void s_checkin(const char *id, const char *who, const char *token, long want,
                      const char *code, const char *field)
{
    char path[128], body[256];
    snprintf(path, sizeof path, SUP "/activities/%s/checkin", id);
    snprintf(body, sizeof body, "{\"token\":\"%s\"}", token);
    s_refused(path, who, body, want, code, field);
}

static long long s_count(const char *sql)
{
    const char *p[1] = {S.a};
    return harness_sql_ll(S.h, sql, strstr(sql, "$1") ? 1 : 0, p);
}

/* A scheduled inspection of the group from `from` to `to` (HH:MM of S.day;
 * `to` "" leaves the end out): 201 with its id, or the refusal's field. */
static void s_scheduled(const char *title, const char *from, const char *to, long want,
                        char *id, const char *field)
{
    char path[96], body[512], ends[64] = "";
    snprintf(path, sizeof path, SUP "/groups/%s/activities", S.group);
    if (*to)
        snprintf(ends, sizeof ends, ",\"ends_at\":\"%sT%s:00+08:00\"", S.date, to);
    snprintf(body, sizeof body, "{\"kind\":\"inspection\",\"title\":\"%s\",\"starts_at\":"
             "\"%sT%s:00+08:00\"%s}", title, S.date, from, ends);
    if (want == 201)
        s_post(path, S.u.office, body, 201, "id", id, 24);
    else
        s_refused(path, S.u.office, body, want, NULL, field);
}

static void test_code_of_a_scheduled_activity(void **state)
{
    char path[128], body[512];
    http_resp_t r;
    int y;
    (void) state;
    assert_true(S.ready);
    calendar_day_to_ymd(S.day, &y, NULL, NULL);
    snprintf(body, sizeof body, "{\"year\":%d,\"name\":\"第三派驻监督小组\",\"unit_id\":\"1\","
             "\"member_ids\":[\"1\",\"2\"],\"leader_id\":\"1\"}", y);
    s_post(SUP "/groups", S.u.office, body, 201, "id", S.group, sizeof S.group);
    /* the times: both, in order */
    s_scheduled("x", "14:00", "", 400, NULL, "ends_at");
    s_scheduled("x", "14:00", "13:00", 400, NULL, "ends_at");
    s_scheduled("实地察看学校食堂", "14:00", "16:00", 201, S.a, NULL);
    s_scheduled("暗访农贸市场", "14:30", "15:30", 201, S.b, NULL);
    /* an activity recorded afterwards, without times: no link */
    snprintf(path, sizeof path, SUP "/groups/%s/activities", S.group);
    snprintf(body, sizeof body, "{\"kind\":\"hearing\",\"date\":\"%s\",\"title\":\"听证会\","
             "\"attendance\":[{\"member_id\":\"1\",\"status\":\"present\"}]}", S.date);
    s_post(path, S.u.office, body, 201, "id", S.c, sizeof S.c);
    snprintf(path, sizeof path, SUP "/activities/%s/checkin-code", S.c);
    s_refused(path, S.u.office, NULL, 409, NULL, "starts_at");
    snprintf(path, sizeof path, SUP "/activities/%s/checkin-code", S.a);
    assert_int_equal(api_status(S.h, "POST", path, S.u.member1, NULL), 403);
    assert_int_equal(api_status(S.h, "POST", SUP "/activities/999999/checkin-code", S.u.office,
                                NULL), 404);
    assert_int_equal(api_req(S.h, "POST", path, S.u.office, NULL, 200, &r), 200);
    snprintf(S.token, sizeof S.token, "%s", api_str(r.json, "token"));
    assert_true(strlen(S.token) > 10);
    assert_string_equal(api_str(r.json, "activity_id"), S.a);
    assert_true(strncmp(api_str(r.json, "svg"), "<svg", 4) == 0);
    assert_non_null(strstr(api_str(r.json, "url"), "/#/activity-checkin/"));
    assert_non_null(strstr(api_str(r.json, "url"), S.token));
    assert_non_null(strstr(api_str(r.json, "expires_at"), S.date));
    http_resp_clear(&r);
    assert_int_equal(s_count("SELECT count(*) FROM audit.trail WHERE object_type = 'activity'"
                             " AND object_id = $1 AND action = 'activity.checkin_code'"), 1);
}

static void test_checkins_refused_and_admitted(void **state)
{
    char forged[128];
    (void) state;
    assert_true(S.ready && *S.token);
    long long before = s_count("SELECT count(*) FROM bus.events WHERE type ="
                               " 'supervision.attended'");
    /* 09:00: check-in opens an hour before 14:00 */
    s_checkin(S.a, S.u.member1, S.token, 409, "checkin_refused", "token");
    snprintf(forged, sizeof forged, "%s", S.token);
    forged[strlen(forged) - 1] = forged[strlen(forged) - 1] == '0' ? '1' : '0';
    assert_int_equal(harness_clock_advance(S.h, 270 * MIN_US), 0);      /* 13:30 */
    s_checkin(S.a, S.u.member1, forged, 403, "checkin_refused", "token");
    s_checkin(S.a, S.u.member1, "", 400, NULL, "token");
    s_checkin(S.b, S.u.member1, S.token, 409, "checkin_refused", "token");
    s_checkin(S.a, S.u.member3, S.token, 422, NULL, "member_id");       /* not in the group */
    s_checkin(S.a, S.u.office, S.token, 403, NULL, NULL);
    assert_int_equal(s_count("SELECT count(*) FROM bus.events WHERE type ="
                             " 'supervision.attended'"), before);
    /* the good one */
    s_checkin(S.a, S.u.member1, S.token, 200, NULL, NULL);
    assert_int_equal(s_count("SELECT count(*) FROM supervise.attendance WHERE activity_id ="
                             " $1::bigint AND member_id = 1 AND status = 'present' AND"
                             " checked_in_at IS NOT NULL"), 1);
    assert_int_equal(s_count("SELECT count(*) FROM bus.events WHERE type ="
                             " 'supervision.attended'"), before + 1);
    assert_int_equal(s_count("SELECT count(*) FROM audit.trail WHERE object_type = 'activity'"
                             " AND object_id = $1 AND action = 'activity.checkin'"), 1);
    /* 16:30: the link has expired with the activity's end */
    assert_int_equal(harness_clock_advance(S.h, 180 * MIN_US), 0);
    s_checkin(S.a, S.u.member1, S.token, 403, "checkin_refused", "token");
}

/* The office corrects member 2's attendance (on leave); refusals. */
static void test_office_correction(void **state)
{
    char path[128];
    (void) state;
    assert_true(S.ready);
    snprintf(path, sizeof path, SUP "/activities/%s/attend", S.a);
    s_refused(path, S.u.office, "{\"member_id\":\"2\",\"status\":\"late\"}", 400, NULL, "status");
    s_refused(path, S.u.office, "{\"status\":\"leave\"}", 400, NULL, "member_id");
    s_refused(path, S.u.office, "{\"member_id\":\"3\",\"status\":\"leave\"}", 422, NULL,
              "member_id");
    s_refused(path, S.u.member1, "{\"member_id\":\"2\",\"status\":\"leave\"}", 403, NULL, NULL);
    s_refused("/v1/districts/330304/supervision/activities/1/attend", S.u.office,
              "{\"member_id\":\"2\",\"status\":\"leave\"}", 403, NULL, NULL);
    s_post(path, S.u.office, "{\"member_id\":\"2\",\"status\":\"leave\"}", 200, NULL, NULL, 0);
    assert_int_equal(s_count("SELECT count(*) FROM supervise.attendance WHERE activity_id ="
                             " $1::bigint AND member_id = 2 AND status = 'leave' AND"
                             " checked_in_at IS NULL"), 1);
    assert_int_equal(s_count("SELECT count(*) FROM audit.trail WHERE object_type = 'activity'"
                             " AND object_id = $1 AND action = 'activity.attend'"), 1);
}

/* Member `token`'s file for the year: the act linked to activity A, with
 * `status` (polling: assess applies the event). */
static int s_in_file(const char *token, const char *status)
{
    char path[96], link[128];
    http_resp_t r;
    int found = 0;
    snprintf(link, sizeof link, SUP "/activities/%s", S.a);
    snprintf(path, sizeof path, D "/assess/my-file?year=%.4s", S.date);
    for (int tries = 0; tries < 50 && !found; tries++) {
        assert_int_equal(api_req(S.h, "GET", path, token, NULL, 200, &r), 200);
        json_t *a;
        size_t i;
        json_array_foreach(json_object_get(r.json, "acts"), i, a)
            if (strcmp(api_str(a, "link"), link) == 0 && strcmp(api_str(a, "status"), status) == 0
                && strcmp(api_str(a, "kind"), "supervision") == 0
                && strcmp(api_str(a, "date"), S.date) == 0)
                found = 1;
        http_resp_clear(&r);
        if (!found)
            harness_sleep_ms(300);
    }
    return found;
}

static void test_in_the_member_files(void **state)
{
    char path[128];
    http_resp_t r;
    (void) state;
    assert_true(S.ready);
    assert_true(s_in_file(S.u.member1, "present"));
    assert_true(s_in_file(S.u.member2, "leave"));
    /* the link: the activity with its attendance, for its group's members */
    snprintf(path, sizeof path, SUP "/activities/%s", S.a);
    assert_int_equal(api_req(S.h, "GET", path, S.u.member1, NULL, 200, &r), 200);
    assert_string_equal(api_str(r.json, "title"), "实地察看学校食堂");
    assert_int_equal(json_array_size(json_object_get(r.json, "attendance")), 2);
    http_resp_clear(&r);
    assert_int_equal(api_status(S.h, "GET", path, S.u.member3, NULL), 404);
    assert_int_equal(api_status(S.h, "GET", path, S.u.office, NULL), 200);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_code_of_a_scheduled_activity),
        cmocka_unit_test(test_checkins_refused_and_admitted),
        cmocka_unit_test(test_office_correction),
        cmocka_unit_test(test_in_the_member_files),
    };
    return cmocka_run_group_tests(tests, s_setup, s_teardown);
}
