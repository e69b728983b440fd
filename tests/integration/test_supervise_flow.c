/* test_supervise_flow: lianxin-supervise on the real stack, on the stack's
 * clock (never sleeping real days): a proposal assigned over HTTP becomes
 * one tracked item (and stays one when the whole stream is applied again),
 * climbs 登记 → 催办 → 跟办 → 督办 on the working days its ladder gives,
 * each step one event and one audit row; role and district refusals; the
 * unit's answer stops the ladder, the office closes and reopens; a referral
 * to each partner office, read and answered through partner1's API key
 * (纪委监委 only: the other office's referral stays invisible); then two
 * supervise instances with the lease holder SIGKILLed while 600 items are
 * due: every step fires exactly once. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>
#include "api_util.h"
#include "calendar.h"
#include "fixtures.h"
#include "harness.h"
#include "sinks.h"
#include "ladder.h"
#include "timeutil.h"

#define D "/v1/districts/330303"
#define HOUR_US (3600LL * 1000000)

static struct {
    harness_t *h;
    fixture_users_t u;
    char pid[24], item[24];
    pid_t second;                   /* the second supervise instance, 0 when none */
    sink_t partners;                /* the two partner offices' webhook endpoint */
    int ready;
} S;

#define KEY_DISCIPLINE "key-of-the-discipline-commission"
#define KEY_GOVERNMENT "key-of-the-government-office"

/* The partners' endpoint on loopback, and notify restarted to deliver
 * referral.created there, each office signed with its own key. */
static int s_partners(void)
{
    char url[128];
    if (sink_start(S.h, &S.partners, "partners", "partner",
                   "discipline=" KEY_DISCIPLINE ",government=" KEY_GOVERNMENT) != 0)
        return -1;
    snprintf(url, sizeof url, "http://127.0.0.1:%d/discipline", S.partners.port);
    if (harness_set(S.h, "notify.webhook_discipline_url", url) != 0
        || harness_set(S.h, "notify.webhook_discipline_secret", KEY_DISCIPLINE) != 0)
        return -1;
    snprintf(url, sizeof url, "http://127.0.0.1:%d/government", S.partners.port);
    if (harness_set(S.h, "notify.webhook_government_url", url) != 0
        || harness_set(S.h, "notify.webhook_government_secret", KEY_GOVERNMENT) != 0
        || harness_set(S.h, "notify.deliver_poll_ms", "50") != 0)
        return -1;
    return harness_restart(S.h, "notify");
}

static int s_setup(void **state)
{
    (void) state;
    memset(&S, 0, sizeof S);
    if (!(S.h = harness_new("supervise_flow")) || harness_start_all(S.h) != 0
        || s_partners() != 0)
        return 0;
    S.ready = fixture_login(S.h, &S.u, "office office2 leader member1 unit1 unit2") == 0;
    return 0;
}

static int s_teardown(void **state)
{
    (void) state;
    if (S.second > 0) {             /* a failed failover test left it running */
        kill(S.second, SIGKILL);
        waitpid(S.second, NULL, 0);
    }
    sink_stop(&S.partners);
    fixture_logout(&S.u);
    harness_destroy(&S.h);
    return 0;
}

static long long s_sql1(const char *sql, const char *p1)
{
    const char *p[1] = {p1};
    return harness_sql_ll(S.h, sql, 1, p);
}

static void s_path(char *out, size_t n, const char *what)
{
    snprintf(out, n, D "/items/%s%s%s", S.item, *what ? "/" : "", what);
}

/* POST /items/{id}/<event>: the status, and the answer's step or state. */
static void s_item(const char *event, const char *token, const char *body, long want,
                   const char *state_after)
{
    char path[128];
    http_resp_t r;
    s_path(path, sizeof path, event);
    assert_int_equal(api_req(S.h, "POST", path, token, body, want, &r), want);
    if (state_after)
        assert_string_equal(api_str(r.json, "state"), state_after);
    http_resp_clear(&r);
}

