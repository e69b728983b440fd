/* test_badinput: everything the visit route must refuse, each with the right
 * status, error code and field, and proof that none of it reached the tables
 * (intake.visits, bus.events, audit.trail counts unchanged); login lockout;
 * rate limiting (429) on a gateway restarted with a small rate. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "fixtures.h"
#include "harness.h"

#define D "330303"
#define VISITS "/v1/districts/" D "/visits"

typedef struct bad {
    harness_t *h;
    fixture_users_t u;              /* the demo users' sessions */
    fixture_counts_t before;
    int failures;                   /* cases that answered wrongly */
    int ready;                      /* set-up done: every test fails without it */
} bad_t;

static bad_t B;

/* ---- helpers ----------------------------------------------------------------------- */

/* A valid visit body with `key` set to `value` (stolen; NULL removes the key). */
static char *s_with(const char *key, json_t *value)
{
    int64_t members[] = { 3 };
    char *text = fixture_visit(1, members, 1, "transport", 60, 1);
    json_t *o = json_loads(text, 0, NULL);

    free(text);
    if (value)
        json_object_set_new(o, key, value);
    else
        json_object_del(o, key);
    text = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    return text;
}

static json_t *s_ids(int from, int n)
{
    json_t *a = json_array();
    char id[16];

    for (int i = 0; i < n; i++) {
        snprintf(id, sizeof id, "%d", from + i);
        json_array_append_new(a, json_string(id));
    }
    return a;
}

/* Sends one bad request and checks status, error code and (when `field` is
 * set) that the field is reported with `fcode` (NULL: any code). Records a
 * failure instead of stopping, so every case is tried and reported. */
static void s_case(const char *name, const char *token, const char *body, size_t len,
                   const char *ctype, long status, const char *code, const char *field,
                   const char *fcode)
{
    http_req_t q = { .method = "POST", .path = VISITS, .token = token, .body = body,
                     .body_len = len, .content_type = ctype };
    http_resp_t r;
    const char *got_field;
    int ok;

    harness_http(B.h, &q, &r);
    got_field = field ? http_error_field(&r, field) : NULL;
    ok = r.status == status && (!code || strcmp(http_error_code(&r), code) == 0) &&
         (!field || (got_field && (!fcode || strcmp(got_field, fcode) == 0)));
    if (!ok) {
        B.failures++;
        fprintf(stderr, "case %-28s FAILED: want %ld %s %s=%s, got %ld %.300s %s\n", name,
                status, code ? code : "*", field ? field : "-", fcode ? fcode : "*",
                r.status, r.raw, r.error);
    } else {
        fprintf(stderr, "case %-28s ok (%ld %s)\n", name, r.status, http_error_code(&r));
    }
    http_resp_clear(&r);
}

static void s_case_body(const char *name, const char *token, char *body, long status,
                        const char *code, const char *field, const char *fcode)
{
    s_case(name, token, body, 0, NULL, status, code, field, fcode);
    free(body);
}

/* ---- set-up ------------------------------------------------------------------------------ */

/* Never fails the group: a broken set-up fails every test instead. */
static int s_setup(void **state)
{
    (void)state;
    memset(&B, 0, sizeof B);
    if (!(B.h = harness_new("badinput")) || harness_start_all(B.h) != 0)
        return 0;
    B.ready = fixture_login(B.h, &B.u, "office office2 unit1 member1") == 0;
    return 0;
}

static int s_teardown(void **state)
{
    (void)state;
    harness_destroy(&B.h);
    fixture_logout(&B.u);
    return 0;
}

/* ---- tests -------------------------------------------------------------------------------- */

static void test_malformed_and_wrong_types(void **state)
{
    (void)state;
    assert_true(B.ready);
    fixture_counts(B.h, &B.before);
    assert_true(B.before.visits >= 0 && B.before.events >= 0 && B.before.audit >= 0);
    s_case("malformed json", B.u.office, "{\"workroom_id\": ", 0, NULL, 400, "malformed_json", NULL, NULL);
    s_case("not json at all", B.u.office, "workroom=1", 0, NULL, 400, "malformed_json", NULL, NULL);
    s_case_body("workroom_id bool", B.u.office, s_with("workroom_id", json_true()), 400,
                "validation_failed", "workroom_id", "wrong_type");
    s_case_body("workroom_id text", B.u.office, s_with("workroom_id", json_string("abc")), 400,
                "validation_failed", "workroom_id", NULL);
    s_case_body("member_ids string", B.u.office, s_with("member_ids", json_string("1")), 400,
                "validation_failed", "member_ids", "wrong_type");
    s_case_body("summary number", B.u.office, s_with("summary", json_integer(42)), 400,
                "validation_failed", "summary", "wrong_type");
    s_case_body("unknown field", B.u.office, s_with("colour", json_string("red")), 400,
                "validation_failed", "colour", "unknown_field");
    s_case("wrong content type", B.u.office, "{}", 0, "text/plain", 415, "unsupported_media_type", NULL, NULL);
    assert_int_equal(B.failures, 0);
}

