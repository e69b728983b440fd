/* api/intake: intake's routes (see api/intake.h): the route table at the
 * end, the commands it forwards with the body amended, the reads whose SQL
 * builds each item's JSON itself (ids as strings, times in UTC+8, so the C
 * here only passes text through), and the exports: duties.ics (RFC 5545:
 * CRLF, folded lines, one UID per duty, Asia/Shanghai times; with a bearer
 * token or, for calendar apps, the member's feed token: auth/feeds.h), a
 * room's log.csv and the report statistics as CSV (UTF-8 with BOM, Chinese
 * headers, CRLF, RFC 4180 quoting). The log is the masked form, paged into a
 * spool file by http/csvstream.c; with ?reveal=visitor (office, admin)
 * intake builds the file with visitors in clear and audits it. Every value
 * is a parameter, never request text. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "api/intake.h"
#include "auth/feeds.h"
#include "forward.h"
#include "grading.pb-c.h"
#include "exports.h"
#include "http/csvstream.h"
#include "http/cursor.h"
#include "intake.pb-c.h"
#include "jsonpb.h"
#include "log.h"
#include "pgpool.h"
#include "pgtext.h"
#include "reads.h"
#include "reports.pb-c.h"
#include "rota.pb-c.h"
#include "textfmt.h"
#include "timeutil.h"
#include "visit_edit.pb-c.h"

#define TS(x) READS_TS(x)

enum {
    SMALL_BODY = 4096,
    OFFICE = ROLE_ADMIN | ROLE_OFFICE,
    WRITERS = ROLE_ADMIN | ROLE_OFFICE | ROLE_MEMBER,
    READERS = ROLE_ADMIN | ROLE_OFFICE | ROLE_LEADER | ROLE_MEMBER,
    LEADERS = ROLE_ADMIN | ROLE_OFFICE | ROLE_LEADER,
};

/* The query parameters each route takes, typed: query_parse refuses a value
 * of the wrong type (and any bad UTF-8) before a handler runs. */
static const char *const s_report_states[] = {"draft", "submitted", "returned", "merged",
                                              "accepted", "forwarded", "authors_told", NULL};
static const char *const s_issue_states[] = {"open", "closed", NULL};
static const char *const s_stats_by[] = {"member", "workroom", "category", NULL};
static const char *const s_reveal_what[] = {"visitor", NULL};
static const query_param_t s_rota_keys[] = {
    QP("month", QP_MONTH), QP("workroom_id", QP_ID), QP("member_id", QP_ID), QP_END};
static const query_param_t s_issues_keys[] = {
    QP("visit_id", QP_ID), QP("grade", QP_ID), QP_ONE_OF("status", s_issue_states), QP_END};
static const query_param_t s_reports_keys[] = {
    QP("q", QP_TEXT), QP_ONE_OF("state", s_report_states), QP("limit", QP_LIMIT),
    QP("cursor", QP_CURSOR), QP_END};
static const query_param_t s_stats_keys[] = {
    QP_ONE_OF("by", s_stats_by), QP("period", QP_TEXT), QP_END};
static const query_param_t s_log_keys[] = {
    QP("from", QP_DATE), QP("to", QP_DATE), QP_ONE_OF("reveal", s_reveal_what), QP_END};
static const query_param_t s_month_key[] = {QP("month", QP_MONTH), QP_END};
static const query_param_t s_feed_keys[] = {QP("token", QP_TOKEN), QP_END};
static const char *const s_visit_fields[] = {
    "workroom_id", "received_at", "member_ids", "summary", "category", NULL,
};
static const char *const s_month_field[] = {"month", NULL};
static const char *const s_reason_field[] = {"reason", NULL};
static const char *const s_swap_field[] = {"with_rota_id", NULL};
static const char *const s_status_field[] = {"status", NULL};
static const char *const s_dates_field[] = {"dates", NULL};
static const char *const s_grade_fields[] = {"summary", "importance", "difficulty", NULL};
static const char *const s_override_fields[] = {"grade", "reason", NULL};
static const char *const s_report_fields[] = {"title", "category", NULL};
const query_param_t api_intake_visits_keys[] = {
    QP("workroom_id", QP_ID), QP("from", QP_TIME), QP("to", QP_TIME),
    QP_PB_ENUM("category", &lianxin__v1__visit_category__descriptor),
    QP("limit", QP_LIMIT), QP("cursor", QP_CURSOR), QP_END};

/* ---- commands --------------------------------------------------------------------- */

static void s_merge_query(gw_call_t *call, json_t *body)
{
    for (int i = 0; i < call->query.n; i++)
        if (!json_object_get(body, call->query.kv[i].key))
            json_object_set_new(body, call->query.kv[i].key,
                                json_string(call->query.kv[i].value));
}

