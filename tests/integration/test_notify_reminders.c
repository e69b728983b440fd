/* test_notify_reminders: notify's reminders against the real stack. A
 * proposal is created, accepted and assigned to unit 1 through the API
 * (lianxin-proposal emits proposal.assigned with the due date); the stack's
 * clock is moved to 7 working days before the due date, to 1 working day
 * before it and past it (the days computed with the stack's own calendar):
 * the unit's inbox gets each reminder exactly once, also across a notify
 * restart and a SIGKILL; another proposal replied at once has its reminders
 * disarmed and never hears of them. Then two notify instances: a 'sending' row claimed
 * by another live sender connection is not put back at notify's start (not
 * sent again) while one claimed by a dead connection is; once that other
 * connection is gone, its row is sent too, with its idempotency key. Last,
 * the reminders' channels: unit 1, whose e-mail and phone the office sets
 * through the API, hears its 1-working-day reminder once in the inbox, once
 * by e-mail (the loopback SMTP server) and once by SMS (the loopback HTTP
 * gateway); the reminder fires at 00:00 (UTC+8), inside the quiet hours, so
 * the SMS waits for 08:00 on the stack's clock and is sent once the clock
 * passes it; a fire repeated across a notify restart sends nothing twice
 * (the same idempotency keys). Dates come from the stack's clock. Must never
 * skip. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "reminders.h"
#include "api_util.h"
#include "fixtures.h"
#include "harness.h"
#include "notify_util.h"
#include "sinks.h"

#define D "330303"
#define API "/v1/districts/" D
#define WAIT_MS 20000
#define HOUR_US (3600LL * 1000000)

static struct {
    harness_t *h;
    fixture_users_t u;
    char id[24];
    int ready;
} S;

static int s_setup(void **state)
{
    (void) state;
    memset(&S, 0, sizeof S);
    if (!(S.h = harness_new("notify_reminders")) || harness_set(S.h, "notify.timer_ms", "200")
        || harness_start_all(S.h) != 0)
        return 0;
    S.ready = fixture_login(S.h, &S.u, "office member1 unit1 unit1head") == 0;
    return 0;
}

static int s_teardown(void **state)
{
    (void) state;
    harness_destroy(&S.h);
    fixture_logout(&S.u);
    return 0;
}

static void s_step(const char *event, const char *token, const char *body, const char *after)
{
    char path[128];
    http_resp_t r;
    snprintf(path, sizeof path, API "/proposals/%s/%s", S.id, event);
    assert_int_equal(api_req(S.h, "POST", path, token, body, 200, &r), 200);
    assert_string_equal(api_str(r.json, "state"), after);
    http_resp_clear(&r);
}

/* unit 1's items of reminder kind `kind` about the proposal, once `want`
 * are there or after the wait. */
static long long s_reminded(const char *kind, long long want)
{
    const char *p[2] = {kind, S.id};
    return api_wait_sqlp(S.h, "SELECT count(*) FROM notify.inbox WHERE district_code = '" D "'"
                         " AND kind = $1 AND recipient_kind = 'unit' AND recipient_id = 1"
                         " AND object_type = 'proposal' AND object_id = $2", want, WAIT_MS, 2, p);
}

/* The instant a reminder `workdays` from the due date fires, by the stack's calendar. */
static int64_t s_fires_at(const char *due, int workdays)
{
    calendar_t *cal = fixture_calendar(S.h);
    calendar_day_t d, day;
    assert_non_null(cal);
    assert_int_equal(calendar_day_parse(due, &d), 0);
    assert_int_equal(reminders_fire_day(cal, d, workdays, &day), 0);
    calendar_destroy(&cal);
    return calendar_day_start_us(day);
}

