/* referrals: an item at 督办 referred to a partner office (纪委监委
 * `discipline`, 政府督查室 `government`): the referral row, its timeline
 * and the event referral.created (ReferralChanged, nothing personal) that
 * notify delivers as a signed webhook; and the partner's own status
 * (acknowledged, in_progress, closed: referral.status) through its API key,
 * on its own referrals only (the account's partner code is
 * supervise.partner_accounts). Its machine is data (common/fsm). */
#ifndef LIANXIN_SUPERVISE_REFERRALS_H
#define LIANXIN_SUPERVISE_REFERRALS_H

#include <stdint.h>
#include "cmd.h"
#include "items.h"

extern const fsm_t referral_fsm;

/* 1 when `code` is a partner office's code. */
int referrals_partner_ok(const char *code);

/* Refers `it` to `partner` with the office's `summary`: the row, its first
 * timeline row, referral.created with its audit row; the id into *id.
 * 0, or -1 with res set (409 when already referred to that partner). */
int referrals_create(tx_t *tx, const cmd_ctx_t *ctx, const item_t *it, const char *partner,
                     const char *summary, int64_t *id, cmd_result_t *res);

#endif
