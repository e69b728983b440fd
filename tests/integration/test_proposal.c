/* test_proposal: a proposal's whole path over HTTP on the real stack with
 * the demo logins, on the stack's clock: a joint draft, a co-signer
 * confirms and the other drops off at the deadline (timer), accept with the
 * number <year>-0001, assign lead + co unit (proposal.assigned), hand back
 * within the window, reassign, a contact, a co-unit's opinion, a reply B
 * signed by the unit head (not by the liaison account), unsatisfied, the
 * second reply, satisfied, the look-back due on its date
 * (proposal.lookback_due); role refusals (403), wrong states (409 with the
 * allowed list), another district's office (403), nobody but the first
 * proposer giving the verdict; the audit rows; the rates and both CSV files
 * parsed back. */
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
#define DAY_US (86400LL * 1000000)

static struct {
    harness_t *h;
    fixture_users_t u;
    char id[24], year[8];
    int ready;
} S;

static int s_setup(void **state)
{
    (void) state;
    memset(&S, 0, sizeof S);
    if (!(S.h = harness_new("proposal")) || harness_start_all(S.h) != 0)
        return 0;
    S.ready = fixture_login(S.h, &S.u, "office office2 member1 member2 member3 member4 unit1"
                                       " unit1head unit2 unit3") == 0;
    return 0;
}

static int s_teardown(void **state)
{
    (void) state;
    fixture_logout(&S.u);
    harness_destroy(&S.h);
    return 0;
}

/* POST /proposals/{id}/<event>, checking the status; the answer in *r. */
static void s_post(const char *event, const char *token, const char *body, long want,
                   http_resp_t *r)
{
    char path[128];
    snprintf(path, sizeof path, D "/proposals/%s/%s", S.id, event);
    assert_int_equal(api_req(S.h, "POST", path, token, body, want, r), want);
}

/* A step and the state after it. */
static void s_step(const char *event, const char *token, const char *body, long want,
                   const char *state_after)
{
    http_resp_t r;
    s_post(event, token, body, want, &r);
    if (state_after)
        assert_string_equal(api_str(r.json, "state"), state_after);
    http_resp_clear(&r);
}

/* A refused step and its error code. */
static void s_refused(const char *event, const char *token, const char *body, long want,
                      const char *code)
{
    http_resp_t r;
    s_post(event, token, body, want, &r);
    assert_string_equal(http_error_code(&r), code);
    http_resp_clear(&r);
}

static long long s_sql(const char *sql)
{
    const char *p[1] = {S.id};
    return harness_sql_ll(S.h, sql, 1, p);
}

/* Moves the stack's clock to 10:00 of the day after the n-th working day
 * after today (the working-day calendar the services use). */
static void s_past_workdays(int n)
{
    calendar_t *cal = fixture_calendar(S.h);
    calendar_day_t d;
    assert_non_null(cal);
    assert_int_equal(calendar_add_workdays(cal, fixture_today(), n, &d), 0);
    calendar_destroy(&cal);
    assert_int_equal(harness_clock_set(S.h, calendar_day_start_us(d + 1) + 10 * 3600000000LL),
                     0);
}

/* A date `days` after today on the stack's clock, "YYYY-MM-DD". */
static void s_date_after(int days, char out[11])
{
    calendar_day_format(calendar_day_of_us(time_now_us()) + days, out, 11);
}

