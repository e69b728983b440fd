/* test_auth: login and session security against the real stack. Parallel
 * wrong passwords cannot all be checked (the lock is checked and the
 * attempt counted in one statement); failed authentications are throttled
 * per client address before any query (shown with auth.sessions locked) and
 * failed look-ups are cached; X-Forwarded-For is believed from the trusted
 * proxy only; the password policy, the last five, expiry and the re-hash to
 * the configured iterations; API keys and feed tokens expire and are
 * revoked at once; every event has its login-history row with the client's
 * address, bound into the audit chain; history older than the retention is
 * pruned and a retention under 180 days is refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "api_util.h"
#include "fixtures.h"
#include "harness.h"
#include "timeutil.h"

#define D "330303"
#define DAY_US (86400LL * 1000000)

typedef struct auth_state {
    harness_t *h;
    fixture_users_t u;
    int ready;
} auth_state_t;

static auth_state_t S;

static int s_setup(void **state)
{
    (void) state;
    memset(&S, 0, sizeof S);
    if (!(S.h = harness_new("auth")) || harness_start_all(S.h) != 0)
        return 0;
    S.ready = fixture_login(S.h, &S.u, "admin office member1") == 0;
    return 0;
}

static int s_teardown(void **state)
{
    (void) state;
    harness_destroy(&S.h);
    fixture_logout(&S.u);
    return 0;
}

/* ---- helpers ------------------------------------------------------------------------ */

/* One request from client `xff` (X-Forwarded-For; NULL: none). Status. */
static long s_from(const char *xff, const char *method, const char *path, const char *token,
                   const char *body, long timeout_ms, http_resp_t *r)
{
    const char *hdr[] = {"X-Forwarded-For", xff, NULL};
    http_req_t q = {.method = method, .path = path, .token = token, .body = body,
                    .timeout_ms = timeout_ms, .headers = xff ? hdr : NULL};
    harness_http(S.h, &q, r);
    return r->status;
}

static long s_status_from(const char *xff, const char *path, const char *token, long ms)
{
    http_resp_t r;
    long st = s_from(xff, "GET", path, token, NULL, ms, &r);
    http_resp_clear(&r);
    return st;
}

/* A token of the right shape that names no session. */
static void s_bad_token(char out[44], int i)
{
    snprintf(out, 44, "nosuchtoken%08dxxxxxxxxxxxxxxxxxxxxxxxx", i);
}

static long long s_sql_ll(const char *sql, const char *p1)
{
    const char *p[1] = {p1};
    return harness_sql_ll(S.h, sql, p1 ? 1 : 0, p1 ? p : NULL);
}

static void s_restart_with(const char *key, const char *value)
{
    assert_int_equal(harness_set(S.h, key, value), 0);
    assert_int_equal(harness_restart(S.h, "gateway"), 0);
}

static char *s_login_body(const char *user, const char *pw)
{
    json_t *b = json_pack("{s:s, s:s}", "username", user, "password", pw);
    char *t = json_dumps(b, JSON_COMPACT);
    json_decref(b);
    return t;
}

static long s_change(const char *token, const char *cur, const char *next, http_resp_t *r)
{
    json_t *b = json_pack("{s:s, s:s}", "current_password", cur, "new_password", next);
    char *t = json_dumps(b, JSON_COMPACT);
    json_decref(b);
    long st = s_from(NULL, "POST", "/v1/me/password", token, t, 0, r);
    free(t);
    return st;
}

static long s_change_status(const char *token, const char *cur, const char *next,
                            const char *want_code)
{
    http_resp_t r;
    long st = s_change(token, cur, next, &r);
    if (want_code && strcmp(http_error_field(&r, "new_password") ?
                            http_error_field(&r, "new_password") : http_error_code(&r),
                            want_code) != 0) {
        fprintf(stderr, "change: want %s, got %ld %s\n", want_code, st, r.raw);
        st = -1;
    }
    http_resp_clear(&r);
    return st;
}

/* ---- the lockout under parallel guesses ------------------------------------------------- */

