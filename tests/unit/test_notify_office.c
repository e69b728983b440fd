/* test_notify_office: the pure parts of notify's office features: when the
 * daily digest is due (digest_due, UTC+8), the contact checks (phone
 * ^1[0-9]{10}$, e-mail) and an announcement's request checks. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "announce.h"
#include "contacts.h"
#include "digest.h"
#include "timeutil.h"

#define HOUR_US (3600LL * 1000000)

static void test_digest_due(void **state)
{
    (void) state;
    char date[11] = "";
    int64_t day;                                    /* a local midnight, parsed */
    assert_int_equal(time_parse("2030-03-10", &day), 0);
    assert_int_equal(digest_due(18, day + 17 * HOUR_US, date), 0);
    assert_int_equal(digest_due(18, day + 18 * HOUR_US, date), day + 18 * HOUR_US);
    assert_string_equal(date, "2030-03-10");
    assert_int_equal(digest_due(18, day + 23 * HOUR_US, date), day + 18 * HOUR_US);
    /* just after local midnight the next day: not yet */
    assert_int_equal(digest_due(18, day + 24 * HOUR_US + 60, date), 0);
    assert_int_equal(digest_due(0, day + 1, date), day);
}

static void test_contacts_checks(void **state)
{
    (void) state;
    assert_true(contacts_phone_ok("13800000001"));
    assert_true(contacts_phone_ok(""));
    assert_false(contacts_phone_ok("23800000001"));
    assert_false(contacts_phone_ok("1380000000"));
    assert_false(contacts_phone_ok("138000000012"));
    assert_false(contacts_phone_ok("1380000000a"));
    assert_false(contacts_phone_ok(NULL));
    assert_true(contacts_email_ok("m1@example.org"));
    assert_true(contacts_email_ok(""));
    assert_false(contacts_email_ok("m1-at-example.org"));
    assert_false(contacts_email_ok("@example.org"));
    assert_false(contacts_email_ok("a@b@example.org"));
    assert_false(contacts_email_ok("a b@example.org"));
    assert_false(contacts_email_ok("a@example"));
    assert_false(contacts_email_ok("a@.org"));
    assert_false(contacts_email_ok("a@example.org."));
    assert_false(contacts_email_ok("张三@example.org"));
}

static void test_announce_checks(void **state)
{
    (void) state;
    int64_t ids[2] = {3, 0};
    cmd_result_t r;
    memset(&r, 0, sizeof r);
    assert_int_equal(announce_check("通知", "正文", "members", 0, NULL, 0, &r), 0);
    memset(&r, 0, sizeof r);
    assert_int_equal(announce_check(" ", "正文", "sector", 0, NULL, 0, &r), -1);
    assert_int_equal(r.status, 400);
    memset(&r, 0, sizeof r);
    assert_int_equal(announce_check("通知", "正文", "list", 0, ids, 2, &r), -1);
    memset(&r, 0, sizeof r);
    assert_int_equal(announce_check("通知", "正文", "list", 0, ids, 1, &r), 0);
    memset(&r, 0, sizeof r);
    assert_int_equal(announce_check("通知", "正文", "units", 0, ids, 1, &r), -1);
    memset(&r, 0, sizeof r);
    assert_int_equal(announce_check("一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十",
                                    "正文", "members", 0, NULL, 0, &r), 0);     /* 40 */
    memset(&r, 0, sizeof r);
    assert_int_equal(announce_check("一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一",
                                    "正文", "members", 0, NULL, 0, &r), -1);    /* 41 */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_digest_due),
        cmocka_unit_test(test_contacts_checks),
        cmocka_unit_test(test_announce_checks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