static void s_proposal(const char *event, const char *token, const char *body)
{
    char path[128];
    snprintf(path, sizeof path, D "/proposals/%s/%s", S.pid, event);
    assert_int_equal(api_status(S.h, "POST", path, token, body), 200);
}

static void test_registered_once(void **state)
{
    (void) state;
    http_resp_t r;
    assert_true(S.ready);
    assert_int_equal(api_req(S.h, "POST", D "/proposals", S.u.member1,
        "{\"title\":\"关于增设公交夜班线路的建议\",\"reasons\":\"夜间出行难\","
        "\"measures\":\"增设两条夜班线\",\"category\":\"transport\",\"unit_ids\":[\"1\"]}",
        201, &r), 201);
    snprintf(S.pid, sizeof S.pid, "%s", api_str(r.json, "id"));
    http_resp_clear(&r);
    s_proposal("submit", S.u.member1, NULL);
    s_proposal("accept", S.u.office, NULL);
    s_proposal("assign", S.u.office, "{\"lead_unit_id\":\"1\",\"leader\":\"张副区长\","
                                     "\"workdays\":20}");
    const char *q[1] = {S.pid};
    assert_int_equal(api_wait_sqlp(S.h, "SELECT count(*) FROM supervise.items WHERE source ="
                                   " 'proposal' AND source_id = $1::bigint", 1, 15000, 1, q), 1);
    snprintf(S.item, sizeof S.item, "%lld",
             s_sql1("SELECT id FROM supervise.items WHERE source = 'proposal' AND source_id ="
                    " $1::bigint", S.pid));
    /* the due date and leader are the assignment's */
    assert_int_equal(s_sql1("SELECT count(*) FROM supervise.items i JOIN proposal.proposals p"
                            " ON p.district_code = i.district_code AND p.id = i.source_id"
                            " WHERE i.id = $1::bigint AND i.due_on = p.due_on AND i.leader ="
                            " '张副区长' AND i.unit_id = 1 AND i.step = 'registered'", S.item), 1);
    /* the whole stream again: still one item, one item.registered */
    assert_true(harness_sql_ll(S.h, "WITH u AS (UPDATE bus.cursors SET seq = 0 WHERE consumer ="
                               " 'supervise' RETURNING 1) SELECT count(*) FROM u", 0, NULL) > 0);
    assert_int_equal(api_wait_sqlp(S.h, "SELECT count(*) FROM bus.cursors c WHERE consumer ="
                                   " 'supervise' AND producer = 'proposal' AND seq = (SELECT"
                                   " max(seq) FROM bus.events e WHERE e.producer = 'proposal'"
                                   " AND e.district_code = c.district_code)", 1, 15000, 0, NULL),
                     1);
    assert_int_equal(s_sql1("SELECT count(*) FROM supervise.items WHERE source = 'proposal'"
                            " AND source_id = $1::bigint", S.pid), 1);
    assert_int_equal(s_sql1("SELECT count(*) FROM audit.trail WHERE action = 'item.registered'"
                            " AND object_id = $1", S.item), 1);
    /* who sees it */
    char path[128];
    s_path(path, sizeof path, "");
    assert_int_equal(api_status(S.h, "GET", path, S.u.office, NULL), 200);
    assert_int_equal(api_status(S.h, "GET", path, S.u.leader, NULL), 200);
    assert_int_equal(api_status(S.h, "GET", path, S.u.unit1, NULL), 200);
    assert_int_equal(api_status(S.h, "GET", path, S.u.unit2, NULL), 404);
    assert_int_equal(api_status(S.h, "GET", path, S.u.member1, NULL), 403);
    assert_int_equal(api_status(S.h, "GET", path, S.u.office2, NULL), 403);
    assert_int_equal(api_status(S.h, "GET", D "/items?step=nope", S.u.office, NULL), 400);
}

