/* test_i3_visits: visits complete and grading over HTTP on the real stack:
 * edits keep history (who, what, when; the visitor only masked), home
 * visits and what was promised, the visitor in clear only for office and
 * admin with an audit row per read, the room's log as CSV parsed back
 * (BOM, Chinese headers, CRLF, quoting, masked visitor), and the four-class
 * grading with its events, due dates and the office's override. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "calendar.h"
#include "fixtures.h"
#include "harness.h"
#include "i3_util.h"
#include "timeutil.h"

#define D "/v1/districts/330303"

static struct {
    harness_t *h;
    char *office, *office2, *member1, *member3, *unit1, *leader, *admin;
    char visit[24], issue1[24], issue3[24];
    calendar_t *cal;
    int ready;
} S;

static int s_setup(void **state)
{
    char dir[512];
    (void) state;
    memset(&S, 0, sizeof S);
    if (!(S.h = harness_new("i3_visits")) || harness_start_all(S.h) != 0)
        return 0;
    S.office = harness_login(S.h, "office", "lianxin-demo");
    S.office2 = harness_login(S.h, "office2", "lianxin-demo");
    S.member1 = harness_login(S.h, "member1", "lianxin-demo");
    S.member3 = harness_login(S.h, "member3", "lianxin-demo");
    S.unit1 = harness_login(S.h, "unit1", "lianxin-demo");
    S.leader = harness_login(S.h, "leader", "lianxin-demo");
    S.admin = harness_login(S.h, "admin", "lianxin-demo");
    snprintf(dir, sizeof dir, "%s/deploy/calendar", getenv("LIANXIN_ROOT") ? getenv("LIANXIN_ROOT") : ".");
    S.cal = calendar_new();
    S.ready = S.office && S.office2 && S.member1 && S.member3 && S.unit1 && S.leader && S.admin
              && S.cal && calendar_load_dir(S.cal, dir) == 0;
    return 0;
}

static int s_teardown(void **state)
{
    (void) state;
    harness_destroy(&S.h);
    free(S.office); free(S.office2); free(S.member1); free(S.member3); free(S.unit1);
    free(S.leader); free(S.admin);
    calendar_destroy(&S.cal);
    return 0;
}

static void test_record_and_edit(void **state)
{
    int64_t members[] = {1, 2};
    char *body = fixture_visit(1, members, 2, "transport", 3600, 1), path[128];
    http_resp_t r;
    (void) state;
    assert_true(S.ready);
    assert_int_equal(i3_req(S.h, "POST", D "/visits", S.member1, body, 201, &r), 201);
    snprintf(S.visit, sizeof S.visit, "%s", i3_str(r.json, "id"));
    http_resp_clear(&r);
    free(body);
    snprintf(path, sizeof path, D "/visits/%s/edit", S.visit);
    assert_int_equal(i3_req(S.h, "POST", path, S.member1,
        "{\"summary\":\"小区停车难，\\\"夜间\\\"乱停车, 希望规划车位\",\"promised\":\"两周内答复\","
        "\"kind\":\"home_visit\"}", 200, &r), 200);
    assert_int_equal(json_integer_value(json_object_get(r.json, "version")), 2);
    assert_int_equal(json_array_size(json_object_get(r.json, "changed")), 3);
    http_resp_clear(&r);
    /* refused: not a member of the visit, another district, units, a bad value */
    assert_int_equal(i3_status(S.h, "POST", path, S.member3, "{\"summary\":\"x\"}"), 403);
    assert_int_equal(i3_status(S.h, "POST", path, S.office2, "{\"summary\":\"x\"}"), 403);
    assert_int_equal(i3_status(S.h, "POST", path, S.unit1, "{\"summary\":\"x\"}"), 403);
    assert_int_equal(i3_status(S.h, "POST", path, S.member1, "{\"summary\":\"\"}"), 400);
    assert_int_equal(i3_status(S.h, "POST", path, S.member1, "{\"category\":\"weather\"}"), 400);
    assert_int_equal(i3_status(S.h, "POST", path, S.member1, "{\"present\":[\"summary\"]}"), 400);
    assert_int_equal(i3_status(S.h, "POST", D "/visits/999999/edit", S.office, "{\"summary\":\"x\"}"),
                     404);
    /* the visitor changes: history keeps only the masked forms */
    assert_int_equal(i3_req(S.h, "POST", path, S.office,
        "{\"visitor\":{\"name\":\"李四\",\"phone\":\"13900001111\"}}", 200, &r), 200);
    assert_int_equal(json_integer_value(json_object_get(r.json, "version")), 3);
    http_resp_clear(&r);
    /* nothing changed: no new version */
    assert_int_equal(i3_req(S.h, "POST", path, S.office, "{\"promised\":\"两周内答复\"}", 200, &r),
                     200);
    assert_int_equal(json_integer_value(json_object_get(r.json, "version")), 3);
    http_resp_clear(&r);
}

