/* password: change and reset (see password.h). The job object travels from
 * the handler to the pool (load the hashes), the thread pool (verify and
 * hash), the recorder (store and record) and back; the call is held all the
 * way. Passwords are wiped as soon as they are hashed. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "auth/auth_int.h"
#include "auth/password.h"
#include "auth/pwpolicy.h"
#include "crypto.h"
#include "users.pb-c.h"
#include "log.h"

#define PW_HASH_MAX 256

const char *const password_change_required[] = {"current_password", "new_password", NULL};

static const char *const SQL_PW_LOAD =
    "SELECT u.password_hash, coalesce((SELECT string_agg(h.password_hash, ' ')"
    "  FROM (SELECT password_hash FROM auth.password_history"
    "   WHERE district_code = u.district_code AND user_id = u.id"
    "   ORDER BY changed_at DESC LIMIT $3::int) h), '')"
    " FROM auth.users u WHERE u.district_code = $1 AND u.id = $2::bigint AND NOT u.disabled";

/* The new hash in place of the one that was checked ($4; a change raced by
 * another answers no row), the old one kept, the oldest forgotten, and the
 * user's other sessions ended ($6: the one that asked, kept). $5: expired
 * at once (a reset under an expiry policy). */
static const char *const SQL_PW_STORE =
    "WITH u AS (UPDATE auth.users SET password_hash = $3,"
    "   password_changed_at = CASE WHEN $5::bool THEN 'epoch'::timestamptz ELSE now() END,"
    "   failed_logins = 0, locked_until = NULL"
    "   WHERE district_code = $1 AND id = $2::bigint AND password_hash = $4 RETURNING id),"
    " h AS (INSERT INTO auth.password_history (district_code, user_id, changed_at, password_hash)"
    "   SELECT $1, id, clock_timestamp(), $4 FROM u),"
    " s AS (UPDATE auth.sessions SET revoked = true WHERE district_code = $1"
    "   AND user_id = $2::bigint AND NOT revoked AND token_hash IS DISTINCT FROM $6::bytea"
    "   AND EXISTS (SELECT 1 FROM u))"
    " SELECT count(*) FROM u";

static const char *const SQL_PW_TRIM =
    "DELETE FROM auth.password_history WHERE district_code = $1 AND user_id = $2::bigint"
    " AND changed_at < (SELECT min(changed_at) FROM (SELECT changed_at"
    "  FROM auth.password_history WHERE district_code = $1 AND user_id = $2::bigint"
    "  ORDER BY changed_at DESC LIMIT $3::int) k)";

typedef struct pwjob {
    gw_call_t *call;
    auth_t *auth;
    uv_work_t work;
    int reset;                      /* 1: an office's reset, no current password */
    char district[17];
    int64_t user_id;
    char username[65];
    char current[AUTH_PASSWORD_MAX + 1];
    char next[AUTH_PASSWORD_MAX + 1];
    char stored[PW_HASH_MAX];
    char *old;                      /* earlier hashes, space-separated */
    char hash[PW_HASH_MAX];         /* the new one */
    char session[67];               /* bytea param of the caller's session, or "" */
    int status;                     /* of the thread's check: 0 go on */
    const char *field, *code;
} pwjob_t;

static void s_free(pwjob_t *j)
{
    free(j->old);
    explicit_bzero(j, sizeof *j);
    free(j);
}

/* Answers the call (when it can still be) and frees the job. */
static void s_answer(pwjob_t *j, int status)
{
    gw_call_t *call = j->call;
    const char *field = j->field, *code = j->code;
    s_free(j);
    if (!gw_call_release(call))
        return;
    if (status == 204)
        gw_reply_empty(call, 204);
    else if (status == 400)
        gw_reply_invalid(call, field, code);
    else if (status == 403) {
        gw_fail_count(call);
        gw_reply_error(call, 403, "wrong_password", "current password is wrong", NULL);
    } else if (status == 404)
        gw_reply_error(call, 404, NULL, "no such user", NULL);
    else if (status == 409)
        gw_reply_error(call, 409, "conflict", "password changed meanwhile, try again", NULL);
    else
        gw_reply_error(call, 503, NULL, NULL, NULL);
}

