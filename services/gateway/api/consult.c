/* api/consult: lianxin-consult's routes (see api/consult.h): the reads whose
 * SQL builds each item's JSON (ids as strings, times in UTC+8), the plan's
 * CSV, the iCalendar feeds, the public notice; the route table at the end.
 * Who sees what: office, leader and admin everything of their district; a
 * member the consultations they take part in and the topics they proposed
 * or that were accepted; a unit its own topics and the accepted ones.
 * Never builds SQL from request text. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "api/consult.h"
#include "auth/feeds.h"
#include "calendar.h"
#include "consult.pb-c.h"
#include "forward.h"
#include "reads.h"
#include "textfmt.h"
#include "timeutil.h"

#define TS(x) READS_TS(x)

enum {
    CSV_MAX_ROWS = 5000,
    ICS_MAX = 2000,
    SMALL_BODY = 4096,
    IDS_MAX = 60,                   /* suggest-slots: member_ids, leader_ids */
    OFFICE = ROLE_ADMIN | ROLE_OFFICE,
    LEADERS = ROLE_ADMIN | ROLE_OFFICE | ROLE_LEADER,
    READERS = ROLE_ADMIN | ROLE_OFFICE | ROLE_LEADER | ROLE_MEMBER,
    TOPIC_READERS = READERS | ROLE_UNIT,
    TOPIC_WRITERS = ROLE_ADMIN | ROLE_OFFICE | ROLE_MEMBER | ROLE_UNIT,
};

static const char *const s_cstates[] = {"collecting", "topic_set", "research", "deliberation",
                                        "publicity", "implementation", "closed", "cancelled",
                                        NULL};
static const char *const s_tstates[] = {"proposed", "accepted", "refused", NULL};
static const query_param_t s_clist_keys[] = {
    QP_ONE_OF("state", s_cstates), QP("limit", QP_LIMIT), QP("cursor", QP_CURSOR), QP_END};
static const query_param_t s_tlist_keys[] = {
    QP_ONE_OF("state", s_tstates), QP("year", QP_ID), QP("limit", QP_LIMIT),
    QP("cursor", QP_CURSOR), QP_END};
static const query_param_t s_slot_keys[] = {
    QP("member_ids", QP_TEXT), QP("leader_ids", QP_TEXT), QP("venue_id", QP_ID),
    QP("minutes", QP_LIMIT), QP("from", QP_DATE), QP("to", QP_DATE), QP("count", QP_LIMIT),
    QP_END};
static const query_param_t s_feed_keys[] = {QP("token", QP_TOKEN), QP_END};
static const char *const s_topic_fields[] = {"title", NULL};
static const char *const s_consult_fields[] = {"title", "form", NULL};
static const char *const s_venue_fields[] = {"name", "capacity", NULL};

/* ---- topics --------------------------------------------------------------------------- */

#define TOPIC_VISIBLE                                                                        \
    " t.district_code = $1 AND CASE WHEN $2::bigint IS NOT NULL THEN"                        \
    "  t.proposer_member_id = $2::bigint OR t.state = 'accepted'"                             \
    " WHEN $3::bigint IS NOT NULL THEN (t.proposer_kind = 'unit'"                            \
    "  AND t.proposer_ref = $3::bigint) OR t.state = 'accepted' ELSE true END"

#define TOPIC_JSON                                                                           \
    "json_build_object('id', t.id::text, 'year', t.year, 'title', t.title,"                  \
    " 'description', t.description, 'proposer_kind', t.proposer_kind,"                        \
    " 'proposer_member_id', t.proposer_member_id::text, 'proposer_ref', t.proposer_ref::text," \
    " 'state', t.state, 'kind', t.kind, 'refuse_kind', t.refuse_kind,"                        \
    " 'refuse_reason', t.refuse_reason, 'created_at', " TS("t.created_at") ","               \
    " 'screened_at', " TS("t.screened_at") ")::text"

