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

#endif
