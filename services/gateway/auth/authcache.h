/* authcache: the table behind auth.c: SHA-256 (hex) of a session token or
 * API key -> the principal and the times that decide whether the entry may
 * still be trusted. Pure: times are arguments. Holds no token, only hashes. */
#ifndef GW_AUTHCACHE_H
#define GW_AUTHCACHE_H

#include <stddef.h>
#include <stdint.h>
#include "auth/access.h"

#define AUTHCACHE_KEY 66            /* 's' or 'k', 64 hex, NUL */

typedef struct authcache_entry {
    struct authcache_entry *next;
    char key[AUTHCACHE_KEY];
    principal_t who;
    int64_t expires_us;             /* absolute end of a session; 0 for API keys */
    int64_t last_seen_us;           /* last use (sessions' idle rule) */
    int64_t synced_us;              /* last confirmed by the database */
    int64_t negative_until_us;      /* > 0: a failed look-up, refused until then */
} authcache_entry_t;

typedef struct authcache authcache_t;

authcache_t *authcache_new(size_t max_entries);
void authcache_destroy(authcache_t **self_p);

/* The entry of `key`, NULL when absent. */
authcache_entry_t *authcache_get(authcache_t *self, const char *key);

/* The entry of `key`, created empty when absent. When the table is full,
 * entries no longer valid at `now_us` are dropped first; NULL when it is
 * still full (the caller then simply does not cache). */
authcache_entry_t *authcache_put(authcache_t *self, const char *key, int64_t now_us,
                                 int64_t idle_us);

/* Forgets `key` (no-op when absent). */
void authcache_drop(authcache_t *self, const char *key);

/* Forgets every entry of user `user_id` of `district` (a disabled user's
 * sessions and keys); how many. Walks the whole table: for rare changes. */
size_t authcache_drop_user(authcache_t *self, const char *district, int64_t user_id);

size_t authcache_size(const authcache_t *self);

/* 1 when `e` may still be used at `now_us`: a negative entry until its
 * end; an API key (key 'k...') before its expiry (0: none); a session
 * before its absolute expiry and within `idle_us` of its last use. */
int authcache_valid(const authcache_entry_t *e, int64_t now_us, int64_t idle_us);

#endif
