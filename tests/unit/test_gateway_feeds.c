/* test_gateway_feeds: the pure parts of the duties feed's token: its shape,
 * its hash, the constant-time comparison, the URL, the feed principal, and
 * access_check admitting that principal only on a flagged route of its own
 * district. Never touches the network or a database. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "auth/access.h"
#include "crypto.h"
#include "auth/feeds.h"
#include "routes.h"

#define TOK "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"

static void test_token_shape(void **state)
{
    char t[65];
    (void) state;
    assert_true(feeds_token_ok(TOK));
    assert_false(feeds_token_ok(NULL));
    assert_false(feeds_token_ok(""));
    assert_false(feeds_token_ok(TOK "0"));                      /* 65 */
    assert_false(feeds_token_ok(TOK + 1));                      /* 63 */
    memcpy(t, TOK, sizeof t);
    t[10] = 'A';                                                /* upper case */
    assert_false(feeds_token_ok(t));
    t[10] = 'g';
    assert_false(feeds_token_ok(t));
    assert_int_equal(crypto_token(t), 0);                       /* what create hands out */
    assert_true(feeds_token_ok(t));
}

static void test_hash_and_compare(void **state)
{
    char h[65], h2[65], other[65];
    (void) state;
    /* SHA-256("abc"), FIPS 180-2 */
    feeds_token_hash("abc", h);
    assert_string_equal(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    feeds_token_hash(TOK, h);
    feeds_token_hash(TOK, h2);
    assert_true(feeds_hash_equal(h, h2));
    assert_false(feeds_hash_equal(h, TOK));                     /* the token is not its hash */
    memcpy(other, h, sizeof other);
    other[63] = other[63] == '0' ? '1' : '0';
    assert_false(feeds_hash_equal(h, other));
    assert_false(feeds_hash_equal("", h));
    assert_false(feeds_hash_equal(h, ""));
    assert_false(feeds_hash_equal(NULL, h));
    h2[0] = 'Z';                                                /* malformed stored value */
    assert_false(feeds_hash_equal(h2, h2));
}

static void test_url(void **state)
{
    char out[256], small[40];
    (void) state;
    assert_int_equal(feeds_url(out, sizeof out, "330303", "17", TOK), 0);
    assert_string_equal(out, "/v1/districts/330303/members/17/duties.ics?token=" TOK);
    assert_int_equal(feeds_url(small, sizeof small, "330303", "17", TOK), -1);
}

static void test_principal_and_access(void **state)
{
    principal_t p, member;
    (void) state;
    feeds_principal(&p, "330303", 17);
    assert_string_equal(p.role, "feed");
    assert_string_equal(p.district, "330303");
    assert_int_equal(p.member_id, 17);
    assert_int_equal(p.user_id, 0);
    unsigned readers = ROLE_ADMIN | ROLE_OFFICE | ROLE_LEADER | ROLE_MEMBER;
    assert_int_equal(access_check(readers | ACCESS_FEED_TOKEN, &p, "330303"), 200);
    assert_int_equal(access_check(readers, &p, "330303"), 403);          /* unflagged route */
    assert_int_equal(access_check(ROLES_ANY, &p, "330303"), 403);
    assert_int_equal(access_check(readers | ACCESS_FEED_TOKEN, &p, "330304"), 403);
    assert_int_equal(access_check(readers | ACCESS_FEED_TOKEN, &p, NULL), 403);
    feeds_principal(&p, "", 17);                                /* never city-wide */
    assert_int_equal(access_check(readers | ACCESS_FEED_TOKEN, &p, "330303"), 403);
    /* the flag admits no role by itself */
    memset(&member, 0, sizeof member);
    strcpy(member.role, "member");
    strcpy(member.district, "330303");
    assert_int_equal(access_check(ACCESS_FEED_TOKEN, &member, "330303"), 403);
    assert_false(role_in(ACCESS_FEED_TOKEN, "feed"));
    assert_int_equal(role_bit("feed"), 0);
}

/* The route table flags exactly two routes: the member's duties feed and
 * the member's consultations feed. */
static void test_one_flagged_route(void **state)
{
    int n = 0;
    (void) state;
    for (size_t i = 0; i < routes_count(); i++) {
        if (!(routes_at(i)->roles & ACCESS_FEED_TOKEN))
            continue;
        n++;
        assert_string_equal(routes_at(i)->at.method, "GET");
        assert_string_equal(routes_at(i)->at.pattern,
                            n == 1 ? "/v1/districts/{d}/members/{id}/duties.ics"
                                   : "/v1/districts/{d}/members/{id}/consultations.ics");
        assert_string_equal(routes_at(i)->query[0].key, feeds_query_keys[0]);
        assert_null(routes_at(i)->query[1].key);
        assert_int_equal(routes_at(i)->body_limit, 0);
    }
    assert_int_equal(n, 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_token_shape),
        cmocka_unit_test(test_hash_and_compare),
        cmocka_unit_test(test_url),
        cmocka_unit_test(test_principal_and_access),
        cmocka_unit_test(test_one_flagged_route),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
