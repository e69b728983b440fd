/* api/assess: see api/assess.h. The reads are SQL building each item's JSON
 * (ids as strings, times in UTC+8); the year is ?year (four digits), else
 * the business clock's year. A member reads only their own file and the
 * six at least of the liaison group they are the contact of. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "api/assess.h"
#include "assess.pb-c.h"
#include "forward.h"
#include "reads.h"
#include "textfmt.h"
#include "timeutil.h"
#include "calendar.h"

#define TS(x) READS_TS(x)

enum {
    SMALL_BODY = 4096,
    RULES_BODY = 32768,
    CSV_MAX_ROWS = 5000,
    OFFICE = ROLE_ADMIN | ROLE_OFFICE,
    LEADERS = ROLE_ADMIN | ROLE_OFFICE | ROLE_LEADER,
    READERS = ROLE_ADMIN | ROLE_OFFICE | ROLE_LEADER | ROLE_MEMBER,
};

static const query_param_t s_year_keys[] = {QP("year", QP_ID), QP_END};

/* $2: the year asked (s_year): four digits, else no year at all. */
#define YEAR "(CASE WHEN $2::text ~ '^[0-9]{4}$' THEN $2::text::int END)"

/* The API path of an act's source. */
#define LINK "'/v1/districts/' || a.district_code || '/' || CASE a.source" \
             " WHEN 'proposal' THEN 'proposals/' WHEN 'report' THEN 'reports/'" \
             " WHEN 'visit' THEN 'visits/' WHEN 'rota' THEN 'rota/' WHEN 'meeting' THEN 'meetings/'" \
             " WHEN 'consultation' THEN 'consultations/' ELSE 'supervision/activities/' END" \
             " || a.source_id"

static const char *const SQL_FILE =
    "SELECT json_build_object('member_id', m.id::text, 'name', m.name, 'year', " YEAR ","
    " 'group_id', m.liaison_group_id::text, 'group', (SELECT g.name FROM core.liaison_groups g"
    "  WHERE g.district_code = m.district_code AND g.id = m.liaison_group_id),"
    " 'contact_of', (SELECT c.group_id::text FROM assess.group_contacts c"
    "  WHERE c.district_code = m.district_code AND c.member_id = m.id"
    "  AND c.group_id = m.liaison_group_id AND m.active),"
    " 'points', coalesce(f.points, 0), 'missing', f.missing, 'five', f.five,"
    " 'counts', coalesce(f.counts, '{}'), 'plenary_absences', coalesce(f.plenary_absences, 0),"
    " 'activity_absences', coalesce(f.activity_absences, 0),"
    " 'flagged', EXISTS (SELECT 1 FROM assess.flags x WHERE x.district_code = m.district_code"
    "  AND x.year = " YEAR " AND x.member_id = m.id),"
    " 'acts', coalesce((SELECT json_agg(json_build_object('kind', a.kind, 'source', a.source,"
    "  'source_id', a.source_id::text, 'date', a.on_date::text, 'status', a.status,"
    "  'title', a.title, 'link', " LINK ") ORDER BY a.on_date, a.kind, a.source_id)"
    "  FROM assess.acts a WHERE a.district_code = m.district_code AND a.member_id = m.id"
    "  AND a.year = " YEAR "), '[]'),"
    " 'meetings', coalesce((SELECT json_agg(json_build_object('meeting_id', t.id::text,"
    "  'kind', t.kind, 'title', t.title, 'starts_at', " TS("t.starts_at") ","
    "  'status', l.status, 'leave', l.leave) ORDER BY t.starts_at)"
    "  FROM assess.attendance l JOIN assess.meetings t ON t.district_code = l.district_code"
    "  AND t.id = l.meeting_id WHERE l.district_code = m.district_code AND l.member_id = m.id"
    "  AND extract(year FROM t.starts_at AT TIME ZONE 'Asia/Shanghai') = " YEAR "), '[]')"
    ")::text FROM core.members m LEFT JOIN assess.files f ON f.district_code = m.district_code"
    " AND f.year = " YEAR " AND f.member_id = m.id"
    " WHERE m.district_code = $1 AND m.id = $3::bigint";

