/* test_notify_recipients: who is told about a visit and what they read
 * (services/notify/recipients.c), and whose inbox a caller owns. Pure logic;
 * must never need a database. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "intake.pb-c.h"
#include "recipients.h"

static void test_rota_and_head_each_once(void **state)
{
    int64_t rota[] = { 5, 9, 12 }, out[8];

    (void)state;
    assert_int_equal(recipients_of_visit(rota, 3, 20, out, 8), 4);
    assert_true(out[0] == 5 && out[1] == 9 && out[2] == 12 && out[3] == 20);
    /* the head is on the rota: once only */
    assert_int_equal(recipients_of_visit(rota, 3, 9, out, 8), 3);
    assert_true(out[0] == 5 && out[1] == 9 && out[2] == 12);
}

static void test_duplicates_and_bad_ids_dropped(void **state)
{
    int64_t rota[] = { 5, 5, 0, -3, 7, 5 }, out[8];

    (void)state;
    assert_int_equal(recipients_of_visit(rota, 6, 0, out, 8), 2);  /* no head */
    assert_true(out[0] == 5 && out[1] == 7);
    assert_int_equal(recipients_of_visit(NULL, 0, 0, out, 8), 0);
    assert_int_equal(recipients_of_visit(NULL, 0, 4, out, 8), 1);
    assert_true(out[0] == 4);
}

static void test_recipients_bounded(void **state)
{
    int64_t rota[] = { 1, 2, 3, 4, 5 }, out[3] = { 0, 0, 0 };

    (void)state;
    assert_int_equal(recipients_of_visit(rota, 5, 6, out, 3), 3);
    assert_true(out[0] == 1 && out[1] == 2 && out[2] == 3);
}

static void test_category_labels(void **state)
{
    (void)state;
    assert_string_equal(recipients_category_label(LIANXIN__V1__VISIT_CATEGORY__VISIT_CATEGORY_URBAN_CONSTRUCTION), "城乡建设");
    assert_string_equal(recipients_category_label(LIANXIN__V1__VISIT_CATEGORY__VISIT_CATEGORY_TRANSPORT), "交通");
    assert_string_equal(recipients_category_label(LIANXIN__V1__VISIT_CATEGORY__VISIT_CATEGORY_EDUCATION), "教育");
    assert_string_equal(recipients_category_label(LIANXIN__V1__VISIT_CATEGORY__VISIT_CATEGORY_HEALTH), "医疗卫生");
    assert_string_equal(recipients_category_label(LIANXIN__V1__VISIT_CATEGORY__VISIT_CATEGORY_SOCIAL_SECURITY), "社会保障");
    assert_string_equal(recipients_category_label(LIANXIN__V1__VISIT_CATEGORY__VISIT_CATEGORY_ENVIRONMENT), "生态环境");
    assert_string_equal(recipients_category_label(LIANXIN__V1__VISIT_CATEGORY__VISIT_CATEGORY_PUBLIC_SECURITY), "社会治安");
    assert_string_equal(recipients_category_label(LIANXIN__V1__VISIT_CATEGORY__VISIT_CATEGORY_BUSINESS), "营商环境");
    assert_string_equal(recipients_category_label(LIANXIN__V1__VISIT_CATEGORY__VISIT_CATEGORY_OTHER), "其他");
    assert_string_equal(recipients_category_label(0), "其他");
    assert_string_equal(recipients_category_label(42), "其他");
    assert_string_equal(recipients_category_label(-1), "其他");
}

static void test_visit_body(void **state)
{
    char body[256];

    (void)state;
    assert_int_equal(recipients_visit_body("永中街道委员工作室", "2026-11-26T09:30:00+08:00",
                                           LIANXIN__V1__VISIT_CATEGORY__VISIT_CATEGORY_TRANSPORT,
                                           body, sizeof body), 0);
    assert_string_equal(body, "永中街道委员工作室 11月26日 收到一件交通类诉求");
    /* 17:00 UTC on the 25th is already the 26th in UTC+8 */
    assert_int_equal(recipients_visit_body("海滨街道委员工作室", "2026-11-25T17:00:00Z",
                                           LIANXIN__V1__VISIT_CATEGORY__VISIT_CATEGORY_HEALTH,
                                           body, sizeof body), 0);
    assert_string_equal(body, "海滨街道委员工作室 11月26日 收到一件医疗卫生类诉求");
    assert_int_equal(recipients_visit_body("龙湾区民生议事堂", "2026-01-05T08:00:00+08:00", 9,
                                           body, sizeof body), 0);
    assert_string_equal(body, "龙湾区民生议事堂 1月5日 收到一件其他类诉求");
}

static void test_visit_body_fallbacks(void **state)
{
    char body[256], tiny[8];

    (void)state;
    assert_int_equal(recipients_visit_body("星海街道委员工作室", "not a time", 2, body, sizeof body), 0);
    assert_string_equal(body, "星海街道委员工作室 收到一件交通类诉求");
    assert_int_equal(recipients_visit_body("", "2026-11-26T09:30:00+08:00", 1, body, sizeof body), 0);
    assert_string_equal(body, "委员工作室 11月26日 收到一件城乡建设类诉求");
    assert_int_equal(recipients_visit_body(NULL, NULL, 2, body, sizeof body), 0);
    assert_string_equal(body, "委员工作室 收到一件交通类诉求");
    assert_int_equal(recipients_visit_body("永中街道委员工作室", "2026-11-26T09:30:00+08:00", 2,
                                           tiny, sizeof tiny), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rota_and_head_each_once),
        cmocka_unit_test(test_duplicates_and_bad_ids_dropped),
        cmocka_unit_test(test_recipients_bounded),
        cmocka_unit_test(test_category_labels),
        cmocka_unit_test(test_visit_body),
        cmocka_unit_test(test_visit_body_fallbacks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
