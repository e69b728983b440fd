/* api/users: the user administration routes (see api/users.h). Reads are
 * one statement whose rows are JSON built by the SQL (reads.c); changes go
 * through authtx so each commits with its login-history and audit rows.
 * Never answers a password hash or a key's hash; a new key is shown once,
 * in the answer that creates it. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "api/users.h"
#include "auth/auth.h"
#include "auth/authtx.h"
#include "auth/password.h"
#include "auth/pwpolicy.h"
#include "audit.h"
#include "crypto.h"
#include "log.h"
#include "reads.h"
#include "roles.h"
#include "users.pb-c.h"

#define USERS_BODY_LIMIT 8192
#define ADMINS (ROLE_ADMIN | ROLE_OFFICE)

#define USER_JSON                                                                         \
    "json_build_object('id', u.id::text, 'username', u.username, 'role', u.role,"       \
    " 'district', u.district_code, 'display_name', u.display_name,"                   \
    " 'member_id', u.member_id::text, 'unit_id', u.unit_id::text,"                    \
    " 'disabled', u.disabled, 'locked', coalesce(u.locked_until > now(), false),"     \
    " 'created_at', " READS_TS("u.created_at") ","                                     \
    " 'password_changed_at', " READS_TS("u.password_changed_at") ")::text"

/* $1: the caller's scope, '*' for every district. */
static const char *const SQL_USERS =
    "SELECT " USER_JSON " FROM auth.users u"
    " WHERE ($1 = '*' OR u.district_code = $1) ORDER BY u.district_code, u.id LIMIT 10000";

static const char *const SQL_KEYS =
    "SELECT json_build_object('id', k.id::text, 'name', k.name,"
    " 'created_at', " READS_TS("k.created_at") ","
    " 'expires_at', CASE WHEN k.expires_at IS NULL THEN NULL ELSE " READS_TS("k.expires_at") " END,"
    " 'revoked', k.revoked)::text"
    " FROM auth.api_keys k JOIN auth.users u ON u.district_code = k.district_code"
    " AND u.id = k.user_id WHERE u.id = $2::bigint AND ($1 = '*' OR u.district_code = $1)"
    " ORDER BY k.id LIMIT 1000";

static const char *const SQL_FEEDS =
    "SELECT json_build_object('member_id', f.member_id::text,"
    " 'created_at', " READS_TS("f.created_at") ","
    " 'expires_at', CASE WHEN f.expires_at IS NULL THEN NULL ELSE " READS_TS("f.expires_at") " END)::text"
    " FROM auth.feed_tokens f WHERE f.district_code = $1 ORDER BY f.member_id LIMIT 10000";

static const char *const SQL_DISTRICTS =
    "SELECT json_build_object('code', d.district_code, 'name', d.name)::text"
    " FROM core.districts d WHERE ($1 = '*' OR d.district_code = $1)"
    " ORDER BY d.district_code LIMIT 1000";

/* The last verification, from its record. */
static const char *const SQL_LAST_VERIFY =
    "SELECT json_build_object('at', " READS_TS("h.at") ", 'by', h.username,"
    " 'intact', h.detail = 'intact',"
    " 'report', CASE WHEN h.detail LIKE 'broken: %' THEN substr(h.detail, 9) ELSE '' END)::text"
    " FROM auth.login_history h WHERE h.event = 'audit_verified'"
    " ORDER BY h.at DESC, h.id DESC LIMIT 1";

static const char *const SQL_TARGET =
    "SELECT u.district_code, u.username, u.role FROM auth.users u WHERE u.id = $1::bigint";

static const query_param_t users_query_keys[] = {QP("district", QP_ID), QP_END};
static const char *const s_create_required[] = {"username", "password", "role", NULL};
static const char *const s_reset_required[] = {"password", NULL};
static const char *const s_key_required[] = {"name", NULL};

