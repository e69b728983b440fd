/* test_assess: a member's year played through the real services on the
 * stack's clock and their file checked act by act: a visit (intake), a
 * public-opinion report submitted (intake), a proposal submitted (proposal),
 * an office plenary checked in by QR link, a deed and an inspection (one by
 * check-in, one by the office's correction): the five ones met. Leave
 * approved against no leave at the close of a meeting; two plenaries missed
 * without leave flag a member once (member.flagged). Check-in refused with
 * a forged token, a token of another meeting, outside the window. Role and
 * district refusals. The rebuild from bus.events gives the same acts and
 * files as the live consumer. A published snapshot stays as published when
 * later events come in. The CSV export parsed back. */
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
#define MIN_US (60LL * 1000000)
#define HOUR_US (60 * MIN_US)

static struct {
    harness_t *h;
    fixture_users_t u;
    char year[8];
    char plenary[24], deed[24], inspection[24];
    int ready;
} S;

/* The stack's clock at 09:00 of the next day: every step of the test then
 * falls on one day, whatever the day of the year. */
static int s_setup(void **state)
{
    (void) state;
    memset(&S, 0, sizeof S);
    if (!(S.h = harness_new("assess")) || harness_start_all(S.h) != 0)
        return 0;
    if (harness_clock_set(S.h, calendar_day_start_us(fixture_today() + 1) + 9 * HOUR_US) != 0)
        return 0;
    int y, m, d;
    calendar_day_to_ymd(fixture_today(), &y, &m, &d);
    snprintf(S.year, sizeof S.year, "%d", y);
    S.ready = fixture_login(S.h, &S.u, "office office2 leader member1 member2 member3 unit1") == 0;
    return 0;
}

static int s_teardown(void **state)
{
    (void) state;
    fixture_logout(&S.u);
    harness_destroy(&S.h);
    return 0;
}

/* RFC 3339 of now + delta on the stack's clock. */
static void s_at(int64_t delta_us, char out[40])
{
    assert_int_equal(time_format(time_now_us() + delta_us, out, 40), 0);
}

/* Creates an office meeting of `kind` from now + start to now + end (minutes)
 * with `members` (a JSON array text); its id into id. */
static void s_meeting(const char *kind, const char *title, int start_min, int end_min,
                      const char *members, char id[24])
{
    char s[40], e[40], body[512];
    http_resp_t r;
    s_at(start_min * MIN_US, s);
    s_at(end_min * MIN_US, e);
    snprintf(body, sizeof body, "{\"kind\":\"%s\",\"title\":\"%s\",\"starts_at\":\"%s\","
             "\"ends_at\":\"%s\",\"venue\":\"区政协会议室\",\"member_ids\":%s}", kind, title, s, e,
             members);
    assert_int_equal(api_req(S.h, "POST", D "/meetings", S.u.office, body, 201, &r), 201);
    snprintf(id, 24, "%s", api_str(r.json, "id"));
    assert_string_equal(api_str(r.json, "state"), "scheduled");
    http_resp_clear(&r);
}

/* The check-in token of a meeting, from the office's QR code answer. */
static void s_token(const char *meeting, char token[128])
{
    char path[128];
    http_resp_t r;
    snprintf(path, sizeof path, D "/meetings/%s/checkin-code", meeting);
    assert_int_equal(api_req(S.h, "POST", path, S.u.office, NULL, 200, &r), 200);
    snprintf(token, 128, "%s", api_str(r.json, "token"));
    assert_true(strncmp(api_str(r.json, "svg"), "<svg", 4) == 0);
    assert_non_null(strstr(api_str(r.json, "url"), token));
    http_resp_clear(&r);
}

static long s_checkin(const char *token_of, const char *meeting, const char *who, long want,
                      const char *code)
{
    char token[128], body[256];
    http_resp_t r;
    s_token(token_of, token);
    snprintf(body, sizeof body, "{\"token\":\"%s\",\"meeting_id\":\"%s\"}", token, meeting);
    long st = api_req(S.h, "POST", D "/checkin", who, body, want, &r);
    if (code)
        assert_string_equal(http_error_code(&r), code);
    http_resp_clear(&r);
    return st;
}

