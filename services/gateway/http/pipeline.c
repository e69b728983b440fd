/* pipeline: from headers to handler, in a fixed order, and the request's
 * log line and metrics at the end. Authentication may wait on the database;
 * everything else here is decided on the spot. Never lets a handler run
 * before the route's checks passed. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include "auth/auth.h"
#include "auth/feeds.h"
#include "exports.h"
#include "log.h"
#include "http/metrics.h"
#include "http/pipeline.h"
#include "http/ratelimit.h"
#include "routes.h"
#include "timeutil.h"

/* ---- pure helpers ------------------------------------------------------------------ */

int pipeline_is_json(const char *ct)
{
    if (!ct)
        return 0;
    while (*ct == ' ')
        ct++;
    if (strncasecmp(ct, "application/json", 16) != 0)
        return 0;
    ct += 16;
    while (*ct == ' ')
        ct++;
    return *ct == '\0' || *ct == ';';
}

int pipeline_content_length(const char *text, uint64_t *out)
{
    uint64_t v = 0;
    if (!text || !*text || strlen(text) > 19)
        return -1;
    for (const char *p = text; *p; p++) {
        if (*p < '0' || *p > '9')
            return -1;
        v = v * 10 + (uint64_t) (*p - '0');
    }
    *out = v;
    return 0;
}

void pipeline_log_path(const char *path, char *out, size_t outsz)
{
    size_t o = 0;
    for (; path && *path && o + 1 < outsz; path++) {
        char c = *path;
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 strchr("/._-{}", c) != NULL;
        out[o++] = ok ? c : '_';
    }
    out[o] = '\0';
}

/* ---- the steps ----------------------------------------------------------------------- */

static const char *s_method_label(const char *m)
{
    static const char *const known[] = {"GET", "POST", "DELETE", "HEAD", "PUT", "PATCH",
                                        "OPTIONS"};
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (strcmp(known[i], m) == 0)
            return known[i];
    return "other";
}

/* Content-Length and Content-Type against the route, before any body byte
 * is read. 0, or -1 after answering. */
static int s_check_body_headers(gw_call_t *call, size_t limit)
{
    const char *cl = http_req_header(call->req, "Content-Length");
    const char *te = http_req_header(call->req, "Transfer-Encoding");
    uint64_t len = 0;
    if (cl && pipeline_content_length(cl, &len) != 0) {
        gw_reply_error(call, 400, "bad_request", "content-length malformed", NULL);
        return -1;
    }
    if (len > limit || (te && limit == 0)) {
        gw_reply_error(call, 413, NULL, NULL, NULL);
        return -1;
    }
    /* MHD cannot answer in the middle of a body, so a body of unknown
     * length could only be refused after reading it all: refuse it now */
    if (te && !cl) {
        gw_reply_error(call, 411, NULL, NULL, NULL);
        return -1;
    }
    if ((len > 0 || te) && limit > 0 &&
        !pipeline_is_json(http_req_header(call->req, "Content-Type"))) {
        gw_reply_error(call, 415, NULL, NULL, NULL);
        return -1;
    }
    return 0;
}

static void s_on_headers(http_req_t *req, void *arg)
{
    gw_t *gw = arg;
    char allow[64];
    int status;
    gw_call_t *call = calloc(1, sizeof *call);
    if (!call) {
        http_respond(req, 503, NULL, "", 0, NULL);
        return;
    }
    call->gw = gw;
    call->req = req;
    http_req_set_app(req, call, free);
    if (gw->stopping) {             /* a keep-alive connection's next request */
        gw_reply_error(call, 503, NULL, "shutting down", NULL);
        return;
    }
    if (!http_req_path_ok(req)) {
        gw_reply_bad_field(call, "path", "invalid");
        return;
    }
    call->route = routes_find(http_req_method(req), http_req_path(req), &call->params, &status,
                              allow, sizeof allow);
    if (!call->route) {
        const char *h[] = {"Allow", allow, NULL};
        gw_reply_error(call, status, NULL, NULL, status == 405 ? h : NULL);
        return;
    }
    call->district = router_param(&call->params, "d");
    size_t limit = call->route->body_limit == GW_BODY_CONFIG ? gw->set.body_limit
                                                             : call->route->body_limit;
    if (s_check_body_headers(call, limit) == 0)
        http_req_set_body_limit(req, limit);
}

