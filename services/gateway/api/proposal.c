/* api/proposal: lianxin-proposal's routes (see api/proposal.h): the route
 * table at the end, the reads whose SQL builds each item's JSON (ids as
 * strings, times in UTC+8), the CSV files. Who sees a proposal: its
 * proposers (drafts only they), the units while assigned, and office,
 * leader and admin once submitted. Never builds SQL from request text. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "api/proposal.h"
#include "calendar.h"
#include "forward.h"
#include "proposal.pb-c.h"
#include "reads.h"
#include "textfmt.h"
#include "timeutil.h"

#define TS(x) READS_TS(x)

enum {
    CSV_MAX_ROWS = 20000,           /* proposals.csv: more is cut, and says so */
    SMALL_BODY = 4096,
    OFFICE = ROLE_ADMIN | ROLE_OFFICE,
    READERS = ROLE_ADMIN | ROLE_OFFICE | ROLE_LEADER | ROLE_MEMBER | ROLE_UNIT,
    LEADERS = ROLE_ADMIN | ROLE_OFFICE | ROLE_LEADER,
};

/* The query parameters, typed: query_parse refuses a value of the wrong
 * type before a handler runs. */
static const char *const s_states[] = {"draft", "cosigning", "submitted", "refused",
                                       "converted", "merged", "accepted", "assigned",
                                       "handed_back", "replied", "closed", NULL};
static const query_param_t s_list_keys[] = {
    QP_ONE_OF("state", s_states), QP("limit", QP_LIMIT), QP("cursor", QP_CURSOR), QP_END};
static const query_param_t s_year_keys[] = {QP("year", QP_ID), QP_END};
static const char *const s_create_fields[] = {"title", "category", NULL};

/* The human number, 2026-0123 (030: proposal.number_text). */
#define NUMBER "proposal.number_text(p.year, p.number)"

/* $2 the member, $3 the unit (NULL when the caller is neither). */
#define VISIBLE                                                                              \
    " p.district_code = $1 AND CASE WHEN $2::bigint IS NOT NULL THEN EXISTS (SELECT 1"       \
    "  FROM proposal.proposers x WHERE x.district_code = p.district_code"                    \
    "  AND x.proposal_id = p.id AND x.member_id = $2::bigint)"                                \
    " WHEN $3::bigint IS NOT NULL THEN EXISTS (SELECT 1 FROM proposal.assignments a"        \
    "  WHERE a.district_code = p.district_code AND a.proposal_id = p.id"                      \
    "  AND a.unit_id = $3::bigint AND a.ended_at IS NULL)"                                    \
    " ELSE p.state <> 'draft' END"

#define SUMMARY                                                                              \
    "'id', p.id::text, 'number', " NUMBER ", 'title', p.title, 'kind', p.kind,"              \
    " 'category', p.category, 'state', p.state, 'round', p.round,"                           \
    " 'key', (p.flags & 2) <> 0, 'lead_unit_id', p.lead_unit_id::text,"                       \
    " 'due_date', p.due_on::text, 'reply_class', p.reply_class, 'verdict', p.verdict,"        \
    " 'proposer_ids', ARRAY(SELECT x.member_id::text FROM proposal.proposers x"              \
    "   WHERE x.district_code = p.district_code AND x.proposal_id = p.id"                     \
    "   AND x.status IN ('first', 'confirmed') ORDER BY x.ord),"                              \
    " 'created_at', " TS("p.created_at") ", 'submitted_at', " TS("p.submitted_at")

static const char *const SQL_LIST =
    "SELECT json_build_object(" SUMMARY ")::text, p.id FROM proposal.proposals p WHERE" VISIBLE
    " AND ($4::text IS NULL OR p.state = $4) AND ($5::bigint IS NULL OR p.id < $5::bigint)"
    " ORDER BY p.id DESC LIMIT $6::int";