static void test_draft_and_cosigning(void **state)
{
    (void) state;
    char path[128];
    http_resp_t r;
    assert_true(S.ready);
    assert_int_equal(api_req(S.h, "POST", D "/proposals", S.u.member1,
        "{\"title\":\"关于加快老旧小区加装电梯的建议\",\"reasons\":\"老旧小区老年人多，上下楼难。\","
        "\"measures\":\"简化审批，财政补贴，统一招标。\",\"category\":\"urban_construction\","
        "\"unit_ids\":[\"1\"],\"cosigner_ids\":[\"2\",\"3\"]}", 201, &r), 201);
    snprintf(S.id, sizeof S.id, "%s", api_str(r.json, "id"));
    assert_string_equal(api_str(r.json, "state"), "draft");
    assert_string_equal(api_str(r.json, "number"), "");
    http_resp_clear(&r);
    /* bad input: the error shape of intake's routes */
    assert_int_equal(api_req(S.h, "POST", D "/proposals", S.u.member1, "{\"title\":\" \","
                             "\"category\":\"other\"}", 400, &r), 400);
    assert_string_equal(http_error_code(&r), "validation_failed");
    assert_non_null(http_error_field(&r, "title"));
    http_resp_clear(&r);
    assert_int_equal(api_status(S.h, "POST", D "/proposals", S.u.member1, "{\"title\":\"x\","
                                "\"category\":\"other\",\"unit_ids\":[\"999\"]}"), 422);
    assert_int_equal(api_status(S.h, "POST", D "/proposals", S.u.unit1, "{\"title\":\"x\","
                                "\"category\":\"other\"}"), 403);
    /* collective: only for the member's own sector or liaison group */
    assert_int_equal(api_req(S.h, "POST", D "/proposals", S.u.member1, "{\"title\":\"x\","
                             "\"category\":\"other\",\"collective\":\"sector\","
                             "\"group_id\":\"2\"}", 422, &r), 422);
    assert_non_null(http_error_field(&r, "collective"));
    http_resp_clear(&r);
    assert_int_equal(api_status(S.h, "POST", D "/proposals", S.u.member1, "{\"title\":\"x\","
                                "\"category\":\"other\",\"collective\":\"liaison_group\","
                                "\"group_id\":\"1\"}"), 201);
    /* drafts are private to their authors */
    snprintf(path, sizeof path, D "/proposals/%s", S.id);
    assert_int_equal(api_status(S.h, "GET", path, S.u.member2, NULL), 200);
    assert_int_equal(api_status(S.h, "GET", path, S.u.office, NULL), 404);
    assert_int_equal(api_status(S.h, "GET", path, S.u.member4, NULL), 404);
    /* joint: submit invites the co-signers */
    s_refused("accept", S.u.office, NULL, 404, "not_found");      /* a draft: not the office's */
    s_step("submit", S.u.member1, NULL, 200, "cosigning");
    s_step("cosign", S.u.member2, NULL, 200, "cosigning");
    s_refused("cosign", S.u.member2, NULL, 403, "forbidden");          /* confirmed already */
    s_refused("cosign", S.u.member4, NULL, 404, "not_found");
    s_refused("accept", S.u.office, NULL, 409, "conflict");
    /* the deadline: member3 did not confirm and drops off */
    s_past_workdays(5);                 /* proposal.cosign_workdays */
    assert_int_equal(api_wait_sqlp(S.h, "SELECT count(*) FROM proposal.proposals WHERE id ="
                                   " $1::bigint AND state = 'submitted'", 1, 15000, 1,
                                   (const char *[]){S.id}), 1);
    assert_int_equal(s_sql("SELECT count(*) FROM proposal.proposers WHERE proposal_id = $1::bigint"
                           " AND member_id = 3 AND status = 'dropped'"), 1);
    assert_int_equal(s_sql("SELECT count(*) FROM proposal.proposers WHERE proposal_id = $1::bigint"
                           " AND member_id = 2 AND status = 'confirmed'"), 1);
    assert_int_equal(s_sql("SELECT count(*) FROM bus.events WHERE producer = 'proposal'"
                           " AND type = 'proposal.cosign_closed' AND $1 <> ''"), 1);
}

