/* test_rogue: the links between the programs trust only the programs of the
 * installation. Plays a rogue local account against the real stack: a
 * DEALER with no key or an unknown key sends intake.RevealVisitor,
 * intake.ExportLog and notify.MarkRead as an invented admin (no answer, no
 * audit row); a PUB with no key forges a run of intake's events on the bus;
 * a PUB with an admitted publisher key forges events that bus.events does
 * not hold (no forged inbox item, the cursor never passes a genuine event,
 * the genuine events are then applied). Must never skip. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <zmq.h>
#include "envelope.pb-c.h"
#include "intake.pb-c.h"
#include "notify.pb-c.h"
#include "visit_edit.pb-c.h"
#include "fixtures.h"
#include "harness.h"

#define D "330303"
#define FORGED 256
#define FORGED_VISIT 9900000
#define REPLY_WAIT_MS 1500

typedef struct suite {
    harness_t *h;
    fixture_users_t u;
    char visit[24];                 /* a genuine visit with a visitor */
    int ready;
} suite_t;

static suite_t S;

/* ---- helpers --------------------------------------------------------------------- */

/* Records a visit of room 1 by member1 (with a visitor) through the API;
 * its id into `id`. */
static void s_post_visit(char *id, size_t idsz)
{
    int64_t members[] = { 1 };
    char *body = fixture_visit(1, members, 1, "transport", 60, 1);
    http_resp_t r;

    harness_post(S.h, "/v1/districts/" D "/visits", S.u.member1, body, &r);
    free(body);
    assert_int_equal(r.status, 201);
    snprintf(id, idsz, "%s", json_string_value(json_object_get(r.json, "id")));
    http_resp_clear(&r);
}

/* Makes `sock` a CURVE client of `server_pub` with a fresh key pair of its
 * own (`own_pub`/`own_sec` NULL) or the given one. */
static void s_curve_client(void *sock, const char *server_pub, const char *own_pub,
                           const char *own_sec)
{
    char pub[41], sec[41];

    if (!own_pub || !own_sec) {
        assert_int_equal(zmq_curve_keypair(pub, sec), 0);
        own_pub = pub;
        own_sec = sec;
    }
    assert_int_equal(zmq_setsockopt(sock, ZMQ_CURVE_SERVERKEY, server_pub, 40), 0);
    assert_int_equal(zmq_setsockopt(sock, ZMQ_CURVE_PUBLICKEY, own_pub, 40), 0);
    assert_int_equal(zmq_setsockopt(sock, ZMQ_CURVE_SECRETKEY, own_sec, 40), 0);
}

/* A socket of `type` connected to the value of config key `ep_key`; a CURVE
 * client of `server_key`'s value when `keyed` (with `own_prefix`'s admitted
 * key pair when it is set, else a key of its own). */
static void *s_connect(void *zctx, int type, const char *ep_key, int keyed,
                       const char *server_key, const char *own_prefix)
{
    void *sock = zmq_socket(zctx, type);
    int linger = 0;
    char k1[64], k2[64];

    assert_non_null(sock);
    zmq_setsockopt(sock, ZMQ_LINGER, &linger, sizeof linger);
    if (keyed) {
        const char *server = harness_conf(S.h, server_key);
        char fake[41], fake_sec[41];
        if (!server) {              /* no keys at all: any key will do */
            zmq_curve_keypair(fake, fake_sec);
            server = fake;
        }
        snprintf(k1, sizeof k1, "%s.curve_public", own_prefix ? own_prefix : "");
        snprintf(k2, sizeof k2, "%s.curve_secret", own_prefix ? own_prefix : "");
        s_curve_client(sock, server, own_prefix ? harness_conf(S.h, k1) : NULL,
                       own_prefix ? harness_conf(S.h, k2) : NULL);
    }
    assert_int_equal(zmq_connect(sock, harness_conf(S.h, ep_key)), 0);
    return sock;
}

/* Sends one command as an invented city-wide admin and returns 1 when any
 * reply came within REPLY_WAIT_MS. */
