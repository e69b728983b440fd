/* test_visitor_data: events and inbox items never carry a visitor's personal
 * data. With a visitor, phone and home address no other row has, it drives
 * every event intake publishes from a visit and its neighbours (visit
 * recorded and edited, issues of every class, a report through each of its
 * steps but merge, the rota; supervise's item of the class-2 issue), lets
 * notify apply them all, then looks for those values (in clear and with the
 * phone masked) in the bytes of every bus.events envelope and in every
 * column of every notify.inbox row. A new event type in this flow fails the
 * test until it is added to s_types, so none escapes the check. Must never
 * skip. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "timeutil.h"
#include "api_util.h"
#include "fixtures.h"
#include "harness.h"

#define DC "330303"
#define D "/v1/districts/" DC

/* What must never appear in an event or an inbox item. */
static const char *const s_markers[] = {
    "欧阳测试", "13900001234", "13900005678", "测试小区9幢", "测试小区10幢", "1390000",
    "*******1234", "*******5678",
};

/* The event types this flow publishes, each checked. */
static const char *const s_types[] = {
    "visit.recorded", "visit.edited", "issue.escalated", "issue.forwarded",
    "issue.micro_consultation_requested", "issue.grade", "report.submitted", "report.edited",
    "report.returned", "report.resubmitted", "report.accepted", "report.forwarded",
    "report.adopted", "report.instructed", "report.authors_told",
    "rota.published", "rota.generate", "rota.changed",
    "item.registered", "item.updated", "item.urged", "item.followed", "item.supervised",
    "consultation.created",         /* lianxin-consult's micro-consultation of the class-3 issue */
};

static struct {
    harness_t *h;
    fixture_users_t u;
    char home[24], reception[24];
    int ready;
} S;

static int s_setup(void **state)
{
    (void) state;
    memset(&S, 0, sizeof S);
    if (!(S.h = harness_new("visitordata")) || harness_start_all(S.h) != 0)
        return 0;
    S.ready = fixture_login(S.h, &S.u, "office member1 leader") == 0;
    return 0;
}

static int s_teardown(void **state)
{
    (void) state;
    harness_destroy(&S.h);
    fixture_logout(&S.u);
    return 0;
}

/* A visit of `kind` by member1 in room 1 with the marked visitor. */
static void s_visit(const char *kind, char *id, size_t idsz)
{
    char received[40], body[1024];
    http_resp_t r;
    time_format(time_now_us() - 600 * 1000000LL, received, sizeof received);
    snprintf(body, sizeof body, "{\"workroom_id\":\"1\",\"received_at\":\"%s\","
             "\"member_ids\":[\"1\",\"2\"],\"summary\":\"道路积水\",\"category\":\"transport\","
             "\"location\":\"测试小区9幢\",\"on_spot_action\":\"answered\",\"kind\":\"%s\","
             "\"visitor\":{\"name\":\"欧阳测试\",\"phone\":\"13900001234\"}}", received, kind);
    assert_int_equal(api_req(S.h, "POST", D "/visits", S.u.member1, body, 201, &r), 201);
    snprintf(id, idsz, "%s", api_str(r.json, "id"));
    http_resp_clear(&r);
}

static void s_issue(const char *visit, const char *token, const char *body)
{
    char path[96];
    snprintf(path, sizeof path, D "/visits/%s/issues", visit);
    assert_int_equal(api_status(S.h, "POST", path, token, body), 201);
}

/* POST /reports/{id}<step> (200). */
static void s_report(const char *id, const char *step, const char *token, const char *body)
{
    char path[128];
    snprintf(path, sizeof path, D "/reports/%s%s", id, step);
    assert_int_equal(api_status(S.h, "POST", path, token, body), 200);
}

/* ---- the flow ----------------------------------------------------------------------- */