static void test_lockout_race(void **state)
{
    enum { N = 200 };
    harness_item_t items[N];
    int n401 = 0, n423 = 0, other = 0;
    char *body = s_login_body("member39", "wrong-guess-1");

    (void) state;
    assert_true(S.ready);
    memset(items, 0, sizeof items);
    for (int i = 0; i < N; i++)
        items[i] = (harness_item_t) {.method = "POST", .path = "/v1/sessions", .body = body};
    harness_load_t *load = harness_load_start(S.h, items, N, 16, 0);
    assert_non_null(load);
    harness_load_wait(&load);
    for (int i = 0; i < N; i++) {
        if (items[i].status == 401)
            n401++;
        else if (items[i].status == 423)
            n423++;
        else
            other++;
    }
    harness_items_free(items, N);
    free(body);
    fprintf(stderr, "lockout race: %d checked (401), %d locked (423), %d other\n", n401, n423,
            other);
    /* gateway.login_max_failures is 5: never more passwords checked than that */
    assert_true(n401 >= 1 && n401 <= 5);
    assert_int_equal(n423, N - n401);
    assert_int_equal(other, 0);
    /* every attempt recorded (a lock set after a failure adds its own row) */
    assert_true(api_wait_sql(S.h, "SELECT count(*) FROM auth.login_history WHERE"
                                  " username = 'member39' AND event IN ('login_failed',"
                                  " 'login_locked', 'lockout')", N, 10000) >= N);
    assert_int_equal(s_sql_ll("SELECT count(*) FROM auth.login_history WHERE username = $1"
                              " AND event = 'lockout' AND client_addr = '127.0.0.1'",
                              "member39"), 1);
    assert_int_equal(s_sql_ll("SELECT count(*) FROM auth.login_history WHERE username = $1"
                              " AND event = 'login_failed'", "member39"), n401);
}

/* ---- per-address throttle, before the database -------------------------------------------- */

static void test_throttle_before_db(void **state)
{
    char tok[44], cached[44];
    http_resp_t r;

    (void) state;
    assert_true(S.ready);
    assert_int_equal(harness_set(S.h, "gateway.auth_fail_burst", "5"), 0);
    s_restart_with("gateway.auth_fail_per_min", "1");
    for (int i = 0; i < 5; i++) {
        s_bad_token(tok, i);
        assert_int_equal(s_status_from("203.0.113.7", "/v1/me", tok, 0), 401);
    }
    s_bad_token(tok, 99);
    assert_int_equal(s_from("203.0.113.7", "GET", "/v1/me", tok, NULL, 0, &r), 429);
    assert_string_equal(http_error_code(&r), "too_many_failures");
    assert_true(r.retry_after[0] != '\0');
    http_resp_clear(&r);
    s_bad_token(cached, 500);
    assert_int_equal(s_status_from("203.0.113.8", "/v1/me", cached, 0), 401);

    /* with auth.sessions locked, a look-up would hang: these answer at once */
    PGresult *res = harness_sql(S.h, "BEGIN", 0, NULL);
    PQclear(res);
    res = harness_sql(S.h, "LOCK TABLE auth.sessions IN ACCESS EXCLUSIVE MODE", 0, NULL);
    assert_non_null(res);
    PQclear(res);
    s_bad_token(tok, 101);
    assert_int_equal(s_status_from("203.0.113.7", "/v1/me", tok, 3000), 429);
    assert_int_equal(s_status_from("203.0.113.8", "/v1/me", cached, 3000), 401);  /* cached */
    s_bad_token(tok, 102);
    long control = s_status_from("203.0.113.9", "/v1/me", tok, 1500);   /* needs the table */
    res = harness_sql(S.h, "COMMIT", 0, NULL);
    PQclear(res);
    assert_int_not_equal(control, 401);
    assert_int_not_equal(control, 429);

    /* wrong passwords count too */
    char *body = s_login_body("nobody-at-all", "wrong-guess-2");
    for (int i = 0; i < 5; i++) {
        assert_int_equal(s_from("203.0.113.10", "POST", "/v1/sessions", NULL, body, 0, &r), 401);
        http_resp_clear(&r);
    }
    assert_int_equal(s_from("203.0.113.10", "POST", "/v1/sessions", NULL, body, 0, &r), 429);
    assert_string_equal(http_error_code(&r), "too_many_failures");
    http_resp_clear(&r);
    free(body);
    assert_true(s_sql_ll("SELECT count(*) FROM auth.login_history WHERE event = 'login_failed'"
                         " AND client_addr = $1 AND user_id = 0", "203.0.113.10") == 5);
}

