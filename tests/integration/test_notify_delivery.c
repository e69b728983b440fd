/* test_notify_delivery: notify's external deliveries against real servers on
 * loopback (tests/integration/notify_sinks.py: aiosmtpd for e-mail, a small
 * HTTP receiver for the SMS gateway). An invitation reaches member1 by
 * e-mail (SMTP, the idempotency key in the message) and SMS (the gateway's
 * bearer token and the same kind of key); a dead SMS gateway ends the
 * delivery in dead-letter with the error kept after the configured tries,
 * and the inbox item is written at once regardless; an SMS due at 23:00 on
 * the test clock is deferred to 08:00 and sent when the clock gets there;
 * the office retries a dead delivery by hand; a partner's webhook endpoint
 * that fails 3 times then succeeds gets the referral, every try with the
 * same idempotency key and a valid HMAC-SHA256 signature; a member who keeps
 * SMS only gets no e-mail. Dates and hours come from the
 * stack's clock. Must never skip. */
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
#include "channels.h"
#include "consult.pb-c.h"
#include "supervise.pb-c.h"
#include "db.h"
#include "timeutil.h"
#include "tx.h"
#include "api_util.h"
#include "fixtures.h"
#include "harness.h"
#include "notify_util.h"
#include "sinks.h"

#define D "330303"
#define WAIT_MS 20000
#define HOUR_US (3600LL * 1000000)
#define DAY_US (24 * HOUR_US)
#define LOCAL_US (8 * HOUR_US)

static struct {
    harness_t *h;
    fixture_users_t u;
    long long member1, member2;
    sink_t smtp, sms, hook;
    int64_t day10;                  /* 10:00 local of the day the test runs in */
    int ready;
} S;

static void s_conf(const char *key, const char *fmt, ...)
{
    char v[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(v, sizeof v, fmt, ap);
    va_end(ap);
    assert_int_equal(harness_set(S.h, key, v), 0);
}

static int s_setup(void **state)
{
    (void) state;
    memset(&S, 0, sizeof S);
    if (!(S.h = harness_new("notify_delivery")) || harness_start_all(S.h) != 0)
        return 0;
    if (sink_start(S.h, &S.smtp, "smtp", "smtp", "0") != 0
        || sink_start(S.h, &S.sms, "sms", "http", "0") != 0)
        return 0;
    S.ready = fixture_login(S.h, &S.u, "office member1") == 0;
    S.member1 = fixture_member_of(S.h, "member1");
    S.member2 = fixture_member_of(S.h, "member2");
    char sql[600];
    snprintf(sql, sizeof sql, "INSERT INTO notify.contacts (district_code, recipient_kind,"
             " recipient_id, email, phone) VALUES ('" D "', 'member', %lld, 'm1@example.org',"
             " '13800000001'), ('" D "', 'member', %lld, NULL, '13800000002')",
             S.member1, S.member2);
    harness_sql_ll(S.h, sql, 0, NULL);
    /* daytime on the test clock: the next 10:00 (UTC+8) from now */
    int64_t now = time_now_us(), local = now + LOCAL_US;
    S.day10 = local - local % DAY_US + 10 * HOUR_US - LOCAL_US;
    if (S.day10 <= now)
        S.day10 += DAY_US;
    S.ready &= harness_clock_set(S.h, S.day10) == 0;
    S.ready &= S.member1 > 0 && S.member2 > 0;
    return 0;
}

static int s_teardown(void **state)
{
    (void) state;
    sink_stop(&S.smtp);
    sink_stop(&S.sms);
    sink_stop(&S.hook);
    harness_destroy(&S.h);
    fixture_logout(&S.u);
    return 0;
}

/* Restarts notify with the SMS gateway at `sms_port` and fast retries. */
static void s_notify_with(int sms_port)
{
    s_conf("notify.smtp_url", "smtp://127.0.0.1:%d", S.smtp.port);
    s_conf("notify.smtp_from", "lianxin@example.org");
    s_conf("notify.sms_url", "http://127.0.0.1:%d/sms", sms_port);
    s_conf("notify.sms_token", "t0ken");
    s_conf("notify.retry_max", "3");
    s_conf("notify.retry_base_ms", "100");
    s_conf("notify.retry_cap_ms", "400");
    s_conf("notify.deliver_poll_ms", "50");
    assert_int_equal(harness_restart(S.h, "notify"), 0);
}

static long long s_status(const char *channel, long long seq, const char *status)
{
    char sql[400];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM notify.deliveries WHERE channel = '%s'"
             " AND idem_key LIKE '" D "/consult/%lld/%%' AND status = '%s'", channel, seq, status);
    return api_wait_sql(S.h, sql, 1, WAIT_MS);
}