/* A proposal created by member1, accepted and assigned to unit 1: S.id. */
static void s_assigned(const char *title)
{
    char body[256];
    http_resp_t r;
    snprintf(body, sizeof body, "{\"title\":\"%s\",\"reasons\":\"案由\",\"measures\":"
             "\"办法\",\"category\":\"education\"}", title);
    assert_int_equal(api_req(S.h, "POST", API "/proposals", S.u.member1, body, 201, &r), 201);
    snprintf(S.id, sizeof S.id, "%s", api_str(r.json, "id"));
    http_resp_clear(&r);
    s_step("submit", S.u.member1, NULL, "submitted");
    s_step("accept", S.u.office, NULL, "accepted");
    s_step("assign", S.u.office, "{\"lead_unit_id\":\"1\",\"leader\":\"李副区长\"}",
           "assigned");
}

/* The due date (YYYY-MM-DD) of proposal S.id, as lianxin-proposal set it. */
static void s_due(char due[16])
{
    const char *p[1] = {S.id};
    PGresult *res = harness_sql(S.h, "SELECT to_char(due_on, 'YYYY-MM-DD') FROM"
                                " proposal.proposals WHERE id = $1::bigint", 1, p);
    assert_non_null(res);
    assert_int_equal(PQntuples(res), 1);
    snprintf(due, 16, "%s", PQgetvalue(res, 0, 0));
    PQclear(res);
}

static void test_proposal_deadline_reminders(void **state)
{
    char due[16], replied[24];
    http_resp_t r;
    (void) state;
    assert_true(S.ready);
    /* one replied at once: its reminders are disarmed, none ever fires */
    s_assigned("关于增设公交站台遮阳棚的建议");
    snprintf(replied, sizeof replied, "%s", S.id);
    const char *q[1] = {replied};
    assert_int_equal(api_wait_sqlp(S.h, "SELECT count(*) FROM notify.reminders WHERE"
                                   " source_type = 'proposal' AND source_id = $1::bigint",
                                   3, WAIT_MS, 1, q), 3);
    s_step("reply", S.u.unit1head, "{\"class\":\"a\",\"text\":\"已增设遮阳棚\"}", "replied");
    assert_int_equal(api_wait_sql_down(S.h, "SELECT count(*) FROM notify.reminders WHERE"
                                       " source_type = 'proposal' AND source_id = $1::bigint",
                                       0, WAIT_MS, 1, q), 0);
    s_assigned("关于改善背街小巷照明的建议");
    s_due(due);
    const char *p[1] = {S.id};
    /* armed: three rows, none fired, nothing in the inbox yet */
    assert_int_equal(api_wait_sqlp(S.h, "SELECT count(*) FROM notify.reminders WHERE"
                                   " source_type = 'proposal' AND source_id = $1::bigint"
                                   " AND fired_at IS NULL", 3, WAIT_MS, 1, p), 3);
    assert_int_equal(s_reminded("proposal.due_in_7", 0), 0);

    /* 7 working days before */
    assert_int_equal(harness_clock_set(S.h, s_fires_at(due, -7) + 60 * 1000000LL), 0);
    assert_int_equal(s_reminded("proposal.due_in_7", 1), 1);
    assert_int_equal(s_reminded("proposal.due_in_1", 0), 0);
    assert_int_equal(harness_restart(S.h, "notify"), 0);

    /* 1 working day before, after a restart: the 7-day one is not repeated */
    assert_int_equal(harness_clock_set(S.h, s_fires_at(due, -1) + 60 * 1000000LL), 0);
    assert_int_equal(s_reminded("proposal.due_in_1", 1), 1);
    assert_int_equal(s_reminded("proposal.due_in_7", 1), 1);
    assert_int_equal(harness_kill(S.h, "notify"), 0);
    assert_int_equal(harness_start(S.h, "notify"), 0);

    /* past due, after a SIGKILL */
    assert_int_equal(harness_clock_set(S.h, s_fires_at(due, 1) + 60 * 1000000LL), 0);
    assert_int_equal(s_reminded("proposal.overdue", 1), 1);
    assert_int_equal(harness_restart(S.h, "notify"), 0);
    assert_int_equal(harness_clock_advance(S.h, 2 * 86400 * 1000000LL), 0);
    /* every reminder fired, each once; the texts name the proposal's due date */
    assert_int_equal(api_wait_sqlp(S.h, "SELECT count(*) FROM notify.reminders WHERE"
                                   " source_type = 'proposal' AND source_id = $1::bigint"
                                   " AND fired_at IS NOT NULL", 3, WAIT_MS, 1, p), 3);
    assert_int_equal(s_reminded("proposal.due_in_7", 1), 1);
    assert_int_equal(s_reminded("proposal.due_in_1", 1), 1);
    assert_int_equal(s_reminded("proposal.overdue", 1), 1);
    assert_int_equal(harness_sql_ll(S.h, "SELECT count(*) FROM notify.inbox WHERE object_id = $1"
                                    " AND kind LIKE 'proposal.%' AND title LIKE '提案答复%'", 1, p),
                     3);
    assert_int_equal(api_req(S.h, "GET", API "/inbox", S.u.unit1, NULL, 200, &r), 200);
    assert_non_null(strstr(r.raw, "提案答复已逾期"));
    http_resp_clear(&r);
    /* the replied one: nothing, though its days have passed too */
    assert_int_equal(harness_sql_ll(S.h, "SELECT count(*) FROM notify.inbox WHERE object_type ="
                                    " 'proposal' AND object_id = $1 AND kind IN"
                                    " ('proposal.due_in_7', 'proposal.due_in_1',"
                                    " 'proposal.overdue')", 1, q), 0);
}

