/* test_assess_year: one member's year played through the real services on
 * the stack's clock, and their file checked act by act, each with its link
 * to the source: on a duty day of next month's rota (intake), member 1
 * receives a visit in the duty's room (the duty becomes served by intake's
 * timer the next night), submits a public-opinion report (intake), leads a
 * proposal and joins member 2's (proposal), submits a proposal in the name
 * of their liaison group (the group's suggestion of the six at least),
 * checks in to a consultation that evening (consult refuses one during the
 * duty), is present at an inspection of a
 * supervision group (supervise) and checks in to a deed for the public
 * (assess); the five ones are met at the end, and the rebuild from
 * bus.events gives the same file. The office makes member 1
 * the contact of liaison group 1 (audited); the contact reads the group's
 * year against the six at least; refusals for the other members, another
 * group, another district, a member setting the contact, a contact outside
 * the group. */
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
    calendar_day_t day;              /* the duty day: every act of the test is on it */
    char date[11], year[8], rota[24];
    char visit[24], report[24], lead[24], joint[24], group_prop[24], consult[24], activity[24],
         deed[24];
    int ready;
} S;

static int s_setup(void **state)
{
    (void) state;
    memset(&S, 0, sizeof S);
    if (!(S.h = harness_new("assess_year")) || harness_start_all(S.h) != 0)
        return 0;
    S.ready = fixture_login(S.h, &S.u, "office office2 member1 member2 member3 member15") == 0;
    return 0;
}

static int s_teardown(void **state)
{
    (void) state;
    fixture_logout(&S.u);
    harness_destroy(&S.h);
    return 0;
}

/* POST/PUT `path` as `who` with `body`, wanting `want`; the answer's "id"
 * into id (may be NULL). */
static void s_call(const char *method, const char *path, const char *who, const char *body,
                   long want, char id[24])
{
    http_resp_t r;
    assert_int_equal(api_req(S.h, method, path, who, body, want, &r), want);
    if (id)
        snprintf(id, 24, "%s", api_str(r.json, "id"));
    http_resp_clear(&r);
}

static void s_post_id(const char *path, const char *who, const char *body, char id[24])
{
    s_call("POST", path, who, body, id ? 201 : 200, id);
}

/* POST <base>/<id>/<step> as `who`, 200. */
static void s_step(const char *base, const char *id, const char *step, const char *who,
                   const char *body)
{
    char path[160];
    snprintf(path, sizeof path, D "/%s/%s/%s", base, id, step);
    s_call("POST", path, who, body, 200, NULL);
}

static long long s_sql(const char *sql, const char *a)
{
    const char *p[2] = {a, S.date};
    return harness_sql_ll(S.h, sql, 2, p);
}

/* Before any act of the year: the daily tick judges every group all the
 * same, so the months ended without a report show as missed. */
static void test_groups_judged_without_acts(void **state)
{
    char path[96];
    http_resp_t r;
    int y, m, d;
    (void) state;
    assert_true(S.ready);
    calendar_day_to_ymd(fixture_today(), &y, &m, &d);
    snprintf(path, sizeof path, "%d", y);
    const char *p[1] = {path};
    assert_int_equal(harness_sql_ll(S.h, "SELECT count(*) FROM assess.acts", 0, NULL), 0);
    assert_int_equal(api_wait_sqlp(S.h, "SELECT count(*) FROM assess.groups WHERE district_code ="
                                   " '330303' AND group_id = 3 AND year = $1::int", 1, harness_ms(S.h, 20000), 1, p), 1);
    snprintf(path, sizeof path, D "/assess/groups/3?year=%d", y);
    assert_int_equal(api_req(S.h, "GET", path, S.u.office, NULL, 200, &r), 200);
    json_t *months = json_object_get(json_array_get(json_object_get(r.json, "six"), 0), "periods");
    assert_int_equal(json_array_size(months), 12);
    for (int k = 0; k < 12; k++)
        assert_string_equal(api_str(json_array_get(months, (size_t) k), "verdict"),
                            k < m - 1 ? "missed" : "open");
    http_resp_clear(&r);
}

/* ---- intake: the duty, the visit, the report ------------------------------------------- */

/* Next month's rota generated and published; member 1 on a reception day of
 * room 1 (a row moved to them when the generation chose another), and the
 * clock at 09:00 of that day. */