static void test_email_and_sms_delivered(void **state)
{
    char key[200];
    (void) state;
    assert_true(S.ready);
    s_notify_with(S.sms.port);
    long long seq = notify_util_invite(S.h, D, S.member1, "营商环境专题协商");
    assert_int_equal(s_status("email", seq, "sent"), 1);
    assert_int_equal(s_status("sms", seq, "sent"), 1);
    snprintf(key, sizeof key, "\"key\": \"" D "/consult/%lld/email/member/%lld\"", seq, S.member1);
    assert_int_equal(sink_wait(&S.smtp, key, 1, WAIT_MS), 1);
    assert_int_equal(sink_count(&S.smtp, "\"subject\": \"【政协连心】协商活动邀请\""), 1);
    assert_int_equal(sink_count(&S.smtp, "m1@example.org"), 1);
    assert_int_equal(sink_count(&S.smtp, "营商环境专题协商"), 1);
    snprintf(key, sizeof key, "\"Idempotency-Key\": \"" D "/consult/%lld/sms/member/%lld\"", seq,
             S.member1);
    assert_int_equal(sink_wait(&S.sms, key, 1, WAIT_MS), 1);
    assert_int_equal(sink_count(&S.sms, "Bearer t0ken"), 1);
    assert_int_equal(sink_count(&S.sms, "13800000001"), 1);
    /* member2 has a phone only: an SMS, no e-mail */
    assert_int_equal(harness_sql_ll(S.h, "SELECT count(*) FROM notify.deliveries WHERE"
                                    " channel = 'email' AND recipient_id <> (SELECT member_id"
                                    " FROM auth.users WHERE username = 'member1')", 0, NULL), 0);
}

static void test_dead_sms_gateway(void **state)
{
    (void) state;
    assert_true(S.ready);
    sink_t dead = {0};
    assert_int_equal(sink_start(S.h, &dead, "dead", "http", "0"), 0);   /* a port, then nobody on it */
    sink_stop(&dead);
    s_notify_with(dead.port);
    int64_t t0 = harness_now_ms();
    long long seq = notify_util_invite(S.h, D, S.member2, "社区养老协商");
    char sql[300];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM notify.inbox WHERE source_producer ="
             " 'consult' AND source_seq = %lld", seq);
    assert_int_equal(api_wait_sql(S.h, sql, 1, WAIT_MS), 1);
    int64_t inbox_ms = harness_now_ms() - t0;
    assert_int_equal(s_status("sms", seq, "dead"), 1);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM notify.deliveries WHERE idem_key LIKE '" D
             "/consult/%lld/sms/%%' AND attempts = 3 AND last_error LIKE '%%onnect%%'", seq);
    assert_int_equal(harness_sql_ll(S.h, sql, 0, NULL), 1);
    /* the inbox did not wait for the gateway's three failed tries */
    print_message("inbox item after %lld ms\n", (long long) inbox_ms);
    assert_true(inbox_ms < 5000);

    /* the office retries it by hand once the gateway is back */
    s_notify_with(S.sms.port);
    snprintf(sql, sizeof sql, "SELECT id FROM notify.deliveries WHERE idem_key LIKE '" D
             "/consult/%lld/sms/%%'", seq);
    long long id = harness_sql_ll(S.h, sql, 0, NULL);
    char path[200];
    http_resp_t r;
    snprintf(path, sizeof path, "/v1/districts/" D "/notifications/%lld/retry", id);
    harness_post(S.h, path, S.u.member1, "{}", &r);
    assert_int_equal(r.status, 403);                    /* the office's, not a member's */
    http_resp_clear(&r);
    harness_post(S.h, path, S.u.office, "{}", &r);
    assert_int_equal(r.status, 200);
    http_resp_clear(&r);
    assert_int_equal(s_status("sms", seq, "sent"), 1);
    harness_post(S.h, path, S.u.office, "{}", &r);       /* sent: nothing to retry */
    assert_int_equal(r.status, 409);
    http_resp_clear(&r);
}

