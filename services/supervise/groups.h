/* groups: the dispatched supervision groups (派驻监督小组) attached to a
 * unit, their activities with attendance (each member's attendance is
 * supervision.attended, counted in the member files), the recommendation
 * letters (监督建议书) a group issues to its unit (a tracked item: the
 * rectification plan is owed by its due date) and the unit's plan (整改),
 * whose dated milestones become tracked items on the ladder. */
#ifndef LIANXIN_SUPERVISE_GROUPS_H
#define LIANXIN_SUPERVISE_GROUPS_H

#include "cmd.h"

#define GROUP_MEMBERS_MAX 64
#define GROUP_TEXT_MAX 8000
#define GROUP_TITLE_MAX 600
#define PLAN_MILESTONES_MAX 20

int groups_create_validate(const cmd_ctx_t *ctx, cmd_result_t *res);
int groups_create_execute(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res);
int groups_activity_validate(const cmd_ctx_t *ctx, cmd_result_t *res);
int groups_activity_execute(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res);
int groups_letter_validate(const cmd_ctx_t *ctx, cmd_result_t *res);
int groups_letter_execute(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res);
int groups_plan_validate(const cmd_ctx_t *ctx, cmd_result_t *res);
int groups_plan_execute(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res);

#endif
