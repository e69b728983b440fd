/* consult_steps: the handlers of a consultation's events (the machine's
 * rows, consult_fsm.h), each called after the gate passed with the loaded
 * consultation: the step gates (a topic set, research tasks done or waived,
 * the time and a leader, the minutes), the research tasks, the minutes, the
 * participants and their answers, written opinions, attendance and
 * outcomes. Each returns 0 (the caller records the change and replies), or
 * -1 with res set; one that emits its own event sets *own. */
#ifndef LIANXIN_CONSULT_STEPS_H
#define LIANXIN_CONSULT_STEPS_H

#include "consult_int.h"

typedef int (consult_step_fn)(tx_t *tx, const cmd_ctx_t *ctx, consultation_t *c,
                              const Lianxin__V1__ConsultationAction *a, cmd_result_t *res);

/* The handler of each event (consult_event_t index), NULL for none. */
extern consult_step_fn *const consult_steps[CONSULT_EVENT_COUNT];

/* 1 for the events whose handler buffers its own event (attend, outcome,
 * checkin). */
int consult_steps_own_event(int ev);

#endif
