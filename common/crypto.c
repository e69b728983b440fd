/* crypto: AES-256-GCM sealing, SHA-256, PBKDF2 password hashes and random
 * tokens, all through OpenSSL 3's EVP interfaces. Never logs, and wipes the
 * secrets it derives or decrypts into its own buffers before returning. */
#include "crypto.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#define S_NONCE_LEN 12
#define S_TAG_LEN 16
#define S_SALT_LEN 16
#define S_HASH_LEN 32
#define S_DEFAULT_ITER 210000u
#define S_MAX_ITER 10000000u        /* refuse stored hashes that would stall us */
#define S_PW_PREFIX "pbkdf2-sha256$"

/* ---- hex ------------------------------------------------------------------ */

static int
s_hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int
crypto_key_from_hex(const char *hex, uint8_t key[CRYPTO_KEY_LEN])
{
    if (!hex || !key || strlen(hex) != 2 * CRYPTO_KEY_LEN)
        return -1;
    uint8_t tmp[CRYPTO_KEY_LEN];
    for (int i = 0; i < CRYPTO_KEY_LEN; i++) {
        int hi = s_hexval(hex[2 * i]), lo = s_hexval(hex[2 * i + 1]);
        if (hi < 0 || lo < 0) {
            OPENSSL_cleanse(tmp, sizeof tmp);
            return -1;
        }
        tmp[i] = (uint8_t) (hi << 4 | lo);
    }
    memcpy(key, tmp, sizeof tmp);
    OPENSSL_cleanse(tmp, sizeof tmp);
    return 0;
}

void
crypto_hex(const uint8_t *in, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[in[i] >> 4];
        out[2 * i + 1] = digits[in[i] & 15];
    }
    out[2 * n] = '\0';
}

/* ---- AEAD ----------------------------------------------------------------- */

/* Sets up `ctx` for AES-256-GCM with `key` and `nonce` in the given
 * direction and feeds it the aad. 0 or -1. */
static int
s_gcm_init(EVP_CIPHER_CTX *ctx, int enc, const uint8_t *key, const uint8_t *nonce,
           const char *aad)
{
    int n;
    size_t aad_len = aad ? strlen(aad) : 0;
    if (EVP_CipherInit_ex(ctx, EVP_aes_256_gcm(), NULL, NULL, NULL, enc) != 1
        || EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, S_NONCE_LEN, NULL) != 1
        || EVP_CipherInit_ex(ctx, NULL, NULL, key, nonce, enc) != 1)
        return -1;
    if (aad_len > INT_MAX)
        return -1;
    if (aad_len && EVP_CipherUpdate(ctx, NULL, &n, (const uint8_t *) aad, (int) aad_len) != 1)
        return -1;
    return 0;
}

int
crypto_seal(const uint8_t key[CRYPTO_KEY_LEN], const char *aad, const void *pt, size_t len,
            uint8_t *out, size_t *out_len)
{
    if (!key || (!pt && len) || !out || !out_len || len > INT_MAX - CRYPTO_SEAL_OVERHEAD)
        return -1;
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    int n = 0, fin = 0, rc = -1;
    uint8_t *ct = out + S_NONCE_LEN;
    if (!ctx || RAND_bytes(out, S_NONCE_LEN) != 1 || s_gcm_init(ctx, 1, key, out, aad))
        goto done;
    if (len && EVP_EncryptUpdate(ctx, ct, &n, pt, (int) len) != 1)
        goto done;
    if (EVP_EncryptFinal_ex(ctx, ct + n, &fin) != 1
        || EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, S_TAG_LEN, ct + n + fin) != 1)
        goto done;
    *out_len = S_NONCE_LEN + (size_t) n + (size_t) fin + S_TAG_LEN;
    rc = 0;
done:
    EVP_CIPHER_CTX_free(ctx);
    return rc;
}

int
crypto_open(const uint8_t key[CRYPTO_KEY_LEN], const char *aad, const uint8_t *in,
            size_t in_len, uint8_t *out, size_t *out_len)
{
    if (!key || !in || !out || !out_len || in_len < CRYPTO_SEAL_OVERHEAD || in_len > INT_MAX)
        return -1;
    size_t ct_len = in_len - CRYPTO_SEAL_OVERHEAD;
    const uint8_t *ct = in + S_NONCE_LEN;
    uint8_t tag[S_TAG_LEN];
    memcpy(tag, ct + ct_len, S_TAG_LEN);
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    int n = 0, fin = 0, rc = -1;
    if (!ctx || s_gcm_init(ctx, 0, key, in, aad))
        goto done;
    if (ct_len && EVP_DecryptUpdate(ctx, out, &n, ct, (int) ct_len) != 1)
        goto done;
    if (EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, S_TAG_LEN, tag) != 1
        || EVP_DecryptFinal_ex(ctx, out + n, &fin) != 1) {
        OPENSSL_cleanse(out, ct_len);       /* never hand out unauthenticated text */
        goto done;
    }
    *out_len = (size_t) n + (size_t) fin;
    rc = 0;
done:
    EVP_CIPHER_CTX_free(ctx);
    return rc;
}

/* ---- hashing, randomness, comparison ----------------------------------------- */

int
crypto_random(void *buf, size_t n)
{
    if (!buf && n)
        return -1;
    if (n > INT_MAX)
        return -1;
    return n == 0 || RAND_bytes(buf, (int) n) == 1 ? 0 : -1;
}

