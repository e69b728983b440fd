/* test_roles: the one role set: names to bits and back, masks, the list
 * parser and formatter, and what is not a role ("system", wrong case). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "roles.h"

static void
test_names_and_bits(void **state)
{
    (void) state;
    static const char *const names[ROLE_COUNT] = {"admin", "office", "leader", "member", "unit",
                                                  "partner"};
    unsigned all = 0;
    for (int i = 0; i < ROLE_COUNT; i++) {
        unsigned bit = role_bit(names[i]);
        assert_int_equal(bit, 1u << i);
        assert_string_equal(role_name(bit), names[i]);
        all |= bit;
    }
    assert_int_equal(all, ROLES_ANY);
    assert_int_equal(role_bit("admin"), ROLE_ADMIN);
    assert_int_equal(role_bit("partner"), ROLE_PARTNER);
    assert_int_equal(role_bit("system"), 0);        /* timers' actor: not a role */
    assert_int_equal(role_bit("Admin"), 0);
    assert_int_equal(role_bit(""), 0);
    assert_int_equal(role_bit(NULL), 0);
    assert_null(role_name(0));
    assert_null(role_name(ROLE_ADMIN | ROLE_OFFICE));
    assert_null(role_name(1u << ROLE_COUNT));
}

static void
test_masks(void **state)
{
    (void) state;
    assert_true(role_in(ROLE_OFFICE | ROLE_MEMBER, "member"));
    assert_false(role_in(ROLE_OFFICE | ROLE_MEMBER, "leader"));
    assert_true(role_in(ROLES_ANY, "unit"));
    assert_false(role_in(ROLES_ANY, "system"));
    assert_false(role_in(ROLES_ANY, NULL));
    assert_false(role_in(0, "admin"));
}

static void
test_parse(void **state)
{
    (void) state;
    unsigned m = 0;
    assert_int_equal(roles_parse("office,admin", &m), 0);
    assert_int_equal(m, ROLE_OFFICE | ROLE_ADMIN);
    assert_int_equal(roles_parse(" member , leader\tunit ", &m), 0);
    assert_int_equal(m, ROLE_MEMBER | ROLE_LEADER | ROLE_UNIT);
    assert_int_equal(roles_parse("admin,admin", &m), 0);
    assert_int_equal(m, ROLE_ADMIN);
    m = 77;
    assert_int_equal(roles_parse("office,system", &m), -1);
    assert_int_equal(roles_parse("", &m), -1);
    assert_int_equal(roles_parse(" , ", &m), -1);
    assert_int_equal(roles_parse(NULL, &m), -1);
    assert_int_equal(roles_parse("administrator", &m), -1);
    assert_int_equal(m, 77);                        /* unchanged on failure */
}

static void
test_format(void **state)
{
    (void) state;
    char out[64];
    assert_int_equal(roles_format(ROLE_OFFICE | ROLE_ADMIN, out, sizeof out), 0);
    assert_string_equal(out, "admin, office");
    assert_int_equal(roles_format(ROLES_ANY, out, sizeof out), 0);
    assert_string_equal(out, "admin, office, leader, member, unit, partner");
    assert_int_equal(roles_format(0, out, sizeof out), 0);
    assert_string_equal(out, "");
    assert_int_equal(roles_format(ROLE_UNIT | (1u << 20), out, sizeof out), 0);
    assert_string_equal(out, "unit");
    char small[8];
    assert_int_equal(roles_format(ROLE_ADMIN | ROLE_OFFICE, small, sizeof small), -1);
    assert_string_equal(small, "");
    assert_int_equal(roles_format(ROLE_ADMIN, small, 0), -1);
    /* The formatter's output parses back to the same mask. */
    unsigned m = 0;
    assert_int_equal(roles_format(ROLE_LEADER | ROLE_PARTNER, out, sizeof out), 0);
    assert_int_equal(roles_parse(out, &m), 0);
    assert_int_equal(m, ROLE_LEADER | ROLE_PARTNER);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names_and_bits),
        cmocka_unit_test(test_masks),
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_format),
    };
    return cmocka_run_group_tests_name("roles", tests, NULL, NULL);
}
