/* visits: the intake.RecordVisit command: validate on the loop (roles and the
 * request's own content, no I/O), execute on the worker inside the group
 * commit (rooms and members checked, the visit inserted with the visitor's
 * name and phone sealed, the visit.recorded event and the audit row
 * buffered). Never logs or stores the visitor's name or phone in clear. */
#ifndef LIANXIN_VISITS_H
#define LIANXIN_VISITS_H

#include "cmd.h"
#include "config.h"

/* The intake service's state: the sealing key and a block of visit ids. */
typedef struct visits visits_t;

/* service_def_t.init: reads crypto.key (64 hex digits). 0, or -1 (logged)
 * when the key is missing or malformed. */
int visits_init(const config_t *cfg, void **app);

/* service_def_t.fini: wipes the key and frees the state. */
void visits_fini(void *app);

/* cmd_handler_t.validate for intake.RecordVisit: 403 forbidden when the
 * actor may not record this visit, 400 validation_failed with fields when
 * the content breaks a rule (visit_rules.h). */
int visits_validate(const cmd_ctx_t *ctx, cmd_result_t *res);

/* cmd_handler_t.execute for intake.RecordVisit: 422 unprocessable with
 * fields "workroom_id" / "member_ids[i]": "not_found" when the room or a
 * member is not in the district; 503 when PostgreSQL went away; else 201
 * with a VisitRef. One statement per visit (plus one per 64 visits for ids). */
int visits_execute(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res);

#endif
