/* assess_publish: what the office fixes for a district: the published
 * snapshots (quarterly counts, the half-year bulletin, the annual ranking),
 * each copied once into assess.snapshots and never changed by later events;
 * and the rules of a year (a new rule recomputes the year's files from the
 * acts already held). Worker thread. */
#ifndef LIANXIN_ASSESS_PUBLISH_H
#define LIANXIN_ASSESS_PUBLISH_H

#include "cmd.h"

int assess_publish_snapshot_execute(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res);
int assess_publish_rules_execute(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res);

#endif
