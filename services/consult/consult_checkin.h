/* consult_checkin: check-in (签到) at a consultation with the same signed,
 * time-limited QR link as the office's meetings (common/checkin, scope
 * "<district>/consultation"): the office asks for the link of a scheduled
 * consultation (valid until its end); a member participant posts its token
 * to the consultation's check-in route. Refused: a forged or expired token
 * (403), a token of another consultation or a time outside the window (from
 * consult.checkin_before_min before the start to the end) (409), a member
 * who is not a participant (422). The check-in marks the member present and
 * publishes consultation.attended, as the office's attend does. Never logs a
 * token. */
#ifndef LIANXIN_CONSULT_CHECKIN_H
#define LIANXIN_CONSULT_CHECKIN_H

#include "consult_steps.h"

/* consult.CheckinCode (ConsultationAction, office): ConsultationCheckinCode. */
int consult_checkin_code(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res);

/* The step of the event checkin (consult.Transition, a member, `token`). */
consult_step_fn consult_checkin_in;

#endif
