/* test_assess_map: what each event means for the member files (pure): a
 * proposal's first proposer leads and the co-signers join; a duty served
 * and a duty missed are one act of the same source (the later event wins
 * in the store); attendance statuses kept, unknown ones dropped; the day
 * from the payload's date, else from the event's time in UTC+8. And the
 * check-in tokens: a valid one, a forged one, another district's, an
 * expired one. The year is this year of the real clock. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assess.pb-c.h"
#include "checkin.h"
#include "assess_fsm.h"
#include "assess_map.h"
#include "assess_rules.h"
#include "consult.pb-c.h"
#include "proposal.pb-c.h"
#include "rota.pb-c.h"
#include "timeutil.h"

static int s_year;

static int s_setup(void **state)
{
    int m, d;
    (void) state;
    time_ymd(time_real_us(), &s_year, &m, &d);
    return 0;
}

static void test_proposal_lead_and_joint(void **state)
{
    (void) state;
    int64_t ids[] = {7, 8, 9};
    assess_fact_t f[8];
    Lianxin__V1__ProposalChanged p = LIANXIN__V1__PROPOSAL_CHANGED__INIT;
    p.proposal_id = 42;
    p.title = "关于加装电梯的建议";
    p.n_proposer_ids = 3;
    p.proposer_ids = ids;
    size_t n = assess_map_event("proposal.cosign_closed", &p.base, time_real_us(), f, 8);
    assert_int_equal(n, 3);
    assert_string_equal(f[0].kind, "proposal_lead");
    assert_int_equal(f[0].member_id, 7);
    assert_string_equal(f[2].kind, "proposal_joint");
    assert_int_equal(f[2].source_id, 42);
    assert_string_equal(f[1].title, "关于加装电梯的建议");
    /* a proposal edited or accepted counts for nothing more */
    assert_int_equal(assess_map_event("proposal.accepted", &p.base, time_real_us(), f, 8), 0);
    /* the room for facts is respected */
    assert_int_equal(assess_map_event("proposal.submitted", &p.base, time_real_us(), f, 2), 2);
}

/* A proposal in a liaison group's name is also the group's suggestion
 * (the six at least), an act of its first proposer; one of a sector or an
 * individual one is not. */
static void test_group_suggestion(void **state)
{
    (void) state;
    int64_t ids[] = {4};
    assess_fact_t f[4];
    Lianxin__V1__ProposalChanged p = LIANXIN__V1__PROPOSAL_CHANGED__INIT;
    p.proposal_id = 77;
    p.title = "关于社区养老服务的建议";
    p.n_proposer_ids = 1;
    p.proposer_ids = ids;
    p.collective = "liaison_group";
    p.group_id = 2;
    size_t n = assess_map_event("proposal.submitted", &p.base, time_real_us(), f, 4);
    assert_int_equal(n, 2);
    assert_string_equal(f[0].kind, "proposal_lead");
    assert_string_equal(f[1].kind, "suggestion");
    assert_string_equal(f[1].source, "proposal");
    assert_int_equal(f[1].source_id, 77);
    assert_int_equal(f[1].member_id, 4);
    p.collective = "sector";
    assert_int_equal(assess_map_event("proposal.submitted", &p.base, time_real_us(), f, 4), 1);
    p.collective = "liaison_group";
    p.group_id = 0;
    assert_int_equal(assess_map_event("proposal.submitted", &p.base, time_real_us(), f, 4), 1);
    p.collective = "";
    p.group_id = 2;
    assert_int_equal(assess_map_event("proposal.submitted", &p.base, time_real_us(), f, 4), 1);
}

static void test_duty_served_and_missed(void **state)
{
    (void) state;
    char date[16];
    assess_fact_t f[2];
    snprintf(date, sizeof date, "%04d-03-02", s_year);
    Lianxin__V1__RotaChanged c = LIANXIN__V1__ROTA_CHANGED__INIT;
    c.rota_id = 5;
    c.member_id = 3;
    c.duty_date = date;
    c.change = "confirm";
    assert_int_equal(assess_map_event("rota.changed", &c.base, time_real_us(), f, 2), 0);
    c.change = "served";
    assert_int_equal(assess_map_event("rota.changed", &c.base, time_real_us(), f, 2), 1);
    assert_string_equal(f[0].status, "done");
    calendar_day_t day;
    assert_int_equal(calendar_day_parse(date, &day), 0);
    assert_int_equal(f[0].day, day);
    Lianxin__V1__RotaAbsent a = LIANXIN__V1__ROTA_ABSENT__INIT;
    a.rota_id = 5;
    a.member_id = 3;
    a.duty_date = date;
    assert_int_equal(assess_map_event("rota.absent", &a.base, time_real_us(), f + 1, 1), 1);
    assert_string_equal(f[1].status, "absent");
    assert_string_equal(f[0].kind, f[1].kind);
    assert_string_equal(f[0].source, f[1].source);
    assert_int_equal(f[0].source_id, f[1].source_id);
}

