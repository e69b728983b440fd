/* api/supervise: lianxin-supervise's routes (see api/supervise.h): the
 * route table at the end, the reads whose SQL builds each row's JSON (ids
 * as strings, times in UTC+8), the figures and items.csv. Who sees an item:
 * office, leader and admin all of their district, a unit its own. A
 * partner sees only the referrals to its office (supervise.partner_accounts)
 * and never an item's source data. Never builds SQL from request text. */
#include <stdio.h>
#include <string.h>
#include "api/supervise.h"
#include "calendar.h"
#include "forward.h"
#include "reads.h"
#include "supervise.pb-c.h"
#include "textfmt.h"
#include "timeutil.h"

#define TS(x) READS_TS(x)

enum {
    CSV_MAX_ROWS = 20000,
    SMALL_BODY = 4096,
    OFFICE = ROLE_ADMIN | ROLE_OFFICE,
    LEADERS = ROLE_ADMIN | ROLE_OFFICE | ROLE_LEADER,
    READERS = LEADERS | ROLE_UNIT,
};

static const char *const s_states[] = {"open", "answered", "closed", NULL};
static const char *const s_steps[] = {"registered", "urged", "followed", "supervised", NULL};
static const char *const s_sources[] = {"proposal", "lookback", "issue", "outcome", "letter",
                                        "milestone", NULL};
static const query_param_t s_list_keys[] = {
    QP_ONE_OF("state", s_states), QP_ONE_OF("step", s_steps), QP_ONE_OF("source", s_sources),
    QP("unit_id", QP_ID), QP("limit", QP_LIMIT), QP("cursor", QP_CURSOR), QP_END};
static const query_param_t s_none[] = {QP_END};
static const query_param_t s_page_keys[] = {QP("limit", QP_LIMIT), QP("cursor", QP_CURSOR),
                                            QP_END};

/* $2: the caller's unit (NULL when not a unit). */
#define VISIBLE " i.district_code = $1 AND ($2::bigint IS NULL OR i.unit_id = $2::bigint)"

/* Working days in (a, b] on the calendar core.calendar_days. */
#define WORKDAYS(a, b)                                                                        \
    "(SELECT count(*) FROM generate_series((" a ") + 1, (" b "), interval '1 day') g(d)"      \
    " LEFT JOIN core.calendar_days c ON c.day = g.d::date WHERE CASE c.kind WHEN 'holiday'"   \
    " THEN false WHEN 'workday' THEN true ELSE extract(isodow FROM g.d) < 6 END)"

/* Today (UTC+8) on the business clock, as parameter $n: the gateway's
 * statements run outside the services' transactions (no lianxin.now). */
#define TODAY(n) "$" #n "::date"

#define SUMMARY(t)                                                                            \
    "'id', i.id::text, 'source', i.source, 'source_id', i.source_id::text,"                    \
    " 'source_ref', i.source_ref, 'title', i.title, 'unit_id', i.unit_id::text,"               \
    " 'unit_name', (SELECT u.name FROM core.units u WHERE u.district_code = i.district_code"   \
    "  AND u.id = i.unit_id), 'due_date', i.due_on::text, 'leader', i.leader,"                  \
    " 'state', i.state, 'step', i.step, 'referred', (i.flags & 1) <> 0,"                        \
    " 'lookback_date', i.lookback_on::text, 'reopened', i.reopened,"                            \
    " 'overdue_workdays', CASE WHEN i.state = 'open' AND i.due_on < " t " THEN "                \
    WORKDAYS("i.due_on", t) " ELSE 0 END,"                                                     \
    " 'registered_on', i.registered_on::text, 'closed_on', i.closed_on::text"

static const char *const SQL_LIST =
    "SELECT json_build_object(" SUMMARY(TODAY(9)) ")::text, i.id FROM supervise.items i WHERE" VISIBLE
    " AND ($3::text IS NULL OR i.state = $3) AND ($4::text IS NULL OR i.step = $4)"
    " AND ($5::text IS NULL OR i.source = $5) AND ($6::bigint IS NULL OR i.unit_id = $6::bigint)"
    " AND ($7::bigint IS NULL OR i.id < $7::bigint) ORDER BY i.id DESC LIMIT $8::int";

