/* test_users: the user administration routes against the real stack. An
 * admin manages every district, office staff their own district's
 * non-admin, non-office users, anyone else nothing; creating, disabling,
 * enabling and resetting take effect at once (sessions of a disabled user
 * end) and each is recorded with its actor and address; API keys are
 * listed, created and revoked; districts and feed tokens are listed; the
 * audit verification runs for an admin only. */
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

#define D "330303"
#define D2 "330304"

typedef struct users_state {
    harness_t *h;
    fixture_users_t u;
    char new_id[24];                /* the member user the office created */
    int ready;
} users_state_t;

static users_state_t S;

static int s_setup(void **state)
{
    (void) state;
    memset(&S, 0, sizeof S);
    if (!(S.h = harness_new("users")) || harness_start_all(S.h) != 0)
        return 0;
    S.ready = fixture_login(S.h, &S.u, "admin office office2 member1 leader") == 0;
    return 0;
}

static int s_teardown(void **state)
{
    (void) state;
    harness_destroy(&S.h);
    fixture_logout(&S.u);
    return 0;
}

/* How many items of a list answer have `key` equal to `value`, -1 when the
 * answer is not a 200 list. */
static int s_count(const char *path, const char *token, const char *key, const char *value)
{
    http_resp_t r;
    int n = -1;
    if (api_req(S.h, "GET", path, token, NULL, 200, &r) == 200) {
        json_t *items = json_object_get(r.json, "items"), *it;
        size_t i;
        n = 0;
        json_array_foreach(items, i, it)
            if (!key || strcmp(api_str(it, key), value) == 0)
                n++;
    }
    http_resp_clear(&r);
    return n;
}

static long s_post(const char *path, const char *token, const char *body, const char *code)
{
    http_resp_t r;
    http_req_t q = {.method = "POST", .path = path, .token = token, .body = body};
    harness_http(S.h, &q, &r);
    long st = r.status;
    if (code && strcmp(http_error_code(&r), code) != 0) {
        fprintf(stderr, "%s: want %s, got %ld %s\n", path, code, st, r.raw);
        st = -1;
    }
    http_resp_clear(&r);
    return st;
}

static void test_roles(void **state)
{
    (void) state;
    assert_true(S.ready);
    assert_true(s_count("/v1/users", S.u.admin, "district", D2) >= 1);
    assert_int_equal(s_count("/v1/users?district=" D2, S.u.admin, "district", D),0);
    assert_true(s_count("/v1/users", S.u.office, NULL, NULL) >= 40);
    assert_int_equal(s_count("/v1/users", S.u.office, "district", D2), 0);
    assert_int_equal(api_status(S.h, "GET", "/v1/users?district=" D2, S.u.office, NULL), 403);
    assert_int_equal(api_status(S.h, "GET", "/v1/users", S.u.member1, NULL), 403);
    assert_int_equal(api_status(S.h, "GET", "/v1/users", S.u.leader, NULL), 403);
    assert_int_equal(api_status(S.h, "GET", "/v1/users", NULL, NULL), 401);
    assert_int_equal(s_post("/v1/users", S.u.member1, "{}", NULL), 403);
    assert_true(s_count("/v1/districts", S.u.admin, NULL, NULL) >= 2);
    assert_int_equal(s_count("/v1/districts", S.u.office, NULL, NULL), 1);
    assert_int_equal(s_count("/v1/districts/" D "/feed-tokens", S.u.office, NULL, NULL), 0);
    assert_int_equal(api_status(S.h, "GET", "/v1/districts/" D2 "/feed-tokens", S.u.office,
                                NULL), 403);
}

