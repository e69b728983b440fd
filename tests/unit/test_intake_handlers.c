/* test_intake_handlers: intake's command table as declared (intake_handlers.h):
 * every row names its roles, every row but the calendar's is district-scoped,
 * and who may send what, as the command server's cmd_access reads the rows
 * (the 403s the handlers used to repeat in their validate functions). Pure. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "intake_handlers.h"

static const cmd_handler_t s_rows[] = { INTAKE_HANDLERS };
#define S_NROWS (sizeof s_rows / sizeof s_rows[0])

static const cmd_handler_t *
s_row(const char *type)
{
    for (size_t i = 0; i < S_NROWS; i++)
        if (strcmp(s_rows[i].type, type) == 0)
            return &s_rows[i];
    fail_msg("no row %s", type);
    return NULL;
}

/* 1 when `role` of `home` may send `type` in `district`. */
static int
s_may(const char *type, const char *role, const char *home, const char *district)
{
    Lianxin__V1__Actor a = LIANXIN__V1__ACTOR__INIT;
    Lianxin__V1__Command c = LIANXIN__V1__COMMAND__INIT;
    cmd_result_t res;
    memset(&res, 0, sizeof res);
    a.role = (char *) role;
    a.district = (char *) home;
    c.type = (char *) type;
    c.district = (char *) district;
    c.actor = &a;
    int rc = cmd_access(s_row(type), &c, &res);
    if (rc != 0)
        assert_int_equal(res.status, 403);
    return rc == 0;
}

static void
test_every_row_declares(void **state)
{
    (void) state;
    assert_int_equal(S_NROWS, 19);
    for (size_t i = 0; i < S_NROWS; i++) {
        const cmd_handler_t *h = &s_rows[i];
        assert_int_equal(strncmp(h->type, "intake.", 7), 0);
        assert_non_null(h->request);
        assert_true(h->execute || h->execute_many);
        if (h->roles == 0 || (h->roles & ~ROLES_ANY))
            fail_msg("%s: roles 0x%x", h->type, h->roles);
        int calendar = strcmp(h->type, "intake.PutCalendarYear") == 0;
        if (!calendar && !(h->flags & CMD_DISTRICT))
            fail_msg("%s is not district-scoped", h->type);
        for (size_t j = 0; j < i; j++)
            assert_string_not_equal(h->type, s_rows[j].type);
    }
    assert_int_equal(s_row("intake.PutCalendarYear")->flags & CMD_DISTRICT, 0);
}

/* Who records a visit: admin, office and member, in their own district;
 * city-wide only for admins. */
static void
test_record_visit(void **state)
{
    (void) state;
    const char *t = "intake.RecordVisit";
    assert_true(s_may(t, "admin", "", "330303"));
    assert_true(s_may(t, "admin", "", "330304"));
    assert_true(s_may(t, "office", "330303", "330303"));
    assert_true(s_may(t, "member", "330303", "330303"));
    assert_false(s_may(t, "office", "330303", "330304"));
    assert_false(s_may(t, "office", "", "330303"));
    assert_false(s_may(t, "member", "330303", "330304"));
    assert_false(s_may(t, "leader", "330303", "330303"));
    assert_false(s_may(t, "unit", "330303", "330303"));
    assert_false(s_may(t, "partner", "330303", "330303"));
}

static void
test_office_rows(void **state)
{
    (void) state;
    static const char *const office[] = {
        "intake.GenerateRota", "intake.PublishRota", "intake.EditRotaEntry",
        "intake.MarkAttendance", "intake.RevealVisitor", "intake.ExportLog",
        "intake.OverrideGrade",
    };
    for (size_t i = 0; i < sizeof office / sizeof office[0]; i++) {
        assert_true(s_may(office[i], "office", "330303", "330303"));
        assert_true(s_may(office[i], "admin", "", "330303"));
        assert_false(s_may(office[i], "office", "330304", "330303"));
        assert_false(s_may(office[i], "member", "330303", "330303"));
        assert_false(s_may(office[i], "leader", "330303", "330303"));
        assert_false(s_may(office[i], "unit", "330303", "330303"));
    }
    /* The calendar: office and admin, whatever the command's district
     * (calendar_put_validate wants the actor's home). */
    assert_true(s_may("intake.PutCalendarYear", "admin", "", ""));
    assert_true(s_may("intake.PutCalendarYear", "office", "330303", "330303"));
    assert_false(s_may("intake.PutCalendarYear", "member", "330303", "330303"));
    assert_false(s_may("intake.PutCalendarYear", "leader", "330303", "330303"));
}

static void
test_member_rows(void **state)
{
    (void) state;
    static const char *const members[] = {
        "intake.ConfirmDuty", "intake.ExcuseDuty", "intake.RequestSwap", "intake.AcceptSwap",
        "intake.DeclareUnavailable", "intake.EditVisit", "intake.GradeIssue",
        "intake.CreateReport", "intake.EditReport", "intake.ReportTransition",
    };
    for (size_t i = 0; i < sizeof members / sizeof members[0]; i++) {
        assert_true(s_may(members[i], "member", "330303", "330303"));
        assert_true(s_may(members[i], "office", "330303", "330303"));
        assert_true(s_may(members[i], "admin", "", "330304"));
        assert_false(s_may(members[i], "member", "330304", "330303"));
        assert_false(s_may(members[i], "leader", "330303", "330303"));
        assert_false(s_may(members[i], "unit", "330303", "330303"));
        assert_false(s_may(members[i], "partner", "330303", "330303"));
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_row_declares),
        cmocka_unit_test(test_record_visit),
        cmocka_unit_test(test_office_rows),
        cmocka_unit_test(test_member_rows),
    };
    return cmocka_run_group_tests_name("intake_handlers", tests, NULL, NULL);
}