static const char *const SQL_ONE =
    "SELECT json_build_object(" SUMMARY ", 'reasons', p.reasons, 'measures', p.measures,"
    " 'unit_ids', ARRAY(SELECT u::text FROM unnest(p.unit_ids) u), 'session', p.session,"
    " 'collective', p.collective_kind, 'refuse_reason', p.refuse_reason,"
    " 'converted_to', p.converted_to, 'converted_report_id', (SELECT r.id::text FROM"
    "   intake.reports r WHERE r.district_code = p.district_code"
    "   AND r.source_proposal_id = p.id),"
    " 'merged_into', p.merged_into::text, 'merged_from', ARRAY(SELECT m.id::text FROM"
    "   proposal.proposals m WHERE m.district_code = p.district_code AND m.merged_into = p.id"
    "   ORDER BY m.id), 'key_leader', p.key_leader, 'responsible_leader', p.resp_leader,"
    " 'assigned_on', p.assigned_on::text, 'promised_date', p.promised_on::text,"
    " 'proposers', coalesce((SELECT json_agg(json_build_object('member_id', x.member_id::text,"
    "   'status', x.status) ORDER BY x.ord) FROM proposal.proposers x"
    "   WHERE x.district_code = p.district_code AND x.proposal_id = p.id), '[]'::json),"
    " 'units', coalesce((SELECT json_agg(json_build_object('unit_id', a.unit_id::text,"
    "   'lead', a.lead, 'assigned_on', a.assigned_on::text, 'due_date', a.due_on::text,"
    "   'ended', a.ended_at IS NOT NULL, 'end_reason', a.end_reason) ORDER BY a.seq)"
    "   FROM proposal.assignments a WHERE a.district_code = p.district_code"
    "   AND a.proposal_id = p.id), '[]'::json),"
    " 'contacts', coalesce((SELECT json_agg(json_build_object('unit_id', c.unit_id::text,"
    "   'stage', c.stage, 'form', c.form, 'date', c.contact_on::text, 'note', c.note)"
    "   ORDER BY c.seq) FROM proposal.contacts c WHERE c.district_code = p.district_code"
    "   AND c.proposal_id = p.id), '[]'::json),"
    " 'opinions', CASE WHEN $2::bigint IS NULL THEN coalesce((SELECT json_agg(json_build_object("
    "   'unit_id', o.unit_id::text, 'text', o.text, 'sent_at', " TS("o.sent_at") ")"
    "   ORDER BY o.seq) FROM proposal.opinions o WHERE o.district_code = p.district_code"
    "   AND o.proposal_id = p.id), '[]'::json) ELSE '[]'::json END,"
    " 'replies', coalesce((SELECT json_agg(json_build_object('round', r.round,"
    "   'unit_id', r.unit_id::text, 'class', r.class, 'text', r.text,"
    "   'promised_date', r.promised_on::text, 'reason', r.reason,"
    "   'replied_at', " TS("r.replied_at") ") ORDER BY r.round) FROM proposal.replies r"
    "   WHERE r.district_code = p.district_code AND r.proposal_id = p.id), '[]'::json),"
    " 'verdicts', coalesce((SELECT json_agg(json_build_object('round', v.round,"
    "   'verdict', v.verdict, 'reasons', v.reasons, 'given_at', " TS("v.given_at") ")"
    "   ORDER BY v.round) FROM proposal.verdicts v WHERE v.district_code = p.district_code"
    "   AND v.proposal_id = p.id), '[]'::json),"
    " 'timeline', coalesce((SELECT json_agg(json_build_object('event', l.event,"
    "   'from', l.from_state, 'to', l.to_state, 'role', l.actor_role, 'note', l.note,"
    "   'at', " TS("l.at") ") ORDER BY l.seq) FROM proposal.log l"
    "   WHERE l.district_code = p.district_code AND l.proposal_id = p.id), '[]'::json))::text"
    " FROM proposal.proposals p WHERE" VISIBLE " AND p.id = $4::bigint";

static void s_list(gw_call_t *call)
{
    static const reads_spec_t spec = {.sql = SQL_LIST, .cursor_tag = 'p', .key = reads_key_id};
    char mem[24], unit[24], cur[24], lim[16];
    int limit;
    const char *p[6] = {reads_district(call), NULL, NULL, query_get(&call->query, "state"),
                        NULL, lim};
    reads_caller(call, mem, unit, &p[1], &p[2]);
    if (reads_page(call, 'p', lim, cur, &p[4], &limit) == 0)
        reads_run(call, &spec, limit, 6, p);
}