/* ---- whose X-Forwarded-For is believed ---------------------------------------------------- */

static void test_trusted_proxy(void **state)
{
    char tok[44];
    http_resp_t r;
    char *body = s_login_body("member34", "lianxin-demo");

    (void) state;
    assert_true(S.ready);
    /* the default trusts the loopback nginx: each forwarded client has its own bucket */
    s_restart_with("gateway.auth_fail_burst", "3");
    for (int i = 0; i < 3; i++) {
        s_bad_token(tok, 200 + i);
        assert_int_equal(s_status_from("198.51.100.1", "/v1/me", tok, 0), 401);
    }
    s_bad_token(tok, 210);
    assert_int_equal(s_status_from("198.51.100.1", "/v1/me", tok, 0), 429);
    assert_int_equal(s_status_from("198.51.100.2", "/v1/me", tok, 0), 401);
    assert_int_equal(s_from("198.51.100.3", "POST", "/v1/sessions", NULL, body, 0, &r), 201);
    http_resp_clear(&r);
    assert_int_equal(s_sql_ll("SELECT count(*) FROM auth.login_history WHERE username = $1"
                              " AND event = 'login' AND client_addr = '198.51.100.3'",
                              "member34"), 1);

    /* another proxy configured: the header is the client's own claim, ignored */
    s_restart_with("gateway.trusted_proxy", "10.1.2.3");
    for (int i = 0; i < 3; i++) {
        s_bad_token(tok, 300 + i);
        assert_int_equal(s_status_from("198.51.100.4", "/v1/me", tok, 0), 401);
    }
    s_bad_token(tok, 310);
    assert_int_equal(s_status_from("198.51.100.5", "/v1/me", tok, 0), 429);    /* same peer */
    assert_int_equal(harness_set(S.h, "gateway.auth_fail_burst", "100000"), 0);
    assert_int_equal(harness_set(S.h, "gateway.auth_fail_per_min", "1000000"), 0);
    s_restart_with("gateway.trusted_proxy", "127.0.0.1");
    free(body);
}

/* ---- the password: policy, history, expiry, iterations --------------------------------------- */

