/* test_seal: the key ring and both sealing suites (AES-256-GCM, SM4-CTR with
 * HMAC-SM3): round trips, tampering, the wrong key or record, the header,
 * legacy values without one, rotation (an older key still opens), and the
 * ring's refusals. Every case runs for both suites. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include "seal.h"
#include "sealcols.h"

static const char *K1 = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
static const char *K2 = "f0e0d0c0b0a09080706050403020100ff0e0d0c0b0a09080706050403020100f";
static const char *AAD = "330303/visit/17/phone";
static const char *PT = "13812345678";

static const char *const SUITES[] = {"aes-256-gcm", "sm4"};

static seal_ring_t *s_ring(const char *suite, int id, const char *hex, const char *older)
{
    const char *why = NULL;
    seal_ring_t *r = seal_ring_new(suite, id, hex, older, &why);
    if (!r)
        fail_msg("ring refused: %s", why ? why : "?");
    return r;
}

static void s_opens_to(const seal_ring_t *r, const char *aad, const uint8_t *in, size_t len,
                       const char *want)
{
    uint8_t out[256];
    size_t olen = 0;
    assert_int_equal(seal_open(r, aad, in, len, out, sizeof out, &olen), 0);
    assert_int_equal(olen, strlen(want));
    assert_memory_equal(out, want, olen);
}

static void s_refused(const seal_ring_t *r, const char *aad, const uint8_t *in, size_t len)
{
    uint8_t out[256];
    size_t olen = 0;
    memset(out, 'x', sizeof out);
    assert_int_equal(seal_open(r, aad, in, len, out, sizeof out, &olen), -1);
    for (size_t i = 0; i < len && i < sizeof out; i++)
        assert_int_equal(out[i], 0);            /* nothing unauthenticated handed out */
}

static void test_round_trip(void **state)
{
    (void) state;
    for (int s = 0; s < 2; s++) {
        seal_ring_t *r = s_ring(SUITES[s], 3, K1, NULL);
        uint8_t a[128], b[128];
        size_t alen = 0, blen = 0;
        assert_int_equal(seal_value(r, AAD, PT, strlen(PT), a, sizeof a, &alen), 0);
        assert_true(alen <= strlen(PT) + SEAL_OVERHEAD_MAX);
        assert_null(memmem(a, alen, PT, strlen(PT)));
        s_opens_to(r, AAD, a, alen, PT);
        assert_int_equal(seal_value(r, AAD, PT, strlen(PT), b, sizeof b, &blen), 0);
        assert_int_equal(alen, blen);
        assert_memory_not_equal(a, b, alen);      /* a fresh nonce each time */
        assert_int_equal(seal_value(r, AAD, "", 0, a, sizeof a, &alen), 0);
        s_opens_to(r, AAD, a, alen, "");
        assert_int_equal(seal_value(r, AAD, PT, strlen(PT), a, strlen(PT) + 20, &alen), -1);
        seal_ring_destroy(&r);
        assert_null(r);
        seal_ring_destroy(&r);
    }
}

static void test_header(void **state)
{
    (void) state;
    for (int s = 0; s < 2; s++) {
        seal_ring_t *r = s_ring(SUITES[s], 7, K1, NULL);
        uint8_t v[128], prefix[SEAL_HEADER_LEN];
        size_t len = 0;
        seal_header_t h;
        assert_int_equal(seal_value(r, AAD, PT, strlen(PT), v, sizeof v, &len), 0);
        assert_int_equal(seal_header_parse(v, len, &h), 0);
        assert_int_equal(h.version, SEAL_VERSION);
        assert_int_equal(h.suite, s == 0 ? SEAL_SUITE_AES_GCM : SEAL_SUITE_SM4);
        assert_int_equal(h.key_id, 7);
        assert_int_equal(seal_ring_current(r), 7);
        seal_ring_prefix(r, prefix);
        assert_memory_equal(v, prefix, SEAL_HEADER_LEN);
        assert_memory_equal(v, "LX\x01", 3);
        assert_int_equal(len, strlen(PT) + (s == 0 ? 5 + 12 + 16 : 5 + 16 + 32));
        assert_int_equal(seal_header_parse(v, 4, &h), -1);
        assert_int_equal(seal_header_parse((const uint8_t *) "LX\x02\x01\x01", 5, &h), -1);
        assert_int_equal(seal_header_parse((const uint8_t *) "LX\x01\x03\x01", 5, &h), -1);
        assert_int_equal(seal_header_parse((const uint8_t *) "LX\x01\x01\x00", 5, &h), -1);
        assert_int_equal(seal_header_parse((const uint8_t *) "LY\x01\x01\x01", 5, &h), -1);
        seal_ring_destroy(&r);
    }
}

