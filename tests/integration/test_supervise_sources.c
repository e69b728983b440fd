/* test_supervise_sources: the promises lianxin-supervise receives from the
 * other services, played through the real services on the stack's clock
 * (never sleeping real days): a consultation's outcome assigned to a unit
 * through lianxin-consult's API becomes exactly one tracked item with that
 * unit, leader and answer date, and stays one when consult's whole stream
 * is delivered again; a rectification plan's milestones, each an item that
 * climbs the ladder and stops on the unit's progress report (the answer);
 * a proposal answered with a B reply, whose promised date comes on the
 * clock: lianxin-proposal's look-back timer publishes
 * proposal.lookback_due, which becomes one item `lookback` for the lead
 * unit, due lookback_workdays working days later, once however often it is
 * delivered. */
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
#include "ladder.h"
#include "timeutil.h"

#define D "/v1/districts/330303"
#define HOUR_US (3600LL * 1000000)
#define WAIT_MS 15000

static struct {
    harness_t *h;
    fixture_users_t u;
    char cons[24], outcome[24], letter[24], m1[24], m2[24], pid[24];
    int ready;
} S;

static int s_setup(void **state)
{
    (void) state;
    memset(&S, 0, sizeof S);
    if (!(S.h = harness_new("supervise_sources")) || harness_start_all(S.h) != 0)
        return 0;
    S.ready = fixture_login(S.h, &S.u, "office member1 unit1 unit1head unit2") == 0;
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

static long long s_wait1(const char *sql, const char *p1, long long want)
{
    const char *p[1] = {p1};
    return api_wait_sqlp(S.h, sql, want, harness_ms(S.h, WAIT_MS), 1, p);
}

static void s_post(const char *path, const char *token, const char *body, long want,
                   const char *key, char *out, size_t outsz)
{
    assert_true(api_post_key(S.h, path, token, body, want, key, out, outsz));
}

static void s_act(const char *kind, const char *id, const char *event, const char *token,
                  const char *body, long want)
{
    char path[160];
    snprintf(path, sizeof path, D "/%s/%s/%s", kind, id, event);
    s_post(path, token, body, want, NULL, NULL, 0);
}

/* Consumer supervise's cursor on `producer` back to 0, then waits until it
 * has applied the whole stream again. */
static void s_replay(const char *producer)
{
    const char *p[1] = {producer};
    assert_true(harness_sql_ll(S.h, "WITH u AS (UPDATE bus.cursors SET seq = 0 WHERE consumer ="
                               " 'supervise' AND producer = $1 RETURNING 1)"
                               " SELECT count(*) FROM u", 1, p) > 0);
    assert_int_equal(api_wait_sqlp(S.h, "SELECT count(*) FROM bus.cursors c WHERE consumer ="
                                   " 'supervise' AND producer = $1 AND seq > 0 AND seq = (SELECT"
                                   " max(seq) FROM bus.events e WHERE e.producer = $1 AND"
                                   " e.district_code = c.district_code)", 1,
                                   harness_ms(S.h, WAIT_MS), 1, p), 1);
}

/* ---- consultation.outcome_assigned ------------------------------------------------------ */

static void test_outcome_one_item(void **state)
{
    (void) state;
    assert_true(S.ready);
    char topic[24], body[256];
    s_post(D "/topics", S.u.member1, "{\"title\":\"背街小巷停车难\"}", 201, "id", topic,
           sizeof topic);
    s_act("topics", topic, "accept", S.u.office, "{\"kind\":\"public_affairs\"}", 200);
    snprintf(body, sizeof body, "{\"title\":\"背街小巷停车协商\",\"form\":\"written\","
             "\"topic_id\":\"%s\"}", topic);
    s_post(D "/consultations", S.u.office, body, 201, "id", S.cons, sizeof S.cons);
    s_act("consultations", S.cons, "add-participant", S.u.office,
          "{\"participant\":{\"role\":\"member\",\"member_id\":\"1\"}}", 200);
    s_act("consultations", S.cons, "hold", S.u.office, NULL, 200);
    s_act("consultations", S.cons, "minutes", S.u.office, "{\"text\":\"同意错时共享停车\"}", 200);
    s_act("consultations", S.cons, "publish", S.u.office, NULL, 200);
    s_act("consultations", S.cons, "outcome", S.u.office, "{\"title\":\"开放机关停车场夜间共享\","
          "\"unit_id\":\"2\",\"leader\":\"陈副区长\"}", 200);
    assert_int_equal(s_wait1("SELECT count(*) FROM supervise.items WHERE source = 'outcome'"
                             " AND $1 <> ''", S.cons, 1), 1);
    snprintf(S.outcome, sizeof S.outcome, "%lld",
             s_sql1("SELECT id FROM consult.outcomes WHERE consultation_id = $1::bigint",
                    S.cons));
    /* the item is the outcome's: its unit, its leader, the answer's date, a link back */
    assert_int_equal(s_sql1("SELECT count(*) FROM supervise.items i JOIN consult.outcomes o ON"
                            " o.district_code = i.district_code AND o.id = i.source_id WHERE"
                            " i.source = 'outcome' AND o.id = $1::bigint AND i.unit_id = 2 AND"
                            " i.due_on = o.answer_due AND i.leader = '陈副区长' AND i.title ="
                            " '开放机关停车场夜间共享' AND i.source_ref = 'consultation-' ||"
                            " o.consultation_id AND i.state = 'open' AND i.step = 'registered'",
                            S.outcome), 1);
    assert_int_equal(s_sql1("SELECT count(*) FROM supervise.timers t JOIN supervise.items i ON"
                            " i.id = t.item_id WHERE i.source = 'outcome' AND i.source_id ="
                            " $1::bigint AND t.fired_at IS NULL", S.outcome), 3);
    /* consult's stream delivered again: still one item, one registration */
    s_replay("consult");
    assert_int_equal(s_sql1("SELECT count(*) FROM supervise.items WHERE source = 'outcome' AND"
                            " source_id = $1::bigint", S.outcome), 1);
    assert_int_equal(s_sql1("SELECT count(*) FROM audit.trail a JOIN supervise.items i ON"
                            " a.object_id = i.id::text WHERE a.action = 'item.registered' AND"
                            " i.source = 'outcome' AND i.source_id = $1::bigint", S.outcome), 1);
    assert_int_equal(s_sql1("SELECT count(*) FROM bus.events WHERE producer = 'supervise' AND"
                            " type = 'item.registered' AND $1 <> ''", S.outcome), 1);
    /* the unit sees it; the other unit does not */
    char path[96];
    snprintf(path, sizeof path, D "/items/%lld",
             s_sql1("SELECT id FROM supervise.items WHERE source = 'outcome' AND source_id ="
                    " $1::bigint", S.outcome));
    assert_int_equal(api_status(S.h, "GET", path, S.u.unit2, NULL), 200);
    assert_int_equal(api_status(S.h, "GET", path, S.u.unit1, NULL), 404);
}

/* ---- rectification milestones ----------------------------------------------------------- */

/* Moves the clock to 10:00 of `day` and waits for item `id` at `step`. */
static void s_climb(const char *id, calendar_day_t day, const char *step)
{
    char sql[160];
    assert_int_equal(harness_clock_set(S.h, calendar_day_start_us(day) + 10 * HOUR_US), 0);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM supervise.items WHERE id = $1::bigint AND"
             " step = '%s'", step);
    assert_int_equal(s_wait1(sql, id, 1), 1);
}