static void test_duty_day(void **state)
{
    char month[8], path[128];
    (void) state;
    assert_true(S.ready);
    fixture_month_after(fixture_today(), 1, month, NULL, NULL);
    snprintf(path, sizeof path, D "/rota/generate?month=%s", month);
    s_call("POST", path, S.u.office, NULL, 200, NULL);
    snprintf(path, sizeof path, D "/rota/publish?month=%s", month);
    s_call("POST", path, S.u.office, NULL, 200, NULL);
    const char *p[1] = {month};
    long long id = harness_sql_ll(S.h, "SELECT id FROM intake.rota r WHERE district_code ="
        " '330303' AND workroom_id = 1 AND month = $1 AND status = 'published'"
        " AND extract(isodow FROM duty_date) < 6 ORDER BY member_id <> 1, duty_date, id LIMIT 1",
        1, p);
    assert_true(id > 0);
    snprintf(S.rota, sizeof S.rota, "%lld", id);
    if (s_sql("SELECT count(*) FROM intake.rota WHERE id = $1::bigint AND member_id = 1"
              " AND $2 = $2", S.rota) == 0)
        s_step("rota", S.rota, "edit", S.u.office, "{\"member_id\":\"1\"}");
    S.day = (calendar_day_t) s_sql("SELECT duty_date - date '1970-01-01' FROM intake.rota"
                                   " WHERE id = $1::bigint AND $2 = $2", S.rota);
    fixture_date(S.day, S.date);
    snprintf(S.year, sizeof S.year, "%.4s", S.date);
    assert_true(S.day > fixture_today());
    assert_int_equal(harness_clock_set(S.h, calendar_day_start_us(S.day) + 9 * HOUR_US), 0);
    s_step("rota", S.rota, "confirm", S.u.member1, NULL);
}

static void test_visit_and_report(void **state)
{
    (void) state;
    int64_t members[] = {1};
    assert_true(S.ready && *S.rota);
    char *visit = fixture_visit(1, members, 1, "transport", 600, 0);
    s_post_id(D "/visits", S.u.member1, visit, S.visit);
    free(visit);
    s_post_id(D "/reports", S.u.member1,
        "{\"title\":\"关于背街小巷路灯缺失的建议\",\"facts\":\"多条背街小巷夜间无照明。\","
        "\"analysis\":\"维护责任不清\",\"suggestions\":\"明确管养单位，补装路灯\","
        "\"category\":\"transport\",\"workroom_id\":\"1\"}", S.report);
    s_step("reports", S.report, "submit", S.u.member1, NULL);
}

/* ---- proposal: lead, joint, the liaison group's suggestion ----------------------------- */

static void test_proposals(void **state)
{
    (void) state;
    assert_true(S.ready && *S.rota);
    s_post_id(D "/proposals", S.u.member1,
        "{\"title\":\"关于完善社区养老服务设施的建议\",\"reasons\":\"社区养老设施不足。\","
        "\"measures\":\"新建日间照料中心。\",\"category\":\"urban_construction\","
        "\"unit_ids\":[\"1\"]}", S.lead);
    s_step("proposals", S.lead, "submit", S.u.member1, NULL);
    /* member 2 leads, member 1 co-signs: the last confirmation closes it */
    s_post_id(D "/proposals", S.u.member2,
        "{\"title\":\"关于优化公交线路的建议\",\"reasons\":\"部分小区公交覆盖不足。\","
        "\"measures\":\"增设微循环线路。\",\"category\":\"transport\",\"unit_ids\":[\"2\"],"
        "\"cosigner_ids\":[\"1\"]}", S.joint);
    s_step("proposals", S.joint, "submit", S.u.member2, NULL);
    s_step("proposals", S.joint, "cosign", S.u.member1, NULL);
    /* in the name of liaison group 1 (member 1's): the group's suggestion */
    s_post_id(D "/proposals", S.u.member1,
        "{\"title\":\"关于永中街道背街小巷改造的建议\",\"reasons\":\"联络组走访发现。\","
        "\"measures\":\"分批改造。\",\"category\":\"urban_construction\",\"unit_ids\":[\"1\"],"
        "\"collective\":\"liaison_group\",\"group_id\":\"1\"}", S.group_prop);
    s_step("proposals", S.group_prop, "submit", S.u.member1, NULL);
    assert_int_equal(s_sql("SELECT count(*) FROM bus.events WHERE producer = 'proposal' AND type"
                           " = 'proposal.cosign_closed' AND $1 <> '' AND $2 <> ''", S.joint), 1);
}

/* ---- consult: a consultation checked in to by its QR link ------------------------------- */