static long long s_sql1(const char *sql, const char *a)
{
    const char *p[2] = {a, S.year};
    return harness_sql_ll(S.h, sql, 2, p);
}

/* Waits until assess has applied every event of the district's streams. */
static void s_caught_up(void)
{
    assert_int_equal(fixture_assess_caught_up(S.h, "330303", 15000), 0);
}

/* ---- a member's year -------------------------------------------------------------------- */

static void test_year_through_the_services(void **state)
{
    (void) state;
    http_resp_t r;
    char path[128];
    assert_true(S.ready);
    /* intake: a visit received by member1 */
    int64_t members[] = {1};
    char *visit = fixture_visit(1, members, 1, "transport", 600, 0);
    assert_int_equal(api_req(S.h, "POST", D "/visits", S.u.member1, visit, 201, &r), 201);
    free(visit);
    http_resp_clear(&r);
    /* intake: a public-opinion report written and submitted */
    assert_int_equal(api_req(S.h, "POST", D "/reports", S.u.member1,
        "{\"title\":\"关于城区夜间停车难的建议\",\"facts\":\"老旧小区夜间停车位不足。\","
        "\"analysis\":\"规划滞后\",\"suggestions\":\"建设立体停车场\",\"category\":\"transport\","
        "\"workroom_id\":\"1\"}", 201, &r), 201);
    snprintf(path, sizeof path, D "/reports/%s/submit", api_str(r.json, "id"));
    http_resp_clear(&r);
    assert_int_equal(api_status(S.h, "POST", path, S.u.member1, NULL), 200);
    /* proposal: an individual proposal submitted */
    assert_int_equal(api_req(S.h, "POST", D "/proposals", S.u.member1,
        "{\"title\":\"关于加快老旧小区加装电梯的建议\",\"reasons\":\"老年人上下楼难。\","
        "\"measures\":\"简化审批，财政补贴。\",\"category\":\"urban_construction\","
        "\"unit_ids\":[\"1\"]}", 201, &r), 201);
    snprintf(path, sizeof path, D "/proposals/%s/submit", api_str(r.json, "id"));
    http_resp_clear(&r);
    assert_int_equal(api_status(S.h, "POST", path, S.u.member1, NULL), 200);
    /* assess: a plenary (members 1, 2, 3), a deed and an inspection */
    s_meeting("plenary", "区政协全体会议", -10, 120, "[\"1\",\"2\",\"3\"]", S.plenary);
    s_meeting("deed", "为民办实事：助老义诊", -5, 60, "[\"1\"]", S.deed);
    s_meeting("inspection", "视察城区交通治理", -5, 90, "[\"1\"]", S.inspection);
    s_checkin(S.plenary, S.plenary, S.u.member1, 200, NULL);
    s_checkin(S.deed, S.deed, S.u.member1, 200, NULL);
    /* checked in twice: the machine says what is allowed now */
    s_checkin(S.plenary, S.plenary, S.u.member1, 409, "conflict");
    /* the inspection by the office's correction */
    snprintf(path, sizeof path, D "/meetings/%s/attendance", S.inspection);
    assert_int_equal(api_status(S.h, "POST", path, S.u.office, "{\"member_id\":\"1\","
                                "\"status\":\"present\",\"note\":\"现场签到设备故障，补录\"}"), 200);
    assert_int_equal(api_req(S.h, "POST", path, S.u.office, "{\"member_id\":\"1\","
                             "\"status\":\"present\"}", 400, &r), 400);
    assert_non_null(http_error_field(&r, "note"));
    http_resp_clear(&r);
}