static void s_on_overflow(http_req_t *req, void *arg)
{
    (void) arg;
    gw_call_t *call = http_req_app(req);
    if (call)
        gw_reply_error(call, 413, NULL, NULL, NULL);
    else
        http_respond(req, 413, NULL, "", 0, NULL);
}

/* Parses the query string against the route. API routes without query keys
 * take none; the console's files and the ops routes ignore theirs. */
static int s_query(gw_call_t *call)
{
    const struct gw_route *r = call->route;
    char bad[QUERY_MAX_KEY + 1];
    const char *code = "invalid";
    if (!r->query && strncmp(r->at.pattern, "/v1/", 4) != 0)
        return 0;
    if (query_parse(http_req_query(call->req), r->query, &call->query, bad, sizeof bad,
                    &code) != 0) {
        gw_reply_bad_field(call, bad[0] ? bad : "query", code);
        return -1;
    }
    return 0;
}

/* The key of the caller's own limits (rate, export slots): the user, or
 * for a feed token the member whose feed it is. */
static void s_user_key(const gw_call_t *call, char *key, size_t keysz)
{
    if (strcmp(call->who.role, "feed") == 0)    /* no user: the feed's member */
        snprintf(key, keysz, "f:%s/%lld", call->who.district, (long long) call->who.member_id);
    else
        snprintf(key, keysz, "u:%s/%lld", call->who.district, (long long) call->who.user_id);
}

/* A file export takes one of the user's slots, given back in s_on_done
 * whatever the outcome. 0, or -1 after answering 429 too_many_exports. */
static int s_export_slot(gw_call_t *call)
{
    char key[sizeof call->export_key];
    if (!call->route->export_file)
        return 0;
    s_user_key(call, key, sizeof key);
    if (exports_take(call->gw->exports, key) != 0) {
        gw_reply_error(call, 429, "too_many_exports", "too many exports at once", NULL);
        return -1;
    }
    memcpy(call->export_key, key, sizeof key);
    return 0;
}

static void s_run(gw_call_t *call)
{
    if (s_query(call) == 0 && s_export_slot(call) == 0)
        call->route->handler(call);
}

/* ---- failed authentications per client address ------------------------------------- */

static void s_fail_key(gw_call_t *call, char *key, size_t keysz)
{
    char client[64];
    gw_call_client(call, client, sizeof client);
    snprintf(key, keysz, "ip:%s", client);
}

int gw_fail_check(gw_call_t *call)
{
    char key[80], retry[16];
    int after = 1;
    s_fail_key(call, key, sizeof key);
    if (ratelimit_peek(call->gw->rl_fail, key, time_real_us(), &after))
        return 1;
    snprintf(retry, sizeof retry, "%d", after);
    const char *h[] = {"Retry-After", retry, NULL};
    gw_reply_error(call, 429, "too_many_failures", "too many failed attempts, try again later",
                   h);
    return 0;
}

void gw_fail_count(gw_call_t *call)
{
    char key[80];
    s_fail_key(call, key, sizeof key);
    ratelimit_take(call->gw->rl_fail, key, time_real_us(), NULL);
}

/* ---- the steps after authentication ------------------------------------------------- */

/* Authenticated: the rate limit, then the route's roles and district. */
static void s_authorized(gw_call_t *call)
{
    char key[96], retry[16];
    int after = 1;
    s_user_key(call, key, sizeof key);
    if (!ratelimit_take(call->gw->rl_user, key, time_real_us(), &after)) {
        snprintf(retry, sizeof retry, "%d", after);
        const char *h[] = {"Retry-After", retry, NULL};
        gw_reply_error(call, 429, NULL, NULL, h);
        return;
    }
    if (access_check(call->route->roles, &call->who, call->district) != 200) {
        gw_reply_error(call, 403, NULL, NULL, NULL);
        return;
    }
    if (call->who.password_expired && !call->route->expired_ok) {
        gw_reply_error(call, 403, "password_expired", "password expired, change it first",
                       NULL);
        return;
    }
    s_run(call);
}

static void s_after_auth(gw_call_t *call, int status)
{
    static const char *const challenge[] = {"WWW-Authenticate", "Bearer", NULL};
    if (status == 200) {
        call->authed = 1;
        s_authorized(call);
    } else if (status == 401) {
        gw_fail_count(call);
        gw_reply_error(call, 401, NULL, "invalid or expired credentials", challenge);
    } else {
        gw_reply_error(call, 503, NULL, NULL, NULL);
    }
}

