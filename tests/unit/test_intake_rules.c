/* test_intake_rules: the pure rules of RecordVisit (services/intake/visit_rules.c):
 * UTF-8 counting, the phone format, what a member may record, and every field
 * rule with the code it reports. No I/O; must never need a database. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "timeutil.h"
#include "visit_rules.h"

#define NOW_TEXT "2026-11-26T10:00:00+08:00"

static int64_t s_now(void)
{
    int64_t us = 0;
    assert_int_equal(time_parse(NOW_TEXT, &us), 0);
    return us;
}

/* A valid visit; tests break one field at a time. */
typedef struct fixture {
    Lianxin__V1__RecordVisit rv;
    Lianxin__V1__Visitor visitor;
    int64_t members[32];
    char received[40];
} fixture_t;

static void s_valid(fixture_t *f)
{
    Lianxin__V1__RecordVisit rv = LIANXIN__V1__RECORD_VISIT__INIT;
    Lianxin__V1__Visitor vis = LIANXIN__V1__VISITOR__INIT;

    memset(f, 0, sizeof *f);
    f->rv = rv;
    f->visitor = vis;
    f->visitor.name = "张三";
    f->visitor.phone = "13812345678";
    f->members[0] = 1;
    f->members[1] = 2;
    snprintf(f->received, sizeof f->received, "2026-11-26T09:30:00+08:00");
    f->rv.workroom_id = 3;
    f->rv.received_at = f->received;
    f->rv.n_member_ids = 2;
    f->rv.member_ids = f->members;
    f->rv.visitor = &f->visitor;
    f->rv.summary = "路口红绿灯时间太短，老人过马路困难";
    f->rv.category = LIANXIN__V1__VISIT_CATEGORY__VISIT_CATEGORY_TRANSPORT;
    f->rv.location = "永中街道";
    f->rv.on_spot_action = LIANXIN__V1__ON_SPOT_ACTION__ON_SPOT_ACTION_ANSWERED;
    f->rv.kind = LIANXIN__V1__VISIT_KIND__VISIT_KIND_RECEPTION;
    f->rv.promised = "";
}

/* Runs the check and asserts exactly one error, on `field` with `code`. */
static void s_expect_one(fixture_t *f, const char *field, const char *code)
{
    visit_errors_t errs;
    int64_t us;

    assert_int_equal(visit_rules_check(&f->rv, s_now(), &errs, &us), -1);
    assert_int_equal(errs.n, 1);
    assert_string_equal(errs.e[0].field, field);
    assert_string_equal(errs.e[0].code, code);
}

static char *s_repeat(const char *unit, int n)
{
    size_t len = strlen(unit);
    char *s = malloc(len * (size_t)n + 1);

    assert_non_null(s);
    for (int i = 0; i < n; i++)
        memcpy(s + len * (size_t)i, unit, len);
    s[len * (size_t)n] = '\0';
    return s;
}

/* ---- utf8 and phone ------------------------------------------------------------------ */

static void test_utf8_counts_code_points(void **state)
{
    (void)state;
    assert_int_equal(visit_utf8_chars("", 0), 0);
    assert_int_equal(visit_utf8_chars("abc", 3), 3);
    assert_int_equal(visit_utf8_chars("张三", strlen("张三")), 2);
    assert_int_equal(visit_utf8_chars("é", 2), 1);
    assert_int_equal(visit_utf8_chars("\xF0\x9F\x98\x80x", 5), 2);     /* U+1F600 */
}

static void test_utf8_rejects_invalid(void **state)
{
    (void)state;
    assert_int_equal(visit_utf8_chars("\x80", 1), -1);                 /* lone continuation */
    assert_int_equal(visit_utf8_chars("\xC0\x80", 2), -1);             /* overlong NUL */
    assert_int_equal(visit_utf8_chars("\xE0\x80\x80", 3), -1);         /* overlong */
    assert_int_equal(visit_utf8_chars("\xED\xA0\x80", 3), -1);         /* surrogate */
    assert_int_equal(visit_utf8_chars("\xF4\x90\x80\x80", 4), -1);     /* > U+10FFFF */
    assert_int_equal(visit_utf8_chars("\xF5\x80\x80\x80", 4), -1);
    assert_int_equal(visit_utf8_chars("\xE4\xB8", 2), -1);             /* truncated */
    assert_int_equal(visit_utf8_chars("a\xE4", 2), -1);
    assert_int_equal(visit_utf8_chars("\xE4\x41\x41", 3), -1);         /* bad continuation */
}

