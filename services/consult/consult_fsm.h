/* consult_fsm: the machines of lianxin-consult as common/fsm data: a topic
 * (议题) through screening, the annual plan, and a consultation through
 * the six steps of a meeting (收集议题 → 确定议题 → 议前调研 → 协商议事 →
 * 公开公示 → 研究落实), the lighter forms skipping the research step. The
 * events that keep the state (schedule, participants, tasks, minutes,
 * outcomes, attendance) are rows too, so where each is allowed is data.
 *
 *   collecting  --set_topic-->     topic_set
 *   topic_set   --start_research--> research       (meeting form only: guard)
 *   topic_set, research --hold-->  deliberation    (gated by the handler:
 *                                   research tasks done or waived, scheduled,
 *                                   a leader at a micro-consultation)
 *   deliberation --publish-->      publicity       (minutes recorded)
 *   publicity   --implement-->     implementation
 *   implementation --close-->      closed
 *   any open    --cancel-->        cancelled
 * The guards only read the subject (consult_subject_t). */
#ifndef LIANXIN_CONSULT_FSM_H
#define LIANXIN_CONSULT_FSM_H

#include "fsm.h"
#include "roles.h"

typedef enum {
    CONSULT_COLLECTING = 0,         /* 收集议题 */
    CONSULT_TOPIC_SET,              /* 确定议题 */
    CONSULT_RESEARCH,               /* 议前调研 */
    CONSULT_DELIBERATION,           /* 协商议事 */
    CONSULT_PUBLICITY,              /* 公开公示 */
    CONSULT_IMPLEMENTATION,         /* 研究落实 */
    CONSULT_CLOSED,
    CONSULT_CANCELLED,
    CONSULT_STATE_COUNT
} consult_state_t;

typedef enum {
    CONSULT_EV_SET_TOPIC = 0,
    CONSULT_EV_START_RESEARCH,
    CONSULT_EV_HOLD,
    CONSULT_EV_PUBLISH,
    CONSULT_EV_IMPLEMENT,
    CONSULT_EV_CLOSE,
    CONSULT_EV_CANCEL,
    CONSULT_EV_SCHEDULE,
    CONSULT_EV_ADD_PARTICIPANT,
    CONSULT_EV_ANSWER,
    CONSULT_EV_ADD_TASK,
    CONSULT_EV_TASK_DONE,
    CONSULT_EV_TASK_WAIVE,
    CONSULT_EV_OPINION,
    CONSULT_EV_MINUTES,
    CONSULT_EV_ATTEND,
    CONSULT_EV_OUTCOME,
    CONSULT_EV_CHECKIN_CODE,        /* the office asks for the check-in link */
    CONSULT_EV_CHECKIN,             /* a member checks in with it */
    CONSULT_EVENT_COUNT
} consult_event_t;

/* What the guards read. */
typedef struct consult_subject {
    int meeting;                    /* form meeting */
} consult_subject_t;

#define CONSULT_OFFICE (ROLE_OFFICE | ROLE_ADMIN)
#define CONSULT_ROLES (ROLE_OFFICE | ROLE_ADMIN | ROLE_MEMBER | ROLE_LEADER)

extern const fsm_t consult_fsm;

/* A topic: proposed --accept--> accepted, --refuse--> refused. */
typedef enum { TOPIC_PROPOSED = 0, TOPIC_ACCEPTED, TOPIC_REFUSED, TOPIC_STATE_COUNT } topic_state_t;
typedef enum { TOPIC_EV_ACCEPT = 0, TOPIC_EV_REFUSE, TOPIC_EVENT_COUNT } topic_event_t;
extern const fsm_t consult_topic_fsm;

/* The annual plan: draft --add, remove--> draft, --issue--> issued;
 * issued --add, remove--> issued (amendments, with a reason). */
typedef enum { PLAN_DRAFT = 0, PLAN_ISSUED, PLAN_STATE_COUNT } plan_state_t;
typedef enum { PLAN_EV_ADD = 0, PLAN_EV_REMOVE, PLAN_EV_ISSUE, PLAN_EVENT_COUNT } plan_event_t;
extern const fsm_t consult_plan_fsm;

/* The step's Chinese name of a state (收集议题 ...), "" beyond the steps. */
const char *consult_step_zh(int state);

#endif