static void s_event(pwjob_t *j, const char *event, authtx_event_t *ev)
{
    char client[64];
    gw_call_client(j->call, client, sizeof client);
    authtx_event_init(ev, event, &j->call->who, client);
    authtx_event_user(ev, j->district, j->user_id, j->username);
}

/* ---- storing --------------------------------------------------------------------------- */

static int s_store_apply(db_t *db, authtx_event_t *ev, void *arg)
{
    pwjob_t *j = arg;
    char id[24], keep[16];
    int expired = j->reset && j->auth->o.password_expiry_days > 0;
    db_num(id, j->user_id);
    snprintf(keep, sizeof keep, "%d", PWPOLICY_HISTORY - 1);
    const char *p[6] = {j->district, id, j->hash, j->stored, expired ? "true" : "false",
                        j->session[0] ? j->session : NULL};
    PGresult *res = db_exec(db, SQL_PW_STORE, 6, p);
    if (!res)
        return -1;
    int n = atoi(PQgetvalue(res, 0, 0));
    PQclear(res);
    if (n != 1)
        return 409;
    const char *t[3] = {j->district, id, keep};
    if (db_run(db, SQL_PW_TRIM, 3, t) != 0)
        return -1;
    snprintf(ev->detail, sizeof ev->detail, "iterations=%u%s", j->auth->o.password_iterations,
             expired ? " must_change" : "");
    return 0;
}

static void s_on_stored(int rc, void *arg)
{
    pwjob_t *j = arg;
    if (rc == 0) {
        auth_forget_user(j->auth, j->district, j->user_id);    /* its other sessions ended */
        log_info("password changed", "user=%lld by=%lld", (long long) j->user_id,
                 (long long) j->call->who.user_id);
    }
    s_answer(j, rc == 0 ? 204 : rc == 409 ? 409 : 503);
}

static void s_on_refused(int rc, void *arg)
{
    pwjob_t *j = arg;
    (void) rc;
    s_answer(j, j->status);
}

/* ---- the check off the loop -------------------------------------------------------------- */

/* 1 when `pw` matches one of the space-separated hashes of `list`. */
static int s_in_list(const char *pw, const char *list)
{
    char h[PW_HASH_MAX];
    while (list && *list) {
        size_t n = strcspn(list, " ");
        if (n > 0 && n < sizeof h) {
            memcpy(h, list, n);
            h[n] = '\0';
            if (crypto_password_verify(pw, h) == 1)
                return 1;
        }
        list += n;
        while (*list == ' ')
            list++;
    }
    return 0;
}

static void s_work(uv_work_t *w)
{
    pwjob_t *j = w->data;
    if (!j->reset && crypto_password_verify(j->current, j->stored) != 1) {
        j->status = 403;
    } else if (!j->reset && (crypto_password_verify(j->next, j->stored) == 1 ||
                             s_in_list(j->next, j->old))) {
        j->status = 400;
        j->field = "new_password";
        j->code = "reused";
    } else if (crypto_password_hash(j->next, j->auth->o.password_iterations, j->hash,
                                    sizeof j->hash) != 0) {
        j->status = 503;
    }
    explicit_bzero(j->current, sizeof j->current);
    explicit_bzero(j->next, sizeof j->next);
}

static void s_after_work(uv_work_t *w, int status)
{
    pwjob_t *j = w->data;
    auth_t *self = j->auth;
    authtx_event_t ev;
    self->logins_running--;
    if (self->destroyed || status != 0) {
        s_answer(j, 503);
        if (self->destroyed && self->logins_running == 0)
            auth_free(self);
        return;
    }
    if (j->status != 0) {
        s_event(j, j->status == 403 ? "password_change_failed" : "password_reuse_refused", &ev);
        if (authtx_run(self->tx, &ev, NULL, s_on_refused, j) != 0)
            s_answer(j, j->status);
        return;
    }
    s_event(j, j->reset ? "password_reset" : "password_changed", &ev);
    if (authtx_run(self->tx, &ev, s_store_apply, s_on_stored, j) != 0)
        s_answer(j, 503);
}