static const char *const SQL_FILES =
    "SELECT json_build_object('member_id', m.id::text, 'name', m.name,"
    " 'group_id', m.liaison_group_id::text, 'points', coalesce(f.points, 0),"
    " 'missing', f.missing, 'counts', coalesce(f.counts, '{}'),"
    " 'plenary_absences', coalesce(f.plenary_absences, 0),"
    " 'activity_absences', coalesce(f.activity_absences, 0),"
    " 'flagged', x.member_id IS NOT NULL)::text, m.id, m.name, coalesce(f.points, 0),"
    " coalesce(f.missing::text, ''), coalesce(f.counts, '{}')::text,"
    " coalesce(f.plenary_absences, 0) + coalesce(f.activity_absences, 0), x.member_id IS NOT NULL"
    " FROM core.members m LEFT JOIN assess.files f ON f.district_code = m.district_code"
    " AND f.year = " YEAR " AND f.member_id = m.id LEFT JOIN assess.flags x"
    " ON x.district_code = m.district_code AND x.year = " YEAR " AND x.member_id = m.id"
    " WHERE m.district_code = $1 AND m.active AND ($3::bool IS NULL OR x.member_id IS NOT NULL)"
    " ORDER BY coalesce(f.points, 0) DESC, m.id LIMIT 5001";

/* A group's year against the six at least: $3 the group (NULL: the one the
 * caller $4 is the contact of); a member ($4) reads only the group they are
 * the contact of (071) and still an active member of. */
static const char *const SQL_GROUP =
    "SELECT json_build_object('group_id', g.id::text, 'name', g.name, 'year', " YEAR ","
    " 'six', coalesce(s.six, '[]'), 'missed', coalesce(s.missed, 0),"
    " 'judged_on', s.judged_on::text, 'contact', (SELECT json_build_object('member_id',"
    "  c.member_id::text, 'name', o.name) FROM assess.group_contacts c JOIN core.members o"
    "  ON o.district_code = c.district_code AND o.id = c.member_id"
    "  WHERE c.district_code = g.district_code AND c.group_id = g.id),"
    " 'members', ARRAY(SELECT o.id::text FROM core.members o"
    "  WHERE o.district_code = g.district_code AND o.liaison_group_id = g.id AND o.active"
    "  ORDER BY o.id))::text FROM core.liaison_groups g LEFT JOIN assess.groups s"
    " ON s.district_code = g.district_code AND s.year = " YEAR " AND s.group_id = g.id"
    " WHERE g.district_code = $1 AND ($3::bigint IS NULL OR g.id = $3::bigint)"
    " AND ($4::bigint IS NULL OR EXISTS (SELECT 1 FROM assess.group_contacts c"
    "  JOIN core.members o ON o.district_code = c.district_code AND o.id = c.member_id"
    "  AND o.liaison_group_id = c.group_id AND o.active"
    "  WHERE c.district_code = g.district_code AND c.group_id = g.id"
    "  AND c.member_id = $4::bigint)) ORDER BY g.id LIMIT 1";

/* Every liaison group of the district: its year's missed periods and its contact. */
static const char *const SQL_GROUPS =
    "SELECT json_build_object('group_id', g.id::text, 'name', g.name, 'year', " YEAR ","
    " 'missed', s.missed, 'judged_on', s.judged_on::text, 'contact', (SELECT"
    "  json_build_object('member_id', c.member_id::text, 'name', o.name)"
    "  FROM assess.group_contacts c JOIN core.members o ON o.district_code = c.district_code"
    "  AND o.id = c.member_id WHERE c.district_code = g.district_code AND c.group_id = g.id),"
    " 'members', (SELECT count(*) FROM core.members o WHERE o.district_code = g.district_code"
    "  AND o.liaison_group_id = g.id AND o.active))::text FROM core.liaison_groups g"
    " LEFT JOIN assess.groups s ON s.district_code = g.district_code AND s.year = " YEAR
    " AND s.group_id = g.id WHERE g.district_code = $1 ORDER BY g.id LIMIT 500";

