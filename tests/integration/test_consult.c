/* test_consult: lianxin-consult over HTTP on the real stack (intake and
 * consult both running), dates from the stack's clock: topics screened
 * (accepted as one of the four kinds, refused as one of the three with the
 * reason the proposer sees); a meeting consultation through all six steps
 * with its gates (research tasks, time, minutes), 6+X participants and
 * their answers, a conflict naming who and when (another consultation, a
 * reception duty copied from intake's published rota, a meeting across
 * midnight refused), suggest-slots around a booking, the outcome with its
 * due dates in calendar months (consultation.outcome_assigned), attendance
 * (consultation.attended) counted act by act in the member files of
 * lianxin-assess with the link back, the public notice without login and without
 * personal data, the iCalendar feeds (member, venue, leader) parsed back, the audit rows; a
 * micro-consultation born from an intake class-3 issue exactly once though
 * the event is delivered twice, and its leader gate; role and district
 * refusals; the annual plan issued, amended with a reason, as CSV; contacts
 * (participants who are no users) sealed in the database, in no event and no
 * log, masked for every reader and in clear only through the office's audited
 * reveal; a venue's capacity on scheduling and on inviting; the office
 * recording a contact's answer. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "api_util.h"
#include "calendar.h"
#include "fixtures.h"
#include "harness.h"
#include "timeutil.h"

#define D "/v1/districts/330303"

static struct {
    harness_t *h;
    fixture_users_t u;
    calendar_day_t today, day;          /* day: a working day 20 or more days ahead */
    char topic[24], venue[24], meeting[24], leader_id[24];
    char date[11];
    int ready;
} S;

static int s_setup(void **state)
{
    (void) state;
    memset(&S, 0, sizeof S);
    if (!(S.h = harness_new("consult")) || harness_start_all(S.h) != 0)
        return 0;
    S.today = fixture_today();
    if (fixture_workday_from(S.h, S.today + 20, &S.day) != 0)
        return 0;
    fixture_date(S.day, S.date);
    snprintf(S.leader_id, sizeof S.leader_id, "%lld",
             harness_sql_ll(S.h, "SELECT id FROM auth.users WHERE username = 'leader'", 0, NULL));
    S.ready = fixture_login(S.h, &S.u, "office office2 leader member1 member2 member3 unit1")
              == 0;
    return 0;
}

static int s_teardown(void **state)
{
    (void) state;
    fixture_logout(&S.u);
    harness_destroy(&S.h);
    return 0;
}

/* POST `path` with `body` as `token`, checking the status; the answer's
 * field `key` into out (may be NULL). */
static void s_post(const char *path, const char *token, const char *body, long want,
                   const char *key, char *out, size_t outsz)
{
    assert_true(api_post_key(S.h, path, token, body, want, key, out, outsz));
}

/* POST /consultations/{id}/<event>: the state after it, or the error's field. */
static void s_event(const char *id, const char *event, const char *token, const char *body,
                    long want, const char *state_or_field)
{
    char path[160];
    http_resp_t r;
    snprintf(path, sizeof path, D "/consultations/%s/%s", id, event);
    assert_int_equal(api_req(S.h, "POST", path, token, body, want, &r), want);
    if (state_or_field && want < 300)
        assert_string_equal(api_str(r.json, "state"), state_or_field);
    else if (state_or_field)
        assert_non_null(http_error_field(&r, state_or_field));
    http_resp_clear(&r);
}

/* "<date>T<hh:mm>:00+08:00" of `day` into out. */
static const char *s_at(calendar_day_t day, const char *hhmm, char out[40])
{
    char d[11];
    snprintf(out, 40, "%sT%s:00+08:00", fixture_date(day, d), hhmm);
    return out;
}

static void s_schedule_body(char *body, size_t n, const char *venue, calendar_day_t day,
                            const char *from, calendar_day_t day2, const char *to)
{
    char a[40], b[40];
    snprintf(body, n, "{\"venue_id\":\"%s\",\"starts_at\":\"%s\",\"ends_at\":\"%s\"}", venue,
             s_at(day, from, a), s_at(day2, to, b));
}

/* ---- topics --------------------------------------------------------------------------- */

static void test_topics_screened(void **state)
{
    char refused[24], path[160];
    http_resp_t r;
    (void) state;
    assert_true(S.ready);
    s_post(D "/topics", S.u.member1, "{\"title\":\"老旧小区加装电梯\",\"description\":\"居民关切\"}",
           201, "id", S.topic, sizeof S.topic);
    s_post(D "/topics", S.u.member1, "{\"title\":\"某企业的私人纠纷\"}", 201, "id", refused,
           sizeof refused);
    assert_int_equal(api_status(S.h, "POST", D "/topics", S.u.member1, "{\"title\":\"\"}"), 400);
    assert_int_equal(api_status(S.h, "POST", D "/topics", S.u.leader, "{\"title\":\"x\"}"), 403);
    s_post(D "/topics", S.u.unit1, "{\"title\":\"校园周边交通\"}", 201, NULL, NULL, 0);
    /* screening: the office only, a known kind, a refusal with its reason */
    snprintf(path, sizeof path, D "/topics/%s/accept", S.topic);
    assert_int_equal(api_status(S.h, "POST", path, S.u.member1, "{\"kind\":\"public_affairs\"}"),
                     403);
    assert_int_equal(api_status(S.h, "POST", path, S.u.office, "{\"kind\":\"gossip\"}"), 400);
    s_post(path, S.u.office, "{\"kind\":\"public_affairs\"}", 200, "state", NULL, 0);
    assert_int_equal(api_req(S.h, "POST", path, S.u.office, "{\"kind\":\"policy\"}", 409, &r),
                     409);
    assert_non_null(strstr(r.raw, "accepted"));
    http_resp_clear(&r);
    snprintf(path, sizeof path, D "/topics/%s/refuse", refused);
    assert_int_equal(api_req(S.h, "POST", path, S.u.office, "{\"refuse_kind\":\"unfair\"}", 400,
                             &r), 400);
    assert_non_null(http_error_field(&r, "reason"));
    http_resp_clear(&r);
    s_post(path, S.u.office, "{\"refuse_kind\":\"unfair\",\"reason\":\"属于个人纠纷，不宜协商\"}",
           200, NULL, NULL, 0);
    /* the proposer sees the reason */
    snprintf(path, sizeof path, D "/topics/%s", refused);
    assert_int_equal(api_req(S.h, "GET", path, S.u.member1, NULL, 200, &r), 200);
    assert_string_equal(api_str(r.json, "state"), "refused");
    assert_string_equal(api_str(r.json, "refuse_kind"), "unfair");
    assert_string_equal(api_str(r.json, "refuse_reason"), "属于个人纠纷，不宜协商");
    http_resp_clear(&r);
    /* another member does not see a refused topic */
    assert_int_equal(api_status(S.h, "GET", path, S.u.member2, NULL), 404);
    assert_int_equal(harness_sql_ll(S.h, "SELECT count(*) FROM audit.trail WHERE object_type ="
                                         " 'topic'", 0, NULL), 5);
}

