/* retry: the command notify.RetryDelivery (object_id = the delivery id): the
 * office (or admin) puts a dead delivery back to pending, its tries counted
 * from zero, due now; the channel's sender sends it again with the same
 * idempotency key. 404 for an unknown id in the district, 409 `conflict`
 * with the allowed events for a delivery that is not dead (delivery_fsm),
 * 403 for other roles. Audited (notify.retry on ("delivery", id)). */
#ifndef LIANXIN_NOTIFY_RETRY_H
#define LIANXIN_NOTIFY_RETRY_H

#include "cmd.h"

int retry_validate(const cmd_ctx_t *ctx, cmd_result_t *res);
int retry_execute(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res);

#endif
