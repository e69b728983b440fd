/* visits: the intake.RecordVisit command: validate on the loop (a member only
 * among the visit's members, and the request's own content, no I/O; the
 * roles and the district are its row's, intake_handlers.h), execute on the worker inside the group
 * commit, all the batch's visits in one statement (rooms and members
 * checked, the valid visits inserted with the visitor's name and phone,
 * and a home visit's location, sealed (visit_seal.h), their visit.recorded events and audit rows buffered). Never logs
 * or stores the visitor's name or phone in clear. */
#ifndef LIANXIN_VISITS_H
#define LIANXIN_VISITS_H

#include "cmd.h"
#include "config.h"

/* The intake service's state: a block of visit ids (the key ring is
 * intake_app's). */
typedef struct visits visits_t;

/* service_def_t.init: the state. 0, or -1 when out of memory. */
int visits_init(const config_t *cfg, void **app);

/* service_def_t.fini: frees the state. */
void visits_fini(void *app);

/* cmd_handler_t.validate for intake.RecordVisit: 403 forbidden when a
 * member records a visit they are not among the members of
 * (visit_rules_member_ok), 400 validation_failed with fields when
 * the content breaks a rule (visit_rules.h). */
int visits_validate(const cmd_ctx_t *ctx, cmd_result_t *res);

/* cmd_handler_t.execute_many for intake.RecordVisit, n commands at once
 * (the safe mode calls it with n = 1): per command 422 unprocessable with
 * fields "workroom_id" / "member_ids[i]": "not_found" when the room or a
 * member is not in the district (nothing written or buffered for it), else
 * 201 with a VisitRef, the visit inserted and visit.recorded and its audit
 * row buffered. ONE statement for the n visits, plus one for visit ids per
 * ID_BLOCK (256) visits. Returns 0; -1 with 503s when PostgreSQL went away,
 * with 500s when a statement or an allocation failed (the server then runs
 * the batch again one savepoint per command). */
int visits_execute_many(tx_t *tx, const cmd_ctx_t *ctxs, cmd_result_t *const *res, size_t n);

#endif
