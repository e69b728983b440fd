/* feeds: the member's feed token (create, revoke, check) for the calendar
 * feed that calendar apps subscribe to. Stores and compares only SHA-256
 * hashes, compares them in constant time, and never logs a token or puts
 * one anywhere but the one answer that creates it. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "crypto.h"
#include "auth/auth.h"
#include "auth/authtx.h"
#include "auth/feeds.h"
#include "log.h"
#include "pgpool.h"

const char *const feeds_query_keys[] = {"token", NULL};

/* ---- pure helpers ---------------------------------------------------------------------- */

int feeds_token_ok(const char *t)
{
    size_t n = 0;
    for (; t && t[n]; n++)
        if (!((t[n] >= '0' && t[n] <= '9') || (t[n] >= 'a' && t[n] <= 'f')))
            return 0;
    return t != NULL && n == FEEDS_TOKEN_LEN;
}

void feeds_token_hash(const char *token, char out[65])
{
    uint8_t d[32];
    crypto_sha256(token, strlen(token), d);
    crypto_hex(d, sizeof d, out);
}

int feeds_hash_equal(const char *stored_hex, const char *hash_hex)
{
    if (!feeds_token_ok(stored_hex) || !feeds_token_ok(hash_hex))
        return 0;
    return crypto_equal(stored_hex, hash_hex, FEEDS_TOKEN_LEN);
}

int feeds_url(char *out, size_t outsz, const char *district, const char *member,
              const char *token)
{
    int n = snprintf(out, outsz, "/v1/districts/%s/members/%s/duties.ics?token=%s", district,
                     member, token);
    return n < 0 || (size_t) n >= outsz ? -1 : 0;
}

void feeds_principal(principal_t *p, const char *district, int64_t member)
{
    memset(p, 0, sizeof *p);
    strcpy(p->role, "feed");
    snprintf(p->username, sizeof p->username, "feed");
    snprintf(p->district, sizeof p->district, "%s", district);
    p->member_id = member;
}

/* ---- the look-up ------------------------------------------------------------------------- */

static const char *const SQL_FEED_HASH =
    "SELECT encode(f.token_hash, 'hex') FROM auth.feed_tokens f JOIN core.members m"
    " ON m.district_code = f.district_code AND m.id = f.member_id"
    " WHERE f.district_code = $1 AND f.member_id = $2::bigint AND m.active"
    " AND (f.expires_at IS NULL OR f.expires_at > now())";

typedef struct resolve_ctx {
    auth_t *auth;
    char miss[128];                 /* district/member/token hash: the negative cache's text */
    char want[65];                  /* the presented token's hash */
    feeds_fn *fn;
    void *arg;
} resolve_ctx_t;

static void s_on_hash(PGresult *res, void *arg)
{
    resolve_ctx_t *x = arg;
    int status = 503;
    if (res && PQresultStatus(res) == PGRES_TUPLES_OK)
        status = PQntuples(res) == 1 && feeds_hash_equal(PQgetvalue(res, 0, 0), x->want)
            ? 200 : 401;
    if (status == 401 && x->auth)
        auth_miss_remember(x->auth, 'f', x->miss);
    feeds_fn *fn = x->fn;
    void *fn_arg = x->arg;
    explicit_bzero(x, sizeof *x);
    free(x);
    fn(status, fn_arg);
}

int feeds_resolve(gw_t *gw, const char *district, const char *member, const char *token,
                  feeds_fn *fn, void *arg)
{
    int64_t id;
    if (!district || !feeds_token_ok(token) || query_id(member, &id) != 0)
        return 401;
    resolve_ctx_t *x = calloc(1, sizeof *x);
    if (!x)
        return 503;
    feeds_token_hash(token, x->want);
    snprintf(x->miss, sizeof x->miss, "%s/%s/%s", district, member, x->want);
    if (gw->auth && auth_miss_cached(gw->auth, 'f', x->miss)) {
        explicit_bzero(x, sizeof *x);
        free(x);
        return 401;                 /* failed a moment ago: no query */
    }
    x->auth = gw->auth;
    x->fn = fn;
    x->arg = arg;
    const char *p[2] = {district, member};
    if (pgpool_query(gw->pool, SQL_FEED_HASH, 2, p, s_on_hash, x) != 0) {
        free(x);
        return 503;
    }
    return 0;
}

/* ---- create and revoke --------------------------------------------------------------------- */

/* $4: days the token lives, 0 for ever. */
static const char *const SQL_FEED_CREATE =
    "INSERT INTO auth.feed_tokens (district_code, member_id, token_hash, expires_at)"
    " SELECT m.district_code, m.id, decode($3, 'hex'),"
    " CASE WHEN $4::int > 0 THEN now() + make_interval(days => $4::int) END"
    " FROM core.members m WHERE m.district_code = $1 AND m.id = $2::bigint AND m.active"
    " ON CONFLICT (district_code, member_id) DO UPDATE"
    " SET token_hash = EXCLUDED.token_hash, created_at = now(), expires_at = EXCLUDED.expires_at"
    " RETURNING member_id";