static const char *const SQL_TOPICS =
    "SELECT " TOPIC_JSON ", t.id FROM consult.topics t WHERE" TOPIC_VISIBLE
    " AND ($4::text IS NULL OR t.state = $4) AND ($5::int IS NULL OR t.year = $5::int)"
    " AND ($6::bigint IS NULL OR t.id < $6::bigint) ORDER BY t.id DESC LIMIT $7::int";

static const char *const SQL_TOPIC =
    "SELECT " TOPIC_JSON " FROM consult.topics t WHERE" TOPIC_VISIBLE " AND t.id = $4::bigint";

static void s_topics(gw_call_t *call)
{
    static const reads_spec_t spec = {.sql = SQL_TOPICS, .cursor_tag = 't', .key = reads_key_id};
    char mem[24], unit[24], cur[24], lim[16];
    int limit;
    const char *p[7] = {reads_district(call), NULL, NULL, query_get(&call->query, "state"),
                        query_get(&call->query, "year"), NULL, lim};
    reads_caller(call, mem, unit, &p[1], &p[2]);
    if (reads_page(call, 't', lim, cur, &p[5], &limit) == 0)
        reads_run(call, &spec, limit, 7, p);
}

static void s_topic(gw_call_t *call)
{
    static const reads_spec_t spec = {.sql = SQL_TOPIC, .single = 1};
    char mem[24], unit[24];
    const char *p[4] = {reads_district(call), NULL, NULL, router_param(&call->params, "id")};
    reads_caller(call, mem, unit, &p[1], &p[2]);
    reads_run(call, &spec, 0, 4, p);
}

/* ---- the annual plan ------------------------------------------------------------------ */

static const char *const SQL_PLAN =
    "SELECT json_build_object('year', $2::int, 'state', coalesce(p.state, 'draft'),"
    " 'issued_on', p.issued_on::text,"
    " 'items', coalesce((SELECT json_agg(json_build_object('topic_id', i.topic_id::text,"
    "   'title', t.title, 'kind', t.kind, 'proposer_kind', t.proposer_kind,"
    "   'quarter', i.quarter, 'added_on', i.added_on::text, 'amended', i.amended,"
    "   'removed_on', i.removed_on::text) ORDER BY i.quarter, i.topic_id)"
    "   FROM consult.plan_items i JOIN consult.topics t ON t.district_code = i.district_code"
    "   AND t.id = i.topic_id WHERE i.district_code = $1 AND i.year = $2::int), '[]'::json),"
    " 'amendments', coalesce((SELECT json_agg(json_build_object('seq', a.seq,"
    "   'action', a.action, 'topic_id', a.topic_id::text, 'reason', a.reason,"
    "   'made_on', a.made_on::text) ORDER BY a.seq) FROM consult.plan_amendments a"
    "   WHERE a.district_code = $1 AND a.year = $2::int), '[]'::json))::text"
    " FROM (SELECT 1) one LEFT JOIN consult.plans p ON p.district_code = $1"
    " AND p.year = $2::int";

static const char *const SQL_PLAN_CSV =
    "SELECT row_number() OVER (ORDER BY i.quarter, i.topic_id)::text, t.title,"
    " coalesce(t.kind, ''), t.proposer_kind, i.quarter, i.added_on::text,"
    " CASE WHEN i.amended THEN '是' ELSE '否' END, coalesce(p.issued_on::text, '')"
    " FROM consult.plan_items i JOIN consult.topics t ON t.district_code = i.district_code"
    " AND t.id = i.topic_id JOIN consult.plans p ON p.district_code = i.district_code"
    " AND p.year = i.year WHERE i.district_code = $1 AND i.year = $2::int"
    " AND i.removed_on IS NULL ORDER BY i.quarter, i.topic_id LIMIT $3::int";