static void test_review(void **state)
{
    (void) state;
    char path[128], want[16];
    http_resp_t r;
    int y;
    time_ymd(time_now_us(), &y, NULL, NULL);
    snprintf(S.year, sizeof S.year, "%d", y);
    s_refused("accept", S.u.member1, NULL, 403, "forbidden");
    s_refused("refuse", S.u.office, "{\"reason\":\"no_such_reason\"}", 400, "validation_failed");
    s_refused("assign", S.u.office, "{\"lead_unit_id\":\"1\",\"leader\":\"x\"}", 409, "conflict");
    s_refused("accept", S.u.office2, NULL, 403, "forbidden");     /* another district */
    char past[11], body[40];
    fixture_date(fixture_today() - 400, past);      /* a date of an earlier year, on the clock */
    snprintf(body, sizeof body, "{\"date\":\"%s\"}", past);
    snprintf(path, sizeof path, D "/proposals/%s/accept", S.id);
    assert_int_equal(api_req(S.h, "POST", path, S.u.office, body, 200, &r),
                     200);                           /* the number's year is today's all the same */
    snprintf(want, sizeof want, "%d-0001", y);
    assert_string_equal(api_str(r.json, "number"), want);
    assert_string_equal(api_str(r.json, "state"), "accepted");
    http_resp_clear(&r);
    s_step("mark-key", S.u.office, "{\"leader\":\"王副主席\"}", 200, "accepted");
    s_refused("mark-key", S.u.office, "{\"leader\":\"王副主席\"}", 409, "conflict");
    snprintf(path, sizeof path, D "/proposals/%s", S.id);
    assert_int_equal(api_status(S.h, "GET", path, S.u.office2, NULL), 403);
}

static void test_assign_and_hand_back(void **state)
{
    (void) state;
    http_resp_t r;
    char path[128];
    const char *body = "{\"lead_unit_id\":\"1\",\"co_unit_ids\":[\"2\"],\"leader\":\"张副区长\"}";
    s_refused("assign", S.u.unit1, body, 403, "forbidden");
    s_refused("assign", S.u.office, "{\"lead_unit_id\":\"1\",\"leader\":\"x\",\"workdays\":999}",
              400, "validation_failed");
    snprintf(path, sizeof path, D "/proposals/%s/assign", S.id);
    calendar_t *cal = fixture_calendar(S.h);
    calendar_day_t today = fixture_today(), due;
    char want[11];
    assert_non_null(cal);
    assert_int_equal(calendar_add_workdays(cal, today, 63, &due), 0);  /* the default */
    assert_int_equal(api_req(S.h, "POST", path, S.u.office, body, 200, &r), 200);
    assert_string_equal(api_str(r.json, "state"), "assigned");
    if (fixture_today() == today)    /* not across midnight */
        assert_string_equal(api_str(r.json, "due_date"), fixture_date(due, want));
    http_resp_clear(&r);
    calendar_destroy(&cal);
    s_refused("hand-back", S.u.unit2, "{\"reason\":\"非本单位职责\"}", 403, "forbidden");
    s_refused("hand-back", S.u.unit1, "{}", 400, "validation_failed");
    s_step("hand-back", S.u.unit1, "{\"reason\":\"电梯加装由住建局牵头，但资金归财政\"}", 200,
           "handed_back");
    snprintf(path, sizeof path, D "/proposals/%s", S.id);
    assert_int_equal(api_status(S.h, "GET", path, S.u.unit1, NULL), 404);  /* no longer assigned */
    char past[11], again[160], check[160];
    fixture_date(fixture_today() - 400, past);      /* a backdating attempt, ignored */
    snprintf(again, sizeof again, "{\"lead_unit_id\":\"1\",\"co_unit_ids\":[\"2\"],"
             "\"leader\":\"张副区长\",\"workdays\":40,\"date\":\"%s\"}", past);
    s_step("assign", S.u.office, again, 200, "assigned");
    snprintf(check, sizeof check, "SELECT count(*) FROM proposal.proposals p WHERE id = $1::bigint"
             " AND due_on > assigned_on AND assigned_on > date '%s'", past);
    assert_int_equal(s_sql(check), 1);
    assert_int_equal(s_sql("SELECT count(*) FROM bus.events WHERE producer = 'proposal'"
                           " AND type = 'proposal.assigned' AND $1 <> ''"), 2);
}