static void test_checkin_refusals(void **state)
{
    (void) state;
    char token[128], body[256], far[24];
    http_resp_t r;
    assert_true(S.ready);
    /* a token of another meeting: member2 is invited to the plenary only */
    s_checkin(S.deed, S.plenary, S.u.member2, 409, "checkin_refused");
    /* forged: the signature of one meeting moved to another id */
    s_token(S.plenary, token);
    token[strlen(token) - 1] = token[strlen(token) - 1] == '0' ? '1' : '0';
    snprintf(body, sizeof body, "{\"token\":\"%s\"}", token);
    assert_int_equal(api_req(S.h, "POST", D "/checkin", S.u.member2, body, 403, &r), 403);
    assert_string_equal(http_error_code(&r), "checkin_refused");
    http_resp_clear(&r);
    /* outside the window: a meeting in three days */
    s_meeting("training", "委员履职培训", 3 * 24 * 60, 3 * 24 * 60 + 120, "[\"2\"]", far);
    s_checkin(far, far, S.u.member2, 409, "checkin_refused");
    /* not invited */
    s_checkin(S.deed, S.deed, S.u.member3, 404, "not_found");
    /* the office cannot check in for a member; a member cannot make a code */
    snprintf(body, sizeof body, D "/meetings/%s/checkin-code", S.plenary);
    assert_int_equal(api_status(S.h, "POST", body, S.u.member1, NULL), 403);
    assert_int_equal(api_status(S.h, "POST", D "/checkin", S.u.office, "{\"token\":\"1.1.1\"}"),
                     403);
}

static void test_leave_and_close(void **state)
{
    (void) state;
    char path[128];
    http_resp_t r;
    assert_true(S.ready);
    snprintf(path, sizeof path, D "/meetings/%s/leave", S.plenary);
    assert_int_equal(api_req(S.h, "POST", path, S.u.member2, "{\"reason\":\"出差在外\"}", 200,
                             &r), 200);
    assert_string_equal(api_str(r.json, "leave"), "asked");
    http_resp_clear(&r);
    /* asked twice: 409 with what is allowed */
    assert_int_equal(api_req(S.h, "POST", path, S.u.member2, "{\"reason\":\"出差在外\"}", 409,
                             &r), 409);
    http_resp_clear(&r);
    /* a member cannot decide; the office approves member2, refuses nothing
     * member3 never asked for */
    snprintf(path, sizeof path, D "/meetings/%s/leave/decide", S.plenary);
    assert_int_equal(api_status(S.h, "POST", path, S.u.member2, "{\"member_id\":\"2\","
                                "\"decision\":\"approved\"}"), 403);
    assert_int_equal(api_status(S.h, "POST", path, S.u.office, "{\"member_id\":\"3\","
                                "\"decision\":\"refused\"}"), 409);
    assert_int_equal(api_req(S.h, "POST", path, S.u.office, "{\"member_id\":\"2\","
                             "\"decision\":\"approved\"}", 200, &r), 200);
    assert_string_equal(api_str(r.json, "leave"), "approved");
    http_resp_clear(&r);
    /* the meetings end: the close writes leave for member2, absent for member3 */
    assert_int_equal(harness_clock_advance(S.h, 150 * MIN_US), 0);
    assert_int_equal(api_wait_sql(S.h, "SELECT count(*) FROM assess.meetings"
                                  " WHERE state = 'closed'", 3, harness_ms(S.h, 15000)), 3);
    assert_int_equal(s_sql1("SELECT count(*) FROM assess.attendance WHERE member_id = 2"
                            " AND status = 'leave' AND meeting_id = $1::bigint AND $2 <> ''",
                            S.plenary), 1);
    assert_int_equal(s_sql1("SELECT count(*) FROM assess.attendance WHERE member_id = 3"
                            " AND status = 'absent' AND meeting_id = $1::bigint AND $2 <> ''",
                            S.plenary), 1);
    /* leave asked after the end: refused */
    snprintf(path, sizeof path, D "/meetings/%s/leave", S.plenary);
    assert_int_equal(api_status(S.h, "POST", path, S.u.member3, "{\"reason\":\"补请假\"}"), 409);
}

/* The act of `kind` from `source` with `status` in a file's acts. */
static int s_has(json_t *file, const char *kind, const char *source, const char *status)
{
    size_t i;
    json_t *a;
    json_array_foreach(json_object_get(file, "acts"), i, a)
        if (strcmp(api_str(a, "kind"), kind) == 0 && strcmp(api_str(a, "source"), source) == 0
            && strcmp(api_str(a, "status"), status) == 0 && *api_str(a, "link") == '/')
            return 1;
    return 0;
}

