/* api/consult: the routes of lianxin-consult's data: topics and their
 * screening, the annual plan (JSON, CSV), venues, consultations and every
 * event of one (forwarded as commands; the machines in the service decide
 * who may do what and when), suggest-slots (a command: the scheduler is the
 * service's), the iCalendar feeds per member and per venue, and the public
 * notice (公示), the one route open without logging in. */
#ifndef GW_API_CONSULT_H
#define GW_API_CONSULT_H

#include "gw.h"

extern const gw_routes_t api_consult_routes;

#endif