static const reads_spec_t s_users = {.sql = SQL_USERS};
static const reads_spec_t s_keys = {.sql = SQL_KEYS};
static const reads_spec_t s_feeds = {.sql = SQL_FEEDS};
static const reads_spec_t s_districts = {.sql = SQL_DISTRICTS};
static const reads_spec_t s_last_verify = {.sql = SQL_LAST_VERIFY, .single = 1};

/* ---- scope --------------------------------------------------------------------------- */

/* The districts the caller administers: "*" for an admin, else its own. */
static const char *s_scope(const gw_call_t *call)
{
    return strcmp(call->who.role, "admin") == 0 ? "*" : call->who.district;
}

/* 1 when the caller may manage an account of `role` in `district`: an admin
 * any, office staff a non-admin, non-office account of their district. */
static int s_may_manage(const gw_call_t *call, const char *district, const char *role)
{
    if (strcmp(call->who.role, "admin") == 0)
        return 1;
    return strcmp(district, call->who.district) == 0 && strcmp(role, "admin") != 0 &&
           strcmp(role, "office") != 0;
}

/* ---- reads ------------------------------------------------------------------------------ */

static void s_users_get(gw_call_t *call)
{
    const char *want = query_get(&call->query, "district");
    const char *scope = s_scope(call);
    if (want && strcmp(scope, "*") != 0 && strcmp(want, scope) != 0) {
        gw_reply_error(call, 403, NULL, "not your district", NULL);
        return;
    }
    const char *p[1] = {want ? want : scope};
    reads_run(call, &s_users, 0, 1, p);
}

static void s_keys_get(gw_call_t *call)
{
    const char *p[2] = {s_scope(call), router_param(&call->params, "id")};
    int64_t id;
    if (query_id(p[1], &id) != 0) {
        gw_reply_error(call, 404, NULL, NULL, NULL);
        return;
    }
    reads_run(call, &s_keys, 0, 2, p);
}

static void s_feeds_get(gw_call_t *call)
{
    const char *p[1] = {reads_district(call)};
    reads_run(call, &s_feeds, 0, 1, p);
}

static void s_districts_get(gw_call_t *call)
{
    const char *p[1] = {s_scope(call)};
    reads_run(call, &s_districts, 0, 1, p);
}

static void s_verify_get(gw_call_t *call)
{
    reads_run(call, &s_last_verify, 0, 0, NULL);
}

/* ---- a change: the job that carries it ----------------------------------------------------- */

typedef struct uop {
    gw_call_t *call;
    int action;                     /* UOP_* */
    char district[17];
    int64_t user_id;
    char username[65];
    char role[16];
    char display_name[129];
    int64_t member_id, unit_id;
    char password[AUTH_PASSWORD_MAX + 1];
    char hash[256];
    char key[65];                   /* a new key, shown once */
    int64_t key_id;
    int key_days;
    char key_hash[65];              /* of a revoked key, to forget it */
    char expires[40];
    char report[256];               /* audit verification */
    int intact;
    unsigned iterations;            /* copied from the options: the worker reads no loop state */
    int must_change;
} uop_t;

enum { UOP_CREATE, UOP_DISABLE, UOP_ENABLE, UOP_KEY_CREATE, UOP_KEY_REVOKE, UOP_VERIFY };

static void s_uop_free(uop_t *u)
{
    explicit_bzero(u, sizeof *u);
    free(u);
}

static uop_t *s_uop(gw_call_t *call, int action)
{
    uop_t *u = calloc(1, sizeof *u);
    if (u) {
        u->call = call;
        u->action = action;
    }
    return u;
}

/* ---- on the recorder's worker: the changes -------------------------------------------------- */

static const char *const SQL_CREATE =
    "INSERT INTO auth.users (district_code, id, username, password_hash, role, display_name,"
    " member_id, unit_id, password_changed_at)"
    " SELECT $1, nextval('auth.user_ids'), $2, $3, $4, $5, nullif($6::bigint, 0),"
    " nullif($7::bigint, 0), CASE WHEN $8::bool THEN 'epoch'::timestamptz ELSE now() END"
    " WHERE $1 = '' OR EXISTS (SELECT 1 FROM core.districts WHERE district_code = $1)"
    " ON CONFLICT (username) DO NOTHING RETURNING id";

