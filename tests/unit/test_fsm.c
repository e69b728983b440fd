/* test_fsm: common/fsm on a small machine of its own (a door: closed, open,
 * locked) with a guard, flags set once, roles; fsm_valid refusing malformed
 * tables; the refusal messages and codes the services send. The report
 * machine has its own test (test_intake_reportfsm). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "fsm.h"
#include "roles.h"

enum { CLOSED, OPEN, LOCKED, NSTATES };
enum { EV_OPEN, EV_CLOSE, EV_LOCK, EV_PAINT, NEVENTS };
#define PAINTED 1u

typedef struct { int has_key; } door_t;

static int s_has_key(const void *subject)
{
    return subject && ((const door_t *) subject)->has_key;
}

static const char *const s_states[NSTATES] = {"closed", "open", "locked"};
static const fsm_event_t s_events[NEVENTS] = {
    [EV_OPEN] = {.name = "open", .from = FSM_STATE(CLOSED), .to = OPEN,
                 .roles = ROLE_MEMBER | ROLE_OFFICE},
    [EV_CLOSE] = {.name = "close", .from = FSM_STATE(OPEN), .to = CLOSED,
                  .roles = ROLE_MEMBER | ROLE_OFFICE},
    [EV_LOCK] = {.name = "lock", .from = FSM_STATE(CLOSED), .to = LOCKED, .roles = ROLE_OFFICE,
                 .guard = s_has_key},
    [EV_PAINT] = {.name = "paint", .from = FSM_STATE(CLOSED) | FSM_STATE(OPEN), .to = FSM_SAME,
                  .roles = ROLE_OFFICE, .sets = PAINTED, .once = PAINTED},
};
static const fsm_t s_door = {"door", s_states, NSTATES, s_events, NEVENTS};

static void test_moves(void **state)
{
    (void) state;
    fsm_verdict_t v;
    door_t key = {1}, none = {0};
    assert_int_equal(fsm_valid(&s_door), 0);
    assert_int_equal(fsm_check(&s_door, CLOSED, 0, EV_OPEN, ROLE_MEMBER, NULL, &v), FSM_OK);
    assert_int_equal(v.to, OPEN);
    assert_int_equal(fsm_check(&s_door, OPEN, 0, EV_OPEN, ROLE_MEMBER, NULL, &v), FSM_WRONG_STATE);
    assert_int_equal(v.nallowed, 1);
    assert_int_equal(v.allowed[0], EV_CLOSE);
    /* the guard: a wrong state for the caller, and absent from the allowed list */
    assert_int_equal(fsm_check(&s_door, CLOSED, 0, EV_LOCK, ROLE_OFFICE, &key, &v), FSM_OK);
    assert_int_equal(v.to, LOCKED);
    assert_int_equal(fsm_check(&s_door, CLOSED, 0, EV_LOCK, ROLE_OFFICE, &none, &v),
                     FSM_WRONG_STATE);
    for (size_t i = 0; i < v.nallowed; i++)
        assert_int_not_equal(v.allowed[i], EV_LOCK);
    /* the role first: forbidden whatever the state */
    assert_int_equal(fsm_check(&s_door, LOCKED, 0, EV_LOCK, ROLE_MEMBER, &key, &v), FSM_FORBIDDEN);
    /* flags: set once */
    assert_int_equal(fsm_check(&s_door, OPEN, 0, EV_PAINT, ROLE_OFFICE, NULL, &v), FSM_OK);
    assert_int_equal(v.to, OPEN);
    assert_int_equal(v.flags, PAINTED);
    assert_int_equal(fsm_check(&s_door, OPEN, PAINTED, EV_PAINT, ROLE_OFFICE, NULL, &v),
                     FSM_WRONG_STATE);
    /* out of range, or not one role */
    assert_int_equal(fsm_check(&s_door, NSTATES, 0, EV_OPEN, ROLE_MEMBER, NULL, &v), FSM_UNKNOWN);
    assert_int_equal(fsm_check(&s_door, CLOSED, 0, NEVENTS, ROLE_MEMBER, NULL, &v), FSM_UNKNOWN);
    assert_int_equal(fsm_check(&s_door, CLOSED, 0, EV_OPEN, ROLE_MEMBER | ROLE_OFFICE, NULL, &v),
                     FSM_UNKNOWN);
}

static void test_explain(void **state)
{
    (void) state;
    fsm_verdict_t v;
    char msg[128];
    fsm_check(&s_door, OPEN, 0, EV_OPEN, ROLE_OFFICE, NULL, &v);
    assert_int_equal(fsm_explain(&s_door, &v, OPEN, EV_OPEN, "office", msg, sizeof msg), 409);
    assert_string_equal(msg, "door is open; allowed now: close, paint");
    assert_string_equal(fsm_error_code(v.result), "conflict");
    fsm_check(&s_door, CLOSED, 0, EV_PAINT, ROLE_MEMBER, NULL, &v);
    assert_int_equal(fsm_explain(&s_door, &v, CLOSED, EV_PAINT, "member", msg, sizeof msg), 403);
    assert_string_equal(msg, "role member may not paint a door");
    assert_string_equal(fsm_error_code(v.result), "forbidden");
    fsm_check(&s_door, LOCKED, 0, EV_OPEN, ROLE_MEMBER, NULL, &v);
    fsm_explain(&s_door, &v, LOCKED, EV_OPEN, "member", msg, sizeof msg);
    assert_string_equal(msg, "door is locked; allowed now: nothing");
    assert_int_equal(fsm_http_status(FSM_UNKNOWN), 400);
    assert_string_equal(fsm_error_code(FSM_UNKNOWN), "bad_request");
}

static void test_valid(void **state)
{
    (void) state;
    fsm_event_t bad[NEVENTS];
    fsm_t m = s_door;
    m.events = bad;
    memcpy(bad, s_events, sizeof bad);
    bad[EV_CLOSE].to = NSTATES;                                  /* no such state */
    assert_int_equal(fsm_valid(&m), -1);
    memcpy(bad, s_events, sizeof bad);
    bad[EV_CLOSE].name = "open";                                 /* a name twice */
    assert_int_equal(fsm_valid(&m), -1);
    memcpy(bad, s_events, sizeof bad);
    bad[EV_CLOSE].from = FSM_STATE(NSTATES);                     /* from outside */
    assert_int_equal(fsm_valid(&m), -1);
    memcpy(bad, s_events, sizeof bad);
    bad[EV_CLOSE].roles = 0;                                     /* nobody may send it */
    assert_int_equal(fsm_valid(&m), -1);
    const char *const twice[NSTATES] = {"closed", "open", "open"};
    m = s_door;
    m.states = twice;
    assert_int_equal(fsm_valid(&m), -1);
    assert_int_equal(fsm_valid(NULL), -1);
    assert_int_equal(fsm_state_from_name(&s_door, "locked"), LOCKED);
    assert_int_equal(fsm_event_from_name(&s_door, "paint"), EV_PAINT);
    assert_null(fsm_event_name(&s_door, NEVENTS));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_moves),
        cmocka_unit_test(test_explain),
        cmocka_unit_test(test_valid),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