static const char *const SQL_SNAPSHOTS =
    "SELECT json_build_object('id', s.id::text, 'kind', s.kind, 'year', s.year,"
    " 'period', s.period, 'published_at', " TS("s.published_at") ","
    " 'members', jsonb_array_length(s.rows))::text, s.id FROM assess.snapshots s"
    " WHERE s.district_code = $1 ORDER BY s.id DESC LIMIT 200";

static const char *const SQL_SNAPSHOT =
    "SELECT json_build_object('id', s.id::text, 'kind', s.kind, 'year', s.year,"
    " 'period', s.period, 'published_at', " TS("s.published_at") ", 'rows', s.rows)::text,"
    " r.member_id, r.name, r.rnk, r.points, r.total, r.missing"
    " FROM assess.snapshots s LEFT JOIN LATERAL jsonb_to_recordset(s.rows) AS r(member_id text,"
    " name text, rnk int, points int, total int, missing int) ON true"
    " WHERE s.district_code = $1 AND s.id = $2::bigint";

static const char *const SQL_MEETINGS =
    "SELECT json_build_object('id', t.id::text, 'kind', t.kind, 'title', t.title,"
    " 'starts_at', " TS("t.starts_at") ", 'ends_at', " TS("t.ends_at") ", 'venue', t.venue,"
    " 'state', t.state, 'invited', (SELECT count(*) FROM assess.attendance l"
    "  WHERE l.district_code = t.district_code AND l.meeting_id = t.id),"
    " 'present', (SELECT count(*) FROM assess.attendance l WHERE l.district_code ="
    "  t.district_code AND l.meeting_id = t.id AND l.status = 'present'),"
    " 'mine', (SELECT json_build_object('status', l.status, 'leave', l.leave)"
    "  FROM assess.attendance l WHERE l.district_code = t.district_code"
    "  AND l.meeting_id = t.id AND l.member_id = $3::bigint))::text, t.id"
    " FROM assess.meetings t WHERE t.district_code = $1"
    " AND extract(year FROM t.starts_at AT TIME ZONE 'Asia/Shanghai') = " YEAR
    " AND ($3::bigint IS NULL OR EXISTS (SELECT 1 FROM assess.attendance l"
    "  WHERE l.district_code = t.district_code AND l.meeting_id = t.id"
    "  AND l.member_id = $3::bigint)) ORDER BY t.starts_at DESC, t.id DESC LIMIT 500";

static const char *const SQL_MEETING =
    "SELECT json_build_object('id', t.id::text, 'kind', t.kind, 'title', t.title,"
    " 'starts_at', " TS("t.starts_at") ", 'ends_at', " TS("t.ends_at") ", 'venue', t.venue,"
    " 'state', t.state, 'lines', coalesce((SELECT json_agg(json_build_object("
    "  'member_id', l.member_id::text, 'name', m.name, 'status', l.status, 'leave', l.leave,"
    "  'leave_reason', CASE WHEN $3::bigint IS NULL OR l.member_id = $3::bigint"
    "   THEN l.leave_reason END, 'checked_in_at', " TS("l.checked_in_at") ","
    "  'note', l.note) ORDER BY l.member_id) FROM assess.attendance l JOIN core.members m"
    "  ON m.district_code = l.district_code AND m.id = l.member_id"
    "  WHERE l.district_code = t.district_code AND l.meeting_id = t.id"
    "  AND ($3::bigint IS NULL OR l.member_id = $3::bigint)), '[]'))::text"
    " FROM assess.meetings t WHERE t.district_code = $1 AND t.id = $2::bigint"
    " AND ($3::bigint IS NULL OR EXISTS (SELECT 1 FROM assess.attendance l"
    "  WHERE l.district_code = t.district_code AND l.meeting_id = t.id"
    "  AND l.member_id = $3::bigint))";