static const char *const SQL_ONE =
    "SELECT json_build_object(" SUMMARY(TODAY(4)) ", 'answer', i.answer,"
    " 'timeline', coalesce((SELECT json_agg(json_build_object('event', l.event, 'step', l.step,"
    "   'state', l.state, 'role', l.actor_role, 'note', l.note, 'at', " TS("l.at") ")"
    "   ORDER BY l.seq) FROM supervise.item_log l WHERE l.district_code = i.district_code"
    "   AND l.item_id = i.id), '[]'::json),"
    " 'referrals', CASE WHEN $2::bigint IS NULL THEN coalesce((SELECT json_agg("
    "   json_build_object('id', f.id::text, 'partner', f.partner, 'status', f.status,"
    "   'note', f.note, 'updated_at', " TS("f.updated_at") ") ORDER BY f.id)"
    "   FROM supervise.referrals f WHERE f.district_code = i.district_code"
    "   AND f.item_id = i.id), '[]'::json) ELSE '[]'::json END)::text"
    " FROM supervise.items i WHERE" VISIBLE " AND i.id = $3::bigint";

/* Today's date on the business clock into `buf`. */
static const char *s_today(char buf[11])
{
    calendar_day_format(calendar_day_of_us(time_now_us()), buf, 11);
    return buf;
}

static const char *s_unit(const gw_call_t *call, char buf[24])
{
    if (strcmp(call->who.role, "unit") != 0)
        return NULL;
    snprintf(buf, 24, "%lld", (long long) (call->who.unit_id > 0 ? call->who.unit_id : -1));
    return buf;
}

static void s_list(gw_call_t *call)
{
    static const reads_spec_t spec = {.sql = SQL_LIST, .cursor_tag = 'i', .key = reads_key_id};
    char unit[24], cur[24], lim[16], today[11];
    int limit;
    const char *p[9] = {reads_district(call), s_unit(call, unit), query_get(&call->query, "state"),
                        query_get(&call->query, "step"), query_get(&call->query, "source"),
                        query_get(&call->query, "unit_id"), NULL, lim, s_today(today)};
    if (reads_page(call, 'i', lim, cur, &p[6], &limit) == 0)
        reads_run(call, &spec, limit, 9, p);
}

static void s_get(gw_call_t *call)
{
    static const reads_spec_t spec = {.sql = SQL_ONE, .single = 1};
    char unit[24], today[11];
    const char *p[4] = {reads_district(call), s_unit(call, unit),
                        router_param(&call->params, "id"), s_today(today)};
    reads_run(call, &spec, 0, 4, p);
}

/* ---- figures ---------------------------------------------------------------------------- */

/* Per unit: open, overdue, per step (open items), closed, the average
 * working days from registration to closure. One row per unit. */
static const char *const SQL_FIGURES =
    "WITH i AS (SELECT i.*, CASE WHEN i.state = 'closed' THEN " WORKDAYS("i.registered_on",
    "i.closed_on") " END AS close_days FROM supervise.items i WHERE i.district_code = $1),"
    " s AS (SELECT u.id, u.name, count(i.id) FILTER (WHERE i.state = 'open') AS open,"
    "   count(i.id) FILTER (WHERE i.state = 'open' AND i.due_on < " TODAY(2) ") AS overdue,"
    "   count(i.id) FILTER (WHERE i.state = 'open' AND i.step = 'registered') AS registered,"
    "   count(i.id) FILTER (WHERE i.state = 'open' AND i.step = 'urged') AS urged,"
    "   count(i.id) FILTER (WHERE i.state = 'open' AND i.step = 'followed') AS followed,"
    "   count(i.id) FILTER (WHERE i.state = 'open' AND i.step = 'supervised') AS supervised,"
    "   count(i.id) FILTER (WHERE i.state = 'answered') AS answered,"
    "   count(i.id) FILTER (WHERE i.state = 'closed') AS closed,"
    "   round(avg(i.close_days), 1) AS avg_days"
    "   FROM core.units u LEFT JOIN i ON i.unit_id = u.id WHERE u.district_code = $1"
    "   GROUP BY u.id, u.name)"
    " SELECT json_build_object('unit_id', id::text, 'name', name, 'open', open,"
    "   'overdue', overdue, 'registered', registered, 'urged', urged, 'followed', followed,"
    "   'supervised', supervised, 'answered', answered, 'closed', closed,"
    "   'avg_workdays_to_close', avg_days)::text, id, name, open, overdue, registered, urged,"
    "   followed, supervised, answered, closed, coalesce(avg_days::text, '')"
    " FROM s ORDER BY id";