static void test_quiet_hours(void **state)
{
    (void) state;
    assert_true(S.ready);
    s_notify_with(S.sms.port);
    int64_t at23 = S.day10 + 13 * HOUR_US, at08 = S.day10 + 22 * HOUR_US;
    assert_int_equal(harness_clock_set(S.h, at23), 0);
    long long seq = notify_util_invite(S.h, D, S.member2, "夜间协商通知");
    char sql[400];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM notify.deliveries WHERE idem_key LIKE '" D
             "/consult/%lld/sms/%%' AND status = 'pending' AND attempts = 0 AND"
             " (extract(epoch FROM next_at) * 1000000)::bigint = %lld", seq, (long long) at08);
    assert_int_equal(api_wait_sql(S.h, sql, 1, WAIT_MS), 1);
    harness_sleep_ms(500);
    assert_int_equal(sink_count(&S.sms, "夜间协商通知"), 0);   /* not at night */
    assert_int_equal(harness_clock_set(S.h, at08 + 30 * 1000000LL), 0);
    assert_int_equal(s_status("sms", seq, "sent"), 1);
    assert_int_equal(sink_wait(&S.sms, "夜间协商通知", 1, WAIT_MS), 1);
}

static void test_webhook_fails_three_times(void **state)
{
    sink_t *hook = &S.hook;
    (void) state;
    assert_true(S.ready);
    assert_int_equal(sink_start(S.h, hook, "hook", "http", "3"), 0);
    s_conf("notify.webhook_discipline_url", "http://127.0.0.1:%d/referrals", hook->port);
    s_conf("notify.webhook_discipline_secret", "s3cret-of-the-partner");
    s_conf("notify.retry_max", "5");
    assert_int_equal(harness_restart(S.h, "notify"), 0);
    Lianxin__V1__ReferralChanged m = LIANXIN__V1__REFERRAL_CHANGED__INIT;
    m.referral_id = 12;
    m.item_id = 31;
    m.partner = "discipline";
    m.event = "created";
    m.status = "sent";
    m.title = "背街小巷照明";
    db_t *db = db_new(harness_dsn(S.h));
    tx_t *tx = tx_new("supervise");
    assert_int_equal(tx_begin(tx, db), 0);
    assert_int_equal(tx_event(tx, D, "referral.created", NULL, &m.base), 0);
    assert_int_equal(tx_commit(tx), 0);
    tx_destroy(&tx);
    db_destroy(&db);
    long long seq = harness_sql_ll(S.h, "SELECT max(seq) FROM bus.events WHERE district_code = '"
                                   D "' AND producer = 'supervise'", 0, NULL);
    char key[200], sql[300];
    snprintf(key, sizeof key, D "/supervise/%lld/webhook/partner/discipline", seq);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM notify.deliveries WHERE idem_key = '%s'"
             " AND status = 'sent' AND attempts = 4", key);
    if (api_wait_sql(S.h, sql, 1, WAIT_MS) != 1) {
        PGresult *r = harness_sql(S.h, "SELECT idem_key, status, attempts, last_error"
                                  " FROM notify.deliveries WHERE channel = 'webhook'", 0, NULL);
        for (int i = 0; r && i < PQntuples(r); i++)
            print_message("webhook delivery %s %s %s %s\n", PQgetvalue(r, i, 0),
                          PQgetvalue(r, i, 1), PQgetvalue(r, i, 2), PQgetvalue(r, i, 3));
        if (r)
            PQclear(r);
        print_message("want key %s; sink lines %d\n", key, sink_count(hook, "referral"));
        char cmd[700];
        snprintf(cmd, sizeof cmd, "tail -n 30 '%s/notify.log' >&2", harness_dir(S.h));
        if (system(cmd) != 0)
            print_message("no notify.log\n");
        fail_msg("the webhook delivery was not sent on the 4th try");
    }
    /* four requests, one key; each signed over "<ts>.<body>" */
    char path[600], line[8192];
    snprintf(path, sizeof path, "%s/log", hook->dir);
    FILE *f = fopen(path, "r");
    int n = 0, ok200 = 0;
    assert_non_null(f);
    while (fgets(line, sizeof line, f)) {
        json_t *j = json_loads(line, 0, NULL), *h = json_object_get(j, "headers");
        const char *body = json_string_value(json_object_get(j, "body"));
        char sig[65], want[80];
        assert_string_equal(json_string_value(json_object_get(h, "Idempotency-Key")), key);
        assert_int_equal(channels_sign("s3cret-of-the-partner",
                                       json_string_value(json_object_get(h, "X-Lianxin-Timestamp")),
                                       body, sig), 0);
        snprintf(want, sizeof want, "v1=%s", sig);
        assert_string_equal(json_string_value(json_object_get(h, "X-Lianxin-Signature")), want);
        assert_non_null(strstr(body, "\"referral.created\""));
        ok200 += json_integer_value(json_object_get(j, "status")) == 200;
        n++;
        json_decref(j);
    }
    fclose(f);
    assert_int_equal(n, 4);
    assert_int_equal(ok200, 1);
    sink_stop(hook);
}