static void s_forward_with_query(gw_call_t *call)
{
    json_t *body;
    if (gw_call_body_json(call, &body) != 0)
        return;
    s_merge_query(call, body);
    forward_handle_json(call, body);
}

/* ---- visits -------------------------------------------------------------------------- */

/* Each visit as JSON built by the SQL, from the masked visitor columns only
 * (the sealed ones are only asked whether they are NULL: anonymous), then
 * its keyset position: received_at as integer microseconds, and the id. */
#define VISIT_JSON                                                                          \
    "SELECT json_build_object('id', v.id::text, 'workroom_id', v.workroom_id::text,"         \
    " 'workroom_name', w.name, 'kind', v.kind, 'received_at', " TS("v.received_at") ","      \
    " 'member_ids', v.member_ids::text[],"                                                   \
    " 'visitor', CASE WHEN v.visitor_name IS NULL AND v.visitor_phone IS NULL THEN NULL"     \
    "   ELSE json_build_object('name', coalesce(v.visitor_name_masked, ''),"                 \
    "   'phone', coalesce(v.visitor_phone_masked, '')) END,"                                 \
    " 'summary', v.summary, 'category', v.category, 'location', v.location,"                 \
    " 'on_spot_action', v.on_spot_action, 'promised', v.promised,"                           \
    " 'created_at', " TS("v.created_at") ")::text,"                                          \
    " (extract(epoch from v.received_at) * 1000000)::bigint, v.id"                           \
    " FROM intake.visits v JOIN core.workrooms w"                                            \
    " ON w.district_code = v.district_code AND w.id = v.workroom_id"

/* 'epoch' + n microseconds is exact, unlike to_timestamp(double). */
#define US(p) "('epoch'::timestamptz + " p "::bigint * interval '1 microsecond')"

static const char *const SQL_VISIT =
    VISIT_JSON " WHERE v.district_code = $1 AND v.id = $2::bigint";

static const char *const SQL_VISITS =
    VISIT_JSON " WHERE v.district_code = $1"
    " AND ($2::bigint IS NULL OR v.workroom_id = $2::bigint)"
    " AND ($3::bigint IS NULL OR v.received_at >= " US("$3") ")"
    " AND ($4::bigint IS NULL OR v.received_at < " US("$4") ")"
    " AND ($5::text IS NULL OR v.category = $5::text)"
    " AND ($6::bigint IS NULL OR (v.received_at, v.id) < (" US("$6") ", $7::bigint))"
    " ORDER BY v.received_at DESC, v.id DESC LIMIT $8::int";

static void s_visit_key(const PGresult *res, int row, int64_t *a, int64_t *b)
{
    pgtext_int64(PQgetvalue(res, row, 1), a);
    pgtext_int64(PQgetvalue(res, row, 2), b);
}

static const reads_spec_t s_visit = {.sql = SQL_VISIT, .single = 1};
static const reads_spec_t s_visits = {.sql = SQL_VISITS, .cursor_tag = 'v', .key = s_visit_key};

/* ---- visit filters ------------------------------------------------------------------ */

static int s_fail(const char **field, const char **code, const char *f, const char *c)
{
    *field = f;
    *code = c;
    return -1;
}

/* A bound of the period: RFC 3339, or a date whose midnight (UTC+8) it is;
 * a date as the upper bound means the next midnight. */
static int s_bound(const char *v, int upper, int64_t *us)
{
    if (time_parse(v, us) != 0)
        return -1;
    if (upper && strlen(v) == 10)
        *us += (int64_t) 86400 * 1000000;
    return 0;
}

int api_intake_visits_filter(const query_t *q, api_intake_visits_filter_t *f,
                             const char **field, const char **code)
{
    const char *v;
    int value;
    memset(f, 0, sizeof *f);
    if ((v = query_get(q, "workroom_id")) && query_id(v, &f->workroom_id) != 0)
        return s_fail(field, code, "workroom_id", "invalid");
    if ((v = query_get(q, "from")) && (f->has_from = 1) && s_bound(v, 0, &f->from_us) != 0)
        return s_fail(field, code, "from", "invalid");
    if ((v = query_get(q, "to")) && (f->has_to = 1) && s_bound(v, 1, &f->to_us) != 0)
        return s_fail(field, code, "to", "invalid");
    if (f->has_from && f->has_to && f->from_us >= f->to_us)
        return s_fail(field, code, "to", "out_of_range");
    if ((v = query_get(q, "category"))) {
        if (jsonpb_enum_value(&lianxin__v1__visit_category__descriptor, v, &value) != 0 ||
            value == 0 || strlen(v) >= sizeof f->category)
            return s_fail(field, code, "category", "unknown_value");
        strcpy(f->category, v);
    }
    if (query_limit(query_get(q, "limit"), API_INTAKE_VISITS_LIMIT_DEFAULT,
                    API_INTAKE_VISITS_LIMIT_MAX, &f->limit))
        return s_fail(field, code, "limit", "out_of_range");
    if ((v = query_get(q, "cursor"))) {
        if (cursor_decode(v, 'v', &f->cursor_at_us, &f->cursor_id) != 0)
            return s_fail(field, code, "cursor", "invalid");
        f->has_cursor = 1;
    }
    return 0;
}

