/* sessions: login, logout and "who am I". The slow and stateful parts are in
 * auth.c; this file turns them into HTTP answers, and limits login attempts
 * per client address before any work is done. Never logs or echoes a password. */

#include <stdio.h>
#include <string.h>
#include "auth/auth.h"
#include "http/ratelimit.h"
#include "auth/sessions.h"
#include "timeutil.h"

static json_t *s_id_or_null(int64_t id)
{
    char buf[24];
    if (id <= 0)
        return json_null();
    snprintf(buf, sizeof buf, "%lld", (long long) id);
    return json_string(buf);
}

json_t *sessions_user_json(const principal_t *p)
{
    char id[24];
    snprintf(id, sizeof id, "%lld", (long long) p->user_id);
    return json_pack("{s:s, s:s, s:s, s:s, s:o, s:o, s:s}", "id", id, "username", p->username,
                     "role", p->role, "district", p->district, "member_id",
                     s_id_or_null(p->member_id), "unit_id", s_id_or_null(p->unit_id),
                     "display_name", p->display_name);
}

static void s_on_login(const auth_login_result_t *r, void *arg)
{
    gw_call_t *call = arg;
    char expires[40], retry[16];
    if (!gw_call_release(call))
        return;
    if (r->status == 201) {
        time_format(r->expires_us, expires, sizeof expires);
        gw_reply_json(call, 201, json_pack("{s:s, s:s, s:o, s:b}", "token", r->token,
                                           "expires_at", expires, "user",
                                           sessions_user_json(&r->who), "password_expired",
                                           r->password_expired));
    } else if (r->status == 423) {
        snprintf(retry, sizeof retry, "%d", r->retry_after_s > 0 ? r->retry_after_s : 1);
        const char *h[] = {"Retry-After", retry, NULL};
        gw_reply_error(call, 423, "account_locked", "account locked, try again later", h);
    } else if (r->status == 401) {
        gw_fail_count(call);
        gw_reply_error(call, 401, "invalid_credentials", "invalid username or password", NULL);
    } else {
        gw_reply_error(call, 503, NULL, NULL, NULL);
    }
}

/* The two strings of the login body, or -1 after answering 400. */
static int s_login_fields(gw_call_t *call, json_t *body, const char **user, const char **pass)
{
    jsonpb_errors_t errs = {0};
    const char *key;
    json_t *v;
    json_object_foreach(body, key, v) {
        int known = strcmp(key, "username") == 0 || strcmp(key, "password") == 0;
        if (errs.n < JSONPB_MAX_ERRORS && (!known || !json_is_string(v))) {
            snprintf(errs.e[errs.n].field, sizeof errs.e[0].field, "%s", key);
            snprintf(errs.e[errs.n].code, sizeof errs.e[0].code, "%s",
                     known ? "wrong_type" : "unknown_field");
            errs.n++;
        }
    }
    static const char *const names[] = {"username", "password"};
    for (int i = 0; i < 2 && errs.n < JSONPB_MAX_ERRORS; i++) {
        v = json_object_get(body, names[i]);
        if (!v || (json_is_string(v) && json_string_length(v) == 0)) {
            snprintf(errs.e[errs.n].field, sizeof errs.e[0].field, "%s", names[i]);
            snprintf(errs.e[errs.n].code, sizeof errs.e[0].code, "required");
            errs.n++;
        }
    }
    if (errs.n) {
        gw_reply_jsonpb_errors(call, &errs);
        return -1;
    }
    *user = json_string_value(json_object_get(body, "username"));
    *pass = json_string_value(json_object_get(body, "password"));
    return 0;
}

void sessions_create(gw_call_t *call)
{
    char client[64], key[80];
    int retry = 1;
    json_t *body;
    const char *user = NULL, *pass = NULL;
    gw_call_client(call, client, sizeof client);
    snprintf(key, sizeof key, "ip:%s", client);
    if (!ratelimit_take(call->gw->rl_login, key, time_real_us(), &retry)) {
        char r[16];
        snprintf(r, sizeof r, "%d", retry);
        const char *h[] = {"Retry-After", r, NULL};
        gw_reply_error(call, 429, NULL, NULL, h);
        return;
    }
    if (!gw_fail_check(call) || gw_call_body_json(call, &body) != 0)
        return;
    if (s_login_fields(call, body, &user, &pass) == 0 && strlen(pass) > AUTH_PASSWORD_MAX) {
        gw_reply_invalid(call, "password", "too_long");   /* refused, never cut */
        explicit_bzero((char *) pass, strlen(pass));
    } else if (user && pass) {
        gw_call_hold(call);
        if (auth_login(call->gw->auth, user, pass, client, s_on_login, call) != 0) {
            gw_call_release(call);
            gw_reply_error(call, 503, NULL, NULL, NULL);
        }
        /* the parsed password is wiped: jansson would free it unwiped */
        explicit_bzero((char *) pass, strlen(pass));
    }
    json_decref(body);
}

static void s_on_logout(int status, void *arg)
{
    gw_call_t *call = arg;
    if (!gw_call_release(call))
        return;
    if (status == 204)
        gw_reply_empty(call, 204);
    else
        gw_reply_error(call, 503, NULL, NULL, NULL);
}

void sessions_delete(gw_call_t *call)
{
    char token[160];
    if (call->who.via_api_key ||
        auth_parse_bearer(http_req_header(call->req, "Authorization"), token, sizeof token) != 0) {
        gw_reply_error(call, 400, "bad_request", "not a session", NULL);
        return;
    }
    char client[64];
    gw_call_client(call, client, sizeof client);
    gw_call_hold(call);
    if (auth_logout(call->gw->auth, token, &call->who, client, s_on_logout, call) != 0) {
        gw_call_release(call);
        gw_reply_error(call, 503, NULL, NULL, NULL);
    }
    explicit_bzero(token, sizeof token);
}

void sessions_me(gw_call_t *call)
{
    json_t *u = sessions_user_json(&call->who);
    json_object_set_new(u, "password_expired", json_boolean(call->who.password_expired));
    gw_reply_json(call, 200, u);
}
