/* ratelimit: token buckets, one per key (a principal, a client address).
 * The bucket arithmetic is pure and takes the time as an argument, so it is
 * tested without clocks; the table only maps keys to buckets and forgets
 * buckets that have refilled. Never stores anything but the key and two
 * numbers. */
#ifndef GW_RATELIMIT_H
#define GW_RATELIMIT_H

#include <stddef.h>
#include <stdint.h>

typedef struct tbucket {
    double tokens;                  /* available now */
    int64_t last_us;                /* when `tokens` was computed; 0: never */
} tbucket_t;

/* Takes one token from `b` at time `now_us` for a bucket refilling at `rate`
 * tokens per second up to `burst`. A fresh bucket starts full. Returns 1 when
 * a token was taken, 0 when the bucket is empty (then *retry_after_s, if not
 * NULL, is the whole number of seconds, at least 1, until a token is back).
 * A clock that goes backwards refills nothing. */
int tbucket_take(tbucket_t *b, double rate, double burst, int64_t now_us, int *retry_after_s);

typedef struct ratelimit ratelimit_t;

/* A table of buckets of `rate` per second and `burst`, holding at most
 * `max_keys` keys (older full buckets are forgotten first; when every bucket
 * is in use a new key is let through uncounted rather than failing everyone).
 * NULL when rate or burst is not positive or out of memory. */
ratelimit_t *ratelimit_new(double rate, double burst, size_t max_keys);

/* ratelimit_take for the bucket of `key` (up to 63 bytes are significant). */
int ratelimit_take(ratelimit_t *self, const char *key, int64_t now_us, int *retry_after_s);

/* 1 when the bucket of `key` has a token at `now_us` (a key never seen
 * has), 0 when it is empty (with *retry_after_s as for tbucket_take).
 * Takes nothing: for limits counted on failure and checked before work. */
int ratelimit_peek(const ratelimit_t *self, const char *key, int64_t now_us, int *retry_after_s);

/* Keys currently held. */
size_t ratelimit_size(const ratelimit_t *self);

/* Idempotent; sets *self_p to NULL. */
void ratelimit_destroy(ratelimit_t **self_p);

#endif
