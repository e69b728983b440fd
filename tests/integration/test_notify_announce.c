/* test_notify_announce: the office's side of notify on the real stack.
 * Contacts: a member sets their own (checked: phone ^1[0-9]{10}$, an
 * e-mail address; 400 with the field), the office sets a member's, both
 * answered and listed masked only, audited, never in notify's log.
 * Announcements (通知公告): the office sends one to listed members; each
 * gets an inbox item and an e-mail (loopback SMTP); the office sees who has
 * read it and who has not; a reminder goes to the unread only, audited,
 * once per press; when all have read, 409. A notice to every member
 * reaches every active member of core. /metrics: the deliveries counted by
 * channel and status as notify.deliveries holds them. Must never skip. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "api_util.h"
#include "fixtures.h"
#include "harness.h"
#include "notify_util.h"
#include "sinks.h"

#define D "330303"
#define WAIT_MS 20000

static struct {
    harness_t *h;
    fixture_users_t u;
    long long member1, member2;
    sink_t smtp;
    int ready;
} S;

static int s_setup(void **state)
{
    (void) state;
    memset(&S, 0, sizeof S);
    if (!(S.h = harness_new("notify_announce")) || harness_start_all(S.h) != 0)
        return 0;
    if (sink_start(S.h, &S.smtp, "smtp", "smtp", "0") != 0)
        return 0;
    S.ready = fixture_login(S.h, &S.u, "office member1 member2") == 0;
    S.member1 = fixture_member_of(S.h, "member1");
    S.member2 = fixture_member_of(S.h, "member2");
    S.ready &= notify_util_channels(S.h, S.smtp.port, 0) == 0;
    S.ready &= harness_restart(S.h, "notify") == 0;
    S.ready &= S.member1 > 0 && S.member2 > 0;
    return 0;
}

static int s_teardown(void **state)
{
    (void) state;
    sink_stop(&S.smtp);
    harness_destroy(&S.h);
    fixture_logout(&S.u);
    return 0;
}

static long long s_ll(const char *fmt, long long a)
{
    char sql[600];
    snprintf(sql, sizeof sql, fmt, a);
    return harness_sql_ll(S.h, sql, 0, NULL);
}

static void test_contacts(void **state)
{
    http_resp_t r;
    char body[300];
    (void) state;
    assert_true(S.ready);
    const char *me = "/v1/districts/" D "/me/contact", *all = "/v1/districts/" D "/contacts";
    api_req(S.h, "PUT", me, S.u.member1, "{\"email\":\"m1@example.org\",\"phone\":\"23800000001\"}",
            400, &r);
    assert_string_equal(http_error_field(&r, "phone"), "invalid");
    http_resp_clear(&r);
    api_req(S.h, "PUT", me, S.u.member1, "{\"email\":\"m1-at-example.org\"}", 400, &r);
    assert_string_equal(http_error_field(&r, "email"), "invalid");
    http_resp_clear(&r);
    api_req(S.h, "PUT", me, S.u.member1,
            "{\"email\":\"m1@example.org\",\"phone\":\"13800000001\"}", 200, &r);
    assert_string_equal(api_str(r.json, "email"), "m***@example.org");
    assert_string_equal(api_str(r.json, "phone"), "*******0001");
    http_resp_clear(&r);
    /* a member sets nobody else's */
    snprintf(body, sizeof body, "{\"recipient_kind\":\"member\",\"recipient_id\":%lld,"
             "\"email\":\"x@example.org\"}", S.member2);
    assert_int_equal(api_status(S.h, "PUT", all, S.u.member1, body), 403);
    assert_int_equal(api_status(S.h, "PUT", me, S.u.member1, body), 403);
    snprintf(body, sizeof body, "{\"recipient_kind\":\"member\",\"recipient_id\":%lld,"
             "\"email\":\"m2@example.org\"}", S.member2);
    assert_int_equal(api_status(S.h, "PUT", all, S.u.office, body), 200);
    assert_int_equal(api_status(S.h, "PUT", all, S.u.office, "{\"recipient_kind\":\"member\","
                                "\"recipient_id\":987654,\"phone\":\"13800000009\"}"), 404);
    api_req(S.h, "GET", "/v1/districts/" D "/contacts?kind=member&limit=100", S.u.office, NULL,
            200, &r);
    assert_null(strstr(r.raw, "13800000001"));
    assert_null(strstr(r.raw, "m1@example.org"));
    assert_non_null(strstr(r.raw, "*******0001"));
    assert_non_null(strstr(r.raw, "m***@example.org"));
    http_resp_clear(&r);
    api_req(S.h, "GET", me, S.u.member1, NULL, 200, &r);
    assert_string_equal(api_str(r.json, "phone"), "*******0001");
    http_resp_clear(&r);
    assert_int_equal(api_status(S.h, "GET", all, S.u.member1, NULL), 403);
    assert_int_equal(harness_sql_ll(S.h, "SELECT count(*) FROM audit.trail WHERE action ="
                                    " 'notify.contact'", 0, NULL), 2);
    assert_int_equal(s_ll("SELECT count(*) FROM notify.contacts WHERE recipient_id = %lld"
                          " AND phone = '13800000001' AND email = 'm1@example.org'", S.member1), 1);
    char cmd[700];                              /* never in notify's log */
    snprintf(cmd, sizeof cmd, "grep -c -e '13800000001' -e 'm1@example.org' '%s/notify.log'"
             " >/dev/null", harness_dir(S.h));
    assert_int_not_equal(system(cmd), 0);
}