static void s_figures(gw_call_t *call)
{
    static const reads_spec_t spec = {.sql = SQL_FIGURES};
    char today[11];
    const char *p[2] = {reads_district(call), s_today(today)};
    reads_run(call, &spec, 0, 2, p);
}

static void s_render_figures(gw_call_t *call, const PGresult *res, textbuf_t *b)
{
    static const char *const head[] = {"单位编号", "责任单位", "在办", "超期", "登记", "催办",
                                       "跟办", "督办", "已答复", "已办结", "平均办结工作日"};
    (void) call;
    textbuf_puts(b, "\xEF\xBB\xBF");
    textfmt_csv_row(b, head, 11);
    for (int i = 0; i < PQntuples(res) && !b->failed; i++) {
        const char *f[11];
        for (int k = 0; k < 11; k++)
            f[k] = PQgetvalue(res, i, k + 1);
        textfmt_csv_row(b, f, 11);
    }
}

static void s_figures_csv(gw_call_t *call)
{
    char today[11];
    const char *p[2] = {reads_district(call), s_today(today)};
    reads_export(call, SQL_FIGURES, 2, p, s_render_figures, "text/csv; charset=utf-8",
                 "supervision-figures.csv", 0);
}

/* ---- items.csv -------------------------------------------------------------------------- */

static const char *const SQL_CSV =
    "SELECT i.id::text, i.source, i.source_ref, i.title, coalesce(u.name, ''),"
    " i.due_on::text, i.leader, i.state, i.step, CASE WHEN i.state = 'open' AND i.due_on < "
    TODAY(3) " THEN " WORKDAYS("i.due_on", TODAY(3)) "::text ELSE '0' END,"
    " coalesce(i.closed_on::text, '')"
    " FROM supervise.items i LEFT JOIN core.units u ON u.district_code = i.district_code"
    " AND u.id = i.unit_id WHERE i.district_code = $1 ORDER BY i.id LIMIT $2::int";

static const char *s_zh(const char *const map[][2], const char *v)
{
    for (size_t i = 0; map[i][0]; i++)
        if (strcmp(map[i][0], v) == 0)
            return map[i][1];
    return v;
}

static const char *const s_sources_zh[][2] = {
    {"proposal", "提案办理"}, {"lookback", "提案承诺"}, {"issue", "来访问题"},
    {"outcome", "协商成果"}, {"letter", "监督建议书"}, {"milestone", "整改节点"}, {NULL, NULL}};
static const char *const s_states_zh[][2] = {
    {"open", "办理中"}, {"answered", "已答复"}, {"closed", "已办结"}, {NULL, NULL}};
static const char *const s_steps_zh[][2] = {
    {"registered", "登记"}, {"urged", "催办"}, {"followed", "跟办"}, {"supervised", "督办"},
    {NULL, NULL}};

static void s_render_csv(gw_call_t *call, const PGresult *res, textbuf_t *b)
{
    static const char *const head[] = {"编号", "来源", "来源编号", "事项", "责任单位",
                                       "办理期限", "责任领导", "状态", "督办环节",
                                       "超期工作日", "办结日期"};
    (void) call;
    textbuf_puts(b, "\xEF\xBB\xBF");
    textfmt_csv_row(b, head, 11);
    for (int i = 0; i < PQntuples(res) && i < CSV_MAX_ROWS && !b->failed; i++) {
        const char *f[11];
        for (int k = 0; k < 11; k++)
            f[k] = PQgetvalue(res, i, k);
        f[1] = s_zh(s_sources_zh, f[1]);
        f[7] = s_zh(s_states_zh, f[7]);
        f[8] = s_zh(s_steps_zh, f[8]);
        textfmt_csv_row(b, f, 11);
    }
}