/* Moves the clock to 10:00 of `day` and waits for the item's step. */
static void s_climb_to(calendar_day_t day, const char *step)
{
    char sql[256];
    assert_int_equal(harness_clock_set(S.h, calendar_day_start_us(day) + 10 * HOUR_US), 0);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM supervise.items WHERE id = $1::bigint AND"
             " step = '%s'", step);
    const char *q[1] = {S.item};
    assert_int_equal(api_wait_sqlp(S.h, sql, 1, 15000, 1, q), 1);
}

/* The district's own ladder (PUT /items/ladder): the item registered before
 * keeps its timers; a new due date re-arms them on the new ladder. */
static void s_district_ladder(void)
{
    http_resp_t r;
    assert_int_equal(api_req(S.h, "GET", D "/items/ladder", S.u.office, NULL, 200, &r), 200);
    assert_true(json_is_null(json_object_get(r.json, "urge_workdays")));     /* the defaults */
    http_resp_clear(&r);
    assert_int_equal(api_status(S.h, "PUT", D "/items/ladder", S.u.office,
                                "{\"urge_workdays\":0,\"escalate_workdays\":3}"), 400);
    assert_int_equal(api_status(S.h, "PUT", D "/items/ladder", S.u.unit1,
                                "{\"urge_workdays\":3,\"escalate_workdays\":4}"), 403);
    assert_int_equal(api_status(S.h, "PUT", "/v1/districts/330304/items/ladder", S.u.office,
                                "{\"urge_workdays\":3,\"escalate_workdays\":4}"), 403);
    assert_int_equal(api_status(S.h, "PUT", D "/items/ladder", S.u.office,
                                "{\"urge_workdays\":3,\"escalate_workdays\":4}"), 200);
    assert_int_equal(api_req(S.h, "GET", D "/items/ladder", S.u.leader, NULL, 200, &r), 200);
    assert_int_equal(json_integer_value(json_object_get(r.json, "urge_workdays")), 3);
    assert_int_equal(json_integer_value(json_object_get(r.json, "escalate_workdays")), 4);
    http_resp_clear(&r);
    /* the proposal handed back and assigned again with another deadline: the
     * same item, updated, its ladder re-armed on the district's */
    s_proposal("hand-back", S.u.unit1, "{\"reason\":\"涉及交通运输局职责\"}");
    s_proposal("assign", S.u.office, "{\"lead_unit_id\":\"1\",\"leader\":\"王副区长\","
                                     "\"workdays\":25}");
    const char *q[1] = {S.item};
    assert_int_equal(api_wait_sqlp(S.h, "SELECT count(*) FROM supervise.items i JOIN"
                                   " proposal.proposals p ON p.id = i.source_id WHERE i.id ="
                                   " $1::bigint AND i.due_on = p.due_on AND i.leader = '王副区长'",
                                   1, 15000, 1, q), 1);
    assert_int_equal(s_sql1("SELECT count(*) FROM supervise.items WHERE source = 'proposal' AND"
                            " id = $1::bigint", S.item), 1);
    assert_int_equal(s_sql1("SELECT count(*) FROM audit.trail WHERE action = 'item.updated' AND"
                            " object_id = $1", S.item), 1);
}

