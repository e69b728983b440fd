/* proposal_events: notify's inbox items for lianxin-proposal's events:
 * the units of an assignment (proposal.assigned: lead and co-units, with
 * the due date), the proposers of a reply (proposal.replied: the proposal's
 * own and those of every proposal merged into it), the proposers of a
 * merged proposal (proposal.merged), the lead unit when the proposer was
 * unsatisfied and a second reply is due (proposal.reopened), the first
 * proposer when co-signers
 * dropped off (proposal.cosign_closed) and the district's office when a
 * look-back is due (proposal.lookback_due). Each an event route's apply
 * function (main.c), one row per recipient per event, inside the
 * consumer's transaction. Never logs titles, bodies or payloads. */
#ifndef LIANXIN_NOTIFY_PROPOSAL_EVENTS_H
#define LIANXIN_NOTIFY_PROPOSAL_EVENTS_H

#include "evroute.h"

/* evroute_apply_fn of each type above, named after it; `msg` is a
 * ProposalChanged. 0, or -1 when a statement failed (the run is retried). */
int proposal_events_assigned(tx_t *tx, const Lianxin__V1__Event *ev,
                             const ProtobufCMessage *msg, void *app);
int proposal_events_replied(tx_t *tx, const Lianxin__V1__Event *ev,
                            const ProtobufCMessage *msg, void *app);
int proposal_events_reopened(tx_t *tx, const Lianxin__V1__Event *ev,
                             const ProtobufCMessage *msg, void *app);
int proposal_events_merged(tx_t *tx, const Lianxin__V1__Event *ev,
                           const ProtobufCMessage *msg, void *app);
int proposal_events_cosign_closed(tx_t *tx, const Lianxin__V1__Event *ev,
                                  const ProtobufCMessage *msg, void *app);
int proposal_events_lookback_due(tx_t *tx, const Lianxin__V1__Event *ev,
                                 const ProtobufCMessage *msg, void *app);

#endif
