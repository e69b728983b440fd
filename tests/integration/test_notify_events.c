/* test_notify_events: notify's rules as data against the real stack. Events
 * of the consult and supervise streams (appended to bus.events through the
 * outbox, as those services will) reach the people their rules name: the
 * invited members, the unit of an urged item and of an assigned outcome,
 * the leaders of an item at 督办 (one role item, read per leader); a
 * restart adds nothing (exactly once); the member reads the item through
 * the API, the text rendered from the template. A rules file with an
 * unknown variable stops notify from starting; the shipped one starts it
 * again. Dates come from the stack's clock. Must never skip. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "consult.pb-c.h"
#include "supervise.pb-c.h"
#include "db.h"
#include "timeutil.h"
#include "tx.h"
#include "api_util.h"
#include "fixtures.h"
#include "harness.h"

#define D "330303"
#define WAIT_MS 15000

static struct {
    harness_t *h;
    fixture_users_t u;
    long long member1, member2, unit1;
    int ready;
} S;

static int s_setup(void **state)
{
    (void) state;
    memset(&S, 0, sizeof S);
    if (!(S.h = harness_new("notify_events")) || harness_start_all(S.h) != 0)
        return 0;
    S.ready = fixture_login(S.h, &S.u, "member1 unit1 leader") == 0;
    S.member1 = fixture_member_of(S.h, "member1");
    S.member2 = fixture_member_of(S.h, "member2");
    S.unit1 = harness_sql_ll(S.h, "SELECT unit_id FROM auth.users WHERE username = 'unit1'",
                             0, NULL);
    S.ready &= S.member1 > 0 && S.member2 > 0 && S.unit1 > 0;
    return 0;
}

static int s_teardown(void **state)
{
    (void) state;
    harness_destroy(&S.h);
    fixture_logout(&S.u);
    return 0;
}

/* Appends one event of `producer` through the outbox (common/tx.c), as the
 * producing service does; notify takes it from bus.events. */
static void s_append(const char *producer, const char *type, const ProtobufCMessage *payload)
{
    db_t *db = db_new(harness_dsn(S.h));
    tx_t *tx = tx_new(producer);
    assert_non_null(db);
    assert_non_null(tx);
    assert_int_equal(tx_begin(tx, db), 0);
    assert_int_equal(tx_event(tx, D, type, NULL, payload), 0);
    assert_int_equal(tx_commit(tx), 0);
    tx_destroy(&tx);
    db_destroy(&db);
}

/* A date `days` after the stack's today, YYYY-MM-DD, and its "M月D日". */
static void s_date(int days, char *iso, size_t isosz, char *md, size_t mdsz)
{
    int y, m, d;
    time_ymd(time_now_us() + (int64_t) days * 86400 * 1000000, &y, &m, &d);
    snprintf(iso, isosz, "%04d-%02d-%02d", y, m, d);
    snprintf(md, mdsz, "%d月%d日", m, d);
}

static long long s_items(const char *kind, const char *rkind)
{
    char sql[300];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM notify.inbox WHERE district_code = '" D
             "' AND kind = '%s' AND recipient_kind = '%s'", kind, rkind);
    return harness_sql_ll(S.h, sql, 0, NULL);
}

/* 1 when the JSON reply holds `text` somewhere. */
static int s_has(const json_t *j, const char *text)
{
    char *dump = json_dumps(j, 0);
    int hit = dump && strstr(dump, text) != NULL;
    free(dump);
    return hit;
}

