/* assess_fsm: see assess_fsm.h. The leave machine's "none" is stored as ''. */
#include "assess_fsm.h"

#define S(x) FSM_STATE(x)

static const char *const s_att_states[ATT_STATE_COUNT] = {"invited", "present", "absent", "leave"};

static const fsm_event_t s_att_events[ATT_EVENT_COUNT] = {
    [ATT_EV_CHECKIN] = {.name = "checkin", .event_type = "meeting.attended",
                        .from = S(ATT_INVITED), .to = ATT_PRESENT, .roles = ROLE_MEMBER},
    [ATT_EV_CORRECT] = {.name = "correct", .event_type = "meeting.attended",
                        .from = S(ATT_INVITED) | S(ATT_PRESENT) | S(ATT_ABSENT) | S(ATT_LEAVE),
                        .to = FSM_SAME, .roles = ASSESS_OFFICE},
};

const fsm_t assess_attendance_fsm = {
    .name = "attendance", .states = s_att_states, .nstates = ATT_STATE_COUNT,
    .events = s_att_events, .nevents = ATT_EVENT_COUNT,
};

static const char *const s_leave_states[LEAVE_STATE_COUNT] = {"none", "asked", "approved",
                                                              "refused"};

static const fsm_event_t s_leave_events[LEAVE_EVENT_COUNT] = {
    [LEAVE_EV_ASK] = {.name = "ask", .from = S(LEAVE_NONE) | S(LEAVE_REFUSED), .to = LEAVE_ASKED,
                      .roles = ROLE_MEMBER},
    [LEAVE_EV_APPROVE] = {.name = "approve", .from = S(LEAVE_ASKED), .to = LEAVE_APPROVED,
                          .roles = ASSESS_OFFICE},
    [LEAVE_EV_REFUSE] = {.name = "refuse", .from = S(LEAVE_ASKED), .to = LEAVE_REFUSED,
                         .roles = ASSESS_OFFICE},
};

const fsm_t assess_leave_fsm = {
    .name = "leave", .states = s_leave_states, .nstates = LEAVE_STATE_COUNT,
    .events = s_leave_events, .nevents = LEAVE_EVENT_COUNT,
};
