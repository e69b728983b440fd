/* report_fsm: the transition table of a public-opinion report (see
 * report_fsm.h), read by common/fsm. Every rule lives in the table. */
#include "report_fsm.h"

#define OFFICE_ROLES (ROLE_OFFICE | ROLE_ADMIN)
#define AUTHOR_ROLES ROLE_MEMBER

static const char *const s_states[REPORT_STATE_COUNT] = {
    [REPORT_DRAFT] = "draft",         [REPORT_SUBMITTED] = "submitted",
    [REPORT_RETURNED] = "returned",   [REPORT_MERGED] = "merged",
    [REPORT_ACCEPTED] = "accepted",   [REPORT_FORWARDED] = "forwarded",
    [REPORT_AUTHORS_TOLD] = "authors_told",
};

static const fsm_event_t s_events[REPORT_EVENT_COUNT] = {
    [REPORT_EV_EDIT] = {.name = "edit", .event_type = "report.edited",
                        .from = FSM_STATE(REPORT_DRAFT) | FSM_STATE(REPORT_RETURNED),
                        .to = FSM_SAME, .roles = AUTHOR_ROLES},
    [REPORT_EV_SUBMIT] = {.name = "submit", .event_type = "report.submitted",
                          .from = FSM_STATE(REPORT_DRAFT), .to = REPORT_SUBMITTED,
                          .roles = AUTHOR_ROLES},
    [REPORT_EV_RESUBMIT] = {.name = "resubmit", .event_type = "report.resubmitted",
                            .from = FSM_STATE(REPORT_RETURNED), .to = REPORT_SUBMITTED,
                            .roles = AUTHOR_ROLES},
    [REPORT_EV_RETURN] = {.name = "return", .event_type = "report.returned",
                          .from = FSM_STATE(REPORT_SUBMITTED), .to = REPORT_RETURNED,
                          .roles = OFFICE_ROLES},
    [REPORT_EV_MERGE] = {.name = "merge", .event_type = "report.merged",
                         .from = FSM_STATE(REPORT_SUBMITTED) | FSM_STATE(REPORT_ACCEPTED),
                         .to = REPORT_MERGED, .roles = OFFICE_ROLES},
    [REPORT_EV_ACCEPT] = {.name = "accept", .event_type = "report.accepted",
                          .from = FSM_STATE(REPORT_SUBMITTED), .to = REPORT_ACCEPTED,
                          .roles = OFFICE_ROLES},
    [REPORT_EV_FORWARD] = {.name = "forward", .event_type = "report.forwarded",
                           .from = FSM_STATE(REPORT_ACCEPTED), .to = REPORT_FORWARDED,
                           .roles = OFFICE_ROLES},
    [REPORT_EV_ADOPT] = {.name = "adopt", .event_type = "report.adopted",
                         .from = FSM_STATE(REPORT_FORWARDED) | FSM_STATE(REPORT_AUTHORS_TOLD),
                         .to = REPORT_FORWARDED, .roles = OFFICE_ROLES,
                         .sets = REPORT_OUTCOME_ADOPTED, .once = REPORT_OUTCOME_ADOPTED},
    [REPORT_EV_INSTRUCT] = {.name = "instruct", .event_type = "report.instructed",
                            .from = FSM_STATE(REPORT_FORWARDED) | FSM_STATE(REPORT_AUTHORS_TOLD),
                            .to = REPORT_FORWARDED, .roles = OFFICE_ROLES,
                            .sets = REPORT_OUTCOME_INSTRUCTED},
    [REPORT_EV_TELL_AUTHORS] = {.name = "tell_authors", .event_type = "report.authors_told",
                                .from = FSM_STATE(REPORT_FORWARDED), .to = REPORT_AUTHORS_TOLD,
                                .roles = OFFICE_ROLES},
};

const fsm_t report_fsm = {
    .name = "report",
    .states = s_states,
    .nstates = REPORT_STATE_COUNT,
    .events = s_events,
    .nevents = REPORT_EVENT_COUNT,
};