/* ---- the annual plan ------------------------------------------------------------------ */

static void test_plan_issued_and_amended(void **state)
{
    char path[160], body[160], year[8];
    http_resp_t r;
    api_csv_t csv;
    (void) state;
    assert_true(S.ready);
    snprintf(year, sizeof year, "%.4s", S.date);
    snprintf(path, sizeof path, D "/plans/%s/issue", year);
    assert_int_equal(api_status(S.h, "POST", path, S.u.office, NULL), 409);   /* empty */
    snprintf(path, sizeof path, D "/plans/%s/add", year);
    snprintf(body, sizeof body, "{\"topic_id\":\"%s\",\"quarter\":\"Q2\"}", S.topic);
    assert_int_equal(api_status(S.h, "POST", path, S.u.member1, body), 403);
    s_post(path, S.u.office, body, 200, NULL, NULL, 0);
    assert_int_equal(api_status(S.h, "POST", path, S.u.office, body), 409);   /* already in */
    snprintf(path, sizeof path, D "/plans/%s/issue", year);
    s_post(path, S.u.office, NULL, 200, "state", body, sizeof body);
    assert_string_equal(body, "issued");
    /* frozen: a change is an amendment with its reason */
    snprintf(path, sizeof path, D "/plans/%s/remove", year);
    snprintf(body, sizeof body, "{\"topic_id\":\"%s\"}", S.topic);
    assert_int_equal(api_status(S.h, "POST", path, S.u.office, body), 400);
    snprintf(body, sizeof body, "{\"topic_id\":\"%s\",\"reason\":\"并入上级部署\"}", S.topic);
    s_post(path, S.u.office, body, 200, NULL, NULL, 0);
    snprintf(path, sizeof path, D "/plans/%s/add", year);
    snprintf(body, sizeof body, "{\"topic_id\":\"%s\",\"reason\":\"恢复列入\"}", S.topic);
    s_post(path, S.u.office, body, 200, NULL, NULL, 0);
    snprintf(path, sizeof path, D "/plans/%s", year);
    assert_int_equal(api_req(S.h, "GET", path, S.u.leader, NULL, 200, &r), 200);
    assert_string_equal(api_str(r.json, "state"), "issued");
    assert_string_equal(api_str(r.json, "issued_on"), fixture_date(S.today, body));
    assert_int_equal(json_array_size(json_object_get(r.json, "amendments")), 2);
    http_resp_clear(&r);
    snprintf(path, sizeof path, D "/plans/%s/plan.csv", year);
    assert_int_equal(api_req(S.h, "GET", path, S.u.office, NULL, 200, &r), 200);
    assert_int_equal(api_csv_parse(r.raw, r.raw_len, &csv), 0);
    assert_true(csv.bom);
    assert_int_equal(csv.nrows, 2);
    assert_string_equal(csv.field[0][1], "议题");
    assert_string_equal(csv.field[1][1], "老旧小区加装电梯");
    assert_string_equal(csv.field[1][2], "公共事务");
    assert_string_equal(csv.field[1][6], "是");
    api_csv_free(&csv);
    http_resp_clear(&r);
}

/* ---- a meeting through the six steps ------------------------------------------------------ */

