/* test_intake_reportfsm: every (state, outcomes, event, role) of the
 * public-opinion report machine against an expected list written out here
 * independently of the table: allowed moves, 403 for the wrong role, 409 with
 * the allowed list for the wrong state, and a report's whole life. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "report_fsm.h"

/* ---- the expected machine, written by hand ------------------------------------ */

#define AUTHOR 1
#define OFFICE 2

typedef struct {
    report_state_t from;
    report_event_t event;
    report_state_t to;
    int who;                        /* AUTHOR: member; OFFICE: office and admin */
    unsigned sets;
    unsigned refused_if;            /* outcome already recorded */
} s_move_t;

static const s_move_t s_moves[] = {
    {REPORT_DRAFT, REPORT_EV_EDIT, REPORT_DRAFT, AUTHOR, 0, 0},
    {REPORT_RETURNED, REPORT_EV_EDIT, REPORT_RETURNED, AUTHOR, 0, 0},
    {REPORT_DRAFT, REPORT_EV_SUBMIT, REPORT_SUBMITTED, AUTHOR, 0, 0},
    {REPORT_RETURNED, REPORT_EV_RESUBMIT, REPORT_SUBMITTED, AUTHOR, 0, 0},
    {REPORT_SUBMITTED, REPORT_EV_RETURN, REPORT_RETURNED, OFFICE, 0, 0},
    {REPORT_SUBMITTED, REPORT_EV_MERGE, REPORT_MERGED, OFFICE, 0, 0},
    {REPORT_ACCEPTED, REPORT_EV_MERGE, REPORT_MERGED, OFFICE, 0, 0},
    {REPORT_SUBMITTED, REPORT_EV_ACCEPT, REPORT_ACCEPTED, OFFICE, 0, 0},
    {REPORT_ACCEPTED, REPORT_EV_FORWARD, REPORT_FORWARDED, OFFICE, 0, 0},
    {REPORT_FORWARDED, REPORT_EV_ADOPT, REPORT_FORWARDED, OFFICE,
     REPORT_OUTCOME_ADOPTED, REPORT_OUTCOME_ADOPTED},
    {REPORT_AUTHORS_TOLD, REPORT_EV_ADOPT, REPORT_FORWARDED, OFFICE,
     REPORT_OUTCOME_ADOPTED, REPORT_OUTCOME_ADOPTED},
    {REPORT_FORWARDED, REPORT_EV_INSTRUCT, REPORT_FORWARDED, OFFICE, REPORT_OUTCOME_INSTRUCTED, 0},
    {REPORT_AUTHORS_TOLD, REPORT_EV_INSTRUCT, REPORT_FORWARDED, OFFICE, REPORT_OUTCOME_INSTRUCTED, 0},
    {REPORT_FORWARDED, REPORT_EV_TELL_AUTHORS, REPORT_AUTHORS_TOLD, OFFICE, 0, 0},
};
#define S_NMOVES (sizeof s_moves / sizeof s_moves[0])

static int s_role_may(int who, unsigned role)
{
    if (who == AUTHOR)
        return role == ROLE_MEMBER;
    return role == ROLE_OFFICE || role == ROLE_ADMIN;
}

/* The role may send the event from some state. */
static int s_role_ever(report_event_t ev, unsigned role)
{
    for (size_t i = 0; i < S_NMOVES; i++)
        if (s_moves[i].event == ev && s_role_may(s_moves[i].who, role))
            return 1;
    return 0;
}

/* The move for (state, outcomes, event, role), NULL when refused. */
static const s_move_t *s_expected(report_state_t st, unsigned oc, report_event_t ev,
                                  unsigned role)
{
    for (size_t i = 0; i < S_NMOVES; i++) {
        const s_move_t *m = &s_moves[i];
        if (m->from == st && m->event == ev && s_role_may(m->who, role) && !(m->refused_if & oc))
            return m;
    }
    return NULL;
}

/* ---- every combination --------------------------------------------------------- */

