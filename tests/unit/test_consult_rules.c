/* test_consult_rules: the machines of lianxin-consult as data (valid tables;
 * a meeting through the six steps; the research step only for meetings;
 * 403 for a member sending an office event, 409 with the allowed list for a
 * wrong step), the screening's allowed and refused kinds, the research gate
 * and the outcome's due dates in calendar months (clamped to the month's
 * end, across a year). Dates are derived from the clock's year. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "consult_fsm.h"
#include "consult_rules.h"
#include "timeutil.h"

#define C(x) CONSULT_##x
#define E(x) CONSULT_EV_##x

static void test_tables_are_valid(void **state)
{
    (void) state;
    assert_int_equal(fsm_valid(&consult_fsm), 0);
    assert_int_equal(fsm_valid(&consult_topic_fsm), 0);
    assert_int_equal(fsm_valid(&consult_plan_fsm), 0);
}

static void test_meeting_through_six_steps(void **state)
{
    (void) state;
    static const struct { consult_event_t ev; int to; } path[] = {
        {E(SET_TOPIC), C(TOPIC_SET)}, {E(START_RESEARCH), C(RESEARCH)},
        {E(HOLD), C(DELIBERATION)},   {E(PUBLISH), C(PUBLICITY)},
        {E(IMPLEMENT), C(IMPLEMENTATION)}, {E(CLOSE), C(CLOSED)},
    };
    static const char *const steps[] = {"收集议题", "确定议题", "议前调研", "协商议事",
                                        "公开公示", "研究落实"};
    consult_subject_t meeting = {.meeting = 1};
    fsm_verdict_t v;
    int st = C(COLLECTING);
    for (size_t i = 0; i < sizeof path / sizeof path[0]; i++) {
        assert_string_equal(consult_step_zh(st), steps[i]);
        assert_int_equal(fsm_check(&consult_fsm, st, 0, path[i].ev, ROLE_OFFICE, &meeting, &v),
                         FSM_OK);
        st = v.to;
        assert_int_equal(st, path[i].to);
    }
    assert_string_equal(consult_step_zh(st), "");
    /* closed is final for every event and role */
    for (int e = 0; e < CONSULT_EVENT_COUNT; e++)
        assert_int_not_equal(fsm_check(&consult_fsm, st, 0, e, ROLE_ADMIN, &meeting, &v), FSM_OK);
}

static void test_research_only_for_meetings(void **state)
{
    (void) state;
    consult_subject_t meeting = {.meeting = 1}, light = {.meeting = 0};
    fsm_verdict_t v;
    assert_int_equal(fsm_check(&consult_fsm, C(TOPIC_SET), 0, E(START_RESEARCH), ROLE_OFFICE,
                               &light, &v), FSM_WRONG_STATE);
    assert_int_equal(fsm_check(&consult_fsm, C(TOPIC_SET), 0, E(START_RESEARCH), ROLE_OFFICE,
                               &meeting, &v), FSM_OK);
    /* a light form holds straight from the topic (the handler refuses a meeting) */
    assert_int_equal(fsm_check(&consult_fsm, C(TOPIC_SET), 0, E(HOLD), ROLE_OFFICE, &light, &v),
                     FSM_OK);
}