/* ?year, else the year (UTC+8) of the business clock, as a parameter. */
static const char *s_year(const gw_call_t *call, char buf[12])
{
    const char *y = query_get(&call->query, "year");
    int year, month, day;
    if (y)
        return y;
    calendar_day_to_ymd(calendar_day_of_us(time_now_us()), &year, &month, &day);
    snprintf(buf, 12, "%d", year);
    return buf;
}

/* ---- who may read what ---------------------------------------------------------------- */

/* The caller's member id as a parameter when the caller is a member (their
 * reads are narrowed to themselves), else NULL. */
static const char *s_member(const gw_call_t *call, char buf[24])
{
    if (strcmp(call->who.role, "member") != 0)
        return NULL;
    snprintf(buf, 24, "%lld", (long long) call->who.member_id);
    return buf;
}

static void s_file(gw_call_t *call)
{
    char yb[12];
    static const reads_spec_t spec = {.sql = SQL_FILE, .single = 1};
    char me[24];
    const char *id = router_param(&call->params, "id");
    const char *mine = s_member(call, me);
    if (mine && strcmp(mine, id) != 0) {
        gw_reply_error(call, 403, "forbidden", "委员只能查看本人的履职档案", NULL);
        return;
    }
    const char *p[3] = {reads_district(call), s_year(call, yb), id};
    reads_run(call, &spec, 0, 3, p);
}

static void s_my_file(gw_call_t *call)
{
    char yb[12];
    static const reads_spec_t spec = {.sql = SQL_FILE, .single = 1};
    char me[24];
    const char *mine = s_member(call, me);
    if (!mine || call->who.member_id <= 0) {
        gw_reply_error(call, 403, "forbidden", "只有委员本人有履职档案", NULL);
        return;
    }
    const char *p[3] = {reads_district(call), s_year(call, yb), mine};
    reads_run(call, &spec, 0, 3, p);
}

static void s_files(gw_call_t *call)
{
    char yb[12];
    static const reads_spec_t spec = {.sql = SQL_FILES};
    const char *p[3] = {reads_district(call), s_year(call, yb), NULL};
    reads_run(call, &spec, 0, 3, p);
}

static void s_flagged(gw_call_t *call)
{
    char yb[12];
    static const reads_spec_t spec = {.sql = SQL_FILES};
    const char *p[3] = {reads_district(call), s_year(call, yb), "true"};
    reads_run(call, &spec, 0, 3, p);
}

static void s_render_files(gw_call_t *call, const PGresult *res, textbuf_t *b)
{
    static const char *const head[] = {"委员编号", "姓名", "积分", "五个一未完成项",
                                       "各类履职次数", "无故缺席次数", "是否提请审议"};
    (void) call;
    textbuf_puts(b, "\xEF\xBB\xBF");
    textfmt_csv_row(b, head, 7);
    for (int i = 0; i < PQntuples(res) && i < CSV_MAX_ROWS && !b->failed; i++) {
        const char *f[7];
        for (int k = 0; k < 7; k++)
            f[k] = PQgetvalue(res, i, k + 1);
        f[6] = strcmp(f[6], "t") == 0 ? "是" : "否";
        textfmt_csv_row(b, f, 7);
    }
}

static void s_files_csv(gw_call_t *call)
{
    char yb[12];
    const char *p[3] = {reads_district(call), s_year(call, yb), NULL};
    reads_export(call, SQL_FILES, 3, p, s_render_files, "text/csv; charset=utf-8",
                 "member-files.csv", CSV_MAX_ROWS);
}

/* A member reads only the group they are the contact of: 404 for any other
 * (as a meeting they were not invited to). */
static void s_group(gw_call_t *call)
{
    char yb[12];
    static const reads_spec_t spec = {.sql = SQL_GROUP, .single = 1};
    char me[24];
    const char *p[4] = {reads_district(call), s_year(call, yb),
                        router_param(&call->params, "id"), s_member(call, me)};
    reads_run(call, &spec, 0, 4, p);
}

