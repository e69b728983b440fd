/* test_curve: the pure parts of common/curve (Z85 key checks, key pairs
 * from the config, allow-lists) and the ZAP handler over a real loopback
 * link: an admitted key's messages carry its program as User-Id, an
 * unknown key or no key never gets a message through. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <zmq.h>

#include "curve.h"

/* ---- keys ---------------------------------------------------------------- */

static void
test_key_ok(void **state)
{
    (void) state;
    char pub[41], sec[41];
    assert_int_equal(zmq_curve_keypair(pub, sec), 0);
    assert_true(curve_key_ok(pub));
    assert_true(curve_key_ok(sec));
    assert_false(curve_key_ok(NULL));
    assert_false(curve_key_ok(""));
    char shorter[41];
    memcpy(shorter, pub, 39);
    shorter[39] = '\0';
    assert_false(curve_key_ok(shorter));
    char bad[41];
    memcpy(bad, pub, 41);
    bad[7] = ' ';                   /* not in the Z85 alphabet */
    assert_false(curve_key_ok(bad));
    bad[7] = '"';
    assert_false(curve_key_ok(bad));
}

/* A config with `intake`'s pair, `gateway`'s public key only, and junk. */
static config_t *
s_config(char *pub, char *sec, int mismatch)
{
    char gpub[41], gsec[41], other[41];
    zmq_curve_keypair(pub, sec);
    zmq_curve_keypair(gpub, gsec);
    zmq_curve_keypair(other, gsec);
    setenv("LIANXIN_INTAKE_CURVE_PUBLIC", mismatch ? other : pub, 1);
    setenv("LIANXIN_INTAKE_CURVE_SECRET", sec, 1);
    setenv("LIANXIN_GATEWAY_CURVE_PUBLIC", gpub, 1);
    setenv("LIANXIN_JUNK_CURVE_PUBLIC", "not a key", 1);
    return config_load(NULL);
}

static void
test_pair_from_config(void **state)
{
    (void) state;
    char pub[41], sec[41];
    config_t *cfg = s_config(pub, sec, 0);
    curve_pair_t pair;
    assert_int_equal(curve_pair_from_config(cfg, "intake", &pair), 0);
    assert_string_equal(pair.public_key, pub);
    assert_string_equal(pair.secret_key, sec);
    assert_int_equal(curve_pair_from_config(cfg, "gateway", &pair), -1);   /* no secret */
    assert_int_equal(curve_pair_from_config(cfg, "nobody", &pair), -1);
    curve_client_t client;
    assert_int_equal(curve_client_from_config(cfg, "intake", "gateway", &client), 0);
    assert_int_equal(curve_client_from_config(cfg, "intake", "junk", &client), -1);
    config_destroy(&cfg);
    cfg = s_config(pub, sec, 1);    /* a public key that is not the secret's */
    assert_int_equal(curve_pair_from_config(cfg, "intake", &pair), -1);
    config_destroy(&cfg);
}

/* ---- allow-lists --------------------------------------------------------- */

static void
test_allow(void **state)
{
    (void) state;
    char pub[41], sec[41], other[41];
    uint8_t bin[32];
    zmq_curve_keypair(pub, sec);
    zmq_curve_keypair(other, sec);
    curve_allow_t *a = curve_allow_new();
    assert_non_null(a);
    assert_int_equal(curve_allow_add(a, "gateway", pub), 0);
    assert_int_equal(curve_allow_add(a, "", pub), -1);
    assert_int_equal(curve_allow_add(a, "Gate way", pub), -1);
    assert_int_equal(curve_allow_add(a, "a-name-that-is-far-too-long-for-it", pub), -1);
    assert_int_equal(curve_allow_add(a, "intake", "short"), -1);
    assert_int_equal(curve_allow_count(a), 1);
    zmq_z85_decode(bin, pub);
    assert_string_equal(curve_allow_find(a, bin), "gateway");
    zmq_z85_decode(bin, other);
    assert_null(curve_allow_find(a, bin));
    assert_null(curve_allow_find(NULL, bin));
    curve_allow_destroy(&a);
    assert_null(a);
    curve_allow_destroy(&a);
}