static void test_handling(void **state)
{
    (void) state;
    char path[128], body[256], promised[11];
    http_resp_t r;
    s_step("contact", S.u.unit1, "{\"stage\":\"before\",\"form\":\"visit\",\"note\":\"上门听取意见\"}",
           200, "assigned");
    s_refused("contact", S.u.unit1, "{\"stage\":\"sometime\",\"form\":\"visit\"}", 400,
              "validation_failed");
    s_refused("contact", S.u.unit3, "{\"stage\":\"before\",\"form\":\"phone\"}", 404, "not_found");
    s_step("opinion", S.u.unit2, "{\"text\":\"交通局配合做好施工期间交通组织\"}", 200, "assigned");
    s_refused("opinion", S.u.unit1, "{\"text\":\"x\"}", 403, "forbidden");   /* the lead */
    snprintf(path, sizeof path, D "/proposals/%s", S.id);
    assert_int_equal(api_req(S.h, "GET", path, S.u.unit1, NULL, 200, &r), 200);
    assert_int_equal(json_array_size(json_object_get(r.json, "opinions")), 1);
    assert_int_equal(json_array_size(json_object_get(r.json, "contacts")), 1);
    http_resp_clear(&r);
    s_date_after(30, promised);
    snprintf(body, sizeof body, "{\"class\":\"b\",\"text\":\"已列入明年计划\","
                                "\"promised_date\":\"%s\"}", promised);
    s_refused("reply", S.u.unit1, body, 403, "not_unit_head");     /* the liaison, not the head */
    s_refused("reply", S.u.unit1head, "{\"class\":\"b\",\"text\":\"x\"}", 400, "validation_failed");
    s_step("reply", S.u.unit1head, body, 200, "replied");
    assert_int_equal(s_sql("SELECT count(*) FROM bus.events WHERE producer = 'proposal'"
                           " AND type = 'proposal.replied' AND $1 <> ''"), 1);
}

static void test_verdict(void **state)
{
    (void) state;
    char body[256], promised[11];
    const char *unsat = "{\"verdict\":\"unsatisfied\",\"reasons\":\"进度太慢\"}";
    /* nobody but the first proposer: not the office, a unit, the head, a co-signer */
    s_refused("verdict", S.u.office, "{\"verdict\":\"satisfied\"}", 403, "forbidden");
    s_refused("verdict", S.u.unit1, "{\"verdict\":\"satisfied\"}", 403, "forbidden");
    s_refused("verdict", S.u.unit1head, "{\"verdict\":\"satisfied\"}", 403, "forbidden");
    s_refused("verdict", S.u.member2, "{\"verdict\":\"satisfied\"}", 403, "forbidden");
    s_refused("verdict", S.u.member1, "{\"verdict\":\"unsatisfied\"}", 400, "validation_failed");
    s_step("verdict", S.u.member1, unsat, 200, "assigned");             /* the second round */
    assert_int_equal(s_sql("SELECT round FROM proposal.proposals WHERE id = $1::bigint"), 2);
    s_date_after(20, promised);
    snprintf(body, sizeof body, "{\"class\":\"b\",\"text\":\"资金已落实，明年上半年完工\","
                                "\"promised_date\":\"%s\"}", promised);
    s_step("reply", S.u.unit1head, body, 200, "replied");
    s_step("verdict", S.u.member1, "{\"verdict\":\"satisfied\"}", 200, "closed");
    s_refused("verdict", S.u.member1, "{\"verdict\":\"satisfied\"}", 409, "conflict");
    s_step("contact", S.u.unit1, "{\"stage\":\"after\",\"form\":\"phone\"}", 200, "closed");
    /* every transition is in audit.trail: the draft and 15 steps, no refusal */
    assert_int_equal(s_sql("SELECT count(*) FROM audit.trail WHERE object_type = 'proposal'"
                           " AND object_id = $1"), 16);
}

static void test_lookback_due(void **state)
{
    (void) state;
    assert_int_equal(s_sql("SELECT count(*) FROM bus.events WHERE producer = 'proposal'"
                           " AND type = 'proposal.lookback_due' AND $1 <> ''"), 0);
    assert_int_equal(harness_clock_advance(S.h, 21 * DAY_US), 0);
    assert_int_equal(api_wait_sqlp(S.h, "SELECT count(*) FROM bus.events WHERE producer ="
                                   " 'proposal' AND type = 'proposal.lookback_due'"
                                   " AND $1 <> ''", 1, 15000, 1, (const char *[]){S.id}), 1);
}