static void test_password_policy(void **state)
{
    char big[1026];
    http_resp_t r;

    (void) state;
    assert_true(S.ready);
    char *t1 = harness_login(S.h, "member38", "lianxin-demo");
    char *t2 = harness_login(S.h, "member38", "lianxin-demo");
    assert_non_null(t1);
    assert_non_null(t2);
    assert_int_equal(s_change_status(t1, "lianxin-demo", "Ab1!", "too_short"), 400);
    assert_int_equal(s_change_status(t1, "lianxin-demo", "abcdefgh12", "too_weak"), 400);
    memset(big, 'a', 1025);
    big[1025] = '\0';
    assert_int_equal(s_change_status(t1, "lianxin-demo", big, "too_long"), 400);
    assert_int_equal(s_change_status(t1, "not-my-password", "Str0ng-Passw0rd!",
                                     "wrong_password"), 403);
    assert_int_equal(s_change_status(t1, "lianxin-demo", "Str0ng-Passw0rd!", NULL), 204);
    assert_int_equal(s_status_from(NULL, "/v1/me", t2, 0), 401);    /* other sessions end */
    assert_int_equal(s_status_from(NULL, "/v1/me", t1, 0), 200);
    char *old = s_login_body("member38", "lianxin-demo");
    assert_int_equal(s_from(NULL, "POST", "/v1/sessions", NULL, old, 0, &r), 401);
    http_resp_clear(&r);
    free(old);

    /* the last five may not come back; the sixth may */
    assert_int_equal(s_change_status(t1, "Str0ng-Passw0rd!", "lianxin-demo", "reused"), 400);
    assert_int_equal(s_change_status(t1, "Str0ng-Passw0rd!", "Second-Passw0rd", NULL), 204);
    assert_int_equal(s_change_status(t1, "Second-Passw0rd", "Third-Passw0rd!", NULL), 204);
    assert_int_equal(s_change_status(t1, "Third-Passw0rd!", "Fourth-Passw0rd", NULL), 204);
    assert_int_equal(s_change_status(t1, "Fourth-Passw0rd", "lianxin-demo", "reused"), 400);
    assert_int_equal(s_change_status(t1, "Fourth-Passw0rd", "Fifth-Passw0rd!", NULL), 204);
    assert_int_equal(s_change_status(t1, "Fifth-Passw0rd!", "lianxin-demo", NULL), 204);

    /* a password over the limit is refused at login, never cut to fit */
    char *longpw = s_login_body("member38", big);
    assert_int_equal(s_from(NULL, "POST", "/v1/sessions", NULL, longpw, 0, &r), 400);
    assert_string_equal(http_error_field(&r, "password"), "too_long");
    http_resp_clear(&r);
    free(longpw);

    /* each change has its history row with the address, bound into the chain */
    assert_int_equal(s_sql_ll("SELECT count(*) FROM auth.login_history WHERE username = $1"
                              " AND event = 'password_changed' AND client_addr = '127.0.0.1'",
                              "member38"), 6);
    assert_int_equal(s_sql_ll(
        "SELECT count(*) FROM auth.login_history h JOIN audit.trail t"
        " ON t.action = 'auth.' || h.event AND t.district_code = h.district_code"
        " AND t.at_us = (extract(epoch from h.at) * 1000000)::bigint"
        " AND t.digest = sha256(convert_to(format(E'at_us=%s\\nevent=%s\\ndistrict=%s\\n"
        "user_id=%s\\nusername=%s\\nclient=%s\\ndetail=%s\\n', t.at_us, h.event,"
        " h.district_code, h.user_id, h.username, h.client_addr, h.detail), 'UTF8'))"
        " WHERE h.username = $1 AND h.event = 'password_changed'", "member38"), 6);
    assert_int_equal(harness_run(S.h, NULL, 0, "admin", "audit-verify", NULL), 0);
    free(t1);
    free(t2);
}

static void test_password_expiry(void **state)
{
    http_resp_t r;

    (void) state;
    assert_true(S.ready);
    s_restart_with("auth.password_expiry_days", "90");
    PQclear(harness_sql(S.h, "UPDATE auth.users SET password_changed_at = now()"
                             " - interval '100 days' WHERE username = 'member37'", 0, NULL));
    char *body = s_login_body("member37", "lianxin-demo");
    assert_int_equal(s_from(NULL, "POST", "/v1/sessions", NULL, body, 0, &r), 201);
    assert_true(json_is_true(json_object_get(r.json, "password_expired")));
    char *tok = strdup(api_str(r.json, "token"));
    http_resp_clear(&r);
    free(body);
    assert_int_equal(s_from(NULL, "GET", "/v1/districts/" D "/members", tok, NULL, 0, &r), 403);
    assert_string_equal(http_error_code(&r), "password_expired");
    http_resp_clear(&r);
    assert_int_equal(s_status_from(NULL, "/v1/me", tok, 0), 200);
    assert_int_equal(s_change_status(tok, "lianxin-demo", "Renewed-Passw0rd", NULL), 204);
    assert_int_equal(s_status_from(NULL, "/v1/districts/" D "/members", tok, 0), 200);
    free(tok);
    s_restart_with("auth.password_expiry_days", "0");
}

static void test_rehash_at_login(void **state)
{
    (void) state;
    assert_true(S.ready);
    /* the seed's hashes have 210000 iterations */
    s_restart_with("auth.password_iterations", "250000");
    char *tok = harness_login(S.h, "member36", "lianxin-demo");
    assert_non_null(tok);
    free(tok);
    assert_int_equal(s_sql_ll("SELECT count(*) FROM auth.users WHERE username = $1"
                              " AND password_hash LIKE 'pbkdf2-sha256$250000$%'", "member36"), 1);
    tok = harness_login(S.h, "member36", "lianxin-demo");       /* still the same password */
    assert_non_null(tok);
    free(tok);
    assert_int_equal(s_sql_ll("SELECT count(*) FROM auth.login_history WHERE username = $1"
                              " AND event = 'login' AND detail LIKE 'rehashed%'", "member36"), 1);
    s_restart_with("auth.password_iterations", "10000");
}