static void s_groups(gw_call_t *call)
{
    char yb[12];
    static const reads_spec_t spec = {.sql = SQL_GROUPS};
    const char *p[2] = {reads_district(call), s_year(call, yb)};
    reads_run(call, &spec, 0, 2, p);
}

/* The group the calling member is the contact of; 404 when none. */
static void s_my_group(gw_call_t *call)
{
    char yb[12], me[24];
    static const reads_spec_t spec = {.sql = SQL_GROUP, .single = 1};
    const char *p[4] = {reads_district(call), s_year(call, yb), NULL, s_member(call, me)};
    if (!p[3] || call->who.member_id <= 0) {
        gw_reply_error(call, 403, "forbidden", "只有联络组的联络人可以查看", NULL);
        return;
    }
    reads_run(call, &spec, 0, 4, p);
}

static void s_snapshots(gw_call_t *call)
{
    static const reads_spec_t spec = {.sql = SQL_SNAPSHOTS};
    const char *p[1] = {reads_district(call)};
    reads_run(call, &spec, 0, 1, p);
}

static void s_snapshot(gw_call_t *call)
{
    static const reads_spec_t spec = {.sql = SQL_SNAPSHOT, .single = 1};
    const char *p[2] = {reads_district(call), router_param(&call->params, "id")};
    reads_run(call, &spec, 0, 2, p);
}

static void s_render_snapshot(gw_call_t *call, const PGresult *res, textbuf_t *b)
{
    static const char *const head[] = {"委员编号", "姓名", "名次", "积分", "履职次数",
                                       "五个一未完成项"};
    (void) call;
    textbuf_puts(b, "\xEF\xBB\xBF");
    textfmt_csv_row(b, head, 6);
    for (int i = 0; i < PQntuples(res) && !b->failed; i++) {
        const char *f[6];
        if (PQgetisnull(res, i, 1))
            continue;
        for (int k = 0; k < 6; k++)
            f[k] = PQgetvalue(res, i, k + 1);
        textfmt_csv_row(b, f, 6);
    }
}

static void s_snapshot_csv(gw_call_t *call)
{
    char name[48];
    const char *p[2] = {reads_district(call), router_param(&call->params, "id")};
    snprintf(name, sizeof name, "snapshot-%.20s.csv", p[1]);
    reads_export(call, SQL_SNAPSHOT, 2, p, s_render_snapshot, "text/csv; charset=utf-8", name,
                 0);
}

static void s_meetings(gw_call_t *call)
{
    char yb[12];
    static const reads_spec_t spec = {.sql = SQL_MEETINGS};
    char me[24];
    const char *p[3] = {reads_district(call), s_year(call, yb), s_member(call, me)};
    reads_run(call, &spec, 0, 3, p);
}

static void s_meeting(gw_call_t *call)
{
    static const reads_spec_t spec = {.sql = SQL_MEETING, .single = 1};
    char me[24];
    const char *p[3] = {reads_district(call), router_param(&call->params, "id"),
                        s_member(call, me)};
    reads_run(call, &spec, 0, 3, p);
}

/* ---- the route table ------------------------------------------------------------------- */

