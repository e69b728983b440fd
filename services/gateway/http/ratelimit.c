/* ratelimit: token buckets in a small chained hash table. Keys whose bucket
 * has refilled completely carry no information and are swept when the
 * table fills up; the table never grows past its bound. Pure. */

#include <stdlib.h>
#include <string.h>
#include "http/ratelimit.h"

#define RL_KEY 64

typedef struct rl_entry {
    struct rl_entry *next;
    char key[RL_KEY];
    tbucket_t b;
} rl_entry_t;

struct ratelimit {
    double rate, burst;
    size_t max_keys, nkeys, nbuckets;
    rl_entry_t **buckets;
};

int tbucket_take(tbucket_t *b, double rate, double burst, int64_t now_us, int *retry_after_s)
{
    if (b->last_us == 0) {
        b->tokens = burst;
    } else if (now_us > b->last_us) {
        b->tokens += (double) (now_us - b->last_us) / 1e6 * rate;
        if (b->tokens > burst)
            b->tokens = burst;
    }
    if (now_us > b->last_us || b->last_us == 0)
        b->last_us = now_us;
    if (b->tokens >= 1.0) {
        b->tokens -= 1.0;
        return 1;
    }
    if (retry_after_s) {
        double wait = (1.0 - b->tokens) / rate;
        int s = (int) wait;
        if ((double) s < wait)
            s++;                    /* round up: no libm for one ceil() */
        *retry_after_s = s < 1 ? 1 : s;
    }
    return 0;
}

/* FNV-1a: keys are not chosen by an attacker in a way that matters here
 * (principals and addresses), and the table is bounded anyway. */
static size_t s_hash(const char *key)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *key; key++) {
        h ^= (unsigned char) *key;
        h *= 1099511628211ULL;
    }
    return (size_t) h;
}

ratelimit_t *ratelimit_new(double rate, double burst, size_t max_keys)
{
    if (!(rate > 0) || !(burst >= 1) || max_keys == 0)
        return NULL;
    ratelimit_t *self = calloc(1, sizeof *self);
    if (!self)
        return NULL;
    self->rate = rate;
    self->burst = burst;
    self->max_keys = max_keys;
    self->nbuckets = 1024;
    self->buckets = calloc(self->nbuckets, sizeof *self->buckets);
    if (!self->buckets) {
        free(self);
        return NULL;
    }
    return self;
}

/* Forgets every bucket that would be full at `now_us`. */
static void s_sweep(ratelimit_t *self, int64_t now_us)
{
    for (size_t i = 0; i < self->nbuckets; i++) {
        rl_entry_t **pp = &self->buckets[i];
        while (*pp) {
            rl_entry_t *e = *pp;
            double t = e->b.tokens + (double) (now_us - e->b.last_us) / 1e6 * self->rate;
            if (t >= self->burst) {
                *pp = e->next;
                free(e);
                self->nkeys--;
            } else {
                pp = &e->next;
            }
        }
    }
}

int ratelimit_take(ratelimit_t *self, const char *key, int64_t now_us, int *retry_after_s)
{
    char k[RL_KEY];
    strncpy(k, key, RL_KEY - 1);
    k[RL_KEY - 1] = '\0';
    size_t slot = s_hash(k) % self->nbuckets;
    rl_entry_t *e = self->buckets[slot];
    while (e && strcmp(e->key, k) != 0)
        e = e->next;
    if (!e) {
        if (self->nkeys >= self->max_keys)
            s_sweep(self, now_us);
        if (self->nkeys >= self->max_keys || !(e = calloc(1, sizeof *e)))
            return 1;
        memcpy(e->key, k, RL_KEY);
        e->next = self->buckets[slot];
        self->buckets[slot] = e;
        self->nkeys++;
    }
    return tbucket_take(&e->b, self->rate, self->burst, now_us, retry_after_s);
}

int ratelimit_peek(const ratelimit_t *self, const char *key, int64_t now_us, int *retry_after_s)
{
    char k[RL_KEY];
    strncpy(k, key, RL_KEY - 1);
    k[RL_KEY - 1] = '\0';
    const rl_entry_t *e = self->buckets[s_hash(k) % self->nbuckets];
    while (e && strcmp(e->key, k) != 0)
        e = e->next;
    if (!e)
        return 1;
    tbucket_t copy = e->b;          /* the same arithmetic, nothing taken */
    return tbucket_take(&copy, self->rate, self->burst, now_us, retry_after_s);
}

size_t ratelimit_size(const ratelimit_t *self)
{
    return self ? self->nkeys : 0;
}

void ratelimit_destroy(ratelimit_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    ratelimit_t *self = *self_p;
    for (size_t i = 0; i < self->nbuckets; i++) {
        rl_entry_t *e = self->buckets[i];
        while (e) {
            rl_entry_t *next = e->next;
            free(e);
            e = next;
        }
    }
    free(self->buckets);
    free(self);
    *self_p = NULL;
}
