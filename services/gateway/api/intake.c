/* intake_api: issue 3's command forwarding and JSON reads. The reads' SQL
 * builds each item's JSON itself (ids as strings, times in UTC+8), so the
 * C here only passes text through; every value is a parameter, never
 * request text. See intake_api.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "http/cursor.h"
#include "forward.h"
#include "grading.pb-c.h"
#include "intake.pb-c.h"
#include "api/intake.h"
#include "pgtext.h"
#include "timeutil.h"
#include "reads.h"
#include "reports.pb-c.h"
#include "rota.pb-c.h"
#include "visit_edit.pb-c.h"

#define TS(x) READS_TS(x)

const char *const intake_api_rota_keys[] = {"month", "workroom_id", "member_id", NULL};
const char *const intake_api_month_keys[] = {"month", NULL};
const char *const intake_api_issues_keys[] = {"visit_id", "grade", "status", NULL};
const char *const intake_api_reports_keys[] = {"q", "state", "limit", "cursor", NULL};
const char *const intake_api_stats_keys[] = {"by", "period", NULL};
const char *const intake_api_log_keys[] = {"from", "to", "reveal", NULL};

static const ProtobufCMessageDescriptor *const s_types[] = {
    &lianxin__v1__rota_generated__descriptor, &lianxin__v1__rota_published__descriptor,
    &lianxin__v1__rota_entry__descriptor,     &lianxin__v1__unavailable_ref__descriptor,
    &lianxin__v1__issue_ref__descriptor,      &lianxin__v1__visit_edited__descriptor,
    &lianxin__v1__report_ref__descriptor,     &lianxin__v1__visitor__descriptor,
};

const ProtobufCMessageDescriptor *intake_api_descriptor(const char *name)
{
    for (size_t i = 0; name && i < sizeof s_types / sizeof s_types[0]; i++)
        if (strcmp(s_types[i]->name, name) == 0)
            return s_types[i];
    return NULL;
}

/* ---- commands --------------------------------------------------------------------- */

static void s_merge_query(gw_call_t *call, json_t *body)
{
    for (int i = 0; i < call->query.n; i++)
        if (!json_object_get(body, call->query.kv[i].key))
            json_object_set_new(body, call->query.kv[i].key,
                                json_string(call->query.kv[i].value));
}

/* Refuses a body that names a field the gateway sets itself. */
static int s_reserved(gw_call_t *call, json_t *body, const char *key)
{
    if (!json_object_get(body, key))
        return 0;
    json_decref(body);
    gw_reply_bad_field(call, key, "unknown_field");
    return -1;
}

void intake_api_forward(gw_call_t *call)
{
    json_t *body;
    if (gw_call_body_json(call, &body) != 0)
        return;
    s_merge_query(call, body);
    forward_handle_json(call, body);
}

void intake_api_forward_edit(gw_call_t *call)
{
    json_t *body, *present, *v;
    const char *key;
    if (gw_call_body_json(call, &body) != 0 || s_reserved(call, body, "present") != 0)
        return;
    present = json_array();
    json_object_foreach(body, key, v)
        json_array_append_new(present, json_string(key));
    json_object_set_new(body, "present", present);
    forward_handle_json(call, body);
}

void intake_api_forward_report(gw_call_t *call)
{
    json_t *body;
    char event[32];
    const char *path = http_req_path(call->req), *slash = strrchr(path, '/');
    if (gw_call_body_json(call, &body) != 0 || s_reserved(call, body, "event") != 0)
        return;
    snprintf(event, sizeof event, "%s", slash ? slash + 1 : "");
    for (char *p = event; *p; p++)
        if (*p == '-')
            *p = '_';
    json_object_set_new(body, "event", json_string(event));
    forward_handle_json(call, body);
}

/* ---- reads: SQL builds the JSON ------------------------------------------------------- */

static void s_key_id(const PGresult *res, int row, int64_t *a, int64_t *b)
{
    pgtext_int64(PQgetvalue(res, row, 1), a);
    *b = 0;
}

static const char *s_bool(const gw_call_t *call, const char *const *roles)
{
    for (size_t i = 0; roles[i]; i++)
        if (strcmp(call->who.role, roles[i]) == 0)
            return "t";
    return "f";
}

static const char *const s_office[] = {"office", "admin", NULL};