/* The path's {year}: 2000-2100. 0, or -1 answered 404. */
static int s_year(gw_call_t *call, char year[8])
{
    const char *y = router_param(&call->params, "year");
    char *end;
    long v = y ? strtol(y, &end, 10) : 0;
    if (!y || *end || v < 2000 || v > 2100) {
        gw_reply_error(call, 404, "not_found", "没有这个年度", NULL);
        return -1;
    }
    snprintf(year, 8, "%ld", v);
    return 0;
}

static void s_plan(gw_call_t *call)
{
    static const reads_spec_t spec = {.sql = SQL_PLAN, .single = 1};
    char year[8];
    if (s_year(call, year) != 0)
        return;
    const char *p[2] = {reads_district(call), year};
    reads_run(call, &spec, 0, 2, p);
}

static const char *const s_kinds_zh[][2] = {
    {"policy", "政策落实"}, {"public_affairs", "公共事务"}, {"difficulty", "难点问题"},
    {"party_request", "协商方提出"}, {NULL, NULL}};
static const char *const s_proposers_zh[][2] = {
    {"member", "委员"}, {"workroom", "委员工作室"}, {"unit", "单位"},
    {"party_committee", "党委"}, {NULL, NULL}};

static void s_render_plan(gw_call_t *call, const PGresult *res, textbuf_t *b)
{
    static const char *const head[] = {"序号", "议题", "类别", "提出方", "季度", "列入日期",
                                       "是否调整", "印发日期"};
    (void) call;
    textbuf_puts(b, "\xEF\xBB\xBF");
    textfmt_csv_row(b, head, 8);
    for (int i = 0; i < PQntuples(res) && i < CSV_MAX_ROWS && !b->failed; i++) {
        const char *f[8];
        for (int k = 0; k < 8; k++)
            f[k] = PQgetvalue(res, i, k);
        f[2] = reads_label(s_kinds_zh, f[2]);
        f[3] = reads_label(s_proposers_zh, f[3]);
        textfmt_csv_row(b, f, 8);
    }
}

static void s_plan_csv(gw_call_t *call)
{
    char year[8], limit[16], name[32];
    if (s_year(call, year) != 0)
        return;
    snprintf(limit, sizeof limit, "%d", CSV_MAX_ROWS + 1);
    snprintf(name, sizeof name, "consult-plan-%s.csv", year);
    const char *p[3] = {reads_district(call), year, limit};
    reads_export(call, SQL_PLAN_CSV, 3, p, s_render_plan, "text/csv; charset=utf-8", name,
                 CSV_MAX_ROWS);
}

/* ---- venues and consultations --------------------------------------------------------- */

static const char *const SQL_VENUES =
    "SELECT json_build_object('id', v.id::text, 'name', v.name, 'capacity', v.capacity,"
    " 'workroom_id', v.workroom_id::text, 'address', v.address)::text FROM consult.venues v"
    " WHERE v.district_code = $1 ORDER BY v.id LIMIT 500";

static void s_venues(gw_call_t *call)
{
    static const reads_spec_t spec = {.sql = SQL_VENUES};
    const char *p[1] = {reads_district(call)};
    reads_run(call, &spec, 0, 1, p);
}

#define CONSULT_VISIBLE                                                                      \
    " c.district_code = $1 AND ($2::bigint IS NULL OR EXISTS (SELECT 1 FROM"                 \
    "  consult.participants x WHERE x.district_code = c.district_code"                       \
    "  AND x.consultation_id = c.id AND x.member_id = $2::bigint))"

#define CONSULT_SUMMARY                                                                      \
    "'id', c.id::text, 'title', c.title, 'form', c.form, 'series', c.series,"                \
    " 'state', c.state, 'topic_id', c.topic_id::text, 'workroom_id', c.workroom_id::text,"   \
    " 'venue_id', c.venue_id::text, 'venue', (SELECT v.name FROM consult.venues v WHERE"     \
    "  v.district_code = c.district_code AND v.id = c.venue_id),"                           \
    " 'starts_at', " TS("c.starts_at") ", 'ends_at', " TS("c.ends_at") ","                  \
    " 'source_issue_id', c.source_issue_id::text, 'created_at', " TS("c.created_at")