/* Every single bit flipped, a cut value, the header's key id or suite changed. */
static void test_tamper(void **state)
{
    (void) state;
    for (int s = 0; s < 2; s++) {
        seal_ring_t *r = s_ring(SUITES[s], 2, K1, "5:" "f0e0d0c0b0a09080706050403020100ff0e0d0c0b0a09080706050403020100f");
        uint8_t v[128], t[128];
        size_t len = 0;
        assert_int_equal(seal_value(r, AAD, PT, strlen(PT), v, sizeof v, &len), 0);
        for (size_t i = 0; i < len; i++)
            for (int bit = 0; bit < 8; bit++) {
                memcpy(t, v, len);
                t[i] ^= (uint8_t) (1u << bit);
                s_refused(r, AAD, t, len);
            }
        s_refused(r, AAD, v, len - 1);
        s_refused(r, AAD, v, SEAL_HEADER_LEN);
        memcpy(t, v, len);
        t[4] = 5;                                   /* another key of the ring */
        s_refused(r, AAD, t, len);
        t[4] = 2;
        t[3] = s == 0 ? SEAL_SUITE_SM4 : SEAL_SUITE_AES_GCM;
        s_refused(r, AAD, t, len);
        seal_ring_destroy(&r);
    }
}

static void test_wrong_key_or_record(void **state)
{
    (void) state;
    for (int s = 0; s < 2; s++) {
        seal_ring_t *r = s_ring(SUITES[s], 1, K1, NULL);
        seal_ring_t *other = s_ring(SUITES[s], 1, K2, NULL);
        seal_ring_t *noid = s_ring(SUITES[s], 2, K1, NULL);     /* same key, other id */
        uint8_t v[128];
        size_t len = 0;
        assert_int_equal(seal_value(r, AAD, PT, strlen(PT), v, sizeof v, &len), 0);
        s_refused(other, AAD, v, len);
        s_refused(noid, AAD, v, len);               /* id 1 is not in that ring */
        s_refused(r, "330303/visit/18/phone", v, len);
        s_refused(r, "330303/visit/17/name", v, len);
        s_refused(r, NULL, v, len);
        seal_ring_destroy(&r);
        seal_ring_destroy(&other);
        seal_ring_destroy(&noid);
    }
}