/* An optional id from the query: NULL when absent; -1 after answering 400. */
static int s_opt_id(gw_call_t *call, const char *key, char out[24], const char **param)
{
    const char *v = query_get(&call->query, key);
    int64_t id;
    *param = NULL;
    if (!v)
        return 0;
    if (query_id(v, &id) != 0) {
        gw_reply_bad_field(call, key, "invalid");
        return -1;
    }
    snprintf(out, 24, "%lld", (long long) id);
    *param = out;
    return 0;
}

static const char SQL_ROTA_TEXT[] =
    "SELECT json_build_object('id', r.id::text, 'workroom_id', r.workroom_id::text,"
    " 'workroom_name', w.name, 'duty_date', r.duty_date::text, 'member_id', r.member_id::text,"
    " 'member_name', m.name, 'status', r.status, 'month', r.month,"
    " 'reason', CASE WHEN $5::bool OR r.member_id = $6::bigint THEN r.reason END)::text"
    " FROM intake.rota r"
    " JOIN core.workrooms w ON w.district_code = r.district_code AND w.id = r.workroom_id"
    " JOIN core.members m ON m.district_code = r.district_code AND m.id = r.member_id"
    " WHERE r.district_code = $1 AND ($2::text IS NULL OR r.month = $2)"
    " AND ($3::bigint IS NULL OR r.workroom_id = $3::bigint)"
    " AND ($4::bigint IS NULL OR r.member_id = $4::bigint) AND (r.status <> 'draft' OR $5::bool)"
    " ORDER BY r.duty_date, r.workroom_id, r.member_id LIMIT 5000";

static const reads_spec_t s_rota = {SQL_ROTA_TEXT, reads_row_json, 0, 0, NULL};

void intake_api_rota(gw_call_t *call)
{
    char room[24], member[24], me[24];
    const char *p[6] = {reads_district(call), query_get(&call->query, "month"), NULL, NULL,
                        s_bool(call, s_office), me};
    int y, m;
    if (p[1] && (sscanf(p[1], "%4d-%2d", &y, &m) != 2 || strlen(p[1]) != 7)) {
        gw_reply_bad_field(call, "month", "invalid");
        return;
    }
    if (s_opt_id(call, "workroom_id", room, &p[2]) != 0
        || s_opt_id(call, "member_id", member, &p[3]) != 0)
        return;
    snprintf(me, sizeof me, "%lld", (long long) call->who.member_id);
    reads_run(call, &s_rota, 0, 6, p);
}

static const char *const SQL_HISTORY =
    "SELECT json_build_object('visit_id', v.id::text, 'version', v.version,"
    " 'items', coalesce((SELECT json_agg(json_build_object('version', h.version,"
    "   'changed_at', " TS("h.changed_at") ", 'changed_by', h.changed_by::text,"
    "   'changed_by_role', h.changed_by_role, 'changes', h.changes) ORDER BY h.version)"
    "   FROM intake.visit_history h WHERE h.district_code = v.district_code"
    "   AND h.visit_id = v.id), '[]'::json))::text"
    " FROM intake.visits v WHERE v.district_code = $1 AND v.id = $2::bigint";

void intake_api_visit_history(gw_call_t *call)
{
    static const reads_spec_t spec = {SQL_HISTORY, reads_row_json, 1, 0, NULL};
    const char *p[2] = {reads_district(call), router_param(&call->params, "id")};
    reads_run(call, &spec, 0, 2, p);
}

#define ISSUE_JSON                                                                          \
    "json_build_object('id', i.id::text, 'visit_id', i.visit_id::text, 'summary', i.summary," \
    " 'importance', i.importance, 'difficulty', i.difficulty,"                               \
    " 'resolved_on_spot', i.resolved_on_spot, 'local', i.local, 'grade', i.grade,"           \
    " 'route', i.route, 'unit_id', i.unit_id::text, 'unit_name', u.name,"                    \
    " 'due_on', i.due_on::text, 'status', i.status, 'override_reason', i.override_reason,"   \
    " 'graded_at', " TS("i.graded_at") ")::text"                                              \
    " FROM intake.issues i LEFT JOIN core.units u"                                            \
    " ON u.district_code = i.district_code AND u.id = i.unit_id"                              \
    " WHERE i.district_code = $1 AND ($2::bigint IS NULL OR i.unit_id = $2::bigint)"