static void test_body_limits(void **state)
{
    size_t big = 10u * 1024 * 1024, mid = 70000;
    char *body = malloc(big + 32);

    (void)state;
    assert_true(B.ready);
    assert_non_null(body);
    memcpy(body, "{\"summary\":\"", 12);
    memset(body + 12, 'a', big);
    memcpy(body + 12 + big, "\"}", 3);
    s_case("10 MB body", B.u.office, body, 0, NULL, 413, "body_too_large", NULL, NULL);
    memset(body + 12, 'b', mid);                    /* just over the 64 KiB limit */
    memcpy(body + 12 + mid, "\"}", 3);
    s_case("70 KB body", B.u.office, body, 0, NULL, 413, "body_too_large", NULL, NULL);
    free(body);
    assert_int_equal(B.failures, 0);
}

static void test_auth_and_roles(void **state)
{
    char *ok = s_with("summary", json_string("正常的诉求"));

    (void)state;
    assert_true(B.ready);
    s_case("no token", NULL, ok, 0, NULL, 401, "unauthenticated", NULL, NULL);
    s_case("bad token", "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
           ok, 0, NULL, 401, "unauthenticated", NULL, NULL);
    s_case("another district", B.u.office2, ok, 0, NULL, 403, "forbidden", NULL, NULL);
    s_case("unit user", B.u.unit1, ok, 0, NULL, 403, "forbidden", NULL, NULL);
    s_case_body("member not among members", B.u.member1, s_with("member_ids", s_ids(2, 2)), 403,
                "forbidden", NULL, NULL);
    free(ok);
    assert_int_equal(B.failures, 0);
}

static void test_content_rules(void **state)
{
    char summary[4001 * 3 + 1], future[40];
    json_t *ids;

    (void)state;
    assert_true(B.ready);
    for (int i = 0; i < 4001; i++)
        memcpy(summary + 3 * i, "民", 3);
    summary[4001 * 3] = '\0';
    s_case_body("summary too long", B.u.office, s_with("summary", json_string(summary)), 400,
                "validation_failed", "summary", "too_long");
    s_case_body("summary missing", B.u.office, s_with("summary", NULL), 400,
                "validation_failed", "summary", "required");
    s_case_body("bad phone", B.u.office, s_with("visitor", json_pack("{s:s}", "phone", "call me maybe")),
                400, "validation_failed", "visitor.phone", "invalid");
    s_case_body("bad category", B.u.office, s_with("category", json_string("weather")), 400,
                "validation_failed", "category", NULL);
    s_case_body("bad kind", B.u.office, s_with("kind", json_string("party")), 400,
                "validation_failed", "kind", NULL);
    s_case_body("too many members", B.u.office, s_with("member_ids", s_ids(1, 21)), 400,
                "validation_failed", "member_ids", "too_many");
    ids = json_pack("[s,s]", "3", "3");
    s_case_body("duplicate member", B.u.office, s_with("member_ids", ids), 400,
                "validation_failed", "member_ids[1]", "duplicate");
    s_case_body("garbage time", B.u.office, s_with("received_at", json_string("yesterday")), 400,
                "validation_failed", "received_at", "invalid");
    snprintf(future, sizeof future, "2999-01-01T09:00:00+08:00");
    s_case_body("future time", B.u.office, s_with("received_at", json_string(future)), 400,
                "validation_failed", "received_at", "out_of_range");
    s_case_body("negative room", B.u.office, s_with("workroom_id", json_string("-3")), 400,
                "validation_failed", "workroom_id", NULL);
    assert_int_equal(B.failures, 0);
}