static void s_get(gw_call_t *call)
{
    static const reads_spec_t spec = {.sql = SQL_ONE, .single = 1};
    char mem[24], unit[24];
    const char *p[4] = {reads_district(call), NULL, NULL, router_param(&call->params, "id")};
    reads_caller(call, mem, unit, &p[1], &p[2]);
    reads_run(call, &spec, 0, 4, p);
}

/* ---- rates per unit and year --------------------------------------------------------- */

/* $1 district, $2 year, $3 today (the business clock's date). A unit's
 * proposals of the year are those it leads, assigned that year; overdue: the
 * first reply after the due date, or none and the due date passed. */
static const char *const SQL_RATES =
    "WITH p AS (SELECT p.*, (SELECT (r.replied_at AT TIME ZONE 'Asia/Shanghai')::date FROM"
    "   proposal.replies r WHERE r.district_code = p.district_code AND r.proposal_id = p.id"
    "   AND r.round = 1) AS first_reply FROM proposal.proposals p WHERE p.district_code = $1"
    "   AND p.lead_unit_id IS NOT NULL AND extract(year FROM p.assigned_on) = $2::int),"
    " s AS (SELECT u.id, u.name, count(p.id) AS assigned,"
    "   count(p.id) FILTER (WHERE p.replied_at IS NOT NULL) AS replied,"
    "   count(p.id) FILTER (WHERE p.state = 'closed') AS verdicts,"
    "   count(p.id) FILTER (WHERE p.state = 'closed' AND p.verdict IN ('satisfied',"
    "     'basically_satisfied')) AS satisfied,"
    "   count(p.id) FILTER (WHERE EXISTS (SELECT 1 FROM proposal.contacts c WHERE"
    "     c.district_code = p.district_code AND c.proposal_id = p.id AND c.unit_id = u.id))"
    "     AS contacted,"
    "   count(p.id) FILTER (WHERE p.first_reply > p.due_on OR (p.first_reply IS NULL"
    "     AND p.due_on < $3::date)) AS overdue"
    "   FROM core.units u LEFT JOIN p ON p.lead_unit_id = u.id WHERE u.district_code = $1"
    "   GROUP BY u.id, u.name)"
    " SELECT json_build_object('unit_id', id::text, 'name', name, 'year', $2::int,"
    "   'assigned', assigned, 'replied', replied, 'verdicts', verdicts, 'satisfied', satisfied,"
    "   'contacted', contacted, 'overdue', overdue,"
    "   'reply_rate', round(100.0 * replied / nullif(assigned, 0), 1),"
    "   'satisfaction_rate', round(100.0 * satisfied / nullif(verdicts, 0), 1),"
    "   'contact_rate', round(100.0 * contacted / nullif(assigned, 0), 1))::text, id, name,"
    "   assigned, replied, coalesce(round(100.0 * replied / nullif(assigned, 0), 1)::text, ''),"
    "   coalesce(round(100.0 * satisfied / nullif(verdicts, 0), 1)::text, ''),"
    "   coalesce(round(100.0 * contacted / nullif(assigned, 0), 1)::text, ''), overdue"
    " FROM s ORDER BY id";

/* ?year (default this year) and today, as parameters. 0, or -1 answered. */
static int s_year(gw_call_t *call, char year[8], char today[11])
{
    const char *y = query_get(&call->query, "year");
    calendar_day_t d = calendar_day_of_us(time_now_us());
    calendar_day_format(d, today, 11);
    if (!y) {
        snprintf(year, 8, "%.4s", today);
        return 0;
    }
    char *end;
    long v = strtol(y, &end, 10);
    if (*end || end == y || v < 2000 || v > 2100) {
        gw_reply_bad_field(call, "year", "out_of_range");
        return -1;
    }
    snprintf(year, 8, "%ld", v);
    return 0;
}