static void test_every_combination(void **state)
{
    (void) state;
    int ok = 0, forbidden = 0, wrong = 0;
    for (int st = 0; st < REPORT_STATE_COUNT; st++)
    for (unsigned oc = 0; oc < 4; oc++)
    for (int ev = 0; ev < REPORT_EVENT_COUNT; ev++)
    for (unsigned ro = 1; ro <= ROLES_ANY; ro <<= 1) {
        fsm_verdict_t v;
        const s_move_t *m = s_expected(st, oc, ev, ro);
        fsm_result_t r = fsm_check(&report_fsm, st, oc, ev, ro, NULL, &v);
        assert_int_equal(r, v.result);
        if (m) {
            if (r != FSM_OK)
                fail_msg("%s on %s (outcomes %u) by %s: refused (%d), want allowed",
                         fsm_event_name(&report_fsm, ev), fsm_state_name(&report_fsm, st), oc, role_name(ro), r);
            assert_int_equal(v.to, m->to);
            assert_int_equal(v.flags, oc | m->sets);
            ok++;
        } else if (!s_role_ever(ev, ro)) {
            if (r != FSM_FORBIDDEN)
                fail_msg("%s by %s: %d, want forbidden", fsm_event_name(&report_fsm, ev), role_name(ro), r);
            assert_int_equal(fsm_http_status(r), 403);
            forbidden++;
        } else {
            if (r != FSM_WRONG_STATE)
                fail_msg("%s on %s (outcomes %u) by %s: %d, want wrong state",
                         fsm_event_name(&report_fsm, ev), fsm_state_name(&report_fsm, st), oc, role_name(ro), r);
            assert_int_equal(fsm_http_status(r), 409);
            wrong++;
        }
        /* The allowed list: exactly the expected moves for this role, in event order. */
        size_t k = 0;
        for (int e = 0; e < REPORT_EVENT_COUNT; e++) {
            if (!s_expected(st, oc, e, ro))
                continue;
            if (k >= v.nallowed || v.allowed[k] != (int) e)
                fail_msg("allowed list of %s by %s lacks %s", fsm_state_name(&report_fsm, st),
                         role_name(ro), fsm_event_name(&report_fsm, e));
            k++;
        }
        assert_int_equal(k, v.nallowed);
    }
    /* Each move, for each of its roles, over the outcome sets it accepts: 4
     * author moves x 1 role x 4 sets, plus (8 office moves x 4 sets + 2 adopt
     * moves x 2 sets) x 2 roles. */
    assert_int_equal(ok, 4 * 4 + (8 * 4 + 2 * 2) * 2);
    assert_true(forbidden > 0 && wrong > 0);
    assert_int_equal(ok + forbidden + wrong, REPORT_STATE_COUNT * 4 * REPORT_EVENT_COUNT * ROLE_COUNT);
}

/* ---- named cases, as the HTTP layer will meet them --------------------------------- */

static void s_expect(report_state_t st, unsigned oc, const char *event, const char *role,
                     fsm_result_t want, const char *allowed)
{
    fsm_verdict_t v;
    int ev = fsm_event_from_name(&report_fsm, event);
    unsigned ro = role_bit(role);
    assert_true(ev >= 0 && ro != 0);
    fsm_result_t r = fsm_check(&report_fsm, st, oc, ev, ro, NULL, &v);
    char text[128];
    assert_int_equal(fsm_allowed_text(&report_fsm, &v, text, sizeof text), 0);
    if (r != want || strcmp(text, allowed) != 0)
        fail_msg("%s on %s by %s: result %d allowed \"%s\", want %d \"%s\"", event,
                 fsm_state_name(&report_fsm, st), role, r, text, want, allowed);
}