/* member1 keeps SMS only: the next invitation goes by SMS, not e-mail. */
static void test_preferences(void **state)
{
    http_resp_t r;
    (void) state;
    assert_true(S.ready);
    s_notify_with(S.sms.port);
    harness_get(S.h, "/v1/districts/" D "/me/preferences", S.u.member1, &r);
    assert_int_equal(r.status, 200);
    assert_int_equal(json_array_size(json_object_get(r.json, "channels")), 2);  /* default */
    http_resp_clear(&r);
    http_req_t bad = {.method = "PUT", .path = "/v1/districts/" D "/me/preferences",
                      .token = S.u.member1, .body = "{\"channels\":[\"fax\"],\"digest\":false}"};
    harness_http(S.h, &bad, &r);
    assert_int_equal(r.status, 400);
    assert_string_equal(http_error_field(&r, "channels[0]"), "unknown_value");
    http_resp_clear(&r);
    http_req_t put = {.method = "PUT", .path = "/v1/districts/" D "/me/preferences",
                      .token = S.u.member1, .body = "{\"channels\":[\"sms\"],\"digest\":false}"};
    harness_http(S.h, &put, &r);
    assert_int_equal(r.status, 200);
    http_resp_clear(&r);
    harness_get(S.h, "/v1/districts/" D "/me/preferences", S.u.member1, &r);
    assert_int_equal(r.status, 200);
    assert_int_equal(json_array_size(json_object_get(r.json, "channels")), 1);
    assert_string_equal(json_string_value(json_array_get(json_object_get(r.json, "channels"), 0)),
                        "sms");
    http_resp_clear(&r);
    long long seq = notify_util_invite(S.h, D, S.member1, "偏好测试协商");
    assert_int_equal(s_status("sms", seq, "sent"), 1);
    char sql[300];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM notify.deliveries WHERE idem_key LIKE '" D
             "/consult/%lld/email/%%'", seq);
    assert_int_equal(harness_sql_ll(S.h, sql, 0, NULL), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_email_and_sms_delivered),
        cmocka_unit_test(test_dead_sms_gateway),
        cmocka_unit_test(test_quiet_hours),
        cmocka_unit_test(test_webhook_fails_three_times),
        cmocka_unit_test(test_preferences),
    };
    return cmocka_run_group_tests(tests, s_setup, s_teardown);
}
