/* delivery_fsm: the states of an external delivery (notify.deliveries) and
 * the one transition a person makes: the office's manual retry of a dead
 * delivery. The sender moves the others (pending -> sending -> sent,
 * pending again or dead; sender.h) as bookkeeping of its own. */
#ifndef LIANXIN_NOTIFY_DELIVERY_FSM_H
#define LIANXIN_NOTIFY_DELIVERY_FSM_H

#include "fsm.h"

enum { DELIVERY_PENDING, DELIVERY_SENDING, DELIVERY_SENT, DELIVERY_DEAD, DELIVERY_DIGEST,
       DELIVERY_STATE_COUNT };
enum { DELIVERY_EV_RETRY, DELIVERY_EVENT_COUNT };

extern const fsm_t delivery_fsm;

/* The state of a stored status name; -1 when unknown. */
int delivery_state(const char *name);

#endif
