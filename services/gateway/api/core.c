/* api/core: reference data and the calendar (see api/core.h). Each read is
 * one statement whose rows are JSON texts built by the SQL (ids as strings,
 * times in UTC+8); the district and the year travel as parameters. */

#include <stdlib.h>
#include "api/core.h"
#include "calendar.pb-c.h"
#include "forward.h"
#include "reads.h"

#define CALENDAR_BODY_LIMIT (64 * 1024)     /* 366 days fit with room to spare */

static const char *const SQL_WORKROOMS =
    "SELECT json_build_object('id', w.id::text, 'name', w.name, 'kind', w.kind,"
    " 'township', w.township, 'head_member_id', nullif(w.head_member_id, 0)::text,"
    " 'reception_day', w.reception_day, 'staffs_saturday', w.staffs_saturday,"
    " 'member_ids', ARRAY(SELECT m.member_id::text FROM core.workroom_members m"
    "   WHERE m.district_code = w.district_code AND m.workroom_id = w.id"
    "   ORDER BY m.member_id))::text"
    " FROM core.workrooms w WHERE w.district_code = $1 ORDER BY w.id LIMIT 2000";

static const char *const SQL_MEMBERS =
    "SELECT json_build_object('id', m.id::text, 'name', m.name,"
    " 'sector_id', nullif(m.sector_id, 0)::text, 'sector', coalesce(s.name, ''),"
    " 'party', m.party, 'special_committee', m.special_committee,"
    " 'liaison_group_id', nullif(m.liaison_group_id, 0)::text,"
    " 'liaison_group', coalesce(g.name, ''), 'active', m.active)::text"
    " FROM core.members m"
    " LEFT JOIN core.sectors s ON s.district_code = m.district_code AND s.id = m.sector_id"
    " LEFT JOIN core.liaison_groups g"
    "   ON g.district_code = m.district_code AND g.id = m.liaison_group_id"
    " WHERE m.district_code = $1 ORDER BY m.id LIMIT 10000";

static const char *const SQL_UNITS =
    "SELECT json_build_object('id', id::text, 'name', name, 'kind', kind)::text"
    " FROM core.units WHERE district_code = $1 ORDER BY id LIMIT 10000";

static const char *const SQL_YEAR =
    "SELECT json_build_object('year', q.year, 'present', y.year IS NOT NULL,"
    " 'version', coalesce(y.version, 0), 'source', y.source,"
    " 'updated_at', " READS_TS("y.updated_at") ","
    " 'days', coalesce((SELECT json_agg(json_build_object('date', d.day::text,"
    "   'kind', d.kind, 'name', d.name) ORDER BY d.day)"
    "   FROM core.calendar_days d WHERE d.year = q.year), '[]'::json))::text"
    " FROM (SELECT $1::int AS year) q LEFT JOIN core.calendar_years y ON y.year = q.year";

static const char *const s_calendar_required[] = {"days", NULL};

static const reads_spec_t s_workrooms = {.sql = SQL_WORKROOMS};
static const reads_spec_t s_members = {.sql = SQL_MEMBERS};
static const reads_spec_t s_units = {.sql = SQL_UNITS};
static const reads_spec_t s_year = {.sql = SQL_YEAR, .single = 1};

static void s_district_list(gw_call_t *call, const reads_spec_t *spec)
{
    const char *params[1] = {reads_district(call)};
    reads_run(call, spec, 0, 1, params);
}

static void s_workrooms_get(gw_call_t *call) { s_district_list(call, &s_workrooms); }
static void s_members_get(gw_call_t *call) { s_district_list(call, &s_members); }
static void s_units_get(gw_call_t *call) { s_district_list(call, &s_units); }

/* GET /v1/calendar/{year}: {"year","present","version","source","updated_at",
 * "days":[{"date","kind","name"}...]}; a year without data is present false,
 * version 0, days []. 400 `year`: out_of_range outside 1970-9999. */
static void s_calendar_get(gw_call_t *call)
{
    const char *year = router_param(&call->params, "year");
    long y = year ? strtol(year, NULL, 10) : 0;
    if (y < 1970 || y > 9999) {
        gw_reply_bad_field(call, "year", "out_of_range");
        return;
    }
    const char *p[1] = {year};
    reads_run(call, &s_year, 0, 1, p);
}

static const gw_route_t s_rows[] = {
    {.at = {.method = "GET", .pattern = "/v1/districts/{d}/workrooms"}, .roles = ROLES_ANY,
     .handler = s_workrooms_get},
    {.at = {.method = "GET", .pattern = "/v1/districts/{d}/members"}, .roles = ROLES_ANY,
     .handler = s_members_get},
    {.at = {.method = "GET", .pattern = "/v1/districts/{d}/units"}, .roles = ROLES_ANY,
     .handler = s_units_get},
    {.at = {.method = "GET", .pattern = "/v1/calendar/{year}"}, .roles = ROLES_ANY,
     .handler = s_calendar_get},
    {.at = {.method = "PUT", .pattern = "/v1/calendar/{year}"}, .roles = ROLE_ADMIN | ROLE_OFFICE,
     .body_limit = CALENDAR_BODY_LIMIT, .handler = forward_handle,
     .command = "intake.PutCalendarYear", .request = &lianxin__v1__put_calendar_year__descriptor,
     .reply = &lianxin__v1__calendar_year_ref__descriptor, .required = s_calendar_required},
};

const gw_routes_t api_core_routes = GW_ROUTES(s_rows);
