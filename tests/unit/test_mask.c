/* test_mask: the header's examples, multi-byte names, separators in phone
 * numbers, invalid UTF-8 and buffers that are too small. Never prints the
 * sample personal data beyond the assertions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "mask.h"

static void
s_name_is(const char *in, const char *want)
{
    char out[64];
    memset(out, 'X', sizeof out);
    if (mask_name(in, out, sizeof out) != 0)
        fail_msg("mask_name failed on \"%s\"", in);
    assert_string_equal(out, want);
}

static void
s_phone_is(const char *in, const char *want)
{
    char out[64];
    memset(out, 'X', sizeof out);
    if (mask_phone(in, out, sizeof out) != 0)
        fail_msg("mask_phone failed on \"%s\"", in);
    assert_string_equal(out, want);
}

static void
test_name_examples(void **state)
{
    (void) state;
    s_name_is("张三", "张*");
    s_name_is("欧阳娜娜", "欧***");
    s_name_is("", "");
}

static void
test_name_edges(void **state)
{
    (void) state;
    s_name_is("张", "张");                      /* one character: nothing to hide */
    s_name_is("Li Lei", "L*****");
    s_name_is("A", "A");
    s_name_is("😀ab", "😀**");                 /* 4-byte first character */
    s_name_is("é三", "é*");
    s_name_is("阿卜杜·热合曼", "阿******");     /* the dot counts as a character */
}

static void
test_name_invalid_utf8(void **state)
{
    (void) state;
    s_name_is("\xff", "*");
    s_name_is("张\xe4\xb8", "*");               /* truncated sequence */
    s_name_is("\xc0\xaf", "*");                 /* overlong '/' */
    s_name_is("\xed\xa0\x80", "*");             /* a surrogate */
    s_name_is("\xf4\x90\x80\x80", "*");         /* above U+10FFFF */
    s_name_is("\xe5\xbc\xa0\x80", "*");         /* stray continuation byte */
}

static void
test_name_small_buffers(void **state)
{
    (void) state;
    char out[8];
    assert_int_equal(mask_name("张三", out, 5), 0);   /* 3 + 1 + NUL */
    assert_string_equal(out, "张*");
    assert_int_equal(mask_name("张三", out, 4), -1);
    assert_int_equal(mask_name("张", out, 3), -1);
    assert_int_equal(mask_name("", out, 1), 0);
    assert_int_equal(mask_name("\xff", out, 1), -1);
    assert_int_equal(mask_name("x", out, 0), -1);
    assert_int_equal(mask_name(NULL, out, sizeof out), -1);
}

static void
test_phone_examples(void **state)
{
    (void) state;
    s_phone_is("13812345678", "*******5678");
    s_phone_is("5551234", "*****34");
}

static void
test_phone_edges(void **state)
{
    (void) state;
    s_phone_is("", "");
    s_phone_is("1", "1");
    s_phone_is("12", "12");
    s_phone_is("123", "*23");
    s_phone_is("12345678", "****5678");
    s_phone_is("057788123456", "********3456");
    s_phone_is("+86 138-1234-5678", "+** ***-****-5678");
    s_phone_is("0577-8812345", "****-***2345");
    s_phone_is("555-1234", "***-**34");
    s_phone_is("\xff", "*");
}

static void
test_phone_small_buffers(void **state)
{
    (void) state;
    char out[16];
    assert_int_equal(mask_phone("13812345678", out, 12), 0);
    assert_string_equal(out, "*******5678");
    assert_int_equal(mask_phone("13812345678", out, 11), -1);
    assert_int_equal(mask_phone(NULL, out, sizeof out), -1);
    assert_int_equal(mask_phone("1", NULL, 4), -1);
}

/* Whatever the number, no more than its last four digits show. */
static void
test_phone_at_most_last_four(void **state)
{
    (void) state;
    static const char *const phones[] = {"13812345678", "+86 138-1234-5678", "057788123456",
                                         "12345678", "0086 10 6512 3456", "8613812345678"};
    for (size_t i = 0; i < sizeof phones / sizeof phones[0]; i++) {
        char out[64];
        int shown = 0;
        assert_int_equal(mask_phone(phones[i], out, sizeof out), 0);
        assert_int_equal(strlen(out), strlen(phones[i]));
        for (const char *p = out; *p; p++)
            shown += *p >= '0' && *p <= '9';
        assert_true(shown <= 4);
        assert_string_equal(out + strlen(out) - 4, phones[i] + strlen(phones[i]) - 4);
    }
}

static void
test_location(void **state)
{
    (void) state;
    char out[16];
    assert_int_equal(mask_location("永中街道幸福小区3幢201", out, sizeof out), 0);
    assert_string_equal(out, "永***");
    assert_int_equal(mask_location("永", out, sizeof out), 0);
    assert_string_equal(out, "永***");
    assert_int_equal(mask_location("", out, sizeof out), 0);
    assert_string_equal(out, "");
    assert_int_equal(mask_location("\xff\xfe", out, sizeof out), 0);
    assert_string_equal(out, "*");
    assert_int_equal(mask_location("永中", out, 7), 0);       /* 3 + 3 + NUL */
    assert_int_equal(mask_location("永中", out, 6), -1);
    assert_int_equal(mask_location(NULL, out, sizeof out), -1);
}

static void
test_email(void **state)
{
    char out[64];
    (void) state;
    assert_int_equal(mask_email("wang.li@example.com", out, sizeof out), 0);
    assert_string_equal(out, "w***@example.com");
    assert_int_equal(mask_email("王@例子.中国", out, sizeof out), 0);
    assert_string_equal(out, "王***@例子.中国");
    assert_int_equal(mask_email("", out, sizeof out), 0);
    assert_string_equal(out, "");
    assert_int_equal(mask_email("no-at-sign", out, sizeof out), 0);
    assert_string_equal(out, "*");
    assert_int_equal(mask_email("@example.com", out, sizeof out), 0);
    assert_string_equal(out, "*");
    assert_int_equal(mask_email("a@b\xff", out, sizeof out), 0);
    assert_string_equal(out, "*");
    assert_int_equal(mask_email("\xff" "a@b.cn", out, sizeof out), 0);
    assert_string_equal(out, "*");
    /* the local part never shows beyond its first character */
    assert_int_equal(mask_email("secret.name@x.cn", out, sizeof out), 0);
    assert_null(strstr(out, "secret"));
    assert_int_equal(mask_email("a@b.cn", out, 10), 0);    /* 1 + 3 + 5 + NUL */
    assert_string_equal(out, "a***@b.cn");
    assert_int_equal(mask_email("a@b.cn", out, 9), -1);
    assert_int_equal(mask_email(NULL, out, sizeof out), -1);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_name_examples),  cmocka_unit_test(test_name_edges),
        cmocka_unit_test(test_name_invalid_utf8), cmocka_unit_test(test_name_small_buffers),
        cmocka_unit_test(test_phone_examples), cmocka_unit_test(test_phone_edges),
        cmocka_unit_test(test_phone_small_buffers), cmocka_unit_test(test_phone_at_most_last_four),
        cmocka_unit_test(test_location), cmocka_unit_test(test_email),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