/* ---- API keys and feed tokens ---------------------------------------------------------------- */

static char *s_new_key(const char *user_id, const char *body, char *kid, size_t kidsz)
{
    char path[96];
    http_resp_t r;
    snprintf(path, sizeof path, "/v1/users/%s/keys", user_id);
    assert_int_equal(api_req(S.h, "POST", path, S.u.admin, body, 201, &r), 201);
    char *key = strdup(api_str(r.json, "key"));
    snprintf(kid, kidsz, "%s", api_str(r.json, "id"));
    http_resp_clear(&r);
    return key;
}

static long s_with_key(const char *key)
{
    http_resp_t r;
    http_req_t q = {.method = "GET", .path = "/v1/districts/" D "/workrooms", .api_key = key};
    harness_http(S.h, &q, &r);
    long st = r.status;
    http_resp_clear(&r);
    return st;
}

static void test_keys_expire_and_revoke(void **state)
{
    char uid[24], kid[24], path[128];

    (void) state;
    assert_true(S.ready);
    snprintf(uid, sizeof uid, "%lld",
             s_sql_ll("SELECT id FROM auth.users WHERE username = $1", "partner1"));
    char *k1 = s_new_key(uid, "{\"name\":\"short\",\"expires_in_days\":1}", kid, sizeof kid);
    assert_int_equal(s_sql_ll("SELECT count(*) FROM auth.api_keys WHERE id = $1::bigint"
                              " AND expires_at BETWEEN now() + interval '23 hours'"
                              " AND now() + interval '25 hours'", kid), 1);
    PQclear(harness_sql(S.h, "UPDATE auth.api_keys SET expires_at = now() - interval '1 second'"
                             " WHERE id = (SELECT max(id) FROM auth.api_keys)", 0, NULL));
    assert_int_equal(s_with_key(k1), 401);                          /* expired */
    char *k2 = s_new_key(uid, "{\"name\":\"revoked\"}", kid, sizeof kid);
    assert_int_equal(s_with_key(k2), 200);                          /* now cached */
    snprintf(path, sizeof path, "/v1/users/%s/keys/%s", uid, kid);
    assert_int_equal(api_status(S.h, "DELETE", path, S.u.admin, NULL), 204);
    assert_int_equal(s_with_key(k2), 401);                          /* at once */
    assert_int_equal(s_sql_ll("SELECT count(*) FROM auth.login_history WHERE event IN"
                              " ('key_created', 'key_revoked') AND client_addr = '127.0.0.1'"
                              " AND detail LIKE 'user=' || $1 || '%'", uid), 3);
    assert_int_equal(s_sql_ll("SELECT count(*) FROM audit.trail WHERE action = 'auth.key_revoked'"
                              " AND object_id = $1", kid), 1);
    free(k1);
    free(k2);

    /* feed tokens: a year by default, refused once expired, revoked through the API */
    http_resp_t r;
    assert_int_equal(api_req(S.h, "POST", "/v1/districts/" D "/members/1/feed-token",
                             S.u.member1, NULL, 201, &r), 201);
    char *url = strdup(api_str(r.json, "url"));
    http_resp_clear(&r);
    assert_int_equal(s_status_from(NULL, url, NULL, 0), 200);
    assert_int_equal(s_sql_ll("SELECT count(*) FROM auth.feed_tokens WHERE district_code = $1"
                              " AND member_id = 1 AND expires_at > now() + interval '364 days'",
                              D), 1);
    PQclear(harness_sql(S.h, "UPDATE auth.feed_tokens SET expires_at = now() - interval '1 second'"
                             " WHERE district_code = '" D "' AND member_id = 1", 0, NULL));
    assert_int_equal(s_status_from(NULL, url, NULL, 0), 401);
    /* the miss is remembered: restored in the table, still refused from memory for a while */
    PQclear(harness_sql(S.h, "UPDATE auth.feed_tokens SET expires_at = NULL"
                             " WHERE district_code = '" D "' AND member_id = 1", 0, NULL));
    assert_int_equal(s_status_from(NULL, url, NULL, 0), 401);
    assert_int_equal(api_status(S.h, "DELETE", "/v1/districts/" D "/members/1/feed-token",
                                S.u.office, NULL), 204);
    assert_int_equal(s_sql_ll("SELECT count(*) FROM auth.login_history WHERE event IN"
                              " ('feed_token_created', 'feed_token_revoked') AND district_code = $1",
                              D), 2);
    free(url);
}

