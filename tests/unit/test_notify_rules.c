/* test_notify_rules: notify's rules as data (services/notify/rules.c) and
 * its templates (tmpl.c): the shipped deploy/notify/rules.json loads and
 * renders the texts members and units read; a template naming an unknown
 * variable or filter, a list without |count, an SMS template that can
 * exceed one segment, an unknown resolver or payload are refused at load;
 * recipients are resolved by name (ids, first, role) and conditions hold.
 * Pure logic (files only); dates come from the machine's clock. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "calendar.pb-c.h"
#include "consult.pb-c.h"
#include "grading.pb-c.h"
#include "jsonpb.h"
#include "proposal.pb-c.h"
#include "reports.pb-c.h"
#include "rota.pb-c.h"
#include "payloads.h"
#include "rules.h"
#include "supervise.pb-c.h"
#include "tmpl.h"


/* deploy/notify/rules.json, relative to this source file. */
static void s_shipped(char *out, size_t outsz)
{
    const char *slash = strrchr(__FILE__, '/');
    int dirlen = slash ? (int) (slash - __FILE__) : 1;
    snprintf(out, outsz, "%.*s/../../deploy/notify/rules.json", dirlen, slash ? __FILE__ : ".");
}

/* Today + days as YYYY-MM-DD, and its "M月D日". */
static void s_date(int days, char *iso, size_t isosz, char *md, size_t mdsz)
{
    time_t t = time(NULL) + (time_t) days * 86400;
    struct tm tm;
    gmtime_r(&t, &tm);
    snprintf(iso, isosz, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
    snprintf(md, mdsz, "%d月%d日", tm.tm_mon + 1, tm.tm_mday);
}

static const rules_rule_t *s_rule(const rules_t *rs, const char *event, const char *rkind)
{
    for (size_t i = 0; i < rs->n; i++)
        if (strcmp(rs->r[i].event, event) == 0 && (!rkind || strcmp(rs->r[i].rkind, rkind) == 0))
            return &rs->r[i];
    return NULL;
}

static void test_shipped_rules_load(void **state)
{
    char path[1024], err[512] = "";
    (void) state;
    s_shipped(path, sizeof path);
    rules_t *rs = rules_load(path, notify_payloads, notify_npayloads, err, sizeof err);
    assert_non_null(rs);
    assert_string_equal(err, "");
    const char *events[] = { "duty.upcoming", "rota.changed", "report.adopted",
                             "issue.escalated", "calendar.missing", "proposal.assigned",
                             "proposal.replied", "proposal.reopened", "proposal.merged",
                             "proposal.cosign_closed", "proposal.lookback_due",
                             "consultation.scheduled", "consultation.outcome_assigned",
                             "item.urged", "item.followed", "item.supervised" };
    for (size_t i = 0; i < sizeof events / sizeof events[0]; i++)
        assert_non_null(s_rule(rs, events[i], NULL));
    /* every SMS template fits one segment whatever the payload */
    for (size_t i = 0; i < rs->n; i++)
        if (rs->r[i].channels & RULES_CH_SMS)
            assert_true(tmpl_max_chars(rs->r[i].sms) <= RULES_SMS_CHARS);
    rules_free(rs);
}

/* The unit hears of an assigned proposal with the words it read before. */
static void test_proposal_assigned_text(void **state)
{
    char path[1024], err[512], iso[48], md[48], title[128], body[512], want[512];
    (void) state;
    s_shipped(path, sizeof path);
    rules_t *rs = rules_load(path, notify_payloads, notify_npayloads, err, sizeof err);
    assert_non_null(rs);
    s_date(30, iso, sizeof iso, md, sizeof md);
    Lianxin__V1__ProposalChanged m = LIANXIN__V1__PROPOSAL_CHANGED__INIT;
    int64_t co[] = { 7, 3, 7 };
    m.proposal_id = 42;
    m.number = "0001";
    m.title = "加强老旧小区加装电梯";
    m.lead_unit_id = 3;
    m.co_unit_ids = co;
    m.n_co_unit_ids = 3;
    m.due_date = iso;
    m.leader = "王副区长";
    json_t *j = jsonpb_encode(&m.base);
    const rules_rule_t *r = s_rule(rs, "proposal.assigned", NULL);
    assert_non_null(r);
    assert_int_equal(rules_match(r, j), 1);
    int64_t ids[8];
    assert_int_equal(rules_recipients(r, j, ids, 8), 2);    /* lead first, 7 once */
    assert_true(ids[0] == 3 && ids[1] == 7);
    assert_string_equal(r->rkind, "unit");
    assert_int_equal(rules_int(j, r->object_id), 42);
    assert_int_equal(tmpl_render(r->title, j, title, sizeof title), 0);
    assert_int_equal(tmpl_render(r->body, j, body, sizeof body), 0);
    snprintf(want, sizeof want, "提案0001《加强老旧小区加装电梯》已交办贵单位，请于%s前答复"
             "（责任领导：王副区长）。", md);
    assert_string_equal(title, "提案交办");
    assert_string_equal(body, want);
    assert_int_equal(tmpl_render(r->sms, j, body, sizeof body), 0);
    assert_true(tmpl_utf8_chars(body) <= RULES_SMS_CHARS);
    assert_non_null(strstr(body, md));
    json_decref(j);
    rules_free(rs);
}

/* Conditions, the first proposer only, counts and maps. */
static void test_conditions_first_count_map(void **state)
{
    char path[1024], err[512], body[512];
    (void) state;
    s_shipped(path, sizeof path);
    rules_t *rs = rules_load(path, notify_payloads, notify_npayloads, err, sizeof err);
    assert_non_null(rs);
    Lianxin__V1__ProposalChanged m = LIANXIN__V1__PROPOSAL_CHANGED__INIT;
    int64_t props[] = { 11, 12 }, dropped[] = { 13, 14, 15 };
    m.title = "T";
    m.proposer_ids = props;
    m.n_proposer_ids = 2;
    json_t *j = jsonpb_encode(&m.base);
    const rules_rule_t *r = s_rule(rs, "proposal.cosign_closed", NULL);
    assert_int_equal(rules_match(r, j), 0);             /* nobody dropped: no item */
    json_decref(j);
    m.dropped_ids = dropped;
    m.n_dropped_ids = 3;
    j = jsonpb_encode(&m.base);
    assert_int_equal(rules_match(r, j), 1);
    int64_t ids[8];
    assert_int_equal(rules_recipients(r, j, ids, 8), 1);
    assert_true(ids[0] == 11);
    assert_int_equal(tmpl_render(r->body, j, body, sizeof body), 0);
    assert_string_equal(body, "提案《T》附议截止，3位委员未确认附议，已不再列为提案人。");
    json_decref(j);

    Lianxin__V1__ReportChanged rep = LIANXIN__V1__REPORT_CHANGED__INIT;
    rep.title = "R";
    rep.number = "N1";
    rep.level = "city";
    j = jsonpb_encode(&rep.base);
    r = s_rule(rs, "report.adopted", NULL);
    assert_int_equal(tmpl_render(r->body, j, body, sizeof body), 0);
    assert_string_equal(body, "您的社情民意信息《R》（N1）已被市级采用。");
    json_decref(j);

    Lianxin__V1__RotaChanged rc = LIANXIN__V1__ROTA_CHANGED__INIT;
    rc.change = "edit";
    rc.previous_member_id = 5;
    j = jsonpb_encode(&rc.base);
    r = s_rule(rs, "rota.changed", NULL);
    assert_int_equal(rules_match(r, j), 0);             /* only swap_requested */
    json_decref(j);
    rc.change = "swap_requested";
    j = jsonpb_encode(&rc.base);
    assert_int_equal(rules_match(r, j), 1);
    assert_string_equal(r->item_kind, "rota.swap_requested");
    json_decref(j);

    Lianxin__V1__ItemChanged it = LIANXIN__V1__ITEM_CHANGED__INIT;
    it.unit_id = 9;
    j = jsonpb_encode(&it.base);
    r = s_rule(rs, "item.supervised", "role:leader");
    assert_non_null(r);
    assert_int_equal(rules_recipients(r, j, ids, 8), 1);  /* the one role item */
    assert_true(ids[0] == 0);
    r = s_rule(rs, "item.supervised", "unit");
    assert_int_equal(rules_recipients(r, j, ids, 8), 1);
    assert_true(ids[0] == 9);
    json_decref(j);
    rules_free(rs);
}

static void test_template_checks(void **state)
{
    char err[200];
    const ProtobufCMessageDescriptor *d = &lianxin__v1__proposal_changed__descriptor;
    json_t *maps = json_pack("{s:{s:s}}", "cls", "a", "甲");
    (void) state;
    struct { const char *text, *why; } bad[] = {
        { "提案{{titel}}", "unknown variable 'titel'" },
        { "提案{{title|shout}}", "unknown filter 'shout'" },
        { "{{proposer_ids}}位", "needs |count" },
        { "{{title|map:nope}}", "unknown map 'nope'" },
        { "提案{{title", "unclosed" },
        { "{{title|trunc:0}}", "bad trunc" },
        { "{{round|md}}", "unknown filter" },           /* md on a number */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err[0] = '\0';
        assert_null(tmpl_parse(bad[i].text, d, maps, err, sizeof err));
        if (!strstr(err, bad[i].why))
            fail_msg("'%s': got '%s', want '%s'", bad[i].text, err, bad[i].why);
    }
    tmpl_t *t = tmpl_parse("第{{round}}轮{{class|map:cls}}{{class|upper}}{{title|trunc:2}}", d,
                           maps, err, sizeof err);
    assert_non_null(t);
    Lianxin__V1__ProposalChanged m = LIANXIN__V1__PROPOSAL_CHANGED__INIT;
    m.round = 2;
    m.class_ = "a";
    m.title = "老旧小区";
    json_t *j = jsonpb_encode(&m.base);
    char out[64];
    assert_int_equal(tmpl_render(t, j, out, sizeof out), 0);
    assert_string_equal(out, "第2轮甲A老旧");
    assert_int_equal(tmpl_render(t, j, out, 8), -1);    /* does not fit: refused, not cut */
    /* 第 轮 (2) + round (20) + map (1) + unbounded upper */
    assert_int_equal(tmpl_max_chars(t), TMPL_UNBOUNDED);
    tmpl_free(t);
    t = tmpl_parse("第{{round}}轮{{class|map:cls}}{{title|trunc:5}}", d, maps, err, sizeof err);
    assert_int_equal(tmpl_max_chars(t), 2 + 20 + 1 + 5);
    tmpl_free(t);
    json_decref(j);
    json_decref(maps);
    assert_int_equal(tmpl_sms_segments(70), 1);
    assert_int_equal(tmpl_sms_segments(71), 2);
    assert_int_equal(tmpl_sms_segments(134), 2);
    assert_int_equal(tmpl_sms_segments(135), 3);
}

/* A rules file of its own in a temporary folder: `rule` is one rule's JSON,
 * `tmpl` the inbox template and `sms` (NULL: none) the SMS template. NULL
 * and the fault in err when refused. */
static rules_t *s_load_one(const char *rule, const char *tmpl, const char *sms, char *err,
                           size_t errsz)
{
    char dir[] = "/tmp/notify_rulesXXXXXX", path[256];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/templates", dir);
    assert_int_equal(mkdir(path, 0700), 0);
    const char *files[][2] = { { "templates/t.inbox.txt", tmpl }, { "templates/t.sms.txt", sms } };
    for (size_t i = 0; i < 2; i++) {
        if (!files[i][1])
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, files[i][0]);
        FILE *f = fopen(path, "w");
        assert_non_null(f);
        fputs(files[i][1], f);
        fclose(f);
    }
    snprintf(path, sizeof path, "%s/rules.json", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fprintf(f, "{\"rules\": [%s]}", rule);
    fclose(f);
    rules_t *rs = rules_load(path, notify_payloads, notify_npayloads, err, errsz);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
    return rs;
}

#define RULE(payload, rec, chans) \
    "{\"event\": \"item.urged\", \"payload\": \"" payload "\", \"recipients\": " rec \
    ", \"object\": {\"type\": \"item\", \"id\": \"item_id\"}, \"channels\": " chans \
    ", \"template\": \"t\"}"
#define UNIT "{\"resolver\": \"ids\", \"kind\": \"unit\", \"fields\": [\"unit_id\"]}"

static void test_load_refusals(void **state)
{
    char err[512];
    const char *ok_inbox = "督办\n《{{title|trunc:10}}》请于{{due_date|md}}前办理。\n";
    (void) state;
    rules_t *rs = s_load_one(RULE("ItemChanged", UNIT, "[\"inbox\", \"sms\"]"), ok_inbox,
                             "【连心】《{{title|trunc:20}}》请于{{due_date|md}}前办理。", err,
                             sizeof err);
    assert_non_null(rs);
    assert_int_equal(rs->n, 1);
    rules_free(rs);
    struct { const char *rule, *inbox, *sms, *why; } bad[] = {
        { RULE("ItemChanged", UNIT, "[\"inbox\"]"), "督办\n{{titel}}", NULL,
          "unknown variable 'titel'" },
        { RULE("ItemChanged", UNIT, "[\"inbox\", \"sms\"]"), ok_inbox, "《{{title}}》",
          "can reach unbounded" },
        { RULE("ItemChanged", UNIT, "[\"inbox\", \"sms\"]"), ok_inbox,
          "【连心】《{{title|trunc:60}}》请于{{due_date|md}}前办理。", "can reach 78" },
        { RULE("ItemChanged", UNIT, "[\"inbox\", \"sms\"]"), ok_inbox, NULL, "missing" },
        { RULE("ItemChanged", UNIT, "[\"inbox\", \"fax\"]"), ok_inbox, NULL,
          "unknown channel 'fax'" },
        { RULE("ItemChanged", UNIT, "[\"sms\"]"), ok_inbox, "x", "inbox channel" },
        { RULE("ItemChanged", "{\"resolver\": \"astrology\"}", "[\"inbox\"]"), ok_inbox, NULL,
          "unknown resolver" },
        { RULE("ItemChanged", "{\"resolver\": \"ids\", \"kind\": \"unit\", \"fields\": "
               "[\"title\"]}", "[\"inbox\"]"), ok_inbox, NULL, "not an integer" },
        { RULE("ItemChanged", "{\"resolver\": \"role\", \"role\": \"king\"}", "[\"inbox\"]"),
          ok_inbox, NULL, "unknown resolver" },
        { RULE("NoSuchMessage", UNIT, "[\"inbox\"]"), ok_inbox, NULL, "unknown payload" },
        { RULE("ItemChanged", UNIT, "[\"inbox\"]"), "督办，一行", NULL, "title line" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err[0] = '\0';
        rs = s_load_one(bad[i].rule, bad[i].inbox, bad[i].sms, err, sizeof err);
        if (rs || !strstr(err, bad[i].why))
            fail_msg("case %zu: loaded=%d err '%s', want '%s'", i, rs != NULL, err, bad[i].why);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shipped_rules_load),
        cmocka_unit_test(test_proposal_assigned_text),
        cmocka_unit_test(test_conditions_first_count_map),
        cmocka_unit_test(test_template_checks),
        cmocka_unit_test(test_load_refusals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