static void test_ladder_climbs(void **state)
{
    (void) state;
    ladder_cfg_t cfg = {.urge_workdays = 3, .escalate_workdays = 4};   /* the district's */
    s_district_ladder();
    ladder_plan_t plan;
    calendar_t *cal = fixture_calendar(S.h);
    assert_non_null(cal);
    calendar_day_t due = (calendar_day_t) s_sql1("SELECT due_on - date '1970-01-01' FROM"
                                                 " supervise.items WHERE id = $1::bigint", S.item);
    assert_int_equal(ladder_plan(cal, &cfg, due, LADDER_REGISTERED, fixture_today(), &plan), 0);
    calendar_destroy(&cal);
    /* the day before the urge day: nothing yet */
    assert_int_equal(harness_clock_set(S.h, calendar_day_start_us(plan.day[LADDER_URGED] - 1)
                                       + 10 * HOUR_US), 0);
    harness_sleep_ms(harness_ms(S.h, 3000));
    assert_int_equal(s_sql1("SELECT count(*) FROM supervise.items WHERE id = $1::bigint AND"
                            " step = 'registered'", S.item), 1);
    s_climb_to(plan.day[LADDER_URGED], "urged");
    /* refused before 督办: a referral needs the item at 督办 */
    s_item("refer", S.u.office, "{\"partner\":\"government\",\"summary\":\"逾期未办\"}", 409,
           NULL);
    s_climb_to(plan.day[LADDER_FOLLOWED], "followed");
    s_climb_to(plan.day[LADDER_SUPERVISED], "supervised");
    harness_sleep_ms(harness_ms(S.h, 3000));       /* a tick more: nothing fires twice */
    const char *acts[] = {"item.urged", "item.followed", "item.supervised"};
    for (int i = 0; i < 3; i++) {
        const char *q[2] = {acts[i], S.item};
        assert_int_equal(harness_sql_ll(S.h, "SELECT count(*) FROM audit.trail WHERE action ="
                                        " $1 AND object_id = $2", 2, q), 1);
        assert_int_equal(harness_sql_ll(S.h, "SELECT count(*) FROM bus.events WHERE producer ="
                                        " 'supervise' AND type = $1 AND $2 <> ''", 2, q), 1);
    }
    assert_int_equal(s_sql1("SELECT count(*) FROM supervise.item_log WHERE item_id = $1::bigint"
                            " AND event IN ('urged', 'followed', 'supervised')", S.item), 3);
}

static void test_refusals_and_answer(void **state)
{
    (void) state;
    http_resp_t r;
    char path[128];
    s_item("refer", S.u.unit1, "{\"partner\":\"government\",\"summary\":\"x\"}", 403, NULL);
    s_item("refer", S.u.office2, "{\"partner\":\"government\",\"summary\":\"x\"}", 403, NULL);
    s_item("refer", S.u.office, "{\"partner\":\"police\",\"summary\":\"x\"}", 400, NULL);
    s_item("answer", S.u.unit2, "{\"text\":\"已办\"}", 404, NULL);
    s_item("answer", S.u.unit1, "{}", 400, NULL);
    s_item("close", S.u.office, NULL, 409, NULL);                 /* not answered yet */
    s_path(path, sizeof path, "close");
    assert_int_equal(api_req(S.h, "POST", path, S.u.office, NULL, 409, &r), 409);
    assert_string_equal(http_error_code(&r), "conflict");
    assert_non_null(strstr(r.raw, "answer"));                     /* the events allowed now */
    http_resp_clear(&r);
    /* two referrals, one per partner office */
    s_item("refer", S.u.office, "{\"partner\":\"government\",\"summary\":\"超期十个工作日未答复\"}",
           200, "open");
    s_item("refer", S.u.office, "{\"partner\":\"discipline\",\"summary\":\"超期未办，涉及作风问题\"}",
           200, "open");
    s_item("refer", S.u.office, "{\"partner\":\"discipline\",\"summary\":\"again\"}", 409, NULL);
    assert_int_equal(s_sql1("SELECT count(*) FROM bus.events WHERE producer = 'supervise' AND"
                            " type = 'referral.created' AND $1 <> ''", S.item), 2);
    /* each reaches its office's endpoint through notify, signed with that office's key:
     * the worked example (docs/examples/verify_signature.py) accepts it and refuses
     * it with the body changed by one byte */
    assert_int_equal(sink_wait(&S.partners, "\"verified\": true", 2, 20000), 2);
    assert_int_equal(sink_count(&S.partners, "\"verified\": false"), 0);
    assert_int_equal(sink_count(&S.partners, "\"tamper_rejected\": true"), 2);
    assert_int_equal(sink_count(&S.partners, "\"path\": \"/discipline\""), 1);
    assert_int_equal(sink_count(&S.partners, "\"path\": \"/government\""), 1);
    assert_int_equal(sink_count(&S.partners, "超期未办，涉及作风问题"), 1);
    /* the unit answers: the ladder stops; closure is the office's */
    s_item("answer", S.u.unit1, "{\"text\":\"已增设一条夜班线路，第二条正在论证\"}", 200,
           "answered");
    assert_int_equal(s_sql1("SELECT count(*) FROM supervise.timers WHERE item_id = $1::bigint"
                            " AND fired_at IS NULL", S.item), 0);
    s_item("close", S.u.unit1, NULL, 403, NULL);
    s_item("close", S.u.office, "{\"note\":\"办结\"}", 200, "closed");
    s_item("reopen", S.u.office, "{\"reason\":\"later\"}", 400, NULL);
    s_item("reopen", S.u.office, "{\"reason\":\"supervise\"}", 200, "open");
    assert_int_equal(s_sql1("SELECT count(*) FROM supervise.items WHERE id = $1::bigint AND"
                            " step = 'registered' AND reopened = 1 AND due_on > (core.clock_now()"
                            " AT TIME ZONE 'Asia/Shanghai')::date", S.item), 1);
    assert_int_equal(s_sql1("SELECT count(*) FROM supervise.timers WHERE item_id = $1::bigint"
                            " AND fired_at IS NULL AND kind LIKE 'ladder.%'", S.item), 3);
}