static const char *const SQL_CONSULTS =
    "SELECT json_build_object(" CONSULT_SUMMARY ")::text, c.id FROM consult.consultations c"
    " WHERE" CONSULT_VISIBLE " AND ($3::text IS NULL OR c.state = $3)"
    " AND ($4::bigint IS NULL OR c.id < $4::bigint) ORDER BY c.id DESC LIMIT $5::int";

static const char *const SQL_CONSULT =
    "SELECT json_build_object(" CONSULT_SUMMARY ", 'summary', c.summary,"
    " 'minutes', c.minutes, 'notice_from', c.notice_from::text,"
    " 'notice_until', c.notice_until::text, 'cancel_reason', c.cancel_reason,"
    " 'opinion_until', " TS("c.opinion_until") ","
    " 'participants', coalesce((SELECT json_agg(json_build_object('seq', p.seq, 'role', p.role,"
    "   'member_id', p.member_id::text, 'leader_user_id', p.leader_user_id::text,"
    "   'name', coalesce((SELECT m.name FROM core.members m WHERE m.district_code ="
    "   p.district_code AND m.id = p.member_id), (SELECT u.display_name FROM auth.users u"
    "   WHERE u.district_code = p.district_code AND u.id = p.leader_user_id), p.name),"
    "   'phone', p.phone_masked, 'email', p.email_masked, 'organisation', p.organisation, 'group', p.grp, 'invitation', p.invitation,"
    "   'decline_reason', p.decline_reason, 'attendance', p.attendance) ORDER BY p.seq)"
    "   FROM consult.participants p WHERE p.district_code = c.district_code"
    "   AND p.consultation_id = c.id), '[]'::json),"
    " 'tasks', coalesce((SELECT json_agg(json_build_object('seq', t.seq, 'title', t.title,"
    "   'owner', t.owner, 'due_date', t.due_on::text, 'state', t.state, 'reason', t.reason)"
    "   ORDER BY t.seq) FROM consult.tasks t WHERE t.district_code = c.district_code"
    "   AND t.consultation_id = c.id), '[]'::json),"
    " 'opinions', coalesce((SELECT json_agg(json_build_object('seq', o.seq, 'text', o.text,"
    "   'at', " TS("o.at") ") ORDER BY o.seq) FROM consult.opinions o"
    "   WHERE o.district_code = c.district_code AND o.consultation_id = c.id), '[]'::json),"
    " 'outcomes', coalesce((SELECT json_agg(json_build_object('id', o.id::text,"
    "   'title', o.title, 'unit_id', o.unit_id::text, 'leader', o.leader,"
    "   'assigned_on', o.assigned_on::text, 'answer_due', o.answer_due::text,"
    "   'close_due', o.close_due::text) ORDER BY o.id) FROM consult.outcomes o"
    "   WHERE o.district_code = c.district_code AND o.consultation_id = c.id), '[]'::json))::text"
    " FROM consult.consultations c WHERE" CONSULT_VISIBLE " AND c.id = $3::bigint";

static void s_consults(gw_call_t *call)
{
    static const reads_spec_t spec = {.sql = SQL_CONSULTS, .cursor_tag = 'c',
                                      .key = reads_key_id};
    char mem[24], unit[24], cur[24], lim[16];
    int limit;
    const char *p[5] = {reads_district(call), NULL, query_get(&call->query, "state"), NULL, lim};
    const char *ignored;
    reads_caller(call, mem, unit, &p[1], &ignored);
    if (reads_page(call, 'c', lim, cur, &p[3], &limit) == 0)
        reads_run(call, &spec, limit, 5, p);
}

static void s_consult(gw_call_t *call)
{
    static const reads_spec_t spec = {.sql = SQL_CONSULT, .single = 1};
    char mem[24], unit[24];
    const char *ignored;
    const char *p[3] = {reads_district(call), NULL, router_param(&call->params, "id")};
    reads_caller(call, mem, unit, &p[1], &ignored);
    reads_run(call, &spec, 0, 3, p);
}