/* The rates of the year and both CSV files, parsed back. */
static void test_rates_and_csv(void **state)
{
    (void) state;
    char path[128];
    http_resp_t r;
    api_csv_t c;
    snprintf(path, sizeof path, D "/units/rates?year=%s", S.year);
    assert_int_equal(api_req(S.h, "GET", path, S.u.office, NULL, 200, &r), 200);
    json_t *items = json_object_get(r.json, "items"), *u1 = json_array_get(items, 0);
    assert_string_equal(api_str(u1, "unit_id"), "1");
    assert_int_equal(json_integer_value(json_object_get(u1, "assigned")), 1);
    assert_int_equal(json_integer_value(json_object_get(u1, "replied")), 1);
    assert_int_equal(json_integer_value(json_object_get(u1, "satisfied")), 1);
    assert_true(json_number_value(json_object_get(u1, "contact_rate")) == 100.0);
    http_resp_clear(&r);
    assert_int_equal(api_status(S.h, "GET", path, S.u.member1, NULL), 403);
    snprintf(path, sizeof path, D "/units/rates.csv?year=%s", S.year);
    assert_int_equal(api_req(S.h, "GET", path, S.u.office, NULL, 200, &r), 200);
    assert_int_equal(api_csv_parse(r.raw, r.raw_len, &c), 0);
    assert_true(c.bom && c.crlf_only);
    assert_string_equal(c.field[0][1], "承办单位");
    assert_string_equal(c.field[1][1], "区住房和城乡建设局");
    assert_string_equal(c.field[1][2], "1");
    assert_string_equal(c.field[1][4], "100.0");
    assert_string_equal(c.field[1][5], "100.0");
    api_csv_free(&c);
    http_resp_clear(&r);
    assert_int_equal(api_req(S.h, "GET", D "/proposals.csv", S.u.office, NULL, 200, &r), 200);
    assert_int_equal(api_csv_parse(r.raw, r.raw_len, &c), 0);
    assert_true(c.bom);
    assert_int_equal(c.nrows, 2);
    assert_string_equal(c.field[0][0], "编号");
    assert_non_null(strstr(c.field[1][0], "-0001"));
    assert_string_equal(c.field[1][2], "联名");
    assert_string_equal(c.field[1][4], "已办结");
    assert_string_equal(c.field[1][8], "B");
    assert_string_equal(c.field[1][10], "满意");
    api_csv_free(&c);
    http_resp_clear(&r);
}

/* A new individual proposal by `token`, submitted; its id into `id`. */
static void s_new(const char *token, const char *title, char id[24])
{
    char body[512], path[128];
    http_resp_t r;
    snprintf(body, sizeof body, "{\"title\":\"%s\",\"reasons\":\"案由\",\"measures\":\"办法\","
                                "\"category\":\"education\"}", title);
    assert_int_equal(api_req(S.h, "POST", D "/proposals", token, body, 201, &r), 201);
    snprintf(id, 24, "%s", api_str(r.json, "id"));
    http_resp_clear(&r);
    snprintf(path, sizeof path, D "/proposals/%s/submit", id);
    assert_int_equal(api_req(S.h, "POST", path, token, NULL, 200, &r), 200);
    assert_string_equal(api_str(r.json, "state"), "submitted");
    http_resp_clear(&r);
}

static long long s_inbox(const char *kind, const char *rkind, long long rid, int wait_ms)
{
    char id[24];
    snprintf(id, sizeof id, "%lld", rid);
    const char *p[3] = {kind, rkind, id};
    return api_wait_sqlp(S.h, "SELECT count(*) FROM notify.inbox WHERE kind = $1 AND"
                         " recipient_kind = $2 AND recipient_id = $3::bigint", 1, wait_ms, 3, p);
}

/* Merge (each keeps its number, every proposer hears of the reply), convert
 * into an intake report with the link back, numbers without gaps, the
 * inbox items, and a hand-back refused once the window has closed. */