static void s_on_auth(int status, const principal_t *who, void *arg)
{
    gw_call_t *call = arg;
    if (!gw_call_release(call))
        return;
    if (status == 200 && who)
        call->who = *who;
    s_after_auth(call, status);
}

static void s_authenticate(gw_call_t *call)
{
    static const char *const challenge[] = {"WWW-Authenticate", "Bearer", NULL};
    const char *authz = http_req_header(call->req, "Authorization");
    const char *key = http_req_header(call->req, "X-Api-Key");
    char token[160];
    if (authz && auth_parse_bearer(authz, token, sizeof token) != 0)
        authz = NULL, key = NULL;
    if (!authz && !key) {
        gw_reply_error(call, 401, NULL, NULL, challenge);
        return;
    }
    if (!gw_fail_check(call)) {
        explicit_bzero(token, sizeof token);
        return;
    }
    gw_call_hold(call);
    int st = auth_resolve(call->gw->auth, authz ? token : NULL, authz ? NULL : key, &call->who,
                          s_on_auth, call);
    explicit_bzero(token, sizeof token);
    if (st != 0) {
        gw_call_release(call);
        s_after_auth(call, st);
    }
}

/* A route flagged ACCESS_FEED_TOKEN and a request with neither
 * Authorization nor X-Api-Key: the query's feed token is the credential.
 * With either header the ordinary authentication decides, as anywhere. */
static int s_wants_feed(const gw_call_t *call)
{
    return (call->route->roles & ACCESS_FEED_TOKEN) != 0 &&
           !http_req_header(call->req, "Authorization") &&
           !http_req_header(call->req, "X-Api-Key");
}

static void s_on_feed(int status, void *arg)
{
    gw_call_t *call = arg;
    int64_t member = 0;
    if (!gw_call_release(call))
        return;
    if (status == 200 && query_id(router_param(&call->params, "id"), &member) == 0)
        feeds_principal(&call->who, call->district, member);
    else if (status == 200)
        status = 401;
    s_after_auth(call, status);
}

/* The feed token travels in the query, so the query is read first here. */
static void s_authenticate_feed(gw_call_t *call)
{
    static const char *const challenge[] = {"WWW-Authenticate", "Bearer", NULL};
    if (s_query(call) != 0)
        return;
    const char *token = query_get(&call->query, "token");
    if (!token) {
        gw_reply_error(call, 401, NULL, NULL, challenge);
        return;
    }
    if (!gw_fail_check(call))
        return;
    gw_call_hold(call);
    int st = feeds_resolve(call->gw, call->district, router_param(&call->params, "id"), token,
                           s_on_feed, call);
    if (st != 0) {
        gw_call_release(call);
        s_after_auth(call, st);
    }
}

static void s_on_request(http_req_t *req, void *arg)
{
    (void) arg;
    gw_call_t *call = http_req_app(req);
    if (!call || !call->route)
        return;
    if (!call->gw->auth) {          /* stopping: its parts are gone already */
        gw_reply_error(call, 503, NULL, "shutting down", NULL);
        return;
    }
    if (call->route->roles == 0)
        s_run(call);
    else if (s_wants_feed(call))
        s_authenticate_feed(call);
    else
        s_authenticate(call);
}

static int64_t s_mono_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t) ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void s_on_done(http_req_t *req, void *arg)
{
    gw_t *gw = arg;
    gw_call_t *call = http_req_app(req);
    char path[128];
    double secs = (double) (s_mono_us() - http_req_started_us(req)) / 1e6;
    const char *route = call && call->route ? call->route->at.pattern : "unmatched";
    const char *method = s_method_label(http_req_method(req));
    int status = http_req_status(req);
    metrics_request(gw->metrics, route, method, status, secs);
    if (call && call->export_key[0]) {
        exports_give(gw->exports, call->export_key);
        call->export_key[0] = '\0';
    }
    pipeline_log_path(http_req_path(req), path, sizeof path);
    log_info("request", "method=%s path=%s status=%d ms=%.1f user=%lld", method, path, status,
             secs * 1000.0, call && call->authed ? (long long) call->who.user_id : 0LL);
}

void pipeline_hooks(http_hooks_t *out)
{
    out->on_headers = s_on_headers;
    out->on_overflow = s_on_overflow;
    out->on_request = s_on_request;
    out->on_done = s_on_done;
}