static void test_consult_and_supervise_events(void **state)
{
    char iso[48], md[48], want[256];
    int64_t members[] = { S.member1, S.member2, S.member1 };
    (void) state;
    assert_true(S.ready);
    s_date(9, iso, sizeof iso, md, sizeof md);

    Lianxin__V1__ConsultationChanged c = LIANXIN__V1__CONSULTATION_CHANGED__INIT;
    c.consultation_id = 501;
    c.event = "scheduled";
    c.title = "老旧小区改造协商";
    c.starts_at = iso;
    c.member_ids = members;
    c.n_member_ids = 3;
    s_append("consult", "consultation.scheduled", &c.base);
    Lianxin__V1__OutcomeAssigned o = LIANXIN__V1__OUTCOME_ASSIGNED__INIT;
    o.consultation_id = 501;
    o.outcome_id = 77;
    o.title = "增设充电桩";
    o.consultation_title = c.title;
    o.unit_id = S.unit1;
    o.answer_due = iso;
    o.close_due = iso;
    s_append("consult", "consultation.outcome_assigned", &o.base);
    Lianxin__V1__ItemChanged it = LIANXIN__V1__ITEM_CHANGED__INIT;
    it.item_id = 31;
    it.title = "背街小巷照明";
    it.source_ref = "2026-0031";
    it.unit_id = S.unit1;
    it.due_date = iso;
    it.leader = "李副主席";
    s_append("supervise", "item.urged", &it.base);
    s_append("supervise", "item.supervised", &it.base);
    s_append("supervise", "item.registered", &it.base);     /* no rule: nobody told */

    assert_int_equal(api_wait_sql(S.h, "SELECT count(*) FROM notify.inbox WHERE district_code = '"
                                  D "' AND kind = 'consultation.scheduled'", 2, WAIT_MS), 2);
    assert_int_equal(api_wait_sql(S.h, "SELECT count(*) FROM notify.inbox WHERE district_code = '"
                                  D "' AND kind = 'item.supervised'", 2, WAIT_MS), 2);
    assert_int_equal(s_items("consultation.outcome_assigned", "unit"), 1);
    assert_int_equal(s_items("item.urged", "unit"), 1);
    assert_int_equal(s_items("item.supervised", "role:leader"), 1);
    assert_int_equal(s_items("item.supervised", "unit"), 1);
    assert_int_equal(harness_sql_ll(S.h, "SELECT count(*) FROM notify.inbox WHERE kind ="
                                    " 'item.registered'", 0, NULL), 0);
    /* one row per (event, recipient kind): the two members share one item */
    assert_int_equal(harness_sql_ll(S.h, "SELECT count(*) FROM notify.items WHERE kind ="
                                    " 'consultation.scheduled' AND cardinality(recipient_ids)"
                                    " = 2", 0, NULL), 1);

    /* exactly once: a restart catches up from the cursor and adds nothing */
    long long before = harness_sql_ll(S.h, "SELECT count(*) FROM notify.inbox", 0, NULL);
    assert_int_equal(harness_restart(S.h, "notify"), 0);
    harness_sleep_ms(harness_ms(S.h, 1500));
    assert_int_equal(harness_sql_ll(S.h, "SELECT count(*) FROM notify.inbox", 0, NULL), before);

    /* the member reads it, the text from the template */
    http_resp_t r;
    harness_get(S.h, "/v1/districts/" D "/inbox?unread=true", S.u.member1, &r);
    assert_int_equal(r.status, 200);
    json_t *items = json_object_get(r.json, "items"), *item = NULL, *x;
    size_t i;
    json_array_foreach(items, i, x)
        if (strcmp(json_string_value(json_object_get(x, "kind")), "consultation.scheduled") == 0)
            item = x;
    assert_non_null(item);
    assert_string_equal(json_string_value(json_object_get(item, "title")), "协商活动邀请");
    snprintf(want, sizeof want, "您受邀参加协商活动《老旧小区改造协商》，时间：%s，请准时出席；"
             "不能出席请向办公室请假。", md);
    assert_string_equal(json_string_value(json_object_get(item, "body")), want);
    char path[128];
    snprintf(path, sizeof path, "/v1/districts/" D "/inbox/%s/read",
             json_string_value(json_object_get(item, "id")));
    http_resp_clear(&r);
    harness_post(S.h, path, S.u.member1, "{}", &r);
    assert_int_equal(r.status, 200);
    http_resp_clear(&r);
    /* read for member1 only: member2's copy of the same item stays unread */
    assert_int_equal(harness_sql_ll(S.h, "SELECT count(*) FROM notify.inbox WHERE kind ="
                                    " 'consultation.scheduled' AND read_at IS NOT NULL", 0, NULL),
                     1);
    /* the unit sees its urged item; the leader the role item */
    harness_get(S.h, "/v1/districts/" D "/inbox", S.u.unit1, &r);
    assert_int_equal(r.status, 200);
    assert_true(s_has(r.json, "督办事项催办"));
    http_resp_clear(&r);
    harness_get(S.h, "/v1/districts/" D "/inbox", S.u.leader, &r);
    assert_int_equal(r.status, 200);
    assert_true(s_has(r.json, "督办事项提请领导督办"));
    http_resp_clear(&r);
}

/* A template naming a field the payload does not have: notify refuses to
 * start; the shipped rules start it again. */
static void test_bad_template_refused_at_start(void **state)
{
    char dir[512], path[600], cmd[4096];
    (void) state;
    assert_true(S.ready);
    snprintf(dir, sizeof dir, "%s/badrules", harness_dir(S.h));
    const char *rules = harness_conf(S.h, "notify.rules");
    assert_non_null(rules);
    snprintf(cmd, sizeof cmd, "mkdir -p '%s/templates' && cp '%s' '%s/' && cp \"$(dirname '%s')\""
             "/templates/*.txt '%s/templates/' && printf '督办事项催办\\n请于{{due_day|md}}前办理。'"
             " > '%s/templates/item.urged.inbox.txt'", dir, rules, dir, rules, dir, dir);
    assert_int_equal(system(cmd), 0);
    snprintf(path, sizeof path, "%s/rules.json", dir);
    char shipped[600];
    snprintf(shipped, sizeof shipped, "%s", rules);
    assert_int_equal(harness_stop(S.h, "notify"), 0);
    assert_int_equal(harness_set(S.h, "notify.rules", path), 0);
    assert_int_equal(harness_start(S.h, "notify"), -1);
    assert_int_equal(harness_alive(S.h, "notify"), 0);
    assert_int_equal(harness_set(S.h, "notify.rules", shipped), 0);
    assert_int_equal(harness_start(S.h, "notify"), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_consult_and_supervise_events),
        cmocka_unit_test(test_bad_template_refused_at_start),
    };
    return cmocka_run_group_tests(tests, s_setup, s_teardown);
}
