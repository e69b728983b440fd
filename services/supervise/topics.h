/* topics: the year's supervision topics through the closed chain 征题
 * (proposed) → 选题 (selected) → 破题 (analysed) → 解题 (solving) → 结题
 * (concluded), one stage at a time (a topic not taken up may be dropped
 * before it is analysed); the machine is data (common/fsm). Every step is
 * supervision.topic_<stage> (SupervisionTopicChanged, with the members who raised it: the result
 * goes back to them) and an audit row. */
#ifndef LIANXIN_SUPERVISE_TOPICS_H
#define LIANXIN_SUPERVISE_TOPICS_H

#include "cmd.h"

#define TOPIC_TITLE_MAX 600
#define TOPIC_TEXT_MAX 8000
#define TOPIC_LIST_MAX 64           /* members who raised it, units */

extern const fsm_t topic_fsm;

int topics_create_validate(const cmd_ctx_t *ctx, cmd_result_t *res);
int topics_create_execute(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res);
int topics_step_validate(const cmd_ctx_t *ctx, cmd_result_t *res);
int topics_step_execute(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res);

#endif