static void test_member_file(void **state)
{
    (void) state;
    http_resp_t r;
    char path[128];
    assert_true(S.ready);
    s_caught_up();
    assert_int_equal(api_req(S.h, "GET", D "/assess/my-file", S.u.member1, NULL, 200, &r), 200);
    assert_string_equal(api_str(r.json, "member_id"), "1");
    assert_true(s_has(r.json, "visit", "visit", "done"));
    assert_true(s_has(r.json, "report", "report", "done"));
    assert_true(s_has(r.json, "proposal_lead", "proposal", "done"));
    assert_true(s_has(r.json, "plenary", "meeting", "present"));
    assert_true(s_has(r.json, "deed", "meeting", "present"));
    assert_true(s_has(r.json, "inspection", "meeting", "present"));
    assert_int_equal(json_array_size(json_object_get(r.json, "acts")), 6);
    assert_int_equal(json_integer_value(json_object_get(r.json, "missing")), 0);
    /* points of the default rules: 1 + 2 + 5 + 3 + 3 + 2 */
    assert_int_equal(json_integer_value(json_object_get(r.json, "points")), 16);
    http_resp_clear(&r);
    /* member2: leave approved, not an absence; the four other ones missing */
    assert_int_equal(api_req(S.h, "GET", D "/assess/files/2", S.u.office, NULL, 200, &r), 200);
    assert_true(s_has(r.json, "plenary", "meeting", "leave"));
    assert_int_equal(json_integer_value(json_object_get(r.json, "plenary_absences")), 0);
    assert_int_equal(json_integer_value(json_object_get(r.json, "missing")), 5);
    http_resp_clear(&r);
    /* refusals: another member's file, another district, a unit */
    assert_int_equal(api_status(S.h, "GET", D "/assess/files/2", S.u.member1, NULL), 403);
    assert_int_equal(api_status(S.h, "GET", D "/assess/files", S.u.member1, NULL), 403);
    assert_int_equal(api_status(S.h, "GET", D "/assess/files/1", S.u.unit1, NULL), 403);
    assert_int_equal(api_status(S.h, "GET", "/v1/districts/330304/assess/files/1", S.u.member1,
                                NULL), 403);
    assert_int_equal(api_status(S.h, "GET", D "/assess/files", S.u.office2, NULL), 403);
    assert_int_equal(api_status(S.h, "POST", D "/meetings", S.u.member1, "{}"), 403);
    snprintf(path, sizeof path, D "/assess/files/1?year=%s", S.year);
    assert_int_equal(api_status(S.h, "GET", path, S.u.leader, NULL), 200);
    /* member1's liaison group, once member1 is its contact: this month's
     * report met, by member1's report */
    assert_int_equal(api_req(S.h, "GET", D "/assess/my-file", S.u.member1, NULL, 200, &r), 200);
    snprintf(path, sizeof path, D "/assess/groups/%s/contact", api_str(r.json, "group_id"));
    http_resp_clear(&r);
    assert_int_equal(api_status(S.h, "PUT", path, S.u.office, "{\"member_id\":\"1\"}"), 200);
    path[strlen(path) - strlen("/contact")] = '\0';
    assert_int_equal(api_req(S.h, "GET", path, S.u.member1, NULL, 200, &r), 200);
    json_t *six = json_object_get(r.json, "six");
    assert_int_equal(json_array_size(six), 6);
    int y, m, d;
    calendar_day_to_ymd(fixture_today(), &y, &m, &d);
    json_t *month = json_array_get(json_object_get(json_array_get(six, 0), "periods"), m - 1);
    assert_true(json_integer_value(json_object_get(month, "count")) >= 1);
    assert_string_equal(api_str(month, "verdict"), "met");
    http_resp_clear(&r);
}