/* The id of member's newest inbox item of `kind`, 0 when none. */
static long long s_item(const char *token, const char *kind)
{
    http_resp_t r;
    long long id = 0;
    api_req(S.h, "GET", "/v1/districts/" D "/inbox?limit=50", token, NULL, 200, &r);
    json_t *items = json_object_get(r.json, "items"), *it;
    size_t i;
    json_array_foreach(items, i, it) {
        if (strcmp(api_str(it, "kind"), kind) == 0) {
            id = atoll(api_str(it, "id"));
            break;
        }
    }
    http_resp_clear(&r);
    return id;
}

static void s_read(const char *token, long long item)
{
    char path[120];
    snprintf(path, sizeof path, "/v1/districts/" D "/inbox/%lld/read", item);
    assert_int_equal(api_status(S.h, "POST", path, token, "{}"), 200);
}

static void test_announcement_read_receipts(void **state)
{
    http_resp_t r;
    char body[400], path[120];
    (void) state;
    assert_true(S.ready);
    const char *base = "/v1/districts/" D "/announcements";
    api_req(S.h, "POST", base, S.u.office, "{\"title\":\" \",\"body\":\"x\",\"audience\":\"sector\"}",
            400, &r);
    assert_string_equal(http_error_field(&r, "title"), "required");
    assert_string_equal(http_error_field(&r, "group_id"), "required");
    http_resp_clear(&r);
    api_req(S.h, "POST", base, S.u.office, "{\"title\":\"t\",\"body\":\"x\",\"audience\":\"all\"}",
            400, &r);
    assert_string_equal(http_error_field(&r, "audience"), "unknown_value");
    http_resp_clear(&r);
    snprintf(body, sizeof body, "{\"title\":\"关于召开全体会议的通知\",\"body\":\"请于下周一上午九时"
             "到机关二楼会议室参加会议。\",\"audience\":\"list\",\"member_ids\":[%lld,%lld]}",
             S.member1, S.member2);
    assert_int_equal(api_status(S.h, "POST", base, S.u.member1, body), 403);
    api_req(S.h, "POST", base, S.u.office, body, 200, &r);
    long long id = atoll(api_str(r.json, "id"));
    assert_true(id > 0);
    assert_int_equal(json_integer_value(json_object_get(r.json, "recipients")), 2);
    http_resp_clear(&r);
    assert_int_equal(sink_wait(&S.smtp, "关于召开全体会议的通知", 2, WAIT_MS), 2);
    assert_int_equal(sink_count(&S.smtp, "m2@example.org"), 1);
    long long item1 = s_item(S.u.member1, "announcement");
    assert_true(item1 > 0);
    assert_true(s_item(S.u.member2, "announcement") > 0);

    s_read(S.u.member1, item1);
    snprintf(path, sizeof path, "%s/%lld", base, id);
    api_req(S.h, "GET", path, S.u.office, NULL, 200, &r);
    json_t *rc = json_object_get(r.json, "recipients");
    assert_int_equal(json_array_size(rc), 2);
    assert_int_equal(atoll(api_str(json_array_get(rc, 0), "recipient_id")), S.member2);
    assert_true(json_is_null(json_object_get(json_array_get(rc, 0), "read_at")));
    assert_int_equal(atoll(api_str(json_array_get(rc, 1), "recipient_id")), S.member1);
    assert_true(json_is_string(json_object_get(json_array_get(rc, 1), "read_at")));
    http_resp_clear(&r);
    api_req(S.h, "GET", base, S.u.office, NULL, 200, &r);
    json_t *first = json_array_get(json_object_get(r.json, "items"), 0);
    assert_int_equal(json_integer_value(json_object_get(first, "read")), 1);
    assert_int_equal(json_integer_value(json_object_get(first, "recipients")), 2);
    http_resp_clear(&r);

    /* a reminder: the unread only, once per press, audited */
    snprintf(path, sizeof path, "%s/%lld/remind", base, id);
    assert_int_equal(api_status(S.h, "POST", path, S.u.member1, "{}"), 403);
    api_req(S.h, "POST", path, S.u.office, "{}", 200, &r);
    assert_int_equal(json_integer_value(json_object_get(r.json, "reminded")), 1);
    http_resp_clear(&r);
    long long rem2 = s_item(S.u.member2, "announcement.reminder");
    assert_true(rem2 > 0);
    assert_int_equal(s_item(S.u.member1, "announcement.reminder"), 0);
    assert_int_equal(sink_wait(&S.smtp, "提醒：关于召开全体会议的通知", 1, WAIT_MS), 1);
    assert_int_equal(s_ll("SELECT count(*) FROM audit.trail WHERE action ="
                          " 'notify.announce_remind' AND object_id = '%lld'", id), 1);
    assert_int_equal(s_ll("SELECT count(*) FROM audit.trail WHERE action = 'notify.announce'"
                          " AND object_id = '%lld'", id), 1);
    s_read(S.u.member2, rem2);                  /* reading the reminder reads the notice */
    api_req(S.h, "POST", path, S.u.office, "{}", 409, &r);
    assert_string_equal(http_error_code(&r), "all_read");
    http_resp_clear(&r);
    assert_int_equal(sink_count(&S.smtp, "提醒："), 1);
}