static void s_rates(gw_call_t *call)
{
    static const reads_spec_t spec = {.sql = SQL_RATES};
    char year[8], today[11];
    if (s_year(call, year, today) != 0)
        return;
    const char *p[3] = {reads_district(call), year, today};
    reads_run(call, &spec, 0, 3, p);
}

static void s_render_rates(gw_call_t *call, const PGresult *res, textbuf_t *b)
{
    static const char *const head[] = {"单位编号", "承办单位", "交办件数", "答复件数",
                                       "办复率(%)", "满意率(%)", "见面率(%)", "超期件数"};
    (void) call;
    textbuf_puts(b, "\xEF\xBB\xBF");
    textfmt_csv_row(b, head, 8);
    for (int i = 0; i < PQntuples(res) && !b->failed; i++) {
        const char *f[8];
        for (int k = 0; k < 8; k++)
            f[k] = PQgetvalue(res, i, k + 1);
        textfmt_csv_row(b, f, 8);
    }
}

static void s_rates_csv(gw_call_t *call)
{
    char year[8], today[11], name[48];
    if (s_year(call, year, today) != 0)
        return;
    const char *p[3] = {reads_district(call), year, today};
    snprintf(name, sizeof name, "unit-rates-%s.csv", year);
    reads_export(call, SQL_RATES, 3, p, s_render_rates, "text/csv; charset=utf-8", name, 0);
}

/* ---- proposals.csv ---------------------------------------------------------------------- */

static const char *const SQL_CSV =
    "SELECT " NUMBER ", p.title, p.kind, p.category, p.state, coalesce(u.name, ''),"
    " coalesce(p.assigned_on::text, ''), coalesce(p.due_on::text, ''),"
    " coalesce(upper(p.reply_class), ''), coalesce(((p.replied_at AT TIME ZONE"
    " 'Asia/Shanghai')::date)::text, ''), coalesce(p.verdict, ''),"
    " CASE WHEN p.due_on IS NOT NULL AND coalesce((SELECT (r.replied_at AT TIME ZONE"
    "  'Asia/Shanghai')::date FROM proposal.replies r WHERE r.district_code = p.district_code"
    "  AND r.proposal_id = p.id AND r.round = 1), $3::date + 1) > p.due_on"
    "  AND (p.replied_at IS NOT NULL OR p.due_on < $3::date) THEN '是' ELSE '否' END"
    " FROM proposal.proposals p LEFT JOIN core.units u ON u.district_code = p.district_code"
    " AND u.id = p.lead_unit_id WHERE p.district_code = $1 AND p.state <> 'draft'"
    " AND ($2::int IS NULL OR coalesce(p.year, extract(year FROM p.created_at)::int) = $2::int)"
    " ORDER BY p.year NULLS LAST, p.number NULLS LAST, p.id LIMIT $4::int";

static const char *const s_kinds[][2] = {
    {"individual", "个人"}, {"joint", "联名"}, {"collective", "集体"}, {NULL, NULL}};
static const char *const s_states_zh[][2] = {
    {"cosigning", "附议中"}, {"submitted", "待审查"}, {"refused", "不予立案"},
    {"converted", "已转办"}, {"merged", "已并案"}, {"accepted", "已立案"},
    {"assigned", "办理中"}, {"handed_back", "已退回"}, {"replied", "已答复"},
    {"closed", "已办结"}, {NULL, NULL}};
static const char *const s_verdicts[][2] = {
    {"satisfied", "满意"}, {"basically_satisfied", "基本满意"}, {"unsatisfied", "不满意"},
    {NULL, NULL}};

static void s_render_csv(gw_call_t *call, const PGresult *res, textbuf_t *b)
{
    static const char *const head[] = {"编号", "标题", "类型", "类别", "状态", "主办单位",
                                       "交办日期", "答复期限", "答复类别", "答复日期",
                                       "满意度", "是否超期"};
    (void) call;
    textbuf_puts(b, "\xEF\xBB\xBF");
    textfmt_csv_row(b, head, 12);
    for (int i = 0; i < PQntuples(res) && i < CSV_MAX_ROWS && !b->failed; i++) {
        const char *f[12];
        for (int k = 0; k < 12; k++)
            f[k] = PQgetvalue(res, i, k);
        f[2] = reads_label(s_kinds, f[2]);
        f[3] = textfmt_category_zh(f[3]);
        f[4] = reads_label(s_states_zh, f[4]);
        f[10] = reads_label(s_verdicts, f[10]);
        textfmt_csv_row(b, f, 12);
    }
}