static void test_flag_once(void **state)
{
    (void) state;
    char second[24], path[128];
    http_resp_t r;
    assert_true(S.ready);
    assert_int_equal(s_sql1("SELECT count(*) FROM assess.flags WHERE member_id = $1::bigint"
                            " AND year = $2::int", "3"), 0);
    s_meeting("plenary", "区政协全体会议（第二次）", -5, 30, "[\"3\"]", second);
    assert_int_equal(harness_clock_advance(S.h, 40 * MIN_US), 0);
    s_caught_up();
    assert_int_equal(api_wait_sql(S.h, "SELECT count(*) FROM assess.flags WHERE member_id = 3",
                                  1, harness_ms(S.h, 15000)), 1);
    s_caught_up();
    assert_int_equal(api_req(S.h, "GET", D "/assess/flagged", S.u.leader, NULL, 200, &r), 200);
    assert_int_equal(json_array_size(json_object_get(r.json, "items")), 1);
    http_resp_clear(&r);
    /* the leaders hear of it in their inbox (notify's rule member.flagged), once */
    assert_int_equal(api_wait_sql(S.h, "SELECT count(*) FROM notify.items WHERE kind ="
                                  " 'member.flagged' AND object_id::text = '3'", 1,
                                  harness_ms(S.h, 15000)), 1);
    assert_int_equal(api_req(S.h, "GET", D "/inbox", S.u.leader, NULL, 200, &r), 200);
    char *dump = json_dumps(r.json, 0);
    assert_non_null(dump);
    assert_non_null(strstr(dump, "委员履职预警"));
    free(dump);
    http_resp_clear(&r);
    /* a correction changes the file but flags no one twice */
    snprintf(path, sizeof path, D "/meetings/%s/attendance", second);
    assert_int_equal(api_status(S.h, "POST", path, S.u.office, "{\"member_id\":\"3\","
                                "\"status\":\"absent\",\"note\":\"核实无误\"}"), 200);
    s_caught_up();
    assert_int_equal(harness_sql_ll(S.h, "SELECT count(*) FROM bus.events WHERE producer ="
                                    " 'assess' AND type = 'member.flagged'", 0, NULL), 1);
    assert_int_equal(harness_sql_ll(S.h, "SELECT count(*) FROM notify.items WHERE kind ="
                                    " 'member.flagged'", 0, NULL), 1);
}

/* A fingerprint of the district's acts and files of the year. */
static long long s_fingerprint(char out[40])
{
    long long n = fixture_assess_fingerprint(S.h, "330303", S.year);
    snprintf(out, 40, "%lld", n);
    return n;
}

static void test_rebuild_equals_live(void **state)
{
    (void) state;
    char before[40], after[40], out[4096];
    assert_true(S.ready);
    s_caught_up();
    s_fingerprint(before);
    long long acts = harness_sql_ll(S.h, "SELECT count(*) FROM assess.acts", 0, NULL);
    assert_true(acts >= 9);
    /* wipe the year by hand first: the rebuild must build it all again */
    assert_int_equal(harness_sql_ll(S.h, "WITH d AS (DELETE FROM assess.acts RETURNING 1)"
                                    " SELECT count(*) FROM d", 0, NULL), acts);
    assert_int_equal(harness_run(S.h, out, sizeof out, "assess", "rebuild", "--district", "330303",
                                 "--year", S.year, NULL), 0);
    assert_non_null(strstr(out, "rebuild done"));
    s_fingerprint(after);
    assert_string_equal(before, after);
    assert_int_equal(harness_sql_ll(S.h, "SELECT count(*) FROM assess.acts", 0, NULL), acts);
    /* bad arguments */
    assert_int_equal(harness_run(S.h, out, sizeof out, "assess", "rebuild", "--district", "330303",
                                 NULL), 1);
}