static const char *const SQL_DISABLE =
    "WITH u AS (UPDATE auth.users SET disabled = $3::bool, failed_logins = 0, locked_until = NULL"
    "  WHERE district_code = $1 AND id = $2::bigint RETURNING id)"
    " UPDATE auth.sessions SET revoked = true WHERE district_code = $1 AND user_id = $2::bigint"
    " AND $3::bool AND NOT revoked AND EXISTS (SELECT 1 FROM u)";

static const char *const SQL_KEY_CREATE =
    "INSERT INTO auth.api_keys (district_code, key_hash, user_id, name, expires_at)"
    " VALUES ($1, decode($2, 'hex'), $3::bigint, $4,"
    " CASE WHEN $5::int > 0 THEN now() + make_interval(days => $5::int) END)"
    " RETURNING id, coalesce(" READS_TS("expires_at") ", '')";

static const char *const SQL_KEY_REVOKE =
    "UPDATE auth.api_keys SET revoked = true, revoked_at = coalesce(revoked_at, now())"
    " WHERE district_code = $1 AND user_id = $2::bigint AND id = $3::bigint"
    " RETURNING encode(key_hash, 'hex')";

static int s_apply_create(db_t *db, uop_t *u, authtx_event_t *ev)
{
    char mid[24], uid[24];
    int must_change = u->must_change;
    if (crypto_password_hash(u->password, u->iterations, u->hash, sizeof u->hash) != 0)
        return -1;
    explicit_bzero(u->password, sizeof u->password);
    const char *p[8] = {u->district, u->username, u->hash, u->role, u->display_name,
                        db_num(mid, u->member_id), db_num(uid, u->unit_id),
                        must_change ? "true" : "false"};
    PGresult *res = db_exec(db, SQL_CREATE, 8, p);
    if (!res)
        return -1;
    int n = PQntuples(res);
    if (n == 1)
        u->user_id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
    PQclear(res);
    if (n != 1)
        return 409;
    authtx_event_user(ev, u->district, u->user_id, u->username);
    snprintf(ev->detail, sizeof ev->detail, "role=%s", u->role);
    return 0;
}

static int s_apply_key(db_t *db, uop_t *u, authtx_event_t *ev)
{
    char uid[24], days[16], kid[24];
    uint8_t d[32];
    char hex[65];
    if (crypto_token(u->key) != 0)
        return -1;
    crypto_sha256(u->key, strlen(u->key), d);
    crypto_hex(d, sizeof d, hex);
    snprintf(days, sizeof days, "%d", u->key_days);
    const char *p[5] = {u->district, hex, db_num(uid, u->user_id), u->display_name, days};
    PGresult *res = db_exec(db, SQL_KEY_CREATE, 5, p);
    if (!res)
        return -1;
    u->key_id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
    snprintf(u->expires, sizeof u->expires, "%s", PQgetvalue(res, 0, 1));
    PQclear(res);
    snprintf(ev->object_type, sizeof ev->object_type, "api_key");
    snprintf(ev->object_id, sizeof ev->object_id, "%s", db_num(kid, u->key_id));
    snprintf(ev->detail, sizeof ev->detail, "user=%lld days=%d", (long long) u->user_id,
             u->key_days);
    return 0;
}