static void test_phone_format(void **state)
{
    int too_long = 0;

    (void)state;
    assert_int_equal(visit_phone_ok("13812345678", &too_long), 1);
    assert_int_equal(visit_phone_ok("+86 138-1234-5678", &too_long), 1);
    assert_int_equal(visit_phone_ok("12345", &too_long), 1);
    assert_int_equal(visit_phone_ok("1234", &too_long), 0);
    assert_int_equal(too_long, 0);
    assert_int_equal(visit_phone_ok("12345678901234567890", &too_long), 1);   /* 20 */
    assert_int_equal(visit_phone_ok("123456789012345678901", &too_long), 0);  /* 21 */
    assert_int_equal(too_long, 1);
    assert_int_equal(visit_phone_ok("1381234567a", &too_long), 0);
    assert_int_equal(too_long, 0);
    assert_int_equal(visit_phone_ok("-----", &too_long), 0);                 /* no digit */
    assert_int_equal(visit_phone_ok("138１2345678", &too_long), 0);          /* full-width */
    assert_int_equal(visit_phone_ok("138(1234)5678", NULL), 0);
}

/* ---- what a member may record ----------------------------------------------------------- */

static void test_member_only_among_members(void **state)
{
    Lianxin__V1__Actor a = LIANXIN__V1__ACTOR__INIT;
    int64_t ids[] = { 4, 7 };

    (void)state;
    /* Roles and districts are the row's (intake_handlers.h, test_intake_handlers):
     * here only what a member may record. */
    a.role = "member"; a.district = "330303"; a.member_id = 7;
    assert_int_equal(visit_rules_member_ok(&a, ids, 2), 0);
    a.member_id = 5;
    assert_int_equal(visit_rules_member_ok(&a, ids, 2), -1);
    a.member_id = 0;                                    /* a member user with no member */
    assert_int_equal(visit_rules_member_ok(&a, ids, 2), -1);
    a.member_id = 7;
    assert_int_equal(visit_rules_member_ok(&a, ids, 0), -1);
    a.role = "office"; a.member_id = 0;                 /* others record for anyone */
    assert_int_equal(visit_rules_member_ok(&a, ids, 2), 0);
    a.role = "admin"; a.district = "";
    assert_int_equal(visit_rules_member_ok(&a, ids, 2), 0);
    assert_int_equal(visit_rules_member_ok(NULL, ids, 2), -1);
}

/* ---- content ------------------------------------------------------------------------- */

static void test_valid_visit_passes(void **state)
{
    fixture_t f;
    visit_errors_t errs;
    int64_t us = 0, want = 0;

    (void)state;
    s_valid(&f);
    assert_int_equal(visit_rules_check(&f.rv, s_now(), &errs, &us), 0);
    assert_int_equal(errs.n, 0);
    assert_int_equal(time_parse("2026-11-26T09:30:00+08:00", &want), 0);
    assert_true(us == want);
    f.rv.visitor = NULL;                                /* anonymous */
    f.rv.kind = 0;                                      /* defaults to reception */
    f.rv.on_spot_action = 0;                            /* may be omitted */
    f.rv.location = "";
    assert_int_equal(visit_rules_check(&f.rv, s_now(), &errs, &us), 0);
    assert_int_equal(visit_has_visitor(&f.rv), 0);
}

static void test_visitor_presence(void **state)
{
    fixture_t f;

    (void)state;
    s_valid(&f);
    assert_int_equal(visit_has_visitor(&f.rv), 1);
    f.visitor.name = "";
    assert_int_equal(visit_has_visitor(&f.rv), 1);
    f.visitor.phone = "";
    assert_int_equal(visit_has_visitor(&f.rv), 0);
    f.visitor.name = "李";
    assert_int_equal(visit_has_visitor(&f.rv), 1);
}

static void test_workroom_rules(void **state)
{
    fixture_t f;

    (void)state;
    s_valid(&f);
    f.rv.workroom_id = 0;
    s_expect_one(&f, "workroom_id", "required");
    f.rv.workroom_id = -3;
    s_expect_one(&f, "workroom_id", "out_of_range");
}

static void test_received_at_rules(void **state)
{
    fixture_t f;

    (void)state;
    s_valid(&f);
    f.rv.received_at = "";
    s_expect_one(&f, "received_at", "required");
    f.rv.received_at = "yesterday";
    s_expect_one(&f, "received_at", "invalid");
    f.rv.received_at = "2026-11-27T09:00:00+08:00";     /* 23 h ahead: allowed */
    {
        visit_errors_t errs;
        int64_t us;
        assert_int_equal(visit_rules_check(&f.rv, s_now(), &errs, &us), 0);
    }
    f.rv.received_at = "2026-11-27T11:00:00+08:00";     /* 25 h ahead */
    s_expect_one(&f, "received_at", "out_of_range");
}

static void test_member_rules(void **state)
{
    fixture_t f;

    (void)state;
    s_valid(&f);
    f.rv.n_member_ids = 0;
    s_expect_one(&f, "member_ids", "required");
    for (int i = 0; i < 21; i++)
        f.members[i] = i + 1;
    f.rv.n_member_ids = 20;
    {
        visit_errors_t errs;
        int64_t us;
        assert_int_equal(visit_rules_check(&f.rv, s_now(), &errs, &us), 0);
    }
    f.rv.n_member_ids = 21;
    s_expect_one(&f, "member_ids", "too_many");
    f.rv.n_member_ids = 3;
    f.members[2] = 1;
    s_expect_one(&f, "member_ids[2]", "duplicate");
    f.members[2] = -5;
    s_expect_one(&f, "member_ids[2]", "out_of_range");
}