static void test_merge_convert_notify(void **state)
{
    (void) state;
    char p2[24], p3[24], p4[24], p5[24], p6[24], path[128], body[128], want[16];
    http_resp_t r;
    int y;                          /* the clock may have crossed a new year by now */
    time_ymd(time_now_us(), &y, NULL, NULL);
    int base = atoi(S.year) == y ? 1 : 0;   /* numbers of y taken before: P1's */
    s_new(S.u.member4, "关于增加校车线路的建议", p2);
    s_new(S.u.member3, "关于优化校车接送的建议", p3);
    snprintf(S.id, sizeof S.id, "%s", p2);
    s_step("accept", S.u.office, NULL, 200, "accepted");
    snprintf(S.id, sizeof S.id, "%s", p3);
    s_step("accept", S.u.office, NULL, 200, "accepted");     /* numbered before the merge */
    snprintf(body, sizeof body, "{\"into_proposal_id\":\"%s\"}", p3);
    s_refused("merge", S.u.office, body, 400, "validation_failed");   /* into itself */
    snprintf(path, sizeof path, D "/proposals/%s/merge", p3);
    snprintf(body, sizeof body, "{\"into_proposal_id\":\"%s\"}", p2);
    assert_int_equal(api_req(S.h, "POST", path, S.u.office, body, 200, &r), 200);
    snprintf(want, sizeof want, "%d-%04d", y, base + 2);
    assert_string_equal(api_str(r.json, "number"), want);           /* it keeps its number */
    assert_string_equal(api_str(r.json, "state"), "merged");
    http_resp_clear(&r);
    assert_int_equal(s_sql("SELECT note::bigint FROM proposal.log WHERE proposal_id = $1::bigint"
                           " AND event = 'merge'"), atoll(p2));   /* the timeline names it */
    snprintf(S.id, sizeof S.id, "%s", p2);
    s_step("assign", S.u.office, "{\"lead_unit_id\":\"1\",\"leader\":\"李副区长\"}", 200,
           "assigned");
    s_step("reply", S.u.unit1head, "{\"class\":\"a\",\"text\":\"已新增两条校车线路\"}", 200,
           "replied");
    /* notify: the proposers of both, the units, the dropped co-signer's first proposer */
    assert_int_equal(s_inbox("proposal.replied", "member", 4, 15000), 1);
    assert_int_equal(s_inbox("proposal.replied", "member", 3, 15000), 1);
    assert_int_equal(s_inbox("proposal.merged", "member", 3, 15000), 1);
    assert_int_equal(s_inbox("proposal.reopened", "unit", 1, 15000), 1);
    assert_true(s_inbox("proposal.assigned", "unit", 1, 15000) >= 1);
    assert_int_equal(s_inbox("proposal.assigned", "unit", 2, 15000), 2);   /* assigned, reassigned */
    assert_int_equal(s_inbox("proposal.cosign_closed", "member", 1, 15000), 1);
    assert_int_equal(s_inbox("proposal.lookback_due", "role:office", 0, 15000), 1);
    assert_int_equal(api_req(S.h, "GET", D "/inbox", S.u.unit1, NULL, 200, &r), 200);
    assert_non_null(strstr(r.raw, "proposal.assigned"));
    http_resp_clear(&r);
    /* convert into a public-opinion report: intake makes it, linking back */
    s_new(S.u.member4, "关于规范校外培训的建议", p4);
    snprintf(S.id, sizeof S.id, "%s", p4);
    s_refused("convert", S.u.office, "{\"to\":\"novel\"}", 400, "validation_failed");
    s_step("convert", S.u.office, "{\"to\":\"report\"}", 200, "converted");
    const char *q[1] = {p4};
    assert_int_equal(api_wait_sqlp(S.h, "SELECT count(*) FROM intake.reports WHERE"
                                   " source_proposal_id = $1::bigint AND state = 'submitted'",
                                   1, 15000, 1, q), 1);
    snprintf(path, sizeof path, D "/proposals/%s", p4);
    assert_int_equal(api_req(S.h, "GET", path, S.u.office, NULL, 200, &r), 200);
    char rid[24];
    snprintf(rid, sizeof rid, "%s", api_str(r.json, "converted_report_id"));
    http_resp_clear(&r);
    assert_true(rid[0] != '\0');
    snprintf(path, sizeof path, D "/reports/%s", rid);
    assert_int_equal(api_req(S.h, "GET", path, S.u.member4, NULL, 200, &r), 200);
    assert_string_equal(api_str(r.json, "source_proposal_id"), p4);
    assert_string_equal(api_str(r.json, "title"), "关于规范校外培训的建议");
    assert_string_equal(api_str(r.json, "suggestions"), "办法");
    http_resp_clear(&r);
    /* refused ones take no number: the numbers stay gap-free */
    s_new(S.u.member4, "关于某私人纠纷的建议", p5);
    snprintf(S.id, sizeof S.id, "%s", p5);
    s_step("refuse", S.u.office, "{\"reason\":\"private_matter\"}", 200, "refused");
    s_new(S.u.member4, "关于中小学课后服务的建议", p6);
    snprintf(path, sizeof path, D "/proposals/%s/accept", p6);
    assert_int_equal(api_req(S.h, "POST", path, S.u.office, NULL, 200, &r), 200);
    snprintf(want, sizeof want, "%d-%04d", y, base + 3);
    assert_string_equal(api_str(r.json, "number"), want);
    http_resp_clear(&r);
    assert_int_equal(harness_sql_ll(S.h, "SELECT bool_and(c = m)::int FROM (SELECT count(*) c,"
                                    " max(number) m FROM proposal.proposals WHERE number IS"
                                    " NOT NULL GROUP BY year) x", 0, NULL), 1);
    /* the hand-back window: 10 working days */
    snprintf(S.id, sizeof S.id, "%s", p6);
    s_step("assign", S.u.office, "{\"lead_unit_id\":\"1\",\"leader\":\"李副区长\","
           "\"workdays\":5}", 200, "assigned");
    s_past_workdays(11);
    s_refused("hand-back", S.u.unit1, "{\"reason\":\"不属本单位\"}", 409, "hand_back_closed");
    /* no reply within its 5 working days: unit 1's one overdue proposal of that year */
    snprintf(path, sizeof path, D "/units/rates?year=%lld",
             s_sql("SELECT extract(year FROM assigned_on)::bigint FROM proposal.proposals"
                   " WHERE id = $1::bigint"));
    assert_int_equal(api_req(S.h, "GET", path, S.u.office, NULL, 200, &r), 200);
    json_t *u1 = json_array_get(json_object_get(r.json, "items"), 0);
    assert_string_equal(api_str(u1, "unit_id"), "1");
    assert_int_equal(json_integer_value(json_object_get(u1, "overdue")), 1);
    http_resp_clear(&r);
    /* the office ends a co-signing early: the unconfirmed co-signer drops off */
    assert_int_equal(api_req(S.h, "POST", D "/proposals", S.u.member4, "{\"title\":\"关于校园食堂的建议\","
                             "\"reasons\":\"案由\",\"measures\":\"办法\",\"category\":\"education\","
                             "\"cosigner_ids\":[\"1\"]}", 201, &r), 201);
    snprintf(S.id, sizeof S.id, "%s", api_str(r.json, "id"));
    http_resp_clear(&r);
    s_step("submit", S.u.member4, NULL, 200, "cosigning");
    s_refused("close-cosign", S.u.member4, NULL, 403, "forbidden");
    s_step("close-cosign", S.u.office, NULL, 200, "submitted");
    assert_int_equal(s_sql("SELECT count(*) FROM proposal.proposers x JOIN proposal.proposals p"
                           " ON p.district_code = x.district_code AND p.id = x.proposal_id"
                           " WHERE p.id = $1::bigint AND x.member_id = 1 AND x.status = 'dropped'"
                           " AND p.kind = 'individual'"), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_draft_and_cosigning),
        cmocka_unit_test(test_review),
        cmocka_unit_test(test_assign_and_hand_back),
        cmocka_unit_test(test_handling),
        cmocka_unit_test(test_verdict),
        cmocka_unit_test(test_lookback_due),
        cmocka_unit_test(test_rates_and_csv),
        cmocka_unit_test(test_merge_convert_notify),
    };
    return cmocka_run_group_tests(tests, s_setup, s_teardown);
}