static void test_produce_events(void **state)
{
    char path[128], month[8];
    (void) state;
    assert_true(S.ready);
    s_visit("home_visit", S.home, sizeof S.home);
    s_visit("reception", S.reception, sizeof S.reception);
    snprintf(path, sizeof path, D "/visits/%s/edit", S.home);
    assert_int_equal(api_status(S.h, "POST", path, S.u.member1,
                                "{\"location\":\"测试小区10幢\",\"visitor\":{\"name\":\"欧阳测试\","
                                "\"phone\":\"13900005678\"},\"summary\":\"道路积水严重\"}"), 200);
    /* the markers are real: the audited reveal shows them */
    http_resp_t r;
    snprintf(path, sizeof path, D "/visits/%s/visitor", S.home);
    assert_int_equal(api_req(S.h, "GET", path, S.u.office, NULL, 200, &r), 200);
    assert_non_null(strstr(r.raw, "测试小区10幢"));
    assert_non_null(strstr(r.raw, "13900005678"));
    http_resp_clear(&r);
    s_issue(S.home, S.u.member1, "{\"summary\":\"排水改造\",\"importance\":5,\"difficulty\":5}");
    s_issue(S.home, S.u.member1, "{\"summary\":\"井盖\",\"importance\":4,\"difficulty\":2,"
                                 "\"unit_id\":\"1\"}");
    s_issue(S.reception, S.u.office, "{\"summary\":\"楼道\",\"importance\":2,\"difficulty\":2,"
                                     "\"local\":true}");
    s_issue(S.reception, S.u.member1, "{\"summary\":\"咨询\",\"importance\":1,\"difficulty\":1,"
                                      "\"resolved_on_spot\":true}");
    char body[512];               /* a report drawn from both visits */
    snprintf(body, sizeof body, "{\"title\":\"关于道路积水的建议\",\"facts\":\"雨后积水\","
             "\"analysis\":\"排水不畅\",\"suggestions\":\"改造管网\",\"category\":\"transport\","
             "\"workroom_id\":\"1\",\"visit_ids\":[\"%s\",\"%s\"]}", S.home, S.reception);
    assert_int_equal(api_req(S.h, "POST", D "/reports", S.u.member1, body, 201, &r), 201);
    char report[24];
    snprintf(report, sizeof report, "%s", api_str(r.json, "id"));
    http_resp_clear(&r);
    s_report(report, "/edit", S.u.member1, "{\"analysis\":\"排水管网老化\"}");
    s_report(report, "/submit", S.u.member1, NULL);
    s_report(report, "/return", S.u.office, "{\"comments\":\"请补充\"}");
    s_report(report, "/resubmit", S.u.member1, NULL);
    s_report(report, "/accept", S.u.office, NULL);
    s_report(report, "/forward", S.u.office, "{\"forwarded_to\":\"government\"}");
    s_report(report, "/adopt", S.u.office, "{\"level\":\"city\"}");
    s_report(report, "/instruct", S.u.office, "{\"leader\":\"王副市长\",\"text\":\"研究\"}");
    s_report(report, "/tell-authors", S.u.office, NULL);
    fixture_month_after(fixture_today(), 1, month, NULL, NULL);
    snprintf(path, sizeof path, D "/rota/generate?month=%s", month);
    assert_int_equal(api_status(S.h, "POST", path, S.u.office, NULL), 200);
    snprintf(path, sizeof path, D "/rota/publish?month=%s", month);
    assert_int_equal(api_status(S.h, "POST", path, S.u.office, NULL), 200);
    assert_int_equal(fixture_wait_caught_up(S.h, DC, harness_ms(S.h, 10000)), 0);
}

/* Every event of the district is of a known type; the visit's are there. */
static void test_types_known(void **state)
{
    (void) state;
    assert_true(S.ready);
    PGresult *q = harness_sql(S.h, "SELECT DISTINCT type FROM bus.events ORDER BY 1", 0, NULL);
    assert_non_null(q);
    for (int i = 0; i < PQntuples(q); i++) {
        int known = 0;
        for (size_t k = 0; k < sizeof s_types / sizeof s_types[0]; k++)
            known |= strcmp(PQgetvalue(q, i, 0), s_types[k]) == 0;
        if (!known)
            fail_msg("event type %s is not checked here: add it to s_types", PQgetvalue(q, i, 0));
    }
    PQclear(q);
    static const char *const must[] = {"visit.recorded", "visit.edited", "issue.escalated",
                                       "issue.forwarded", "issue.micro_consultation_requested",
                                       "report.submitted", "report.adopted", "rota.published"};
    for (size_t k = 0; k < sizeof must / sizeof must[0]; k++) {
        const char *p[1] = {must[k]};
        if (harness_sql_ll(S.h, "SELECT count(*) FROM bus.events WHERE type = $1", 1, p) < 1)
            fail_msg("no %s event", must[k]);
    }
    static const char *const kinds[] = {"visit.recorded", "issue.escalated", "report.adopted"};
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        const char *p[1] = {kinds[k]};
        if (harness_sql_ll(S.h, "SELECT count(*) FROM notify.inbox WHERE kind = $1", 1, p) < 1)
            fail_msg("no inbox item of kind %s", kinds[k]);
    }
}

static void test_no_visitor_data(void **state)
{
    (void) state;
    assert_true(S.ready);
    for (size_t k = 0; k < sizeof s_markers / sizeof s_markers[0]; k++) {
        const char *p[1] = {s_markers[k]};
        long long ev = harness_sql_ll(S.h, "SELECT count(*) FROM bus.events WHERE"
                                           " position(convert_to($1, 'UTF8') IN envelope) > 0",
                                      1, p);
        long long in = harness_sql_ll(S.h, "SELECT count(*) FROM notify.inbox i WHERE"
                                           " position($1 IN i::text) > 0", 1, p);
        if (ev != 0 || in != 0)
            fail_msg("\"%s\" found in %lld events and %lld inbox rows", s_markers[k], ev, in);
    }
    /* the search finds what is there: visit.recorded carries the room's name */
    const char *p[1] = {"永中街道委员工作室"};
    assert_true(harness_sql_ll(S.h, "SELECT count(*) FROM bus.events WHERE"
                                    " position(convert_to($1, 'UTF8') IN envelope) > 0", 1, p)
                >= 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_produce_events),
        cmocka_unit_test(test_types_known),
        cmocka_unit_test(test_no_visitor_data),
    };
    return cmocka_run_group_tests(tests, s_setup, s_teardown);
}