/* Answered and closed again, then a look-back (回头看) tomorrow: its day comes
 * (item.lookback_due), the result reopens it (再调研). */
static void test_lookback_reopens(void **state)
{
    (void) state;
    char body[96], tomorrow[11];
    fixture_date(fixture_today() + 1, tomorrow);
    s_item("answer", S.u.unit1, "{\"text\":\"第二条线路已开通\"}", 200, "answered");
    s_item("close", S.u.office, NULL, 200, "closed");
    s_item("lookback-result", S.u.office, "{\"note\":\"x\"}", 409, NULL);     /* none yet */
    s_item("lookback", S.u.office, "{}", 400, NULL);
    snprintf(body, sizeof body, "{\"date\":\"%s\"}", tomorrow);
    s_item("lookback", S.u.office, body, 200, "closed");
    s_item("lookback", S.u.office, body, 409, NULL);                             /* once */
    assert_int_equal(harness_clock_set(S.h, calendar_day_start_us(fixture_today() + 1)
                                       + 10 * HOUR_US), 0);
    const char *q[1] = {S.item};
    assert_int_equal(api_wait_sqlp(S.h, "SELECT count(*) FROM audit.trail WHERE action ="
                                   " 'item.lookback_due' AND object_id = $1", 1, 15000, 1, q), 1);
    s_item("lookback-result", S.u.office, "{\"note\":\"夜班车发车间隔过长\",\"reopen\":true}",
           400, NULL);                                                         /* the reason */
    s_item("lookback-result", S.u.office, "{\"note\":\"夜班车发车间隔过长\",\"reopen\":true,"
           "\"reason\":\"research\"}", 200, "open");
    assert_int_equal(s_sql1("SELECT count(*) FROM supervise.items WHERE id = $1::bigint AND"
                            " reopened = 2 AND step = 'registered' AND (flags & 2) = 0", S.item),
                     1);
    assert_int_equal(s_sql1("SELECT count(*) FROM supervise.item_log WHERE item_id = $1::bigint"
                            " AND event IN ('lookback', 'lookback_due', 'lookback_result',"
                            " 'reopened')", S.item), 5);
}