static void test_meeting_six_steps(void **state)
{
    char body[512], other[24], leader[96], name2[64], a[40];
    http_resp_t r;
    (void) state;
    assert_true(S.ready);
    s_post(D "/venues", S.u.office, "{\"name\":\"区政协第一会议室\",\"capacity\":30}", 201, "id",
           S.venue, sizeof S.venue);
    assert_int_equal(api_status(S.h, "POST", D "/venues", S.u.office, "{\"name\":\"小\","
                                "\"capacity\":0}"), 400);
    snprintf(body, sizeof body, "{\"title\":\"加装电梯协商会\",\"form\":\"meeting\","
             "\"topic_id\":\"%s\"}", S.topic);
    assert_int_equal(api_status(S.h, "POST", D "/consultations", S.u.member1, body), 403);
    assert_int_equal(api_status(S.h, "POST", D "/consultations", S.u.office,
                                "{\"title\":\"x\",\"form\":\"party\"}"), 400);
    s_post(D "/consultations", S.u.office, body, 201, "id", S.meeting, sizeof S.meeting);
    /* 确定议题 → no meeting before 议前调研 */
    s_event(S.meeting, "hold", S.u.office, NULL, 409, "state");
    s_event(S.meeting, "outcome", S.u.office, "{\"title\":\"x\",\"unit_id\":\"1\"}", 409, NULL);
    s_event(S.meeting, "start-research", S.u.member1, NULL, 403, NULL);
    s_event(S.meeting, "start-research", S.u.office, NULL, 200, "research");
    /* 6+X */
    s_event(S.meeting, "add-participant", S.u.office,
            "{\"participant\":{\"role\":\"member\",\"member_id\":\"1\"}}", 200, "research");
    s_event(S.meeting, "add-participant", S.u.office,
            "{\"participant\":{\"role\":\"member\",\"member_id\":\"2\"}}", 200, "research");
    s_event(S.meeting, "add-participant", S.u.office,
            "{\"participant\":{\"role\":\"member\",\"member_id\":\"2\"}}", 422, "participant.member_id");
    snprintf(leader, sizeof leader, "{\"participant\":{\"role\":\"leader\","
             "\"leader_user_id\":\"%s\"}}", S.leader_id);
    s_event(S.meeting, "add-participant", S.u.office, leader, 200, "research");
    s_event(S.meeting, "add-participant", S.u.office,
            "{\"participant\":{\"role\":\"expert\",\"name\":\"王教授\",\"organisation\":\"温州大学\","
            "\"phone\":\"139 1234 5678\",\"email\":\"wang.prof@wzu.edu.cn\"}}", 200, "research");
    s_event(S.meeting, "add-participant", S.u.office,
            "{\"participant\":{\"role\":\"cook\",\"name\":\"x\"}}", 400, "participant.role");
    /* one consultation.invited per participant added, none for the refusals */
    assert_int_equal(harness_sql_ll(S.h, "SELECT count(*) FROM bus.events WHERE type ="
                                         " 'consultation.invited'", 0, NULL), 4);
    /* research tasks gate the meeting */
    snprintf(body, sizeof body, "{\"title\":\"走访小区\",\"owner\":\"社会法制委\",\"due_date\":\"%s\"}",
             S.date);
    s_event(S.meeting, "add-task", S.u.office, body, 200, "research");
    s_event(S.meeting, "add-task", S.u.office, body, 200, "research");
    s_event(S.meeting, "task-done", S.u.office, "{\"task\":1}", 200, "research");
    s_event(S.meeting, "task-done", S.u.office, "{\"task\":1}", 409, "task");
    s_event(S.meeting, "hold", S.u.office, NULL, 409, "tasks");
    s_event(S.meeting, "task-waive", S.u.office, "{\"task\":2}", 400, "reason");
    s_event(S.meeting, "task-waive", S.u.office, "{\"task\":2,\"reason\":\"已有调研报告\"}", 200,
            "research");
    s_event(S.meeting, "hold", S.u.office, NULL, 409, "starts_at");
    /* the time: across midnight refused, then 09:00-11:00 */
    s_schedule_body(body, sizeof body, S.venue, S.day, "22:00", S.day + 1, "01:00");
    s_event(S.meeting, "schedule", S.u.office, body, 400, "ends_at");
    s_schedule_body(body, sizeof body, S.venue, S.day, "09:00", S.day, "11:00");
    s_event(S.meeting, "schedule", S.u.office, body, 200, "research");
    /* another consultation with member 2 at an overlapping time: 409 naming who and when */
    s_post(D "/consultations", S.u.office, "{\"title\":\"交通议事\",\"form\":\"dialogue\"}", 201, "id",
           other, sizeof other);
    s_event(other, "add-participant", S.u.office,
            "{\"participant\":{\"role\":\"member\",\"member_id\":\"2\"}}", 200, "collecting");
    snprintf(body, sizeof body, "{\"venue_id\":\"%s\",\"starts_at\":\"%s\",\"ends_at\":\"%sT12:00:00+08:00\"}",
             S.venue, s_at(S.day, "10:30", a), S.date);
    char path[160];
    snprintf(path, sizeof path, D "/consultations/%s/schedule", other);
    assert_int_equal(api_req(S.h, "POST", path, S.u.office, body, 409, &r), 409);
    PGresult *res = harness_sql(S.h, "SELECT name FROM core.members WHERE district_code = '330303'"
                                     " AND id = 2", 0, NULL);
    snprintf(name2, sizeof name2, "%s", PQgetvalue(res, 0, 0));
    PQclear(res);
    assert_non_null(strstr(r.raw, name2));
    assert_non_null(strstr(r.raw, S.date));
    assert_non_null(strstr(r.raw, "09:00"));
    assert_non_null(http_error_field(&r, "member_id"));
    http_resp_clear(&r);
    /* touching edges are fine: 11:00-12:00 in another venue */
    s_post(D "/venues", S.u.office, "{\"name\":\"永中街道委员工作室\",\"capacity\":12,"
           "\"workroom_id\":\"1\"}", 201, "id", a, sizeof a);
    snprintf(body, sizeof body, "{\"venue_id\":\"%s\",\"starts_at\":\"%sT11:00:00+08:00\","
             "\"ends_at\":\"%sT12:00:00+08:00\"}", a, S.date, S.date);
    s_event(other, "schedule", S.u.office, body, 200, "collecting");
    /* the same venue at the same time, nobody else busy: the venue is named */
    s_post(D "/consultations", S.u.office, "{\"title\":\"书面协商\",\"form\":\"written\"}", 201,
           "id", a, sizeof a);
    snprintf(body, sizeof body, "{\"venue_id\":\"%s\",\"starts_at\":\"%sT10:00:00+08:00\","
             "\"ends_at\":\"%sT10:30:00+08:00\"}", S.venue, S.date, S.date);
    snprintf(path, sizeof path, D "/consultations/%s/schedule", a);
    assert_int_equal(api_req(S.h, "POST", path, S.u.office, body, 409, &r), 409);
    assert_non_null(strstr(r.raw, "区政协第一会议室"));
    assert_non_null(http_error_field(&r, "venue_id"));
    http_resp_clear(&r);
    s_event(other, "cancel", S.u.office, "{\"reason\":\"改期\"}", 200, "cancelled");
    /* invitations: accept; decline with a reason */
    s_event(S.meeting, "answer", S.u.member1, "{\"accept\":true}", 200, "research");
    s_event(S.meeting, "answer", S.u.member2, "{\"accept\":false}", 400, "reason");
    s_event(S.meeting, "answer", S.u.member2, "{\"accept\":false,\"reason\":\"出差\"}", 200,
            "research");
    s_event(S.meeting, "answer", S.u.member3, "{\"accept\":true}", 403, NULL);
    /* 协商议事 → 公开公示: the minutes first */
    s_event(S.meeting, "hold", S.u.office, NULL, 200, "deliberation");
    s_event(S.meeting, "publish", S.u.office, NULL, 409, "minutes");
    s_event(S.meeting, "minutes", S.u.office, "{\"text\":\"与会人员一致同意分批加装，委员一发言。\"}",
            200, "deliberation");
    s_event(S.meeting, "publish", S.u.office, "{\"notice_days\":10}", 200, "publicity");
}

/* ---- outcomes, attendance, the public notice, closing ----------------------------------------- */

/* Waits until lianxin-assess has applied every event of consult's stream. */
static void s_assess_caught_up(void)
{
    assert_int_equal(api_wait_sql(S.h,
        "SELECT CASE WHEN coalesce((SELECT sum(s.next - 1 - coalesce(c.seq, 0))"
        " FROM bus.streams s LEFT JOIN bus.cursors c ON c.district_code = s.district_code"
        " AND c.producer = s.producer AND c.consumer = 'assess'"
        " WHERE s.district_code = '330303' AND s.producer = 'consult'), 0) = 0"
        " THEN 1 ELSE 0 END", 1, harness_ms(S.h, 15000)), 1);
}

/* ---- contacts: sealed, masked, revealed to the office only ----------------------------- */

/* Rows of consult.participants or events holding `needle` in clear. */
static long long s_clear_rows(const char *needle)
{
    const char *p[1] = {needle};
    return harness_sql_ll(S.h, "SELECT (SELECT count(*) FROM consult.participants p WHERE"
                          " position($1 IN p::text) > 0 OR position(convert_to($1, 'UTF8') IN"
                          " coalesce(p.name_sealed, '') || coalesce(p.phone_sealed, '')"
                          " || coalesce(p.email_sealed, '')) > 0) + (SELECT count(*) FROM"
                          " bus.events WHERE position(convert_to($1, 'UTF8') IN envelope) > 0)",
                          1, p);
}

