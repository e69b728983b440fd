/* crypto: the few primitives the platform needs, all through OpenSSL:
 * AEAD sealing of personal data at rest, hashing, password hashes, tokens.
 * Never logs, never keeps key material beyond the caller's buffers. */
#ifndef LIANXIN_CRYPTO_H
#define LIANXIN_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#define CRYPTO_KEY_LEN 32
/* A sealed value is nonce(12) | ciphertext | tag(16). */
#define CRYPTO_SEAL_OVERHEAD 28

/* Parses 64 hex digits into a 256-bit key. 0 or -1. */
int crypto_key_from_hex(const char *hex, uint8_t key[CRYPTO_KEY_LEN]);

/* Seals `len` bytes of `pt` with AES-256-GCM under `key`, binding `aad` (the
 * record it belongs to, e.g. "330303/visit/17/phone") so a value cannot be
 * moved to another record. `out` must hold len + CRYPTO_SEAL_OVERHEAD bytes;
 * *out_len receives the sealed length. 0 or -1. */
int crypto_seal(const uint8_t key[CRYPTO_KEY_LEN], const char *aad,
                const void *pt, size_t len, uint8_t *out, size_t *out_len);

/* Opens a sealed value; `out` must hold in_len bytes. -1 when the value was
 * tampered with, the aad differs or the key is wrong. */
int crypto_open(const uint8_t key[CRYPTO_KEY_LEN], const char *aad,
                const uint8_t *in, size_t in_len, uint8_t *out, size_t *out_len);

/* Fills `buf` with cryptographically random bytes. 0 or -1. */
int crypto_random(void *buf, size_t n);

/* SHA-256 of `n` bytes. */
void crypto_sha256(const void *data, size_t n, uint8_t out[32]);

/* HMAC-SHA256 of `n` bytes under a `keylen`-byte key. 0, or -1 on an
 * OpenSSL failure (out is then zeroed: it never matches a real MAC). */
int crypto_hmac_sha256(const uint8_t *key, size_t keylen, const void *data, size_t n,
                       uint8_t out[32]);

/* Lower-case hex of `n` bytes into `out` (2n+1 bytes, NUL-terminated). */
void crypto_hex(const uint8_t *in, size_t n, char *out);

/* Constant-time comparison: 1 when equal, 0 otherwise. */
int crypto_equal(const void *a, const void *b, size_t n);

/* Hashes a password with PBKDF2-HMAC-SHA256 and a random 16-byte salt into
 * "pbkdf2-sha256$<iterations>$<salt b64>$<hash b64>" (at most 128 bytes).
 * `iterations` 0 means the default (210000). Slow on purpose: call it off the
 * event loop. 0 or -1. */
int crypto_password_hash(const char *password, unsigned iterations, char *out, size_t outsz);

/* 1 when `password` matches `stored`, 0 when not, -1 when `stored` is malformed. */
int crypto_password_verify(const char *password, const char *stored);

/* A new random token: 32 random bytes as 64 hex characters (out: 65 bytes). */
int crypto_token(char out[65]);

#endif
