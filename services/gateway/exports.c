/* exports: per-user slots for file exports and the existence check before
 * one (see exports.h). Loop thread only; the table is a small array: it
 * holds one entry per user with an export in flight. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "exports.h"
#include "pgpool.h"
#include "reads.h"

#define S_KEY_MAX 96

typedef struct s_slot {
    char key[S_KEY_MAX];
    int n;
} s_slot_t;

struct exports {
    int per_user;
    s_slot_t *slots;
    size_t n, cap;
};

exports_t *exports_new(int per_user)
{
    if (per_user < 1)
        return NULL;
    exports_t *self = calloc(1, sizeof *self);
    if (self)
        self->per_user = per_user;
    return self;
}

void exports_destroy(exports_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    free((*self_p)->slots);
    free(*self_p);
    *self_p = NULL;
}

static s_slot_t *s_find(const exports_t *self, const char *key)
{
    for (size_t i = 0; i < self->n; i++)
        if (strcmp(self->slots[i].key, key) == 0)
            return &self->slots[i];
    return NULL;
}

int exports_take(exports_t *self, const char *key)
{
    s_slot_t *s = s_find(self, key);
    if (s && s->n >= self->per_user)
        return -1;
    if (!s) {
        if (self->n == self->cap) {
            size_t cap = self->cap ? self->cap * 2 : 16;
            s_slot_t *grown = realloc(self->slots, cap * sizeof *grown);
            if (!grown)
                return -1;
            self->slots = grown;
            self->cap = cap;
        }
        s = &self->slots[self->n++];
        snprintf(s->key, sizeof s->key, "%s", key);
        s->n = 0;
    }
    s->n++;
    return 0;
}

void exports_give(exports_t *self, const char *key)
{
    s_slot_t *s = self ? s_find(self, key) : NULL;
    if (!s)
        return;
    if (--s->n <= 0)
        *s = self->slots[--self->n];    /* the last entry fills the hole */
}

int exports_held(const exports_t *self, const char *key)
{
    const s_slot_t *s = self ? s_find(self, key) : NULL;
    return s ? s->n : 0;
}

/* ---- the existence check ------------------------------------------------------------ */

typedef struct s_check {
    gw_call_t *call;
    const char *what;
    void (*then)(gw_call_t *call);
} s_check_t;

static void s_on_exists(PGresult *res, void *arg)
{
    s_check_t *c = arg;
    gw_call_t *call = c->call;
    void (*then)(gw_call_t *) = c->then;
    char msg[64];
    snprintf(msg, sizeof msg, "no such %s", c->what);
    free(c);
    if (!gw_call_release(call))
        return;
    if (!res || PQresultStatus(res) != PGRES_TUPLES_OK)
        gw_reply_error(call, 503, NULL, "database unavailable", NULL);
    else if (PQntuples(res) == 0)
        gw_reply_error(call, 404, "not_found", msg, NULL);
    else
        then(call);
}

void exports_when_exists(gw_call_t *call, const char *sql, const char *id, const char *what,
                         void (*then)(gw_call_t *call))
{
    s_check_t *c = calloc(1, sizeof *c);
    const char *p[2] = {reads_district(call), id};
    if (!c) {
        gw_reply_error(call, 503, NULL, NULL, NULL);
        return;
    }
    *c = (s_check_t) {.call = call, .what = what, .then = then};
    gw_call_hold(call);
    if (pgpool_query(call->gw->pool, sql, 2, p, s_on_exists, c) != 0) {
        gw_call_release(call);
        free(c);
        gw_reply_error(call, 503, NULL, "database unavailable", NULL);
    }
}
