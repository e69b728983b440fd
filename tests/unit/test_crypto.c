/* test_crypto: sealing round trips and every kind of tampering, known-answer
 * hashes, password hashes (with a small iteration count, except one run at
 * the default) and malformed stored hashes. Never uses a real key. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "crypto.h"

static const char *s_key_hex =
    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

static void
s_key(uint8_t key[CRYPTO_KEY_LEN])
{
    assert_int_equal(crypto_key_from_hex(s_key_hex, key), 0);
}

static void
test_key_from_hex(void **state)
{
    (void) state;
    uint8_t key[CRYPTO_KEY_LEN];
    s_key(key);
    for (int i = 0; i < CRYPTO_KEY_LEN; i++)
        assert_int_equal(key[i], i);
    assert_int_equal(crypto_key_from_hex("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF"
                                         "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF", key), 0);
    assert_int_equal(key[31], 0xFF);
    assert_int_equal(crypto_key_from_hex("00", key), -1);
    assert_int_equal(crypto_key_from_hex("", key), -1);
    assert_int_equal(crypto_key_from_hex(NULL, key), -1);
    char bad[70];
    snprintf(bad, sizeof bad, "%s0", s_key_hex);               /* 65 digits */
    assert_int_equal(crypto_key_from_hex(bad, key), -1);
    snprintf(bad, sizeof bad, "%s", s_key_hex);
    bad[10] = 'g';
    assert_int_equal(crypto_key_from_hex(bad, key), -1);
    bad[10] = ' ';
    assert_int_equal(crypto_key_from_hex(bad, key), -1);
}

static void
test_seal_round_trip(void **state)
{
    (void) state;
    uint8_t key[CRYPTO_KEY_LEN], sealed[128], opened[128];
    size_t sealed_len = 0, opened_len = 0;
    const char *pt = "13812345678";
    s_key(key);
    assert_int_equal(crypto_seal(key, "330303/visit/17/phone", pt, strlen(pt), sealed, &sealed_len), 0);
    assert_int_equal(sealed_len, strlen(pt) + CRYPTO_SEAL_OVERHEAD);
    assert_memory_not_equal(sealed + 12, pt, strlen(pt));
    assert_int_equal(crypto_open(key, "330303/visit/17/phone", sealed, sealed_len, opened, &opened_len), 0);
    assert_int_equal(opened_len, strlen(pt));
    assert_memory_equal(opened, pt, opened_len);

    /* a fresh nonce every time: the same text seals differently */
    uint8_t again[128];
    size_t again_len;
    assert_int_equal(crypto_seal(key, "330303/visit/17/phone", pt, strlen(pt), again, &again_len), 0);
    assert_memory_not_equal(again, sealed, sealed_len);

    /* empty plaintext and a NULL aad (same as "") */
    assert_int_equal(crypto_seal(key, NULL, "", 0, sealed, &sealed_len), 0);
    assert_int_equal(sealed_len, CRYPTO_SEAL_OVERHEAD);
    assert_int_equal(crypto_open(key, "", sealed, sealed_len, opened, &opened_len), 0);
    assert_int_equal(opened_len, 0);
}

static void
test_seal_tamper(void **state)
{
    (void) state;
    uint8_t key[CRYPTO_KEY_LEN], sealed[128], opened[128];
    size_t sealed_len, opened_len = 999;
    const char *pt = "张三";
    const char *aad = "330303/visit/17/name";
    s_key(key);
    assert_int_equal(crypto_seal(key, aad, pt, strlen(pt), sealed, &sealed_len), 0);
    /* flip one bit of each region: nonce (0), ciphertext (12), tag (last) */
    size_t where[] = {0, 11, 12, 12 + strlen(pt) - 1, sealed_len - 16, sealed_len - 1};
    for (size_t i = 0; i < sizeof where / sizeof *where; i++) {
        sealed[where[i]] ^= 0x01;
        memset(opened, 0xAA, sizeof opened);
        assert_int_equal(crypto_open(key, aad, sealed, sealed_len, opened, &opened_len), -1);
        assert_int_equal(opened_len, 999);
        for (size_t k = 0; k < strlen(pt); k++)   /* nothing of the plaintext leaks */
            assert_int_not_equal(opened[k], (uint8_t) pt[k]);
        sealed[where[i]] ^= 0x01;
    }
    assert_int_equal(crypto_open(key, aad, sealed, sealed_len, opened, &opened_len), 0);
    assert_int_equal(crypto_open(key, "330303/visit/18/name", sealed, sealed_len, opened, &opened_len), -1);
    assert_int_equal(crypto_open(key, NULL, sealed, sealed_len, opened, &opened_len), -1);
    uint8_t other[CRYPTO_KEY_LEN];
    memcpy(other, key, sizeof other);
    other[5] ^= 0x80;
    assert_int_equal(crypto_open(other, aad, sealed, sealed_len, opened, &opened_len), -1);
    assert_int_equal(crypto_open(key, aad, sealed, sealed_len - 1, opened, &opened_len), -1);
    assert_int_equal(crypto_open(key, aad, sealed, CRYPTO_SEAL_OVERHEAD - 1, opened, &opened_len), -1);
    assert_int_equal(crypto_open(key, aad, NULL, sealed_len, opened, &opened_len), -1);
}