void intake_api_issues(gw_call_t *call)
{
    static const reads_spec_t spec = {
        "SELECT " ISSUE_JSON " AND ($3::bigint IS NULL OR i.visit_id = $3::bigint)"
        " AND ($4::int IS NULL OR i.grade = $4::int) AND ($5::text IS NULL OR i.status = $5)"
        " ORDER BY i.id DESC LIMIT 500", reads_row_json, 0, 0, NULL};
    char unit[24], visit[24];
    const char *g = query_get(&call->query, "grade"), *st = query_get(&call->query, "status");
    const char *p[5] = {reads_district(call), NULL, NULL, g, st};
    if (g && (strlen(g) != 1 || g[0] < '1' || g[0] > '4')) {
        gw_reply_bad_field(call, "grade", "out_of_range");
        return;
    }
    if (st && strcmp(st, "open") != 0 && strcmp(st, "closed") != 0) {
        gw_reply_bad_field(call, "status", "unknown_value");
        return;
    }
    if (strcmp(call->who.role, "unit") == 0) {
        snprintf(unit, sizeof unit, "%lld", (long long) call->who.unit_id);
        p[1] = unit;
    }
    if (s_opt_id(call, "visit_id", visit, &p[2]) != 0)
        return;
    reads_run(call, &spec, 0, 5, p);
}

void intake_api_issue(gw_call_t *call)
{
    static const reads_spec_t spec = {"SELECT " ISSUE_JSON " AND i.id = $3::bigint", reads_row_json,
                                      1, 0, NULL};
    char unit[24];
    const char *p[3] = {reads_district(call), NULL, router_param(&call->params, "id")};
    if (strcmp(call->who.role, "unit") == 0) {
        snprintf(unit, sizeof unit, "%lld", (long long) call->who.unit_id);
        p[1] = unit;
    }
    reads_run(call, &spec, 0, 3, p);
}

/* ---- reports ------------------------------------------------------------------------ */

#define REPORT_NUMBER "CASE WHEN r.number IS NULL THEN '' ELSE '社情-' || r.year || '-' ||" \
                      " lpad(r.number::text, 3, '0') END"

/* Members see the reports they author; everybody else every report past draft. */
#define REPORT_VISIBLE                                                                  \
    " r.district_code = $1 AND CASE WHEN $2::bigint IS NOT NULL THEN EXISTS (SELECT 1"   \
    " FROM intake.report_authors a WHERE a.district_code = r.district_code"              \
    " AND a.report_id = r.id AND a.member_id = $2::bigint) ELSE r.state <> 'draft' END"

#define REPORT_SUMMARY                                                                  \
    "'id', r.id::text, 'number', " REPORT_NUMBER ", 'title', r.title,"                   \
    " 'category', r.category, 'state', r.state, 'workroom_id', r.workroom_id::text,"     \
    " 'adopted', (r.outcomes & 1) <> 0, 'instructed', (r.outcomes & 2) <> 0,"            \
    " 'author_ids', ARRAY(SELECT a.member_id::text FROM intake.report_authors a"         \
    "   WHERE a.district_code = r.district_code AND a.report_id = r.id ORDER BY a.ord),"  \
    " 'created_at', " TS("r.created_at") ", 'submitted_at', " TS("r.submitted_at")

static const char *const SQL_REPORTS =
    "SELECT json_build_object(" REPORT_SUMMARY ")::text, r.id FROM intake.reports r WHERE"
    REPORT_VISIBLE
    " AND ($3::text IS NULL OR (r.title || ' ' || r.facts || ' ' || r.analysis || ' ' ||"
    "  r.suggestions) ILIKE '%' || replace(replace(replace($3, '\\', '\\\\'), '%', '\\%'),"
    "  '_', '\\_') || '%')"
    " AND ($4::text IS NULL OR r.state = $4) AND ($5::bigint IS NULL OR r.id < $5::bigint)"
    " ORDER BY r.id DESC LIMIT $6::int";

static const char *s_member_param(const gw_call_t *call, char buf[24])
{
    if (strcmp(call->who.role, "member") != 0)
        return NULL;
    snprintf(buf, 24, "%lld", (long long) call->who.member_id);
    return buf;
}

