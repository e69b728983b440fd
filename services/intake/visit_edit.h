/* visit_edit: intake.EditVisit (an edit keeps history: one row of
 * intake.visit_history per edit with who, when, and each changed field's
 * old and new value, the visitor only in masked form) and
 * intake.RevealVisitor (the visitor's name and phone in clear for office
 * and admin, each read writing an audit row). Never logs visitor data. */
#ifndef LIANXIN_VISIT_EDIT_H
#define LIANXIN_VISIT_EDIT_H

#include "cmd.h"

/* Roles admin, office, member (a member only on visits they took part in,
 * checked in execute). */
int visit_edit_validate(const cmd_ctx_t *ctx, cmd_result_t *res);
int visit_edit_execute(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res);

/* Roles admin and office only. */
int visit_reveal_validate(const cmd_ctx_t *ctx, cmd_result_t *res);
int visit_reveal_execute(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res);

#endif
