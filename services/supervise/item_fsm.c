/* item_fsm: the transition table of a tracked item (see item_fsm.h), read
 * by common/fsm. Every rule on states and roles lives in the table. */
#include "item_fsm.h"

#define OFFICE (ROLE_OFFICE | ROLE_ADMIN)
#define S(x) FSM_STATE(ITEM_##x)

static const char *const s_states[ITEM_STATE_COUNT] = {
    [ITEM_OPEN] = "open", [ITEM_ANSWERED] = "answered", [ITEM_CLOSED] = "closed",
};

/* A referral needs the item at 督办. */
static int s_supervised(const void *subject)
{
    const unsigned *flags = subject;
    return flags && (*flags & ITEM_SUPERVISED);
}

/* A look-back result needs a look-back scheduled. */
static int s_lookback(const void *subject)
{
    const unsigned *flags = subject;
    return flags && (*flags & ITEM_LOOKBACK);
}

#define EV(id, nm, type, fr, dest, who) \
    [ITEM_EV_##id] = {.name = nm, .event_type = type, .from = fr, .to = dest, .roles = who}

static const fsm_event_t s_events[ITEM_EVENT_COUNT] = {
    EV(ANSWER, "answer", "item.answered", S(OPEN), ITEM_ANSWERED, ROLE_UNIT | OFFICE),
    EV(RETURN, "return", "item.returned", S(ANSWERED), ITEM_OPEN, OFFICE),
    EV(CLOSE, "close", "item.closed", S(ANSWERED), ITEM_CLOSED, OFFICE),
    EV(REOPEN, "reopen", "item.reopened", S(CLOSED), ITEM_OPEN, OFFICE),
    [ITEM_EV_REFER] = {.name = "refer", .event_type = "item.referred", .from = S(OPEN),
                       .to = FSM_SAME, .roles = OFFICE, .sets = ITEM_REFERRED,
                       .guard = s_supervised},
    [ITEM_EV_LOOKBACK] = {.name = "lookback", .event_type = "item.lookback_scheduled",
                          .from = S(CLOSED), .to = FSM_SAME, .roles = OFFICE,
                          .sets = ITEM_LOOKBACK, .once = ITEM_LOOKBACK},
    [ITEM_EV_LOOKBACK_RESULT] = {.name = "lookback_result", .event_type = "item.looked_back",
                                 .from = S(CLOSED), .to = FSM_SAME, .roles = OFFICE,
                                 .guard = s_lookback},
};

const fsm_t item_fsm = {
    .name = "item",
    .states = s_states,
    .nstates = ITEM_STATE_COUNT,
    .events = s_events,
    .nevents = ITEM_EVENT_COUNT,
};
