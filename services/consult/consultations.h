/* consultations: creating a consultation (office), every event of one
 * through the machine (consult.Transition: the gate, the event's handler,
 * the recorded change and the reply), and the draft micro-consultation born
 * from intake's issue.micro_consultation_requested, once per issue however
 * often the event is delivered. */
#ifndef LIANXIN_CONSULTATIONS_H
#define LIANXIN_CONSULTATIONS_H

#include "cmd.h"
#include "envelope.pb-c.h"

/* consult.Create (ConsultationDraft, office). */
int consultations_create(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res);

/* consult.Transition (ConsultationAction, its event from the path). */
int consultations_transition(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res);

/* The route of issue.micro_consultation_requested (IssueRouted). */
int consultations_from_issue(tx_t *tx, const Lianxin__V1__Event *ev,
                             const ProtobufCMessage *msg, void *app);

#endif