static int s_apply_revoke(db_t *db, uop_t *u, authtx_event_t *ev)
{
    char uid[24], kid[24];
    const char *p[3] = {u->district, db_num(uid, u->user_id), db_num(kid, u->key_id)};
    PGresult *res = db_exec(db, SQL_KEY_REVOKE, 3, p);
    if (!res)
        return -1;
    int n = PQntuples(res);
    if (n == 1)
        snprintf(u->key_hash, sizeof u->key_hash, "%s", PQgetvalue(res, 0, 0));
    PQclear(res);
    snprintf(ev->object_type, sizeof ev->object_type, "api_key");
    snprintf(ev->object_id, sizeof ev->object_id, "%s", kid);
    snprintf(ev->detail, sizeof ev->detail, "user=%lld", (long long) u->user_id);
    return n == 1 ? 0 : 404;
}

static int s_apply(db_t *db, authtx_event_t *ev, void *arg)
{
    uop_t *u = arg;
    char uid[24];
    const char *p[3] = {u->district, db_num(uid, u->user_id),
                        u->action == UOP_DISABLE ? "true" : "false"};
    switch (u->action) {
    case UOP_CREATE:
        return s_apply_create(db, u, ev);
    case UOP_KEY_CREATE:
        return s_apply_key(db, u, ev);
    case UOP_KEY_REVOKE:
        return s_apply_revoke(db, u, ev);
    case UOP_VERIFY:
        u->intact = audit_verify(db, NULL, NULL, u->report, sizeof u->report);
        snprintf(ev->detail, sizeof ev->detail, "%s%s%.140s",
                 u->intact == 0 ? "intact" : u->intact == 1 ? "broken" : "error",
                 u->intact == 1 ? ": " : "", u->intact == 1 ? u->report : "");
        return u->intact < 0 ? -1 : 0;
    default:
        return db_run(db, SQL_DISABLE, 3, p);
    }
}

/* ---- on the loop: answers --------------------------------------------------------------------- */

static json_t *s_created_json(const uop_t *u)
{
    char id[24];
    switch (u->action) {
    case UOP_CREATE:
        return json_pack("{s:s, s:s, s:s, s:s}", "id", db_num(id, u->user_id), "username",
                         u->username, "role", u->role, "district", u->district);
    case UOP_KEY_CREATE:
        return json_pack("{s:s, s:s, s:s, s:o}", "id", db_num(id, u->key_id), "name",
                         u->display_name, "key", u->key, "expires_at",
                         u->expires[0] ? json_string(u->expires) : json_null());
    default:
        return json_pack("{s:b, s:s}", "intact", u->intact == 0, "report", u->report);
    }
}

static void s_done(int rc, void *arg)
{
    uop_t *u = arg;
    gw_call_t *call = u->call;
    if (rc == 0 && u->action == UOP_KEY_REVOKE)
        auth_forget_key(call->gw->auth, u->key_hash);
    if (rc == 0 && u->action == UOP_DISABLE)
        auth_forget_user(call->gw->auth, u->district, u->user_id);
    if (!gw_call_release(call)) {
        /* gone */
    } else if (rc == 0 && (u->action == UOP_CREATE || u->action == UOP_KEY_CREATE)) {
        static const char *const h[] = {"Cache-Control", "no-store", NULL};
        json_t *body = s_created_json(u);
        char *text = json_dumps(body, JSON_COMPACT);
        json_decref(body);
        if (text)
            http_respond(call->req, 201, "application/json; charset=utf-8", text, strlen(text), h);
        else
            gw_reply_error(call, 500, "internal", "internal error", NULL);
        if (text)
            explicit_bzero(text, strlen(text));
        free(text);
    } else if (rc == 0 && u->action == UOP_VERIFY) {
        gw_reply_json(call, 200, s_created_json(u));
    } else if (rc == 0) {
        gw_reply_empty(call, 204);
    } else if (rc == 409) {
        gw_reply_error(call, 409, "username_taken", "username taken or district unknown", NULL);
    } else if (rc == 404) {
        gw_reply_error(call, 404, NULL, NULL, NULL);
    } else {
        gw_reply_error(call, 503, NULL, NULL, NULL);
    }
    s_uop_free(u);
}

