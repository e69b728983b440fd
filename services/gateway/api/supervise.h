/* api/supervise: the routes of lianxin-supervise's data: the tracked items
 * (list, one with its timeline, the figures, items.csv) and their
 * transitions (forwarded as commands; the machine in the service decides
 * who may do what), the referrals as the office and as a partner (its API
 * key: only what was referred to it, nothing personal) and the partner's
 * status. Every value is a parameter. */
#ifndef GW_API_SUPERVISE_H
#define GW_API_SUPERVISE_H

#include "gw.h"

extern const gw_routes_t api_supervise_routes;

#endif