void
crypto_sha256(const void *data, size_t n, uint8_t out[32])
{
    unsigned int len = 0;
    if (EVP_Digest(data, n, out, &len, EVP_sha256(), NULL) != 1)
        memset(out, 0, 32);
}

int
crypto_equal(const void *a, const void *b, size_t n)
{
    return CRYPTO_memcmp(a, b, n) == 0;
}

int
crypto_token(char out[65])
{
    uint8_t raw[32];
    if (!out || crypto_random(raw, sizeof raw))
        return -1;
    crypto_hex(raw, sizeof raw, out);
    OPENSSL_cleanse(raw, sizeof raw);
    return 0;
}

/* ---- password hashes ----------------------------------------------------------- */

/* Standard base64 with padding of `n` bytes; `out` holds 4*ceil(n/3)+1. */
static void
s_b64(const uint8_t *in, size_t n, char *out)
{
    EVP_EncodeBlock((unsigned char *) out, in, (int) n);
}

/* Decodes exactly `len` characters of padded base64 into `out` (room for
 * `outsz`); the decoded length, or -1 when malformed or too long. */
static int
s_unb64(const char *in, size_t len, uint8_t *out, size_t outsz)
{
    if (len == 0 || len % 4 != 0 || len / 4 * 3 > outsz)
        return -1;
    for (size_t i = 0; i < len; i++) {
        char c = in[i];
        int pad_ok = c == '=' && i >= len - 2 && (i == len - 1 || in[len - 1] == '=');
        if (!(c >= 'A' && c <= 'Z') && !(c >= 'a' && c <= 'z') && !(c >= '0' && c <= '9')
            && c != '+' && c != '/' && !pad_ok)
            return -1;
    }
    int n = EVP_DecodeBlock(out, (const unsigned char *) in, (int) len);
    if (n < 0)
        return -1;
    return n - (in[len - 1] == '=') - (in[len - 2] == '=');
}

int
crypto_password_hash(const char *password, unsigned iterations, char *out, size_t outsz)
{
    if (!password || !out)
        return -1;
    if (iterations == 0)
        iterations = S_DEFAULT_ITER;
    if (iterations > S_MAX_ITER)
        return -1;
    uint8_t salt[S_SALT_LEN], hash[S_HASH_LEN];
    char salt_b64[32], hash_b64[48];
    int rc = -1;
    if (crypto_random(salt, sizeof salt) == 0
        && PKCS5_PBKDF2_HMAC(password, (int) strlen(password), salt, sizeof salt,
                             (int) iterations, EVP_sha256(), sizeof hash, hash) == 1) {
        s_b64(salt, sizeof salt, salt_b64);
        s_b64(hash, sizeof hash, hash_b64);
        int n = snprintf(out, outsz, S_PW_PREFIX "%u$%s$%s", iterations, salt_b64, hash_b64);
        rc = n > 0 && (size_t) n < outsz ? 0 : -1;
    }
    OPENSSL_cleanse(hash, sizeof hash);
    OPENSSL_cleanse(hash_b64, sizeof hash_b64);
    return rc;
}

/* Splits "pbkdf2-sha256$<iter>$<salt>$<hash>" into its parts. 0 or -1. */
static int
s_parse_stored(const char *stored, unsigned *iter, uint8_t *salt, int *salt_len,
               uint8_t *hash, int *hash_len)
{
    size_t plen = strlen(S_PW_PREFIX);
    if (strncmp(stored, S_PW_PREFIX, plen) != 0)
        return -1;
    const char *p = stored + plen, *d1 = strchr(p, '$');
    const char *d2 = d1 ? strchr(d1 + 1, '$') : NULL;
    if (!d1 || !d2 || strchr(d2 + 1, '$') || d1 == p || d1 - p > 8)
        return -1;
    unsigned long it = 0;
    for (const char *q = p; q < d1; q++) {
        if (*q < '0' || *q > '9')
            return -1;
        it = it * 10 + (unsigned long) (*q - '0');
    }
    if (it == 0 || it > S_MAX_ITER || (*p == '0'))
        return -1;
    *iter = (unsigned) it;
    *salt_len = s_unb64(d1 + 1, (size_t) (d2 - d1 - 1), salt, 64);
    *hash_len = s_unb64(d2 + 1, strlen(d2 + 1), hash, 64);
    return *salt_len < 8 || *hash_len < 16 ? -1 : 0;
}

int
crypto_password_verify(const char *password, const char *stored)
{
    if (!stored)
        return -1;
    unsigned iter;
    uint8_t salt[66], want[66], got[66];
    int salt_len, hash_len;
    if (s_parse_stored(stored, &iter, salt, &salt_len, want, &hash_len))
        return -1;
    if (!password)
        return 0;
    int ok = PKCS5_PBKDF2_HMAC(password, (int) strlen(password), salt, salt_len, (int) iter,
                               EVP_sha256(), hash_len, got) == 1
             && CRYPTO_memcmp(got, want, (size_t) hash_len) == 0;
    OPENSSL_cleanse(got, sizeof got);
    return ok ? 1 : 0;
}

int
crypto_hmac_sha256(const uint8_t *key, size_t keylen, const void *data, size_t n,
                   uint8_t out[32])
{
    unsigned len = 0;
    if (!HMAC(EVP_sha256(), key, (int) keylen, data, n, out, &len) || len != 32) {
        memset(out, 0, 32);
        return -1;
    }
    return 0;
}
