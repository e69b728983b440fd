/* refdata: the reference data the console needs, read-only from schema
 * core: a district's work rooms (with their members), members and units.
 * Bounded lists, no pagination: a district has tens of rooms and hundreds of
 * members at most (the queries cap them). Never writes. */
#ifndef GW_REFDATA_H
#define GW_REFDATA_H

#include "gw.h"

void refdata_workrooms(gw_call_t *call);
void refdata_members(gw_call_t *call);
void refdata_units(gw_call_t *call);

#endif