/* Records and runs `u` for its call (held until the answer). */
static void s_submit(uop_t *u, const char *event)
{
    char client[64];
    authtx_event_t ev;
    gw_call_client(u->call, client, sizeof client);
    authtx_event_init(&ev, event, &u->call->who, client);
    authtx_event_user(&ev, u->district, u->user_id, u->username);
    gw_call_hold(u->call);
    if (authtx_run(u->call->gw->authtx, &ev, s_apply, s_done, u) != 0) {
        gw_call_release(u->call);
        gw_reply_error(u->call, 503, NULL, NULL, NULL);
        s_uop_free(u);
    }
}

/* ---- the target user of /v1/users/{id}/... ---------------------------------------------------- */

typedef void (target_fn)(gw_call_t *call, const char *district, int64_t id,
                         const char *username, const char *role);

typedef struct target {
    gw_call_t *call;
    target_fn *next;
} target_t;

static void s_on_target(PGresult *res, void *arg)
{
    target_t *t = arg;
    gw_call_t *call = t->call;
    target_fn *next = t->next;
    int64_t id = 0;
    free(t);
    if (!gw_call_release(call))
        return;
    query_id(router_param(&call->params, "id"), &id);
    if (!res || PQresultStatus(res) != PGRES_TUPLES_OK)
        gw_reply_error(call, 503, NULL, NULL, NULL);
    else if (PQntuples(res) != 1)
        gw_reply_error(call, 404, NULL, "no such user", NULL);
    else if (!s_may_manage(call, PQgetvalue(res, 0, 0), PQgetvalue(res, 0, 2)))
        gw_reply_error(call, 403, NULL, "not a user you may manage", NULL);
    else
        next(call, PQgetvalue(res, 0, 0), id, PQgetvalue(res, 0, 1), PQgetvalue(res, 0, 2));
}

/* Looks up the path's user, checks the caller may manage it, then `next`. */
static void s_with_target(gw_call_t *call, target_fn *next)
{
    int64_t id;
    const char *p[1] = {router_param(&call->params, "id")};
    if (query_id(p[0], &id) != 0) {
        gw_reply_error(call, 404, NULL, NULL, NULL);
        return;
    }
    target_t *t = calloc(1, sizeof *t);
    if (!t) {
        gw_reply_error(call, 503, NULL, NULL, NULL);
        return;
    }
    t->call = call;
    t->next = next;
    gw_call_hold(call);
    if (pgpool_query(call->gw->pool, SQL_TARGET, 1, p, s_on_target, t) != 0) {
        free(t);
        gw_call_release(call);
        gw_reply_error(call, 503, NULL, NULL, NULL);
    }
}

/* ---- handlers ------------------------------------------------------------------------------------ */

static uop_t *s_uop_for(gw_call_t *call, int action, const char *district, int64_t id,
                        const char *username)
{
    uop_t *u = s_uop(call, action);
    if (!u) {
        gw_reply_error(call, 503, NULL, NULL, NULL);
        return NULL;
    }
    snprintf(u->district, sizeof u->district, "%s", district);
    u->user_id = id;
    snprintf(u->username, sizeof u->username, "%s", username);
    return u;
}

static void s_on_disable(gw_call_t *call, const char *d, int64_t id, const char *name,
                         const char *role)
{
    (void) role;
    uop_t *u = s_uop_for(call, UOP_DISABLE, d, id, name);
    if (u)
        s_submit(u, "user_disabled");
}

static void s_on_enable(gw_call_t *call, const char *d, int64_t id, const char *name,
                        const char *role)
{
    (void) role;
    uop_t *u = s_uop_for(call, UOP_ENABLE, d, id, name);
    if (u)
        s_submit(u, "user_enabled");
}

static void s_wipe(char *text)
{
    if (text)
        explicit_bzero(text, strlen(text));
}

/* 1 when `text` is at most `max` bytes, else 0 after answering 400. */
static int s_fits(gw_call_t *call, const char *field, const char *text, size_t max)
{
    if (strlen(text) <= max)
        return 1;
    gw_reply_invalid(call, field, "too_long");
    return 0;
}