static void
test_allow_programs(void **state)
{
    (void) state;
    char pub[41], sec[41];
    config_t *cfg = s_config(pub, sec, 0);
    curve_allow_t *a = curve_allow_new();
    assert_int_equal(curve_allow_programs(a, cfg, "intake, gateway"), 0);
    assert_int_equal(curve_allow_count(a), 2);
    assert_int_equal(curve_allow_programs(a, cfg, ""), -1);
    assert_int_equal(curve_allow_programs(a, cfg, "intake nobody"), -1);
    assert_int_equal(curve_allow_programs(a, cfg, "junk"), -1);
    curve_allow_destroy(&a);
    config_destroy(&cfg);
}

/* ---- the ZAP handler over loopback --------------------------------------- */

/* A DEALER keyed with `own` (NULL: plain) to `server_pub` at `ep`; sends
 * "hi". */
static void *
s_client(void *zctx, const char *ep, const char *server_pub, const curve_pair_t *own)
{
    void *d = zmq_socket(zctx, ZMQ_DEALER);
    int linger = 0;
    zmq_setsockopt(d, ZMQ_LINGER, &linger, sizeof linger);
    if (own) {
        curve_client_t c = { .own = *own };
        memcpy(c.server_key, server_pub, 41);
        assert_int_equal(curve_client_apply(d, &c), 0);
    }
    assert_int_equal(zmq_connect(d, ep), 0);
    zmq_send(d, "hi", 2, 0);
    return d;
}

/* The User-Id of the next message on `router` within `ms`, into `uid`
 * ("" when none came). */
static void
s_receive(void *router, int ms, char *uid, size_t size)
{
    zmq_pollitem_t item = { .socket = router, .events = ZMQ_POLLIN };
    uid[0] = '\0';
    if (zmq_poll(&item, 1, ms) <= 0)
        return;
    zmq_msg_t m;
    int more = 1;
    while (more) {
        zmq_msg_init(&m);
        zmq_msg_recv(&m, router, 0);
        more = zmq_msg_more(&m);
        const char *u = zmq_msg_gets(&m, "User-Id");
        if (!more)
            snprintf(uid, size, "%s", u ? u : "?");
        zmq_msg_close(&m);
    }
}

static void
test_zap_admits_listed_keys_only(void **state)
{
    (void) state;
    assert_true(zmq_has("curve"));
    void *zctx = zmq_ctx_new();
    curve_pair_t server, gateway, rogue;
    zmq_curve_keypair(server.public_key, server.secret_key);
    zmq_curve_keypair(gateway.public_key, gateway.secret_key);
    zmq_curve_keypair(rogue.public_key, rogue.secret_key);
    curve_domain_t d = { .name = CURVE_DOMAIN_CMD, .allow = curve_allow_new() };
    assert_int_equal(curve_allow_add(d.allow, "gateway", gateway.public_key), 0);
    curve_zap_t *zap = curve_zap_new(zctx, &d, 1);
    assert_non_null(zap);
    assert_null(d.allow);
    void *router = zmq_socket(zctx, ZMQ_ROUTER);
    int linger = 0;
    zmq_setsockopt(router, ZMQ_LINGER, &linger, sizeof linger);
    curve_server_t keys = { .own = server, .domain = CURVE_DOMAIN_CMD, .peer = "gateway" };
    assert_int_equal(curve_server_apply(router, &keys), 0);
    assert_int_equal(zmq_bind(router, "tcp://127.0.0.1:*"), 0);
    char ep[64];
    size_t len = sizeof ep;
    zmq_getsockopt(router, ZMQ_LAST_ENDPOINT, ep, &len);
    char uid[32];

    void *plain = s_client(zctx, ep, NULL, NULL);
    void *unknown = s_client(zctx, ep, server.public_key, &rogue);
    s_receive(router, 500, uid, sizeof uid);
    assert_string_equal(uid, "");
    assert_true(curve_zap_refused(zap) >= 1);   /* the unknown key; plain never gets to ZAP */
    void *good = s_client(zctx, ep, server.public_key, &gateway);
    s_receive(router, 2000, uid, sizeof uid);
    assert_string_equal(uid, "gateway");
    s_receive(router, 200, uid, sizeof uid);
    assert_string_equal(uid, "");

    zmq_close(plain);
    zmq_close(unknown);
    zmq_close(good);
    zmq_close(router);
    curve_zap_destroy(&zap);
    assert_null(zap);
    zmq_ctx_term(zctx);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_key_ok),
        cmocka_unit_test(test_pair_from_config),
        cmocka_unit_test(test_allow),
        cmocka_unit_test(test_allow_programs),
        cmocka_unit_test(test_zap_admits_listed_keys_only),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
