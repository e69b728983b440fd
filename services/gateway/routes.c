/* routes: the table. First match wins; the static console is last and only
 * ever answers GET. Roles per api.md: admins, office staff and members
 * record visits; leaders also read them; everybody reads their own inbox,
 * the district's reference data and the calendar, which admins and office
 * staff keep. No route is public unless listed so here. */

#include "api/calendar_api.h"
#include "calendar.pb-c.h"
#include "forward.h"
#include "api/notify.h"
#include "intake.pb-c.h"
#include "notify.pb-c.h"
#include "http/ops.h"
#include "api/core.h"
#include "routes.h"
#include "auth/sessions.h"
#include "http/static.h"
#include "api/visits.h"
#include "api/intake_routes.h"

#define LOGIN_BODY_LIMIT 4096
#define SMALL_BODY_LIMIT 1024

static const char *const s_visit_required[] = {
    "workroom_id", "received_at", "member_ids", "summary", "category", NULL,
};

enum {
    VISIT_WRITERS = ROLE_ADMIN | ROLE_OFFICE | ROLE_MEMBER,
    VISIT_READERS = ROLE_ADMIN | ROLE_OFFICE | ROLE_LEADER | ROLE_MEMBER,
};

const gw_route_t routes_table[] = {
    {{"GET", "/healthz"}, 0, 0, 0, ops_healthz, NULL, NULL, NULL, NULL},
    {{"GET", "/metrics"}, 0, 0, 0, ops_metrics, NULL, NULL, NULL, NULL},
    {{"POST", "/v1/sessions"}, 0, LOGIN_BODY_LIMIT, 0, sessions_create, NULL, NULL, NULL, NULL},
    {{"DELETE", "/v1/sessions"}, ROLES_ANY, 0, 0, sessions_delete, NULL, NULL, NULL, NULL},
    {{"GET", "/v1/me"}, ROLES_ANY, 0, 0, sessions_me, NULL, NULL, NULL, NULL},
    {{"POST", "/v1/districts/{d}/visits"}, VISIT_WRITERS, GW_BODY_CONFIG, 0, forward_handle,
     "intake.RecordVisit", &lianxin__v1__record_visit__descriptor, s_visit_required, NULL},
    {{"GET", "/v1/districts/{d}/visits"}, VISIT_READERS, 0, 0, visits_list, NULL, NULL, NULL,
     visits_list_keys},
    {{"GET", "/v1/districts/{d}/visits/{id}"}, VISIT_READERS, 0, 0, visits_get, NULL, NULL,
     NULL, NULL},
    {{"GET", "/v1/districts/{d}/inbox"}, ROLES_ANY, 0, 0, inbox_list, NULL, NULL, NULL,
     inbox_list_keys},
    {{"POST", "/v1/districts/{d}/inbox/{id}/read"}, ROLES_ANY, SMALL_BODY_LIMIT, 1,
     forward_handle, "notify.MarkRead", &lianxin__v1__mark_read__descriptor, NULL, NULL},
    {{"GET", "/v1/districts/{d}/workrooms"}, ROLES_ANY, 0, 0, refdata_workrooms, NULL, NULL,
     NULL, NULL},
    {{"GET", "/v1/districts/{d}/members"}, ROLES_ANY, 0, 0, refdata_members, NULL, NULL, NULL,
     NULL},
    {{"GET", "/v1/districts/{d}/units"}, ROLES_ANY, 0, 0, refdata_units, NULL, NULL, NULL, NULL},
    INTAKE_ROUTES
    {{"GET", "/v1/calendar/{year}"}, ROLES_ANY, 0, 0, calendar_get, NULL, NULL, NULL, NULL},
    {{"PUT", "/v1/calendar/{year}"}, ROLE_ADMIN | ROLE_OFFICE, CALENDAR_BODY_LIMIT, 0,
     forward_handle, "intake.PutCalendarYear", &lianxin__v1__put_calendar_year__descriptor,
     calendar_put_required, NULL},
    {{"GET", "/*"}, 0, 0, 0, static_serve, NULL, NULL, NULL, NULL},
};

const size_t routes_count = sizeof routes_table / sizeof routes_table[0];