static void s_csv(gw_call_t *call)
{
    char year[8], today[11];
    int all = query_get(&call->query, "year") == NULL;
    if (s_year(call, year, today) != 0)
        return;
    char limit[16];
    snprintf(limit, sizeof limit, "%d", CSV_MAX_ROWS + 1);
    const char *p[4] = {reads_district(call), all ? NULL : year, today, limit};
    reads_export(call, SQL_CSV, 4, p, s_render_csv, "text/csv; charset=utf-8", "proposals.csv",
                 CSV_MAX_ROWS);
}

/* ---- the route table ------------------------------------------------------------------- */

/* A transition: the event is the path's last segment; the machine in
 * lianxin-proposal decides who may send it (403) and when (409), and its
 * handlers whose proposal or assignment it is. */
#define TRANSITION(event)                                                                    \
    {.at = {.method = "POST", .pattern = "/v1/districts/{d}/proposals/{id}/" event},           \
     .roles = OFFICE | ROLE_MEMBER | ROLE_UNIT, .body_limit = SMALL_BODY * 8,                 \
     .body_optional = 1, .handler = forward_transition, .command = "proposal.Transition",    \
     .request = &lianxin__v1__proposal_action__descriptor,                                    \
     .reply = &lianxin__v1__proposal_ref__descriptor}

static const gw_route_t s_rows[] = {
    {.at = {.method = "POST", .pattern = "/v1/districts/{d}/proposals"}, .roles = ROLE_MEMBER,
     .body_limit = GW_BODY_CONFIG, .handler = forward_handle, .command = "proposal.Create",
     .request = &lianxin__v1__proposal_draft__descriptor,
     .reply = &lianxin__v1__proposal_ref__descriptor, .required = s_create_fields},
    {.at = {.method = "GET", .pattern = "/v1/districts/{d}/proposals.csv"}, .roles = LEADERS,
     .handler = s_csv, .query = s_year_keys, .export_file = 1},
    {.at = {.method = "GET", .pattern = "/v1/districts/{d}/proposals"}, .roles = READERS,
     .handler = s_list, .query = s_list_keys},
    {.at = {.method = "GET", .pattern = "/v1/districts/{d}/proposals/{id}"}, .roles = READERS,
     .handler = s_get},
    {.at = {.method = "POST", .pattern = "/v1/districts/{d}/proposals/{id}/edit"},
     .roles = ROLE_MEMBER, .body_limit = GW_BODY_CONFIG, .handler = forward_edit,
     .command = "proposal.Edit", .request = &lianxin__v1__proposal_draft__descriptor,
     .reply = &lianxin__v1__proposal_ref__descriptor},
    {.at = {.method = "GET", .pattern = "/v1/districts/{d}/units/rates"}, .roles = LEADERS,
     .handler = s_rates, .query = s_year_keys},
    {.at = {.method = "GET", .pattern = "/v1/districts/{d}/units/rates.csv"}, .roles = LEADERS,
     .handler = s_rates_csv, .query = s_year_keys, .export_file = 1},
    TRANSITION("submit"),
    TRANSITION("cosign"),
    TRANSITION("close-cosign"),
    TRANSITION("accept"),
    TRANSITION("refuse"),
    TRANSITION("convert"),
    TRANSITION("merge"),
    TRANSITION("mark-key"),
    TRANSITION("assign"),
    TRANSITION("hand-back"),
    TRANSITION("contact"),
    TRANSITION("opinion"),
    TRANSITION("reply"),
    TRANSITION("verdict"),
};

const gw_routes_t api_proposal_routes = GW_ROUTES(s_rows);