/* ---- logins, logouts and their records ------------------------------------------------------ */

static void test_login_logout_recorded(void **state)
{
    http_resp_t r;

    (void) state;
    assert_true(S.ready);
    char *tok = harness_login(S.h, "member33", "lianxin-demo");
    assert_non_null(tok);
    assert_int_equal(s_from("192.0.2.44", "DELETE", "/v1/sessions", tok, NULL, 0, &r), 204);
    http_resp_clear(&r);
    free(tok);
    assert_int_equal(s_sql_ll("SELECT count(*) FROM auth.login_history WHERE username = $1"
                              " AND event = 'logout' AND client_addr = '192.0.2.44'", "member33"), 1);
    assert_int_equal(s_sql_ll("SELECT count(*) FROM audit.trail t JOIN auth.users u"
                              " ON u.district_code = t.district_code AND t.object_id = u.id::text"
                              " WHERE u.username = $1 AND t.action IN ('auth.login', 'auth.logout')"
                              " AND t.actor_user_id = u.id", "member33"), 2);
}

/* ---- retention --------------------------------------------------------------------------------- */

static void test_history_retention(void **state)
{
    char old[24], young[24];

    (void) state;
    assert_true(S.ready);
    snprintf(old, sizeof old, "%lld", (long long) (time_now_us() - 200 * DAY_US));
    snprintf(young, sizeof young, "%lld", (long long) (time_now_us() - 170 * DAY_US));
    const char *p[2] = {old, young};
    PQclear(harness_sql(S.h, "INSERT INTO auth.login_history (district_code, at, event, username)"
                             " VALUES ('', 'epoch'::timestamptz + $1::bigint * interval '1 microsecond',"
                             " 'login', 'retention-old'), ('', 'epoch'::timestamptz + $2::bigint"
                             " * interval '1 microsecond', 'login', 'retention-young')", 2, p));
    assert_int_equal(harness_restart(S.h, "gateway"), 0);         /* prunes at start */
    assert_int_equal(api_wait_sql(S.h, "SELECT 1 - count(*) FROM auth.login_history"
                                       " WHERE username = 'retention-old'", 1, 10000), 1);
    assert_int_equal(s_sql_ll("SELECT count(*) FROM auth.login_history WHERE username = $1",
                              "retention-young"), 1);
    /* under 180 days is refused: the gateway does not start */
    assert_int_equal(harness_set(S.h, "gateway.login_history_days", "179"), 0);
    assert_int_equal(harness_stop(S.h, "gateway"), 0);
    assert_int_not_equal(harness_start(S.h, "gateway"), 0);
    assert_int_equal(harness_set(S.h, "gateway.login_history_days", "365"), 0);
    assert_int_equal(harness_start(S.h, "gateway"), 0);
}

static void test_clean_shutdown(void **state)
{
    (void) state;
    assert_true(S.ready);
    assert_int_equal(harness_stop_all(S.h), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lockout_race),
        cmocka_unit_test(test_throttle_before_db),
        cmocka_unit_test(test_trusted_proxy),
        cmocka_unit_test(test_password_policy),
        cmocka_unit_test(test_password_expiry),
        cmocka_unit_test(test_rehash_at_login),
        cmocka_unit_test(test_keys_expire_and_revoke),
        cmocka_unit_test(test_login_logout_recorded),
        cmocka_unit_test(test_history_retention),
        cmocka_unit_test(test_clean_shutdown),
    };
    return cmocka_run_group_tests(tests, s_setup, s_teardown);
}
