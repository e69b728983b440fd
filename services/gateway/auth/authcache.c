/* authcache: a chained hash table of principals by token hash. The keys are
 * hex SHA-256 digests, uniformly spread, so their first bytes are the hash.
 * Pure. */

#include <stdlib.h>
#include <string.h>
#include "auth/authcache.h"

#define AUTHCACHE_BUCKETS 4096

struct authcache {
    size_t max, n;
    authcache_entry_t *b[AUTHCACHE_BUCKETS];
};

static size_t s_slot(const char *key)
{
    size_t h = 0;
    for (int i = 1; i < 9 && key[i]; i++)
        h = h * 31 + (unsigned char) key[i];
    return h % AUTHCACHE_BUCKETS;
}

authcache_t *authcache_new(size_t max_entries)
{
    authcache_t *self = calloc(1, sizeof *self);
    if (self)
        self->max = max_entries ? max_entries : 1;
    return self;
}

void authcache_destroy(authcache_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    authcache_t *self = *self_p;
    for (size_t i = 0; i < AUTHCACHE_BUCKETS; i++) {
        authcache_entry_t *e = self->b[i];
        while (e) {
            authcache_entry_t *next = e->next;
            free(e);
            e = next;
        }
    }
    free(self);
    *self_p = NULL;
}

int authcache_valid(const authcache_entry_t *e, int64_t now_us, int64_t idle_us)
{
    if (e->negative_until_us > 0)
        return now_us < e->negative_until_us;
    if (e->expires_us == 0)
        return 1;
    if (e->key[0] == 'k')
        return now_us < e->expires_us;
    return now_us < e->expires_us && now_us - e->last_seen_us < idle_us;
}

authcache_entry_t *authcache_get(authcache_t *self, const char *key)
{
    authcache_entry_t *e = self->b[s_slot(key)];
    while (e && strcmp(e->key, key) != 0)
        e = e->next;
    return e;
}

static void s_sweep(authcache_t *self, int64_t now_us, int64_t idle_us)
{
    for (size_t i = 0; i < AUTHCACHE_BUCKETS; i++) {
        authcache_entry_t **pp = &self->b[i];
        while (*pp) {
            authcache_entry_t *e = *pp;
            if (!authcache_valid(e, now_us, idle_us)) {
                *pp = e->next;
                free(e);
                self->n--;
            } else {
                pp = &e->next;
            }
        }
    }
}

authcache_entry_t *authcache_put(authcache_t *self, const char *key, int64_t now_us,
                                 int64_t idle_us)
{
    authcache_entry_t *e = authcache_get(self, key);
    if (e)
        return e;
    if (strlen(key) >= AUTHCACHE_KEY)
        return NULL;
    if (self->n >= self->max)
        s_sweep(self, now_us, idle_us);
    if (self->n >= self->max || !(e = calloc(1, sizeof *e)))
        return NULL;
    strcpy(e->key, key);
    size_t slot = s_slot(key);
    e->next = self->b[slot];
    self->b[slot] = e;
    self->n++;
    return e;
}

void authcache_drop(authcache_t *self, const char *key)
{
    authcache_entry_t **pp = &self->b[s_slot(key)];
    while (*pp) {
        authcache_entry_t *e = *pp;
        if (strcmp(e->key, key) == 0) {
            *pp = e->next;
            free(e);
            self->n--;
            return;
        }
        pp = &e->next;
    }
}

size_t authcache_drop_user(authcache_t *self, const char *district, int64_t user_id)
{
    size_t dropped = 0;
    for (size_t i = 0; i < AUTHCACHE_BUCKETS; i++) {
        authcache_entry_t **pp = &self->b[i];
        while (*pp) {
            authcache_entry_t *e = *pp;
            if (e->negative_until_us == 0 && e->who.user_id == user_id &&
                strcmp(e->who.district, district) == 0) {
                *pp = e->next;
                free(e);
                self->n--;
                dropped++;
            } else {
                pp = &e->next;
            }
        }
    }
    return dropped;
}

size_t authcache_size(const authcache_t *self)
{
    return self ? self->n : 0;
}
