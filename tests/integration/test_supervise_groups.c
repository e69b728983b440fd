/* test_supervise_groups: democratic supervision on the real stack: a topic
 * through the closed chain 征题 → 选题 → 破题 → 解题 → 结题 (one stage at a
 * time: 409 otherwise; the result goes back to the members who raised it
 * in supervision.topic_concluded), a dispatched group attached to a unit, an
 * inspection with attendance (one supervision.attended per member), a
 * recommendation letter (a tracked item for the plan it owes) and the
 * unit's rectification plan whose milestones become tracked items on the
 * ladder; role, district and reference refusals. Dates from the stack's
 * clock. */
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

#define SUP "/v1/districts/330303/supervision"

static struct {
    harness_t *h;
    fixture_users_t u;
    char topic[24], group[24], letter[24];
    int ready;
} S;

static int s_setup(void **state)
{
    (void) state;
    memset(&S, 0, sizeof S);
    if (!(S.h = harness_new("supervise_groups")) || harness_start_all(S.h) != 0)
        return 0;
    S.ready = fixture_login(S.h, &S.u, "office office2 unit1 unit2 member1") == 0;
    return 0;
}

static int s_teardown(void **state)
{
    (void) state;
    fixture_logout(&S.u);
    harness_destroy(&S.h);
    return 0;
}

static long long s_sql1(const char *sql, const char *p1)
{
    const char *p[1] = {p1};
    return harness_sql_ll(S.h, sql, 1, p);
}

static void s_topic_step(const char *event, const char *token, const char *body, long want)
{
    char path[128];
    snprintf(path, sizeof path, SUP "/topics/%s/%s", S.topic, event);
    assert_int_equal(api_status(S.h, "POST", path, token, body), want);
}

static void test_topic_chain(void **state)
{
    (void) state;
    http_resp_t r;
    char body[256];
    int y;
    calendar_day_to_ymd(fixture_today(), &y, NULL, NULL);
    assert_true(S.ready);
    snprintf(body, sizeof body, "{\"year\":%d,\"title\":\"老旧小区改造质量监督\","
             "\"raised_by\":[\"1\",\"2\"],\"unit_ids\":[\"1\"]}", y);
    assert_int_equal(api_req(S.h, "POST", SUP "/topics", S.u.office, body, 201, &r), 201);
    snprintf(S.topic, sizeof S.topic, "%s", api_str(r.json, "id"));
    http_resp_clear(&r);
    assert_int_equal(api_status(S.h, "POST", SUP "/topics", S.u.unit1, body), 403);
    assert_int_equal(api_status(S.h, "POST", "/v1/districts/330304/supervision/topics",
                                S.u.office, body), 403);
    snprintf(body, sizeof body, "{\"year\":%d,\"title\":\"x\",\"raised_by\":[\"99999\"]}", y);
    assert_int_equal(api_status(S.h, "POST", SUP "/topics", S.u.office, body), 422);
    assert_int_equal(api_status(S.h, "POST", SUP "/topics", S.u.office, "{\"year\":1999,"
                                "\"title\":\" \"}"), 400);
    s_topic_step("conclude", S.u.office, "{\"result\":\"x\"}", 409);     /* one at a time */
    s_topic_step("select", S.u.office, NULL, 200);
    s_topic_step("analyse", S.u.office, NULL, 200);
    s_topic_step("select", S.u.office, NULL, 409);
    s_topic_step("solve", S.u.office, NULL, 200);
    s_topic_step("conclude", S.u.office, "{}", 400);                      /* the result */
    s_topic_step("conclude", S.u.unit1, "{\"result\":\"x\"}", 403);
    s_topic_step("conclude", S.u.office, "{\"result\":\"12个小区整改完成\"}", 200);
    assert_int_equal(s_sql1("SELECT count(*) FROM supervise.topics WHERE id = $1::bigint AND"
                            " stage = 'concluded'", S.topic), 1);
    assert_int_equal(s_sql1("SELECT count(*) FROM bus.events WHERE producer = 'supervise' AND"
                            " type = 'supervision.topic_concluded' AND $1 <> ''", S.topic), 1);
    assert_int_equal(s_sql1("SELECT count(*) FROM audit.trail WHERE object_type = 'topic' AND"
                            " object_id = $1", S.topic), 5);
    /* the result goes back to the members who raised it (notify's rule), once each */
    const char *p[1] = {S.topic};
    assert_int_equal(api_wait_sqlp(S.h, "SELECT count(*) FROM notify.inbox WHERE kind ="
                                   " 'supervision.topic_concluded' AND object_id::text = $1"
                                   " AND recipient_kind = 'member' AND recipient_id IN (1, 2)"
                                   " AND body LIKE '%12个小区整改完成%'", 2, 20000, 1, p), 2);
}

