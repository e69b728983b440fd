/* consult_plan: the annual consultation plan (年度协商计划) of a district and
 * year: accepted topics added or removed while it is a draft; issued (dated
 * and frozen); afterwards every addition or removal is an amendment with
 * its reason. Event plan.issued. */
#ifndef LIANXIN_CONSULT_PLAN_H
#define LIANXIN_CONSULT_PLAN_H

#include "cmd.h"

/* consult.Plan (PlanAction; the year is the path's, the event its last
 * segment): add, remove, issue. Answers PlanRef. */
int consult_plan_action(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res);

#endif