static void test_create(void **state)
{
    http_resp_t r;

    (void) state;
    assert_true(S.ready);
    const char *body = "{\"username\":\"newmember1\",\"password\":\"Good-Passw0rd1\","
                       "\"role\":\"member\",\"display_name\":\"新委员\"}";
    assert_int_equal(api_req(S.h, "POST", "/v1/users", S.u.office, body, 201, &r), 201);
    snprintf(S.new_id, sizeof S.new_id, "%s", api_str(r.json, "id"));
    assert_string_equal(api_str(r.json, "district"), D);
    http_resp_clear(&r);
    assert_int_equal(s_post("/v1/users", S.u.office, body, "username_taken"), 409);
    assert_int_equal(s_post("/v1/users", S.u.office, "{\"username\":\"x-admin\",\"password\":"
                            "\"Good-Passw0rd1\",\"role\":\"admin\",\"district\":\"\"}", NULL), 403);
    assert_int_equal(s_post("/v1/users", S.u.office, "{\"username\":\"x-other\",\"password\":"
                            "\"Good-Passw0rd1\",\"role\":\"member\",\"district\":\"" D2 "\"}",
                            NULL), 403);
    assert_int_equal(s_post("/v1/users", S.u.office, "{\"username\":\"x-office\",\"password\":"
                            "\"Good-Passw0rd1\",\"role\":\"office\"}", NULL), 403);
    assert_int_equal(s_post("/v1/users", S.u.office, "{\"username\":\"x-weak\",\"password\":"
                            "\"abc\",\"role\":\"member\"}", "validation_failed"), 400);
    assert_int_equal(s_post("/v1/users", S.u.office, "{\"username\":\"x-role\",\"password\":"
                            "\"Good-Passw0rd1\",\"role\":\"boss\"}", "validation_failed"), 400);
    assert_int_equal(s_post("/v1/users", S.u.admin, "{\"username\":\"office-b\",\"password\":"
                            "\"Good-Passw0rd1\",\"role\":\"office\",\"district\":\"" D2 "\"}",
                            NULL), 201);
    char *tok = harness_login(S.h, "newmember1", "Good-Passw0rd1");
    assert_non_null(tok);
    free(tok);
    const char *p[1] = {S.new_id};
    assert_int_equal(harness_sql_ll(S.h, "SELECT count(*) FROM auth.login_history h"
                                         " JOIN auth.users o ON o.username = 'office'"
                                         " WHERE h.event = 'user_created' AND h.user_id = $1::bigint"
                                         " AND h.client_addr = '127.0.0.1'", 1, p), 1);
    assert_int_equal(harness_sql_ll(S.h, "SELECT count(*) FROM audit.trail t JOIN auth.users o"
                                         " ON o.username = 'office' AND t.actor_user_id = o.id"
                                         " WHERE t.action = 'auth.user_created'"
                                         " AND t.object_id = $1", 1, p), 1);
}

static void test_disable_enable_reset(void **state)
{
    char path[96];

    (void) state;
    assert_true(S.ready && S.new_id[0]);
    char *tok = harness_login(S.h, "newmember1", "Good-Passw0rd1");
    assert_non_null(tok);
    assert_int_equal(api_status(S.h, "GET", "/v1/me", tok, NULL), 200);    /* cached now */
    snprintf(path, sizeof path, "/v1/users/%s/disable", S.new_id);
    assert_int_equal(s_post(path, S.u.office2, NULL, NULL), 403);          /* not its district */
    assert_int_equal(s_post(path, S.u.member1, NULL, NULL), 403);
    assert_int_equal(s_post(path, S.u.office, NULL, NULL), 204);
    assert_int_equal(api_status(S.h, "GET", "/v1/me", tok, NULL), 401);    /* at once */
    free(tok);
    assert_null(harness_login(S.h, "newmember1", "Good-Passw0rd1"));
    snprintf(path, sizeof path, "/v1/users/%s/enable", S.new_id);
    assert_int_equal(s_post(path, S.u.office, NULL, NULL), 204);
    tok = harness_login(S.h, "newmember1", "Good-Passw0rd1");
    assert_non_null(tok);
    free(tok);
    snprintf(path, sizeof path, "/v1/users/%s/password", S.new_id);
    assert_int_equal(s_post(path, S.u.office, "{\"password\":\"short\"}", "validation_failed"),
                     400);
    assert_int_equal(s_post(path, S.u.office, "{\"password\":\"Reset-Passw0rd9\"}", NULL), 204);
    assert_null(harness_login(S.h, "newmember1", "Good-Passw0rd1"));
    tok = harness_login(S.h, "newmember1", "Reset-Passw0rd9");
    assert_non_null(tok);
    free(tok);
    assert_int_equal(s_post("/v1/users/999999/disable", S.u.admin, NULL, NULL), 404);
    const char *p[1] = {S.new_id};
    assert_int_equal(harness_sql_ll(S.h, "SELECT count(*) FROM auth.login_history WHERE"
                                         " user_id = $1::bigint AND event IN ('user_disabled',"
                                         " 'user_enabled', 'password_reset')", 1, p), 3);
}