static void s_csv(gw_call_t *call)
{
    char limit[16], today[11];
    snprintf(limit, sizeof limit, "%d", CSV_MAX_ROWS + 1);
    const char *p[3] = {reads_district(call), limit, s_today(today)};
    reads_export(call, SQL_CSV, 3, p, s_render_csv, "text/csv; charset=utf-8", "items.csv",
                 CSV_MAX_ROWS);
}

/* ---- the district's ladder ------------------------------------------------------------ */

/* The district's own ladder; null values: the installation's defaults
 * (supervise.urge_workdays, .escalate_workdays) apply. */
static const char *const SQL_LADDER =
    "SELECT json_build_object('urge_workdays', l.urge_workdays, 'escalate_workdays',"
    " l.escalate_workdays, 'updated_at', " TS("l.updated_at") ")::text FROM (SELECT 1) x"
    " LEFT JOIN supervise.ladders l ON l.district_code = $1";

static void s_ladder(gw_call_t *call)
{
    static const reads_spec_t spec = {.sql = SQL_LADDER, .single = 1};
    const char *p[1] = {reads_district(call)};
    reads_run(call, &spec, 0, 1, p);
}

/* ---- referrals -------------------------------------------------------------------------- */

/* $2: the partner account's user id (NULL for the office): only its
 * office's referrals. What a partner reads holds no source data. */
#define REF_VISIBLE                                                                           \
    " f.district_code = $1 AND ($2::bigint IS NULL OR f.partner = (SELECT p.partner FROM"    \
    "  supervise.partner_accounts p WHERE p.district_code = f.district_code"                  \
    "  AND p.user_id = $2::bigint))"

#define REF_JSON                                                                              \
    "'id', f.id::text, 'item_id', f.item_id::text, 'partner', f.partner, 'status', f.status," \
    " 'title', i.title, 'summary', f.summary, 'unit_id', i.unit_id::text,"                     \
    " 'unit_name', (SELECT u.name FROM core.units u WHERE u.district_code = i.district_code"   \
    "  AND u.id = i.unit_id), 'due_date', i.due_on::text, 'note', f.note,"                      \
    " 'delivery_key', f.delivery_key, 'created_at', " TS("f.created_at") ","                   \
    " 'updated_at', " TS("f.updated_at") ", 'history', coalesce((SELECT json_agg("           \
    "  json_build_object('status', l.status, 'note', l.note, 'at', " TS("l.at") ")"            \
    "  ORDER BY l.seq) FROM supervise.referral_log l WHERE l.district_code = f.district_code" \
    "  AND l.referral_id = f.id), '[]'::json)"

static const char *const SQL_REFS =
    "SELECT json_build_object(" REF_JSON ")::text, f.id FROM supervise.referrals f"
    " JOIN supervise.items i ON i.district_code = f.district_code AND i.id = f.item_id"
    " WHERE" REF_VISIBLE " AND ($3::bigint IS NULL OR f.id < $3::bigint)"
    " ORDER BY f.id DESC LIMIT $4::int";

static const char *const SQL_REF =
    "SELECT json_build_object(" REF_JSON ")::text FROM supervise.referrals f"
    " JOIN supervise.items i ON i.district_code = f.district_code AND i.id = f.item_id"
    " WHERE" REF_VISIBLE " AND f.id = $3::bigint";

static const char *s_partner(const gw_call_t *call, char buf[24])
{
    if (strcmp(call->who.role, "partner") != 0)
        return NULL;
    snprintf(buf, 24, "%lld", (long long) call->who.user_id);
    return buf;
}

static void s_refs(gw_call_t *call)
{
    static const reads_spec_t spec = {.sql = SQL_REFS, .cursor_tag = 'r', .key = reads_key_id};
    char who[24], cur[24], lim[16];
    int limit;
    const char *p[4] = {reads_district(call), s_partner(call, who), NULL, lim};
    if (reads_page(call, 'r', lim, cur, &p[2], &limit) == 0)
        reads_run(call, &spec, limit, 4, p);
}

