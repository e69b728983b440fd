/* consult_fsm: the transition tables of lianxin-consult (see
 * consult_fsm.h), read by common/fsm. */
#include "consult_fsm.h"

#define OFFICE CONSULT_OFFICE
#define S(x) FSM_STATE(CONSULT_##x)
#define OPEN (S(COLLECTING) | S(TOPIC_SET) | S(RESEARCH) | S(DELIBERATION) | S(PUBLICITY) \
              | S(IMPLEMENTATION))
#define BEFORE (S(COLLECTING) | S(TOPIC_SET) | S(RESEARCH))
#define AFTER (S(DELIBERATION) | S(PUBLICITY) | S(IMPLEMENTATION))

static const char *const s_states[CONSULT_STATE_COUNT] = {
    [CONSULT_COLLECTING] = "collecting",     [CONSULT_TOPIC_SET] = "topic_set",
    [CONSULT_RESEARCH] = "research",         [CONSULT_DELIBERATION] = "deliberation",
    [CONSULT_PUBLICITY] = "publicity",       [CONSULT_IMPLEMENTATION] = "implementation",
    [CONSULT_CLOSED] = "closed",             [CONSULT_CANCELLED] = "cancelled",
};

static int s_is_meeting(const void *subject)
{
    return subject && ((const consult_subject_t *) subject)->meeting;
}

#define EV(id, nm, type, fr, dest, who) \
    [CONSULT_EV_##id] = {.name = nm, .event_type = type, .from = fr, .to = dest, .roles = who}

static const fsm_event_t s_events[CONSULT_EVENT_COUNT] = {
    EV(SET_TOPIC, "set_topic", "consultation.topic_set", S(COLLECTING), CONSULT_TOPIC_SET,
       OFFICE),
    [CONSULT_EV_START_RESEARCH] = {.name = "start_research",
                                   .event_type = "consultation.research_started",
                                   .from = S(TOPIC_SET), .to = CONSULT_RESEARCH,
                                   .roles = OFFICE, .guard = s_is_meeting},
    EV(HOLD, "hold", "consultation.held", S(TOPIC_SET) | S(RESEARCH), CONSULT_DELIBERATION,
       OFFICE),
    EV(PUBLISH, "publish", "consultation.published", S(DELIBERATION), CONSULT_PUBLICITY, OFFICE),
    EV(IMPLEMENT, "implement", "consultation.implementing", S(PUBLICITY), CONSULT_IMPLEMENTATION,
       OFFICE),
    EV(CLOSE, "close", "consultation.closed", S(IMPLEMENTATION), CONSULT_CLOSED, OFFICE),
    EV(CANCEL, "cancel", "consultation.cancelled", BEFORE, CONSULT_CANCELLED, OFFICE),
    EV(SCHEDULE, "schedule", "consultation.scheduled", BEFORE, FSM_SAME, OFFICE),
    EV(ADD_PARTICIPANT, "add_participant", "consultation.invited", BEFORE, FSM_SAME, OFFICE),
    EV(ANSWER, "answer", NULL, BEFORE, FSM_SAME, ROLE_MEMBER | ROLE_LEADER | OFFICE),
    EV(ADD_TASK, "add_task", NULL, S(TOPIC_SET) | S(RESEARCH), FSM_SAME, OFFICE),
    EV(TASK_DONE, "task_done", NULL, S(RESEARCH), FSM_SAME, OFFICE),
    EV(TASK_WAIVE, "task_waive", NULL, S(TOPIC_SET) | S(RESEARCH), FSM_SAME, OFFICE),
    EV(OPINION, "opinion", NULL, S(DELIBERATION), FSM_SAME, ROLE_MEMBER | ROLE_LEADER),
    EV(MINUTES, "minutes", NULL, S(DELIBERATION), FSM_SAME, OFFICE),
    EV(ATTEND, "attend", "consultation.attended", AFTER, FSM_SAME, OFFICE),
    EV(OUTCOME, "outcome", "consultation.outcome_assigned", S(PUBLICITY) | S(IMPLEMENTATION),
       FSM_SAME, OFFICE),
    EV(CHECKIN_CODE, "checkin_code", NULL, BEFORE | S(DELIBERATION), FSM_SAME, OFFICE),
    EV(CHECKIN, "checkin", "consultation.attended", BEFORE | S(DELIBERATION), FSM_SAME,
       ROLE_MEMBER),
};

const fsm_t consult_fsm = {
    .name = "consultation",
    .states = s_states,
    .nstates = CONSULT_STATE_COUNT,
    .events = s_events,
    .nevents = CONSULT_EVENT_COUNT,
};

static const char *const s_topic_states[TOPIC_STATE_COUNT] = {
    [TOPIC_PROPOSED] = "proposed", [TOPIC_ACCEPTED] = "accepted", [TOPIC_REFUSED] = "refused"};

static const fsm_event_t s_topic_events[TOPIC_EVENT_COUNT] = {
    [TOPIC_EV_ACCEPT] = {.name = "accept", .event_type = "topic.accepted",
                         .from = FSM_STATE(TOPIC_PROPOSED), .to = TOPIC_ACCEPTED,
                         .roles = OFFICE},
    [TOPIC_EV_REFUSE] = {.name = "refuse", .event_type = "topic.refused",
                         .from = FSM_STATE(TOPIC_PROPOSED), .to = TOPIC_REFUSED,
                         .roles = OFFICE},
};

const fsm_t consult_topic_fsm = {
    .name = "topic",
    .states = s_topic_states,
    .nstates = TOPIC_STATE_COUNT,
    .events = s_topic_events,
    .nevents = TOPIC_EVENT_COUNT,
};

static const char *const s_plan_states[PLAN_STATE_COUNT] = {[PLAN_DRAFT] = "draft",
                                                            [PLAN_ISSUED] = "issued"};

#define BOTH (FSM_STATE(PLAN_DRAFT) | FSM_STATE(PLAN_ISSUED))
static const fsm_event_t s_plan_events[PLAN_EVENT_COUNT] = {
    [PLAN_EV_ADD] = {.name = "add", .from = BOTH, .to = FSM_SAME, .roles = OFFICE},
    [PLAN_EV_REMOVE] = {.name = "remove", .from = BOTH, .to = FSM_SAME, .roles = OFFICE},
    [PLAN_EV_ISSUE] = {.name = "issue", .event_type = "plan.issued",
                       .from = FSM_STATE(PLAN_DRAFT), .to = PLAN_ISSUED, .roles = OFFICE},
};

const fsm_t consult_plan_fsm = {
    .name = "plan",
    .states = s_plan_states,
    .nstates = PLAN_STATE_COUNT,
    .events = s_plan_events,
    .nevents = PLAN_EVENT_COUNT,
};

const char *consult_step_zh(int state)
{
    static const char *const steps[] = {"收集议题", "确定议题", "议前调研",
                                        "协商议事", "公开公示", "研究落实"};
    return state >= 0 && state <= CONSULT_IMPLEMENTATION ? steps[state] : "";
}