static void test_history(void **state)
{
    char path[128];
    http_resp_t r;
    (void) state;
    assert_true(S.ready && S.visit[0]);
    snprintf(path, sizeof path, D "/visits/%s/history", S.visit);
    assert_int_equal(i3_req(S.h, "GET", path, S.leader, NULL, 200, &r), 200);
    json_t *items = json_object_get(r.json, "items");
    assert_int_equal(json_array_size(items), 2);
    json_t *first = json_array_get(items, 0), *second = json_array_get(items, 1);
    assert_int_equal(json_integer_value(json_object_get(first, "version")), 2);
    assert_string_equal(i3_str(first, "changed_by_role"), "member");
    assert_non_null(strstr(i3_str(first, "changed_at"), "+08:00"));
    json_t *ch = json_object_get(first, "changes");
    assert_string_equal(i3_str(json_object_get(ch, "kind"), "from"), "reception");
    assert_string_equal(i3_str(json_object_get(ch, "kind"), "to"), "home_visit");
    assert_string_equal(i3_str(json_object_get(ch, "promised"), "to"), "两周内答复");
    ch = json_object_get(second, "changes");
    assert_string_equal(i3_str(second, "changed_by_role"), "office");
    assert_string_equal(i3_str(json_object_get(ch, "visitor.name"), "from"), "张*");
    assert_string_equal(i3_str(json_object_get(ch, "visitor.name"), "to"), "李*");
    assert_null(strstr(r.raw, "李四"));
    assert_null(strstr(r.raw, "13900001111"));
    http_resp_clear(&r);
    assert_int_equal(harness_sql_ll(S.h, "SELECT count(*) FROM intake.visit_history h WHERE"
                                         " position('李四' IN h.changes::text) > 0", 0, NULL), 0);
    assert_int_equal(i3_status(S.h, "GET", path, S.unit1, NULL), 403);
}

static void test_reveal_audited(void **state)
{
    char path[128];
    http_resp_t r;
    (void) state;
    assert_true(S.ready && S.visit[0]);
    snprintf(path, sizeof path, D "/visits/%s/visitor", S.visit);
    long long before = harness_sql_ll(S.h, "SELECT count(*) FROM audit.trail WHERE action ="
                                           " 'visit.reveal_visitor'", 0, NULL);
    assert_int_equal(i3_req(S.h, "GET", path, S.office, NULL, 200, &r), 200);
    assert_string_equal(i3_str(r.json, "name"), "李四");
    assert_string_equal(i3_str(r.json, "phone"), "13900001111");
    http_resp_clear(&r);
    assert_int_equal(i3_req(S.h, "GET", path, S.admin, NULL, 200, &r), 200);
    http_resp_clear(&r);
    assert_int_equal(harness_sql_ll(S.h, "SELECT count(*) FROM audit.trail WHERE action ="
                                         " 'visit.reveal_visitor'", 0, NULL), before + 2);
    assert_int_equal(i3_status(S.h, "GET", path, S.member1, NULL), 403);
    assert_int_equal(i3_status(S.h, "GET", path, S.unit1, NULL), 403);   /* units never */
    assert_int_equal(i3_status(S.h, "GET", path, S.leader, NULL), 403);
    assert_int_equal(i3_status(S.h, "GET", path, S.office2, NULL), 403);
    /* the plain read stays masked */
    snprintf(path, sizeof path, D "/visits/%s", S.visit);
    assert_int_equal(i3_req(S.h, "GET", path, S.office, NULL, 200, &r), 200);
    assert_null(strstr(r.raw, "李四"));
    assert_string_equal(i3_str(json_object_get(r.json, "visitor"), "name"), "李*");
    http_resp_clear(&r);
}