static void test_attendance(void **state)
{
    (void) state;
    char text[40];
    int64_t us;
    assess_fact_t f[1];
    Lianxin__V1__ConsultationAttendance c = LIANXIN__V1__CONSULTATION_ATTENDANCE__INIT;
    c.consultation_id = 9;
    c.member_id = 4;
    c.status = "leave";
    /* no date in the payload: the event's time, 31 December 23:59 in UTC+8 */
    snprintf(text, sizeof text, "%04d-12-31T23:59:00+08:00", s_year);
    assert_int_equal(time_parse(text, &us), 0);
    assert_int_equal(assess_map_event("consultation.attended", &c.base, us, f, 1), 1);
    assert_string_equal(f[0].status, "leave");
    assert_int_equal(assess_year_of(f[0].day), s_year);
    assert_int_equal(assess_map_event("consultation.attended", &c.base, us + 60000000, f, 1), 1);
    assert_int_equal(assess_year_of(f[0].day), s_year + 1);
    c.status = "maybe";
    assert_int_equal(assess_map_event("consultation.attended", &c.base, us, f, 1), 0);
    Lianxin__V1__MeetingAttendance m = LIANXIN__V1__MEETING_ATTENDANCE__INIT;
    m.meeting_id = 1;
    m.member_id = 2;
    m.status = "present";
    m.kind = "plenary";
    assert_int_equal(assess_map_event("meeting.attended", &m.base, us, f, 1), 1);
    assert_string_equal(f[0].kind, "plenary");
    m.kind = "party";
    assert_int_equal(assess_map_event("meeting.attended", &m.base, us, f, 1), 0);
}

static void test_checkin_tokens(void **state)
{
    (void) state;
    uint8_t key[32], other[32];
    char tok[CHECKIN_TOKEN_MAX];
    int64_t m = 0, now = time_real_us() / 1000000;
    memset(key, 7, sizeof key);
    memset(other, 8, sizeof other);
    assert_int_equal(checkin_sign(key, "330303/meeting", 12, now + 3600, tok), 0);
    assert_int_equal(checkin_verify(key, "330303/meeting", tok, now, &m), 0);
    assert_int_equal(m, 12);
    assert_int_equal(checkin_verify(key, "330304/meeting", tok, now, &m), -1);   /* another district */
    assert_int_equal(checkin_verify(other, "330303/meeting", tok, now, &m), -1); /* another key */
    assert_int_equal(checkin_verify(key, "330303/meeting", tok, now + 3601, &m), -1); /* expired */
    /* the same id under another kind's scope */
    assert_int_equal(checkin_verify(key, "330303/consultation", tok, now, &m), -1);
    /* another meeting's id with this signature */
    tok[0] = tok[0] == '1' ? '2' : '1';
    assert_int_equal(checkin_verify(key, "330303/meeting", tok, now, &m), -1);
    assert_int_equal(checkin_verify(key, "330303/meeting", "", now, &m), -1);
    assert_int_equal(checkin_verify(key, "330303/meeting", "1.2.zz", now, &m), -1);
    char *svg = checkin_svg("https://example.invalid/#/checkin/1.2.abc");
    assert_non_null(svg);
    assert_true(strncmp(svg, "<svg", 4) == 0);
    free(svg);
}

static void test_machines(void **state)
{
    (void) state;
    assert_int_equal(fsm_valid(&assess_attendance_fsm), 0);
    assert_int_equal(fsm_valid(&assess_leave_fsm), 0);
    fsm_verdict_t v;
    assert_int_equal(fsm_check(&assess_leave_fsm, LEAVE_APPROVED, 0, LEAVE_EV_ASK, ROLE_MEMBER,
                               NULL, &v), FSM_WRONG_STATE);
    assert_int_equal(fsm_check(&assess_leave_fsm, LEAVE_REFUSED, 0, LEAVE_EV_ASK, ROLE_MEMBER,
                               NULL, &v), FSM_OK);
    assert_int_equal(fsm_check(&assess_leave_fsm, LEAVE_ASKED, 0, LEAVE_EV_APPROVE, ROLE_MEMBER,
                               NULL, &v), FSM_FORBIDDEN);
    assert_int_equal(fsm_check(&assess_attendance_fsm, ATT_PRESENT, 0, ATT_EV_CHECKIN,
                               ROLE_MEMBER, NULL, &v), FSM_WRONG_STATE);
    assert_int_equal(fsm_check(&assess_attendance_fsm, ATT_ABSENT, 0, ATT_EV_CORRECT, ROLE_OFFICE,
                               NULL, &v), FSM_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_proposal_lead_and_joint),
        cmocka_unit_test(test_group_suggestion),
        cmocka_unit_test(test_duty_served_and_missed),
        cmocka_unit_test(test_attendance),
        cmocka_unit_test(test_checkin_tokens),
        cmocka_unit_test(test_machines),
    };
    return cmocka_run_group_tests(tests, s_setup, NULL);
}