static void test_summary_rules(void **state)
{
    fixture_t f;
    char *ok = s_repeat("民", VISIT_MAX_SUMMARY), *too = s_repeat("民", VISIT_MAX_SUMMARY + 1);

    (void)state;
    s_valid(&f);
    f.rv.summary = "";
    s_expect_one(&f, "summary", "required");
    f.rv.summary = "  \n\t ";
    s_expect_one(&f, "summary", "required");
    f.rv.summary = ok;                                  /* 4000 characters, 12000 bytes */
    {
        visit_errors_t errs;
        int64_t us;
        assert_int_equal(visit_rules_check(&f.rv, s_now(), &errs, &us), 0);
    }
    f.rv.summary = too;
    s_expect_one(&f, "summary", "too_long");
    f.rv.summary = "bad \xC3\x28 bytes";
    s_expect_one(&f, "summary", "invalid");
    free(ok);
    free(too);
}

static void test_enum_rules(void **state)
{
    fixture_t f;

    (void)state;
    s_valid(&f);
    f.rv.category = 0;
    s_expect_one(&f, "category", "required");
    f.rv.category = (Lianxin__V1__VisitCategory)99;
    s_expect_one(&f, "category", "invalid");
    s_valid(&f);
    f.rv.kind = (Lianxin__V1__VisitKind)7;
    s_expect_one(&f, "kind", "invalid");
    s_valid(&f);
    f.rv.on_spot_action = (Lianxin__V1__OnSpotAction)-1;
    s_expect_one(&f, "on_spot_action", "invalid");
}

static void test_length_rules(void **state)
{
    fixture_t f;
    char *loc = s_repeat("路", VISIT_MAX_LOCATION + 1), *prom = s_repeat("a", VISIT_MAX_PROMISED + 1);
    char *name_ok = s_repeat("欧", VISIT_MAX_NAME), *name = s_repeat("欧", VISIT_MAX_NAME + 1);

    (void)state;
    s_valid(&f);
    f.rv.location = loc;
    s_expect_one(&f, "location", "too_long");
    s_valid(&f);
    f.rv.promised = prom;
    s_expect_one(&f, "promised", "too_long");
    s_valid(&f);
    f.visitor.name = name_ok;
    {
        visit_errors_t errs;
        int64_t us;
        assert_int_equal(visit_rules_check(&f.rv, s_now(), &errs, &us), 0);
    }
    f.visitor.name = name;
    s_expect_one(&f, "visitor.name", "too_long");
    s_valid(&f);
    f.visitor.phone = "call me";
    s_expect_one(&f, "visitor.phone", "invalid");
    f.visitor.phone = "123456789012345678901";
    s_expect_one(&f, "visitor.phone", "too_long");
    free(loc);
    free(prom);
    free(name_ok);
    free(name);
}

static void test_errors_collected_together(void **state)
{
    fixture_t f;
    visit_errors_t errs;
    int64_t us;

    (void)state;
    s_valid(&f);
    f.rv.workroom_id = 0;
    f.rv.summary = "";
    f.rv.category = 0;
    f.visitor.phone = "x";
    assert_int_equal(visit_rules_check(&f.rv, s_now(), &errs, &us), -1);
    assert_int_equal(errs.n, 4);
    assert_string_equal(errs.e[0].field, "workroom_id");
    assert_string_equal(errs.e[1].field, "summary");
    assert_string_equal(errs.e[2].field, "category");
    assert_string_equal(errs.e[3].field, "visitor.phone");
}

static void test_error_list_is_bounded(void **state)
{
    fixture_t f;
    visit_errors_t errs;
    int64_t us;

    (void)state;
    s_valid(&f);
    for (int i = 0; i < 20; i++)
        f.members[i] = -1 - i;                          /* 20 out_of_range errors */
    f.rv.n_member_ids = 20;
    assert_int_equal(visit_rules_check(&f.rv, s_now(), &errs, &us), -1);
    assert_int_equal(errs.n, VISIT_MAX_ERRORS);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_utf8_counts_code_points),
        cmocka_unit_test(test_utf8_rejects_invalid),
        cmocka_unit_test(test_phone_format),
        cmocka_unit_test(test_member_only_among_members),
        cmocka_unit_test(test_valid_visit_passes),
        cmocka_unit_test(test_visitor_presence),
        cmocka_unit_test(test_workroom_rules),
        cmocka_unit_test(test_received_at_rules),
        cmocka_unit_test(test_member_rules),
        cmocka_unit_test(test_summary_rules),
        cmocka_unit_test(test_enum_rules),
        cmocka_unit_test(test_length_rules),
        cmocka_unit_test(test_errors_collected_together),
        cmocka_unit_test(test_error_list_is_bounded),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