static const char *const SQL_FEED_REVOKE =
    "DELETE FROM auth.feed_tokens WHERE district_code = $1 AND member_id = $2::bigint";

typedef struct change_ctx {
    gw_call_t *call;
    char token[65];                 /* create: the new token, for the answer */
    char hash[65];
    char district[17];
    char member[24];
    char days[16];
} change_ctx_t;

/* The path's member when the caller may manage its token: 0, or -1 after
 * answering (404 for an id that names nobody, 403 for another member's). */
static int s_target(gw_call_t *call, int64_t *id)
{
    if (query_id(router_param(&call->params, "id"), id) != 0) {
        gw_reply_error(call, 404, NULL, NULL, NULL);
        return -1;
    }
    if (strcmp(call->who.role, "member") == 0 && call->who.member_id != *id) {
        gw_reply_error(call, 403, NULL, "only your own feed", NULL);
        return -1;
    }
    return 0;
}

static void s_answer_created(gw_call_t *call, const char *token)
{
    static const char *const h[] = {"Cache-Control", "no-store", NULL};
    char url[256];
    if (feeds_url(url, sizeof url, call->district, router_param(&call->params, "id"),
                  token) != 0) {
        gw_reply_error(call, 500, "internal", "internal error", NULL);
        return;
    }
    json_t *body = json_pack("{s:s}", "url", url);
    char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
    json_decref(body);
    if (!text)
        gw_reply_error(call, 500, "internal", "internal error", NULL);
    else
        http_respond(call->req, 201, "application/json; charset=utf-8", text, strlen(text), h);
    if (text)
        explicit_bzero(text, strlen(text));
    free(text);
    explicit_bzero(url, sizeof url);
}

/* On the recorder's worker: the change itself. 404 when no such member. */
static int s_change_apply(db_t *db, authtx_event_t *ev, void *arg)
{
    change_ctx_t *x = arg;
    int creating = x->token[0] != '\0';
    const char *p[4] = {x->district, x->member, x->hash, x->days};
    PGresult *res = db_exec(db, creating ? SQL_FEED_CREATE : SQL_FEED_REVOKE,
                            creating ? 4 : 2, p);
    if (!res)
        return -1;
    int n = PQntuples(res);
    PQclear(res);
    snprintf(ev->object_type, sizeof ev->object_type, "feed_token");
    snprintf(ev->object_id, sizeof ev->object_id, "%s", x->member);
    snprintf(ev->detail, sizeof ev->detail, "member=%s days=%s", x->member,
             creating ? x->days : "-");
    return creating && n == 0 ? 404 : 0;
}

static void s_on_change(int rc, void *arg)
{
    change_ctx_t *x = arg;
    gw_call_t *call = x->call;
    int creating = x->token[0] != '\0';
    if (!gw_call_release(call)) {
        /* gone: nothing to answer */
    } else if (rc == 404) {
        gw_reply_error(call, 404, NULL, "no such member", NULL);
    } else if (rc != 0) {
        gw_reply_error(call, 503, NULL, "database unavailable", NULL);
    } else {
        log_info(creating ? "feed token created" : "feed token revoked",
                 "district=%s member=%s user=%lld", call->district,
                 router_param(&call->params, "id"), (long long) call->who.user_id);
        if (creating)
            s_answer_created(call, x->token);
        else
            gw_reply_empty(call, 204);
    }
    explicit_bzero(x, sizeof *x);
    free(x);
}

/* Runs the create (token set) or the revoke (token NULL) for the call, with
 * its record. */
static void s_change(gw_call_t *call, const char *token)
{
    char client[64];
    authtx_event_t ev;
    change_ctx_t *x = calloc(1, sizeof *x);
    if (!x) {
        gw_reply_error(call, 503, NULL, NULL, NULL);
        return;
    }
    x->call = call;
    snprintf(x->district, sizeof x->district, "%s", call->district);
    snprintf(x->member, sizeof x->member, "%s", router_param(&call->params, "id"));
    snprintf(x->days, sizeof x->days, "%d", call->gw->set.feed_token_days);
    if (token) {
        snprintf(x->token, sizeof x->token, "%s", token);
        feeds_token_hash(token, x->hash);
    }
    gw_call_client(call, client, sizeof client);
    authtx_event_init(&ev, token ? "feed_token_created" : "feed_token_revoked", &call->who,
                      client);
    gw_call_hold(call);
    if (authtx_run(call->gw->authtx, &ev, s_change_apply, s_on_change, x) != 0) {
        gw_call_release(call);
        explicit_bzero(x, sizeof *x);
        free(x);
        gw_reply_error(call, 503, NULL, "database unavailable", NULL);
    }
}

void feeds_create(gw_call_t *call)
{
    int64_t id;
    char token[65];
    if (s_target(call, &id) != 0)
        return;
    if (crypto_token(token) != 0) {
        gw_reply_error(call, 503, NULL, NULL, NULL);
        return;
    }
    s_change(call, token);
    explicit_bzero(token, sizeof token);
}

void feeds_revoke(gw_call_t *call)
{
    int64_t id;
    if (s_target(call, &id) == 0)
        s_change(call, NULL);
}