/* The days item `id` climbs on (the installation's ladder: 5 and 5). */
static void s_plan(const char *id, ladder_plan_t *plan)
{
    ladder_cfg_t cfg = {.urge_workdays = 5, .escalate_workdays = 5};
    calendar_t *cal = fixture_calendar(S.h);
    assert_non_null(cal);
    calendar_day_t due = (calendar_day_t) s_sql1("SELECT due_on - date '1970-01-01' FROM"
                                                 " supervise.items WHERE id = $1::bigint", id);
    assert_int_equal(ladder_plan(cal, &cfg, due, LADDER_REGISTERED, fixture_today(), plan), 0);
    calendar_destroy(&cal);
    assert_int_equal(plan->when[LADDER_URGED], LADDER_SCHEDULED);
}

/* The number of `action` audit rows of item `id`. */
static long long s_steps(const char *id, const char *action)
{
    const char *p[2] = {action, id};
    return harness_sql_ll(S.h, "SELECT count(*) FROM audit.trail WHERE action = $1 AND"
                               " object_id = $2", 2, p);
}

static void s_letter_and_plan(void)
{
    char body[512], path[128], due[11], m1[11], m2[11], group[24];
    int y;
    calendar_day_to_ymd(fixture_today(), &y, NULL, NULL);
    snprintf(body, sizeof body, "{\"year\":%d,\"name\":\"第二派驻监督小组\",\"unit_id\":\"2\","
             "\"member_ids\":[\"1\",\"2\"],\"leader_id\":\"1\"}", y);
    s_post(D "/supervision/groups", S.u.office, body, 201, "id", group, sizeof group);
    fixture_date(fixture_today() + 10, due);
    snprintf(path, sizeof path, D "/supervision/groups/%s/letters", group);
    snprintf(body, sizeof body, "{\"title\":\"关于农贸市场消防通道的监督建议\",\"text\":\"建议限期"
             "清理占道\",\"due_date\":\"%s\"}", due);
    s_post(path, S.u.office, body, 201, "id", S.letter, sizeof S.letter);
    fixture_date(fixture_today() + 20, m1);
    fixture_date(fixture_today() + 35, m2);
    snprintf(path, sizeof path, D "/supervision/letters/%s/plan", S.letter);
    snprintf(body, sizeof body, "{\"milestones\":[{\"title\":\"清理东侧通道\",\"due_date\":\"%s\"},"
             "{\"title\":\"全部通道畅通并设置标识\",\"due_date\":\"%s\"}]}", m1, m2);
    s_post(path, S.u.unit2, body, 200, NULL, NULL, 0);
    snprintf(S.m1, sizeof S.m1, "%lld", s_sql1("SELECT i.id FROM supervise.items i JOIN"
             " supervise.milestones m ON m.district_code = i.district_code AND m.id ="
             " i.source_id WHERE i.source = 'milestone' AND m.letter_id = $1::bigint AND"
             " m.seq = 1", S.letter));
    snprintf(S.m2, sizeof S.m2, "%lld", s_sql1("SELECT i.id FROM supervise.items i JOIN"
             " supervise.milestones m ON m.district_code = i.district_code AND m.id ="
             " i.source_id WHERE i.source = 'milestone' AND m.letter_id = $1::bigint AND"
             " m.seq = 2", S.letter));
}