static void
test_sha256_and_hex(void **state)
{
    (void) state;
    uint8_t digest[32];
    char hex[65];
    crypto_sha256("abc", 3, digest);
    crypto_hex(digest, sizeof digest, hex);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    crypto_sha256("", 0, digest);
    crypto_hex(digest, sizeof digest, hex);
    assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    uint8_t raw[] = {0x00, 0x0f, 0xf0, 0xff};
    crypto_hex(raw, sizeof raw, hex);
    assert_string_equal(hex, "000ff0ff");
    crypto_hex(raw, 0, hex);
    assert_string_equal(hex, "");
}

static void
test_equal_random_token(void **state)
{
    (void) state;
    assert_int_equal(crypto_equal("abcd", "abcd", 4), 1);
    assert_int_equal(crypto_equal("abcd", "abce", 4), 0);
    assert_int_equal(crypto_equal("abcd", "xbcd", 4), 0);
    assert_int_equal(crypto_equal("abcd", "abce", 3), 1);
    assert_int_equal(crypto_equal("a", "b", 0), 1);

    uint8_t a[32] = {0}, b[32] = {0}, zero[32] = {0};
    assert_int_equal(crypto_random(a, sizeof a), 0);
    assert_int_equal(crypto_random(b, sizeof b), 0);
    assert_memory_not_equal(a, zero, sizeof a);
    assert_memory_not_equal(a, b, sizeof a);
    assert_int_equal(crypto_random(NULL, 0), 0);
    assert_int_equal(crypto_random(NULL, 4), -1);

    char t1[65], t2[65];
    assert_int_equal(crypto_token(t1), 0);
    assert_int_equal(crypto_token(t2), 0);
    assert_int_equal(strlen(t1), 64);
    assert_int_equal(strspn(t1, "0123456789abcdef"), 64);
    assert_string_not_equal(t1, t2);
}

static void
test_password(void **state)
{
    (void) state;
    char h1[128], h2[128];
    assert_int_equal(crypto_password_hash("correct horse", 1000, h1, sizeof h1), 0);
    assert_int_equal(strncmp(h1, "pbkdf2-sha256$1000$", 19), 0);
    assert_int_equal(crypto_password_verify("correct horse", h1), 1);
    assert_int_equal(crypto_password_verify("correct horsE", h1), 0);
    assert_int_equal(crypto_password_verify("", h1), 0);
    assert_int_equal(crypto_password_hash("correct horse", 1000, h2, sizeof h2), 0);
    assert_string_not_equal(h1, h2);                 /* a random salt each time */
    assert_int_equal(crypto_password_verify("correct horse", h2), 1);
    assert_int_equal(crypto_password_hash("密码", 2, h2, sizeof h2), 0);
    assert_int_equal(crypto_password_verify("密码", h2), 1);
    assert_int_equal(crypto_password_hash("x", 1000, h2, 40), -1);   /* too small */
    assert_int_equal(crypto_password_hash(NULL, 1000, h2, sizeof h2), -1);
}

