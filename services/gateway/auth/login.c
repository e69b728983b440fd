/* login: POST /v1/sessions' work. The attempt is counted in the same
 * statement that checks the lock (one UPDATE under the row's lock), before
 * the password is checked, so parallel guesses past the limit are refused
 * unchecked; the check runs off the loop (uv_queue_work); the session, a
 * re-hash of a weak stored hash and the login's record commit together
 * (authtx). Never logs, keeps or records a password; the copy is wiped as
 * soon as it has been checked. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "auth/auth_int.h"
#include "auth/pwpolicy.h"
#include "crypto.h"
#include "log.h"
#include "pgtext.h"
#include "timeutil.h"

/* Counts this attempt unless the account is locked; locks it when the
 * attempts since the last success pass $2; an expired lock starts over.
 * Columns: the principal (0..6), password_hash 7, disabled 8, locked 9,
 * seconds left 10, locked by this very statement 11, password changed 12. */
static const char *const SQL_LOGIN_CLAIM =
    "UPDATE auth.users u SET"
    " failed_logins = CASE WHEN u.locked_until > now() THEN u.failed_logins"
    "     WHEN u.locked_until IS NOT NULL THEN 1 ELSE u.failed_logins + 1 END,"
    " locked_until = CASE WHEN u.locked_until > now() THEN u.locked_until"
    "     WHEN u.locked_until IS NULL AND u.failed_logins + 1 > $2::int"
    "     THEN now() + make_interval(secs => $3::int) ELSE NULL END"
    " WHERE u.username = $1"
    " RETURNING " AUTH_PRINCIPAL_COLS ", u.password_hash, u.disabled,"
    " coalesce(u.locked_until > now(), false),"
    " greatest(ceil(extract(epoch from u.locked_until - now())), 1)::int,"
    " coalesce(u.locked_until = now() + make_interval(secs => $3::int), false),"
    " (extract(epoch from u.password_changed_at) * 1000000)::bigint";

static const char *const SQL_OPEN_SESSION =
    "WITH ok AS (UPDATE auth.users SET failed_logins = 0, locked_until = NULL"
    "            WHERE district_code = $1 AND id = $2::bigint RETURNING 1)"
    " INSERT INTO auth.sessions (district_code, token_hash, user_id, expires_at)"
    " SELECT $1, $3::bytea, $2::bigint, now() + make_interval(secs => $4::int) FROM ok"
    " RETURNING (extract(epoch from expires_at) * 1000000)::bigint";

static const char *const SQL_REHASH =
    "UPDATE auth.users SET password_hash = $3"
    " WHERE district_code = $1 AND id = $2::bigint AND password_hash = $4";

/* After a wrong password: the lock when this was the last allowed attempt. */
static const char *const SQL_LOCK =
    "UPDATE auth.users SET locked_until = now() + make_interval(secs => $4::int)"
    " WHERE district_code = $1 AND id = $2::bigint AND failed_logins >= $3::int"
    " AND NOT coalesce(locked_until > now(), false) RETURNING 1";

typedef struct login {
    auth_t *auth;
    uv_work_t work;
    char username[AUTH_USERNAME_MAX + 1];
    char password[AUTH_PASSWORD_MAX + 1];
    char stored[256];
    char rehash[256];               /* a stronger hash of the same password, or "" */
    char client[64];
    int known;                      /* a user that may log in exists */
    int verified;                   /* 1 match, 0 not, -1 stored hash malformed */
    int locked;                     /* the failure locked the account */
    int64_t changed_us;             /* password_changed_at */
    auth_login_fn *fn;
    void *arg;
    auth_login_result_t r;
} login_t;

static void s_finish(login_t *lg, int status)
{
    lg->r.status = status;
    lg->fn(&lg->r, lg->arg);
    explicit_bzero(lg, sizeof *lg);
    free(lg);
}

/* The record of this attempt: the account when known, else the name tried;
 * the actor is the user only once signed in. */
static void s_event(const login_t *lg, const char *event, authtx_event_t *ev)
{
    const principal_t *who = &lg->r.who;
    authtx_event_init(ev, event, strcmp(event, "login") == 0 ? who : NULL, lg->client);
    if (who->user_id)
        authtx_event_user(ev, who->district, who->user_id, who->username);
    else
        snprintf(ev->username, sizeof ev->username, "%s", lg->username);
}