static void s_on_reset(gw_call_t *call, const char *d, int64_t id, const char *name,
                       const char *role)
{
    ProtobufCMessage *msg;
    const char *weak;
    (void) role;
    if (gw_call_body_msg(call, &msg, 1) != 0)
        return;
    Lianxin__V1__ResetPassword *m = (Lianxin__V1__ResetPassword *) msg;
    if ((weak = pwpolicy_check(m->password, name)) != NULL)
        gw_reply_invalid(call, "password", weak);
    else
        password_reset(call, d, id, name, m->password);
    s_wipe(m->password);
    protobuf_c_message_free_unpacked(msg, NULL);
}

static void s_on_key_create(gw_call_t *call, const char *d, int64_t id, const char *name,
                            const char *role)
{
    ProtobufCMessage *msg;
    (void) role;
    if (gw_call_body_msg(call, &msg, 0) != 0)
        return;
    Lianxin__V1__CreateApiKey *m = (Lianxin__V1__CreateApiKey *) msg;
    if (!m->name[0]) {
        gw_reply_invalid(call, "name", "required");
    } else if (m->expires_in_days < 0 || m->expires_in_days > 3650) {
        gw_reply_invalid(call, "expires_in_days", "out_of_range");
    } else if (s_fits(call, "name", m->name, 128)) {
        uop_t *u = s_uop_for(call, UOP_KEY_CREATE, d, id, name);
        if (u) {
            snprintf(u->display_name, sizeof u->display_name, "%s", m->name);
            u->key_days = m->expires_in_days ? m->expires_in_days : call->gw->set.api_key_days;
            s_submit(u, "key_created");
        }
    }
    protobuf_c_message_free_unpacked(msg, NULL);
}

static void s_on_key_revoke(gw_call_t *call, const char *d, int64_t id, const char *name,
                            const char *role)
{
    int64_t kid;
    (void) role;
    if (query_id(router_param(&call->params, "key"), &kid) != 0) {
        gw_reply_error(call, 404, NULL, NULL, NULL);
        return;
    }
    uop_t *u = s_uop_for(call, UOP_KEY_REVOKE, d, id, name);
    if (u) {
        u->key_id = kid;
        s_submit(u, "key_revoked");
    }
}

static void s_disable(gw_call_t *call) { s_with_target(call, s_on_disable); }
static void s_enable(gw_call_t *call) { s_with_target(call, s_on_enable); }
static void s_reset(gw_call_t *call) { s_with_target(call, s_on_reset); }
static void s_key_create(gw_call_t *call) { s_with_target(call, s_on_key_create); }
static void s_key_revoke(gw_call_t *call) { s_with_target(call, s_on_key_revoke); }

/* The new user of `m`, checked into `u`; -1 after answering 400/403. */
static int s_new_user(gw_call_t *call, const Lianxin__V1__CreateUser *m, uop_t *u)
{
    const char *weak, *district = m->district;
    if (!s_fits(call, "username", m->username, AUTH_USERNAME_MAX) ||
        !s_fits(call, "display_name", m->display_name, 128))
        return -1;
    if (!role_bit(m->role)) {
        gw_reply_invalid(call, "role", "unknown_value");
        return -1;
    }
    if ((weak = pwpolicy_check(m->password, m->username)) != NULL) {
        gw_reply_invalid(call, "password", weak);
        return -1;
    }
    if (!district[0] && strcmp(m->role, "admin") != 0)
        district = call->who.district;
    if ((strcmp(m->role, "admin") == 0) != (district[0] == '\0') ||
        !s_fits(call, "district", district, 16)) {
        gw_reply_invalid(call, "district", "invalid");
        return -1;
    }
    if (!s_may_manage(call, district, m->role)) {
        gw_reply_error(call, 403, NULL, "not a user you may create", NULL);
        return -1;
    }
    snprintf(u->username, sizeof u->username, "%s", m->username);
    snprintf(u->password, sizeof u->password, "%s", m->password);
    snprintf(u->role, sizeof u->role, "%s", m->role);
    snprintf(u->district, sizeof u->district, "%s", district);
    snprintf(u->display_name, sizeof u->display_name, "%s", m->display_name);
    u->member_id = m->member_id;
    u->unit_id = m->unit_id;
    return 0;
}