/* ---- suggest-slots: the query as a SlotQuery command ------------------------------------ */

/* "12,15" into a JSON array of ids (at most IDS_MAX). 0, or -1 answered 400. */
static int s_ids(gw_call_t *call, const char *key, json_t *body)
{
    const char *v = query_get(&call->query, key);
    json_t *arr = json_array();
    json_object_set_new(body, key, arr);
    while (v && *v) {
        char one[24];
        size_t n = strcspn(v, ",");
        int64_t id;
        if (n == 0 || n >= sizeof one || json_array_size(arr) >= IDS_MAX) {
            gw_reply_bad_field(call, key, n >= sizeof one || n == 0 ? "invalid" : "too_many");
            return -1;
        }
        memcpy(one, v, n);
        one[n] = '\0';
        if (query_id(one, &id) != 0) {
            gw_reply_bad_field(call, key, "invalid");
            return -1;
        }
        json_array_append_new(arr, json_integer(id));
        v += n + (v[n] == ',');
    }
    return 0;
}

static void s_suggest(gw_call_t *call)
{
    json_t *body = json_object();
    static const char *const keys[] = {"venue_id", "minutes", "count", NULL};
    if (s_ids(call, "member_ids", body) != 0 || s_ids(call, "leader_ids", body) != 0) {
        json_decref(body);
        return;
    }
    for (size_t i = 0; keys[i]; i++) {
        const char *v = query_get(&call->query, keys[i]);
        if (v && *v)
            json_object_set_new(body, keys[i], json_integer(strtoll(v, NULL, 10)));
    }
    if (query_get(&call->query, "from"))
        json_object_set_new(body, "from", json_string(query_get(&call->query, "from")));
    if (query_get(&call->query, "to"))
        json_object_set_new(body, "to", json_string(query_get(&call->query, "to")));
    forward_handle_json(call, body);
}

/* ---- iCalendar: per member, per venue ------------------------------------------------- */

/* $1 district, $2 member or NULL, $3 venue or NULL, $4 limit. */
static const char *const SQL_ICS =
    "SELECT c.id, to_char(c.starts_at AT TIME ZONE 'Asia/Shanghai', 'YYYYMMDD\"T\"HH24MISS'),"
    " to_char(c.ends_at AT TIME ZONE 'Asia/Shanghai', 'YYYYMMDD\"T\"HH24MISS'), c.title,"
    " coalesce(v.name, ''), c.state,"
    " to_char(c.updated_at AT TIME ZONE 'UTC', 'YYYYMMDD\"T\"HH24MISS\"Z\"')"
    " FROM consult.consultations c LEFT JOIN consult.venues v ON v.district_code ="
    " c.district_code AND v.id = c.venue_id WHERE c.district_code = $1"
    " AND c.starts_at IS NOT NULL AND ($2::bigint IS NULL OR EXISTS (SELECT 1 FROM"
    "  consult.participants p WHERE p.district_code = c.district_code"
    "  AND p.consultation_id = c.id AND p.member_id = $2::bigint))"
    " AND ($3::bigint IS NULL OR c.venue_id = $3::bigint)"
    " AND ($5::bigint IS NULL OR EXISTS (SELECT 1 FROM consult.participants l WHERE"
    "  l.district_code = c.district_code AND l.consultation_id = c.id"
    "  AND l.leader_user_id = $5::bigint)) ORDER BY c.starts_at, c.id LIMIT $4::int";

