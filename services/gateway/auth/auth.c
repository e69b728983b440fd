/* auth: resolving callers (sessions and API keys, with a cache of hits and
 * a short one of misses) and logging out, through the pool (never blocking
 * the loop); logging in is login.c. Never logs or keeps a token, key or
 * password: only SHA-256 digests. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "auth/auth_int.h"
#include "auth/pwpolicy.h"
#include "crypto.h"
#include "log.h"
#include "pgtext.h"
#include "timeutil.h"

static const char *const SQL_SESSION =
    "UPDATE auth.sessions s SET last_seen = now() FROM auth.users u"
    " WHERE s.token_hash = $1::bytea AND u.district_code = s.district_code"
    " AND u.id = s.user_id AND NOT s.revoked AND NOT u.disabled AND s.expires_at > now()"
    " AND greatest(s.last_seen, to_timestamp($3::bigint / 1000000.0))"
    "     > now() - make_interval(secs => $2::int)"
    " RETURNING " AUTH_PRINCIPAL_COLS ", (extract(epoch from s.expires_at) * 1000000)::bigint,"
    " (extract(epoch from u.password_changed_at) * 1000000)::bigint";

static const char *const SQL_KEY =
    "SELECT " AUTH_PRINCIPAL_COLS ","
    " coalesce((extract(epoch from k.expires_at) * 1000000)::bigint, 0), 0"
    " FROM auth.api_keys k JOIN auth.users u"
    " ON u.district_code = k.district_code AND u.id = k.user_id"
    " WHERE k.key_hash = $1::bytea AND NOT k.revoked AND NOT u.disabled"
    " AND (k.expires_at IS NULL OR k.expires_at > now())";

static const char *const SQL_LOGOUT =
    "UPDATE auth.sessions SET revoked = true WHERE token_hash = $1::bytea";

/* ---- pure helpers ---------------------------------------------------------------- */

int auth_token_ok(const char *t)
{
    size_t n = t ? strlen(t) : 0;
    if (n < 16 || n > 128)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = t[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-'))
            return 0;
    }
    return 1;
}

int auth_parse_bearer(const char *header, char *out, size_t outsz)
{
    if (!header || strncasecmp(header, "Bearer ", 7) != 0)
        return -1;
    const char *t = header + 7;
    while (*t == ' ')
        t++;
    size_t n = strlen(t);
    while (n > 0 && t[n - 1] == ' ')
        n--;
    if (n == 0 || n >= outsz)
        return -1;
    memcpy(out, t, n);
    out[n] = '\0';
    return 0;
}

void auth_digest(char kind, const char *token, char key[AUTHCACHE_KEY], char param[67])
{
    uint8_t d[32];
    crypto_sha256(token, strlen(token), d);
    key[0] = kind;
    crypto_hex(d, sizeof d, key + 1);
    param[0] = '\\';
    param[1] = 'x';
    memcpy(param + 2, key + 1, 65);
}

int auth_principal_row(const PGresult *res, int row, principal_t *p)
{
    memset(p, 0, sizeof *p);
    if (pgtext_int64(PQgetvalue(res, row, 0), &p->user_id) != 0 ||
        pgtext_int64(PQgetvalue(res, row, 4), &p->member_id) != 0 ||
        pgtext_int64(PQgetvalue(res, row, 5), &p->unit_id) != 0)
        return -1;
    access_copy_utf8(p->username, sizeof p->username, PQgetvalue(res, row, 1));
    access_copy_utf8(p->role, sizeof p->role, PQgetvalue(res, row, 2));
    access_copy_utf8(p->district, sizeof p->district, PQgetvalue(res, row, 3));
    access_copy_utf8(p->display_name, sizeof p->display_name, PQgetvalue(res, row, 6));
    return 0;
}

/* ---- resolving ---------------------------------------------------------------------- */

typedef struct lookup {
    auth_t *auth;
    char key[AUTHCACHE_KEY];
    auth_fn *fn;
    void *arg;
} lookup_t;

static int64_t s_idle_us(const auth_t *self)
{
    return (int64_t) self->o.session_idle_s * 1000000;
}

/* Remembers a failed look-up for negative_ttl_s: the same bad token again
 * costs no query. */
static void s_cache_miss(auth_t *self, const char *key, int64_t now)
{
    authcache_entry_t *e = authcache_put(self->cache, key, now, s_idle_us(self));
    if (!e)
        return;
    memset(&e->who, 0, sizeof e->who);
    e->expires_us = e->last_seen_us = e->synced_us = 0;
    e->negative_until_us = now + (int64_t) self->o.negative_ttl_s * 1000000;
}