static void s_on_loaded(PGresult *res, void *arg)
{
    pwjob_t *j = arg;
    if (!res || PQresultStatus(res) != PGRES_TUPLES_OK) {
        s_answer(j, 503);
        return;
    }
    if (PQntuples(res) != 1) {
        s_answer(j, 404);
        return;
    }
    snprintf(j->stored, sizeof j->stored, "%s", PQgetvalue(res, 0, 0));
    j->old = strdup(PQgetvalue(res, 0, 1));
    j->work.data = j;
    if (!j->old || uv_queue_work(j->auth->loop, &j->work, s_work, s_after_work) != 0) {
        s_answer(j, 503);
        return;
    }
    j->auth->logins_running++;
}

/* Loads the user's hashes and goes on from there; the call is held. */
static void s_start(pwjob_t *j)
{
    char id[24], keep[16];
    db_num(id, j->user_id);
    snprintf(keep, sizeof keep, "%d", PWPOLICY_HISTORY - 1);
    const char *p[3] = {j->district, id, keep};
    gw_call_hold(j->call);
    if (pgpool_query(j->call->gw->pool, SQL_PW_LOAD, 3, p, s_on_loaded, j) != 0)
        s_answer(j, 503);
}

static pwjob_t *s_job(gw_call_t *call, const char *district, int64_t user_id,
                      const char *username)
{
    pwjob_t *j = calloc(1, sizeof *j);
    if (!j)
        return NULL;
    j->call = call;
    j->auth = call->gw->auth;
    snprintf(j->district, sizeof j->district, "%s", district);
    j->user_id = user_id;
    snprintf(j->username, sizeof j->username, "%s", username);
    return j;
}

/* ---- handlers ----------------------------------------------------------------------------- */

static void s_wipe(char *text)
{
    if (text)
        explicit_bzero(text, strlen(text));
}

/* The change request's passwords, checked; -1 after answering 400. */
static int s_change_fields(gw_call_t *call, const Lianxin__V1__ChangePassword *m)
{
    const char *weak;
    if (!m->current_password[0]) {
        gw_reply_invalid(call, "current_password", "required");
        return -1;
    }
    if (strlen(m->current_password) > AUTH_PASSWORD_MAX) {
        gw_reply_invalid(call, "current_password", "too_long");
        return -1;
    }
    if ((weak = pwpolicy_check(m->new_password, call->who.username)) != NULL) {
        gw_reply_invalid(call, "new_password", weak);
        return -1;
    }
    return 0;
}

void password_change(gw_call_t *call)
{
    char token[160], key[AUTHCACHE_KEY];
    ProtobufCMessage *msg;
    if (call->who.via_api_key ||
        auth_parse_bearer(http_req_header(call->req, "Authorization"), token, sizeof token) != 0) {
        gw_reply_error(call, 400, "bad_request", "not a session", NULL);
        return;
    }
    if (gw_call_body_msg(call, &msg, 1) != 0) {
        explicit_bzero(token, sizeof token);
        return;
    }
    Lianxin__V1__ChangePassword *m = (Lianxin__V1__ChangePassword *) msg;
    if (s_change_fields(call, m) == 0) {
        pwjob_t *j = s_job(call, call->who.district, call->who.user_id, call->who.username);
        if (!j) {
            gw_reply_error(call, 503, NULL, NULL, NULL);
        } else {
            snprintf(j->current, sizeof j->current, "%s", m->current_password);
            snprintf(j->next, sizeof j->next, "%s", m->new_password);
            auth_digest('s', token, key, j->session);
            authcache_drop(j->auth->cache, key);    /* re-read: expired no more */
            s_start(j);
        }
    }
    s_wipe(m->current_password);
    s_wipe(m->new_password);
    protobuf_c_message_free_unpacked(msg, NULL);
    explicit_bzero(token, sizeof token);
}

void password_reset(gw_call_t *call, const char *district, int64_t user_id,
                    const char *username, const char *password)
{
    pwjob_t *j = s_job(call, district, user_id, username);
    if (!j) {
        gw_reply_error(call, 503, NULL, NULL, NULL);
        return;
    }
    j->reset = 1;
    snprintf(j->next, sizeof j->next, "%s", password);
    s_start(j);
}
