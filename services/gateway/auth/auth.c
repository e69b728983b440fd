/* auth: sessions, API keys and logins against schema auth, through the
 * pool (never blocking the loop) and the thread pool (password checks).
 * Never logs or keeps a token, key or password: only SHA-256 digests, and
 * passwords are wiped as soon as they have been checked. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "auth/auth.h"
#include "auth/authcache.h"
#include "crypto.h"
#include "log.h"
#include "pgtext.h"
#include "timeutil.h"

#define AUTH_PASSWORD_MAX 1024
#define AUTH_USERNAME_MAX 64

struct auth {
    uv_loop_t *loop;
    pgpool_t *pool;
    auth_opts_t o;
    authcache_t *cache;
    int logins_running;             /* in the thread pool */
    int destroyed;                  /* freed when the last login returns */
};

/* The columns every principal query returns, in this order. */
#define AUTH_PRINCIPAL_COLS                                                      \
    "u.id, u.username, u.role, u.district_code, coalesce(u.member_id, 0), "     \
    "coalesce(u.unit_id, 0), u.display_name"

static const char *const SQL_SESSION =
    "UPDATE auth.sessions s SET last_seen = now() FROM auth.users u"
    " WHERE s.token_hash = $1::bytea AND u.district_code = s.district_code"
    " AND u.id = s.user_id AND NOT s.revoked AND NOT u.disabled AND s.expires_at > now()"
    " AND greatest(s.last_seen, to_timestamp($3::bigint / 1000000.0))"
    "     > now() - make_interval(secs => $2::int)"
    " RETURNING " AUTH_PRINCIPAL_COLS ", (extract(epoch from s.expires_at) * 1000000)::bigint";

static const char *const SQL_KEY =
    "SELECT " AUTH_PRINCIPAL_COLS ", 0 FROM auth.api_keys k JOIN auth.users u"
    " ON u.district_code = k.district_code AND u.id = k.user_id"
    " WHERE k.key_hash = $1::bytea AND NOT k.revoked AND NOT u.disabled";

static const char *const SQL_LOGIN_USER =
    "SELECT " AUTH_PRINCIPAL_COLS ", u.password_hash, u.disabled,"
    " coalesce(u.locked_until > now(), false),"
    " greatest(ceil(extract(epoch from u.locked_until - now())), 1)::int"
    " FROM auth.users u WHERE u.username = $1";

static const char *const SQL_OPEN_SESSION =
    "WITH ok AS (UPDATE auth.users SET failed_logins = 0, locked_until = NULL"
    "            WHERE district_code = $1 AND id = $2::bigint RETURNING 1)"
    " INSERT INTO auth.sessions (district_code, token_hash, user_id, expires_at)"
    " SELECT $1, $3::bytea, $2::bigint, now() + make_interval(secs => $4::int) FROM ok"
    " RETURNING (extract(epoch from expires_at) * 1000000)::bigint";

static const char *const SQL_LOGIN_FAILED =
    "UPDATE auth.users SET"
    " failed_logins = CASE WHEN failed_logins + 1 >= $3::int THEN 0 ELSE failed_logins + 1 END,"
    " locked_until = CASE WHEN failed_logins + 1 >= $3::int"
    "     THEN now() + make_interval(secs => $4::int) ELSE locked_until END"
    " WHERE district_code = $1 AND id = $2::bigint"
    " RETURNING failed_logins = 0 AND locked_until > now()";

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

/* The cache key and the bytea parameter of a token: 's' or 'k' + hex. */
static void s_digest(char kind, const char *token, char key[AUTHCACHE_KEY], char param[67])
{
    uint8_t d[32];
    crypto_sha256(token, strlen(token), d);
    key[0] = kind;
    crypto_hex(d, sizeof d, key + 1);
    param[0] = '\\';
    param[1] = 'x';
    memcpy(param + 2, key + 1, 65);
}

/* Reads columns 0..6 (AUTH_PRINCIPAL_COLS) of `row`. 0, or -1 when malformed. */
static int s_principal(const PGresult *res, int row, principal_t *p)
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

static void s_on_lookup(PGresult *res, void *arg)
{
    lookup_t *lk = arg;
    auth_t *self = lk->auth;
    int64_t now = time_real_us(), expires = 0;
    authcache_entry_t *e = authcache_get(self->cache, lk->key);
    principal_t who;
    if (!res || PQresultStatus(res) != PGRES_TUPLES_OK) {
        /* the database is away: a stale entry still valid is better than 503 */
        if (e && authcache_valid(e, now, s_idle_us(self))) {
            e->last_seen_us = now;
            lk->fn(200, &e->who, lk->arg);
        } else {
            lk->fn(503, NULL, lk->arg);
        }
    } else if (PQntuples(res) != 1 || s_principal(res, 0, &who) != 0 ||
               pgtext_int64(PQgetvalue(res, 0, 7), &expires) != 0) {
        authcache_drop(self->cache, lk->key);
        lk->fn(401, NULL, lk->arg);
    } else {
        who.via_api_key = lk->key[0] == 'k';
        e = authcache_put(self->cache, lk->key, now, s_idle_us(self));
        if (e) {
            e->who = who;
            e->expires_us = expires;
            e->last_seen_us = e->synced_us = now;
        }
        lk->fn(200, &who, lk->arg);
    }
    free(lk);
}

