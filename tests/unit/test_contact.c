/* test_contact: the checks of a phone number and an e-mail address as a
 * user types them (common/contact.c): the limits at their edges, the
 * characters refused, too_long told apart from invalid. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "contact.h"

static void test_phone(void **state)
{
    int too_long = -1;
    (void) state;
    assert_int_equal(contact_phone_ok("13812345678", &too_long), 1);
    assert_int_equal(too_long, 0);
    assert_int_equal(contact_phone_ok("+86 0577-8812 3456", NULL), 1);
    assert_int_equal(contact_phone_ok("12345", NULL), 1);              /* the minimum */
    assert_int_equal(contact_phone_ok("1234", NULL), 0);
    assert_int_equal(contact_phone_ok("+- - -", NULL), 0);             /* no digit */
    assert_int_equal(contact_phone_ok("1381234567x", NULL), 0);
    assert_int_equal(contact_phone_ok("", NULL), 0);
    assert_int_equal(contact_phone_ok(NULL, NULL), 0);
    assert_int_equal(contact_phone_ok("12345678901234567890", &too_long), 1);
    assert_int_equal(contact_phone_ok("123456789012345678901", &too_long), 0);
    assert_int_equal(too_long, 1);
    assert_int_equal(contact_phone_ok("12345678901234567890x", &too_long), 0);
    assert_int_equal(too_long, 0);                                     /* invalid, not long */
}

static void test_email(void **state)
{
    char buf[CONTACT_EMAIL_MAX + 2];
    int too_long = -1;
    (void) state;
    assert_int_equal(contact_email_ok("wang.li@example.com", &too_long), 1);
    assert_int_equal(too_long, 0);
    assert_int_equal(contact_email_ok("a@b.cn", NULL), 1);
    const char *bad[] = {"", "wang", "@b.cn", "a@", "a@b", "a@.cn", "a@b.", "a@@b.cn",
                         "a@b@c.cn", "a b@c.cn", "王@例子.中国", "a@b.cn\n"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (contact_email_ok(bad[i], NULL))
            fail_msg("accepted bad address %zu", i);
    assert_int_equal(contact_email_ok(NULL, NULL), 0);
    memset(buf, 'a', sizeof buf);
    memcpy(buf + CONTACT_EMAIL_MAX - 5, "@b.cn", 6);                   /* exactly the limit */
    assert_int_equal(strlen(buf), CONTACT_EMAIL_MAX);
    assert_int_equal(contact_email_ok(buf, &too_long), 1);
    memset(buf, 'a', sizeof buf);
    memcpy(buf + CONTACT_EMAIL_MAX - 4, "@b.cn", 6);
    assert_int_equal(contact_email_ok(buf, &too_long), 0);
    assert_int_equal(too_long, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_phone),
        cmocka_unit_test(test_email),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
