/* rota_cmds: the duty rota's commands (intake.GenerateRota, PublishRota,
 * EditRotaEntry, ConfirmDuty, ExcuseDuty, RequestSwap, AcceptSwap,
 * MarkAttendance, DeclareUnavailable). Who may send each (roles, district)
 * is declared by its row in intake_handlers.h; the handlers run in the group
 * commit and check whose row it is (a member only their own). The plan
 * itself is rota_plan's; this file loads its inputs and stores its output.
 * A conflict answers 409 naming the member, the date and the other room. */
#ifndef LIANXIN_ROTA_CMDS_H
#define LIANXIN_ROTA_CMDS_H

#include "cmd.h"

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