static void test_consultation(void **state)
{
    char venue[24], body[256], path[128], token[128];
    http_resp_t r;
    (void) state;
    assert_true(S.ready && *S.rota);
    s_post_id(D "/venues", S.u.office, "{\"name\":\"履职测试会议室\",\"capacity\":30}", venue);
    s_post_id(D "/consultations", S.u.office, "{\"title\":\"背街小巷改造协商\","
              "\"form\":\"dialogue\"}", S.consult);
    s_step("consultations", S.consult, "add-participant", S.u.office,
           "{\"participant\":{\"role\":\"member\",\"member_id\":\"1\"}}");
    /* in the evening: consult refuses a time that meets the member's duty */
    snprintf(path, sizeof path, D "/consultations/%s/schedule", S.consult);
    snprintf(body, sizeof body, "{\"venue_id\":\"%s\",\"starts_at\":\"%sT14:00:00+08:00\","
             "\"ends_at\":\"%sT16:00:00+08:00\"}", venue, S.date, S.date);
    assert_int_equal(api_req(S.h, "POST", path, S.u.office, body, 409, &r), 409);
    assert_non_null(http_error_field(&r, "member_id"));
    http_resp_clear(&r);
    snprintf(body, sizeof body, "{\"venue_id\":\"%s\",\"starts_at\":\"%sT18:00:00+08:00\","
             "\"ends_at\":\"%sT20:00:00+08:00\"}", venue, S.date, S.date);
    s_step("consultations", S.consult, "schedule", S.u.office, body);
    assert_int_equal(harness_clock_set(S.h, calendar_day_start_us(S.day) + 17 * HOUR_US
                                       + 30 * MIN_US), 0);                  /* 17:30 */
    snprintf(path, sizeof path, D "/consultations/%s/checkin-code", S.consult);
    assert_int_equal(api_req(S.h, "POST", path, S.u.office, NULL, 200, &r), 200);
    snprintf(token, sizeof token, "%s", api_str(r.json, "token"));
    http_resp_clear(&r);
    snprintf(body, sizeof body, "{\"token\":\"%s\"}", token);
    s_step("consultations", S.consult, "checkin", S.u.member1, body);
}

/* ---- supervise: an inspection of a supervision group ------------------------------------- */

static void test_supervision_activity(void **state)
{
    char body[512], group[24], path[128];
    (void) state;
    assert_true(S.ready && *S.rota);
    snprintf(body, sizeof body, "{\"year\":%s,\"name\":\"老旧小区改造监督小组\",\"unit_id\":\"1\","
             "\"member_ids\":[\"1\",\"2\"],\"leader_id\":\"1\"}", S.year);
    s_post_id(D "/supervision/groups", S.u.office, body, group);
    snprintf(path, sizeof path, D "/supervision/groups/%s/activities", group);
    snprintf(body, sizeof body, "{\"kind\":\"inspection\",\"date\":\"%s\",\"title\":\"实地察看"
             "老旧小区改造工地\",\"attendance\":[{\"member_id\":\"1\",\"status\":\"present\"},"
             "{\"member_id\":\"2\",\"status\":\"leave\"}]}", S.date);
    http_resp_t r;
    assert_int_equal(api_req(S.h, "POST", path, S.u.office, body, 201, &r), 201);
    http_resp_clear(&r);
    S.activity[0] = '\0';
    long long id = s_sql("SELECT max(id) FROM supervise.activities WHERE group_id = $1::bigint"
                         " AND $2 <> ''", group);
    assert_true(id > 0);
    snprintf(S.activity, sizeof S.activity, "%lld", id);
}

/* ---- assess: a deed for the public, checked in to ---------------------------------------- */

static void test_deed(void **state)
{
    char s[40], e[40], body[512], path[128], token[128];
    http_resp_t r;
    (void) state;
    assert_true(S.ready && *S.rota);
    assert_int_equal(time_format(time_now_us() - 5 * MIN_US, s, sizeof s), 0);
    assert_int_equal(time_format(time_now_us() + 60 * MIN_US, e, sizeof e), 0);
    snprintf(body, sizeof body, "{\"kind\":\"deed\",\"title\":\"为民办实事：背街小巷义务巡查\","
             "\"starts_at\":\"%s\",\"ends_at\":\"%s\",\"member_ids\":[\"1\"]}", s, e);
    s_post_id(D "/meetings", S.u.office, body, S.deed);
    snprintf(path, sizeof path, D "/meetings/%s/checkin-code", S.deed);
    assert_int_equal(api_req(S.h, "POST", path, S.u.office, NULL, 200, &r), 200);
    snprintf(token, sizeof token, "%s", api_str(r.json, "token"));
    http_resp_clear(&r);
    snprintf(body, sizeof body, "{\"token\":\"%s\",\"meeting_id\":\"%s\"}", token, S.deed);
    s_call("POST", D "/checkin", S.u.member1, body, 200, NULL);
}