static void test_announcement_to_all_members(void **state)
{
    http_resp_t r;
    (void) state;
    assert_true(S.ready);
    api_req(S.h, "POST", "/v1/districts/" D "/announcements", S.u.office,
            "{\"title\":\"年度履职报告提交通知\",\"body\":\"请各位委员按时提交年度履职报告。\","
            "\"audience\":\"members\"}", 200, &r);
    long long want = harness_sql_ll(S.h, "SELECT count(*) FROM core.members WHERE district_code"
                                    " = '" D "' AND active", 0, NULL);
    assert_true(want > 2);
    assert_int_equal(json_integer_value(json_object_get(r.json, "recipients")), want);
    long long id = atoll(api_str(r.json, "id"));
    http_resp_clear(&r);
    assert_int_equal(s_ll("SELECT sum(cardinality(recipient_ids)) FROM notify.items WHERE"
                          " source_producer = 'announce:%lld'", id), want);
    assert_true(s_item(S.u.member2, "announcement") > 0);
}

/* /metrics: per channel and status, as notify.deliveries holds them (the
 * gateway samples every 5 s). */
static void test_metrics(void **state)
{
    http_resp_t r;
    char want[160];
    (void) state;
    assert_true(S.ready);
    assert_int_equal(api_wait_sql(S.h, "SELECT count(*) FROM notify.deliveries WHERE status"
                                  " = 'sent' AND channel = 'email'", 5, WAIT_MS), 5);
    assert_int_equal(harness_sql_ll(S.h, "SELECT count(*) FROM notify.deliveries WHERE status"
                                    " IN ('pending', 'sending')", 0, NULL), 0);
    long long sent = harness_sql_ll(S.h, "SELECT count(*) FROM notify.deliveries WHERE channel"
                                    " = 'email' AND status = 'sent'", 0, NULL);
    assert_true(sent >= 5);
    snprintf(want, sizeof want, "lianxin_notify_deliveries{channel=\"email\",status=\"sent\"}"
             " %lld\n", sent);
    int found = 0;
    for (int i = 0; i < 40 && !found; i++) {
        harness_get(S.h, "/metrics", NULL, &r);
        found = r.status == 200 && strstr(r.raw, want) != NULL;
        if (!found && i == 39)
            fprintf(stderr, "metrics:\n%s\n", strstr(r.raw, "lianxin_notify") ? strstr(r.raw,
                          "lianxin_notify") : r.raw + (r.raw_len > 1500 ? r.raw_len - 1500 : 0));
        http_resp_clear(&r);
        if (!found)
            harness_sleep_ms(500);
    }
    if (!found) {                               /* what the gateway's role sees */
        PGresult *q = harness_sql(S.h, "SET ROLE lianxin_gateway", 0, NULL);
        if (q)
            PQclear(q);
        print_message("samples as gateway: %lld\n",
                      harness_sql_ll(S.h, "SELECT count(*) FROM metrics.sample()", 0, NULL));
        if ((q = harness_sql(S.h, "RESET ROLE", 0, NULL)))
            PQclear(q);
    }
    assert_true(found);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_contacts),
        cmocka_unit_test(test_announcement_read_receipts),
        cmocka_unit_test(test_announcement_to_all_members),
        cmocka_unit_test(test_metrics),
    };
    return cmocka_run_group_tests(tests, s_setup, s_teardown);
}
