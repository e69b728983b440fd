/* test_gateway_access: the role and district rules, the inbox recipient of
 * a caller, and the auth cache's validity rules (idle, expiry, API keys). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "auth/access.h"
#include "auth/auth.h"
#include "auth/authcache.h"

static principal_t s_p(const char *role, const char *district)
{
    principal_t p;
    memset(&p, 0, sizeof p);
    p.user_id = 7;
    strcpy(p.role, role);
    strcpy(p.district, district);
    return p;
}

static void test_roles(void **state)
{
    (void) state;
    assert_int_equal(role_bit("admin"), ROLE_ADMIN);
    assert_int_equal(role_bit("partner"), ROLE_PARTNER);
    assert_int_equal(role_bit("Admin"), 0);
    assert_int_equal(role_bit(""), 0);
    assert_int_equal(role_bit(NULL), 0);
    assert_true(role_in(ROLE_OFFICE | ROLE_MEMBER, "member"));
    assert_false(role_in(ROLE_OFFICE | ROLE_MEMBER, "leader"));
    assert_false(role_in(ROLES_ANY, "system"));   /* unknown roles get nothing */
    assert_true(role_in(ROLES_ANY, "unit"));
}

static void test_districts(void **state)
{
    (void) state;
    assert_true(access_district_ok("", "330303"));       /* city-wide */
    assert_true(access_district_ok("330303", "330303"));
    assert_false(access_district_ok("330304", "330303"));
    assert_false(access_district_ok("33030", "330303"));
    assert_false(access_district_ok(NULL, "330303"));
    principal_t office2 = s_p("office", "330304");
    principal_t admin = s_p("admin", "");
    principal_t unit = s_p("unit", "330303");
    unsigned writers = ROLE_ADMIN | ROLE_OFFICE | ROLE_MEMBER;
    assert_int_equal(access_check(writers, &office2, "330303"), 403);
    assert_int_equal(access_check(writers, &office2, "330304"), 200);
    assert_int_equal(access_check(writers, &admin, "330303"), 200);
    assert_int_equal(access_check(writers, &unit, "330303"), 403);
    assert_int_equal(access_check(ROLES_ANY, &unit, NULL), 200);
    assert_int_equal(access_check(ROLES_ANY, NULL, NULL), 403);
}

static void test_copy_utf8(void **state)
{
    (void) state;
    char buf[5];
    access_copy_utf8(buf, sizeof buf, "ab");
    assert_string_equal(buf, "ab");
    access_copy_utf8(buf, sizeof buf, "a张三");      /* 1 + 3 + 3 bytes: cut before 三 */
    assert_string_equal(buf, "a张");
    access_copy_utf8(buf, sizeof buf, NULL);
    assert_string_equal(buf, "");
}

static void test_bearer(void **state)
{
    (void) state;
    char t[80];
    assert_int_equal(auth_parse_bearer("Bearer abcdefghijklmnop", t, sizeof t), 0);
    assert_string_equal(t, "abcdefghijklmnop");
    assert_int_equal(auth_parse_bearer("bearer   abcdefghijklmnop  ", t, sizeof t), 0);
    assert_string_equal(t, "abcdefghijklmnop");
    assert_int_equal(auth_parse_bearer("Basic abc", t, sizeof t), -1);
    assert_int_equal(auth_parse_bearer("Bearer ", t, sizeof t), -1);
    assert_int_equal(auth_parse_bearer(NULL, t, sizeof t), -1);
    assert_int_equal(auth_parse_bearer("Bearer abcdefghijklmnop", t, 8), -1);
    assert_true(auth_token_ok("0123456789abcdef0123456789abcdef"));
    assert_false(auth_token_ok("short"));
    assert_false(auth_token_ok("0123456789abcdef'; drop table x"));
    assert_false(auth_token_ok(NULL));
}

static void test_cache(void **state)
{
    (void) state;
    authcache_t *c = authcache_new(2);
    const int64_t s = 1000000, idle = 30 * s;
    authcache_entry_t *e = authcache_put(c, "sAAAA", 100 * s, idle);
    assert_non_null(e);
    e->expires_us = 200 * s;
    e->last_seen_us = 100 * s;
    assert_true(authcache_valid(e, 120 * s, idle));
    assert_false(authcache_valid(e, 131 * s, idle));     /* idle too long */
    e->last_seen_us = 190 * s;
    assert_false(authcache_valid(e, 200 * s, idle));     /* absolute expiry */
    authcache_entry_t *k = authcache_put(c, "kBBBB", 100 * s, idle);
    assert_non_null(k);
    assert_true(authcache_valid(k, 1000000 * s, idle));  /* keys without expiry do not expire */
    k->expires_us = 300 * s;                              /* a key with one: no idle rule */
    assert_true(authcache_valid(k, 299 * s, idle));
    assert_false(authcache_valid(k, 300 * s, idle));
    k->expires_us = 0;
    k->negative_until_us = 110 * s;                       /* a failed look-up, cached */
    assert_true(authcache_valid(k, 109 * s, idle));
    assert_false(authcache_valid(k, 110 * s, idle));
    k->negative_until_us = 0;
    assert_ptr_equal(authcache_put(c, "sAAAA", 100 * s, idle), e);
    /* full: an invalid entry is swept to make room, valid ones are kept */
    assert_non_null(authcache_put(c, "sCCCC", 500 * s, idle));
    assert_null(authcache_get(c, "sAAAA"));
    assert_non_null(authcache_get(c, "kBBBB"));
    assert_null(authcache_put(c, "sDDDD", 500 * s, idle));
    authcache_drop(c, "kBBBB");
    assert_null(authcache_get(c, "kBBBB"));
    assert_int_equal(authcache_size(c), 1);
    authcache_entry_t *u = authcache_get(c, "sCCCC");
    u->who.user_id = 7;
    assert_int_equal(authcache_drop_user(c, "", 8), 0);
    assert_int_equal(authcache_drop_user(c, "", 7), 1);    /* a disabled user's entries */
    assert_int_equal(authcache_size(c), 0);
    authcache_destroy(&c);
    assert_null(c);
    authcache_destroy(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_roles),     cmocka_unit_test(test_districts),
        cmocka_unit_test(test_copy_utf8),
        cmocka_unit_test(test_bearer),    cmocka_unit_test(test_cache),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