/* The meeting's expert (participant 4) as `token` reads it in the consultation. */
static json_t *s_expert(const char *token, http_resp_t *r)
{
    char path[96];
    snprintf(path, sizeof path, D "/consultations/%s", S.meeting);
    assert_int_equal(api_req(S.h, "GET", path, token, NULL, 200, r), 200);
    json_t *ps = json_object_get(r->json, "participants");
    for (size_t i = 0; i < json_array_size(ps); i++)
        if (strcmp(api_str(json_array_get(ps, i), "role"), "expert") == 0)
            return json_array_get(ps, i);
    fail_msg("no expert among the participants");
    return NULL;
}

static void test_contacts_sealed(void **state)
{
    char path[128], other[24];
    http_resp_t r;
    (void) state;
    assert_true(S.ready && S.meeting[0]);
    /* a contact has a phone or an e-mail, well formed; a member has neither */
    s_post(D "/consultations", S.u.office, "{\"title\":\"社区停车协商\",\"form\":\"dialogue\"}",
           201, "id", other, sizeof other);
    s_event(other, "add-participant", S.u.office,
            "{\"participant\":{\"role\":\"cadre\",\"name\":\"李书记\"}}", 400,
            "participant.phone");
    s_event(other, "add-participant", S.u.office, "{\"participant\":{\"role\":\"cadre\","
            "\"name\":\"李书记\",\"email\":\"li@\"}}", 400, "participant.email");
    s_event(other, "add-participant", S.u.office, "{\"participant\":{\"role\":\"cadre\","
            "\"name\":\"李书记\",\"phone\":\"call me\"}}", 400, "participant.phone");
    s_event(other, "add-participant", S.u.office, "{\"participant\":{\"role\":\"member\","
            "\"member_id\":\"3\",\"phone\":\"13900000000\"}}", 400, "participant.phone");
    /* the database holds them sealed (no clear value anywhere), with the masks */
    assert_int_equal(s_clear_rows("王教授"), 0);
    assert_int_equal(s_clear_rows("139 1234 5678"), 0);
    assert_int_equal(s_clear_rows("wang.prof"), 0);
    assert_int_equal(s_clear_rows("0577-88123456"), 0);
    /* nor in any log (0, not -1: each log is read) */
    const char *logs[] = {"consult", "gateway", "intake"};
    for (int i = 0; i < 3; i++) {
        assert_int_equal(api_log_has(S.h, logs[i], "王教授"), 0);
        assert_int_equal(api_log_has(S.h, logs[i], "1234 5678"), 0);
        assert_int_equal(api_log_has(S.h, logs[i], "wang.prof"), 0);
    }
    const char *p[1] = {S.meeting};
    assert_int_equal(harness_sql_ll(S.h, "SELECT count(*) FROM consult.participants WHERE"
                     " consultation_id = $1::bigint AND role = 'expert' AND name = '王**'"
                     " AND phone_masked = '*** **** 5678' AND email_masked = 'w***@wzu.edu.cn'"
                     " AND name_sealed IS NOT NULL AND phone_sealed IS NOT NULL"
                     " AND email_sealed IS NOT NULL", 1, p), 1);
    /* every reader sees them masked */
    const char *readers[] = {S.u.office, S.u.member1, S.u.leader};
    for (int i = 0; i < 3; i++) {
        json_t *e = s_expert(readers[i], &r);
        assert_string_equal(api_str(e, "name"), "王**");
        assert_string_equal(api_str(e, "phone"), "*** **** 5678");
        assert_string_equal(api_str(e, "email"), "w***@wzu.edu.cn");
        assert_null(strstr(r.raw, "王教授"));
        assert_null(strstr(r.raw, "1234"));
        http_resp_clear(&r);
    }
    /* the office opens them, audited; others are refused */
    long long audits = harness_sql_ll(S.h, "SELECT count(*) FROM audit.trail WHERE action ="
                                      " 'consultation.reveal_contacts'", 0, NULL);
    snprintf(path, sizeof path, D "/consultations/%s/contacts", S.meeting);
    assert_int_equal(api_req(S.h, "GET", path, S.u.office, NULL, 200, &r), 200);
    json_t *cs = json_object_get(r.json, "contacts");
    assert_int_equal(json_array_size(cs), 1);
    assert_string_equal(api_str(json_array_get(cs, 0), "name"), "王教授");
    assert_string_equal(api_str(json_array_get(cs, 0), "phone"), "139 1234 5678");
    assert_string_equal(api_str(json_array_get(cs, 0), "email"), "wang.prof@wzu.edu.cn");
    assert_string_equal(api_str(json_array_get(cs, 0), "organisation"), "温州大学");
    http_resp_clear(&r);
    assert_int_equal(harness_sql_ll(S.h, "SELECT count(*) FROM audit.trail WHERE action ="
                                    " 'consultation.reveal_contacts'", 0, NULL), audits + 1);
    assert_int_equal(api_status(S.h, "GET", path, S.u.member1, NULL), 403);
    assert_int_equal(api_status(S.h, "GET", path, S.u.leader, NULL), 403);
    assert_int_equal(api_status(S.h, "GET", D "/consultations/999999/contacts", S.u.office,
                                NULL), 404);
    assert_int_equal(api_status(S.h, "GET", "/v1/districts/330304/consultations/1/contacts",
                                S.u.office, NULL), 403);
}

/* A venue holds the participants who have not declined: scheduling into a
 * smaller one, or inviting one more once booked, is 409 venue_id. */
