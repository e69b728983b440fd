/* test_notify_burst: exactly once under crashes. A burst of 5,000
 * consultation.scheduled events (each inviting one member who takes e-mail)
 * is appended while notify is killed with SIGKILL twice and started again.
 * Afterwards: exactly 5,000 inbox items, one per event; exactly 5,000
 * e-mail deliveries recorded, all sent; the SMTP server on loopback
 * (aiosmtpd, tests/integration/notify_sinks.py) received every one of the
 * 5,000 keys, and any message it received twice carried the same key (a
 * send repeated after a crash). Prints the figures. Must never skip. */
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
#include "consult.pb-c.h"
#include "db.h"
#include "timeutil.h"
#include "tx.h"
#include "api_util.h"
#include "fixtures.h"
#include "harness.h"
#include "sinks.h"

#define D "330303"
#define EVENTS 5000
#define CHUNK 250

static struct {
    harness_t *h;
    sink_t smtp;
    long long member;
    int ready;
} S;

static int s_setup(void **state)
{
    char v[64], sql[300];
    (void) state;
    memset(&S, 0, sizeof S);
    if (!(S.h = harness_new("notify_burst")) || harness_start_all(S.h) != 0
        || sink_start(S.h, &S.smtp, "smtp", "smtp", "0") != 0)
        return 0;
    S.member = fixture_member_of(S.h, "member1");
    snprintf(sql, sizeof sql, "INSERT INTO notify.contacts (district_code, recipient_kind,"
             " recipient_id, email) VALUES ('" D "', 'member', %lld, 'm1@example.org')", S.member);
    harness_sql_ll(S.h, sql, 0, NULL);
    snprintf(v, sizeof v, "smtp://127.0.0.1:%d", S.smtp.port);
    S.ready = S.member > 0 && harness_set(S.h, "notify.smtp_url", v) == 0
              && harness_set(S.h, "notify.deliver_poll_ms", "20") == 0
              && harness_restart(S.h, "notify") == 0;
    return 0;
}

static int s_teardown(void **state)
{
    (void) state;
    sink_stop(&S.smtp);
    harness_destroy(&S.h);
    return 0;
}

static void s_append(int from, int n)
{
    int64_t ids[1] = { S.member };
    Lianxin__V1__ConsultationChanged c = LIANXIN__V1__CONSULTATION_CHANGED__INIT;
    c.event = "scheduled";
    c.title = "协商";
    c.starts_at = "";
    c.member_ids = ids;
    c.n_member_ids = 1;
    db_t *db = db_new(harness_dsn(S.h));
    tx_t *tx = tx_new("consult");
    assert_int_equal(tx_begin(tx, db), 0);
    for (int i = 0; i < n; i++) {
        c.consultation_id = from + i + 1;
        assert_int_equal(tx_event(tx, D, "consultation.scheduled", NULL, &c.base), 0);
    }
    assert_int_equal(tx_commit(tx), 0);
    tx_destroy(&tx);
    db_destroy(&db);
}

/* Keys in the SMTP log: *lines messages, *distinct keys, *bad keys that
 * are not one of the burst's. */
static void s_smtp_keys(int *lines, int *distinct, int *bad)
{
    char path[600], line[8192];
    static unsigned char seen[EVENTS + 1];
    memset(seen, 0, sizeof seen);
    *lines = *distinct = *bad = 0;
    snprintf(path, sizeof path, "%s/log", S.smtp.dir);
    FILE *f = fopen(path, "r");
    while (f && fgets(line, sizeof line, f)) {
        json_t *j = json_loads(line, 0, NULL);
        const char *key = json_string_value(json_object_get(j, "key"));
        long long seq = 0, id = 0;
        (*lines)++;
        if (!key || sscanf(key, D "/consult/%lld/email/member/%lld", &seq, &id) != 2
            || seq < 1 || seq > EVENTS || id != S.member)
            (*bad)++;
        else if (!seen[seq]++)
            (*distinct)++;
        json_decref(j);
    }
    if (f)
        fclose(f);
}

static void test_burst_with_two_kills(void **state)
{
    (void) state;
    assert_true(S.ready);
    int64_t t0 = harness_now_ms();
    for (int i = 0; i < EVENTS; i += CHUNK) {
        s_append(i, CHUNK);
        if (i == EVENTS / 4 || i == EVENTS * 3 / 4) {
            harness_sleep_ms(300);
            assert_int_equal(harness_kill(S.h, "notify"), 0);
            assert_int_equal(harness_start(S.h, "notify"), 0);
        }
    }
    assert_int_equal(api_wait_sql(S.h, "SELECT count(*) FROM notify.inbox WHERE kind ="
                                  " 'consultation.scheduled'", EVENTS, 120000), EVENTS);
    int64_t t_inbox = harness_now_ms() - t0;
    assert_int_equal(api_wait_sql(S.h, "SELECT count(*) FROM notify.deliveries WHERE channel ="
                                  " 'email' AND status = 'sent'", EVENTS, 300000), EVENTS);
    int64_t t_sent = harness_now_ms() - t0;
    assert_int_equal(harness_sql_ll(S.h, "SELECT count(*) FROM notify.deliveries", 0, NULL),
                     EVENTS);
    assert_int_equal(harness_sql_ll(S.h, "SELECT count(DISTINCT source_seq) FROM notify.items"
                                    " WHERE kind = 'consultation.scheduled'", 0, NULL), EVENTS);
    int lines = 0, distinct = 0, bad = 0;
    for (int waited = 0; waited < 10000; waited += 200) {
        s_smtp_keys(&lines, &distinct, &bad);
        if (distinct == EVENTS)
            break;
        harness_sleep_ms(200);
    }
    print_message("burst: %d events, inbox complete after %lld ms, e-mails sent after %lld ms;"
                  " SMTP received %d messages, %d distinct keys, %d repeated (same key)\n",
                  EVENTS, (long long) t_inbox, (long long) t_sent, lines, distinct,
                  lines - distinct);
    assert_int_equal(bad, 0);
    assert_int_equal(distinct, EVENTS);     /* none missing */
    assert_true(lines - distinct <= 2 * 16);  /* repeats: at most a claimed batch per kill */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_burst_with_two_kills),
    };
    return cmocka_run_group_tests(tests, s_setup, s_teardown);
}
