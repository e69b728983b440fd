/* seal: the key ring and the two sealing suites (see seal.h). All through
 * OpenSSL 3's EVP and EVP_MAC interfaces. Never logs a key or a value; wipes
 * derived keys on destroy and plaintext on every failed open. */
#include "seal.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include "log.h"

#define S_GCM_NONCE 12
#define S_GCM_TAG 16
#define S_SM4_IV 16
#define S_SM4_KEY 16
#define S_SM3_LEN 32
#define S_OLDER_MAX 4096            /* crypto.keys text: 64 keys and more */

typedef struct slot {
    int present;
    uint8_t key[CRYPTO_KEY_LEN];    /* AES-256-GCM key; the master of the SM4 keys */
    uint8_t sm4_enc[S_SM4_KEY];     /* HMAC-SM3(key, "lianxin/seal/sm4/enc")[0..16) */
    uint8_t sm4_mac[S_SM3_LEN];     /* HMAC-SM3(key, "lianxin/seal/sm4/mac") */
} slot_t;

struct seal_ring {
    seal_suite_t suite;
    int current;
    slot_t slot[SEAL_KEY_ID_MAX + 1];
};

/* ---- HMAC-SM3 -------------------------------------------------------------- */

typedef struct part {
    const void *p;
    size_t n;
} part_t;

/* HMAC-SM3 of the concatenated `parts` under `key`. 0 or -1. */
static int s_hmac_sm3(const uint8_t *key, size_t keylen, const part_t *parts, int nparts,
                      uint8_t out[S_SM3_LEN])
{
    EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
    EVP_MAC_CTX *ctx = mac ? EVP_MAC_CTX_new(mac) : NULL;
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *) "SM3", 0),
        OSSL_PARAM_construct_end(),
    };
    size_t outlen = 0;
    int rc = ctx && EVP_MAC_init(ctx, key, keylen, params) == 1 ? 0 : -1;
    for (int i = 0; rc == 0 && i < nparts; i++)
        if (parts[i].n && EVP_MAC_update(ctx, parts[i].p, parts[i].n) != 1)
            rc = -1;
    if (rc == 0 && (EVP_MAC_final(ctx, out, &outlen, S_SM3_LEN) != 1 || outlen != S_SM3_LEN))
        rc = -1;
    EVP_MAC_CTX_free(ctx);
    EVP_MAC_free(mac);
    return rc;
}

/* The SM4 encryption and MAC keys of a slot, derived from its master key so
 * one configured key serves both suites. 0 or -1. */
static int s_derive(slot_t *s)
{
    static const char enc[] = "lianxin/seal/sm4/enc", mac[] = "lianxin/seal/sm4/mac";
    uint8_t full[S_SM3_LEN];
    part_t pe = {enc, sizeof enc - 1}, pm = {mac, sizeof mac - 1};
    if (s_hmac_sm3(s->key, CRYPTO_KEY_LEN, &pe, 1, full) != 0
        || s_hmac_sm3(s->key, CRYPTO_KEY_LEN, &pm, 1, s->sm4_mac) != 0)
        return -1;
    memcpy(s->sm4_enc, full, S_SM4_KEY);
    OPENSSL_cleanse(full, sizeof full);
    return 0;
}

/* ---- the ring ---------------------------------------------------------------- */

int seal_suite_parse(const char *name)
{
    if (!name || !*name || strcmp(name, "aes-256-gcm") == 0)
        return SEAL_SUITE_AES_GCM;
    if (strcmp(name, "sm4") == 0)
        return SEAL_SUITE_SM4;
    return -1;
}

/* Puts key `hex` at `id`. 0, or -1 with *why set. */
static int s_add(seal_ring_t *r, int id, const char *hex, const char **why)
{
    if (id < SEAL_KEY_ID_MIN || id > SEAL_KEY_ID_MAX)
        return *why = "key id not in 1..255", -1;
    if (r->slot[id].present)
        return *why = "key id listed twice", -1;
    if (crypto_key_from_hex(hex, r->slot[id].key) != 0)
        return *why = "key not 64 hex digits", -1;
    if (s_derive(&r->slot[id]) != 0)
        return *why = "sm3 unavailable", -1;
    r->slot[id].present = 1;
    return 0;
}

/* Adds each "id:hex" of the comma-separated `older`. 0 or -1. */
static int s_add_older(seal_ring_t *r, const char *older, const char **why)
{
    char buf[S_OLDER_MAX], *save = NULL;
    if (strlen(older) >= sizeof buf)
        return *why = "crypto.keys too long", -1;
    memcpy(buf, older, strlen(older) + 1);
    int rc = 0;
    for (char *tok = strtok_r(buf, ", ", &save); rc == 0 && tok; tok = strtok_r(NULL, ", ", &save)) {
        char *colon = strchr(tok, ':'), *end = NULL;
        long id = colon ? strtol(tok, &end, 10) : -1;
        if (!colon || end != colon)
            rc = (*why = "crypto.keys entry is not id:hex", -1);
        else
            rc = s_add(r, (int) id, colon + 1, why);
    }
    OPENSSL_cleanse(buf, sizeof buf);
    return rc;
}