static void test_named_cases(void **state)
{
    (void) state;
    /* A member cannot accept, whatever the state: 403. */
    s_expect(REPORT_SUBMITTED, 0, "accept", "member", FSM_FORBIDDEN, "");
    s_expect(REPORT_DRAFT, 0, "accept", "member", FSM_FORBIDDEN, "edit, submit");
    /* The office does not write reports. */
    s_expect(REPORT_DRAFT, 0, "submit", "office", FSM_FORBIDDEN, "");
    s_expect(REPORT_RETURNED, 0, "edit", "admin", FSM_FORBIDDEN, "");
    /* Units, leaders and partners send none of these. */
    s_expect(REPORT_FORWARDED, 0, "adopt", "leader", FSM_FORBIDDEN, "");
    s_expect(REPORT_SUBMITTED, 0, "return", "unit", FSM_FORBIDDEN, "");
    s_expect(REPORT_DRAFT, 0, "submit", "partner", FSM_FORBIDDEN, "");
    /* Right role, wrong state: 409 and what is possible now. */
    s_expect(REPORT_DRAFT, 0, "accept", "office", FSM_WRONG_STATE, "");
    s_expect(REPORT_SUBMITTED, 0, "forward", "office", FSM_WRONG_STATE,
             "return, merge, accept");
    s_expect(REPORT_SUBMITTED, 0, "submit", "member", FSM_WRONG_STATE, "");
    s_expect(REPORT_RETURNED, 0, "submit", "member", FSM_WRONG_STATE, "edit, resubmit");
    s_expect(REPORT_ACCEPTED, 0, "accept", "admin", FSM_WRONG_STATE, "merge, forward");
    s_expect(REPORT_MERGED, 0, "accept", "office", FSM_WRONG_STATE, "");
    s_expect(REPORT_FORWARDED, REPORT_OUTCOME_ADOPTED, "adopt", "office", FSM_WRONG_STATE,
             "instruct, tell_authors");
    s_expect(REPORT_AUTHORS_TOLD, REPORT_OUTCOME_ADOPTED, "tell_authors", "office",
             FSM_WRONG_STATE, "instruct");
    s_expect(REPORT_AUTHORS_TOLD, 0, "tell_authors", "office", FSM_WRONG_STATE,
             "adopt, instruct");
    /* Allowed ones. */
    s_expect(REPORT_FORWARDED, REPORT_OUTCOME_INSTRUCTED, "instruct", "office", FSM_OK,
             "adopt, instruct, tell_authors");
    s_expect(REPORT_SUBMITTED, 0, "accept", "admin", FSM_OK, "return, merge, accept");
}

/* A report's whole life: returned once, accepted, forwarded, adopted, the
 * authors told, then a leader's instruction reopens it and they are told again. */
static void test_whole_life(void **state)
{
    (void) state;
    struct { const char *event, *role; report_state_t to; unsigned outcomes; } steps[] = {
        {"edit", "member", REPORT_DRAFT, 0},
        {"submit", "member", REPORT_SUBMITTED, 0},
        {"return", "office", REPORT_RETURNED, 0},
        {"edit", "member", REPORT_RETURNED, 0},
        {"resubmit", "member", REPORT_SUBMITTED, 0},
        {"accept", "office", REPORT_ACCEPTED, 0},
        {"forward", "admin", REPORT_FORWARDED, 0},
        {"adopt", "office", REPORT_FORWARDED, REPORT_OUTCOME_ADOPTED},
        {"tell_authors", "office", REPORT_AUTHORS_TOLD, REPORT_OUTCOME_ADOPTED},
        {"instruct", "office", REPORT_FORWARDED, REPORT_OUTCOME_ADOPTED | REPORT_OUTCOME_INSTRUCTED},
        {"instruct", "office", REPORT_FORWARDED, REPORT_OUTCOME_ADOPTED | REPORT_OUTCOME_INSTRUCTED},
        {"tell_authors", "office", REPORT_AUTHORS_TOLD,
         REPORT_OUTCOME_ADOPTED | REPORT_OUTCOME_INSTRUCTED},
    };
    report_state_t st = REPORT_DRAFT;
    unsigned oc = 0;
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        fsm_verdict_t v;
        int ev = fsm_event_from_name(&report_fsm, steps[i].event);
        unsigned ro = role_bit(steps[i].role);
        if (fsm_check(&report_fsm, st, oc, ev, ro, NULL, &v) != FSM_OK)
            fail_msg("step %zu (%s) refused in %s", i, steps[i].event, fsm_state_name(&report_fsm, st));
        assert_int_equal(v.to, steps[i].to);
        assert_int_equal(v.flags, steps[i].outcomes);
        st = v.to, oc = v.flags;
    }
    /* Closed: nothing for the authors, only new instructions for the office. */
    int allowed[FSM_MAX_EVENTS];
    assert_int_equal(fsm_allowed(&report_fsm, st, oc, ROLE_MEMBER, NULL, allowed), 0);
    assert_int_equal(fsm_allowed(&report_fsm, st, oc, ROLE_OFFICE, NULL, allowed), 1);
    assert_int_equal(allowed[0], REPORT_EV_INSTRUCT);
}

