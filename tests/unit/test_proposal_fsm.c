/* test_proposal_fsm: every (state, flags, event, role) of the proposal
 * machine against an expected list written out here independently of the
 * table: allowed moves with their destination and flags, 403 for a role
 * that may never send the event (a unit or the office giving the verdict),
 * 409 with the allowed list for a wrong state (a second unsatisfied). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "proposal_fsm.h"

#define AUTHOR 1
#define OFFICE 2
#define UNIT 3
#define P(x) PROPOSAL_##x
#define E(x) PROPOSAL_EV_##x

typedef struct {
    proposal_state_t from;
    proposal_event_t event;
    int to;                         /* FSM_SAME: stays */
    int who;
    unsigned sets, refused_if;
} s_move_t;

static const s_move_t s_moves[] = {
    {P(DRAFT), E(EDIT), FSM_SAME, AUTHOR, 0, 0},
    {P(DRAFT), E(SUBMIT), P(SUBMITTED), AUTHOR, 0, 0},
    {P(DRAFT), E(INVITE), P(COSIGNING), AUTHOR, 0, 0},
    {P(COSIGNING), E(COSIGN), FSM_SAME, AUTHOR, 0, 0},
    {P(COSIGNING), E(CLOSE_COSIGN), P(SUBMITTED), OFFICE, 0, 0},
    {P(SUBMITTED), E(ACCEPT), P(ACCEPTED), OFFICE, 0, 0},
    {P(SUBMITTED), E(REFUSE), P(REFUSED), OFFICE, 0, 0},
    {P(SUBMITTED), E(CONVERT), P(CONVERTED), OFFICE, 0, 0},
    {P(SUBMITTED), E(MERGE), P(MERGED), OFFICE, 0, 0},
    {P(ACCEPTED), E(MERGE), P(MERGED), OFFICE, 0, 0},
    {P(ACCEPTED), E(MARK_KEY), FSM_SAME, OFFICE, PROPOSAL_KEY, PROPOSAL_KEY},
    {P(ASSIGNED), E(MARK_KEY), FSM_SAME, OFFICE, PROPOSAL_KEY, PROPOSAL_KEY},
    {P(HANDED_BACK), E(MARK_KEY), FSM_SAME, OFFICE, PROPOSAL_KEY, PROPOSAL_KEY},
    {P(REPLIED), E(MARK_KEY), FSM_SAME, OFFICE, PROPOSAL_KEY, PROPOSAL_KEY},
    {P(ACCEPTED), E(ASSIGN), P(ASSIGNED), OFFICE, 0, 0},
    {P(HANDED_BACK), E(ASSIGN), P(ASSIGNED), OFFICE, 0, 0},
    {P(ASSIGNED), E(HAND_BACK), P(HANDED_BACK), UNIT, 0, 0},
    {P(ASSIGNED), E(CONTACT), FSM_SAME, UNIT, 0, 0},
    {P(REPLIED), E(CONTACT), FSM_SAME, UNIT, 0, 0},
    {P(CLOSED), E(CONTACT), FSM_SAME, UNIT, 0, 0},
    {P(ASSIGNED), E(OPINION), FSM_SAME, UNIT, 0, 0},
    {P(ASSIGNED), E(REPLY), P(REPLIED), UNIT, 0, 0},
    {P(REPLIED), E(VERDICT), P(CLOSED), AUTHOR, 0, 0},
    {P(REPLIED), E(REOPEN), P(ASSIGNED), AUTHOR, PROPOSAL_ROUND2, PROPOSAL_ROUND2},
};
#define S_NMOVES (sizeof s_moves / sizeof s_moves[0])

static const unsigned s_roles[] = {ROLE_ADMIN, ROLE_OFFICE, ROLE_LEADER, ROLE_MEMBER,
                                   ROLE_UNIT, ROLE_PARTNER};
static const unsigned s_flags[] = {0, PROPOSAL_ROUND2, PROPOSAL_KEY,
                                   PROPOSAL_ROUND2 | PROPOSAL_KEY};

static int s_role_may(int who, unsigned role)
{
    if (who == AUTHOR)
        return role == ROLE_MEMBER;
    if (who == UNIT)
        return role == ROLE_UNIT;
    return role == ROLE_OFFICE || role == ROLE_ADMIN;
}

static int s_role_ever(proposal_event_t ev, unsigned role)
{
    for (size_t i = 0; i < S_NMOVES; i++)
        if (s_moves[i].event == ev && s_role_may(s_moves[i].who, role))
            return 1;
    return 0;
}

static const s_move_t *s_move(proposal_state_t st, proposal_event_t ev, unsigned role,
                              unsigned flags)
{
    for (size_t i = 0; i < S_NMOVES; i++)
        if (s_moves[i].from == st && s_moves[i].event == ev && s_role_may(s_moves[i].who, role)
            && !(flags & s_moves[i].refused_if))
            return &s_moves[i];
    return NULL;
}

static void test_table_is_valid(void **state)
{
    (void) state;
    assert_int_equal(fsm_valid(&proposal_fsm), 0);
    assert_int_equal(proposal_fsm.nstates, PROPOSAL_STATE_COUNT);
    assert_int_equal(proposal_fsm.nevents, PROPOSAL_EVENT_COUNT);
}

