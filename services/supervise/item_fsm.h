/* item_fsm: the life of a tracked item as data (common/fsm): open until
 * the unit answers (the ladder stops), answered until the office confirms
 * the closure or returns the answer, closed until reopened (再调研、再协商、
 * 再监督), with a look-back on a closed item and a referral of an item at
 * 督办 to a partner office. The ladder's own steps are no transitions: they
 * keep the state (item_timers.c). */
#ifndef LIANXIN_SUPERVISE_ITEM_FSM_H
#define LIANXIN_SUPERVISE_ITEM_FSM_H

#include "fsm.h"
#include "roles.h"

typedef enum {
    ITEM_OPEN = 0,
    ITEM_ANSWERED,
    ITEM_CLOSED,
    ITEM_STATE_COUNT
} item_state_t;

#define ITEM_REFERRED 1u            /* referred to a partner office (one referral per office) */
#define ITEM_LOOKBACK 2u            /* a look-back is scheduled */
#define ITEM_SUPERVISED 4u          /* reached 督办: it may be referred */

typedef enum {
    ITEM_EV_ANSWER = 0,
    ITEM_EV_RETURN,
    ITEM_EV_CLOSE,
    ITEM_EV_REOPEN,
    ITEM_EV_REFER,
    ITEM_EV_LOOKBACK,
    ITEM_EV_LOOKBACK_RESULT,
    ITEM_EVENT_COUNT
} item_event_t;

#define ITEM_ROLES (ROLE_OFFICE | ROLE_ADMIN | ROLE_UNIT)

extern const fsm_t item_fsm;

#endif