/* ---- two instances: the sending rows of another live sender ------------------------- */

static void s_conf_smtp(sink_t *smtp)
{
    char v[64];
    snprintf(v, sizeof v, "smtp://127.0.0.1:%d", smtp->port);
    assert_int_equal(harness_set(S.h, "notify.smtp_url", v), 0);
    assert_int_equal(harness_set(S.h, "notify.smtp_from", "lianxin@example.org"), 0);
}

/* A delivery as a sender claimed it: 'sending', attempt 1, by backend `pid`. */
static void s_sending(const char *key, int pid)
{
    char sql[700];
    snprintf(sql, sizeof sql, "INSERT INTO notify.deliveries (district_code, id, channel,"
             " recipient_kind, recipient_id, address, idem_key, subject, body, status,"
             " attempts, next_at, created_at, claimed_pid) VALUES ('" D "',"
             " nextval('notify.delivery_ids'), 'email', 'member', 1, 'm@example.org', '%s',"
             " '提醒', '正文', 'sending', 1, core.clock_now(), core.clock_now(), %d)", key, pid);
    PGresult *r = harness_sql(S.h, sql, 0, NULL);
    assert_non_null(r);
    PQclear(r);
}

static const char *s_status(const char *key, char out[16])
{
    const char *p[1] = {key};
    PGresult *r = harness_sql(S.h, "SELECT status FROM notify.deliveries WHERE idem_key = $1",
                              1, p);
    snprintf(out, 16, "%s", r && PQntuples(r) == 1 ? PQgetvalue(r, 0, 0) : "?");
    PQclear(r);
    return out;
}

static void test_other_instance_sending_kept(void **state)
{
    sink_t smtp = {0};
    char st[16];
    (void) state;
    assert_true(S.ready);
    assert_int_equal(sink_start(S.h, &smtp, "smtp", "smtp", "0"), 0);
    /* the other instance's sender connection, alive, and one that is gone */
    PGconn *other = PQconnectdb(harness_dsn(S.h)), *gone = PQconnectdb(harness_dsn(S.h));
    assert_int_equal(PQstatus(other), CONNECTION_OK);
    assert_int_equal(PQstatus(gone), CONNECTION_OK);
    int other_pid = PQbackendPID(other), gone_pid = PQbackendPID(gone);
    PQfinish(gone);
    char q[128];
    snprintf(q, sizeof q, "SELECT count(*) FROM pg_stat_activity WHERE pid = %d", gone_pid);
    assert_int_equal(api_wait_sql_down(S.h, q, 0, WAIT_MS, 0, NULL), 0);
    s_sending("test/other/live", other_pid);
    s_sending("test/other/dead", gone_pid);

    s_conf_smtp(&smtp);
    assert_int_equal(harness_restart(S.h, "notify"), 0);
    assert_int_equal(sink_wait(&smtp, "test/other/dead", 1, WAIT_MS), 1);
    assert_string_equal(s_status("test/other/dead", st), "sent");
    /* the live one is the other instance's: still sending, never sent here */
    assert_string_equal(s_status("test/other/live", st), "sending");
    assert_int_equal(sink_count(&smtp, "test/other/live"), 0);
    assert_int_equal(harness_restart(S.h, "notify"), 0);
    assert_string_equal(s_status("test/other/live", st), "sending");

    /* the other instance dies: its row goes back to pending and is sent, same key */
    PQfinish(other);
    assert_int_equal(sink_wait(&smtp, "test/other/live", 1, WAIT_MS + 15000), 1);
    const char *p[1] = {"test/other/live"};
    assert_int_equal(api_wait_sqlp(S.h, "SELECT count(*) FROM notify.deliveries WHERE"
                                   " idem_key = $1 AND status = 'sent'", 1, WAIT_MS, 1, p), 1);
    assert_int_equal(sink_count(&smtp, "test/other/dead"), 1);
    sink_stop(&smtp);
}

