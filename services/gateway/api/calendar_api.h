/* calendar_api: the working-day calendar's routes. GET /v1/calendar/{year}
 * (any signed-in role) reads core.calendar_years/calendar_days through the
 * pool, the JSON built by the SQL; PUT /v1/calendar/{year} (admin, office)
 * is the command intake.PutCalendarYear, forwarded as it is (forward.c puts
 * the path's year in object_id and the actor's home district on it). */
#ifndef GW_CALENDAR_API_H
#define GW_CALENDAR_API_H

#include "gw.h"

#define CALENDAR_BODY_LIMIT (64 * 1024)     /* 366 days fit with room to spare */

/* Required fields of the PUT body. */
extern const char *const calendar_put_required[];

/* GET /v1/calendar/{year}: {"year","present","version","source","updated_at",
 * "days":[{"date","kind","name"}...]}; a year without data is present false,
 * version 0, days []. 400 `year`: out_of_range outside 1970-9999. */
void calendar_get(gw_call_t *call);

#endif