static void s_cache_hit(auth_t *self, const char *key, const principal_t *who,
                        int64_t expires, int64_t now)
{
    authcache_entry_t *e = authcache_put(self->cache, key, now, s_idle_us(self));
    if (!e)
        return;
    e->who = *who;
    e->expires_us = expires;
    e->negative_until_us = 0;
    e->last_seen_us = e->synced_us = now;
}

/* The principal of a look-up's row: 0, or -1 when the row is not one. */
static int s_lookup_row(const auth_t *self, PGresult *res, principal_t *who, int64_t *expires,
                        int via_key, int64_t now)
{
    int64_t changed = 0;
    if (PQntuples(res) != 1 || auth_principal_row(res, 0, who) != 0 ||
        pgtext_int64(PQgetvalue(res, 0, 7), expires) != 0 ||
        pgtext_int64(PQgetvalue(res, 0, 8), &changed) != 0)
        return -1;
    who->via_api_key = via_key;
    who->password_expired = !via_key &&
        pwpolicy_expired(changed, now, self->o.password_expiry_days);
    return 0;
}

static void s_on_lookup(PGresult *res, void *arg)
{
    lookup_t *lk = arg;
    auth_t *self = lk->auth;
    int64_t now = time_real_us(), expires = 0;
    authcache_entry_t *e = authcache_get(self->cache, lk->key);
    principal_t who;
    if (!res || PQresultStatus(res) != PGRES_TUPLES_OK) {
        /* the database is away: a stale entry still valid is better than 503 */
        if (e && e->negative_until_us == 0 && authcache_valid(e, now, s_idle_us(self))) {
            e->last_seen_us = now;
            lk->fn(200, &e->who, lk->arg);
        } else {
            lk->fn(503, NULL, lk->arg);
        }
    } else if (s_lookup_row(self, res, &who, &expires, lk->key[0] == 'k', now) != 0) {
        s_cache_miss(self, lk->key, now);
        lk->fn(401, NULL, lk->arg);
    } else {
        s_cache_hit(self, lk->key, &who, expires, now);
        lk->fn(200, &who, lk->arg);
    }
    free(lk);
}

/* Decides from the cache when it can: 200 (*out filled), 401, or 0 to ask
 * the database (e is then the stale entry or NULL). */
static int s_from_cache(auth_t *self, const char *key, int64_t now, principal_t *out,
                        authcache_entry_t **e_out)
{
    authcache_entry_t *e = authcache_get(self->cache, key);
    *e_out = NULL;
    if (e && e->negative_until_us > 0) {
        if (now < e->negative_until_us)
            return 401;
        authcache_drop(self->cache, key);
        return 0;
    }
    if (e && !authcache_valid(e, now, s_idle_us(self))) {
        authcache_drop(self->cache, key);
        return 401;
    }
    if (e && now - e->synced_us < (int64_t) self->o.sync_s * 1000000) {
        e->last_seen_us = now;
        *out = e->who;
        return 200;
    }
    *e_out = e;
    return 0;
}

int auth_resolve(auth_t *self, const char *bearer, const char *api_key, principal_t *out,
                 auth_fn *fn, void *arg)
{
    const char *token = bearer ? bearer : api_key;
    char key[AUTHCACHE_KEY], param[67], seen[24], idle[16];
    authcache_entry_t *e;
    if (!auth_token_ok(token))
        return 401;
    auth_digest(bearer ? 's' : 'k', token, key, param);
    int st = s_from_cache(self, key, time_real_us(), out, &e);
    if (st != 0)
        return st;
    lookup_t *lk = calloc(1, sizeof *lk);
    if (!lk)
        return 503;
    lk->auth = self;
    memcpy(lk->key, key, sizeof key);
    lk->fn = fn;
    lk->arg = arg;
    snprintf(idle, sizeof idle, "%d", self->o.session_idle_s);
    snprintf(seen, sizeof seen, "%lld", e ? (long long) e->last_seen_us : 0LL);
    const char *params[3] = {param, idle, e ? seen : NULL};
    int rc = bearer ? pgpool_query(self->pool, SQL_SESSION, 3, params, s_on_lookup, lk)
                    : pgpool_query(self->pool, SQL_KEY, 1, params, s_on_lookup, lk);
    if (rc != 0) {
        free(lk);
        return 503;
    }
    return 0;
}