/* ---- success ------------------------------------------------------------------------- */

static int s_session_apply(db_t *db, authtx_event_t *ev, void *arg)
{
    login_t *lg = arg;
    char key[AUTHCACHE_KEY], param[67], id[24], max[16];
    auth_digest('s', lg->r.token, key, param);
    db_num(id, lg->r.who.user_id);
    snprintf(max, sizeof max, "%d", lg->auth->o.session_max_s);
    const char *p[4] = {lg->r.who.district, id, param, max};
    if (lg->rehash[0]) {
        const char *q[4] = {lg->r.who.district, id, lg->rehash, lg->stored};
        if (db_run(db, SQL_REHASH, 4, q) != 0)
            return -1;
        snprintf(ev->detail, sizeof ev->detail, "rehashed iterations=%u",
                 lg->auth->o.password_iterations);
    }
    PGresult *res = db_exec(db, SQL_OPEN_SESSION, 4, p);
    if (!res)
        return -1;
    int ok = PQntuples(res) == 1 && pgtext_int64(PQgetvalue(res, 0, 0), &lg->r.expires_us) == 0;
    PQclear(res);
    return ok ? 0 : 401;
}

static void s_on_session(int rc, void *arg)
{
    login_t *lg = arg;
    if (rc != 0) {
        s_finish(lg, rc == 401 ? 401 : 503);
        return;
    }
    auth_cache_session(lg->auth, lg->r.token, &lg->r.who, lg->r.expires_us);
    log_info("session opened", "user=%lld district=%s", (long long) lg->r.who.user_id,
             lg->r.who.district[0] ? lg->r.who.district : "-");
    s_finish(lg, 201);
}

static void s_open_session(login_t *lg)
{
    authtx_event_t ev;
    if (crypto_token(lg->r.token) != 0) {
        s_finish(lg, 503);
        return;
    }
    lg->r.password_expired = pwpolicy_expired(lg->changed_us, time_real_us(),
                                              lg->auth->o.password_expiry_days);
    lg->r.who.password_expired = lg->r.password_expired;
    s_event(lg, "login", &ev);
    if (authtx_run(lg->auth->tx, &ev, s_session_apply, s_on_session, lg) != 0)
        s_finish(lg, 503);
}

/* ---- failure ------------------------------------------------------------------------- */

static int s_failure_apply(db_t *db, authtx_event_t *ev, void *arg)
{
    login_t *lg = arg;
    char id[24], max[16], lock[16];
    if (!lg->known)
        return 0;
    db_num(id, lg->r.who.user_id);
    snprintf(max, sizeof max, "%d", lg->auth->o.login_max_failures);
    snprintf(lock, sizeof lock, "%d", lg->auth->o.lockout_s);
    const char *p[4] = {lg->r.who.district, id, max, lock};
    PGresult *res = db_exec(db, SQL_LOCK, 4, p);
    if (!res)
        return -1;
    lg->locked = PQntuples(res) == 1;
    PQclear(res);
    if (lg->locked)
        snprintf(ev->detail, sizeof ev->detail, "locked seconds=%d", lg->auth->o.lockout_s);
    return 0;
}

static void s_on_failure(int rc, void *arg)
{
    login_t *lg = arg;
    authtx_event_t ev;
    if (lg->locked) {
        log_warn("account locked", "user=%lld seconds=%d", (long long) lg->r.who.user_id,
                 lg->auth->o.lockout_s);
        s_event(lg, "lockout", &ev);
        authtx_run(lg->auth->tx, &ev, NULL, NULL, NULL);
    }
    s_finish(lg, rc == -1 ? 503 : 401);
}

static void s_record_failure(login_t *lg, const char *detail)
{
    authtx_event_t ev;
    s_event(lg, "login_failed", &ev);
    snprintf(ev.detail, sizeof ev.detail, "%s", detail);
    if (authtx_run(lg->auth->tx, &ev, s_failure_apply, s_on_failure, lg) != 0)
        s_finish(lg, 401);
}

/* A locked account: recorded (as the lockout itself when this attempt set
 * it), answered 423 without looking at the password. */
static void s_on_locked_recorded(int rc, void *arg)
{
    (void) rc;
    s_finish(arg, 423);
}