static void test_snapshot_frozen(void **state)
{
    (void) state;
    char body[128], path[128], other[24];
    http_resp_t r;
    int y, m, d;
    assert_true(S.ready);
    calendar_day_to_ymd(fixture_today(), &y, &m, &d);
    snprintf(body, sizeof body, "{\"kind\":\"quarter\",\"year\":%d,\"period\":%d}", y,
             (m - 1) / 3 + 1);
    assert_int_equal(api_req(S.h, "POST", D "/assess/snapshots", S.u.office, body, 201, &r), 201);
    char id[24];
    snprintf(id, sizeof id, "%s", api_str(r.json, "id"));
    assert_true(json_integer_value(json_object_get(r.json, "members")) > 0);
    http_resp_clear(&r);
    assert_int_equal(api_status(S.h, "POST", D "/assess/snapshots", S.u.office, body), 409);
    assert_int_equal(api_status(S.h, "POST", D "/assess/snapshots", S.u.leader, body), 403);
    snprintf(body, sizeof body, "{\"kind\":\"quarter\",\"year\":%d,\"period\":5}", y);
    assert_int_equal(api_req(S.h, "POST", D "/assess/snapshots", S.u.office, body, 400, &r), 400);
    assert_non_null(http_error_field(&r, "period"));
    http_resp_clear(&r);
    const char *p[1] = {id};
    long long total = harness_sql_ll(S.h, "SELECT sum((x->>'total')::int) FROM assess.snapshots,"
                                     " jsonb_array_elements(rows) x WHERE id = $1::bigint", 1, p);
    /* a later act: member1 at another deed */
    s_meeting("deed", "为民办实事：法律咨询", -5, 60, "[\"1\"]", other);
    s_checkin(other, other, S.u.member1, 200, NULL);
    s_caught_up();
    assert_int_equal(s_sql1("SELECT count(*) FROM assess.acts WHERE member_id = 1 AND kind ="
                            " 'deed' AND $1 <> '' AND year = $2::int", "x"), 2);
    assert_int_equal(harness_sql_ll(S.h, "SELECT sum((x->>'total')::int) FROM assess.snapshots,"
                                    " jsonb_array_elements(rows) x WHERE id = $1::bigint", 1, p),
                     total);
    snprintf(path, sizeof path, D "/assess/snapshots/%s", id);
    assert_int_equal(api_status(S.h, "GET", path, S.u.leader, NULL), 200);
    /* the half-year bulletin and the annual ranking: member1 (most points) first */
    snprintf(body, sizeof body, "{\"kind\":\"half\",\"year\":%d,\"period\":%d}", y,
             m <= 6 ? 1 : 2);
    assert_int_equal(api_status(S.h, "POST", D "/assess/snapshots", S.u.office, body), 201);
    snprintf(body, sizeof body, "{\"kind\":\"year\",\"year\":%d}", y);
    assert_int_equal(api_req(S.h, "POST", D "/assess/snapshots", S.u.office, body, 201, &r), 201);
    snprintf(path, sizeof path, D "/assess/snapshots/%s", api_str(r.json, "id"));
    http_resp_clear(&r);
    assert_int_equal(api_req(S.h, "GET", path, S.u.leader, NULL, 200, &r), 200);
    json_t *first = json_array_get(json_object_get(r.json, "rows"), 0);
    assert_string_equal(api_str(first, "member_id"), "1");
    assert_int_equal(json_integer_value(json_object_get(first, "rank")), 1);
    http_resp_clear(&r);
    /* next year's ranking has not begun */
    snprintf(body, sizeof body, "{\"kind\":\"year\",\"year\":%d}", y + 1);
    assert_int_equal(api_status(S.h, "POST", D "/assess/snapshots", S.u.office, body), 409);
}

/* A district's own rules for the year: three reports as one of the five
 * ones; member1's file is recomputed at once from the acts held. */