static void test_keys(void **state)
{
    char path[96], kpath[128], uid[24];
    http_resp_t r;

    (void) state;
    assert_true(S.ready);
    snprintf(uid, sizeof uid, "%lld", harness_sql_ll(S.h, "SELECT id FROM auth.users WHERE"
                                                          " username = 'partner1'", 0, NULL));
    snprintf(path, sizeof path, "/v1/users/%s/keys", uid);
    int before = s_count(path, S.u.office, NULL, NULL);
    assert_true(before >= 1);                                       /* the demo key */
    assert_int_equal(api_req(S.h, "POST", path, S.u.office, "{\"name\":\"erp\"}", 201, &r), 201);
    char *key = strdup(api_str(r.json, "key"));
    snprintf(kpath, sizeof kpath, "%s/%s", path, api_str(r.json, "id"));
    assert_true(strlen(key) == 64);
    http_resp_clear(&r);
    assert_int_equal(s_count(path, S.u.office, "name", "erp"), 1);
    assert_int_equal(s_post(path, S.u.office, "{\"name\":\"x\",\"expires_in_days\":5000}",
                            "validation_failed"), 400);
    assert_int_equal(s_post(path, S.u.office2, "{\"name\":\"x\"}", NULL), 403);
    assert_int_equal(api_status(S.h, "GET", path, S.u.member1, NULL), 403);
    http_req_t q = {.method = "GET", .path = "/v1/districts/" D "/units", .api_key = key};
    harness_http(S.h, &q, &r);
    assert_int_equal(r.status, 200);
    http_resp_clear(&r);
    assert_int_equal(api_status(S.h, "DELETE", kpath, S.u.office2, NULL), 403);
    assert_int_equal(api_status(S.h, "DELETE", kpath, S.u.office, NULL), 204);
    harness_http(S.h, &q, &r);
    assert_int_equal(r.status, 401);
    http_resp_clear(&r);
    free(key);
}

/* lianxin-admin's create-user and create-key are recorded like the API's */
static void test_cli_recorded(void **state)
{
    char out[512];

    (void) state;
    assert_true(S.ready);
    char cmd[2048];
    /* harness_run passes no LIANXIN_* variable, and the password comes from one */
    snprintf(cmd, sizeof cmd, "cd '%s' && LIANXIN_PASSWORD=Cli-Passw0rd-1 '%s/bin/lianxin-admin'"
             " -c '%s' create-user --username cli-office --role office --district " D
             " >/dev/null 2>&1", getenv("LIANXIN_ROOT"), getenv("LIANXIN_BUILD"),
             harness_config(S.h));
    assert_int_equal(system(cmd), 0);
    assert_int_equal(harness_run(S.h, out, sizeof out, "admin", "create-key", "--username",
                                 "cli-office", "--name", "cli", NULL), 0);
    assert_int_equal(harness_sql_ll(S.h, "SELECT count(*) FROM auth.login_history h"
                                         " JOIN auth.users u ON u.id = h.user_id"
                                         " WHERE u.username = 'cli-office' AND h.client_addr = 'local'"
                                         " AND h.event IN ('user_created', 'key_created')", 0, NULL), 2);
    assert_int_equal(harness_sql_ll(S.h, "SELECT count(*) FROM audit.trail t JOIN auth.users u"
                                         " ON t.object_id = u.id::text AND t.district_code = u.district_code"
                                         " WHERE u.username = 'cli-office' AND t.action IN"
                                         " ('auth.user_created', 'auth.key_created')", 0, NULL), 2);
}

static void test_audit_verify(void **state)
{
    http_resp_t r;

    (void) state;
    assert_true(S.ready);
    assert_int_equal(s_post("/v1/audit/verify", S.u.office, NULL, NULL), 403);
    assert_int_equal(api_status(S.h, "GET", "/v1/audit/verify", S.u.admin, NULL), 404);  /* none yet */
    assert_int_equal(api_req(S.h, "POST", "/v1/audit/verify", S.u.admin, NULL, 200, &r), 200);
    assert_true(json_is_true(json_object_get(r.json, "intact")));
    http_resp_clear(&r);
    assert_int_equal(api_req(S.h, "GET", "/v1/audit/verify", S.u.admin, NULL, 200, &r), 200);
    assert_true(json_is_true(json_object_get(r.json, "intact")));
    assert_string_equal(api_str(r.json, "by"), "admin");
    http_resp_clear(&r);
    assert_int_equal(api_status(S.h, "GET", "/v1/audit/verify", S.u.office, NULL), 403);
    assert_int_equal(harness_sql_ll(S.h, "SELECT count(*) FROM auth.login_history WHERE"
                                         " event = 'audit_verified' AND detail = 'intact'", 0,
                                    NULL), 1);
    assert_int_equal(harness_stop_all(S.h), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_roles),
        cmocka_unit_test(test_create),
        cmocka_unit_test(test_disable_enable_reset),
        cmocka_unit_test(test_keys),
        cmocka_unit_test(test_cli_recorded),
        cmocka_unit_test(test_audit_verify),
    };
    return cmocka_run_group_tests(tests, s_setup, s_teardown);
}
