/* rota_cmds: the duty rota's commands (intake.GenerateRota, PublishRota,
 * EditRotaEntry, ConfirmDuty, ExcuseDuty, RequestSwap, AcceptSwap,
 * MarkAttendance, DeclareUnavailable). Validate halves check roles only (on
 * the loop, no I/O); execute halves run in the group commit. The plan
 * itself is rota_plan's; this file loads its inputs and stores its output.
 * A conflict answers 409 naming the member, the date and the other room. */
#ifndef LIANXIN_ROTA_CMDS_H
#define LIANXIN_ROTA_CMDS_H

#include "cmd.h"

/* Roles: office and admin (generate, publish, edit, attendance). */
int rota_validate_office(const cmd_ctx_t *ctx, cmd_result_t *res);
/* Roles: member, office and admin (the rest; execute checks whose row). */
int rota_validate_member(const cmd_ctx_t *ctx, cmd_result_t *res);

int rota_generate_execute(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res);
int rota_publish_execute(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res);
int rota_edit_execute(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res);
int rota_confirm_execute(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res);
int rota_excuse_execute(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res);
int rota_swap_execute(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res);
int rota_swap_accept_execute(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res);
int rota_attendance_execute(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res);
int rota_unavailable_execute(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res);

#endif