static void s_ref(gw_call_t *call)
{
    static const reads_spec_t spec = {.sql = SQL_REF, .single = 1};
    char who[24];
    const char *p[3] = {reads_district(call), s_partner(call, who),
                        router_param(&call->params, "id")};
    reads_run(call, &spec, 0, 3, p);
}

/* ---- the route table ------------------------------------------------------------------- */

#define TRANSITION(event)                                                                    \
    {.at = {.method = "POST", .pattern = "/v1/districts/{d}/items/{id}/" event},               \
     .roles = OFFICE | ROLE_UNIT, .body_limit = SMALL_BODY * 4, .body_optional = 1,           \
     .handler = forward_transition, .command = "supervise.ItemTransition",                   \
     .request = &lianxin__v1__item_action__descriptor,                                        \
     .reply = &lianxin__v1__item_ref__descriptor}

#define SUP "/v1/districts/{d}/supervision"
#define OFFICE_CMD(m, path, cmd, req, rep, lim)                                              \
    {.at = {.method = m, .pattern = SUP path}, .roles = OFFICE, .body_limit = lim,            \
     .handler = forward_handle, .command = cmd, .request = &req, .reply = &rep}
#define TOPIC_STEP(event)                                                                    \
    {.at = {.method = "POST", .pattern = SUP "/topics/{id}/" event}, .roles = OFFICE,          \
     .body_limit = SMALL_BODY * 4, .body_optional = 1, .handler = forward_transition,         \
     .command = "supervise.TopicStep",                                                        \
     .request = &lianxin__v1__supervision_topic_action__descriptor,                           \
     .reply = &lianxin__v1__supervision_ref__descriptor}

/* ---- topics, groups, activities, letters (reads) ------------------------------------------ */

static const char *const SQL_TOPICS =
    "SELECT json_build_object('id', t.id::text, 'year', t.year, 'title', t.title,"
    " 'description', t.description, 'stage', t.stage, 'result', t.result,"
    " 'raised_by', ARRAY(SELECT x::text FROM unnest(t.raised_by) x),"
    " 'unit_ids', ARRAY(SELECT x::text FROM unnest(t.unit_ids) x))::text, t.id"
    " FROM supervise.topics t WHERE t.district_code = $1 AND ($2::bigint IS NULL OR t.id <"
    " $2::bigint) ORDER BY t.id DESC LIMIT $3::int";

static const char *const SQL_GROUPS =
    "SELECT json_build_object('id', g.id::text, 'year', g.year, 'name', g.name,"
    " 'unit_id', g.unit_id::text, 'topic_id', g.topic_id::text,"
    " 'members', coalesce((SELECT json_agg(json_build_object('member_id', m.member_id::text,"
    "   'leads', m.leads) ORDER BY m.member_id) FROM supervise.group_members m"
    "   WHERE m.district_code = g.district_code AND m.group_id = g.id), '[]'::json),"
    " 'activities', coalesce((SELECT json_agg(json_build_object('id', a.id::text,"
    "   'kind', a.kind, 'date', a.held_on::text, 'title', a.title, 'present', (SELECT count(*)"
    "   FROM supervise.attendance x WHERE x.district_code = a.district_code AND x.activity_id ="
    "   a.id AND x.status = 'present')) ORDER BY a.id) FROM supervise.activities a"
    "   WHERE a.district_code = g.district_code AND a.group_id = g.id), '[]'::json),"
    " 'letters', coalesce((SELECT json_agg(json_build_object('id', l.id::text, 'title', l.title,"
    "   'plan_due_date', l.plan_due_on::text, 'planned', l.planned_at IS NOT NULL,"
    "   'milestones', coalesce((SELECT json_agg(json_build_object('title', s.title,"
    "   'due_date', s.due_on::text) ORDER BY s.seq) FROM supervise.milestones s"
    "   WHERE s.district_code = l.district_code AND s.letter_id = l.id), '[]'::json))"
    "   ORDER BY l.id) FROM supervise.letters l WHERE l.district_code = g.district_code"
    "   AND l.group_id = g.id), '[]'::json))::text, g.id"
    " FROM supervise.groups g WHERE g.district_code = $1 AND ($2::bigint IS NULL OR g.id <"
    " $2::bigint) ORDER BY g.id DESC LIMIT $3::int";