static void s_render_ics(gw_call_t *call, const PGresult *res, textbuf_t *b)
{
    textfmt_ics_begin(b, "-//Lianxin//Consultations//ZH", "政协协商安排");
    for (int i = 0; i < PQntuples(res) && i < ICS_MAX; i++) {
        char uid[96];
        textbuf_t t;
        snprintf(uid, sizeof uid, "consult-%s-%s@lianxin", reads_district(call),
                 PQgetvalue(res, i, 0));
        textfmt_ics_line(b, "BEGIN", "VEVENT");
        textfmt_ics_line(b, "UID", uid);
        textfmt_ics_line(b, "DTSTAMP", PQgetvalue(res, i, 6));
        textfmt_ics_line(b, "DTSTART;TZID=Asia/Shanghai", PQgetvalue(res, i, 1));
        textfmt_ics_line(b, "DTEND;TZID=Asia/Shanghai", PQgetvalue(res, i, 2));
        textbuf_init(&t);
        textbuf_puts(&t, "政协协商：");
        textfmt_ics_text(&t, PQgetvalue(res, i, 3));
        textfmt_ics_line(b, "SUMMARY", t.data);
        textbuf_free(&t);
        textbuf_init(&t);
        textfmt_ics_text(&t, PQgetvalue(res, i, 4));
        textfmt_ics_line(b, "LOCATION", t.data);
        textbuf_free(&t);
        textfmt_ics_line(b, "STATUS", strcmp(PQgetvalue(res, i, 5), "cancelled") == 0
                                          ? "CANCELLED" : "CONFIRMED");
        textfmt_ics_line(b, "END", "VEVENT");
    }
    textfmt_ics_line(b, "END", "VCALENDAR");
}

static void s_member_ics(gw_call_t *call)
{
    const char *id = router_param(&call->params, "id");
    char own[24], limit[16];
    snprintf(own, sizeof own, "%lld", (long long) call->who.member_id);
    if ((strcmp(call->who.role, "member") == 0 || strcmp(call->who.role, "feed") == 0)
        && strcmp(own, id ? id : "") != 0) {
        gw_reply_error(call, 403, NULL, "只能查看本人的协商安排", NULL);
        return;
    }
    snprintf(limit, sizeof limit, "%d", ICS_MAX + 1);
    const char *p[5] = {reads_district(call), id, NULL, limit, NULL};
    reads_export(call, SQL_ICS, 5, p, s_render_ics, "text/calendar; charset=utf-8",
                 "consultations.ics", ICS_MAX);
}

static void s_venue_ics(gw_call_t *call)
{
    char limit[16];
    snprintf(limit, sizeof limit, "%d", ICS_MAX + 1);
    const char *p[5] = {reads_district(call), NULL, router_param(&call->params, "id"), limit,
                        NULL};
    reads_export(call, SQL_ICS, 5, p, s_render_ics, "text/calendar; charset=utf-8",
                 "venue.ics", ICS_MAX);
}

/* A CPPCC leader's consultations ({id}: the leader's user id): the leader
 * themself, the office, admin; another leader's feed is refused. */
static void s_leader_ics(gw_call_t *call)
{
    const char *id = router_param(&call->params, "id");
    char own[24], limit[16];
    snprintf(own, sizeof own, "%lld", (long long) call->who.user_id);
    if (strcmp(call->who.role, "leader") == 0 && strcmp(own, id ? id : "") != 0) {
        gw_reply_error(call, 403, NULL, "只能查看本人的协商安排", NULL);
        return;
    }
    snprintf(limit, sizeof limit, "%d", ICS_MAX + 1);
    const char *p[5] = {reads_district(call), NULL, NULL, limit, id};
    reads_export(call, SQL_ICS, 5, p, s_render_ics, "text/calendar; charset=utf-8",
                 "leader.ics", ICS_MAX);
}

/* ---- the public notice (公示): no login, nothing personal ------------------------------ */

/* $1 district, $2 today (the business clock's date in UTC+8): the
 * consultations whose notice is up today and their outcomes, with the
 * units' names; no participant, minutes or opinion. */