static void s_refuse_locked(login_t *lg, int just_locked)
{
    authtx_event_t ev;
    s_event(lg, just_locked ? "lockout" : "login_locked", &ev);
    if (just_locked)
        log_warn("account locked", "user=%lld seconds=%d", (long long) lg->r.who.user_id,
                 lg->auth->o.lockout_s);
    if (authtx_run(lg->auth->tx, &ev, NULL, s_on_locked_recorded, lg) != 0)
        s_finish(lg, 423);
}

/* ---- the check ----------------------------------------------------------------------- */

/* On a thread of the pool: the slow part. An unknown user costs the same
 * work, so timing does not tell which usernames exist. */
static void s_login_work(uv_work_t *w)
{
    login_t *lg = w->data;
    unsigned want = lg->auth->o.password_iterations;
    if (lg->known) {
        lg->verified = crypto_password_verify(lg->password, lg->stored);
        if (lg->verified == 1 && pwpolicy_needs_rehash(lg->stored, want) &&
            crypto_password_hash(lg->password, want, lg->rehash, sizeof lg->rehash) != 0)
            lg->rehash[0] = '\0';
    } else {
        char scratch[160];
        crypto_password_hash(lg->password, want, scratch, sizeof scratch);
        lg->verified = 0;
    }
    explicit_bzero(lg->password, sizeof lg->password);
}

static void s_login_after(uv_work_t *w, int status)
{
    login_t *lg = w->data;
    auth_t *self = lg->auth;
    self->logins_running--;
    if (self->destroyed) {
        s_finish(lg, 503);
        if (self->logins_running == 0)
            auth_free(self);
        return;
    }
    if (status != 0)
        s_finish(lg, 503);
    else if (lg->verified == 1)
        s_open_session(lg);
    else if (lg->known && lg->verified == 0)
        s_record_failure(lg, "wrong password");
    else {
        if (lg->known)
            log_warn("password hash malformed", "user=%lld", (long long) lg->r.who.user_id);
        s_record_failure(lg, lg->r.who.user_id ? "account disabled" : "unknown user");
    }
}

static void s_on_claim(PGresult *res, void *arg)
{
    login_t *lg = arg;
    if (!res || PQresultStatus(res) != PGRES_TUPLES_OK) {
        s_finish(lg, 503);
        return;
    }
    if (PQntuples(res) == 1 && auth_principal_row(res, 0, &lg->r.who) == 0) {
        pgtext_int64(PQgetvalue(res, 0, 12), &lg->changed_us);
        if (strcmp(PQgetvalue(res, 0, 9), "t") == 0) {
            lg->r.retry_after_s = atoi(PQgetvalue(res, 0, 10));
            s_refuse_locked(lg, strcmp(PQgetvalue(res, 0, 11), "t") == 0);
            return;
        }
        lg->known = strcmp(PQgetvalue(res, 0, 8), "f") == 0;
        snprintf(lg->stored, sizeof lg->stored, "%s", PQgetvalue(res, 0, 7));
    }
    lg->work.data = lg;
    if (uv_queue_work(lg->auth->loop, &lg->work, s_login_work, s_login_after) != 0) {
        s_finish(lg, 503);
        return;
    }
    lg->auth->logins_running++;
}

int auth_login(auth_t *self, const char *username, const char *password, const char *client,
               auth_login_fn *fn, void *arg)
{
    char max[16], lock[16];
    size_t plen = strlen(password);
    if (plen > AUTH_PASSWORD_MAX)
        return -1;
    login_t *lg = calloc(1, sizeof *lg);
    if (!lg)
        return -1;
    lg->auth = self;
    lg->fn = fn;
    lg->arg = arg;
    snprintf(lg->username, sizeof lg->username, "%s", username);
    snprintf(lg->client, sizeof lg->client, "%s", client ? client : "");
    memcpy(lg->password, password, plen);
    snprintf(max, sizeof max, "%d", self->o.login_max_failures);
    snprintf(lock, sizeof lock, "%d", self->o.lockout_s);
    const char *params[3] = {lg->username, max, lock};
    /* a name too long to exist still costs a full check, below */
    if (strlen(username) > AUTH_USERNAME_MAX)
        params[0] = "";
    if (pgpool_query(self->pool, SQL_LOGIN_CLAIM, 3, params, s_on_claim, lg) != 0) {
        explicit_bzero(lg, sizeof *lg);
        free(lg);
        return -1;
    }
    return 0;
}
