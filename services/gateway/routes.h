/* routes: the gateway's route table, as data: method, pattern, the roles
 * admitted, the body limit, the handler, and for commands the command type,
 * its protobuf and its required fields. Changing what a route admits is a
 * change of this table and never of a handler. */
#ifndef GW_ROUTES_H
#define GW_ROUTES_H

#include <stddef.h>
#include "gw.h"

extern const gw_route_t routes_table[];
extern const size_t routes_count;

#endif
