/* calendar_api: the read of one year of the calendar (see calendar_api.h). The SQL
 * builds the whole answer; the year travels as a parameter. */
#include <stdlib.h>
#include "api/calendar_api.h"
#include "reads.h"

const char *const calendar_put_required[] = {"days", NULL};

static const char *const SQL_YEAR =
    "SELECT json_build_object('year', q.year, 'present', y.year IS NOT NULL,"
    " 'version', coalesce(y.version, 0), 'source', y.source,"
    " 'updated_at', " READS_TS("y.updated_at") ","
    " 'days', coalesce((SELECT json_agg(json_build_object('date', d.day::text,"
    "   'kind', d.kind, 'name', d.name) ORDER BY d.day)"
    "   FROM core.calendar_days d WHERE d.year = q.year), '[]'::json))::text"
    " FROM (SELECT $1::int AS year) q LEFT JOIN core.calendar_years y ON y.year = q.year";

void calendar_get(gw_call_t *call)
{
    static const reads_spec_t spec = {SQL_YEAR, reads_row_json, 1, 0, NULL};
    const char *year = router_param(&call->params, "year");
    long y = year ? strtol(year, NULL, 10) : 0;
    if (y < 1970 || y > 9999) {
        gw_reply_bad_field(call, "year", "out_of_range");
        return;
    }
    const char *p[1] = {year};
    reads_run(call, &spec, 0, 1, p);
}
