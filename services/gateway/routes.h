/* routes: the gateway's routes, as data: its own rows (health, metrics,
 * sessions, the console) and each service's table (api/<service>.c), joined
 * in one order. A row says method, pattern, the roles admitted, the body
 * limit, the handler, and for commands the command type, its request and
 * reply messages and required fields. Changing what a route admits is a
 * change of a table and never of a handler; adding a service's routes is
 * adding its api/<service>.c and one line in routes.c. */
#ifndef GW_ROUTES_H
#define GW_ROUTES_H

#include <stddef.h>
#include "gw.h"

/* The route of `method` `path`, first match over every table in order (the
 * console's wildcard last): the row with *status 200 and the path's parameters
 * in `params`; or NULL with *status 404 or 405 and `allow` as router_find_in
 * writes them. Pure. */
const gw_route_t *routes_find(const char *method, const char *path, router_params_t *params,
                              int *status, char *allow, size_t allowsz);

/* Every row, in the order routes_find tries them: routes_count() of them,
 * routes_at(i) for i below that (NULL past the end). */
size_t routes_count(void);
const gw_route_t *routes_at(size_t i);

#endif