/* A value sealed before headers existed opens with key 1 of any ring. */
static void test_legacy(void **state)
{
    (void) state;
    uint8_t key[CRYPTO_KEY_LEN], v[128];
    size_t len = 0;
    assert_int_equal(crypto_key_from_hex(K1, key), 0);
    assert_int_equal(crypto_seal(key, AAD, PT, strlen(PT), v, &len), 0);
    for (int s = 0; s < 2; s++) {
        seal_ring_t *cur = s_ring(SUITES[s], 1, K1, NULL);
        seal_ring_t *rotated = s_ring(SUITES[s], 2, K2, "1:" "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
        seal_ring_t *dropped = s_ring(SUITES[s], 2, K2, NULL);
        s_opens_to(cur, AAD, v, len, PT);
        s_opens_to(rotated, AAD, v, len, PT);
        s_refused(dropped, AAD, v, len);
        s_refused(cur, "330303/visit/17/name", v, len);
        seal_ring_destroy(&cur);
        seal_ring_destroy(&rotated);
        seal_ring_destroy(&dropped);
    }
}

/* After rotation the older key still opens its values; new ones carry the
 * new id; across suites a ring opens what the other suite sealed. */
static void test_rotation(void **state)
{
    (void) state;
    char older[80];
    snprintf(older, sizeof older, "1:%s", K1);
    for (int s = 0; s < 2; s++) {
        seal_ring_t *old = s_ring(SUITES[s], 1, K1, NULL);
        seal_ring_t *now = s_ring(SUITES[1 - s], 2, K2, older);
        uint8_t v[128], w[128];
        size_t vlen = 0, wlen = 0;
        seal_header_t h;
        assert_int_equal(seal_value(old, AAD, PT, strlen(PT), v, sizeof v, &vlen), 0);
        s_opens_to(now, AAD, v, vlen, PT);
        assert_int_equal(seal_value(now, AAD, PT, strlen(PT), w, sizeof w, &wlen), 0);
        assert_int_equal(seal_header_parse(w, wlen, &h), 0);
        assert_int_equal(h.key_id, 2);
        assert_int_equal(h.suite, seal_ring_suite(now));
        s_refused(old, AAD, w, wlen);
        seal_ring_destroy(&old);
        seal_ring_destroy(&now);
    }
}

static void test_ring_refusals(void **state)
{
    (void) state;
    const char *why = NULL;
    char twice[80];
    snprintf(twice, sizeof twice, "1:%s", K2);
    assert_null(seal_ring_new("des", 1, K1, NULL, &why));
    assert_non_null(why);
    assert_null(seal_ring_new(NULL, 0, K1, NULL, &why));
    assert_null(seal_ring_new(NULL, 256, K1, NULL, &why));
    assert_null(seal_ring_new(NULL, 1, "00", NULL, &why));
    assert_null(seal_ring_new(NULL, 1, K1, twice, &why));
    assert_string_equal(why, "key id listed twice");
    assert_null(seal_ring_new(NULL, 2, K1, "1-00", &why));
    assert_null(seal_ring_new(NULL, 2, K1, "x:00", &why));
    assert_int_equal(seal_suite_parse(""), SEAL_SUITE_AES_GCM);
    assert_int_equal(seal_suite_parse("sm4"), SEAL_SUITE_SM4);
    assert_int_equal(seal_suite_parse("SM4"), -1);
    seal_ring_t *r = seal_ring_new(NULL, 2, K1, twice, &why);      /* "1:K2, " ok */
    assert_non_null(r);
    assert_int_equal(seal_ring_suite(r), SEAL_SUITE_AES_GCM);
    seal_ring_destroy(&r);
}

/* The SM4 suite's format, recomputed here with OpenSSL directly, so that
 * stored values keep opening: header | iv 16 | SM4-CTR ciphertext | HMAC-SM3
 * over header, the aad's 4-byte big-endian length and text, iv and
 * ciphertext; the keys are HMAC-SM3(key, "lianxin/seal/sm4/enc")[0..16) and
 * HMAC-SM3(key, "lianxin/seal/sm4/mac"). SM3 is checked against its
 * standard's example ("abc"). Never change this format. */
static void test_sm4_format(void **state)
{
    (void) state;
    static const uint8_t sm3_abc[32] = {
        0x66, 0xc7, 0xf0, 0xf4, 0x62, 0xee, 0xed, 0xd9, 0xd1, 0xf2, 0xd4, 0x6b, 0xdc, 0x10, 0xe4,
        0xe2, 0x41, 0x67, 0xc4, 0x87, 0x5c, 0xf2, 0xf7, 0xa2, 0x29, 0x7d, 0xa0, 0x2b, 0x8f, 0x4b,
        0xa8, 0xe0};
    uint8_t md[32], key[32], enc[32], mac_key[32], mac[32], v[128], pt[64];
    unsigned mdlen = 0;
    assert_int_equal(EVP_Digest("abc", 3, md, &mdlen, EVP_sm3(), NULL), 1);
    assert_memory_equal(md, sm3_abc, 32);
    seal_ring_t *r = s_ring("sm4", 9, K1, NULL);
    size_t len = 0;
    assert_int_equal(seal_value(r, AAD, PT, strlen(PT), v, sizeof v, &len), 0);
    seal_ring_destroy(&r);
    size_t ctlen = len - 5 - 16 - 32, alen = strlen(AAD);
    assert_int_equal(ctlen, strlen(PT));
    assert_memory_equal(v, "LX\x01\x02\x09", 5);
    assert_int_equal(crypto_key_from_hex(K1, key), 0);
    assert_non_null(HMAC(EVP_sm3(), key, 32, (const uint8_t *) "lianxin/seal/sm4/enc", 20, enc,
                         &mdlen));
    assert_non_null(HMAC(EVP_sm3(), key, 32, (const uint8_t *) "lianxin/seal/sm4/mac", 20,
                         mac_key, &mdlen));
    uint8_t msg[256];
    size_t m = 0;
    memcpy(msg, v, 5);
    m += 5;
    uint8_t be[4] = {0, 0, 0, (uint8_t) alen};
    memcpy(msg + m, be, 4);
    m += 4;
    memcpy(msg + m, AAD, alen);
    m += alen;
    memcpy(msg + m, v + 5, 16 + ctlen);
    m += 16 + ctlen;
    assert_non_null(HMAC(EVP_sm3(), mac_key, 32, msg, m, mac, &mdlen));
    assert_memory_equal(mac, v + 5 + 16 + ctlen, 32);
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    int n = 0;
    assert_int_equal(EVP_DecryptInit_ex(ctx, EVP_sm4_ctr(), NULL, enc, v + 5), 1);
    assert_int_equal(EVP_DecryptUpdate(ctx, pt, &n, v + 5 + 16, (int) ctlen), 1);
    EVP_CIPHER_CTX_free(ctx);
    assert_int_equal(n, (int) ctlen);
    assert_memory_equal(pt, PT, ctlen);
}

/* The ring of the configuration: crypto.key is current with id
 * crypto.current, crypto.keys are older, crypto.suite picks the suite; any
 * bad value refuses the ring (the services then refuse to start). */
static void test_ring_from_config(void **state)
{
    (void) state;
    char older[80];
    snprintf(older, sizeof older, "1:%s", K1);
    config_t *cfg = config_load(NULL);
    assert_non_null(cfg);
    assert_null(seal_ring_from_config(cfg));                    /* no crypto.key */
    assert_int_equal(config_set(cfg, "crypto.key", K2), 0);
    seal_ring_t *r = seal_ring_from_config(cfg);
    assert_non_null(r);
    assert_int_equal(seal_ring_current(r), 1);
    assert_int_equal(seal_ring_suite(r), SEAL_SUITE_AES_GCM);
    seal_ring_destroy(&r);
    assert_int_equal(config_set(cfg, "crypto.current", "2"), 0);
    assert_int_equal(config_set(cfg, "crypto.keys", older), 0);
    assert_int_equal(config_set(cfg, "crypto.suite", "sm4"), 0);
    r = seal_ring_from_config(cfg);
    assert_non_null(r);
    assert_int_equal(seal_ring_current(r), 2);
    assert_int_equal(seal_ring_suite(r), SEAL_SUITE_SM4);
    /* key 1 of crypto.keys opens what a ring of K1 sealed */
    seal_ring_t *old = s_ring(NULL, 1, K1, NULL);
    uint8_t v[128];
    size_t len = 0;
    assert_int_equal(seal_value(old, AAD, PT, strlen(PT), v, sizeof v, &len), 0);
    s_opens_to(r, AAD, v, len, PT);
    seal_ring_destroy(&old);
    seal_ring_destroy(&r);
    static const char *const bad[][2] = {
        {"crypto.current", "0"}, {"crypto.current", "256"}, {"crypto.suite", "aes-128-cbc"},
        {"crypto.keys", "2:00"}, {"crypto.key", "zz"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        config_t *c = config_load(NULL);
        config_set(c, "crypto.key", K2);
        config_set(c, "crypto.current", "2");
        config_set(c, bad[i][0], bad[i][1]);
        assert_null(seal_ring_from_config(c));
        config_destroy(&c);
    }
    config_destroy(&cfg);
}

static void test_sealcols_aad(void **state)
{
    (void) state;
    char aad[64];
    assert_int_equal(sealcols_aad(SEALCOL_VISIT_PHONE, "330303", "17", aad, sizeof aad), 0);
    assert_string_equal(aad, AAD);
    assert_int_equal(sealcols_aad(SEALCOL_VISIT_LOCATION, "330303", "17", aad, sizeof aad), 0);
    assert_string_equal(aad, "330303/visit/17/location");
    assert_int_equal(sealcols_aad(SEALCOL_VISIT_NAME, "330303", "17", aad, 10), -1);
    assert_int_equal(sealcols_aad(SEALCOL_COUNT, "330303", "17", aad, sizeof aad), -1);
    for (int i = 0; i < SEALCOL_COUNT; i++) {
        assert_non_null(sealcols[i].table);
        assert_true(!sealcols[i].clear || (sealcols[i].when && sealcols[i].mask));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),   cmocka_unit_test(test_header),
        cmocka_unit_test(test_tamper),       cmocka_unit_test(test_wrong_key_or_record),
        cmocka_unit_test(test_legacy),       cmocka_unit_test(test_rotation),
        cmocka_unit_test(test_ring_refusals), cmocka_unit_test(test_ring_from_config),
        cmocka_unit_test(test_sm4_format),
        cmocka_unit_test(test_sealcols_aad),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