void intake_api_reports(gw_call_t *call)
{
    static const reads_spec_t spec = {SQL_REPORTS, reads_row_json, 0, 'r', s_key_id};
    char me[24], cur[24], lim[16];
    int limit;
    int64_t a, b;
    const char *q = query_get(&call->query, "q"), *c = query_get(&call->query, "cursor");
    const char *p[6] = {reads_district(call), s_member_param(call, me), q && *q ? q : NULL,
                        query_get(&call->query, "state"), NULL, lim};
    if (query_limit(query_get(&call->query, "limit"), 20, 100, &limit) != 0) {
        gw_reply_bad_field(call, "limit", "out_of_range");
        return;
    }
    if (c) {
        if (cursor_decode(c, 'r', &a, &b) != 0) {
            gw_reply_bad_field(call, "cursor", "invalid");
            return;
        }
        snprintf(cur, sizeof cur, "%lld", (long long) a);
        p[4] = cur;
    }
    snprintf(lim, sizeof lim, "%d", limit + 1);
    reads_run(call, &spec, limit, 6, p);
}

static const char *const SQL_REPORT =
    "SELECT json_build_object(" REPORT_SUMMARY ", 'facts', r.facts, 'analysis', r.analysis,"
    " 'suggestions', r.suggestions, 'comments', r.comments,"
    " 'merged_into', r.merged_into::text,"
    " 'merged_from', ARRAY(SELECT m.id::text FROM intake.reports m"
    "   WHERE m.district_code = r.district_code AND m.merged_into = r.id ORDER BY m.id),"
    " 'forwarded_to', r.forwarded_to, 'forwarded_on', r.forwarded_on::text,"
    " 'adopted_level', r.adopted_level, 'adopted_on', r.adopted_on::text,"
    " 'told_at', " TS("r.told_at") ","
    " 'visit_ids', ARRAY(SELECT v.visit_id::text FROM intake.report_visits v"
    "   WHERE v.district_code = r.district_code AND v.report_id = r.id ORDER BY v.visit_id),"
    " 'instructions', coalesce((SELECT json_agg(json_build_object('leader', i.leader,"
    "   'date', i.given_on::text, 'text', i.text) ORDER BY i.seq) FROM intake.report_instructions i"
    "   WHERE i.district_code = r.district_code AND i.report_id = r.id), '[]'::json),"
    " 'log', coalesce((SELECT json_agg(json_build_object('event', l.event, 'from', l.from_state,"
    "   'to', l.to_state, 'role', l.actor_role, 'note', l.note, 'at', " TS("l.at") ")"
    "   ORDER BY l.seq) FROM intake.report_log l"
    "   WHERE l.district_code = r.district_code AND l.report_id = r.id), '[]'::json))::text"
    " FROM intake.reports r WHERE" REPORT_VISIBLE " AND r.id = $3::bigint";

void intake_api_report(gw_call_t *call)
{
    static const reads_spec_t spec = {SQL_REPORT, reads_row_json, 1, 0, NULL};
    char me[24];
    const char *p[3] = {reads_district(call), s_member_param(call, me),
                        router_param(&call->params, "id")};
    reads_run(call, &spec, 0, 3, p);
}

/* ---- statistics ---------------------------------------------------------------------- */

/* "YYYY-MM-01" into out (11 bytes). */
static void s_ymd(char out[11], int y, int m)
{
    char tmp[48];
    snprintf(tmp, sizeof tmp, "%04d-%02d-01", y, m);
    memcpy(out, tmp, 10);
    out[10] = '\0';
}

int intake_api_period(const char *period, char from[11], char to[11])
{
    int y, k = 0, used = 0;
    char kind = 0;
    if (!period || sscanf(period, "%4d%n", &y, &used) != 1 || used != 4 || y < 2000 || y > 2100)
        return -1;
    if (period[4] == '\0') {
        s_ymd(from, y, 1);
        s_ymd(to, y + 1, 1);
        return 0;
    }
    if (period[4] != '-' || (period[5] != 'H' && period[5] != 'Q') || period[6] < '1'
        || period[7] != '\0')
        return -1;
    kind = period[5];
    k = period[6] - '0';
    if ((kind == 'H' && k > 2) || (kind == 'Q' && k > 4))
        return -1;
    int months = kind == 'H' ? 6 : 3, m0 = (k - 1) * months + 1, m1 = m0 + months;
    s_ymd(from, y, m0);
    if (m1 > 12)
        s_ymd(to, y + 1, 1);
    else
        s_ymd(to, y, m1);
    return 0;
}