static void test_venue_capacity(void **state)
{
    char cid[24], small[24], two[24], body[256];
    const char *expert = "{\"participant\":{\"role\":\"expert\",\"name\":\"周老师\","
                         "\"email\":\"zhou@example.cn\"}}";
    (void) state;
    assert_true(S.ready);
    s_post(D "/venues", S.u.office, "{\"name\":\"单人谈话室\",\"capacity\":1}", 201, "id", small,
           sizeof small);
    s_post(D "/venues", S.u.office, "{\"name\":\"双人谈话室\",\"capacity\":2}", 201, "id", two,
           sizeof two);
    s_post(D "/consultations", S.u.office, "{\"title\":\"座谈\",\"form\":\"dialogue\"}", 201,
           "id", cid, sizeof cid);
    s_event(cid, "add-participant", S.u.office, expert, 200, "collecting");
    s_event(cid, "add-participant", S.u.office, expert, 200, "collecting");
    s_schedule_body(body, sizeof body, small, S.day + 5, "14:00", S.day + 5, "15:00");
    s_event(cid, "schedule", S.u.office, body, 409, "venue_id");
    s_schedule_body(body, sizeof body, two, S.day + 5, "14:00", S.day + 5, "15:00");
    s_event(cid, "schedule", S.u.office, body, 200, "collecting");
    s_event(cid, "add-participant", S.u.office, expert, 409, "venue_id");
    const char *p[1] = {cid};
    assert_int_equal(harness_sql_ll(S.h, "SELECT count(*) FROM consult.participants WHERE"
                                         " consultation_id = $1::bigint", 1, p), 2);
    /* the office records a contact's answer; one who declines leaves a seat */
    s_event(cid, "answer", S.u.office, "{\"accept\":false,\"reason\":\"外出\"}", 400, "seq");
    s_event(cid, "answer", S.u.office, "{\"accept\":false,\"seq\":1}", 400, "reason");
    s_event(cid, "answer", S.u.office, "{\"accept\":true,\"seq\":9}", 422, "seq");
    s_event(cid, "answer", S.u.member1, "{\"accept\":true,\"seq\":1}", 403, NULL);
    s_event(cid, "answer", S.u.office, "{\"accept\":false,\"reason\":\"外出\",\"seq\":1}", 200,
            "collecting");
    assert_int_equal(harness_sql_ll(S.h, "SELECT count(*) FROM consult.participants WHERE"
                                         " consultation_id = $1::bigint AND seq = 1 AND invitation"
                                         " = 'declined' AND decline_reason = '外出'", 1, p), 1);
    s_event(cid, "add-participant", S.u.office, expert, 200, "collecting");
    /* a member answers for themselves only: the office cannot for a member */
    s_post(D "/consultations", S.u.office, "{\"title\":\"走访座谈\",\"form\":\"dialogue\"}", 201,
           "id", cid, sizeof cid);
    s_event(cid, "add-participant", S.u.office,
            "{\"participant\":{\"role\":\"member\",\"member_id\":\"2\"}}", 200, "collecting");
    s_event(cid, "answer", S.u.office, "{\"accept\":true,\"seq\":1}", 422, "seq");
    s_event(cid, "answer", S.u.member2, "{\"accept\":true}", 200, "collecting");
}

/* The member's file (GET `path` as `token`, the year of the consultation's
 * day) holds exactly one act of this consultation, with `status` and the
 * link back to it; the link answers the office. */
static void s_file_has_consultation(const char *path, const char *token, const char *status)
{
    char url[200], link[160];
    http_resp_t r;
    int found = 0;
    snprintf(url, sizeof url, "%s?year=%.4s", path, S.date);
    snprintf(link, sizeof link, D "/consultations/%s", S.meeting);
    assert_int_equal(api_req(S.h, "GET", url, token, NULL, 200, &r), 200);
    json_t *acts = json_object_get(r.json, "acts"), *a;
    size_t i;
    json_array_foreach(acts, i, a) {
        if (strcmp(api_str(a, "source"), "consultation") != 0
            || strcmp(api_str(a, "source_id"), S.meeting) != 0)
            continue;
        found++;
        assert_string_equal(api_str(a, "kind"), "consultation");
        assert_string_equal(api_str(a, "status"), status);
        assert_string_equal(api_str(a, "date"), S.date);
        assert_string_equal(api_str(a, "title"), "加装电梯协商会");
        assert_string_equal(api_str(a, "link"), link);
    }
    assert_int_equal(found, 1);
    http_resp_clear(&r);
    assert_int_equal(api_status(S.h, "GET", link, S.u.office, NULL), 200);
}

