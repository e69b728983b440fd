/* api/users: user administration for admins (every district) and office
 * staff (their own district, never an admin or another office account):
 * users (list, create, disable, enable, reset the password), API keys
 * (list, create, revoke), feed tokens (list, revoke), the districts, and
 * the audit trail's verification. The gateway owns schema auth, so these
 * write it directly, each change with its record (authtx). */
#ifndef GW_API_USERS_H
#define GW_API_USERS_H

#include "gw.h"

extern const gw_routes_t api_users_routes;

#endif