int auth_resolve(auth_t *self, const char *bearer, const char *api_key, principal_t *out,
                 auth_fn *fn, void *arg)
{
    const char *token = bearer ? bearer : api_key;
    char key[AUTHCACHE_KEY], param[67], seen[24];
    if (!auth_token_ok(token))
        return 401;
    s_digest(bearer ? 's' : 'k', token, key, param);
    int64_t now = time_real_us();
    authcache_entry_t *e = authcache_get(self->cache, key);
    if (e && !authcache_valid(e, now, s_idle_us(self))) {
        authcache_drop(self->cache, key);
        return 401;
    }
    if (e && now - e->synced_us < (int64_t) self->o.sync_s * 1000000) {
        e->last_seen_us = now;
        *out = e->who;
        return 200;
    }
    lookup_t *lk = calloc(1, sizeof *lk);
    if (!lk)
        return 503;
    lk->auth = self;
    memcpy(lk->key, key, sizeof key);
    lk->fn = fn;
    lk->arg = arg;
    char idle[16];
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

/* ---- logging in ------------------------------------------------------------------------ */

typedef struct login {
    auth_t *auth;
    uv_work_t work;
    char username[AUTH_USERNAME_MAX + 1];
    char password[AUTH_PASSWORD_MAX + 1];
    char stored[256];
    int known;                      /* a user that may log in exists */
    int verified;                   /* 1 match, 0 not, -1 stored hash malformed */
    auth_login_fn *fn;
    void *arg;
    auth_login_result_t r;
} login_t;

static void s_login_finish(login_t *lg, int status)
{
    lg->r.status = status;
    lg->fn(&lg->r, lg->arg);
    explicit_bzero(lg, sizeof *lg);
    free(lg);
}

static void s_auth_free(auth_t *self)
{
    authcache_destroy(&self->cache);
    free(self);
}

static void s_on_session(PGresult *res, void *arg)
{
    login_t *lg = arg;
    auth_t *self = lg->auth;
    char key[AUTHCACHE_KEY], param[67];
    if (!res || PQresultStatus(res) != PGRES_TUPLES_OK) {
        s_login_finish(lg, 503);
        return;
    }
    if (PQntuples(res) != 1 || pgtext_int64(PQgetvalue(res, 0, 0), &lg->r.expires_us) != 0) {
        s_login_finish(lg, 401);
        return;
    }
    int64_t now = time_real_us();
    s_digest('s', lg->r.token, key, param);
    authcache_entry_t *e = authcache_put(self->cache, key, now, s_idle_us(self));
    if (e) {
        e->who = lg->r.who;
        e->expires_us = lg->r.expires_us;
        e->last_seen_us = e->synced_us = now;
    }
    log_info("session opened", "user=%lld district=%s", (long long) lg->r.who.user_id,
             lg->r.who.district[0] ? lg->r.who.district : "-");
    s_login_finish(lg, 201);
}

static void s_open_session(login_t *lg)
{
    char key[AUTHCACHE_KEY], param[67], id[24], max[16];
    if (crypto_token(lg->r.token) != 0) {
        s_login_finish(lg, 503);
        return;
    }
    s_digest('s', lg->r.token, key, param);
    snprintf(id, sizeof id, "%lld", (long long) lg->r.who.user_id);
    snprintf(max, sizeof max, "%d", lg->auth->o.session_max_s);
    const char *params[4] = {lg->r.who.district, id, param, max};
    if (pgpool_query(lg->auth->pool, SQL_OPEN_SESSION, 4, params, s_on_session, lg) != 0)
        s_login_finish(lg, 503);
}

static void s_on_failed(PGresult *res, void *arg)
{
    login_t *lg = arg;
    if (res && PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1 &&
        strcmp(PQgetvalue(res, 0, 0), "t") == 0)
        log_warn("account locked", "user=%lld minutes=%d", (long long) lg->r.who.user_id,
                 lg->auth->o.lockout_s / 60);
    s_login_finish(lg, 401);
}

static void s_record_failure(login_t *lg)
{
    char id[24], max[16], lock[16];
    snprintf(id, sizeof id, "%lld", (long long) lg->r.who.user_id);
    snprintf(max, sizeof max, "%d", lg->auth->o.login_max_failures);
    snprintf(lock, sizeof lock, "%d", lg->auth->o.lockout_s);
    const char *params[4] = {lg->r.who.district, id, max, lock};
    if (pgpool_query(lg->auth->pool, SQL_LOGIN_FAILED, 4, params, s_on_failed, lg) != 0)
        s_login_finish(lg, 401);
}

/* On a thread of the pool: the slow part. An unknown user costs the same
 * work, so timing does not tell which usernames exist. */
static void s_login_work(uv_work_t *w)
{
    login_t *lg = w->data;
    if (lg->known) {
        lg->verified = crypto_password_verify(lg->password, lg->stored);
    } else {
        char scratch[160];
        crypto_password_hash(lg->password, 0, scratch, sizeof scratch);
        lg->verified = 0;
    }
    explicit_bzero(lg->password, sizeof lg->password);
    explicit_bzero(lg->stored, sizeof lg->stored);
}

static void s_login_after(uv_work_t *w, int status)
{
    login_t *lg = w->data;
    auth_t *self = lg->auth;
    self->logins_running--;
    if (self->destroyed) {
        s_login_finish(lg, 503);
        if (self->logins_running == 0)
            s_auth_free(self);
        return;
    }
    if (status != 0)
        s_login_finish(lg, 503);
    else if (lg->verified == 1)
        s_open_session(lg);
    else if (lg->known && lg->verified == 0)
        s_record_failure(lg);
    else {
        if (lg->known)
            log_warn("password hash malformed", "user=%lld", (long long) lg->r.who.user_id);
        s_login_finish(lg, 401);
    }
}

static void s_on_user(PGresult *res, void *arg)
{
    login_t *lg = arg;
    if (!res || PQresultStatus(res) != PGRES_TUPLES_OK) {
        s_login_finish(lg, 503);
        return;
    }
    if (PQntuples(res) == 1 && s_principal(res, 0, &lg->r.who) == 0) {
        if (strcmp(PQgetvalue(res, 0, 9), "t") == 0) {
            lg->r.retry_after_s = atoi(PQgetvalue(res, 0, 10));
            s_login_finish(lg, 423);
            return;
        }
        lg->known = strcmp(PQgetvalue(res, 0, 8), "f") == 0;
        snprintf(lg->stored, sizeof lg->stored, "%s", PQgetvalue(res, 0, 7));
    }
    lg->work.data = lg;
    if (uv_queue_work(lg->auth->loop, &lg->work, s_login_work, s_login_after) != 0) {
        s_login_finish(lg, 503);
        return;
    }
    lg->auth->logins_running++;
}

int auth_login(auth_t *self, const char *username, const char *password,
               auth_login_fn *fn, void *arg)
{
    size_t plen = strlen(password);
    login_t *lg = calloc(1, sizeof *lg);
    if (!lg)
        return -1;
    lg->auth = self;
    lg->fn = fn;
    lg->arg = arg;
    snprintf(lg->username, sizeof lg->username, "%s", username);
    memcpy(lg->password, password, plen > AUTH_PASSWORD_MAX ? AUTH_PASSWORD_MAX : plen);
    const char *params[1] = {lg->username};
    /* a name too long to exist still costs a full check, below */
    if (strlen(username) > AUTH_USERNAME_MAX)
        params[0] = "";
    if (pgpool_query(self->pool, SQL_LOGIN_USER, 1, params, s_on_user, lg) != 0) {
        explicit_bzero(lg, sizeof *lg);
        free(lg);
        return -1;
    }
    return 0;
}

/* ---- logging out ---------------------------------------------------------------------- */

typedef struct logout {
    auth_done_fn *fn;
    void *arg;
} logout_t;

static void s_on_logout(PGresult *res, void *arg)
{
    logout_t *lo = arg;
    lo->fn(res && PQresultStatus(res) == PGRES_COMMAND_OK ? 204 : 503, lo->arg);
    free(lo);
}

int auth_logout(auth_t *self, const char *bearer, auth_done_fn *fn, void *arg)
{
    char key[AUTHCACHE_KEY], param[67];
    if (!auth_token_ok(bearer))
        return -1;
    s_digest('s', bearer, key, param);
    authcache_drop(self->cache, key);
    logout_t *lo = malloc(sizeof *lo);
    if (!lo)
        return -1;
    lo->fn = fn;
    lo->arg = arg;
    const char *params[1] = {param};
    if (pgpool_query(self->pool, SQL_LOGOUT, 1, params, s_on_logout, lo) != 0) {
        free(lo);
        return -1;
    }
    return 0;
}

/* ---- life ------------------------------------------------------------------------------ */

auth_t *auth_new(uv_loop_t *loop, pgpool_t *pool, const auth_opts_t *opts)
{
    auth_t *self = calloc(1, sizeof *self);
    if (!self)
        return NULL;
    self->loop = loop;
    self->pool = pool;
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
        s_auth_free(self);
}