/* ---- the reminders' channels: inbox, e-mail, SMS ------------------------------------ */

/* Rows of notify.deliveries of the reminder `id` on `channel` with `status`
 * ("%" any), once `want` are there or after the wait. */
static long long s_deliveries(const char *id, const char *channel, const char *status,
                              long long want)
{
    const char *p[3] = {id, channel, status};
    return api_wait_sqlp(S.h, "SELECT count(*) FROM notify.deliveries WHERE idem_key LIKE"
                         " '" D "/notify/' || $1 || '/' || $2 || '/unit/1' AND status LIKE $3",
                         want, WAIT_MS, 3, p);
}

static void test_reminder_email_and_sms(void **state)
{
    sink_t smtp = {0}, sms = {0};
    char due[16], id[24], ekey[96], skey[96], sql[300];
    (void) state;
    assert_true(S.ready);
    assert_int_equal(sink_start(S.h, &smtp, "remind-smtp", "smtp", "0"), 0);
    assert_int_equal(sink_start(S.h, &sms, "remind-sms", "http", "0"), 0);
    assert_int_equal(notify_util_channels(S.h, smtp.port, sms.port), 0);
    assert_int_equal(harness_restart(S.h, "notify"), 0);
    /* the office sets unit 1's e-mail and phone */
    assert_int_equal(api_status(S.h, "PUT", API "/contacts", S.u.office,
                                "{\"recipient_kind\":\"unit\",\"recipient_id\":1,"
                                "\"email\":\"unit1@example.org\",\"phone\":\"13900000001\"}"),
                     200);

    s_assigned("关于加快老旧小区加装电梯的建议");
    s_due(due);
    const char *p[1] = {S.id};
    /* armed with the e-mail's and the SMS's texts, never an address */
    assert_int_equal(api_wait_sqlp(S.h, "SELECT count(*) FROM notify.reminders WHERE"
                                   " source_type = 'proposal' AND source_id = $1::bigint"
                                   " AND fired_at IS NULL AND email_subject LIKE '【政协连心】%'"
                                   " AND email_body LIKE '%仅剩1个工作日%' AND sms LIKE"
                                   " '【政协连心】%' AND kind = 'proposal.due_in_1'",
                                   1, WAIT_MS, 1, p), 1);
    long long rid = harness_sql_ll(S.h, "SELECT id FROM notify.reminders WHERE kind ="
                                   " 'proposal.due_in_1' AND source_type = 'proposal'"
                                   " AND source_id = $1::bigint", 1, p);
    assert_true(rid > 0);
    snprintf(id, sizeof id, "%lld", rid);
    snprintf(ekey, sizeof ekey, D "/notify/%s/email/unit/1", id);
    snprintf(skey, sizeof skey, D "/notify/%s/sms/unit/1", id);

    /* 00:01 (UTC+8) of the day 1 working day before: the reminder fires */
    int64_t day = s_fires_at(due, -1), at08 = day + 8 * HOUR_US;
    assert_int_equal(harness_clock_set(S.h, day + 60 * 1000000LL), 0);
    assert_int_equal(s_reminded("proposal.due_in_1", 1), 1);
    assert_int_equal(s_deliveries(id, "email", "sent", 1), 1);
    assert_int_equal(sink_wait(&smtp, ekey, 1, WAIT_MS), 1);
    assert_int_equal(sink_count_with(&smtp, ekey, "unit1@example.org"), 1);
    assert_int_equal(sink_count_with(&smtp, ekey, "仅剩1个工作日"), 1);
    assert_int_equal(sink_count(&smtp, "仅剩1个工作日"), 1);
    /* the SMS waits for the end of the quiet hours: 08:00, its try not counted */
    snprintf(sql, sizeof sql, "SELECT count(*) FROM notify.deliveries WHERE idem_key = '%s'"
             " AND status = 'pending' AND attempts = 0 AND"
             " (extract(epoch FROM next_at) * 1000000)::bigint = %lld", skey, (long long) at08);
    assert_int_equal(api_wait_sql(S.h, sql, 1, WAIT_MS), 1);
    harness_sleep_ms(500);
    assert_int_equal(sink_count(&sms, skey), 0);                /* not at night */

    /* fired again across a restart (as if its fired_at were lost): the same
     * keys, nothing added, nothing sent twice */
    const char *q[1] = {id};
    PGresult *res = harness_sql(S.h, "UPDATE notify.reminders SET fired_at = NULL"
                                " WHERE id = $1::bigint", 1, q);
    assert_non_null(res);
    assert_int_equal(atoi(PQcmdTuples(res)), 1);
    PQclear(res);
    assert_int_equal(harness_restart(S.h, "notify"), 0);
    assert_int_equal(api_wait_sqlp(S.h, "SELECT count(*) FROM notify.reminders WHERE"
                                   " id = $1::bigint AND fired_at IS NOT NULL", 1, WAIT_MS, 1, q),
                     1);
    assert_int_equal(s_reminded("proposal.due_in_1", 1), 1);
    assert_int_equal(s_deliveries(id, "%", "%", 2), 2);
    harness_sleep_ms(500);
    assert_int_equal(sink_count(&smtp, ekey), 1);
    assert_int_equal(sink_count(&sms, skey), 0);

    /* 08:00 passes: the SMS is sent, once, to the unit's phone */
    assert_int_equal(harness_clock_set(S.h, at08 + 30 * 1000000LL), 0);
    assert_int_equal(s_deliveries(id, "sms", "sent", 1), 1);
    assert_int_equal(sink_wait(&sms, skey, 1, WAIT_MS), 1);
    assert_int_equal(sink_count_with(&sms, skey, "13900000001"), 1);
    assert_int_equal(sink_count_with(&sms, skey, "仅剩1个工作日"), 1);
    assert_int_equal(sink_count(&sms, "仅剩1个工作日"), 1);
    assert_int_equal(harness_restart(S.h, "notify"), 0);
    harness_sleep_ms(1000);
    assert_int_equal(s_reminded("proposal.due_in_1", 1), 1);
    assert_int_equal(sink_count(&smtp, ekey), 1);
    assert_int_equal(sink_count(&sms, skey), 1);
    assert_int_equal(harness_sql_ll(S.h, "SELECT count(*) FROM notify.deliveries WHERE idem_key"
                                    " LIKE '" D "/notify/' || $1 || '/%'", 1, q), 2);
    /* the address and the texts are never in notify's log */
    assert_int_equal(api_log_has(S.h, "notify", "13900000001"), 0);
    assert_int_equal(api_log_has(S.h, "notify", "unit1@example.org"), 0);
    assert_int_equal(api_log_has(S.h, "notify", "老旧小区"), 0);
    sink_stop(&smtp);
    sink_stop(&sms);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_proposal_deadline_reminders),
        cmocka_unit_test(test_other_instance_sending_kept),
        cmocka_unit_test(test_reminder_email_and_sms),
    };
    return cmocka_run_group_tests(tests, s_setup, s_teardown);
}