/* ---- visit reads ------------------------------------------------------------------ */

void api_intake_visit_get(gw_call_t *call)
{
    const char *params[2] = {reads_district(call), router_param(&call->params, "id")};
    reads_run(call, &s_visit, 0, 2, params);
}

void api_intake_visits_list(gw_call_t *call)
{
    api_intake_visits_filter_t f;
    const char *field, *code;
    char room[24], from[24], to[24], cat[24], cid[24], lim[16];
    if (api_intake_visits_filter(&call->query, &f, &field, &code) != 0) {
        gw_reply_bad_field(call, field, code);
        return;
    }
    snprintf(room, sizeof room, "%lld", (long long) f.workroom_id);
    snprintf(from, sizeof from, "%lld", (long long) f.from_us);
    snprintf(to, sizeof to, "%lld", (long long) f.to_us);
    snprintf(cat, sizeof cat, "%lld", (long long) f.cursor_at_us);
    snprintf(cid, sizeof cid, "%lld", (long long) f.cursor_id);
    snprintf(lim, sizeof lim, "%d", f.limit + 1);
    const char *params[8] = {
        reads_district(call),     f.workroom_id ? room : NULL, f.has_from ? from : NULL,
        f.has_to ? to : NULL,      f.category[0] ? f.category : NULL,
        f.has_cursor ? cat : NULL, f.has_cursor ? cid : NULL,  lim,
    };
    reads_run(call, &s_visits, f.limit, 8, params);
}

/* ---- the rota, a visit's history, issues ----------------------------------------------- */

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

static const reads_spec_t s_rota = {.sql = SQL_ROTA_TEXT};

static void s_rota_list(gw_call_t *call)
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