static void test_rules_per_year(void **state)
{
    (void) state;
    char body[1024];
    http_resp_t r;
    assert_true(S.ready);
    snprintf(body, sizeof body, "{\"year\":%s,\"rules\":\"{\\\"five\\\":[{\\\"key\\\":"
             "\\\"report\\\",\\\"label\\\":\\\"三篇社情民意\\\",\\\"min\\\":3,"
             "\\\"kinds\\\":[\\\"report\\\"]}],\\\"six\\\":[],\\\"points\\\":"
             "{\\\"report\\\":10},\\\"absence\\\":{\\\"plenary\\\":2,\\\"activity\\\":3,"
             "\\\"plenary_kinds\\\":[\\\"plenary\\\"],\\\"activity_kinds\\\":"
             "[\\\"deed\\\"]}}\"}", S.year);
    assert_int_equal(api_status(S.h, "PUT", D "/assess/rules", S.u.leader, body), 403);
    assert_int_equal(api_req(S.h, "PUT", D "/assess/rules", S.u.office, body, 200, &r), 200);
    assert_true(json_integer_value(json_object_get(r.json, "members")) >= 3);
    http_resp_clear(&r);
    assert_int_equal(api_req(S.h, "GET", D "/assess/files/1", S.u.office, NULL, 200, &r), 200);
    assert_int_equal(json_integer_value(json_object_get(r.json, "missing")), 1);
    assert_int_equal(json_integer_value(json_object_get(r.json, "points")), 10);
    http_resp_clear(&r);
    snprintf(body, sizeof body, "{\"year\":%s,\"rules\":\"{}\"}", S.year);
    assert_int_equal(api_req(S.h, "PUT", D "/assess/rules", S.u.office, body, 400, &r), 400);
    assert_non_null(http_error_field(&r, "rules.five"));
    http_resp_clear(&r);
}

static void test_csv(void **state)
{
    (void) state;
    http_resp_t r;
    api_csv_t csv;
    assert_true(S.ready);
    assert_int_equal(api_req(S.h, "GET", D "/assess/files.csv", S.u.office, NULL, 200, &r), 200);
    assert_int_equal(api_csv_parse(r.raw, r.raw_len, &csv), 0);
    assert_true(csv.bom);
    assert_true(csv.nrows > 1);
    assert_string_equal(csv.field[0][1], "姓名");
    assert_string_equal(csv.field[1][0], "1");          /* the most points first */
    api_csv_free(&csv);
    http_resp_clear(&r);
}

/* A liaison group's six at least: its members read it, another district's
 * office does not; judged again the next day without any new act. Last:
 * it moves the clock a day on. */
static void test_group_six(void **state)
{
    (void) state;
    char path[128], group[24], next[11];
    http_resp_t r;
    assert_true(S.ready);
    assert_int_equal(api_req(S.h, "GET", D "/assess/my-file", S.u.member1, NULL, 200, &r), 200);
    snprintf(group, sizeof group, "%s", api_str(r.json, "group_id"));
    http_resp_clear(&r);
    assert_true(*group);
    snprintf(path, sizeof path, D "/assess/groups/%s?year=%s", group, S.year);
    assert_int_equal(api_req(S.h, "GET", path, S.u.member1, NULL, 200, &r), 200);
    assert_int_equal(json_array_size(json_object_get(r.json, "six")), 0);   /* this year's rules: none */
    http_resp_clear(&r);
    snprintf(path, sizeof path, "/v1/districts/330303/assess/groups/%s", group);
    assert_int_equal(api_status(S.h, "GET", path, S.u.office2, NULL), 403);
    fixture_date(fixture_today() + 1, next);
    assert_int_equal(harness_clock_advance(S.h, 24 * HOUR_US), 0);
    const char *p[3] = {group, next, S.year};
    assert_int_equal(api_wait_sqlp(S.h, "SELECT count(*) FROM assess.groups WHERE district_code ="
                                   " '330303' AND group_id = $1::bigint AND judged_on = $2::date"
                                   " AND year = $3::int", 1,
                                   harness_ms(S.h, 15000), 3, p), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_year_through_the_services),
        cmocka_unit_test(test_checkin_refusals),
        cmocka_unit_test(test_leave_and_close),
        cmocka_unit_test(test_member_file),
        cmocka_unit_test(test_flag_once),
        cmocka_unit_test(test_rebuild_equals_live),
        cmocka_unit_test(test_snapshot_frozen),
        cmocka_unit_test(test_csv),
        cmocka_unit_test(test_rules_per_year),
        cmocka_unit_test(test_group_six),
    };
    return cmocka_run_group_tests(tests, s_setup, s_teardown);
}
