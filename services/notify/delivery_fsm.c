/* delivery_fsm: see delivery_fsm.h. */
#include <string.h>
#include "delivery_fsm.h"
#include "roles.h"

static const char *const s_states[DELIVERY_STATE_COUNT] = {
    [DELIVERY_PENDING] = "pending", [DELIVERY_SENDING] = "sending", [DELIVERY_SENT] = "sent",
    [DELIVERY_DEAD] = "dead", [DELIVERY_DIGEST] = "digest",
};

static const fsm_event_t s_events[DELIVERY_EVENT_COUNT] = {
    [DELIVERY_EV_RETRY] = {.name = "retry", .event_type = NULL,
                           .from = FSM_STATE(DELIVERY_DEAD), .to = DELIVERY_PENDING,
                           .roles = ROLE_OFFICE | ROLE_ADMIN},
};

const fsm_t delivery_fsm = {
    .name = "delivery",
    .states = s_states,
    .nstates = DELIVERY_STATE_COUNT,
    .events = s_events,
    .nevents = DELIVERY_EVENT_COUNT,
};

int delivery_state(const char *name)
{
    for (int i = 0; name && i < DELIVERY_STATE_COUNT; i++)
        if (strcmp(s_states[i], name) == 0)
            return i;
    return -1;
}