static void test_grading(void **state)
{
    char path[128], due[11];
    http_resp_t r;
    calendar_day_t today = calendar_day_of_us(time_now_us()), want;
    (void) state;
    assert_true(S.ready && S.visit[0]);
    snprintf(path, sizeof path, D "/visits/%s/issues", S.visit);
    /* class 1: important and hard, to the leadership within 1 working day */
    assert_int_equal(i3_req(S.h, "POST", path, S.member1, "{\"summary\":\"夜间停车规划\","
                            "\"importance\":5,\"difficulty\":5}", 201, &r), 201);
    assert_int_equal(json_integer_value(json_object_get(r.json, "grade")), 1);
    assert_string_equal(i3_str(r.json, "route"), "leadership");
    assert_int_equal(calendar_add_workdays(S.cal, today, 1, &want), 0);
    calendar_day_format(want, due, sizeof due);
    assert_string_equal(i3_str(r.json, "due_on"), due);
    snprintf(S.issue1, sizeof S.issue1, "%s", i3_str(r.json, "id"));
    http_resp_clear(&r);
    /* class 2 needs a unit; due in 15 working days */
    assert_int_equal(i3_req(S.h, "POST", path, S.member1, "{\"summary\":\"路灯\",\"importance\":4,"
                            "\"difficulty\":2}", 400, &r), 400);
    assert_string_equal(i3_str(json_object_get(json_object_get(r.json, "error"), "fields"),
                               "unit_id"), "required");
    http_resp_clear(&r);
    assert_int_equal(i3_status(S.h, "POST", path, S.member1, "{\"summary\":\"路灯\",\"importance\":4,"
                               "\"difficulty\":2,\"unit_id\":\"99\"}"), 422);
    assert_int_equal(i3_req(S.h, "POST", path, S.member1, "{\"summary\":\"路灯\",\"importance\":4,"
                            "\"difficulty\":2,\"unit_id\":\"1\"}", 201, &r), 201);
    assert_int_equal(json_integer_value(json_object_get(r.json, "grade")), 2);
    assert_int_equal(calendar_add_workdays(S.cal, today, 15, &want), 0);
    calendar_day_format(want, due, sizeof due);
    assert_string_equal(i3_str(r.json, "due_on"), due);
    assert_string_equal(i3_str(r.json, "unit_id"), "1");
    http_resp_clear(&r);
    /* class 3: local, a micro-consultation; class 4: closed on the spot */
    assert_int_equal(i3_req(S.h, "POST", path, S.office, "{\"summary\":\"楼道堆物\",\"importance\":2,"
                            "\"difficulty\":2,\"local\":true}", 201, &r), 201);
    assert_int_equal(json_integer_value(json_object_get(r.json, "grade")), 3);
    snprintf(S.issue3, sizeof S.issue3, "%s", i3_str(r.json, "id"));
    http_resp_clear(&r);
    assert_int_equal(i3_req(S.h, "POST", path, S.member1, "{\"summary\":\"咨询政策\",\"importance\":1,"
                            "\"difficulty\":1,\"resolved_on_spot\":true}", 201, &r), 201);
    assert_int_equal(json_integer_value(json_object_get(r.json, "grade")), 4);
    assert_string_equal(i3_str(r.json, "status"), "closed");
    http_resp_clear(&r);
    assert_int_equal(i3_status(S.h, "POST", path, S.member1, "{\"summary\":\"x\",\"importance\":6,"
                               "\"difficulty\":1}"), 400);
    assert_int_equal(i3_status(S.h, "POST", path, S.member3, "{\"summary\":\"x\",\"importance\":1,"
                               "\"difficulty\":1}"), 403);
    assert_int_equal(i3_status(S.h, "POST", path, S.unit1, "{\"summary\":\"x\",\"importance\":1,"
                               "\"difficulty\":1}"), 403);
    /* one event per routed class, none for class 4 */
    assert_int_equal(harness_sql_ll(S.h, "SELECT count(*) FROM bus.events WHERE type IN"
                                         " ('issue.escalated', 'issue.forwarded',"
                                         " 'issue.micro_consultation_requested')", 0, NULL), 3);
}

static void test_override(void **state)
{
    char path[128];
    http_resp_t r;
    (void) state;
    assert_true(S.ready && S.issue3[0]);
    snprintf(path, sizeof path, D "/issues/%s/override", S.issue3);
    assert_int_equal(i3_status(S.h, "POST", path, S.member1, "{\"grade\":1,\"reason\":\"涉及多部门\"}"),
                     403);
    assert_int_equal(i3_status(S.h, "POST", path, S.office, "{\"grade\":1,\"reason\":\"　 \"}"), 400);
    assert_int_equal(i3_req(S.h, "POST", path, S.office, "{\"grade\":1,\"reason\":\"涉及多部门\"}",
                            200, &r), 200);
    assert_int_equal(json_integer_value(json_object_get(r.json, "grade")), 1);
    http_resp_clear(&r);
    assert_int_equal(harness_sql_ll(S.h, "SELECT count(*) FROM bus.events WHERE type ="
                                         " 'issue.escalated'", 0, NULL), 2);
    snprintf(path, sizeof path, D "/issues/%s", S.issue3);
    assert_int_equal(i3_req(S.h, "GET", path, S.leader, NULL, 200, &r), 200);
    assert_string_equal(i3_str(r.json, "override_reason"), "涉及多部门");
    http_resp_clear(&r);
    /* a unit sees only the issues forwarded to it */
    assert_int_equal(i3_req(S.h, "GET", D "/issues", S.unit1, NULL, 200, &r), 200);
    assert_int_equal(json_array_size(json_object_get(r.json, "items")), 1);
    http_resp_clear(&r);
    assert_int_equal(i3_status(S.h, "GET", path, S.unit1, NULL), 404);
    /* the leadership hears of each class-1 issue */
    assert_int_equal(i3_wait_sql(S.h, "SELECT count(*) FROM notify.inbox WHERE kind ="
                                      " 'issue.escalated'", 2, 10000), 2);
    assert_int_equal(i3_req(S.h, "GET", D "/inbox", S.leader, NULL, 200, &r), 200);
    assert_int_equal(json_array_size(json_object_get(r.json, "items")), 2);
    assert_string_equal(i3_str(json_array_get(json_object_get(r.json, "items"), 0), "kind"),
                        "issue.escalated");
    http_resp_clear(&r);
}

