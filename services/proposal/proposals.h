/* proposals: the command handlers of lianxin-proposal: drafts (create,
 * edit) in proposals.c, every transition in proposal_events.c. Each runs on
 * the worker inside the group's transaction (common/cmd_server.h). Each
 * decides every refusal (4xx) before its first write, which is what lets
 * their rows be `atomic` (main.c); keep it so. */
#ifndef LIANXIN_PROPOSALS_H
#define LIANXIN_PROPOSALS_H

#include "cmd.h"

/* proposal.Create: a member's draft, private to its authors (201). */
int proposals_create_execute(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res);

/* proposal.Edit: the fields present of a draft, by its first proposer. */
int proposals_edit_execute(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res);

/* proposal.Transition: the event named by the path (ProposalAction.event). */
int proposals_transition_execute(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res);

#endif
