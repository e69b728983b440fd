/* refdata: GET /v1/districts/{d}/workrooms, /members, /units, straight
 * from schema core; never writes and never reads another district. */

#include "pgtext.h"
#include "reads.h"
#include "api/core.h"

static const char *const SQL_WORKROOMS =
    "SELECT w.id, w.name, w.kind, w.township, w.head_member_id, w.reception_day,"
    " w.staffs_saturday, coalesce((SELECT array_agg(m.member_id ORDER BY m.member_id)"
    "   FROM core.workroom_members m"
    "   WHERE m.district_code = w.district_code AND m.workroom_id = w.id), '{}')"
    " FROM core.workrooms w WHERE w.district_code = $1 ORDER BY w.id LIMIT 2000";

static const char *const SQL_MEMBERS =
    "SELECT m.id, m.name, m.sector_id, coalesce(s.name, ''), m.party, m.special_committee,"
    " m.liaison_group_id, coalesce(g.name, ''), m.active"
    " FROM core.members m"
    " LEFT JOIN core.sectors s ON s.district_code = m.district_code AND s.id = m.sector_id"
    " LEFT JOIN core.liaison_groups g"
    "   ON g.district_code = m.district_code AND g.id = m.liaison_group_id"
    " WHERE m.district_code = $1 ORDER BY m.id LIMIT 10000";

static const char *const SQL_UNITS =
    "SELECT id, name, kind FROM core.units WHERE district_code = $1 ORDER BY id LIMIT 10000";

static json_t *s_bool(const PGresult *res, int row, int col)
{
    return json_boolean(PQgetvalue(res, row, col)[0] == 't');
}

static json_t *s_workroom(const PGresult *res, int row)
{
    json_t *members = pgtext_id_array(PQgetvalue(res, row, 7));
    json_t *o = json_object();
    int64_t day = 0;
    if (!members || !o || pgtext_int64(PQgetvalue(res, row, 5), &day) != 0) {
        json_decref(members);
        json_decref(o);
        return NULL;
    }
    reads_set(o, "id", pgtext_string_or_null(res, row, 0));
    reads_set(o, "name", pgtext_string_or_null(res, row, 1));
    reads_set(o, "kind", pgtext_string_or_null(res, row, 2));
    reads_set(o, "township", pgtext_string_or_null(res, row, 3));
    reads_set(o, "head_member_id", pgtext_id_or_null(res, row, 4));
    reads_set(o, "reception_day", json_integer(day));
    reads_set(o, "staffs_saturday", s_bool(res, row, 6));
    reads_set(o, "member_ids", members);
    return o;
}

static json_t *s_member(const PGresult *res, int row)
{
    json_t *o = json_object();
    if (!o)
        return NULL;
    reads_set(o, "id", pgtext_string_or_null(res, row, 0));
    reads_set(o, "name", pgtext_string_or_null(res, row, 1));
    reads_set(o, "sector_id", pgtext_id_or_null(res, row, 2));
    reads_set(o, "sector", pgtext_string_or_null(res, row, 3));
    reads_set(o, "party", pgtext_string_or_null(res, row, 4));
    reads_set(o, "special_committee", pgtext_string_or_null(res, row, 5));
    reads_set(o, "liaison_group_id", pgtext_id_or_null(res, row, 6));
    reads_set(o, "liaison_group", pgtext_string_or_null(res, row, 7));
    reads_set(o, "active", s_bool(res, row, 8));
    return o;
}

static json_t *s_unit(const PGresult *res, int row)
{
    json_t *o = json_object();
    if (!o)
        return NULL;
    reads_set(o, "id", pgtext_string_or_null(res, row, 0));
    reads_set(o, "name", pgtext_string_or_null(res, row, 1));
    reads_set(o, "kind", pgtext_string_or_null(res, row, 2));
    return o;
}

static const reads_spec_t s_workrooms = {SQL_WORKROOMS, s_workroom, 0, 0, NULL};
static const reads_spec_t s_members = {SQL_MEMBERS, s_member, 0, 0, NULL};
static const reads_spec_t s_units = {SQL_UNITS, s_unit, 0, 0, NULL};

static void s_run(gw_call_t *call, const reads_spec_t *spec)
{
    const char *params[1] = {reads_district(call)};
    reads_run(call, spec, 0, 1, params);
}

void refdata_workrooms(gw_call_t *call) { s_run(call, &s_workrooms); }
void refdata_members(gw_call_t *call) { s_run(call, &s_members); }
void refdata_units(gw_call_t *call) { s_run(call, &s_units); }
