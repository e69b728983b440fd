/* report_from_proposal: a proposal the office converted into a
 * public-opinion report (lianxin-proposal's proposal.converted with
 * converted_to "report") becomes an intake report, submitted and numbered
 * (社情-<year>-<n>) at once, its authors the proposal's proposers, its
 * facts the proposal's reasons and its suggestions the measures, linking
 * back through source_proposal_id. Applied by intake's consumer inside the
 * transaction that moves its cursor, so once. Never logs texts. */
#ifndef LIANXIN_REPORT_FROM_PROPOSAL_H
#define LIANXIN_REPORT_FROM_PROPOSAL_H

#include "evroute.h"

/* evroute_apply_fn of proposal.converted (`msg`: ProposalChanged); a
 * conversion into an opinion letter writes nothing. 0, or -1 when a
 * statement failed (the run is retried). */
int report_from_proposal_converted(tx_t *tx, const Lianxin__V1__Event *ev,
                                   const ProtobufCMessage *msg, void *app);

#endif