seal_ring_t *seal_ring_new(const char *suite, int current_id, const char *current_hex,
                           const char *older, const char **why)
{
    const char *dummy;
    int s = seal_suite_parse(suite);
    seal_ring_t *r = calloc(1, sizeof *r);
    if (!why)
        why = &dummy;
    *why = "out of memory";
    if (r && s < 0)
        *why = "crypto.suite is neither aes-256-gcm nor sm4";
    if (!r || s < 0 || s_add(r, current_id, current_hex, why) != 0
        || (older && *older && s_add_older(r, older, why) != 0)) {
        seal_ring_destroy(&r);
        return NULL;
    }
    r->suite = (seal_suite_t) s;
    r->current = current_id;
    return r;
}

seal_ring_t *seal_ring_from_config(const config_t *cfg)
{
    const char *why = NULL;
    const char *hex = config_get(cfg, "crypto.key", NULL);
    long long id = config_get_int(cfg, "crypto.current", SEAL_LEGACY_KEY_ID);
    if (!hex || !*hex) {
        log_error("crypto.key missing");
        return NULL;
    }
    if (id < SEAL_KEY_ID_MIN || id > SEAL_KEY_ID_MAX) {
        log_error("crypto.current not in 1..255");
        return NULL;
    }
    seal_ring_t *r = seal_ring_new(config_get(cfg, "crypto.suite", NULL), (int) id, hex,
                                   config_get(cfg, "crypto.keys", NULL), &why);
    if (!r)
        log_error("crypto keys refused", "why=\"%s\"", why ? why : "");
    return r;
}

void seal_ring_destroy(seal_ring_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    OPENSSL_cleanse(*self_p, sizeof **self_p);
    free(*self_p);
    *self_p = NULL;
}

int seal_ring_current(const seal_ring_t *self) { return self->current; }

seal_suite_t seal_ring_suite(const seal_ring_t *self) { return self->suite; }

void seal_ring_prefix(const seal_ring_t *self, uint8_t out[SEAL_HEADER_LEN])
{
    out[0] = 'L';
    out[1] = 'X';
    out[2] = SEAL_VERSION;
    out[3] = (uint8_t) self->suite;
    out[4] = (uint8_t) self->current;
}

int seal_header_parse(const uint8_t *in, size_t in_len, seal_header_t *out)
{
    if (!in || in_len < SEAL_HEADER_LEN || in[0] != 'L' || in[1] != 'X'
        || in[2] != SEAL_VERSION || (in[3] != SEAL_SUITE_AES_GCM && in[3] != SEAL_SUITE_SM4)
        || in[4] < SEAL_KEY_ID_MIN)
        return -1;
    out->version = in[2];
    out->suite = (seal_suite_t) in[3];
    out->key_id = in[4];
    return 0;
}

/* ---- AES-256-GCM with a binary aad ------------------------------------------------ */

/* Runs GCM over `in` into `out` with aad = `hdr` | `aad`; on decryption
 * `tag` is checked, on encryption written. 0 or -1. */
static int s_gcm(int enc, const uint8_t *key, const uint8_t *nonce, const uint8_t *hdr,
                 const char *aad, const uint8_t *in, size_t len, uint8_t *out, uint8_t *tag)
{
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    size_t alen = aad ? strlen(aad) : 0;
    int n = 0, fin = 0, rc = -1;
    if (!ctx || len > INT_MAX || alen > INT_MAX
        || EVP_CipherInit_ex(ctx, EVP_aes_256_gcm(), NULL, NULL, NULL, enc) != 1
        || EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, S_GCM_NONCE, NULL) != 1
        || EVP_CipherInit_ex(ctx, NULL, NULL, key, nonce, enc) != 1
        || EVP_CipherUpdate(ctx, NULL, &n, hdr, SEAL_HEADER_LEN) != 1
        || (alen && EVP_CipherUpdate(ctx, NULL, &n, (const uint8_t *) aad, (int) alen) != 1)
        || (len && EVP_CipherUpdate(ctx, out, &n, in, (int) len) != 1))
        goto done;
    if (!enc && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, S_GCM_TAG, tag) != 1)
        goto done;
    if (EVP_CipherFinal_ex(ctx, out + (len ? n : 0), &fin) != 1)
        goto done;
    if (enc && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, S_GCM_TAG, tag) != 1)
        goto done;
    rc = 0;
done:
    EVP_CIPHER_CTX_free(ctx);
    return rc;
}

/* ---- SM4-CTR + HMAC-SM3 ----------------------------------------------------------- */

/* SM4-CTR is its own inverse. 0 or -1. */
static int s_sm4_ctr(const uint8_t *key, const uint8_t *iv, const uint8_t *in, size_t len,
                     uint8_t *out)
{
    EVP_CIPHER *c = EVP_CIPHER_fetch(NULL, "SM4-CTR", NULL);
    EVP_CIPHER_CTX *ctx = c ? EVP_CIPHER_CTX_new() : NULL;
    int n = 0, fin = 0, rc = -1;
    if (ctx && len <= INT_MAX && EVP_EncryptInit_ex(ctx, c, NULL, key, iv) == 1
        && (!len || EVP_EncryptUpdate(ctx, out, &n, in, (int) len) == 1)
        && EVP_EncryptFinal_ex(ctx, out + n, &fin) == 1 && (size_t) (n + fin) == len)
        rc = 0;
    EVP_CIPHER_CTX_free(ctx);
    EVP_CIPHER_free(c);
    return rc;
}

