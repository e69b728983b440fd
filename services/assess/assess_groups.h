/* assess_groups: the liaison groups' side of the files: who a group's
 * contact (联络人) is, set by the office and audited (assess.group_contact);
 * the contact reads the group's year against the six at least (the
 * gateway's GET /assess/groups/{id} and /assess/my-group). Worker thread. */
#ifndef LIANXIN_ASSESS_GROUPS_H
#define LIANXIN_ASSESS_GROUPS_H

#include "cmd.h"

/* PUT /assess/groups/{id}/contact {member_id}: 404 for a group not of the
 * district; 422 member_id when the member is not an active member of the
 * group; 200 GroupContactRef. Replaces the previous contact. */
int assess_groups_contact_execute(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res);

#endif
