/* test_inbox_addr: the addressing rules notify and the gateway share. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include "inbox_addr.h"

static void test_own(void **state)
{
    inbox_addr_t a;

    (void)state;
    assert_int_equal(inbox_addr_own("member", 100, 7, 3, &a), 0);
    assert_string_equal(a.kind, "member");
    assert_true(a.id == 7);
    assert_int_equal(inbox_addr_own("unit", 100, 7, 3, &a), 0);
    assert_string_equal(a.kind, "unit");
    assert_true(a.id == 3);
    assert_int_equal(inbox_addr_own("office", 100, 7, 3, &a), 0);
    assert_string_equal(a.kind, "user");
    assert_true(a.id == 100);
    assert_int_equal(inbox_addr_own("leader", 101, 0, 0, &a), 0);
    assert_string_equal(a.kind, "user");
    assert_int_equal(inbox_addr_own("member", 100, 0, 3, &a), -1);   /* a member with no member */
    assert_int_equal(inbox_addr_own("unit", 100, 7, 0, &a), -1);
    assert_int_equal(inbox_addr_own(NULL, 100, 7, 3, &a), -1);
}

static void test_role(void **state)
{
    inbox_addr_t a;

    (void)state;
    assert_int_equal(inbox_addr_role("leader", 5, "330303", "330303", &a), 0);
    assert_string_equal(a.kind, "role:leader");
    assert_true(a.id == 0);
    assert_int_equal(inbox_addr_role("leader", 5, "330304", "330303", &a), -1); /* other district */
    assert_int_equal(inbox_addr_role("admin", 1, "", "330303", &a), -1);        /* city-wide */
    assert_int_equal(inbox_addr_role("leader", 0, "330303", "330303", &a), -1);
    assert_int_equal(inbox_addr_role("", 5, "330303", "330303", &a), -1);
    assert_int_equal(inbox_addr_role("a-role-name-far-too-long", 5, "330303", "330303", &a), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_own),
        cmocka_unit_test(test_role),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