static int s_command_answered(void *sock, const char *type, const char *object_id,
                              const ProtobufCMessage *payload)
{
    Lianxin__V1__Actor actor = LIANXIN__V1__ACTOR__INIT;
    Lianxin__V1__Command cmd = LIANXIN__V1__COMMAND__INIT;
    uint8_t pay[256], buf[1024];
    zmq_pollitem_t item = { .socket = sock, .events = ZMQ_POLLIN };

    actor.user_id = 1;
    actor.username = "admin";
    actor.role = "admin";
    actor.district = "";
    cmd.correlation_id = "rogue-1";
    cmd.type = (char *)type;
    cmd.actor = &actor;
    cmd.district = D;
    cmd.object_id = (char *)object_id;
    cmd.payload.len = protobuf_c_message_pack(payload, pay);
    cmd.payload.data = pay;
    size_t n = lianxin__v1__command__pack(&cmd, buf);
    zmq_send(sock, "", 0, ZMQ_SNDMORE | ZMQ_DONTWAIT);
    zmq_send(sock, buf, n, ZMQ_DONTWAIT);
    return zmq_poll(&item, 1, harness_ms(S.h, REPLY_WAIT_MS)) > 0;
}

/* The three commands against intake's and notify's endpoints: 1 when any
 * was answered. */
static int s_rogue_commands(void *zctx, int keyed)
{
    Lianxin__V1__RevealVisitor reveal = LIANXIN__V1__REVEAL_VISITOR__INIT;
    Lianxin__V1__ExportLog export = LIANXIN__V1__EXPORT_LOG__INIT;
    Lianxin__V1__MarkRead mark = LIANXIN__V1__MARK_READ__INIT;
    int answered = 0;

    void *intake = s_connect(zctx, ZMQ_DEALER, "intake.endpoint", keyed, "intake.curve_public",
                             NULL);
    harness_sleep_ms(200);
    answered += s_command_answered(intake, "intake.RevealVisitor", S.visit,
                                   (const ProtobufCMessage *)&reveal);
    answered += s_command_answered(intake, "intake.ExportLog", "1",
                                   (const ProtobufCMessage *)&export);
    zmq_close(intake);
    void *notify = s_connect(zctx, ZMQ_DEALER, "notify.endpoint", keyed, "notify.curve_public",
                             NULL);
    harness_sleep_ms(200);
    answered += s_command_answered(notify, "notify.MarkRead", "1",
                                   (const ProtobufCMessage *)&mark);
    zmq_close(notify);
    return answered;
}

/* The last seq of intake's stream of D. */
static long long s_last_seq(void)
{
    return harness_sql_ll(S.h, "SELECT coalesce(max(seq), 0) FROM bus.events WHERE"
                               " district_code = '" D "' AND producer = 'intake'", 0, NULL);
}

static long long s_cursor(void)
{
    return harness_sql_ll(S.h, "SELECT coalesce(max(seq), 0) FROM bus.cursors WHERE"
                               " district_code = '" D "' AND consumer = 'notify'"
                               " AND producer = 'intake'", 0, NULL);
}

static long long s_forged_items(void)
{
    return harness_sql_ll(S.h, "SELECT count(*) FROM notify.inbox WHERE object_id LIKE '990%'"
                               " AND length(object_id) = 7", 0, NULL);
}

/* Publishes one forged visit.recorded of D's intake stream at `seq`. */
static void s_forge_one(void *pub, long long seq)
{
    Lianxin__V1__VisitRecorded vr = LIANXIN__V1__VISIT_RECORDED__INIT;
    Lianxin__V1__Event ev = LIANXIN__V1__EVENT__INIT;
    int64_t members[] = { 1, 2, 3 };
    uint8_t pay[512], buf[1024];

    vr.visit_id = FORGED_VISIT + seq;
    vr.workroom_id = 1;
    vr.received_at = "2026-12-05T10:00:00+08:00";
    vr.n_member_ids = 1;
    vr.member_ids = members;
    vr.category = LIANXIN__V1__VISIT_CATEGORY__VISIT_CATEGORY_TRANSPORT;
    vr.n_rota_member_ids = 3;
    vr.rota_member_ids = members;
    vr.head_member_id = 1;
    vr.workroom_name = "forged";
    ev.district = D;
    ev.producer = "intake";
    ev.seq = seq;
    ev.type = "visit.recorded";
    ev.occurred_at = 1;
    ev.payload.len = lianxin__v1__visit_recorded__pack(&vr, pay);
    ev.payload.data = pay;
    size_t n = lianxin__v1__event__pack(&ev, buf);
    zmq_send(pub, D "/visit.recorded", strlen(D "/visit.recorded"), ZMQ_SNDMORE);
    zmq_send(pub, buf, n, 0);
}

/* Forges seqs last+1 .. last+FORGED on the bus's XSUB, keyed as `own` (a
 * program of the installation) or not keyed at all. */
