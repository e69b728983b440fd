/* proposal_fsm: the life of a proposal (提案) declared as a common/fsm
 * machine: its states, the events that move it, who may send each, and the
 * flags recorded along the way (second round, key proposal). Data only:
 * common/fsm decides whether a step is allowed; the handlers named after
 * the events (proposal_events.c) perform it. Authorship (first proposer,
 * invited co-signer) and units (lead, co) are the handlers' checks.
 *
 *   draft      --submit-->        submitted    (one member or a collective)
 *   draft      --invite-->        cosigning    (joint: co-signers invited)
 *   cosigning  --cosign-->        cosigning    (a co-signer confirms 附议)
 *   cosigning  --close_cosign-->  submitted    (all confirmed, the deadline, or the office)
 *   submitted  --accept-->        accepted     (立案: the number)
 *   submitted  --refuse, convert--> refused, converted   (final)
 *   submitted, accepted --merge--> merged      (并案; final)
 *   accepted, handed_back --assign--> assigned (交办)
 *   assigned   --hand_back-->     handed_back  (the lead unit, within 10 working days)
 *   assigned   --contact, opinion--> assigned  (units' records)
 *   assigned   --reply-->         replied      (the lead unit's head signs)
 *   replied    --verdict-->       closed       (the first proposer; final)
 *   replied    --reopen-->        assigned     (unsatisfied, once: the second round)
 *   accepted.. --mark_key-->      (same)       (重点提案, with a supervising leader)
 *
 * The verdict and reopen are sent by members only: no unit, office or admin
 * account can set a proposer's verdict by any route. */
#ifndef LIANXIN_PROPOSAL_FSM_H
#define LIANXIN_PROPOSAL_FSM_H

#include "fsm.h"
#include "roles.h"

typedef enum {
    PROPOSAL_DRAFT = 0,
    PROPOSAL_COSIGNING,
    PROPOSAL_SUBMITTED,
    PROPOSAL_REFUSED,
    PROPOSAL_CONVERTED,
    PROPOSAL_MERGED,
    PROPOSAL_ACCEPTED,
    PROPOSAL_ASSIGNED,
    PROPOSAL_HANDED_BACK,
    PROPOSAL_REPLIED,
    PROPOSAL_CLOSED,
    PROPOSAL_STATE_COUNT
} proposal_state_t;

/* Flags recorded on a proposal (a bit set). */
#define PROPOSAL_ROUND2 1u          /* the proposer was unsatisfied once: the second reply is final */
#define PROPOSAL_KEY    2u          /* 重点提案 */

typedef enum {
    PROPOSAL_EV_EDIT = 0,
    PROPOSAL_EV_SUBMIT,
    PROPOSAL_EV_INVITE,
    PROPOSAL_EV_COSIGN,
    PROPOSAL_EV_CLOSE_COSIGN,
    PROPOSAL_EV_ACCEPT,
    PROPOSAL_EV_REFUSE,
    PROPOSAL_EV_CONVERT,
    PROPOSAL_EV_MERGE,
    PROPOSAL_EV_MARK_KEY,
    PROPOSAL_EV_ASSIGN,
    PROPOSAL_EV_HAND_BACK,
    PROPOSAL_EV_CONTACT,
    PROPOSAL_EV_OPINION,
    PROPOSAL_EV_REPLY,
    PROPOSAL_EV_VERDICT,
    PROPOSAL_EV_REOPEN,
    PROPOSAL_EVENT_COUNT
} proposal_event_t;

/* Every role that sends some event: the command rows admit these, the
 * table decides per event. */
#define PROPOSAL_ROLES (ROLE_MEMBER | ROLE_OFFICE | ROLE_ADMIN | ROLE_UNIT)

extern const fsm_t proposal_fsm;

#endif
