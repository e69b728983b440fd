/* item_routes: the events lianxin-supervise consumes, each a promise to
 * track (evroute_apply_fn): proposal.assigned (the lead unit's reply),
 * proposal.lookback_due (a B reply's promise falls due), proposal.replied
 * (the unit answered: the ladder stops), issue.forwarded (intake's class-2
 * issue), consultation.outcome_assigned (an outcome given to a unit). */
#ifndef LIANXIN_SUPERVISE_ITEM_ROUTES_H
#define LIANXIN_SUPERVISE_ITEM_ROUTES_H

#include "evroute.h"

evroute_apply_fn item_routes_proposal_assigned;
evroute_apply_fn item_routes_proposal_lookback;
evroute_apply_fn item_routes_proposal_replied;
evroute_apply_fn item_routes_issue_forwarded;
evroute_apply_fn item_routes_outcome_assigned;

#endif
