/* test_gateway_textfmt: the export formats, pure: CSV quoting (RFC 4180,
 * formula guard), iCalendar escaping and folding at 75 octets without
 * splitting UTF-8, and the statistics periods. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "api/intake.h"
#include "textfmt.h"

static void test_has_text(void **state)
{
    (void)state;
    assert_int_equal(textfmt_has_text("x"), 1);
    assert_int_equal(textfmt_has_text("  同意 "), 1);
    assert_int_equal(textfmt_has_text(" \t\r\n\v\f"), 0);
    assert_int_equal(textfmt_has_text("\xe3\x80\x80 \xe3\x80\x80"), 0);   /* U+3000 */
    assert_int_equal(textfmt_has_text("\xe3\x80\x80" "a"), 1);
    assert_int_equal(textfmt_has_text(""), 0);
    assert_int_equal(textfmt_has_text(NULL), 0);
}

static void test_csv_fields(void **state)
{
    textbuf_t b;
    (void) state;
    textbuf_init(&b);
    const char *f[] = {"plain", "a,b", "say \"hi\"", "two\r\nlines", "=1+1", "", "中文"};
    textfmt_csv_row(&b, f, 7);
    assert_false(b.failed);
    assert_string_equal(b.data, "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\r\nlines\",\"'=1+1\",,中文\r\n");
    textbuf_free(&b);
}

static void test_ics_escape(void **state)
{
    textbuf_t b;
    (void) state;
    textbuf_init(&b);
    textfmt_ics_text(&b, "a,b;c\\d\ne\r");
    assert_string_equal(b.data, "a\\,b\\;c\\\\d\\ne");
    textbuf_free(&b);
}

/* Every physical line <= 75 octets, CRLF only, continuation lines start with
 * a space, no UTF-8 sequence split, and unfolding gives the line back. */
static void test_ics_fold(void **state)
{
    char value[400] = "", unfolded[600];
    textbuf_t b;
    (void) state;
    for (int i = 0; i < 40; i++)
        strcat(value, i % 3 ? "值" : "ab");
    textbuf_init(&b);
    textfmt_ics_line(&b, "SUMMARY", value);
    assert_false(b.failed);
    size_t start = 0, n = 0;
    for (size_t i = 0; i + 1 < b.len; i++) {
        if (b.data[i] == '\r') {
            assert_int_equal(b.data[i + 1], '\n');
            assert_true(i - start <= 75);
            /* the next line starts on a character boundary */
            if (i + 2 < b.len) {
                assert_int_equal(b.data[i + 2], ' ');
                assert_true(((unsigned char) b.data[i + 3] & 0xC0) != 0x80);
            }
            start = i + 2;
            i++;
        } else {
            assert_true(b.data[i] != '\n');
        }
    }
    for (size_t i = 0; i < b.len; i++) {
        if (b.data[i] == '\r' && i + 2 < b.len && b.data[i + 2] == ' ') {
            i += 2;
            continue;
        }
        if (b.data[i] == '\r')
            break;
        unfolded[n++] = b.data[i];
    }
    unfolded[n] = '\0';
    assert_true(strncmp(unfolded, "SUMMARY:", 8) == 0);
    assert_string_equal(unfolded + 8, value);
    assert_true(b.len > 2 && memcmp(b.data + b.len - 2, "\r\n", 2) == 0);
    textbuf_free(&b);
    textbuf_init(&b);
    textfmt_ics_line(&b, "VERSION", "2.0");
    assert_string_equal(b.data, "VERSION:2.0\r\n");
    textbuf_free(&b);
}

static void test_log_layout(void **state)
{
    textbuf_t b;
    const char *f[TEXTFMT_LOG_FIELDS] = {"17", "2026-11-26 09:30", "home_visit", "陈建国、林晓燕",
                                         "张*", "138****5678", "a \"b\", c", "transport", "",
                                         "referred", "", "1/4"};
    (void) state;
    textbuf_init(&b);
    textfmt_log_header(&b);
    assert_true(strncmp(b.data, "\xEF\xBB\xBF编号,接待时间,类型,", 27) == 0);
    assert_true(b.len > 5 && memcmp(b.data + b.len - 2, "\r\n", 2) == 0);
    size_t head = b.len;
    textfmt_log_row(&b, f);
    assert_string_equal(b.data + head, "17,2026-11-26 09:30,走访,陈建国、林晓燕,张*,138****5678,"
                                       "\"a \"\"b\"\", c\",交通,,转交办理,,1/4\r\n");
    assert_string_equal(textfmt_category_zh("nonsense"), "nonsense");
    assert_string_equal(textfmt_action_zh("answered"), "当场答复");
    textbuf_free(&b);
}

/* A cut never splits a character: "张三" is 6 bytes, 3 per character. */
static void test_utf8_prefix(void **state)
{
    (void)state;
    assert_int_equal(textfmt_utf8_prefix("张三", 6), 6);
    assert_int_equal(textfmt_utf8_prefix("张三", 5), 3);
    assert_int_equal(textfmt_utf8_prefix("张三", 4), 3);
    assert_int_equal(textfmt_utf8_prefix("张三", 2), 0);
    assert_int_equal(textfmt_utf8_prefix("ab张", 4), 2);
    assert_int_equal(textfmt_utf8_prefix("abc", 10), 3);
    assert_int_equal(textfmt_utf8_prefix(NULL, 10), 0);
}

static void test_periods(void **state)
{
    char from[11], to[11];
    (void) state;
    assert_int_equal(api_intake_period("2026", from, to), 0);
    assert_string_equal(from, "2026-01-01");
    assert_string_equal(to, "2027-01-01");
    assert_int_equal(api_intake_period("2026-H2", from, to), 0);
    assert_string_equal(from, "2026-07-01");
    assert_string_equal(to, "2027-01-01");
    assert_int_equal(api_intake_period("2026-Q2", from, to), 0);
    assert_string_equal(from, "2026-04-01");
    assert_string_equal(to, "2026-07-01");
    assert_int_equal(api_intake_period("2026-Q4", from, to), 0);
    assert_string_equal(to, "2027-01-01");
    assert_int_equal(api_intake_period("2026-Q5", from, to), -1);
    assert_int_equal(api_intake_period("2026-H3", from, to), -1);
    assert_int_equal(api_intake_period("2026-", from, to), -1);
    assert_int_equal(api_intake_period("26", from, to), -1);
    assert_int_equal(api_intake_period("2026-Q1x", from, to), -1);
    assert_int_equal(api_intake_period(NULL, from, to), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_csv_fields),
        cmocka_unit_test(test_has_text),
        cmocka_unit_test(test_ics_escape),
        cmocka_unit_test(test_ics_fold),
        cmocka_unit_test(test_log_layout),
        cmocka_unit_test(test_periods),
        cmocka_unit_test(test_utf8_prefix),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