#define CMD(m, path, who, limit, cmd, req, rep)                                                \
    {.at = {.method = m, .pattern = "/v1/districts/{d}/" path}, .roles = (who),                \
     .body_limit = (limit), .handler = forward_handle, .command = "assess." cmd,               \
     .request = &lianxin__v1__##req##__descriptor, .reply = &lianxin__v1__##rep##__descriptor}

static const char *const s_meeting_fields[] = {"kind", "title", "starts_at", "ends_at",
                                               "member_ids", NULL};

static const gw_route_t s_rows[] = {
    {.at = {.method = "GET", .pattern = "/v1/districts/{d}/assess/my-file"},
     .roles = ROLE_MEMBER, .handler = s_my_file, .query = s_year_keys},
    {.at = {.method = "GET", .pattern = "/v1/districts/{d}/assess/files"}, .roles = LEADERS,
     .handler = s_files, .query = s_year_keys},
    {.at = {.method = "GET", .pattern = "/v1/districts/{d}/assess/files.csv"}, .roles = LEADERS,
     .handler = s_files_csv, .query = s_year_keys, .export_file = 1},
    {.at = {.method = "GET", .pattern = "/v1/districts/{d}/assess/files/{id}"}, .roles = READERS,
     .handler = s_file, .query = s_year_keys},
    {.at = {.method = "GET", .pattern = "/v1/districts/{d}/assess/flagged"}, .roles = LEADERS,
     .handler = s_flagged, .query = s_year_keys},
    {.at = {.method = "GET", .pattern = "/v1/districts/{d}/assess/groups/{id}"},
     .roles = READERS, .handler = s_group, .query = s_year_keys},
    {.at = {.method = "GET", .pattern = "/v1/districts/{d}/assess/groups"}, .roles = LEADERS,
     .handler = s_groups, .query = s_year_keys},
    {.at = {.method = "GET", .pattern = "/v1/districts/{d}/assess/my-group"},
     .roles = ROLE_MEMBER, .handler = s_my_group, .query = s_year_keys},
    CMD("PUT", "assess/groups/{id}/contact", OFFICE, SMALL_BODY, "SetGroupContact",
        group_contact, group_contact_ref),
    {.at = {.method = "GET", .pattern = "/v1/districts/{d}/assess/snapshots"}, .roles = LEADERS,
     .handler = s_snapshots},
    {.at = {.method = "GET", .pattern = "/v1/districts/{d}/assess/snapshots/{id}"},
     .roles = LEADERS, .handler = s_snapshot},
    {.at = {.method = "GET", .pattern = "/v1/districts/{d}/assess/snapshots/{id}/csv"},
     .roles = LEADERS, .handler = s_snapshot_csv, .export_file = 1},
    CMD("POST", "assess/snapshots", OFFICE, SMALL_BODY, "PublishSnapshot", publish_snapshot,
        snapshot_ref),
    CMD("PUT", "assess/rules", OFFICE, RULES_BODY, "PutRules", put_rules, rules_ref),
    {.at = {.method = "GET", .pattern = "/v1/districts/{d}/meetings"}, .roles = READERS,
     .handler = s_meetings, .query = s_year_keys},
    {.at = {.method = "GET", .pattern = "/v1/districts/{d}/meetings/{id}"}, .roles = READERS,
     .handler = s_meeting},
    {.at = {.method = "POST", .pattern = "/v1/districts/{d}/meetings"}, .roles = OFFICE,
     .body_limit = SMALL_BODY * 4, .handler = forward_handle, .command = "assess.CreateMeeting",
     .request = &lianxin__v1__meeting_draft__descriptor,
     .reply = &lianxin__v1__meeting_ref__descriptor, .required = s_meeting_fields},
    CMD("POST", "meetings/{id}/leave", ROLE_MEMBER, SMALL_BODY, "AskLeave", leave_action,
        attendance_ref),
    CMD("POST", "meetings/{id}/leave/decide", OFFICE, SMALL_BODY, "DecideLeave", leave_action,
        attendance_ref),
    CMD("POST", "meetings/{id}/attendance", OFFICE, SMALL_BODY, "CorrectAttendance",
        correct_attendance, attendance_ref),
    {.at = {.method = "POST", .pattern = "/v1/districts/{d}/meetings/{id}/checkin-code"},
     .roles = OFFICE, .body_limit = 64, .body_optional = 1, .handler = forward_handle,
     .command = "assess.CheckinCode", .request = &lianxin__v1__checkin_code_request__descriptor,
     .reply = &lianxin__v1__checkin_code__descriptor},
    CMD("POST", "checkin", ROLE_MEMBER, 512, "CheckIn", check_in, attendance_ref),
};

const gw_routes_t api_assess_routes = GW_ROUTES(s_rows);