static void test_outcome_attendance_notice(void **state)
{
    char path[160], answer[11], close[11], notice_until[11];
    calendar_day_t due;
    http_resp_t r;
    (void) state;
    assert_true(S.ready);
    s_event(S.meeting, "outcome", S.u.office, "{\"title\":\"分批加装电梯\",\"unit_id\":\"99\"}",
            422, "unit_id");
    s_event(S.meeting, "outcome", S.u.office, "{\"title\":\"分批加装电梯\",\"unit_id\":\"1\","
            "\"leader\":\"分管副主席\"}", 200, "publicity");
    s_event(S.meeting, "attend", S.u.office, "{\"member_id\":\"1\",\"status\":\"present\"}", 200,
            "publicity");
    s_event(S.meeting, "attend", S.u.office, "{\"member_id\":\"2\",\"status\":\"leave\"}", 200,
            "publicity");
    s_event(S.meeting, "attend", S.u.office, "{\"member_id\":\"3\",\"status\":\"present\"}", 422,
            "member_id");
    s_event(S.meeting, "attend", S.u.office, "{\"member_id\":\"1\",\"status\":\"late\"}", 400,
            "status");
    /* the due dates: two and three calendar months from today */
    assert_int_equal(calendar_add_months(S.today, 2, &due), 0);
    fixture_date(due, answer);
    assert_int_equal(calendar_add_months(S.today, 3, &due), 0);
    fixture_date(due, close);
    snprintf(path, sizeof path, D "/consultations/%s", S.meeting);
    assert_int_equal(api_req(S.h, "GET", path, S.u.office, NULL, 200, &r), 200);
    json_t *o = json_array_get(json_object_get(r.json, "outcomes"), 0);
    assert_string_equal(api_str(o, "answer_due"), answer);
    assert_string_equal(api_str(o, "close_due"), close);
    snprintf(notice_until, sizeof notice_until, "%s", api_str(r.json, "notice_until"));
    assert_string_equal(notice_until, fixture_date(S.today + 9, path));
    assert_string_equal(api_str(json_array_get(json_object_get(r.json, "participants"), 1),
                                "decline_reason"), "出差");
    http_resp_clear(&r);
    assert_int_equal(harness_sql_ll(S.h, "SELECT count(*) FROM bus.events WHERE type ="
                                         " 'consultation.outcome_assigned'", 0, NULL), 1);
    assert_int_equal(harness_sql_ll(S.h, "SELECT count(*) FROM bus.events WHERE type ="
                                         " 'consultation.attended'", 0, NULL), 2);
    /* the member files (lianxin-assess, from consultation.attended): act by act */
    s_assess_caught_up();
    s_file_has_consultation(D "/assess/my-file", S.u.member1, "present");
    s_file_has_consultation(D "/assess/files/2", S.u.office, "leave");
    /* corrected by the office: the same act, its status replaced */
    s_event(S.meeting, "attend", S.u.office, "{\"member_id\":\"1\",\"status\":\"absent\"}", 200,
            "publicity");
    s_assess_caught_up();
    s_file_has_consultation(D "/assess/files/1", S.u.office, "absent");
    s_event(S.meeting, "attend", S.u.office, "{\"member_id\":\"1\",\"status\":\"present\"}", 200,
            "publicity");
    s_assess_caught_up();
    s_file_has_consultation(D "/assess/my-file", S.u.member1, "present");
    /* the public notice: no login, the outcome and its unit, nothing personal */
    assert_int_equal(api_req(S.h, "GET", "/public/330303/notices", NULL, NULL, 200, &r), 200);
    assert_non_null(strstr(r.raw, "加装电梯协商会"));
    assert_non_null(strstr(r.raw, "分批加装电梯"));
    assert_non_null(strstr(r.raw, notice_until));
    assert_null(strstr(r.raw, "委员一发言"));          /* the minutes */
    assert_null(strstr(r.raw, "王教授"));
    assert_null(strstr(r.raw, "王**"));               /* not even masked */
    assert_null(strstr(r.raw, "5678"));
    assert_null(strstr(r.raw, "wzu.edu.cn"));
    assert_null(strstr(r.raw, "出差"));
    assert_null(strstr(r.raw, "member"));
    http_resp_clear(&r);
    assert_int_equal(api_req(S.h, "GET", "/public/330304/notices", NULL, NULL, 200, &r), 200);
    assert_null(strstr(r.raw, "加装电梯协商会"));
    http_resp_clear(&r);
    /* after the display period it is gone, and the timer says so once */
    assert_int_equal(harness_clock_advance(S.h, 10LL * 86400 * 1000000), 0);
    assert_int_equal(api_req(S.h, "GET", "/public/330303/notices", NULL, NULL, 200, &r), 200);
    assert_null(strstr(r.raw, "加装电梯协商会"));
    http_resp_clear(&r);
    assert_int_equal(api_wait_sql(S.h, "SELECT count(*) FROM bus.events WHERE type ="
                                       " 'consultation.notice_ended'", 1, harness_ms(S.h, 15000)),
                     1);
    /* 研究落实, closed */
    s_event(S.meeting, "close", S.u.office, NULL, 409, NULL);
    s_event(S.meeting, "implement", S.u.office, NULL, 200, "implementation");
    s_event(S.meeting, "close", S.u.office, NULL, 200, "closed");
    s_event(S.meeting, "schedule", S.u.office, "{}", 409, NULL);
    snprintf(path, sizeof path, "SELECT count(*) FROM audit.trail WHERE object_type ="
             " 'consultation' AND object_id = '%s'", S.meeting);
    /* created, start_research, 4 participants, 2 tasks, 1 done, 1 waived, schedule, 2 answers,
     * hold, minutes, publish, outcome (its own and the step's), 2 attendances (each twice),
     * implement, close */
    assert_true(harness_sql_ll(S.h, path, 0, NULL) >= 20);
}

/* ---- iCalendar, suggest-slots, refusals ------------------------------------------------ */

static void test_ics_and_suggest(void **state)
{
    char path[200], want[64], *ics = NULL;
    http_resp_t r;
    (void) state;
    assert_true(S.ready);
    assert_int_equal(api_req(S.h, "GET", D "/members/1/consultations.ics", S.u.member1, NULL, 200,
                             &r), 200);
    assert_int_equal(api_ics_unfold(r.raw, r.raw_len, &ics), 0);
    assert_int_equal(api_ics_count(ics, "BEGIN:VEVENT"), 1);
    snprintf(want, sizeof want, "DTSTART;TZID=Asia/Shanghai:%.4s%.2s%.2sT090000", S.date,
             S.date + 5, S.date + 8);
    assert_int_equal(api_ics_count(ics, want), 1);
    assert_int_equal(api_ics_count(ics, "SUMMARY:政协协商：加装电梯协商会"), 1);
    assert_int_equal(api_ics_count(ics, "LOCATION:区政协第一会议室"), 1);
    free(ics);
    http_resp_clear(&r);
    assert_int_equal(api_status(S.h, "GET", D "/members/2/consultations.ics", S.u.member1, NULL),
                     403);
    snprintf(path, sizeof path, D "/venues/%s/consultations.ics", S.venue);
    assert_int_equal(api_req(S.h, "GET", path, S.u.office, NULL, 200, &r), 200);
    assert_int_equal(api_ics_unfold(r.raw, r.raw_len, &ics), 0);
    /* the meeting only: the other one never got this venue */
    assert_int_equal(api_ics_count(ics, "BEGIN:VEVENT"), 1);
    free(ics);
    http_resp_clear(&r);
    /* the leader's feed: the meeting they take part in, parsed back; the office reads it,
     * a member may not, nor a leader another leader's */
    snprintf(path, sizeof path, D "/leaders/%s/consultations.ics", S.leader_id);
    assert_int_equal(api_req(S.h, "GET", path, S.u.leader, NULL, 200, &r), 200);
    assert_int_equal(api_ics_unfold(r.raw, r.raw_len, &ics), 0);
    assert_int_equal(api_ics_count(ics, "BEGIN:VCALENDAR"), 1);
    assert_int_equal(api_ics_count(ics, "BEGIN:VEVENT"), 1);
    assert_int_equal(api_ics_count(ics, want), 1);
    assert_int_equal(api_ics_count(ics, "SUMMARY:政协协商：加装电梯协商会"), 1);
    assert_int_equal(api_ics_count(ics, "LOCATION:区政协第一会议室"), 1);
    free(ics);
    http_resp_clear(&r);
    assert_int_equal(api_status(S.h, "GET", path, S.u.office, NULL), 200);
    assert_int_equal(api_status(S.h, "GET", path, S.u.member1, NULL), 403);
    snprintf(path, sizeof path, D "/leaders/%lld/consultations.ics",
             atoll(S.leader_id) + 1000);
    assert_int_equal(api_status(S.h, "GET", path, S.u.leader, NULL), 403);
    assert_int_equal(api_req(S.h, "GET", path, S.u.office, NULL, 200, &r), 200);
    assert_int_equal(api_ics_unfold(r.raw, r.raw_len, &ics), 0);
    assert_int_equal(api_ics_count(ics, "BEGIN:VEVENT"), 0);
    free(ics);
    http_resp_clear(&r);
    /* suggest-slots around the meeting (09:00-11:00) of member 1 in its venue: two hours
     * fit neither before nor after it that morning: 14:00 */
    snprintf(path, sizeof path, D "/consultations/suggest-slots?member_ids=1,4&leader_ids=%s"
             "&venue_id=%s&minutes=120&from=%s&to=%s&count=3", S.leader_id, S.venue, S.date,
             S.date);
    assert_int_equal(api_req(S.h, "GET", path, S.u.office, NULL, 200, &r), 200);
    json_t *slots = json_object_get(r.json, "slots");
    assert_int_equal(json_array_size(slots), 1);
    snprintf(want, sizeof want, "%sT14:00:00.000+08:00", S.date);
    assert_string_equal(api_str(json_array_get(slots, 0), "starts_at"), want);
    http_resp_clear(&r);
    assert_int_equal(api_status(S.h, "GET", D "/consultations/suggest-slots?member_ids=x&minutes=60",
                                S.u.office, NULL), 400);
    assert_int_equal(api_status(S.h, "GET", D "/consultations/suggest-slots?minutes=5",
                                S.u.office, NULL), 400);
    assert_int_equal(api_status(S.h, "GET", D "/consultations/suggest-slots?minutes=60",
                                S.u.member1, NULL), 403);
    /* another district's office: 403 on every route of 330303 */
    assert_int_equal(api_status(S.h, "GET", D "/consultations", S.u.office2, NULL), 403);
    snprintf(path, sizeof path, D "/consultations/%s/implement", S.meeting);
    assert_int_equal(api_status(S.h, "POST", path, S.u.office2, NULL), 403);
    assert_int_equal(api_status(S.h, "POST", D "/topics", S.u.office2, "{\"title\":\"x\"}"), 403);
    /* a member sees only consultations they take part in */
    assert_int_equal(api_req(S.h, "GET", D "/consultations", S.u.member3, NULL, 200, &r), 200);
    assert_int_equal(json_array_size(json_object_get(r.json, "items")), 0);
    http_resp_clear(&r);
}