static long s_partner(const char *method, const char *path, const char *body, http_resp_t *r)
{
    http_req_t req = {.method = method, .path = path, .api_key = harness_partner_key(S.h),
                      .body = body};
    memset(r, 0, sizeof *r);
    assert_int_equal(harness_http(S.h, &req, r), 0);
    return r->status;
}

static void test_partner_api(void **state)
{
    (void) state;
    http_resp_t r;
    char path[128], gov[24], dis[24];
    snprintf(gov, sizeof gov, "%lld", s_sql1("SELECT id FROM supervise.referrals WHERE item_id ="
                                             " $1::bigint AND partner = 'government'", S.item));
    snprintf(dis, sizeof dis, "%lld", s_sql1("SELECT id FROM supervise.referrals WHERE item_id ="
                                             " $1::bigint AND partner = 'discipline'", S.item));
    /* partner1 is 纪委监委: the list holds only its referral */
    assert_int_equal(s_partner("GET", D "/referrals", NULL, &r), 200);
    json_t *items = json_object_get(r.json, "items");
    assert_int_equal(json_array_size(items), 1);
    assert_string_equal(api_str(json_array_get(items, 0), "id"), dis);
    assert_string_equal(api_str(json_array_get(items, 0), "partner"), "discipline");
    assert_null(json_object_get(json_array_get(items, 0), "answer"));
    http_resp_clear(&r);
    snprintf(path, sizeof path, D "/referrals/%s", gov);
    assert_int_equal(s_partner("GET", path, NULL, &r), 404);
    http_resp_clear(&r);
    snprintf(path, sizeof path, D "/referrals/%s/status", gov);
    assert_int_equal(s_partner("POST", path, "{\"status\":\"acknowledged\"}", &r), 404);
    http_resp_clear(&r);
    /* its own: acknowledged, in progress, closed; wrong steps 409 */
    snprintf(path, sizeof path, D "/referrals/%s/status", dis);
    assert_int_equal(s_partner("POST", path, "{\"status\":\"lost\"}", &r), 400);
    http_resp_clear(&r);
    assert_int_equal(s_partner("POST", path, "{\"status\":\"acknowledged\"}", &r), 200);
    assert_string_equal(api_str(r.json, "status"), "acknowledged");
    http_resp_clear(&r);
    assert_int_equal(s_partner("POST", path, "{\"status\":\"acknowledged\"}", &r), 409);
    http_resp_clear(&r);
    assert_int_equal(s_partner("POST", path, "{\"status\":\"in_progress\",\"note\":\"已立案核查\"}",
                               &r), 200);
    http_resp_clear(&r);
    assert_int_equal(s_partner("POST", path, "{\"status\":\"closed\",\"note\":\"已约谈\"}", &r),
                     200);
    http_resp_clear(&r);
    assert_int_equal(api_status(S.h, "POST", path, S.u.office, "{\"status\":\"closed\"}"), 403);
    snprintf(path, sizeof path, D "/referrals/%s", dis);
    assert_int_equal(s_partner("GET", path, NULL, &r), 200);
    assert_string_equal(api_str(r.json, "status"), "closed");
    assert_int_equal(json_array_size(json_object_get(r.json, "history")), 4);
    http_resp_clear(&r);
    assert_int_equal(s_partner("GET", "/v1/districts/330304/referrals", NULL, &r), 403);
    http_resp_clear(&r);
    assert_int_equal(s_partner("GET", D "/items", NULL, &r), 403);
    http_resp_clear(&r);
    assert_int_equal(s_sql1("SELECT count(*) FROM bus.events WHERE producer = 'supervise' AND"
                            " type = 'referral.status' AND $1 <> ''", dis), 3);
    /* the operator binds the account to the other office: it sees that one only */
    char out[512];
    assert_int_equal(harness_run(S.h, out, sizeof out, "admin", "bind-partner", "--username",
                                 "partner1", "--name", "police", (char *) NULL) != 0, 1);
    assert_int_equal(harness_run(S.h, out, sizeof out, "admin", "bind-partner", "--username",
                                 "office", "--name", "government", (char *) NULL) != 0, 1);
    assert_int_equal(harness_run(S.h, out, sizeof out, "admin", "bind-partner", "--username",
                                 "partner1", "--name", "government", (char *) NULL), 0);
    assert_int_equal(s_partner("GET", D "/referrals", NULL, &r), 200);
    items = json_object_get(r.json, "items");
    assert_int_equal(json_array_size(items), 1);
    assert_string_equal(api_str(json_array_get(items, 0), "id"), gov);
    http_resp_clear(&r);
    assert_int_equal(harness_run(S.h, out, sizeof out, "admin", "bind-partner", "--username",
                                 "partner1", "--name", "discipline", (char *) NULL), 0);
}