static void s_page(gw_call_t *call, const char *sql, char tag)
{
    reads_spec_t spec = {.sql = sql, .cursor_tag = tag, .key = reads_key_id};
    char cur[24], lim[16];
    int limit;
    const char *p[3] = {reads_district(call), NULL, lim};
    if (reads_page(call, tag, lim, cur, &p[1], &limit) == 0)
        reads_run(call, &spec, limit, 3, p);
}

static void s_topics(gw_call_t *call)
{
    s_page(call, SQL_TOPICS, 't');
}

static void s_groups(gw_call_t *call)
{
    s_page(call, SQL_GROUPS, 'g');
}

/* One activity with its attendance; a member sees only the activities of
 * a group of theirs ($2: the member's id, NULL for the office). */
static const char *const SQL_ACTIVITY =
    "SELECT json_build_object('id', a.id::text, 'group_id', a.group_id::text, 'kind', a.kind,"
    " 'date', a.held_on::text, 'title', a.title, 'starts_at', " TS("a.starts_at") ","
    " 'ends_at', " TS("a.ends_at") ", 'attendance', coalesce((SELECT json_agg("
    "  json_build_object('member_id', x.member_id::text, 'status', x.status, 'checked_in_at', "
    TS("x.checked_in_at") ") ORDER BY x.member_id) FROM supervise.attendance x"
    "  WHERE x.district_code = a.district_code AND x.activity_id = a.id), '[]'::json))::text"
    " FROM supervise.activities a WHERE a.district_code = $1 AND a.id = $3::bigint"
    " AND ($2::bigint IS NULL OR EXISTS (SELECT 1 FROM supervise.group_members m WHERE"
    "  m.district_code = a.district_code AND m.group_id = a.group_id AND m.member_id ="
    "  $2::bigint))";

static void s_activity(gw_call_t *call)
{
    static const reads_spec_t spec = {.sql = SQL_ACTIVITY, .single = 1};
    char member[24];
    const char *p[3] = {reads_district(call), NULL, router_param(&call->params, "id")};
    if (strcmp(call->who.role, "member") == 0) {
        snprintf(member, sizeof member, "%lld",
                 (long long) (call->who.member_id > 0 ? call->who.member_id : -1));
        p[1] = member;
    }
    reads_run(call, &spec, 0, 3, p);
}