static void test_roles_and_wrong_steps(void **state)
{
    (void) state;
    consult_subject_t meeting = {.meeting = 1};
    fsm_verdict_t v;
    char text[200];
    assert_int_equal(fsm_check(&consult_fsm, C(DELIBERATION), 0, E(PUBLISH), ROLE_MEMBER,
                               &meeting, &v), FSM_FORBIDDEN);
    assert_int_equal(fsm_check(&consult_fsm, C(RESEARCH), 0, E(ANSWER), ROLE_MEMBER, &meeting, &v),
                     FSM_OK);
    assert_int_equal(fsm_check(&consult_fsm, C(RESEARCH), 0, E(ANSWER), ROLE_LEADER, &meeting, &v),
                     FSM_OK);
    assert_int_equal(fsm_check(&consult_fsm, C(RESEARCH), 0, E(ANSWER), ROLE_UNIT, &meeting, &v),
                     FSM_FORBIDDEN);
    /* the office records a contact's answer (a contact is no user); not after the meeting */
    assert_int_equal(fsm_check(&consult_fsm, C(RESEARCH), 0, E(ANSWER), ROLE_OFFICE, &meeting, &v),
                     FSM_OK);
    assert_int_equal(fsm_check(&consult_fsm, C(DELIBERATION), 0, E(ANSWER), ROLE_OFFICE, &meeting,
                               &v), FSM_WRONG_STATE);
    /* outcomes only once the consultation was held and published */
    assert_int_equal(fsm_check(&consult_fsm, C(RESEARCH), 0, E(OUTCOME), ROLE_OFFICE, &meeting,
                               &v), FSM_WRONG_STATE);
    assert_int_equal(fsm_allowed_text(&consult_fsm, &v, text, sizeof text), 0);
    assert_non_null(strstr(text, "hold"));
    assert_non_null(strstr(text, "add_task"));
    assert_null(strstr(text, "outcome"));
    assert_null(strstr(text, "publish"));
    /* no rescheduling after the meeting; no cancel after it either */
    assert_int_equal(fsm_check(&consult_fsm, C(DELIBERATION), 0, E(SCHEDULE), ROLE_OFFICE,
                               &meeting, &v), FSM_WRONG_STATE);
    assert_int_equal(fsm_check(&consult_fsm, C(PUBLICITY), 0, E(CANCEL), ROLE_OFFICE, &meeting,
                               &v), FSM_WRONG_STATE);
    /* topics: only the office screens, once */
    assert_int_equal(fsm_check(&consult_topic_fsm, TOPIC_PROPOSED, 0, TOPIC_EV_ACCEPT, ROLE_MEMBER,
                               NULL, &v), FSM_FORBIDDEN);
    assert_int_equal(fsm_check(&consult_topic_fsm, TOPIC_REFUSED, 0, TOPIC_EV_ACCEPT, ROLE_OFFICE,
                               NULL, &v), FSM_WRONG_STATE);
    /* the plan is issued once; amendments afterwards */
    assert_int_equal(fsm_check(&consult_plan_fsm, PLAN_ISSUED, 0, PLAN_EV_ISSUE, ROLE_OFFICE, NULL,
                               &v), FSM_WRONG_STATE);
    assert_int_equal(fsm_check(&consult_plan_fsm, PLAN_ISSUED, 0, PLAN_EV_ADD, ROLE_OFFICE, NULL,
                               &v), FSM_OK);
}

static void test_screening_kinds(void **state)
{
    (void) state;
    static const char *const four[] = {"policy", "public_affairs", "difficulty", "party_request"};
    static const char *const three[] = {"against_law", "higher_mandate", "unfair"};
    for (int i = 0; i < 4; i++) {
        assert_true(consult_in(four[i], consult_topic_kinds));
        assert_false(consult_in(four[i], consult_refuse_kinds));
    }
    for (int i = 0; i < 3; i++) {
        assert_true(consult_in(three[i], consult_refuse_kinds));
        assert_false(consult_in(three[i], consult_topic_kinds));
    }
    assert_false(consult_in("", consult_topic_kinds));
    assert_false(consult_in(NULL, consult_refuse_kinds));
    assert_true(consult_in("", consult_series));
    assert_true(consult_in("micro", consult_series));
    assert_false(consult_in("party", consult_roles));
}

static void test_research_gate(void **state)
{
    (void) state;
    assert_false(consult_research_done(1, 0, 0));      /* a meeting needs its research */
    assert_false(consult_research_done(1, 3, 1));
    assert_true(consult_research_done(1, 3, 0));
    assert_true(consult_research_done(0, 0, 0));
    assert_false(consult_research_done(0, 1, 1));
}

static void test_outcome_due_months(void **state)
{
    (void) state;
    int y;
    calendar_day_t d, answer, close, want;
    time_ymd(time_real_us(), &y, NULL, NULL);
    int leap = ((y + 1) % 4 == 0 && (y + 1) % 100 != 0) || (y + 1) % 400 == 0;
    /* the last day of this year: two months on is the end of February */
    assert_int_equal(calendar_day_from_ymd(y, 12, 31, &d), 0);
    assert_int_equal(consult_outcome_dues(d, &answer, &close), 0);
    assert_int_equal(calendar_day_from_ymd(y + 1, 2, leap ? 29 : 28, &want), 0);
    assert_int_equal(answer, want);
    assert_int_equal(calendar_day_from_ymd(y + 1, 3, 31, &want), 0);
    assert_int_equal(close, want);
    /* a mid-month day keeps its day */
    assert_int_equal(calendar_day_from_ymd(y, 5, 15, &d), 0);
    assert_int_equal(consult_outcome_dues(d, &answer, &close), 0);
    assert_int_equal(calendar_day_from_ymd(y, 7, 15, &want), 0);
    assert_int_equal(answer, want);
    assert_int_equal(calendar_day_from_ymd(y, 8, 15, &want), 0);
    assert_int_equal(close, want);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tables_are_valid),
        cmocka_unit_test(test_meeting_through_six_steps),
        cmocka_unit_test(test_research_only_for_meetings),
        cmocka_unit_test(test_roles_and_wrong_steps),
        cmocka_unit_test(test_screening_kinds),
        cmocka_unit_test(test_research_gate),
        cmocka_unit_test(test_outcome_due_months),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