static void s_create(gw_call_t *call)
{
    ProtobufCMessage *msg;
    uop_t *u;
    if (gw_call_body_msg(call, &msg, 1) != 0)
        return;
    Lianxin__V1__CreateUser *m = (Lianxin__V1__CreateUser *) msg;
    if (!(u = s_uop(call, UOP_CREATE))) {
        gw_reply_error(call, 503, NULL, NULL, NULL);
    } else if (s_new_user(call, m, u) != 0) {
        s_uop_free(u);
    } else {
        u->iterations = auth_opts(call->gw->auth)->password_iterations;
        u->must_change = auth_opts(call->gw->auth)->password_expiry_days > 0;
        s_submit(u, "user_created");
    }
    s_wipe(m->password);
    protobuf_c_message_free_unpacked(msg, NULL);
}

static void s_verify(gw_call_t *call)
{
    uop_t *u = s_uop(call, UOP_VERIFY);
    if (!u) {
        gw_reply_error(call, 503, NULL, NULL, NULL);
        return;
    }
    snprintf(u->district, sizeof u->district, "%s", call->who.district);
    u->user_id = call->who.user_id;
    snprintf(u->username, sizeof u->username, "%s", call->who.username);
    s_submit(u, "audit_verified");
}

static const gw_route_t s_rows[] = {
    {.at = {.method = "GET", .pattern = "/v1/users"}, .roles = ADMINS, .handler = s_users_get,
     .query = users_query_keys},
    {.at = {.method = "POST", .pattern = "/v1/users"}, .roles = ADMINS,
     .body_limit = USERS_BODY_LIMIT, .handler = s_create,
     .request = &lianxin__v1__create_user__descriptor, .required = s_create_required},
    {.at = {.method = "POST", .pattern = "/v1/users/{id}/disable"}, .roles = ADMINS,
     .handler = s_disable},
    {.at = {.method = "POST", .pattern = "/v1/users/{id}/enable"}, .roles = ADMINS,
     .handler = s_enable},
    {.at = {.method = "POST", .pattern = "/v1/users/{id}/password"}, .roles = ADMINS,
     .body_limit = USERS_BODY_LIMIT, .handler = s_reset,
     .request = &lianxin__v1__reset_password__descriptor, .required = s_reset_required},
    {.at = {.method = "GET", .pattern = "/v1/users/{id}/keys"}, .roles = ADMINS,
     .handler = s_keys_get},
    {.at = {.method = "POST", .pattern = "/v1/users/{id}/keys"}, .roles = ADMINS,
     .body_limit = USERS_BODY_LIMIT, .handler = s_key_create,
     .request = &lianxin__v1__create_api_key__descriptor, .required = s_key_required},
    {.at = {.method = "DELETE", .pattern = "/v1/users/{id}/keys/{key}"}, .roles = ADMINS,
     .handler = s_key_revoke},
    {.at = {.method = "GET", .pattern = "/v1/districts/{d}/feed-tokens"}, .roles = ADMINS,
     .handler = s_feeds_get},
    {.at = {.method = "GET", .pattern = "/v1/districts"}, .roles = ADMINS,
     .handler = s_districts_get},
    {.at = {.method = "POST", .pattern = "/v1/audit/verify"}, .roles = ROLE_ADMIN,
     .handler = s_verify},
    {.at = {.method = "GET", .pattern = "/v1/audit/verify"}, .roles = ROLE_ADMIN,
     .handler = s_verify_get},
};

const gw_routes_t api_users_routes = GW_ROUTES(s_rows);
