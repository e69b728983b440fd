/* seal: personal data of the public sealed at rest under a key ring, so a key
 * can be rotated while the services run. A sealed value names its format, its
 * cipher suite and its key: 'L' 'X' | version | suite | key id | body. Two
 * suites: AES-256-GCM (the default) and, for installations that must pass a
 * 商用密码 assessment, SM4-CTR with HMAC-SM3 (encrypt-then-MAC: OpenSSL 3.0
 * has no SM4-GCM). Values written before the header existed (crypto_seal's
 * nonce | ciphertext | tag) still open with the legacy key, key id 1.
 * Never logs, never hands out unauthenticated plaintext. */
#ifndef LIANXIN_SEAL_H
#define LIANXIN_SEAL_H

#include <stddef.h>
#include <stdint.h>
#include "config.h"
#include "crypto.h"

#define SEAL_HEADER_LEN 5
#define SEAL_VERSION 1
/* The largest overhead of any suite (SM4: header 5 + iv 16 + mac 32). */
#define SEAL_OVERHEAD_MAX 53
#define SEAL_KEY_ID_MIN 1
#define SEAL_KEY_ID_MAX 255
#define SEAL_LEGACY_KEY_ID 1    /* the key that opens values without a header */

typedef enum seal_suite {
    SEAL_SUITE_AES_GCM = 1,     /* "aes-256-gcm": nonce 12 | ct | tag 16, aad = header | aad */
    SEAL_SUITE_SM4 = 2,         /* "sm4": iv 16 | ct | HMAC-SM3 32 over header, aad, iv, ct */
} seal_suite_t;

/* What the header of a sealed value says. */
typedef struct seal_header {
    int version;
    seal_suite_t suite;
    int key_id;
} seal_header_t;

typedef struct seal_ring seal_ring_t;

/* A ring whose current key is `current_hex` (64 hex digits) with id
 * `current_id` (1..255), sealing with `suite` ("aes-256-gcm" or "sm4"; NULL
 * or "" is aes-256-gcm), and opening also with the older keys of `older`:
 * a comma-separated "id:hex" list (NULL or "" for none). NULL, with the
 * reason in *why (a fixed text naming no key), when anything is invalid:
 * an unknown suite, a bad id or hex, an id listed twice. */
seal_ring_t *seal_ring_new(const char *suite, int current_id, const char *current_hex,
                           const char *older, const char **why);

/* The ring of the configuration: crypto.key (current), crypto.current (its
 * id, default 1), crypto.keys (older "id:hex" list), crypto.suite. NULL when
 * crypto.key is missing or any of them is invalid (logged, without values). */
seal_ring_t *seal_ring_from_config(const config_t *cfg);

/* Wipes the keys and frees the ring. Idempotent; sets *self_p to NULL. */
void seal_ring_destroy(seal_ring_t **self_p);

/* The id and suite new values are sealed with. */
int seal_ring_current(const seal_ring_t *self);
seal_suite_t seal_ring_suite(const seal_ring_t *self);

/* The header every value sealed now starts with (SEAL_HEADER_LEN bytes):
 * a value starting otherwise is due for re-sealing. */
void seal_ring_prefix(const seal_ring_t *self, uint8_t out[SEAL_HEADER_LEN]);

/* Seals `len` bytes of `pt` under the current key and suite, binding `aad`
 * (the record: "330303/visit/17/phone") and the header. `out` holds
 * `outsz` bytes (len + SEAL_OVERHEAD_MAX is always enough). 0 or -1. */
int seal_value(const seal_ring_t *self, const char *aad, const void *pt, size_t len,
               uint8_t *out, size_t outsz, size_t *out_len);

/* Opens a sealed value with the key its header names (or the legacy key for
 * a value without a header). `out` holds `outsz` bytes (in_len is always
 * enough). -1 when the key is not in the ring, the value was tampered with,
 * or the aad differs; `out` then holds nothing. */
int seal_open(const seal_ring_t *self, const char *aad, const uint8_t *in, size_t in_len,
              uint8_t *out, size_t outsz, size_t *out_len);

/* Parses the header of `in`. 0, or -1 when `in` has none (a legacy value). */
int seal_header_parse(const uint8_t *in, size_t in_len, seal_header_t *out);

/* "aes-256-gcm" / "sm4" into a suite; -1 when unknown. NULL or "" is AES. */
int seal_suite_parse(const char *name);

#endif
