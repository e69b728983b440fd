/* sessions: the handlers of POST/DELETE /v1/sessions and GET /v1/me, and
 * the user object they answer with. Never echoes a password; a token leaves
 * the gateway only in the body of the 201 that created it. */
#ifndef GW_SESSIONS_H
#define GW_SESSIONS_H

#include <jansson.h>
#include "gw.h"

/* {"id","username","role","district","member_id","unit_id","display_name"};
 * member_id/unit_id are null when the user is neither. */
json_t *sessions_user_json(const principal_t *p);

void sessions_create(gw_call_t *call);
void sessions_delete(gw_call_t *call);
void sessions_me(gw_call_t *call);

#endif