/* The MAC of an SM4 value: header, the aad's length (4 bytes big-endian) and
 * text, iv, ciphertext. The length keeps (aad, iv) splits apart. 0 or -1. */
static int s_sm4_mac(const slot_t *s, const uint8_t *hdr, const char *aad, const uint8_t *iv,
                     const uint8_t *ct, size_t len, uint8_t out[S_SM3_LEN])
{
    size_t alen = aad ? strlen(aad) : 0;
    uint8_t be[4] = {(uint8_t) (alen >> 24), (uint8_t) (alen >> 16), (uint8_t) (alen >> 8),
                     (uint8_t) alen};
    part_t parts[] = {{hdr, SEAL_HEADER_LEN}, {be, 4}, {aad, alen}, {iv, S_SM4_IV}, {ct, len}};
    return alen > UINT32_MAX ? -1 : s_hmac_sm3(s->sm4_mac, S_SM3_LEN, parts, 5, out);
}

/* ---- seal and open -------------------------------------------------------------- */

static size_t s_overhead(seal_suite_t suite)
{
    return SEAL_HEADER_LEN + (suite == SEAL_SUITE_SM4 ? S_SM4_IV + S_SM3_LEN
                                                      : S_GCM_NONCE + S_GCM_TAG);
}

int seal_value(const seal_ring_t *self, const char *aad, const void *pt, size_t len,
               uint8_t *out, size_t outsz, size_t *out_len)
{
    if (!self || (!pt && len) || !out || !out_len || len > INT_MAX - SEAL_OVERHEAD_MAX
        || outsz < len + s_overhead(self->suite))
        return -1;
    const slot_t *s = &self->slot[self->current];
    uint8_t *body = out + SEAL_HEADER_LEN;
    int rc;
    seal_ring_prefix(self, out);
    if (self->suite == SEAL_SUITE_SM4) {
        rc = RAND_bytes(body, S_SM4_IV) == 1 ? 0 : -1;
        rc = rc ? rc : s_sm4_ctr(s->sm4_enc, body, pt, len, body + S_SM4_IV);
        rc = rc ? rc : s_sm4_mac(s, out, aad, body, body + S_SM4_IV, len,
                                 body + S_SM4_IV + len);
    } else {
        rc = RAND_bytes(body, S_GCM_NONCE) == 1 ? 0 : -1;
        rc = rc ? rc : s_gcm(1, s->key, body, out, aad, pt, len, body + S_GCM_NONCE,
                             body + S_GCM_NONCE + len);
    }
    if (rc != 0)
        OPENSSL_cleanse(out, outsz);
    else
        *out_len = len + s_overhead(self->suite);
    return rc;
}

/* Opens a value with a header `h`. 0 or -1. */
static int s_open_v1(const seal_ring_t *self, const seal_header_t *h, const char *aad,
                     const uint8_t *in, size_t in_len, uint8_t *out, size_t *out_len)
{
    const slot_t *s = &self->slot[h->key_id];
    size_t over = s_overhead(h->suite);
    const uint8_t *body = in + SEAL_HEADER_LEN;
    uint8_t mac[S_SM3_LEN], tag[S_GCM_TAG];
    if (!s->present || in_len < over)
        return -1;
    size_t len = in_len - over;
    if (h->suite == SEAL_SUITE_SM4) {
        if (s_sm4_mac(s, in, aad, body, body + S_SM4_IV, len, mac) != 0
            || !crypto_equal(mac, body + S_SM4_IV + len, S_SM3_LEN))
            return -1;
        if (s_sm4_ctr(s->sm4_enc, body, body + S_SM4_IV, len, out) != 0)
            return -1;
    } else {
        memcpy(tag, body + S_GCM_NONCE + len, S_GCM_TAG);
        if (s_gcm(0, s->key, body, in, aad, body + S_GCM_NONCE, len, out, tag) != 0)
            return -1;
    }
    *out_len = len;
    return 0;
}

int seal_open(const seal_ring_t *self, const char *aad, const uint8_t *in, size_t in_len,
              uint8_t *out, size_t outsz, size_t *out_len)
{
    const slot_t *legacy;
    seal_header_t h;
    if (!self || !in || !out || !out_len || outsz < in_len || in_len > INT_MAX)
        return -1;
    if (seal_header_parse(in, in_len, &h) == 0
        && s_open_v1(self, &h, aad, in, in_len, out, out_len) == 0)
        return 0;
    /* no header, or one a legacy nonce happened to start with (2^-24) */
    legacy = &self->slot[SEAL_LEGACY_KEY_ID];
    if (legacy->present && crypto_open(legacy->key, aad, in, in_len, out, out_len) == 0)
        return 0;
    OPENSSL_cleanse(out, outsz);
    return -1;
}