/* Every combination: allowed exactly as listed, else 403 or 409. */
static void test_every_transition_and_role(void **state)
{
    (void) state;
    int ok = 0, forbidden = 0, wrong = 0;
    for (int st = 0; st < PROPOSAL_STATE_COUNT; st++)
        for (int ev = 0; ev < PROPOSAL_EVENT_COUNT; ev++)
            for (size_t r = 0; r < sizeof s_roles / sizeof s_roles[0]; r++)
                for (size_t f = 0; f < sizeof s_flags / sizeof s_flags[0]; f++) {
                    fsm_verdict_t v;
                    unsigned role = s_roles[r], flags = s_flags[f];
                    fsm_result_t got = fsm_check(&proposal_fsm, st, flags, ev, role, NULL, &v);
                    const s_move_t *m = s_move(st, ev, role, flags);
                    if (m) {
                        assert_int_equal(got, FSM_OK);
                        assert_int_equal(v.to, m->to == FSM_SAME ? st : m->to);
                        assert_int_equal(v.flags, flags | m->sets);
                        ok++;
                    } else if (!s_role_ever(ev, role)) {
                        assert_int_equal(got, FSM_FORBIDDEN);
                        assert_int_equal(fsm_http_status(got), 403);
                        forbidden++;
                    } else {
                        assert_int_equal(got, FSM_WRONG_STATE);
                        assert_int_equal(fsm_http_status(got), 409);
                        wrong++;
                    }
                }
    assert_true(ok > 0 && forbidden > 0 && wrong > 0);
}

/* No account but a member can set the verdict or reopen, in any state. */
static void test_only_members_give_the_verdict(void **state)
{
    (void) state;
    const unsigned others[] = {ROLE_ADMIN, ROLE_OFFICE, ROLE_LEADER, ROLE_UNIT, ROLE_PARTNER};
    for (int st = 0; st < PROPOSAL_STATE_COUNT; st++)
        for (size_t r = 0; r < sizeof others / sizeof others[0]; r++) {
            fsm_verdict_t v;
            assert_int_equal(fsm_check(&proposal_fsm, st, 0, E(VERDICT), others[r], NULL, &v),
                             FSM_FORBIDDEN);
            assert_int_equal(fsm_check(&proposal_fsm, st, 0, E(REOPEN), others[r], NULL, &v),
                             FSM_FORBIDDEN);
        }
}

/* The second round: unsatisfied once reopens; the second reply is final. */
static void test_second_round_is_final(void **state)
{
    (void) state;
    fsm_verdict_t v;
    char msg[200];
    assert_int_equal(fsm_check(&proposal_fsm, P(REPLIED), 0, E(REOPEN), ROLE_MEMBER, NULL, &v),
                     FSM_OK);
    assert_int_equal(v.to, P(ASSIGNED));
    assert_int_equal(v.flags, PROPOSAL_ROUND2);
    assert_int_equal(fsm_check(&proposal_fsm, P(REPLIED), PROPOSAL_ROUND2, E(REOPEN),
                               ROLE_MEMBER, NULL, &v), FSM_WRONG_STATE);
    assert_int_equal(fsm_explain(&proposal_fsm, &v, P(REPLIED), E(REOPEN), "member", msg,
                                 sizeof msg), 409);
    assert_non_null(strstr(msg, "verdict"));
    assert_int_equal(fsm_check(&proposal_fsm, P(REPLIED), PROPOSAL_ROUND2, E(VERDICT),
                               ROLE_MEMBER, NULL, &v), FSM_OK);
    assert_int_equal(v.to, P(CLOSED));
}

/* A proposal's whole life, as the integration test walks it. */
static void test_whole_life(void **state)
{
    (void) state;
    static const struct { proposal_event_t ev; unsigned role; proposal_state_t to; } path[] = {
        {E(INVITE), ROLE_MEMBER, P(COSIGNING)},  {E(COSIGN), ROLE_MEMBER, P(COSIGNING)},
        {E(CLOSE_COSIGN), ROLE_OFFICE, P(SUBMITTED)}, {E(ACCEPT), ROLE_OFFICE, P(ACCEPTED)},
        {E(ASSIGN), ROLE_OFFICE, P(ASSIGNED)},   {E(HAND_BACK), ROLE_UNIT, P(HANDED_BACK)},
        {E(ASSIGN), ROLE_OFFICE, P(ASSIGNED)},   {E(CONTACT), ROLE_UNIT, P(ASSIGNED)},
        {E(OPINION), ROLE_UNIT, P(ASSIGNED)},    {E(REPLY), ROLE_UNIT, P(REPLIED)},
        {E(REOPEN), ROLE_MEMBER, P(ASSIGNED)},   {E(REPLY), ROLE_UNIT, P(REPLIED)},
        {E(VERDICT), ROLE_MEMBER, P(CLOSED)},
    };
    int st = P(DRAFT);
    unsigned flags = 0;
    for (size_t i = 0; i < sizeof path / sizeof path[0]; i++) {
        fsm_verdict_t v;
        assert_int_equal(fsm_check(&proposal_fsm, st, flags, path[i].ev, path[i].role, NULL, &v),
                         FSM_OK);
        assert_int_equal(v.to, path[i].to);
        st = v.to;
        flags = v.flags;
    }
    assert_int_equal(flags, PROPOSAL_ROUND2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table_is_valid),
        cmocka_unit_test(test_every_transition_and_role),
        cmocka_unit_test(test_only_members_give_the_verdict),
        cmocka_unit_test(test_second_round_is_final),
        cmocka_unit_test(test_whole_life),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