static void s_forge_run(long long last, const char *own)
{
    void *zctx = zmq_ctx_new();
    void *pub = s_connect(zctx, ZMQ_PUB, "bus.xsub", own != NULL, "bus.curve_public", own);

    harness_sleep_ms(500);          /* the subscription must reach us */
    for (long long i = 1; i <= FORGED; i++)
        s_forge_one(pub, last + i);
    harness_sleep_ms(harness_ms(S.h, 1500));
    zmq_close(pub);
    zmq_ctx_term(zctx);
}

/* After a forged run: nothing forged applied, the cursor not past the
 * table, and a genuine visit recorded now reaches the inbox. */
static void s_check_after_forgery(long long last)
{
    char visit[24], expected[128];

    assert_int_equal(s_forged_items(), 0);
    assert_true(s_cursor() <= last);
    s_post_visit(visit, sizeof visit);
    assert_int_equal(fixture_wait_caught_up(S.h, D, harness_ms(S.h, 10000)), 0);
    assert_int_equal(s_cursor(), s_last_seq());
    assert_int_equal(fixture_expected(S.h, D, visit, expected, sizeof expected), 0);
    const char *p[] = { visit };
    assert_true(harness_sql_ll(S.h, "SELECT count(*) FROM notify.inbox WHERE district_code = '"
                               D "' AND object_id = $1", 1, p) > 0);
    assert_int_equal(s_forged_items(), 0);
}

/* ---- set-up ------------------------------------------------------------------------ */

static int s_setup(void **state)
{
    (void)state;
    memset(&S, 0, sizeof S);
    if (!(S.h = harness_new("rogue")) || harness_start_all(S.h) != 0)
        return 0;
    S.ready = fixture_login(S.h, &S.u, "office member1") == 0;
    return 0;
}

static int s_teardown(void **state)
{
    (void)state;
    harness_destroy(&S.h);
    fixture_logout(&S.u);
    return 0;
}

/* ---- tests ------------------------------------------------------------------------- */

/* Rogue commands (`keyed`: with a key of their own) get no answer and add
 * no audit row. */
static void s_expect_refused(int keyed)
{
    long long audit = harness_sql_ll(S.h, "SELECT count(*) FROM audit.trail", 0, NULL);
    void *zctx = zmq_ctx_new();
    assert_int_equal(s_rogue_commands(zctx, keyed), 0);
    zmq_ctx_term(zctx);
    assert_int_equal(harness_sql_ll(S.h, "SELECT count(*) FROM audit.trail", 0, NULL), audit);
}

static void test_rogue_client_unkeyed(void **state)
{
    (void)state;
    assert_true(S.ready);
    s_post_visit(S.visit, sizeof S.visit);
    assert_int_equal(fixture_wait_caught_up(S.h, D, harness_ms(S.h, 10000)), 0);
    s_expect_refused(0);
}

static void test_rogue_client_unknown_key(void **state)
{
    (void)state;
    assert_true(S.ready && S.visit[0]);
    s_expect_refused(1);
}

/* The gateway's own path still works: the office reveals the visitor. */
static void test_gateway_still_commands(void **state)
{
    char path[128];
    http_resp_t r;

    (void)state;
    assert_true(S.ready && S.visit[0]);
    snprintf(path, sizeof path, "/v1/districts/" D "/visits/%s/visitor", S.visit);
    harness_get(S.h, path, S.u.office, &r);
    assert_int_equal(r.status, 200);
    http_resp_clear(&r);
}

static void test_rogue_publisher_unkeyed(void **state)
{
    (void)state;
    assert_true(S.ready);
    assert_int_equal(fixture_wait_caught_up(S.h, D, harness_ms(S.h, 10000)), 0);
    long long last = s_last_seq();
    s_forge_run(last, NULL);
    s_check_after_forgery(last);
}

/* A publisher the bus admits (notify's own key, as if notify were
 * compromised) still cannot make the consumer apply what bus.events does
 * not hold. */
static void test_rogue_publisher_admitted_key(void **state)
{
    (void)state;
    assert_true(S.ready);
    assert_int_equal(fixture_wait_caught_up(S.h, D, harness_ms(S.h, 10000)), 0);
    long long last = s_last_seq();
    s_forge_run(last, harness_conf(S.h, "notify.curve_secret") ? "notify" : NULL);
    s_check_after_forgery(last);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rogue_client_unkeyed),
        cmocka_unit_test(test_rogue_client_unknown_key),
        cmocka_unit_test(test_gateway_still_commands),
        cmocka_unit_test(test_rogue_publisher_unkeyed),
        cmocka_unit_test(test_rogue_publisher_admitted_key),
    };
    return cmocka_run_group_tests(tests, s_setup, s_teardown);
}