static const char *const SQL_NOTICES =
    "SELECT json_build_object('consultation_id', c.id::text, 'title', c.title,"
    " 'form', c.form, 'series', c.series, 'held_on', (c.starts_at AT TIME ZONE"
    " 'Asia/Shanghai')::date::text, 'notice_from', c.notice_from::text,"
    " 'notice_until', c.notice_until::text,"
    " 'outcomes', coalesce((SELECT json_agg(json_build_object('title', o.title,"
    "   'unit', u.name, 'answer_due', o.answer_due::text, 'close_due', o.close_due::text)"
    "   ORDER BY o.id) FROM consult.outcomes o JOIN core.units u ON u.district_code ="
    "   o.district_code AND u.id = o.unit_id WHERE o.district_code = c.district_code"
    "   AND o.consultation_id = c.id), '[]'::json))::text"
    " FROM consult.consultations c WHERE c.district_code = $1 AND c.state <> 'cancelled'"
    " AND c.notice_from <= $2::date AND c.notice_until >= $2::date"
    " ORDER BY c.notice_from DESC, c.id DESC LIMIT 200";

static void s_notices(gw_call_t *call)
{
    static const reads_spec_t spec = {.sql = SQL_NOTICES};
    char today[11];
    calendar_day_format(calendar_day_of_us(time_now_us()), today, sizeof today);
    const char *p[2] = {reads_district(call), today};
    reads_run(call, &spec, 0, 2, p);
}

/* ---- the route table ------------------------------------------------------------------- */

#define CONSULT_EVENT(event)                                                                 \
    {.at = {.method = "POST", .pattern = "/v1/districts/{d}/consultations/{id}/" event},       \
     .roles = OFFICE | ROLE_MEMBER | ROLE_LEADER, .body_limit = SMALL_BODY * 8,              \
     .body_optional = 1, .handler = forward_transition, .command = "consult.Transition",     \
     .request = &lianxin__v1__consultation_action__descriptor,                                \
     .reply = &lianxin__v1__consultation_ref__descriptor}

#define TOPIC_EVENT(event)                                                                   \
    {.at = {.method = "POST", .pattern = "/v1/districts/{d}/topics/{id}/" event},              \
     .roles = OFFICE, .body_limit = SMALL_BODY, .body_optional = 1,                          \
     .handler = forward_transition, .command = "consult.TopicTransition",                    \
     .request = &lianxin__v1__topic_action__descriptor,                                       \
     .reply = &lianxin__v1__topic_ref__descriptor}

#define PLAN_EVENT(event)                                                                    \
    {.at = {.method = "POST", .pattern = "/v1/districts/{d}/plans/{year}/" event},             \
     .roles = OFFICE, .body_limit = SMALL_BODY, .body_optional = 1,                          \
     .handler = forward_transition, .command = "consult.Plan",                               \
     .request = &lianxin__v1__plan_action__descriptor,                                        \
     .reply = &lianxin__v1__plan_ref__descriptor}

