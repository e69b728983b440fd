/* report_fsm: the life of a public-opinion report (社情民意信息) declared as
 * a common/fsm machine: its states, the events that move it, who may send
 * each, and the outcomes (adopted, instructed) recorded on a forwarded
 * report as the machine's flags. Data only: common/fsm decides whether a
 * step is allowed; the handlers named after the events perform it. */
#ifndef LIANXIN_REPORT_FSM_H
#define LIANXIN_REPORT_FSM_H

#include <stddef.h>
#include "fsm.h"
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

/* The machine (common/fsm.h): states in report_state_t order, one event
 * row per report_event_t; the outcomes above are its flags. */
extern const fsm_t report_fsm;

#endif