/* ---- the file, act by act ---------------------------------------------------------------- */

/* The act of `kind` linked to `link` in a file: its status, or NULL. */
static const char *s_act(json_t *file, const char *kind, const char *link)
{
    size_t i;
    json_t *a;
    json_array_foreach(json_object_get(file, "acts"), i, a)
        if (strcmp(api_str(a, "kind"), kind) == 0 && strcmp(api_str(a, "link"), link) == 0
            && strcmp(api_str(a, "date"), S.date) == 0)
            return api_str(a, "status");
    return NULL;
}

static void s_expect(json_t *file, const char *kind, const char *source, const char *id,
                     const char *status)
{
    char link[128];
    snprintf(link, sizeof link, D "/%s/%s", source, id);
    const char *st = s_act(file, kind, link);
    if (!st || strcmp(st, status) != 0)
        fail_msg("act %s %s: %s, want %s", kind, link, st ? st : "missing", status);
}

/* Member 1's file of the year once the acts of the day are in (polled:
 * the consumer applies them in its own time). */
static json_t *s_file_with(const char *kind, const char *link)
{
    char path[96];
    http_resp_t r;
    snprintf(path, sizeof path, D "/assess/my-file?year=%s", S.year);
    for (int tries = 0; tries < 100; tries++) {
        assert_int_equal(api_req(S.h, "GET", path, S.u.member1, NULL, 200, &r), 200);
        if (s_act(r.json, kind, link)) {
            json_t *f = json_incref(r.json);
            http_resp_clear(&r);
            return f;
        }
        http_resp_clear(&r);
        harness_sleep_ms(200);
    }
    fail_msg("no act %s %s in the file", kind, link);
    return NULL;
}

static void test_file_act_by_act(void **state)
{
    char link[128];
    (void) state;
    assert_true(S.ready && *S.rota);
    /* the night after the duty day intake's timer finds the visit: served */
    assert_int_equal(harness_clock_set(S.h, calendar_day_start_us(S.day + 1) + HOUR_US), 0);
    snprintf(link, sizeof link, D "/rota/%s", S.rota);
    json_t *f = s_file_with("duty", link);
    s_expect(f, "duty", "rota", S.rota, "done");
    s_expect(f, "visit", "visits", S.visit, "done");
    s_expect(f, "report", "reports", S.report, "done");
    s_expect(f, "proposal_lead", "proposals", S.lead, "done");
    s_expect(f, "proposal_joint", "proposals", S.joint, "done");
    s_expect(f, "proposal_lead", "proposals", S.group_prop, "done");
    s_expect(f, "suggestion", "proposals", S.group_prop, "done");
    s_expect(f, "consultation", "consultations", S.consult, "present");
    s_expect(f, "supervision", "supervision/activities", S.activity, "present");
    s_expect(f, "deed", "meetings", S.deed, "present");
    /* the five ones met, each by the act that meets it */
    assert_int_equal(json_integer_value(json_object_get(f, "missing")), 0);
    size_t i;
    json_t *n;
    json_array_foreach(json_object_get(f, "five"), i, n)
        assert_true(json_integer_value(json_object_get(n, "count"))
                    >= json_integer_value(json_object_get(n, "min")));
    assert_int_equal(json_array_size(json_object_get(f, "five")), 5);
    json_decref(f);
    /* member 2: the leave at the inspection is not an absence; their lead */
    assert_int_equal(s_sql("SELECT count(*) FROM assess.acts WHERE member_id = 2 AND kind ="
                           " 'supervision' AND status = 'leave' AND source_id = $1::bigint"
                           " AND on_date = $2::date", S.activity), 1);
    assert_int_equal(s_sql("SELECT count(*) FROM assess.acts WHERE member_id = 2 AND kind ="
                           " 'proposal_lead' AND source_id = $1::bigint AND on_date = $2::date",
                           S.joint), 1);
    /* member 2's own proposal with a co-signer is no group's suggestion */
    assert_int_equal(s_sql("SELECT count(*) FROM assess.acts WHERE kind = 'suggestion'"
                           " AND $1 <> '' AND $2 <> ''", "x"), 1);
}