static void s_visit_history_get(gw_call_t *call)
{
    static const reads_spec_t spec = {.sql = SQL_HISTORY, .single = 1};
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

static void s_issues_list(gw_call_t *call)
{
    static const reads_spec_t spec = {
        .sql = "SELECT " ISSUE_JSON " AND ($3::bigint IS NULL OR i.visit_id = $3::bigint)"
        " AND ($4::int IS NULL OR i.grade = $4::int) AND ($5::text IS NULL OR i.status = $5)"
        " ORDER BY i.id DESC LIMIT 500"};
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

static void s_issue_get(gw_call_t *call)
{
    static const reads_spec_t spec = {.sql = "SELECT " ISSUE_JSON " AND i.id = $3::bigint",
                                      .single = 1};
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

static void s_reports_list(gw_call_t *call)
{
    static const reads_spec_t spec = {.sql = SQL_REPORTS, .cursor_tag = 'r', .key = reads_key_id};
    char me[24], cur[24], lim[16];
    int limit;
    const char *q = query_get(&call->query, "q");
    const char *p[6] = {reads_district(call), s_member_param(call, me), q && *q ? q : NULL,
                        query_get(&call->query, "state"), NULL, lim};
    if (reads_page(call, 'r', lim, cur, &p[4], &limit) == 0)
        reads_run(call, &spec, limit, 6, p);
}

static const char *const SQL_REPORT =
    "SELECT json_build_object(" REPORT_SUMMARY ", 'facts', r.facts, 'analysis', r.analysis,"
    " 'suggestions', r.suggestions, 'comments', r.comments,"
    " 'merged_into', r.merged_into::text, 'source_proposal_id', r.source_proposal_id::text,"
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

static void s_report_get(gw_call_t *call)
{
    static const reads_spec_t spec = {.sql = SQL_REPORT, .single = 1};
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

int api_intake_period(const char *period, char from[11], char to[11])
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

/* The statistics: rank, key, name, submitted, accepted, adopted,
 * instructions (the CSV export reads these columns). */
#define STATS_SQL                                                                             \
    "WITH base AS (SELECT r.id, r.workroom_id, r.category,"                                   \
    "   " IN_PERIOD("r.submitted_at") " AS sub, " IN_PERIOD("r.accepted_at") " AS acc,"       \
    "   (r.adopted_on >= $2::date AND r.adopted_on < $3::date) AS ado,"                       \
    "   (SELECT count(*) FROM intake.report_instructions i"                                   \
    "    WHERE i.district_code = r.district_code"                                             \
    "    AND i.report_id = r.id AND i.given_on >= $2::date AND i.given_on < $3::date) AS ins" \
    "   FROM intake.reports r WHERE r.district_code = $1 AND r.state <> 'draft'),"            \
    " keyed AS (SELECT CASE $4 WHEN 'member' THEN a.member_id::text"                          \
    "   WHEN 'workroom' THEN b.workroom_id::text ELSE b.category END AS key, b.*"             \
    "   FROM base b LEFT JOIN intake.report_authors a ON $4 = 'member'"                       \
    "   AND a.district_code = $1 AND a.report_id = b.id),"                                    \
    " agg AS (SELECT key, count(*) FILTER (WHERE sub) AS submitted,"                          \
    "   count(*) FILTER (WHERE acc) AS accepted, count(*) FILTER (WHERE ado) AS adopted,"     \
    "   coalesce(sum(ins), 0)::bigint AS instructions FROM keyed GROUP BY key)"               \
    " SELECT rank() OVER (ORDER BY adopted DESC, instructions DESC, accepted DESC,"           \
    "   submitted DESC) AS rank, coalesce(key, '') AS key,"                                   \
    "   coalesce(CASE $4 WHEN 'member' THEN (SELECT m.name FROM core.members m"               \
    "     WHERE m.district_code = $1 AND m.id::text = key)"                                   \
    "   WHEN 'workroom' THEN (SELECT w.name FROM core.workrooms w"                            \
    "     WHERE w.district_code = $1 AND w.id::text = key) ELSE key END, '') AS name,"        \
    "   submitted, accepted, adopted, instructions"                                           \
    " FROM agg WHERE submitted + accepted + adopted + instructions > 0"                       \
    " ORDER BY 1, 2 LIMIT 20000"

/* The statistics' rows as JSON, for the read; the CSV export reads STATS_SQL's
 * columns. */
static const char SQL_STATS_JSON[] =
    "SELECT json_build_object('rank', s.rank, 'key', s.key, 'name', s.name,"
    " 'submitted', s.submitted, 'accepted', s.accepted, 'adopted', s.adopted,"
    " 'instructions', s.instructions)::text FROM (" STATS_SQL ") s ORDER BY s.rank, s.key";

/* by and period from the query (defaults: member, this year). 0, or -1
 * after answering 400. */
static int s_stats_params(gw_call_t *call, char from[11], char to[11], const char **by)
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
    if (api_intake_period(period, from, to) != 0) {
        gw_reply_bad_field(call, "period", "invalid");
        return -1;
    }
    return 0;
}

static void s_stats_get(gw_call_t *call)
{
    static const reads_spec_t spec = {.sql = SQL_STATS_JSON};
    char from[11], to[11];
    const char *by;
    if (s_stats_params(call, from, to, &by) != 0)
        return;
    const char *p[4] = {reads_district(call), from, to, by};
    reads_run(call, &spec, 0, 4, p);
}

/* ---- exports: files built from one pool query ------------------------------------------ */

/* ---- iCalendar ------------------------------------------------------------------------ */

static const char *const SQL_DUTIES =
    "SELECT r.id, to_char(r.duty_date, 'YYYYMMDD'), w.name, w.township, r.status,"
    " to_char(r.updated_at AT TIME ZONE 'UTC', 'YYYYMMDD\"T\"HH24MISS\"Z\"'), r.workroom_id"
    " FROM intake.rota r JOIN core.workrooms w"
    " ON w.district_code = r.district_code AND w.id = r.workroom_id"
    " WHERE r.district_code = $1 AND r.member_id = $2::bigint"
    " AND r.status IN ('published', 'confirmed', 'served', 'absent', 'excused')"
    " ORDER BY r.duty_date, r.id LIMIT $3::int";

static const char *const SQL_MEMBER_EXISTS =
    "SELECT 1 FROM core.members WHERE district_code = $1 AND id = $2::bigint";

static void s_vevent(gw_call_t *call, const PGresult *res, int i, textbuf_t *b)
{
    char uid[96], start[32], end[32];
    const char *status = PQgetvalue(res, i, 4);
    textbuf_t t;
    snprintf(uid, sizeof uid, "rota-%s-%s@lianxin", reads_district(call), PQgetvalue(res, i, 0));
    snprintf(start, sizeof start, "%sT090000", PQgetvalue(res, i, 1));
    snprintf(end, sizeof end, "%sT170000", PQgetvalue(res, i, 1));
    textfmt_ics_line(b, "BEGIN", "VEVENT");
    textfmt_ics_line(b, "UID", uid);
    textfmt_ics_line(b, "DTSTAMP", PQgetvalue(res, i, 5));
    textfmt_ics_line(b, "DTSTART;TZID=Asia/Shanghai", start);
    textfmt_ics_line(b, "DTEND;TZID=Asia/Shanghai", end);
    textbuf_init(&t);
    textbuf_puts(&t, "委员接待日值班：");
    textfmt_ics_text(&t, PQgetvalue(res, i, 2));
    textfmt_ics_line(b, "SUMMARY", t.data);
    textbuf_free(&t);
    textbuf_init(&t);
    textfmt_ics_text(&t, PQgetvalue(res, i, 2));
    if (PQgetvalue(res, i, 3)[0]) {
        textbuf_puts(&t, "\\, ");
        textfmt_ics_text(&t, PQgetvalue(res, i, 3));
    }
    textfmt_ics_line(b, "LOCATION", t.data);
    textbuf_free(&t);
    textfmt_ics_line(b, "STATUS", strcmp(status, "excused") == 0     ? "CANCELLED"
                                  : strcmp(status, "published") == 0 ? "TENTATIVE"
                                                                     : "CONFIRMED");
    textfmt_ics_line(b, "END", "VEVENT");
}

static void s_render_ics(gw_call_t *call, const PGresult *res, textbuf_t *b)
{
    textfmt_ics_begin(b, "-//Lianxin//Duty rota//ZH", "委员接待日值班");
    int n = PQntuples(res) < call->gw->set.ics_max_events ? PQntuples(res)
                                                          : call->gw->set.ics_max_events;
    for (int i = 0; i < n; i++)
        s_vevent(call, res, i, b);
    textfmt_ics_line(b, "END", "VCALENDAR");
}

static void s_duties_file(gw_call_t *call)
{
    char limit[16];
    snprintf(limit, sizeof limit, "%d", call->gw->set.ics_max_events + 1);
    const char *p[3] = {reads_district(call), router_param(&call->params, "id"), limit};
    reads_export(call, SQL_DUTIES, 3, p, s_render_ics, "text/calendar; charset=utf-8",
                 "duties.ics", call->gw->set.ics_max_events);
}

/* The member's own (or, for the office, anyone's) duties; 404 for a member
 * the district does not have, never an empty calendar that looks right. */
static void s_duties_ics(gw_call_t *call)
{
    const char *id = router_param(&call->params, "id");
    char own[24];
    snprintf(own, sizeof own, "%lld", (long long) call->who.member_id);
    if ((strcmp(call->who.role, "member") == 0 || strcmp(call->who.role, "feed") == 0) &&
        strcmp(own, id ? id : "") != 0) {
        gw_reply_error(call, 403, NULL, "only your own duties", NULL);
        return;
    }
    exports_when_exists(call, SQL_MEMBER_EXISTS, id, "member", s_duties_file);
}

/* ---- the public-opinion log ------------------------------------------------------------- */

static int s_date_ok(const char *v)
{
    int64_t us;
    return v == NULL || (strlen(v) == 10 && time_parse(v, &us) == 0);
}

/* The audited export's answer: the CSV intake built, or its error. */
static void s_on_export(const Lianxin__V1__Reply *reply, int err, void *arg)
{
    gw_call_t *call = arg;
    int status;
    if (!gw_call_release(call))
        return;
    if (!reply) {
        gw_reply_error(call, 503, NULL, err == UV_ETIMEDOUT ? "service did not answer in time"
                                                            : "service unavailable", NULL);
        return;
    }
    Lianxin__V1__ExportFile *f = reply->status == 200 && reply->payload_type
        && strcmp(reply->payload_type, "lianxin.v1.ExportFile") == 0
        ? lianxin__v1__export_file__unpack(NULL, reply->payload.len, reply->payload.data) : NULL;
    if (!f) {
        json_t *body = forward_reply_json(reply, &lianxin__v1__export_file__descriptor, &status);
        if (status == 200)
            status = 502;
        gw_reply_json(call, status, body ? body : json_object());
        return;
    }
    char disp[128];
    snprintf(disp, sizeof disp, "attachment; filename=\"%s\"", f->filename ? f->filename : "log.csv");
    const char *h[] = {"Cache-Control", "no-store", "Content-Disposition", disp, NULL};
    http_respond(call->req, 200, "text/csv; charset=utf-8", f->data.data, f->data.len, h);
    lianxin__v1__export_file__free_unpacked(f, NULL);
}

/* ?reveal=visitor: office and admin only, built and audited by intake. */
static void s_export_revealed(gw_call_t *call, const char *from, const char *to)
{
    const char *reveal = query_get(&call->query, "reveal");
    if (strcmp(reveal, "visitor") != 0) {
        gw_reply_bad_field(call, "reveal", "unknown_value");
        return;
    }
    if (strcmp(call->who.role, "office") != 0 && strcmp(call->who.role, "admin") != 0) {
        gw_reply_error(call, 403, NULL, "only office and admin see visitors", NULL);
        return;
    }
    Lianxin__V1__ExportLog msg = LIANXIN__V1__EXPORT_LOG__INIT;
    msg.from = (char *) (from ? from : "");
    msg.to = (char *) (to ? to : "");
    forward_command(call, "intake.ExportLog", &msg.base, s_on_export);
}

static const char *const SQL_ROOM_EXISTS =
    "SELECT 1 FROM core.workrooms WHERE district_code = $1 AND id = $2::bigint";

static void s_log_file(gw_call_t *call)
{
    const char *from = query_get(&call->query, "from"), *to = query_get(&call->query, "to");
    char name[64];
    if (query_get(&call->query, "reveal")) {
        s_export_revealed(call, from, to);
        return;
    }
    const char *room = router_param(&call->params, "id");
    snprintf(name, sizeof name, "log-%s-%s.csv", reads_district(call), room);
    csvstream_log(call, reads_district(call), room, from, to, name);
}

/* A room's log; 404 for a room the district does not have. */
static void s_log_csv(gw_call_t *call)
{
    const char *from = query_get(&call->query, "from"), *to = query_get(&call->query, "to");
    if (!s_date_ok(from) || !s_date_ok(to)) {
        gw_reply_bad_field(call, s_date_ok(from) ? "to" : "from", "invalid");
        return;
    }
    exports_when_exists(call, SQL_ROOM_EXISTS, router_param(&call->params, "id"), "workroom",
                        s_log_file);
}

/* ---- statistics as CSV ------------------------------------------------------------------ */

static void s_render_stats(gw_call_t *call, const PGresult *res, textbuf_t *b)
{
    static const char *const head[] = {"排名", "名称", "编号", "提交", "录用", "采用", "批示"};
    const char *by = query_get(&call->query, "by");
    textbuf_puts(b, "\xEF\xBB\xBF");
    textfmt_csv_row(b, head, 7);
    for (int i = 0; i < PQntuples(res) && !b->failed; i++) {
        const char *name = PQgetvalue(res, i, 2);
        if (by && strcmp(by, "category") == 0)
            name = textfmt_category_zh(name);
        const char *f[7] = {PQgetvalue(res, i, 0), name, PQgetvalue(res, i, 1),
                            PQgetvalue(res, i, 3), PQgetvalue(res, i, 4), PQgetvalue(res, i, 5),
                            PQgetvalue(res, i, 6)};
        textfmt_csv_row(b, f, 7);
    }
}

static void s_stats_csv(gw_call_t *call)
{
    char from[11], to[11];          /* pgpool_query copies the parameters */
    const char *by;
    if (s_stats_params(call, from, to, &by) != 0)
        return;
    const char *p[4] = {reads_district(call), from, to, by};
    reads_export(call, STATS_SQL, 4, p, s_render_stats, "text/csv; charset=utf-8",
                 "report-stats.csv", 0);
}

/* ---- the route table ------------------------------------------------------------------ */

/* A report's transitions: the event is the path's last segment (the report's
 * state machine, in intake, decides who may do what, so every role passes
 * the gateway). */
#define TRANSITION(event)                                                                    \
    {.at = {.method = "POST", .pattern = "/v1/districts/{d}/reports/{id}/" event},             \
     .roles = ROLES_ANY, .body_limit = SMALL_BODY * 4, .body_optional = 1,                    \
     .handler = forward_transition, .command = "intake.ReportTransition",                   \
     .request = &lianxin__v1__report_action__descriptor,                                      \
     .reply = &lianxin__v1__report_ref__descriptor}

/* Route roles are a first filter: intake's command rows declare their roles
 * and district again (its command server answers 403 before the handler),
 * then its handlers check whose row, visit or report it is. The duties feed
 * is the one route flagged ACCESS_FEED_TOKEN. */
static const gw_route_t s_rows[] = {
    {.at = {.method = "POST", .pattern = "/v1/districts/{d}/visits"}, .roles = WRITERS,
     .body_limit = GW_BODY_CONFIG, .handler = forward_handle, .command = "intake.RecordVisit",
     .request = &lianxin__v1__record_visit__descriptor,
     .reply = &lianxin__v1__visit_ref__descriptor, .required = s_visit_fields},
    {.at = {.method = "GET", .pattern = "/v1/districts/{d}/visits"}, .roles = READERS,
     .handler = api_intake_visits_list, .query = api_intake_visits_keys},
    {.at = {.method = "GET", .pattern = "/v1/districts/{d}/visits/{id}"}, .roles = READERS,
     .handler = api_intake_visit_get},
    {.at = {.method = "POST", .pattern = "/v1/districts/{d}/rota/generate"}, .roles = OFFICE,
     .body_limit = SMALL_BODY, .body_optional = 1, .handler = s_forward_with_query,
     .command = "intake.GenerateRota", .request = &lianxin__v1__generate_rota__descriptor,
     .reply = &lianxin__v1__rota_generated__descriptor, .required = s_month_field,
     .query = s_month_key},
    {.at = {.method = "POST", .pattern = "/v1/districts/{d}/rota/publish"}, .roles = OFFICE,
     .body_limit = SMALL_BODY, .body_optional = 1, .handler = s_forward_with_query,
     .command = "intake.PublishRota", .request = &lianxin__v1__publish_rota__descriptor,
     .reply = &lianxin__v1__rota_published__descriptor, .required = s_month_field,
     .query = s_month_key},
    {.at = {.method = "GET", .pattern = "/v1/districts/{d}/rota"}, .roles = ROLES_ANY,
     .handler = s_rota_list, .query = s_rota_keys},
    {.at = {.method = "POST", .pattern = "/v1/districts/{d}/rota/{id}/edit"}, .roles = OFFICE,
     .body_limit = SMALL_BODY, .handler = forward_handle, .command = "intake.EditRotaEntry",
     .request = &lianxin__v1__edit_rota_entry__descriptor,
     .reply = &lianxin__v1__rota_entry__descriptor},
    {.at = {.method = "POST", .pattern = "/v1/districts/{d}/rota/{id}/confirm"}, .roles = WRITERS,
     .body_limit = SMALL_BODY, .body_optional = 1, .handler = forward_handle,
     .command = "intake.ConfirmDuty", .request = &lianxin__v1__rota_entry_no_args__descriptor,
     .reply = &lianxin__v1__rota_entry__descriptor},
    {.at = {.method = "POST", .pattern = "/v1/districts/{d}/rota/{id}/excuse"}, .roles = WRITERS,
     .body_limit = SMALL_BODY, .handler = forward_handle, .command = "intake.ExcuseDuty",
     .request = &lianxin__v1__excuse_duty__descriptor,
     .reply = &lianxin__v1__rota_entry__descriptor, .required = s_reason_field},
    {.at = {.method = "POST", .pattern = "/v1/districts/{d}/rota/{id}/swap"}, .roles = WRITERS,
     .body_limit = SMALL_BODY, .handler = forward_handle, .command = "intake.RequestSwap",
     .request = &lianxin__v1__request_swap__descriptor,
     .reply = &lianxin__v1__rota_entry__descriptor, .required = s_swap_field},
    {.at = {.method = "POST", .pattern = "/v1/districts/{d}/rota/{id}/swap/accept"},
     .roles = WRITERS, .body_limit = SMALL_BODY, .body_optional = 1, .handler = forward_handle,
     .command = "intake.AcceptSwap", .request = &lianxin__v1__rota_entry_no_args__descriptor,
     .reply = &lianxin__v1__rota_entry__descriptor},
    {.at = {.method = "POST", .pattern = "/v1/districts/{d}/rota/{id}/attendance"},
     .roles = OFFICE, .body_limit = SMALL_BODY, .handler = forward_handle,
     .command = "intake.MarkAttendance", .request = &lianxin__v1__mark_attendance__descriptor,
     .reply = &lianxin__v1__rota_entry__descriptor, .required = s_status_field},
    {.at = {.method = "POST", .pattern = "/v1/districts/{d}/members/{id}/unavailable"},
     .roles = WRITERS, .body_limit = SMALL_BODY, .handler = forward_handle,
     .command = "intake.DeclareUnavailable",
     .request = &lianxin__v1__declare_unavailable__descriptor,
     .reply = &lianxin__v1__unavailable_ref__descriptor, .required = s_dates_field},
    {.at = {.method = "GET", .pattern = "/v1/districts/{d}/members/{id}/duties.ics"},
     .roles = READERS | ACCESS_FEED_TOKEN, .handler = s_duties_ics, .query = s_feed_keys,
     .export_file = 1},
    {.at = {.method = "POST", .pattern = "/v1/districts/{d}/members/{id}/feed-token"},
     .roles = WRITERS, .body_limit = SMALL_BODY, .body_optional = 1, .handler = feeds_create},
    {.at = {.method = "DELETE", .pattern = "/v1/districts/{d}/members/{id}/feed-token"},
     .roles = WRITERS, .handler = feeds_revoke},
    {.at = {.method = "POST", .pattern = "/v1/districts/{d}/visits/{id}/edit"}, .roles = WRITERS,
     .body_limit = GW_BODY_CONFIG, .handler = forward_edit, .command = "intake.EditVisit",
     .request = &lianxin__v1__edit_visit__descriptor,
     .reply = &lianxin__v1__visit_edited__descriptor},
    {.at = {.method = "GET", .pattern = "/v1/districts/{d}/visits/{id}/history"},
     .roles = READERS, .handler = s_visit_history_get},
    {.at = {.method = "GET", .pattern = "/v1/districts/{d}/visits/{id}/visitor"}, .roles = OFFICE,
     .body_optional = 1, .handler = forward_handle, .command = "intake.RevealVisitor",
     .request = &lianxin__v1__reveal_visitor__descriptor,
     .reply = &lianxin__v1__revealed_visitor__descriptor},
    {.at = {.method = "POST", .pattern = "/v1/districts/{d}/visits/{id}/issues"},
     .roles = WRITERS, .body_limit = SMALL_BODY * 2, .handler = forward_handle,
     .command = "intake.GradeIssue", .request = &lianxin__v1__grade_issue__descriptor,
     .reply = &lianxin__v1__issue_ref__descriptor, .required = s_grade_fields},
    {.at = {.method = "POST", .pattern = "/v1/districts/{d}/issues/{id}/override"},
     .roles = OFFICE, .body_limit = SMALL_BODY, .handler = forward_handle,
     .command = "intake.OverrideGrade", .request = &lianxin__v1__override_grade__descriptor,
     .reply = &lianxin__v1__issue_ref__descriptor, .required = s_override_fields},
    {.at = {.method = "GET", .pattern = "/v1/districts/{d}/issues"}, .roles = READERS | ROLE_UNIT,
     .handler = s_issues_list, .query = s_issues_keys},
    {.at = {.method = "GET", .pattern = "/v1/districts/{d}/issues/{id}"},
     .roles = READERS | ROLE_UNIT, .handler = s_issue_get},
    {.at = {.method = "GET", .pattern = "/v1/districts/{d}/workrooms/{id}/log.csv"},
     .roles = READERS, .handler = s_log_csv, .query = s_log_keys, .export_file = 1},
    {.at = {.method = "POST", .pattern = "/v1/districts/{d}/reports"}, .roles = WRITERS,
     .body_limit = GW_BODY_CONFIG, .handler = forward_handle, .command = "intake.CreateReport",
     .request = &lianxin__v1__report_draft__descriptor,
     .reply = &lianxin__v1__report_ref__descriptor, .required = s_report_fields},
    {.at = {.method = "GET", .pattern = "/v1/districts/{d}/reports/stats"}, .roles = LEADERS,
     .handler = s_stats_get, .query = s_stats_keys},
    {.at = {.method = "GET", .pattern = "/v1/districts/{d}/reports/stats.csv"}, .roles = LEADERS,
     .handler = s_stats_csv, .query = s_stats_keys, .export_file = 1},
    {.at = {.method = "GET", .pattern = "/v1/districts/{d}/reports"}, .roles = READERS,
     .handler = s_reports_list, .query = s_reports_keys},
    {.at = {.method = "GET", .pattern = "/v1/districts/{d}/reports/{id}"}, .roles = READERS,
     .handler = s_report_get},
    {.at = {.method = "POST", .pattern = "/v1/districts/{d}/reports/{id}/edit"}, .roles = WRITERS,
     .body_limit = GW_BODY_CONFIG, .handler = forward_edit, .command = "intake.EditReport",
     .request = &lianxin__v1__report_draft__descriptor,
     .reply = &lianxin__v1__report_ref__descriptor},
    TRANSITION("submit"),
    TRANSITION("resubmit"),
    TRANSITION("return"),
    TRANSITION("merge"),
    TRANSITION("accept"),
    TRANSITION("forward"),
    TRANSITION("adopt"),
    TRANSITION("instruct"),
    TRANSITION("tell-authors"),
};

const gw_routes_t api_intake_routes = GW_ROUTES(s_rows);
