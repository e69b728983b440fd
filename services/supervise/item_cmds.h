/* item_cmds: the commands on a tracked item (POST /items/{id}/<event>,
 * supervise.ItemTransition with ItemAction): the unit's answer (the ladder
 * stops), the office's return, close (closure needs the office), reopen
 * (再调研、再协商、再监督, with a new due date), referral to a partner office
 * at 督办, the look-back scheduled and its result (which may reopen); and
 * the partner's status on a referral (supervise.ReferralStatus). Every
 * change is an event with its audit row. */
#ifndef LIANXIN_SUPERVISE_ITEM_CMDS_H
#define LIANXIN_SUPERVISE_ITEM_CMDS_H

#include "cmd.h"

#define ITEM_TEXT_MAX 4000              /* bytes of an answer or a note */
#define ITEM_SUMMARY_MAX 2000           /* bytes of a referral's summary */

int item_cmds_validate(const cmd_ctx_t *ctx, cmd_result_t *res);
int item_cmds_execute(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res);

int referral_status_validate(const cmd_ctx_t *ctx, cmd_result_t *res);
int referral_status_execute(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res);

#endif
