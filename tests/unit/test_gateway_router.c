/* test_gateway_router: route pattern matching and the gateway's route table:
 * parameters, 404 versus 405 (with Allow), HEAD as GET, the wildcard. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "http/router.h"
#include "routes.h"
#include "api/intake.h"
#include "forward.h"
#include "http/static.h"

static void test_literal_and_params(void **state)
{
    (void) state;
    router_params_t p;
    assert_int_equal(router_match("/v1/me", "/v1/me", &p), 1);
    assert_int_equal(p.n, 0);
    assert_int_equal(router_match("/v1/me", "/v1/me/", &p), 0);
    assert_int_equal(router_match("/v1/me", "/v1/m", &p), 0);
    assert_int_equal(router_match("/v1/me", "/v1/mee", &p), 0);
    assert_int_equal(router_match("/v1/districts/{d}/visits/{id}",
                                  "/v1/districts/330303/visits/17", &p), 1);
    assert_int_equal(p.n, 2);
    assert_string_equal(router_param(&p, "d"), "330303");
    assert_string_equal(router_param(&p, "id"), "17");
    assert_null(router_param(&p, "x"));
}

static void test_params_are_digits(void **state)
{
    (void) state;
    const char *pat = "/v1/districts/{d}/visits";
    assert_int_equal(router_match(pat, "/v1/districts/abc/visits", NULL), 0);
    assert_int_equal(router_match(pat, "/v1/districts//visits", NULL), 0);
    assert_int_equal(router_match(pat, "/v1/districts/-1/visits", NULL), 0);
    assert_int_equal(router_match(pat, "/v1/districts/1234567890123456789/visits", NULL), 0);
    assert_int_equal(router_match(pat, "/v1/districts/123456789012345678/visits", NULL), 1);
    assert_int_equal(router_match(pat, "/v1/districts/33%2F03/visits", NULL), 0);
}

static void test_wildcard(void **state)
{
    (void) state;
    assert_int_equal(router_match("/*", "/", NULL), 1);
    assert_int_equal(router_match("/*", "/app.js", NULL), 1);
    assert_int_equal(router_match("/*", "/a/b/c", NULL), 1);
    assert_int_equal(router_match("/static/*", "/static/", NULL), 1);
    assert_int_equal(router_match("/static/*", "/other/x", NULL), 0);
    assert_int_equal(router_match("/", "/", NULL), 1);
    assert_int_equal(router_match("/", "/x", NULL), 0);
    assert_int_equal(router_match("/x", "x", NULL), 0);
}

static const router_entry_t s_table[] = {
    {"GET", "/v1/things"},
    {"POST", "/v1/things"},
    {"GET", "/v1/things/{id}"},
    {"DELETE", "/v1/things/{id}"},
    {"GET", "/*"},
};

static void test_find(void **state)
{
    (void) state;
    router_params_t p;
    char allow[64];
    int st;
    size_t n = sizeof s_table / sizeof s_table[0];
    assert_int_equal(router_find(s_table, n, sizeof s_table[0], "POST", "/v1/things", &p, &st,
                                 allow, sizeof allow), 1);
    assert_int_equal(st, 200);
    assert_int_equal(router_find(s_table, n, sizeof s_table[0], "HEAD", "/v1/things/9", &p, &st,
                                 allow, sizeof allow), 2);
    assert_string_equal(router_param(&p, "id"), "9");
    assert_int_equal(router_find(s_table, n, sizeof s_table[0], "PUT", "/v1/things/9", &p, &st,
                                 allow, sizeof allow), -1);
    assert_int_equal(st, 405);
    assert_string_equal(allow, "GET, DELETE");
    /* the wildcard catches GETs but never turns a POST into a 405 */
    assert_int_equal(router_find(s_table, n, sizeof s_table[0], "GET", "/index.html", &p, &st,
                                 allow, sizeof allow), 4);
    assert_int_equal(router_find(s_table, n, sizeof s_table[0], "POST", "/index.html", &p, &st,
                                 allow, sizeof allow), -1);
    assert_int_equal(st, 404);
}

static const gw_route_t *s_route(const char *method, const char *path, router_params_t *p,
                                 int *st)
{
    char allow[64];
    return routes_find(method, path, p, st, allow, sizeof allow);
}

static void test_gateway_table(void **state)
{
    (void) state;
    router_params_t p;
    int st;
    const gw_route_t *r = s_route("GET", "/v1/districts/330303/visits/17", &p, &st);
    assert_non_null(r);
    assert_ptr_equal(r->handler, api_intake_visit_get);
    assert_string_equal(router_param(&p, "d"), "330303");
    r = s_route("POST", "/v1/districts/330303/visits", &p, &st);
    assert_non_null(r);
    assert_ptr_equal(r->handler, forward_handle);
    assert_string_equal(r->command, "intake.RecordVisit");
    assert_true(r->body_limit == GW_BODY_CONFIG);
    assert_false(r->roles & ROLE_LEADER);   /* leaders read, never record */
    assert_false(r->roles & ROLE_UNIT);
    r = s_route("POST", "/v1/districts/330303/inbox/5/read", &p, &st);
    assert_non_null(r);
    assert_string_equal(r->command, "notify.MarkRead");
    assert_string_equal(router_param(&p, "id"), "5");
    r = s_route("GET", "/v1/districts/330303/visits", &p, &st);
    assert_ptr_equal(r->handler, api_intake_visits_list);
    assert_false(r->roles & (ROLE_UNIT | ROLE_PARTNER));
    assert_null(s_route("PATCH", "/v1/districts/330303/visits", &p, &st));
    assert_int_equal(st, 405);
    r = s_route("GET", "/", &p, &st);
    assert_ptr_equal(r->handler, static_serve);
    assert_int_equal(r->roles, 0);
    /* public routes are exactly these */
    for (size_t i = 0; i < routes_count(); i++) {
        const char *pat = routes_at(i)->at.pattern;
        if (routes_at(i)->roles == 0)
            assert_true(strcmp(pat, "/healthz") == 0 || strcmp(pat, "/metrics") == 0 ||
                        strcmp(pat, "/v1/sessions") == 0 || strcmp(pat, "/*") == 0 ||
                        strcmp(pat, "/public/{d}/notices") == 0);
        if (routes_at(i)->command) {
            assert_non_null(routes_at(i)->request);
            assert_non_null(routes_at(i)->reply);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_literal_and_params), cmocka_unit_test(test_params_are_digits),
        cmocka_unit_test(test_wildcard),           cmocka_unit_test(test_find),
        cmocka_unit_test(test_gateway_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