static void test_milestones_climb_and_stop(void **state)
{
    char path[128];
    ladder_plan_t p1, p2;
    (void) state;
    assert_true(S.ready);
    s_letter_and_plan();
    s_plan(S.m1, &p1);
    s_plan(S.m2, &p2);
    assert_true(p1.day[LADDER_URGED] < p2.day[LADDER_URGED]);
    /* the first milestone is urged; the unit reports its progress: the ladder stops */
    s_climb(S.m1, p1.day[LADDER_URGED], "urged");
    snprintf(path, sizeof path, D "/items/%s/answer", S.m1);
    assert_int_equal(api_status(S.h, "POST", path, S.u.unit1, "{\"text\":\"x\"}"), 404);
    s_post(path, S.u.unit2, "{\"text\":\"东侧通道已清理，摊位已迁入室内\"}", 200, NULL, NULL, 0);
    assert_int_equal(s_sql1("SELECT count(*) FROM supervise.timers WHERE item_id = $1::bigint"
                            " AND fired_at IS NULL", S.m1), 0);
    /* the second climbs to 督办 on its days, past the first's */
    s_climb(S.m2, p2.day[LADDER_URGED], "urged");
    s_climb(S.m2, p2.day[LADDER_FOLLOWED], "followed");
    s_climb(S.m2, p2.day[LADDER_SUPERVISED], "supervised");
    harness_sleep_ms(harness_ms(S.h, 3000));        /* a tick more: nothing fires twice */
    assert_true(p1.day[LADDER_SUPERVISED] <= p2.day[LADDER_SUPERVISED]);
    assert_int_equal(s_sql1("SELECT count(*) FROM supervise.items WHERE id = $1::bigint AND"
                            " state = 'answered' AND step = 'urged'", S.m1), 1);
    assert_int_equal(s_steps(S.m1, "item.urged"), 1);
    assert_int_equal(s_steps(S.m1, "item.followed"), 0);
    assert_int_equal(s_steps(S.m1, "item.supervised"), 0);
    assert_int_equal(s_steps(S.m2, "item.urged"), 1);
    assert_int_equal(s_steps(S.m2, "item.followed"), 1);
    assert_int_equal(s_steps(S.m2, "item.supervised"), 1);
    /* its answer stops it too; the office confirms the closure */
    snprintf(path, sizeof path, D "/items/%s/answer", S.m2);
    s_post(path, S.u.unit2, "{\"text\":\"全部通道畅通，标识已设置\"}", 200, NULL, NULL, 0);
    snprintf(path, sizeof path, D "/items/%s/close", S.m2);
    s_post(path, S.u.office, "{\"note\":\"现场核实\"}", 200, NULL, NULL, 0);
    assert_int_equal(s_sql1("SELECT count(*) FROM supervise.items WHERE id = $1::bigint AND"
                            " state = 'closed' AND step = 'supervised'", S.m2), 1);
}