static void test_group_and_activity(void **state)
{
    (void) state;
    http_resp_t r;
    char body[512], path[128], today[11], later[11];
    int y;
    calendar_day_to_ymd(fixture_today(), &y, NULL, NULL);
    snprintf(body, sizeof body, "{\"year\":%d,\"name\":\"第一派驻监督小组\",\"unit_id\":\"2\","
             "\"topic_id\":\"%s\",\"member_ids\":[\"1\",\"2\",\"3\"],\"leader_id\":\"1\"}", y,
             S.topic);
    assert_int_equal(api_req(S.h, "POST", SUP "/groups", S.u.office, body, 201, &r), 201);
    snprintf(S.group, sizeof S.group, "%s", api_str(r.json, "id"));
    http_resp_clear(&r);
    snprintf(body, sizeof body, "{\"year\":%d,\"name\":\"x\",\"unit_id\":\"2\","
             "\"member_ids\":[\"1\"],\"leader_id\":\"5\"}", y);
    assert_int_equal(api_status(S.h, "POST", SUP "/groups", S.u.office, body), 400);
    snprintf(body, sizeof body, "{\"year\":%d,\"name\":\"x\",\"unit_id\":\"999\","
             "\"member_ids\":[\"1\"]}", y);
    assert_int_equal(api_status(S.h, "POST", SUP "/groups", S.u.office, body), 422);
    /* an inspection today: one supervision.attended per member */
    snprintf(path, sizeof path, SUP "/groups/%s/activities", S.group);
    fixture_date(fixture_today(), today);
    fixture_date(fixture_today() + 3, later);
    snprintf(body, sizeof body, "{\"kind\":\"inspection\",\"date\":\"%s\",\"title\":\"实地察看"
             "加装电梯工地\",\"attendance\":[{\"member_id\":\"1\",\"status\":\"present\"},"
             "{\"member_id\":\"2\",\"status\":\"leave\"},{\"member_id\":\"3\",\"status\":"
             "\"absent\"}]}", today);
    assert_int_equal(api_status(S.h, "POST", path, S.u.office, body), 201);
    assert_int_equal(harness_sql_ll(S.h, "SELECT count(*) FROM bus.events WHERE producer ="
                                    " 'supervise' AND type = 'supervision.attended'", 0, NULL),
                     3);
    snprintf(body, sizeof body, "{\"kind\":\"inspection\",\"date\":\"%s\",\"title\":\"x\","
             "\"attendance\":[{\"member_id\":\"4\",\"status\":\"present\"}]}", today);
    assert_int_equal(api_status(S.h, "POST", path, S.u.office, body), 422);   /* not in it */
    snprintf(body, sizeof body, "{\"kind\":\"inspection\",\"date\":\"%s\",\"title\":\"x\","
             "\"attendance\":[{\"member_id\":\"1\",\"status\":\"present\"}]}", later);
    assert_int_equal(api_status(S.h, "POST", path, S.u.office, body), 400);   /* the future */
    snprintf(body, sizeof body, "{\"kind\":\"party\",\"date\":\"%s\",\"title\":\"x\","
             "\"attendance\":[{\"member_id\":\"1\",\"status\":\"maybe\"}]}", today);
    assert_int_equal(api_req(S.h, "POST", path, S.u.office, body, 400, &r), 400);
    assert_non_null(http_error_field(&r, "kind"));
    assert_non_null(http_error_field(&r, "attendance[0].status"));
    http_resp_clear(&r);
    snprintf(body, sizeof body, "{\"kind\":\"hearing\",\"date\":\"%s\",\"title\":\"x\","
             "\"attendance\":[{\"member_id\":\"1\",\"status\":\"present\"}]}", today);
    assert_int_equal(api_status(S.h, "POST", SUP "/groups/999999/activities", S.u.office, body),
                     404);
}

