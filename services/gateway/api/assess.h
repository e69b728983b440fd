/* api/assess: the routes of lianxin-assess's data: a member's file of a
 * year (their own for a member; any for office, leader, admin) with every
 * act and its source, the five ones still missing; a liaison group's six at
 * least; the office's list, the flagged members, CSV; the published
 * snapshots; the meetings with attendance and leave, check-in; the commands
 * forwarded to lianxin-assess. Every value is a parameter. */
#ifndef GW_API_ASSESS_H
#define GW_API_ASSESS_H

#include "gw.h"

extern const gw_routes_t api_assess_routes;

#endif