static const gw_route_t s_rows[] = {
    {.at = {.method = "GET", .pattern = SUP "/topics"}, .roles = LEADERS, .handler = s_topics,
     .query = s_page_keys},
    {.at = {.method = "GET", .pattern = SUP "/groups"}, .roles = LEADERS, .handler = s_groups,
     .query = s_page_keys},
    OFFICE_CMD("POST", "/topics", "supervise.CreateTopic",
               lianxin__v1__supervision_topic_draft__descriptor,
               lianxin__v1__supervision_ref__descriptor, SMALL_BODY * 8),
    TOPIC_STEP("select"),
    TOPIC_STEP("analyse"),
    TOPIC_STEP("solve"),
    TOPIC_STEP("conclude"),
    TOPIC_STEP("drop"),
    OFFICE_CMD("POST", "/groups", "supervise.CreateGroup", lianxin__v1__group_draft__descriptor,
               lianxin__v1__supervision_ref__descriptor, SMALL_BODY * 4),
    OFFICE_CMD("POST", "/groups/{id}/activities", "supervise.RecordActivity",
               lianxin__v1__activity_draft__descriptor, lianxin__v1__supervision_ref__descriptor,
               SMALL_BODY * 4),
    {.at = {.method = "GET", .pattern = SUP "/activities/{id}"}, .roles = LEADERS | ROLE_MEMBER,
     .handler = s_activity, .query = s_none},
    {.at = {.method = "POST", .pattern = SUP "/activities/{id}/checkin-code"}, .roles = OFFICE,
     .body_limit = SMALL_BODY, .body_optional = 1, .handler = forward_handle,
     .command = "supervise.ActivityCheckinCode",
     .request = &lianxin__v1__activity_attendance__descriptor,
     .reply = &lianxin__v1__activity_checkin_code__descriptor},
    {.at = {.method = "POST", .pattern = SUP "/activities/{id}/checkin"}, .roles = ROLE_MEMBER,
     .body_limit = SMALL_BODY, .handler = forward_handle, .command = "supervise.ActivityCheckin",
     .request = &lianxin__v1__activity_attendance__descriptor,
     .reply = &lianxin__v1__activity_attendance__descriptor},
    OFFICE_CMD("POST", "/activities/{id}/attend", "supervise.ActivityAttend",
               lianxin__v1__activity_attendance__descriptor,
               lianxin__v1__activity_attendance__descriptor, SMALL_BODY),
    OFFICE_CMD("POST", "/groups/{id}/letters", "supervise.IssueLetter",
               lianxin__v1__letter_draft__descriptor, lianxin__v1__supervision_ref__descriptor,
               SMALL_BODY * 8),
    {.at = {.method = "POST", .pattern = SUP "/letters/{id}/plan"}, .roles = OFFICE | ROLE_UNIT,
     .body_limit = SMALL_BODY * 8, .handler = forward_handle, .command = "supervise.SubmitPlan",
     .request = &lianxin__v1__rectification_plan__descriptor,
     .reply = &lianxin__v1__supervision_ref__descriptor},
    {.at = {.method = "GET", .pattern = "/v1/districts/{d}/items"}, .roles = READERS,
     .handler = s_list, .query = s_list_keys},
    {.at = {.method = "GET", .pattern = "/v1/districts/{d}/items.csv"}, .roles = LEADERS,
     .handler = s_csv, .query = s_none, .export_file = 1},
    {.at = {.method = "GET", .pattern = "/v1/districts/{d}/items/figures"}, .roles = LEADERS,
     .handler = s_figures, .query = s_none},
    {.at = {.method = "GET", .pattern = "/v1/districts/{d}/items/figures.csv"},
     .roles = LEADERS, .handler = s_figures_csv, .query = s_none, .export_file = 1},
    {.at = {.method = "GET", .pattern = "/v1/districts/{d}/items/ladder"}, .roles = LEADERS,
     .handler = s_ladder, .query = s_none},
    {.at = {.method = "PUT", .pattern = "/v1/districts/{d}/items/ladder"}, .roles = OFFICE,
     .body_limit = SMALL_BODY, .handler = forward_handle, .command = "supervise.SetLadder",
     .request = &lianxin__v1__ladder_settings__descriptor,
     .reply = &lianxin__v1__ladder_settings__descriptor},
    {.at = {.method = "GET", .pattern = "/v1/districts/{d}/items/{id}"}, .roles = READERS,
     .handler = s_get},
    TRANSITION("answer"),
    TRANSITION("return"),
    TRANSITION("close"),
    TRANSITION("reopen"),
    TRANSITION("refer"),
    TRANSITION("lookback"),
    TRANSITION("lookback-result"),
    {.at = {.method = "GET", .pattern = "/v1/districts/{d}/referrals"},
     .roles = OFFICE | ROLE_LEADER | ROLE_PARTNER, .handler = s_refs, .query = s_page_keys},
    {.at = {.method = "GET", .pattern = "/v1/districts/{d}/referrals/{id}"},
     .roles = OFFICE | ROLE_LEADER | ROLE_PARTNER, .handler = s_ref},
    {.at = {.method = "POST", .pattern = "/v1/districts/{d}/referrals/{id}/status"},
     .roles = ROLE_PARTNER, .body_limit = SMALL_BODY, .handler = forward_handle,
     .command = "supervise.ReferralStatus",
     .request = &lianxin__v1__referral_status_update__descriptor,
     .reply = &lianxin__v1__referral_ref__descriptor},
};

const gw_routes_t api_supervise_routes = GW_ROUTES(s_rows);