/* ---- the table, names and bad input -------------------------------------------------- */

static void test_table_and_names(void **state)
{
    (void) state;
    const fsm_t *m = &report_fsm;
    const fsm_event_t *t = m->events;
    size_t n = (size_t) m->nevents;
    assert_int_equal(fsm_valid(m), 0);
    assert_int_equal(n, REPORT_EVENT_COUNT);
    assert_int_equal(m->nstates, REPORT_STATE_COUNT);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(fsm_event_from_name(m, t[i].name), (int) i);
        assert_string_equal(fsm_event_name(m, (int) i), t[i].name);
        assert_int_equal(strncmp(t[i].event_type, "report.", 7), 0);
        assert_true(t[i].from != 0 && t[i].roles != 0);
        for (size_t j = 0; j < i; j++)
            assert_string_not_equal(t[i].event_type, t[j].event_type);
    }
    assert_string_equal(t[REPORT_EV_ACCEPT].event_type, "report.accepted");
    assert_string_equal(t[REPORT_EV_TELL_AUTHORS].event_type, "report.authors_told");
    const char *states[] = {"draft", "submitted", "returned", "merged", "accepted", "forwarded",
                            "authors_told"};
    for (int i = 0; i < REPORT_STATE_COUNT; i++) {
        assert_string_equal(fsm_state_name(m, i), states[i]);
        assert_int_equal(fsm_state_from_name(m, states[i]), i);
    }
    /* Every event is sent by some of the roles the command rows admit, by no other. */
    for (size_t i = 0; i < n; i++)
        assert_int_equal(t[i].roles & ~REPORT_ROLES, 0);
    assert_int_equal(fsm_state_from_name(m, "adopted"), -1);
    assert_int_equal(fsm_state_from_name(m, NULL), -1);
    assert_int_equal(fsm_event_from_name(m, "Accept"), -1);
    assert_null(fsm_state_name(m, REPORT_STATE_COUNT));
    assert_null(fsm_event_name(m, -1));
}

static void test_unknown_input(void **state)
{
    (void) state;
    fsm_verdict_t v;
    const fsm_t *m = &report_fsm;
    assert_int_equal(fsm_check(m, REPORT_STATE_COUNT, 0, REPORT_EV_SUBMIT, ROLE_MEMBER, NULL, &v),
                     FSM_UNKNOWN);
    assert_int_equal(fsm_check(m, -1, 0, REPORT_EV_SUBMIT, ROLE_MEMBER, NULL, &v), FSM_UNKNOWN);
    assert_int_equal(fsm_check(m, REPORT_DRAFT, 0, REPORT_EVENT_COUNT, ROLE_MEMBER, NULL, &v),
                     FSM_UNKNOWN);
    assert_int_equal(fsm_check(m, REPORT_DRAFT, 0, REPORT_EV_SUBMIT, 0, NULL, &v),
                     FSM_UNKNOWN);           /* "system": no role */
    assert_int_equal(fsm_check(m, REPORT_DRAFT, 0, REPORT_EV_SUBMIT, ROLE_MEMBER | ROLE_OFFICE,
                               NULL, &v), FSM_UNKNOWN);
    assert_int_equal(v.nallowed, 0);
    assert_int_equal(fsm_http_status(FSM_UNKNOWN), 400);
    assert_int_equal(fsm_http_status(FSM_OK), 200);
    int out[FSM_MAX_EVENTS];
    assert_int_equal(fsm_allowed(&report_fsm, REPORT_STATE_COUNT, 0, ROLE_OFFICE, NULL, out), 0);

    /* The allowed text refuses to truncate. */
    fsm_check(&report_fsm, REPORT_SUBMITTED, 0, REPORT_EV_FORWARD, ROLE_OFFICE, NULL, &v);
    char small[8];
    assert_int_equal(fsm_allowed_text(&report_fsm, &v, small, sizeof small), -1);
    assert_int_equal(fsm_allowed_text(&report_fsm, &v, small, 0), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_combination),
        cmocka_unit_test(test_named_cases),
        cmocka_unit_test(test_whole_life),
        cmocka_unit_test(test_table_and_names),
        cmocka_unit_test(test_unknown_input),
    };
    return cmocka_run_group_tests_name("intake_reportfsm", tests, NULL, NULL);
}