static void test_unknown_references(void **state)
{
    (void)state;
    assert_true(B.ready);
    s_case_body("unknown workroom", B.u.office, s_with("workroom_id", json_string("999")), 422,
                "unprocessable", "workroom_id", "not_found");
    s_case_body("unknown member", B.u.office, s_with("member_ids", json_pack("[s,s]", "3", "99999")),
                422, "unprocessable", "member_ids[1]", "not_found");
    s_case_body("member of 330304", B.u.office, s_with("member_ids", json_pack("[s,s]", "3", "1001")),
                422, "unprocessable", "member_ids[1]", "not_found");
    s_case_body("room of 330304", B.u.office, s_with("workroom_id", json_string("101")), 422,
                "unprocessable", "workroom_id", "not_found");
    assert_int_equal(B.failures, 0);
}

static void test_nothing_written(void **state)
{
    fixture_counts_t after;

    (void)state;
    assert_true(B.ready);
    harness_sleep_ms(300);                          /* anything asynchronous would show */
    fixture_counts(B.h, &after);
    assert_true(after.visits == B.before.visits);
    assert_true(after.events == B.before.events);
    assert_true(after.audit == B.before.audit);
    assert_int_equal(harness_check_alive(B.h), 0);
}

static void test_login_lockout(void **state)
{
    const char *body_bad = "{\"username\":\"member40\",\"password\":\"wrong\"}";
    const char *body_ok = "{\"username\":\"member40\",\"password\":\"lianxin-demo\"}";
    http_resp_t r;

    (void)state;
    assert_true(B.ready);
    harness_post(B.h, "/v1/sessions", NULL, "{\"username\":\"nobody\",\"password\":\"x\"}", &r);
    assert_int_equal(r.status, 401);
    assert_string_equal(http_error_code(&r), "invalid_credentials");
    http_resp_clear(&r);
    for (int i = 0; i < 5; i++) {
        harness_post(B.h, "/v1/sessions", NULL, body_bad, &r);
        assert_int_equal(r.status, 401);
        assert_string_equal(http_error_code(&r), "invalid_credentials");
        http_resp_clear(&r);
    }
    /* the harness sets gateway.login_rate_per_min high, so no 429 can stand in for the lock */
    harness_post(B.h, "/v1/sessions", NULL, body_ok, &r);     /* right password, locked */
    assert_int_equal(r.status, 423);
    assert_string_equal(http_error_code(&r), "account_locked");
    assert_true(r.retry_after[0] != '\0');
    assert_null(json_object_get(r.json, "token"));
    http_resp_clear(&r);
    harness_post(B.h, "/v1/sessions", NULL, body_bad, &r);    /* locked whatever the password */
    assert_int_equal(r.status, 423);
    assert_string_equal(http_error_code(&r), "account_locked");
    http_resp_clear(&r);
}

static void test_rate_limit(void **state)
{
    int ok = 0, limited = 0, other = 0;
    http_resp_t r;

    (void)state;
    assert_true(B.ready);
    assert_int_equal(harness_set(B.h, "gateway.rate_per_s", "5"), 0);
    assert_int_equal(harness_set(B.h, "gateway.rate_burst", "5"), 0);
    assert_int_equal(harness_restart(B.h, "gateway"), 0);
    for (int i = 0; i < 40; i++) {
        harness_get(B.h, "/v1/me", B.u.office, &r);
        if (r.status == 200) {
            ok++;
        } else if (r.status == 429) {
            limited++;
            assert_string_equal(http_error_code(&r), "rate_limited");
            assert_true(r.retry_after[0] != '\0');
        } else {
            other++;
            fprintf(stderr, "rate limit: unexpected %ld %s\n", r.status, r.raw);
        }
        http_resp_clear(&r);
    }
    fprintf(stderr, "rate limit: %d ok, %d limited\n", ok, limited);
    assert_true(ok >= 1);
    assert_true(limited >= 20);
    assert_int_equal(other, 0);
}

static void test_clean_shutdown(void **state)
{
    (void)state;
    assert_true(B.ready);
    assert_int_equal(harness_check_alive(B.h), 0);
    assert_int_equal(harness_stop_all(B.h), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_malformed_and_wrong_types),
        cmocka_unit_test(test_body_limits),
        cmocka_unit_test(test_auth_and_roles),
        cmocka_unit_test(test_content_rules),
        cmocka_unit_test(test_unknown_references),
        cmocka_unit_test(test_nothing_written),
        cmocka_unit_test(test_login_lockout),
        cmocka_unit_test(test_rate_limit),
        cmocka_unit_test(test_clean_shutdown),
    };
    return cmocka_run_group_tests(tests, s_setup, s_teardown);
}