/* The rebuild from bus.events gives the same acts and files as the live
 * consumer, the suggestion, the consultation and the supervision included. */
static void test_rebuild_equals_live(void **state)
{
    char out[4096];
    (void) state;
    assert_true(S.ready && *S.rota);
    assert_int_equal(fixture_assess_caught_up(S.h, "330303", 15000), 0);
    long long before = fixture_assess_fingerprint(S.h, "330303", S.year);
    long long acts = s_sql("SELECT count(*) FROM assess.acts WHERE year = $1::int AND $2 <> ''",
                           S.year);
    assert_true(acts >= 10);
    assert_int_equal(s_sql("WITH d AS (DELETE FROM assess.acts WHERE year = $1::int RETURNING 1)"
                           " SELECT count(*) FROM d WHERE $2 <> ''", S.year), acts);
    assert_int_equal(harness_run(S.h, out, sizeof out, "assess", "rebuild", "--district",
                                 "330303", "--year", S.year, NULL), 0);
    assert_int_equal(fixture_assess_fingerprint(S.h, "330303", S.year), before);
    assert_int_equal(s_sql("SELECT count(*) FROM assess.acts WHERE kind IN ('suggestion',"
                           " 'consultation', 'supervision') AND member_id = 1 AND year = $1::int"
                           " AND $2 <> ''", S.year), 3);
}

/* ---- the liaison group's contact and the six at least ------------------------------------ */