/* ---- the micro-consultation born from an intake issue, delivered twice ----------------------- */

static const char *const SQL_MICRO =
    "SELECT count(*) FROM consult.consultations WHERE district_code = '330303'"
    " AND series = 'micro' AND source_issue_id IS NOT NULL";

static void test_micro_from_issue_once(void **state)
{
    int64_t members[] = {1, 2};
    char *visit_body = fixture_visit(1, members, 2, "transport", 3600, 0), visit[24], path[160];
    char micro[24], body[256], leader[96], venue[24];
    (void) state;
    assert_true(S.ready);
    s_post(D "/visits", S.u.member1, visit_body, 201, "id", visit, sizeof visit);
    free(visit_body);
    snprintf(path, sizeof path, D "/visits/%s/issues", visit);
    s_post(path, S.u.office, "{\"summary\":\"楼道堆物清理\",\"importance\":2,\"difficulty\":2,"
           "\"local\":true}", 201, NULL, NULL, 0);
    assert_int_equal(api_wait_sql(S.h, SQL_MICRO, 1, harness_ms(S.h, 15000)), 1);
    long long seq = harness_sql_ll(S.h, "SELECT seq FROM bus.cursors WHERE consumer = 'consult'"
                                        " AND producer = 'intake' AND district_code = '330303'",
                                   0, NULL);
    assert_true(seq > 0);
    /* deliver every intake event again: rewind consult's cursor and restart it */
    assert_int_equal(harness_stop(S.h, "consult"), 0);
    long long n = harness_sql_ll(S.h, "WITH u AS (UPDATE bus.cursors SET seq = 0 WHERE consumer ="
                                      " 'consult' AND producer = 'intake' RETURNING 1)"
                                      " SELECT count(*) FROM u", 0, NULL);
    assert_true(n >= 1);
    assert_int_equal(harness_start(S.h, "consult"), 0);
    char want[200];
    snprintf(want, sizeof want, "SELECT count(*) FROM bus.cursors WHERE consumer = 'consult'"
             " AND producer = 'intake' AND district_code = '330303' AND seq >= %lld", seq);
    assert_int_equal(api_wait_sql(S.h, want, 1, harness_ms(S.h, 15000)), 1);
    assert_int_equal(harness_sql_ll(S.h, SQL_MICRO, 0, NULL), 1);
    assert_int_equal(harness_sql_ll(S.h, "SELECT count(*) FROM audit.trail WHERE action ="
                                         " 'consultation.created' AND actor_role = 'system'",
                                    0, NULL), 1);
    PGresult *res = harness_sql(S.h, "SELECT id, workroom_id, state, title FROM"
                                     " consult.consultations WHERE series = 'micro'", 0, NULL);
    snprintf(micro, sizeof micro, "%s", PQgetvalue(res, 0, 0));
    assert_string_equal(PQgetvalue(res, 0, 1), "1");
    assert_string_equal(PQgetvalue(res, 0, 2), "collecting");
    assert_non_null(strstr(PQgetvalue(res, 0, 3), "楼道堆物清理"));
    PQclear(res);
    /* a micro-consultation needs a CPPCC leader among its participants */
    s_event(micro, "set-topic", S.u.office, NULL, 200, "topic_set");
    s_event(micro, "add-participant", S.u.office,
            "{\"participant\":{\"role\":\"member\",\"member_id\":\"3\"}}", 200, "topic_set");
    s_event(micro, "add-participant", S.u.office,
            "{\"participant\":{\"role\":\"public_rep\",\"name\":\"居民代表\","
            "\"phone\":\"0577-88123456\"}}", 200, "topic_set");
    s_post(D "/venues", S.u.office, "{\"name\":\"小区议事点\",\"capacity\":8}", 201, "id", venue,
           sizeof venue);
    s_schedule_body(body, sizeof body, venue, S.day + 1, "14:00", S.day + 1, "15:00");
    s_event(micro, "schedule", S.u.office, body, 200, "topic_set");
    s_event(micro, "hold", S.u.office, NULL, 409, "participants");
    snprintf(leader, sizeof leader, "{\"participant\":{\"role\":\"leader\","
             "\"leader_user_id\":\"%s\"}}", S.leader_id);
    s_event(micro, "add-participant", S.u.office, leader, 200, "topic_set");
    s_event(micro, "answer", S.u.leader, "{\"accept\":true}", 200, "topic_set");
    s_event(micro, "hold", S.u.office, NULL, 200, "deliberation");
}

/* ---- a reception duty from intake's published rota is a conflict --------------------------- */