/* The office's figures and both CSV files, parsed back. */
static void test_figures_and_csv(void **state)
{
    (void) state;
    http_resp_t r;
    static api_csv_t c;
    assert_int_equal(api_req(S.h, "GET", D "/items/figures", S.u.leader, NULL, 200, &r), 200);
    json_t *rows = json_object_get(r.json, "items"), *unit1 = NULL;
    for (size_t i = 0; i < json_array_size(rows); i++)
        if (strcmp(api_str(json_array_get(rows, i), "unit_id"), "1") == 0)
            unit1 = json_array_get(rows, i);
    assert_non_null(unit1);
    assert_int_equal(json_integer_value(json_object_get(unit1, "open")), 1);
    assert_int_equal(json_integer_value(json_object_get(unit1, "registered")), 1);
    assert_int_equal(json_integer_value(json_object_get(unit1, "overdue")), 0);
    http_resp_clear(&r);
    assert_int_equal(api_status(S.h, "GET", D "/items/figures", S.u.unit1, NULL), 403);
    assert_int_equal(api_req(S.h, "GET", D "/items.csv", S.u.office, NULL, 200, &r), 200);
    assert_int_equal(api_csv_parse(r.raw, r.raw_len, &c), 0);
    assert_true(c.nrows >= 2);
    assert_string_equal(c.field[0][0], "编号");
    assert_string_equal(c.field[1][0], S.item);
    assert_string_equal(c.field[1][1], "提案办理");
    assert_string_equal(c.field[1][8], "登记");
    api_csv_free(&c);
    http_resp_clear(&r);
    assert_int_equal(api_req(S.h, "GET", D "/items/figures.csv", S.u.office, NULL, 200, &r), 200);
    assert_int_equal(api_csv_parse(r.raw, r.raw_len, &c), 0);
    assert_string_equal(c.field[0][1], "责任单位");
    assert_int_equal(c.nrows, 1 + harness_sql_ll(S.h, "SELECT count(*) FROM core.units WHERE"
                                                     " district_code = '330303'", 0, NULL));
    api_csv_free(&c);
    http_resp_clear(&r);
}

/* ---- two instances, the lease holder SIGKILLed while items are due ------------------- */

#define N_DUE 600

static pid_t s_second(void)
{
    char bin[512], log[512];
    snprintf(bin, sizeof bin, "%s/bin/lianxin-supervise", getenv("LIANXIN_BUILD"));
    snprintf(log, sizeof log, "%s/supervise2.log", harness_dir(S.h));
    pid_t pid = fork();
    if (pid == 0) {
        /* never the test's own stdout: run.sh reads it to its end */
        if (!freopen(log, "a", stderr) || !freopen("/dev/null", "w", stdout))
            _exit(127);
        setenv("LIANXIN_SUPERVISE_ENDPOINT", "tcp://127.0.0.1:*", 1);
        execl(bin, bin, "-c", harness_config(S.h), (char *) NULL);
        _exit(127);
    }
    return pid;
}