static void test_group_contact(void **state)
{
    http_resp_t r;
    char path[128];
    (void) state;
    assert_true(S.ready && *S.rota);
    /* before any contact: no member reads the group */
    assert_int_equal(api_status(S.h, "GET", D "/assess/my-group", S.u.member1, NULL), 404);
    assert_int_equal(api_status(S.h, "GET", D "/assess/groups/1", S.u.member1, NULL), 404);
    /* set by the office only; a member of the group, active */
    assert_int_equal(api_status(S.h, "PUT", D "/assess/groups/1/contact", S.u.member1,
                                "{\"member_id\":\"1\"}"), 403);
    assert_int_equal(api_status(S.h, "PUT", "/v1/districts/330304/assess/groups/1/contact",
                                S.u.office, "{\"member_id\":\"1\"}"), 403);
    assert_int_equal(api_req(S.h, "PUT", D "/assess/groups/1/contact", S.u.office,
                             "{\"member_id\":\"15\"}", 422, &r), 422);
    assert_non_null(http_error_field(&r, "member_id"));
    http_resp_clear(&r);
    assert_int_equal(api_status(S.h, "PUT", D "/assess/groups/999/contact", S.u.office,
                                "{\"member_id\":\"1\"}"), 404);
    assert_int_equal(api_req(S.h, "PUT", D "/assess/groups/1/contact", S.u.office, "{}", 400,
                             &r), 400);
    assert_non_null(http_error_field(&r, "member_id"));
    http_resp_clear(&r);
    assert_int_equal(api_req(S.h, "PUT", D "/assess/groups/1/contact", S.u.office,
                             "{\"member_id\":\"1\"}", 200, &r), 200);
    assert_string_equal(api_str(r.json, "group_id"), "1");
    assert_string_equal(api_str(r.json, "member_id"), "1");
    http_resp_clear(&r);
    /* the office's list of the groups: group 1 with its contact; not for members */
    snprintf(path, sizeof path, D "/assess/groups?year=%s", S.year);
    assert_int_equal(api_req(S.h, "GET", path, S.u.office, NULL, 200, &r), 200);
    assert_int_equal(json_array_size(json_object_get(r.json, "items")), 4);
    json_t *first = json_array_get(json_object_get(r.json, "items"), 0);
    assert_string_equal(api_str(first, "group_id"), "1");
    assert_string_equal(api_str(json_object_get(first, "contact"), "member_id"), "1");
    http_resp_clear(&r);
    assert_int_equal(api_status(S.h, "GET", path, S.u.member1, NULL), 403);
    assert_int_equal(harness_sql_ll(S.h, "SELECT count(*) FROM audit.trail WHERE action ="
                                    " 'assess.group_contact' AND object_type = 'liaison_group'"
                                    " AND object_id = '1'", 0, NULL), 1);
    /* the contact reads the group's year: this month's report, this quarter's
     * suggestion, inspection and the year's practical project met */
    snprintf(path, sizeof path, D "/assess/my-group?year=%s", S.year);
    assert_int_equal(api_req(S.h, "GET", path, S.u.member1, NULL, 200, &r), 200);
    assert_string_equal(api_str(r.json, "group_id"), "1");
    assert_string_equal(api_str(json_object_get(r.json, "contact"), "member_id"), "1");
    int y, m, d;
    calendar_day_to_ymd(S.day, &y, &m, &d);
    static const struct { const char *key; int period; } want[] = {
        {"report", -1}, {"suggestion", -4}, {"inspection", -4}, {"practical_project", 0},
    };
    json_t *six = json_object_get(r.json, "six");
    assert_int_equal(json_array_size(six), 6);
    for (size_t k = 0; k < sizeof want / sizeof want[0]; k++) {
        size_t i;
        json_t *need, *found = NULL;
        json_array_foreach(six, i, need)
            if (strcmp(api_str(need, "key"), want[k].key) == 0)
                found = need;
        assert_non_null(found);
        int p = want[k].period == -1 ? m - 1 : want[k].period == -4 ? (m - 1) / 3 : 0;
        json_t *per = json_array_get(json_object_get(found, "periods"), (size_t) p);
        if (json_integer_value(json_object_get(per, "count")) < 1)
            fail_msg("six at least: %s period %d has no act", want[k].key, p);
    }
    http_resp_clear(&r);
    snprintf(path, sizeof path, D "/assess/groups/1?year=%s", S.year);
    assert_int_equal(api_status(S.h, "GET", path, S.u.member1, NULL), 200);
    /* the my-file says whose contact the member is */
    assert_int_equal(api_req(S.h, "GET", D "/assess/my-file", S.u.member1, NULL, 200, &r), 200);
    assert_string_equal(api_str(r.json, "contact_of"), "1");
    http_resp_clear(&r);
    /* refusals: another member of the group, another group, another district */
    assert_int_equal(api_status(S.h, "GET", path, S.u.member2, NULL), 404);
    assert_int_equal(api_status(S.h, "GET", D "/assess/my-group", S.u.member2, NULL), 404);
    assert_int_equal(api_status(S.h, "GET", D "/assess/groups/2", S.u.member1, NULL), 404);
    assert_int_equal(api_status(S.h, "GET", D "/assess/groups/2", S.u.member15, NULL), 404);
    assert_int_equal(api_status(S.h, "GET", "/v1/districts/330304/assess/groups/1", S.u.member1,
                                NULL), 403);
    assert_int_equal(api_status(S.h, "GET", path, S.u.office2, NULL), 403);
    assert_int_equal(api_status(S.h, "GET", D "/assess/my-group", S.u.office, NULL), 403);
    assert_int_equal(api_status(S.h, "GET", path, S.u.office, NULL), 200);
    /* a new contact replaces the old one */
    assert_int_equal(api_status(S.h, "PUT", D "/assess/groups/1/contact", S.u.office,
                                "{\"member_id\":\"2\"}"), 200);
    assert_int_equal(api_status(S.h, "GET", path, S.u.member2, NULL), 200);
    assert_int_equal(api_status(S.h, "GET", path, S.u.member1, NULL), 404);
    /* a contact who has left the group (the register of members moved them)
     * reads it no more */
    assert_int_equal(harness_sql_ll(S.h, "WITH u AS (UPDATE core.members SET liaison_group_id = 2"
                                    " WHERE district_code = '330303' AND id = 2 RETURNING 1)"
                                    " SELECT count(*) FROM u", 0, NULL), 1);
    assert_int_equal(api_status(S.h, "GET", path, S.u.member2, NULL), 404);
    assert_int_equal(api_req(S.h, "GET", D "/assess/my-file", S.u.member2, NULL, 200, &r), 200);
    assert_null(json_object_get(r.json, "contact_of") ? json_string_value(
        json_object_get(r.json, "contact_of")) : NULL);
    http_resp_clear(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_groups_judged_without_acts),
        cmocka_unit_test(test_duty_day),
        cmocka_unit_test(test_visit_and_report),
        cmocka_unit_test(test_proposals),
        cmocka_unit_test(test_consultation),
        cmocka_unit_test(test_supervision_activity),
        cmocka_unit_test(test_deed),
        cmocka_unit_test(test_file_act_by_act),
        cmocka_unit_test(test_rebuild_equals_live),
        cmocka_unit_test(test_group_contact),
    };
    return cmocka_run_group_tests(tests, s_setup, s_teardown);
}