static void
test_password_known_answer(void **state)
{
    (void) state;
    /* PBKDF2-HMAC-SHA256("password", "saltSALTsaltSALT", 4096 iterations,
     * 32 bytes), computed independently with Python's hashlib.pbkdf2_hmac. */
    const char *stored = "pbkdf2-sha256$4096$c2FsdFNBTFRzYWx0U0FMVA==$"
                         "kVD6NM4ljz+g9JUH5Fappxkk9oLULzZIKyYYhI/Tjlo=";
    assert_int_equal(crypto_password_verify("password", stored), 1);
    assert_int_equal(crypto_password_verify("passwore", stored), 0);
}

static void
test_password_default_iterations(void **state)
{
    (void) state;
    char h[128];
    assert_int_equal(crypto_password_hash("pw", 0, h, sizeof h), 0);
    assert_int_equal(strncmp(h, "pbkdf2-sha256$210000$", 21), 0);
    assert_true(strlen(h) < 128);
    assert_int_equal(crypto_password_verify("pw", h), 1);
}

static void
test_password_malformed(void **state)
{
    (void) state;
    char good[128];
    assert_int_equal(crypto_password_hash("pw", 10, good, sizeof good), 0);
#define SALT "c2FsdFNBTFRzYWx0U0FMVA=="                  /* 16 bytes */
#define HASH "kVD6NM4ljz+g9JUH5Fappxkk9oLULzZIKyYYhI/Tjlo="  /* 32 bytes */
    assert_int_equal(crypto_password_verify("password", "pbkdf2-sha256$4096$" SALT "$" HASH), 1);
    static const char *bad[] = {
        "", "plain", "pbkdf2-sha256$", "pbkdf2-sha256$10$", "pbkdf2-sha256$10$" SALT,
        "pbkdf2-sha256$10$" SALT "$",
        "pbkdf2-sha256$$" SALT "$" HASH,                  /* no iteration count */
        "pbkdf2-sha256$0$" SALT "$" HASH,
        "pbkdf2-sha256$04096$" SALT "$" HASH,             /* leading zero */
        "pbkdf2-sha256$-1$" SALT "$" HASH,
        "pbkdf2-sha256$+4096$" SALT "$" HASH,
        "pbkdf2-sha256$99999999$" SALT "$" HASH,          /* above the cap */
        "pbkdf2-sha256$4096x$" SALT "$" HASH,
        "pbkdf2-sha256$4096$c2FsdFNBTFRzYWx0U0FMV!==$" HASH,
        "pbkdf2-sha256$4096$c2FsdFNBTFRzYWx0U0FMVA=$" HASH,   /* bad padding */
        "pbkdf2-sha256$4096$c2FsdFNBTFRzYWx0U0F=VA==$" HASH,  /* '=' inside */
        "pbkdf2-sha256$4096$" SALT "$kVD6NM4ljz+g9JUH5Fappxkk9oLULzZIKyYYhI/Tjlo", /* unpadded */
        "pbkdf2-sha256$4096$" SALT "$$" HASH,
        "pbkdf2-sha256$4096$" SALT "$" HASH "$",
        "pbkdf2-sha256$4096$" SALT "$Eg==",                /* hash too short */
        "pbkdf2-sha256$4096$c2FsdA==$" HASH,               /* salt too short */
        "pbkdf2-sha256$4096$$" HASH,                       /* no salt */
        "pbkdf2-sha1$4096$" SALT "$" HASH,
        "PBKDF2-SHA256$4096$" SALT "$" HASH,
        " pbkdf2-sha256$4096$" SALT "$" HASH,
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        if (crypto_password_verify("pw", bad[i]) != -1)
            fail_msg("accepted \"%s\"", bad[i]);
    assert_int_equal(crypto_password_verify("pw", NULL), -1);
    char *h = strrchr(good, '$') + 1;                 /* still well-formed, wrong hash */
    *h = *h == 'A' ? 'B' : 'A';
    assert_int_equal(crypto_password_verify("pw", good), 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_key_from_hex),          cmocka_unit_test(test_seal_round_trip),
        cmocka_unit_test(test_seal_tamper),           cmocka_unit_test(test_sha256_and_hex),
        cmocka_unit_test(test_equal_random_token),    cmocka_unit_test(test_password),
        cmocka_unit_test(test_password_known_answer), cmocka_unit_test(test_password_default_iterations),
        cmocka_unit_test(test_password_malformed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
