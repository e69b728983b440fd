/* proposal_timers: lianxin-proposal's timers (proposal.timers, key
 * proposal_id), fired under the lease proposal/<district> from the one
 * clock (common/timers.h): the co-signers' deadline and the look-back of a
 * B-class promise. */
#ifndef LIANXIN_PROPOSAL_TIMERS_H
#define LIANXIN_PROPOSAL_TIMERS_H

#include "timers.h"

/* cosign.deadline: a proposal still co-signing is closed; those who did
 * not confirm drop off (proposal.cosign_closed names them; the first
 * proposer is told). Nothing when it was closed before. */
int proposal_timers_cosign_deadline(tx_t *tx, const timers_row_t *row, void *app);

/* lookback.due: the promised date of a B reply has come: publishes
 * proposal.lookback_due (回头看) with the date and a timeline row, unless
 * a later reply replaced the promise. */
int proposal_timers_lookback_due(tx_t *tx, const timers_row_t *row, void *app);

#endif
