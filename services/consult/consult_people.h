/* consult_people: the events of a consultation about people (see
 * consult_steps.h): adding a participant of 6+X (a member, a CPPCC leader,
 * or a contact by name and organisation), a member's or leader's answer to
 * the invitation, a participant's written opinion (online form, within its
 * window), attendance (consultation.attended) and outcomes assigned to a
 * unit (consultation.outcome_assigned, due dates in calendar months). */
#ifndef LIANXIN_CONSULT_PEOPLE_H
#define LIANXIN_CONSULT_PEOPLE_H

#include "consult_steps.h"

consult_step_fn consult_people_add;
consult_step_fn consult_people_answer;
consult_step_fn consult_people_opinion;
consult_step_fn consult_people_attend;
consult_step_fn consult_people_outcome;

/* Sets member `member_id`'s attendance at `c` to `status` (present, absent,
 * leave) and publishes consultation.attended with the audit row `action`;
 * c->item is the participant's number. 0, or -1 with res set (422
 * member_id when not a participant). Used by attend and the check-in. */
int consult_people_mark(tx_t *tx, const cmd_ctx_t *ctx, consultation_t *c, int64_t member_id,
                        const char *status, const char *action, cmd_result_t *res);

#endif