static const gw_route_t s_rows[] = {
    {.at = {.method = "GET", .pattern = "/public/{d}/notices"}, .handler = s_notices},
    {.at = {.method = "POST", .pattern = "/v1/districts/{d}/topics"}, .roles = TOPIC_WRITERS,
     .body_limit = GW_BODY_CONFIG, .handler = forward_handle, .command = "consult.CreateTopic",
     .request = &lianxin__v1__topic_draft__descriptor,
     .reply = &lianxin__v1__topic_ref__descriptor, .required = s_topic_fields},
    {.at = {.method = "GET", .pattern = "/v1/districts/{d}/topics"}, .roles = TOPIC_READERS,
     .handler = s_topics, .query = s_tlist_keys},
    {.at = {.method = "GET", .pattern = "/v1/districts/{d}/topics/{id}"},
     .roles = TOPIC_READERS, .handler = s_topic},
    TOPIC_EVENT("accept"),
    TOPIC_EVENT("refuse"),
    {.at = {.method = "GET", .pattern = "/v1/districts/{d}/plans/{year}"}, .roles = TOPIC_READERS,
     .handler = s_plan},
    {.at = {.method = "GET", .pattern = "/v1/districts/{d}/plans/{year}/plan.csv"},
     .roles = LEADERS, .handler = s_plan_csv, .export_file = 1},
    PLAN_EVENT("add"),
    PLAN_EVENT("remove"),
    PLAN_EVENT("issue"),
    {.at = {.method = "POST", .pattern = "/v1/districts/{d}/venues"}, .roles = OFFICE,
     .body_limit = SMALL_BODY, .handler = forward_handle, .command = "consult.CreateVenue",
     .request = &lianxin__v1__venue_draft__descriptor,
     .reply = &lianxin__v1__venue_ref__descriptor, .required = s_venue_fields},
    {.at = {.method = "GET", .pattern = "/v1/districts/{d}/venues"}, .roles = READERS,
     .handler = s_venues},
    {.at = {.method = "GET", .pattern = "/v1/districts/{d}/venues/{id}/consultations.ics"},
     .roles = LEADERS, .handler = s_venue_ics, .export_file = 1},
    {.at = {.method = "GET", .pattern = "/v1/districts/{d}/leaders/{id}/consultations.ics"},
     .roles = LEADERS, .handler = s_leader_ics, .export_file = 1},
    {.at = {.method = "GET", .pattern = "/v1/districts/{d}/members/{id}/consultations.ics"},
     .roles = READERS | ACCESS_FEED_TOKEN, .handler = s_member_ics, .query = s_feed_keys,
     .export_file = 1},
    {.at = {.method = "POST", .pattern = "/v1/districts/{d}/consultations"}, .roles = OFFICE,
     .body_limit = GW_BODY_CONFIG, .handler = forward_handle, .command = "consult.Create",
     .request = &lianxin__v1__consultation_draft__descriptor,
     .reply = &lianxin__v1__consultation_ref__descriptor, .required = s_consult_fields},
    {.at = {.method = "GET", .pattern = "/v1/districts/{d}/consultations/suggest-slots"},
     .roles = OFFICE, .handler = s_suggest, .query = s_slot_keys,
     .command = "consult.SuggestSlots", .request = &lianxin__v1__slot_query__descriptor,
     .reply = &lianxin__v1__slot_list__descriptor},
    {.at = {.method = "GET", .pattern = "/v1/districts/{d}/consultations"}, .roles = READERS,
     .handler = s_consults, .query = s_clist_keys},
    {.at = {.method = "GET", .pattern = "/v1/districts/{d}/consultations/{id}"},
     .roles = READERS, .handler = s_consult},
    CONSULT_EVENT("set-topic"),
    CONSULT_EVENT("start-research"),
    CONSULT_EVENT("hold"),
    CONSULT_EVENT("publish"),
    CONSULT_EVENT("implement"),
    CONSULT_EVENT("close"),
    CONSULT_EVENT("cancel"),
    CONSULT_EVENT("schedule"),
    CONSULT_EVENT("add-participant"),
    CONSULT_EVENT("answer"),
    CONSULT_EVENT("add-task"),
    CONSULT_EVENT("task-done"),
    CONSULT_EVENT("task-waive"),
    CONSULT_EVENT("opinion"),
    CONSULT_EVENT("minutes"),
    CONSULT_EVENT("attend"),
    CONSULT_EVENT("outcome"),
    CONSULT_EVENT("checkin"),
    {.at = {.method = "GET", .pattern = "/v1/districts/{d}/consultations/{id}/contacts"},
     .roles = OFFICE, .body_optional = 1, .handler = forward_handle,
     .command = "consult.RevealContacts", .request = &lianxin__v1__reveal_contacts__descriptor,
     .reply = &lianxin__v1__consultation_contacts__descriptor},
    {.at = {.method = "POST", .pattern = "/v1/districts/{d}/consultations/{id}/checkin-code"},
     .roles = OFFICE, .body_limit = 64, .body_optional = 1, .handler = forward_handle,
     .command = "consult.CheckinCode", .request = &lianxin__v1__consultation_action__descriptor,
     .reply = &lianxin__v1__consultation_checkin_code__descriptor},
};

const gw_routes_t api_consult_routes = GW_ROUTES(s_rows);