static void test_duty_from_rota_conflicts(void **state)
{
    char month[8], path[320], body[256], id[24], member[24], date[11], a[40], b[40];
    http_resp_t r;
    (void) state;
    assert_true(S.ready);
    fixture_month_after(S.today, 3, month, NULL, NULL);
    snprintf(path, sizeof path, D "/rota/generate?month=%s", month);
    assert_int_equal(api_status(S.h, "POST", path, S.u.office, NULL), 200);
    snprintf(path, sizeof path, D "/rota/publish?month=%s", month);
    assert_int_equal(api_status(S.h, "POST", path, S.u.office, NULL), 200);
    snprintf(path, sizeof path, "SELECT (count(*) > 0)::int FROM consult.duties WHERE"
             " to_char(duty_date, 'YYYY-MM') = '%s'", month);
    assert_int_equal(api_wait_sql(S.h, path, 1, harness_ms(S.h, 15000)), 1);
    /* the copy holds what intake published, row for row */
    snprintf(path, sizeof path, "SELECT ((SELECT count(*) FROM consult.duties WHERE"
             " to_char(duty_date, 'YYYY-MM') = '%s') = (SELECT count(*) FROM intake.rota WHERE"
             " month = '%s' AND status = 'published'))::int", month, month);
    assert_int_equal(harness_sql_ll(S.h, path, 0, NULL), 1);
    PGresult *res = harness_sql(S.h, "SELECT member_id, duty_date::text FROM consult.duties"
                                     " ORDER BY duty_date, rota_id LIMIT 1", 0, NULL);
    snprintf(member, sizeof member, "%s", PQgetvalue(res, 0, 0));
    snprintf(date, sizeof date, "%s", PQgetvalue(res, 0, 1));
    PQclear(res);
    calendar_day_t day;
    assert_int_equal(calendar_day_parse(date, &day), 0);
    s_post(D "/consultations", S.u.office, "{\"title\":\"民生议事\",\"form\":\"communication\","
           "\"series\":\"minsheng\"}", 201, "id", id, sizeof id);
    snprintf(body, sizeof body, "{\"participant\":{\"role\":\"member\",\"member_id\":\"%s\"}}",
             member);
    s_event(id, "add-participant", S.u.office, body, 200, "collecting");
    snprintf(body, sizeof body, "{\"venue_id\":\"%s\",\"starts_at\":\"%s\",\"ends_at\":\"%s\"}",
             S.venue, s_at(day, "16:00", a), s_at(day, "17:30", b));
    snprintf(path, sizeof path, D "/consultations/%s/schedule", id);
    assert_int_equal(api_req(S.h, "POST", path, S.u.office, body, 409, &r), 409);
    assert_non_null(strstr(r.raw, "接待日值班"));
    assert_non_null(strstr(r.raw, date));
    assert_string_equal(http_error_field(&r, "member_id"), "on_duty");
    http_resp_clear(&r);
    /* after the duty's hours it is free */
    snprintf(body, sizeof body, "{\"venue_id\":\"%s\",\"starts_at\":\"%s\",\"ends_at\":\"%s\"}",
             S.venue, s_at(day, "17:00", a), s_at(day, "18:00", b));
    s_event(id, "schedule", S.u.office, body, 200, "collecting");
}

/* ---- an online consultation collects written opinions within its window -------------------- */

static void test_online_opinions_window(void **state)
{
    char id[24], body[200], until[40];
    (void) state;
    assert_true(S.ready);
    snprintf(body, sizeof body, "{\"title\":\"网络议政：垃圾分类\",\"form\":\"online\","
             "\"topic_id\":\"%s\"}", S.topic);
    s_post(D "/consultations", S.u.office, body, 201, "id", id, sizeof id);
    s_event(id, "add-participant", S.u.office,
            "{\"participant\":{\"role\":\"member\",\"member_id\":\"1\"}}", 200, "topic_set");
    s_event(id, "opinion", S.u.member1, "{\"text\":\"早了\"}", 409, NULL);
    s_event(id, "hold", S.u.office, NULL, 400, "opinion_until");
    /* three days from now on the stack's clock (the harness's, read by time_now_us) */
    time_format(time_now_us() + 3LL * 86400 * 1000000, until, sizeof until);
    snprintf(body, sizeof body, "{\"opinion_until\":\"%s\"}", until);
    s_event(id, "hold", S.u.office, body, 200, "deliberation");
    s_event(id, "opinion", S.u.member1, "{\"text\":\"建议设置定时定点投放\"}", 200, "deliberation");
    s_event(id, "opinion", S.u.member3, "{\"text\":\"x\"}", 403, NULL);
    s_event(id, "opinion", S.u.member1, "{\"text\":\"\"}", 400, "text");
    /* a research task due today that nobody finishes: consultation.task_overdue tomorrow */
    char meeting[24], today[11];
    snprintf(body, sizeof body, "{\"title\":\"调研逾期\",\"form\":\"meeting\",\"topic_id\":\"%s\"}",
             S.topic);
    s_post(D "/consultations", S.u.office, body, 201, "id", meeting, sizeof meeting);
    snprintf(body, sizeof body, "{\"title\":\"走访\",\"owner\":\"办公室\",\"due_date\":\"%s\"}",
             fixture_date(fixture_today(), today));
    s_event(meeting, "add-task", S.u.office, body, 200, "topic_set");
    assert_int_equal(harness_sql_ll(S.h, "SELECT count(*) FROM bus.events WHERE type ="
                                         " 'consultation.task_overdue'", 0, NULL), 0);
    assert_int_equal(harness_clock_advance(S.h, 4LL * 86400 * 1000000), 0);
    assert_int_equal(api_wait_sql(S.h, "SELECT count(*) FROM bus.events WHERE type ="
                                       " 'consultation.task_overdue'", 1, harness_ms(S.h, 15000)),
                     1);
    s_event(id, "opinion", S.u.member1, "{\"text\":\"晚了\"}", 403, NULL);
    char sql[160];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM consult.opinions WHERE consultation_id = %s", id);
    assert_int_equal(harness_sql_ll(S.h, sql, 0, NULL), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_topics_screened),
        cmocka_unit_test(test_plan_issued_and_amended),
        cmocka_unit_test(test_meeting_six_steps),
        cmocka_unit_test(test_contacts_sealed),
        cmocka_unit_test(test_venue_capacity),
        cmocka_unit_test(test_outcome_attendance_notice),
        cmocka_unit_test(test_ics_and_suggest),
        cmocka_unit_test(test_micro_from_issue_once),
        cmocka_unit_test(test_duty_from_rota_conflicts),
        cmocka_unit_test(test_online_opinions_window),
    };
    return cmocka_run_group_tests(tests, s_setup, s_teardown);
}