/* ---- proposal.lookback_due -------------------------------------------------------------- */

static void s_proposal(const char *event, const char *token, const char *body)
{
    char path[128];
    snprintf(path, sizeof path, D "/proposals/%s/%s", S.pid, event);
    assert_int_equal(api_status(S.h, "POST", path, token, body), 200);
}

static void test_lookback_from_proposal(void **state)
{
    char body[256], promised[11], item[24];
    calendar_day_t pday, due;
    (void) state;
    assert_true(S.ready);
    s_post(D "/proposals", S.u.member1, "{\"title\":\"关于增设社区托育点的建议\",\"reasons\":"
           "\"双职工家庭托育难\",\"measures\":\"每个街道设一处托育点\",\"category\":\"transport\","
           "\"unit_ids\":[\"1\"]}", 201, "id", S.pid, sizeof S.pid);
    s_proposal("submit", S.u.member1, NULL);
    s_proposal("accept", S.u.office, NULL);
    s_proposal("assign", S.u.office, "{\"lead_unit_id\":\"1\",\"leader\":\"周副区长\","
                                     "\"workdays\":20}");
    assert_int_equal(s_wait1("SELECT count(*) FROM supervise.items WHERE source = 'proposal'"
                             " AND source_id = $1::bigint", S.pid, 1), 1);
    /* a B reply: the promise is kept by `promised` */
    assert_int_equal(fixture_workday_from(S.h, fixture_today() + 15, &pday), 0);
    fixture_date(pday, promised);
    snprintf(body, sizeof body, "{\"class\":\"b\",\"text\":\"已选定两处场地，年内建成\","
             "\"promised_date\":\"%s\"}", promised);
    s_proposal("reply", S.u.unit1head, body);
    assert_int_equal(s_wait1("SELECT count(*) FROM supervise.items WHERE source = 'proposal'"
                             " AND source_id = $1::bigint AND state = 'answered'", S.pid, 1), 1);
    assert_int_equal(s_sql1("SELECT count(*) FROM supervise.items WHERE source = 'lookback' AND"
                            " source_id = $1::bigint", S.pid), 0);
    /* the promised day comes: proposal's timer publishes proposal.lookback_due */
    assert_int_equal(harness_clock_set(S.h, calendar_day_start_us(pday) + 10 * HOUR_US), 0);
    assert_int_equal(s_wait1("SELECT count(*) FROM supervise.items WHERE source = 'lookback'"
                             " AND source_id = $1::bigint", S.pid, 1), 1);
    assert_int_equal(s_sql1("SELECT count(*) FROM bus.events WHERE producer = 'proposal' AND"
                            " type = 'proposal.lookback_due' AND $1 <> ''", S.pid), 1);
    calendar_t *cal = fixture_calendar(S.h);
    assert_non_null(cal);
    assert_int_equal(calendar_add_workdays(cal, pday, 10, &due), 0);  /* lookback_workdays */
    calendar_destroy(&cal);
    fixture_date(due, body);
    const char *q[2] = {S.pid, body};
    assert_int_equal(harness_sql_ll(S.h, "SELECT count(*) FROM supervise.items WHERE source ="
                                    " 'lookback' AND source_id = $1::bigint AND unit_id = 1 AND"
                                    " leader = '周副区长' AND due_on = $2::date AND state = 'open'"
                                    " AND title LIKE '%承诺落实情况%'", 2, q), 1);
    /* proposal's stream again: one item, one registration */
    s_replay("proposal");
    snprintf(item, sizeof item, "%lld", s_sql1("SELECT id FROM supervise.items WHERE source ="
                                               " 'lookback' AND source_id = $1::bigint", S.pid));
    assert_int_equal(s_sql1("SELECT count(*) FROM supervise.items WHERE source = 'lookback' AND"
                            " source_id = $1::bigint", S.pid), 1);
    assert_int_equal(s_steps(item, "item.registered"), 1);
    /* the unit reports whether the promise was kept: the ladder stops */
    snprintf(body, sizeof body, D "/items/%s/answer", item);
    s_post(body, S.u.unit1, "{\"text\":\"两处托育点已建成开园\"}", 200, NULL, NULL, 0);
    assert_int_equal(s_sql1("SELECT count(*) FROM supervise.timers WHERE item_id = $1::bigint"
                            " AND fired_at IS NULL", item), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_outcome_one_item),
        cmocka_unit_test(test_milestones_climb_and_stop),
        cmocka_unit_test(test_lookback_from_proposal),
    };
    return cmocka_run_group_tests(tests, s_setup, s_teardown);
}
