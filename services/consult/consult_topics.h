/* consult_topics: topics (议题): proposing one, and screening it (accept as
 * one of the four allowed kinds, or refuse as one of the three refused
 * kinds with the reason the proposer sees). Events topic.proposed,
 * topic.accepted, topic.refused (TopicChanged). */
#ifndef LIANXIN_CONSULT_TOPICS_H
#define LIANXIN_CONSULT_TOPICS_H

#include "cmd.h"

/* consult.CreateTopic (TopicDraft): a member for themselves, the office for
 * a work room, a unit or the party committee; a unit account for its unit. */
int consult_topics_create(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res);

/* consult.TopicTransition (TopicAction): accept or refuse (office). */
int consult_topics_transition(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res);

#endif