static void test_failover_exactly_once(void **state)
{
    (void) state;
    char n[16];
    snprintf(n, sizeof n, "%d", N_DUE);
    const char *q[1] = {n};
    pid_t second = S.second = s_second();
    assert_true(second > 0);
    harness_sleep_ms(harness_ms(S.h, 1500));
    assert_int_equal(waitpid(second, NULL, WNOHANG), 0);            /* it runs */
    /* N items due in ten minutes of business time, their urge timers too */
    PGresult *r = harness_sql(S.h,
        "WITH i AS (INSERT INTO supervise.items (district_code, id, source, source_id, title,"
        "  unit_id, due_on, registered_on, created_at, updated_at)"
        "  SELECT '330303', nextval('supervise.item_ids'), 'outcome', 900000 + g, '协商成果落实',"
        "  1 + g % 3, (core.clock_now() AT TIME ZONE 'Asia/Shanghai')::date + 30,"
        "  (core.clock_now() AT TIME ZONE 'Asia/Shanghai')::date, core.clock_now(),"
        "  core.clock_now() FROM generate_series(1, $1::int) g RETURNING id)"
        " INSERT INTO supervise.timers SELECT '330303', 'ladder.urged', id,"
        "  core.clock_now() + interval '10 minutes', NULL FROM i", 1, q);
    assert_non_null(r);
    PQclear(r);
    assert_int_equal(harness_clock_advance(S.h, 11LL * 60 * 1000000), 0);
    /* kill the holder as soon as the first steps fire */
    assert_int_equal(api_wait_sqlp(S.h, "SELECT least(count(*), 1) FROM supervise.items WHERE"
                                   " source = 'outcome' AND step = 'urged'", 1, 15000, 0, NULL),
                     1);
    long long done = harness_sql_ll(S.h, "SELECT count(*) FROM supervise.items WHERE source ="
                                         " 'outcome' AND step = 'urged'", 0, NULL);
    assert_int_equal(harness_kill(S.h, "supervise"), 0);
    fprintf(stderr, "failover: the first instance SIGKILLed after %lld of %d steps\n", done,
            N_DUE);
    assert_int_equal(api_wait_sqlp(S.h, "SELECT count(*) FROM supervise.items WHERE source ="
                                   " 'outcome' AND step = 'urged'", N_DUE, 30000, 0, NULL), N_DUE);
    assert_int_equal(harness_start(S.h, "supervise"), 0);
    harness_sleep_ms(harness_ms(S.h, 3000));
    assert_int_equal(harness_sql_ll(S.h, "SELECT count(*) FROM audit.trail a JOIN supervise.items"
                                    " i ON i.id::text = a.object_id AND a.object_type = 'item'"
                                    " WHERE a.action = 'item.urged' AND i.source = 'outcome'", 0,
                                    NULL), N_DUE);
    assert_int_equal(harness_sql_ll(S.h, "SELECT count(DISTINCT a.object_id) FROM audit.trail a"
                                    " JOIN supervise.items i ON i.id::text = a.object_id AND"
                                    " a.object_type = 'item' WHERE a.action = 'item.urged' AND"
                                    " i.source = 'outcome'", 0, NULL), N_DUE);
    assert_int_equal(harness_sql_ll(S.h, "SELECT count(*) FROM bus.events WHERE producer ="
                                    " 'supervise' AND type = 'item.urged'", 0, NULL), N_DUE + 1);
    kill(second, SIGKILL);
    waitpid(second, NULL, 0);
    S.second = 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_registered_once),   cmocka_unit_test(test_ladder_climbs),
        cmocka_unit_test(test_refusals_and_answer), cmocka_unit_test(test_lookback_reopens),
        cmocka_unit_test(test_partner_api),
        cmocka_unit_test(test_figures_and_csv),
        cmocka_unit_test(test_failover_exactly_once),
    };
    return cmocka_run_group_tests(tests, s_setup, s_teardown);
}