void auth_cache_session(auth_t *self, const char *token, const principal_t *who,
                        int64_t expires_us)
{
    char key[AUTHCACHE_KEY], param[67];
    auth_digest('s', token, key, param);
    s_cache_hit(self, key, who, expires_us, time_real_us());
}

void auth_forget_key(auth_t *self, const char *hash_hex)
{
    char key[AUTHCACHE_KEY];
    if (!self || !hash_hex || strlen(hash_hex) != 64)
        return;
    key[0] = 'k';
    memcpy(key + 1, hash_hex, 65);
    authcache_drop(self->cache, key);
}

/* The cache key of a miss of kind `kind` for `text`. */
static void s_miss_key(char kind, const char *text, char key[AUTHCACHE_KEY])
{
    char param[67];
    auth_digest(kind, text, key, param);
}

int auth_miss_cached(auth_t *self, char kind, const char *text)
{
    char key[AUTHCACHE_KEY];
    s_miss_key(kind, text, key);
    authcache_entry_t *e = authcache_get(self->cache, key);
    if (!e)
        return 0;
    if (e->negative_until_us > time_real_us())
        return 1;
    authcache_drop(self->cache, key);
    return 0;
}

void auth_miss_remember(auth_t *self, char kind, const char *text)
{
    char key[AUTHCACHE_KEY];
    s_miss_key(kind, text, key);
    s_cache_miss(self, key, time_real_us());
}

void auth_forget_user(auth_t *self, const char *district, int64_t user_id)
{
    if (self)
        authcache_drop_user(self->cache, district, user_id);
}

/* ---- logging out ---------------------------------------------------------------------- */

typedef struct logout {
    char param[67];
    auth_done_fn *fn;
    void *arg;
} logout_t;

static int s_logout_apply(db_t *db, authtx_event_t *ev, void *arg)
{
    logout_t *lo = arg;
    const char *params[1] = {lo->param};
    (void) ev;
    return db_run(db, SQL_LOGOUT, 1, params);
}

static void s_on_logout(int rc, void *arg)
{
    logout_t *lo = arg;
    lo->fn(rc == 0 ? 204 : 503, lo->arg);
    explicit_bzero(lo, sizeof *lo);
    free(lo);
}

int auth_logout(auth_t *self, const char *bearer, const principal_t *who, const char *client,
                auth_done_fn *fn, void *arg)
{
    char key[AUTHCACHE_KEY];
    authtx_event_t ev;
    if (!auth_token_ok(bearer))
        return -1;
    logout_t *lo = calloc(1, sizeof *lo);
    if (!lo)
        return -1;
    auth_digest('s', bearer, key, lo->param);
    authcache_drop(self->cache, key);
    lo->fn = fn;
    lo->arg = arg;
    authtx_event_init(&ev, "logout", who, client);
    snprintf(ev.object_type, sizeof ev.object_type, "session");
    if (authtx_run(self->tx, &ev, s_logout_apply, s_on_logout, lo) != 0) {
        free(lo);
        return -1;
    }
    return 0;
}

/* ---- life ------------------------------------------------------------------------------ */

void auth_free(auth_t *self)
{
    authcache_destroy(&self->cache);
    free(self);
}

const auth_opts_t *auth_opts(const auth_t *self)
{
    return &self->o;
}

auth_t *auth_new(uv_loop_t *loop, pgpool_t *pool, authtx_t *tx, const auth_opts_t *opts)
{
    auth_t *self = calloc(1, sizeof *self);
    if (!self)
        return NULL;
    self->loop = loop;
    self->pool = pool;
    self->tx = tx;
    self->o = *opts;
    if (self->o.session_idle_s <= 0)
        self->o.session_idle_s = 1800;
    if (self->o.session_max_s <= 0)
        self->o.session_max_s = 43200;
    if (self->o.login_max_failures <= 0)
        self->o.login_max_failures = 5;
    if (self->o.lockout_s <= 0)
        self->o.lockout_s = 600;
    if (self->o.sync_s <= 0)
        self->o.sync_s = 60;
    if (self->o.password_iterations == 0)
        self->o.password_iterations = 600000;
    if (self->o.negative_ttl_s <= 0)
        self->o.negative_ttl_s = 10;
    self->cache = authcache_new(self->o.max_entries ? self->o.max_entries : 100000);
    if (!self->cache) {
        free(self);
        return NULL;
    }
    return self;
}

void auth_destroy(auth_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    auth_t *self = *self_p;
    *self_p = NULL;
    self->destroyed = 1;
    if (self->logins_running == 0)
        auth_free(self);
}