static void test_letter_and_plan(void **state)
{
    (void) state;
    http_resp_t r;
    char body[512], path[128], due[11], m1[11], m2[11];
    fixture_date(fixture_today() + 20, due);
    fixture_date(fixture_today() + 40, m1);
    fixture_date(fixture_today() + 90, m2);
    snprintf(path, sizeof path, SUP "/groups/%s/letters", S.group);
    snprintf(body, sizeof body, "{\"title\":\"关于公交站台无障碍设施的监督建议\",\"text\":\"建议"
             "三个月内完成站台改造\",\"due_date\":\"%s\"}", due);
    assert_int_equal(api_req(S.h, "POST", path, S.u.office, body, 201, &r), 201);
    snprintf(S.letter, sizeof S.letter, "%s", api_str(r.json, "id"));
    http_resp_clear(&r);
    assert_int_equal(s_sql1("SELECT count(*) FROM supervise.items WHERE source = 'letter' AND"
                            " source_id = $1::bigint AND unit_id = 2 AND state = 'open'",
                            S.letter), 1);
    /* the plan: the group's unit only, once; its milestones are tracked items */
    snprintf(path, sizeof path, SUP "/letters/%s/plan", S.letter);
    snprintf(body, sizeof body, "{\"milestones\":[{\"title\":\"完成20个站台改造\",\"due_date\":"
             "\"%s\"},{\"title\":\"全部站台完成改造\",\"due_date\":\"%s\"}],\"note\":\"分两批\"}",
             m1, m2);
    assert_int_equal(api_status(S.h, "POST", path, S.u.unit1, body), 404);
    assert_int_equal(api_status(S.h, "POST", path, S.u.unit2, "{\"milestones\":[]}"), 400);
    assert_int_equal(api_req(S.h, "POST", path, S.u.unit2, body, 200, &r), 200);
    assert_int_equal(json_array_size(json_object_get(r.json, "item_ids")), 2);
    http_resp_clear(&r);
    assert_int_equal(api_status(S.h, "POST", path, S.u.unit2, body), 409);
    assert_int_equal(s_sql1("SELECT count(*) FROM supervise.items i JOIN supervise.milestones m"
                            " ON m.district_code = i.district_code AND m.id = i.source_id WHERE"
                            " i.source = 'milestone' AND m.letter_id = $1::bigint AND"
                            " i.unit_id = 2 AND i.due_on = m.due_on", S.letter), 2);
    assert_int_equal(s_sql1("SELECT count(*) FROM supervise.timers t JOIN supervise.items i ON"
                            " i.id = t.item_id JOIN supervise.milestones m ON m.id = i.source_id"
                            " WHERE i.source = 'milestone' AND m.letter_id = $1::bigint AND"
                            " t.fired_at IS NULL", S.letter), 6);
    assert_int_equal(s_sql1("SELECT count(*) FROM supervise.items WHERE source = 'letter' AND"
                            " source_id = $1::bigint AND state = 'answered'", S.letter), 1);
    assert_int_equal(api_req(S.h, "GET", SUP "/groups", S.u.office, NULL, 200, &r), 200);
    json_t *g = json_array_get(json_object_get(r.json, "items"), 0);
    assert_int_equal(json_array_size(json_object_get(g, "members")), 3);
    assert_int_equal(json_array_size(json_object_get(g, "activities")), 1);
    json_t *l = json_array_get(json_object_get(g, "letters"), 0);
    assert_true(json_is_true(json_object_get(l, "planned")));
    assert_int_equal(json_array_size(json_object_get(l, "milestones")), 2);
    http_resp_clear(&r);
    assert_int_equal(api_status(S.h, "GET", SUP "/groups", S.u.unit2, NULL), 403);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_topic_chain),
        cmocka_unit_test(test_group_and_activity),
        cmocka_unit_test(test_letter_and_plan),
    };
    return cmocka_run_group_tests(tests, s_setup, s_teardown);
}
