/* report_fsm: the life of a public-opinion report (社情民意信息) as data: its
 * states, the events that move it, who may send each, and the outcomes
 * (adopted, instructed) recorded on a forwarded report. Pure: it decides
 * whether a step is allowed, never performs one (the handlers named after
 * the events do, in the wiring). It never checks authorship or districts. */
#ifndef LIANXIN_REPORT_FSM_H
#define LIANXIN_REPORT_FSM_H

#include <stddef.h>
#include "roles.h"

/* The states. Adoption (采用) and a leader's instruction (批示) are not states
 * but outcomes recorded on a forwarded report, because one report may get
 * both, in either order, and more than one instruction; "authors told"
 * closes the report until a new outcome reopens it for telling again.
 *
 *   draft        --submit-->          submitted     (edit keeps draft)
 *   submitted    --return-->          returned      (edit keeps returned)
 *   returned     --resubmit-->        submitted
 *   submitted    --merge-->           merged        (also from accepted; final)
 *   submitted    --accept-->          accepted
 *   accepted     --forward-->         forwarded
 *   forwarded    --adopt, instruct--> forwarded     (records the outcome)
 *   forwarded    --tell_authors-->    authors_told
 *   authors_told --adopt, instruct--> forwarded     (a later outcome: tell again)
 *
 * Members (as authors) edit, submit and resubmit; the office (and admin)
 * does the rest. Nobody else sends any of these events.
 */
typedef enum {
    REPORT_DRAFT = 0,
    REPORT_SUBMITTED,
    REPORT_RETURNED,                /* back to the authors with the office's comments */
    REPORT_MERGED,                  /* folded into another report; final */
    REPORT_ACCEPTED,
    REPORT_FORWARDED,               /* 报送: sent to the party committee, government or next CPPCC */
    REPORT_AUTHORS_TOLD,            /* the authors have heard every outcome so far */
    REPORT_STATE_COUNT
} report_state_t;

/* Outcomes recorded on a forwarded report (a bit set). */
#define REPORT_OUTCOME_ADOPTED    1u    /* 采用, once (its level is the handler's data) */
#define REPORT_OUTCOME_INSTRUCTED 2u    /* 批示, one or more */

typedef enum {
    REPORT_EV_EDIT = 0,             /* authors change a draft or a returned report */
    REPORT_EV_SUBMIT,
    REPORT_EV_RESUBMIT,             /* a returned report, after edits */
    REPORT_EV_RETURN,
    REPORT_EV_MERGE,
    REPORT_EV_ACCEPT,
    REPORT_EV_FORWARD,
    REPORT_EV_ADOPT,
    REPORT_EV_INSTRUCT,
    REPORT_EV_TELL_AUTHORS,
    REPORT_EVENT_COUNT
} report_event_t;

/* Every role that sends some event: the command rows of reports admit
 * these (common/roles.h), the table below decides per event. */
#define REPORT_ROLES (ROLE_MEMBER | ROLE_OFFICE | ROLE_ADMIN)

#define REPORT_SAME (-1)            /* `to` of an event that keeps the state */

/* One row of the table: `event` is allowed from the states in `from` (bit
 * 1u << state) to the roles in `roles` (ROLE_* bits), moves to `to` and
 * records the outcomes in `sets`; it is refused when an outcome in `once`
 * is already recorded. */
typedef struct report_transition {
    report_event_t event;
    const char *name;               /* "accept": the HTTP sub-resource and handler name */
    const char *event_type;         /* "report.accepted": the bus event it emits */
    unsigned from;
    int to;                         /* a report_state_t, or REPORT_SAME */
    unsigned roles;
    unsigned sets;
    unsigned once;
} report_transition_t;

/* The table, one row per event in report_event_t order. */
const report_transition_t *report_fsm_table(size_t *n);

typedef enum {
    REPORT_FSM_OK = 0,              /* allowed: see to and outcomes */
    REPORT_FSM_FORBIDDEN = 1,       /* the role may never send this event: 403 */
    REPORT_FSM_WRONG_STATE = 2,     /* the role may, but not now: 409 with the allowed list */
    REPORT_FSM_UNKNOWN = 3          /* state or event out of range, or not one role: 400 */
} report_fsm_result_t;

typedef struct report_fsm_verdict {
    report_fsm_result_t result;
    report_state_t to;              /* when OK: the state after the event */
    unsigned outcomes;              /* when OK: the outcomes after the event */
    size_t nallowed;                /* the events this role may send now, table order */
    report_event_t allowed[REPORT_EVENT_COUNT];
} report_fsm_verdict_t;

/* Whether `role` (one ROLE_* bit, role_bit of the actor's role) may send
 * `event` to a report in `state` with `outcomes`. The role is judged first: an event the role may never send is FORBIDDEN
 * whatever the state. The allowed list is filled for every result but
 * UNKNOWN. Returns out->result. */
report_fsm_result_t report_fsm_check(report_state_t state, unsigned outcomes,
                                     report_event_t event, unsigned role,
                                     report_fsm_verdict_t *out);

/* The events `role` may send now, in table order, into out (REPORT_EVENT_COUNT
 * places). Returns how many (0 for out-of-range arguments). */
size_t report_fsm_allowed(report_state_t state, unsigned outcomes, unsigned role,
                          report_event_t out[REPORT_EVENT_COUNT]);

/* The verdict's allowed events as "submit, edit" (or "" when none) into
 * `out`. 0, or -1 when it did not fit. */
int report_fsm_allowed_text(const report_fsm_verdict_t *v, char *out, size_t outsz);

/* The HTTP status of a result: 200, 403, 409, 400. */
int report_fsm_http_status(report_fsm_result_t result);

/* Names as stored and sent: "authors_told", "tell_authors" (roles are
 * named by common/roles.h). The _name functions return NULL out of range;
 * the _from_name ones return -1 for an unknown name. */
const char *report_state_name(report_state_t state);
int report_state_from_name(const char *name);
const char *report_event_name(report_event_t event);
int report_event_from_name(const char *name);

#endif
