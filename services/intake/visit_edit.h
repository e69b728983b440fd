/* visit_edit: intake.EditVisit (an edit keeps history: one row of
 * intake.visit_history per edit with who, when, and each changed field's
 * old and new value, the visitor only in masked form) and
 * intake.RevealVisitor (the visitor's name and phone in clear for office
 * and admin, each read writing an audit row). Never logs visitor data. */
#ifndef LIANXIN_VISIT_EDIT_H
#define LIANXIN_VISIT_EDIT_H

#include <stddef.h>
#include <libpq-fe.h>
#include "cmd.h"

/* Roles admin, office, member (the row); a member only on visits they took
 * part in, checked here. */
int visit_edit_execute(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res);

/* Roles admin and office only (the row). */
int visit_reveal_execute(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res);

/* intake.ExportLog (log_export.c): the room's log as CSV with visitors in
 * clear, office and admin only (the row), one audit row per export. */
int log_export_execute(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res);

#endif
