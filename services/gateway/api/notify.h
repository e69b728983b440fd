/* api/notify: the routes of lianxin-notify's data, the in-app inbox: GET
 * /v1/districts/{d}/inbox (the caller's own items in notify.items plus the
 * items addressed to the caller's role in the caller's own district,
 * recipient "role:<role>", read state per reader from notify.reads,
 * newest first, keyset-paginated by id) and POST .../inbox/{id}/read (the
 * command notify.MarkRead). Whose items they are comes from the principal
 * (its address, role and district), never from the request. */
#ifndef GW_API_NOTIFY_H
#define GW_API_NOTIFY_H

#include "gw.h"

extern const gw_routes_t api_notify_routes;

#endif