#define IN_PERIOD(x) "(" x " >= ($2::date)::timestamp AT TIME ZONE 'Asia/Shanghai' AND " x \
                     " < ($3::date)::timestamp AT TIME ZONE 'Asia/Shanghai')"

static const char STATS_SQL[] =
    "WITH base AS (SELECT r.id, r.workroom_id, r.category,"
    "   " IN_PERIOD("r.submitted_at") " AS sub, " IN_PERIOD("r.accepted_at") " AS acc,"
    "   (r.adopted_on >= $2::date AND r.adopted_on < $3::date) AS ado,"
    "   (SELECT count(*) FROM intake.report_instructions i WHERE i.district_code = r.district_code"
    "    AND i.report_id = r.id AND i.given_on >= $2::date AND i.given_on < $3::date) AS ins"
    "   FROM intake.reports r WHERE r.district_code = $1 AND r.state <> 'draft'),"
    " keyed AS (SELECT CASE $4 WHEN 'member' THEN a.member_id::text"
    "   WHEN 'workroom' THEN b.workroom_id::text ELSE b.category END AS key, b.*"
    "   FROM base b LEFT JOIN intake.report_authors a ON $4 = 'member'"
    "   AND a.district_code = $1 AND a.report_id = b.id),"
    " agg AS (SELECT key, count(*) FILTER (WHERE sub) AS submitted,"
    "   count(*) FILTER (WHERE acc) AS accepted, count(*) FILTER (WHERE ado) AS adopted,"
    "   coalesce(sum(ins), 0)::bigint AS instructions FROM keyed GROUP BY key)"
    " SELECT rank() OVER (ORDER BY adopted DESC, instructions DESC, accepted DESC,"
    "   submitted DESC), coalesce(key, ''),"
    "   coalesce(CASE $4 WHEN 'member' THEN (SELECT m.name FROM core.members m"
    "     WHERE m.district_code = $1 AND m.id::text = key)"
    "   WHEN 'workroom' THEN (SELECT w.name FROM core.workrooms w"
    "     WHERE w.district_code = $1 AND w.id::text = key) ELSE key END, ''),"
    "   submitted, accepted, adopted, instructions"
    " FROM agg WHERE submitted + accepted + adopted + instructions > 0"
    " ORDER BY 1, 2 LIMIT 20000";

const char *const intake_api_stats_sql = STATS_SQL;

static json_t *s_stats_row(const PGresult *res, int row)
{
    int64_t v[5];
    for (int i = 0; i < 5; i++)
        if (pgtext_int64(PQgetvalue(res, row, i == 0 ? 0 : i + 2), &v[i]) != 0)
            return NULL;
    return json_pack("{s:I, s:s, s:s, s:I, s:I, s:I, s:I}", "rank", (json_int_t) v[0], "key",
                     PQgetvalue(res, row, 1), "name", PQgetvalue(res, row, 2), "submitted",
                     (json_int_t) v[1], "accepted", (json_int_t) v[2], "adopted",
                     (json_int_t) v[3], "instructions", (json_int_t) v[4]);
}

int intake_api_stats_params(gw_call_t *call, char from[11], char to[11], const char **by)
{
    const char *period = query_get(&call->query, "period");
    char year[16];
    *by = query_get(&call->query, "by");
    if (!*by)
        *by = "member";
    if (strcmp(*by, "member") != 0 && strcmp(*by, "workroom") != 0
        && strcmp(*by, "category") != 0) {
        gw_reply_bad_field(call, "by", "unknown_value");
        return -1;
    }
    if (!period) {
        int y = 0;
        time_ymd(time_now_us(), &y, NULL, NULL);    /* this year, on the business clock */
        snprintf(year, sizeof year, "%04d", y % 10000);
        period = year;
    }
    if (intake_api_period(period, from, to) != 0) {
        gw_reply_bad_field(call, "period", "invalid");
        return -1;
    }
    return 0;
}

void intake_api_report_stats(gw_call_t *call)
{
    static const reads_spec_t spec = {STATS_SQL, s_stats_row, 0, 0, NULL};
    char from[11], to[11];
    const char *by;
    if (intake_api_stats_params(call, from, to, &by) != 0)
        return;
    const char *p[4] = {reads_district(call), from, to, by};
    reads_run(call, &spec, 0, 4, p);
}
