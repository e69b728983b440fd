/* api/core: the routes of the installation's reference data in schema core,
 * which every service reads and the console needs: a district's work rooms
 * (with their members), members and units (bounded lists, no pagination: a
 * district has tens of rooms and hundreds of members at most, the queries
 * cap them), and the working-day calendar: GET /v1/calendar/{year} (any
 * signed-in role) and PUT /v1/calendar/{year} (admin, office), the command
 * intake.PutCalendarYear forwarded as it is (forward.c puts the path's year
 * in object_id and the actor's home district on it). Reads only, each a row
 * whose JSON the SQL builds; never reads another district. */
#ifndef GW_API_CORE_H
#define GW_API_CORE_H

#include "gw.h"

extern const gw_routes_t api_core_routes;

#endif