static void test_log_csv(void **state)
{
    http_resp_t r;
    i3_csv_t *c = calloc(1, sizeof *c);
    char path[160], date[16];
    int64_t now = time_now_us();
    int y, m, d;
    (void) state;
    assert_true(S.ready && S.visit[0] && c);
    time_ymd(now - 3600LL * 1000000, &y, &m, &d);
    snprintf(date, sizeof date, "%04d-%02d-%02d", y, m, d);
    snprintf(path, sizeof path, D "/workrooms/1/log.csv?from=%s&to=%s", date, date);
    assert_int_equal(i3_status(S.h, "GET", path, S.unit1, NULL), 403);
    assert_int_equal(i3_status(S.h, "GET", path, S.office2, NULL), 403);
    assert_int_equal(i3_status(S.h, "GET", D "/workrooms/1/log.csv?from=yesterday", S.office, NULL),
                     400);
    assert_int_equal(i3_req(S.h, "GET", path, S.office, NULL, 200, &r), 200);
    assert_int_equal(i3_csv_parse(r.raw, r.raw_len, c), 0);
    assert_true(c->bom);
    assert_true(c->crlf_only);
    assert_true(c->nrows >= 2);
    assert_int_equal(c->nfields[0], 12);
    assert_string_equal(c->field[0][0], "编号");
    assert_string_equal(c->field[0][4], "来访人");
    assert_string_equal(c->field[0][10], "承诺事项");
    size_t row = 0;
    for (size_t i = 1; i < c->nrows; i++)
        if (strcmp(c->field[i][0], S.visit) == 0)
            row = i;
    assert_true(row > 0);
    assert_int_equal(c->nfields[row], 12);
    assert_string_equal(c->field[row][2], "走访");
    assert_string_equal(c->field[row][3], "陈建国、林晓燕");
    assert_string_equal(c->field[row][4], "李*");
    assert_string_equal(c->field[row][5], "139****1111");
    assert_string_equal(c->field[row][6], "小区停车难，\"夜间\"乱停车, 希望规划车位");
    assert_string_equal(c->field[row][7], "交通");
    assert_string_equal(c->field[row][10], "两周内答复");
    assert_string_equal(c->field[row][11], "1/2/1/4");
    assert_null(strstr(r.raw, "李四"));
    i3_csv_free(c);
    http_resp_clear(&r);
    /* ?reveal=visitor: office and admin only, built by intake, one audit row each */
    snprintf(path, sizeof path, D "/workrooms/1/log.csv?from=%s&to=%s&reveal=visitor", date, date);
    assert_int_equal(i3_status(S.h, "GET", path, S.member1, NULL), 403);
    assert_int_equal(i3_status(S.h, "GET", path, S.leader, NULL), 403);
    assert_int_equal(i3_status(S.h, "GET", path, S.unit1, NULL), 403);
    assert_int_equal(i3_status(S.h, "GET", D "/workrooms/1/log.csv?reveal=all", S.office, NULL), 400);
    assert_int_equal(i3_req(S.h, "GET", path, S.office, NULL, 200, &r), 200);
    assert_int_equal(i3_csv_parse(r.raw, r.raw_len, c), 0);
    assert_true(c->bom && c->crlf_only);
    row = 0;
    for (size_t i = 1; i < c->nrows; i++)
        if (strcmp(c->field[i][0], S.visit) == 0)
            row = i;
    assert_true(row > 0);
    assert_string_equal(c->field[row][4], "李四");
    assert_string_equal(c->field[row][5], "13900001111");
    assert_string_equal(c->field[row][2], "走访");
    assert_string_equal(c->field[0][11], "分级");
    i3_csv_free(c);
    free(c);
    http_resp_clear(&r);
    assert_int_equal(harness_sql_ll(S.h, "SELECT count(*) FROM audit.trail WHERE action ="
                                         " 'visit.export_revealed' AND object_id = '1'", 0, NULL), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_record_and_edit),
        cmocka_unit_test(test_history),
        cmocka_unit_test(test_reveal_audited),
        cmocka_unit_test(test_grading),
        cmocka_unit_test(test_override),
        cmocka_unit_test(test_log_csv),
    };
    return cmocka_run_group_tests(tests, s_setup, s_teardown);
}
