/* test_notify_reminders: the reminders' due-date arithmetic
 * (reminders_fire_day over common's calendar_sub_workdays and
 * calendar_add_workdays) across a holiday, a make-up working day and the year
 * boundary, checked against calendar_workdays_between over a long range; the
 * shipped deploy/notify/reminders.json loads (one timer kind per reminder
 * kind, the texts units read on every channel, not_equals conditions) and a
 * faulty reminders file is refused: also a partner's webhook, a role, an
 * e-mail or SMS without its template. The dates are a synthetic calendar's,
 * not today's: the test passes on any day. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "jsonpb.h"
#include "payloads.h"
#include "proposal.pb-c.h"
#include "reminders.h"
#include "supervise.pb-c.h"

static calendar_day_t s_day(const char *text)
{
    calendar_day_t d;
    assert_int_equal(calendar_day_parse(text, &d), 0);
    return d;
}

static void s_fires(const calendar_t *cal, const char *due, int workdays, const char *want)
{
    calendar_day_t out;
    char got[11];
    assert_int_equal(reminders_fire_day(cal, s_day(due), workdays, &out), 0);
    calendar_day_format(out, got, sizeof got);
    assert_string_equal(got, want);
}

/* New Year's Day on a Friday; a holiday week in February and its make-up
 * Saturday. */
static calendar_t *s_calendar(void)
{
    calendar_t *cal = calendar_new();
    char t[11];
    assert_non_null(cal);
    assert_int_equal(calendar_add(cal, s_day("2027-01-01"), CALENDAR_HOLIDAY, "元旦"), 0);
    for (int d = 8; d <= 12; d++) {
        snprintf(t, sizeof t, "2027-02-%02d", d);
        assert_int_equal(calendar_add(cal, s_day(t), CALENDAR_HOLIDAY, "春节"), 0);
    }
    assert_int_equal(calendar_add(cal, s_day("2027-02-20"), CALENDAR_WORKDAY, NULL), 0);
    return cal;
}

static void test_fire_day_year_boundary(void **state)
{
    (void) state;
    calendar_t *cal = s_calendar();
    /* due Monday 2027-01-04: Friday 1 January is a holiday */
    s_fires(cal, "2027-01-04", -1, "2026-12-31");
    s_fires(cal, "2027-01-04", -7, "2026-12-23");
    s_fires(cal, "2027-01-04", 1, "2027-01-05");
    s_fires(cal, "2027-01-04", 0, "2027-01-04");
    /* due on the holiday itself */
    s_fires(cal, "2027-01-01", -1, "2026-12-30");
    s_fires(cal, "2027-01-01", 1, "2027-01-04");
    /* overdue from the last day of the year */
    s_fires(cal, "2026-12-31", 1, "2027-01-04");
    calendar_destroy(&cal);
}

static void test_fire_day_holiday_week(void **state)
{
    (void) state;
    calendar_t *cal = s_calendar();
    /* due Monday 2027-02-22: the make-up Saturday counts, the holiday week not */
    s_fires(cal, "2027-02-22", -1, "2027-02-20");
    s_fires(cal, "2027-02-22", -7, "2027-02-05");
    s_fires(cal, "2027-02-05", 1, "2027-02-15");
    /* plain weekends without a calendar */
    s_fires(NULL, "2027-02-22", -1, "2027-02-19");
    calendar_destroy(&cal);
}

/* Over 500 due dates and 1..10 working days: the day is a working day with
 * exactly n working days up to the due date, and the latest such. */
static void test_fire_day_inverse(void **state)
{
    (void) state;
    calendar_t *cal = s_calendar();
    calendar_day_t start = s_day("2026-10-01"), d;
    for (calendar_day_t due = start; due < start + 500; due++)
        for (int n = 1; n <= 10; n++) {
            assert_int_equal(reminders_fire_day(cal, due, -n, &d), 0);
            assert_int_equal(calendar_workday(cal, d), 1);
            assert_int_equal(calendar_workdays_between(cal, d, due), n);
            calendar_day_t next;
            assert_int_equal(calendar_next_workday(cal, d + 1, &next), 0);
            assert_true(calendar_workdays_between(cal, next, due) < n);
            assert_int_equal(reminders_fire_day(cal, due, n, &d), 0);
            assert_int_equal(calendar_workdays_between(cal, due, d), n);
        }
    assert_int_equal(reminders_fire_day(cal, start, REMINDERS_MAX_WORKDAYS + 1, &d), -1);
    assert_int_equal(calendar_sub_workdays(cal, start, -1, &d), -1);
    calendar_destroy(&cal);
}

static void s_shipped(char *out, size_t outsz)
{
    const char *slash = strrchr(__FILE__, '/');
    int dirlen = slash ? (int) (slash - __FILE__) : 1;
    snprintf(out, outsz, "%.*s/../../deploy/notify/reminders.json", dirlen,
             slash ? __FILE__ : ".");
}

static const reminders_rule_t *s_kind(const reminders_t *rm, const char *kind)
{
    for (size_t i = 0; i < rm->n; i++)
        if (strcmp(rm->r[i].rule->item_kind, kind) == 0)
            return &rm->r[i];
    return NULL;
}

static void test_shipped_reminders(void **state)
{
    char path[1024], err[512] = "", title[256], body[1024];
    (void) state;
    s_shipped(path, sizeof path);
    reminders_t *rm = reminders_load(path, notify_payloads, notify_npayloads, 0, err, sizeof err);
    assert_non_null(rm);
    timers_def_t def = reminders_timers(rm);
    assert_string_equal(def.table, "notify.reminders");
    assert_int_equal(def.nkinds, 8);
    const reminders_rule_t *x = s_kind(rm, "proposal.due_in_7");
    assert_non_null(x);
    assert_int_equal(x->workdays, -7);
    assert_int_equal(s_kind(rm, "proposal.due_in_1")->workdays, -1);
    assert_int_equal(s_kind(rm, "proposal.overdue")->workdays, 1);
    assert_string_equal(x->until[0], "proposal.replied");

    Lianxin__V1__ProposalChanged m = LIANXIN__V1__PROPOSAL_CHANGED__INIT;
    m.proposal_id = 5;
    m.number = "0005";
    m.title = "加强社区养老服务";
    m.lead_unit_id = 3;
    m.due_date = "2027-03-10";
    json_t *j = jsonpb_encode(&m.base);
    assert_int_equal(tmpl_render(x->rule->title, j, title, sizeof title), 0);
    assert_int_equal(tmpl_render(x->rule->body, j, body, sizeof body), 0);
    assert_string_equal(title, "提案答复期限提醒");
    assert_string_equal(body, "提案0005《加强社区养老服务》的答复期限为3月10日，距今还有7个工作日，"
                              "请按时答复。");
    /* every shipped reminder on inbox, e-mail and SMS; the SMS one segment */
    for (size_t i = 0; i < rm->n; i++) {
        assert_int_equal(rm->r[i].rule->channels, REMINDERS_CHANNELS);
        assert_true(tmpl_max_chars(rm->r[i].rule->sms) <= RULES_SMS_CHARS);
    }
    const rules_rule_t *d1 = s_kind(rm, "proposal.due_in_1")->rule;
    assert_int_equal(tmpl_render(d1->sms, j, body, sizeof body), 0);
    assert_string_equal(body, "【政协连心】提案0005答复期限为3月10日，仅剩1个工作日，请抓紧答复。");
    assert_int_equal(tmpl_sms_segments(tmpl_utf8_chars(body)), 1);
    assert_int_equal(tmpl_render(d1->email_subject, j, title, sizeof title), 0);
    assert_string_equal(title, "【政协连心】提案0005答复期限提醒");
    assert_int_equal(tmpl_render(d1->email_body, j, body, sizeof body), 0);
    assert_non_null(strstr(body, "提案0005《加强社区养老服务》的答复期限为3月10日，距今仅剩1个工作日"));
    json_decref(j);

    /* an item tracked for a proposal is reminded by the proposal's own rules */
    Lianxin__V1__ItemChanged it = LIANXIN__V1__ITEM_CHANGED__INIT;
    it.source = "proposal";
    j = jsonpb_encode(&it.base);
    assert_int_equal(rules_match(s_kind(rm, "item.due_in_7")->rule, j), 0);
    json_decref(j);
    it.source = "letter";
    j = jsonpb_encode(&it.base);
    assert_int_equal(rules_match(s_kind(rm, "item.due_in_7")->rule, j), 1);
    json_decref(j);
    reminders_free(rm);
}

#define S_IDS "{\"resolver\": \"ids\", \"kind\": \"unit\", \"fields\": [\"lead_unit_id\"]}"

/* A reminders file of one rule with `remind`, `recipients` and `channels`,
 * and beside it the templates "t.<channel>.txt" of the channels in the
 * space-separated list `files`. */
static reminders_t *s_load_with(const char *remind, const char *recipients, const char *channels,
                                const char *files, char *err, size_t errsz)
{
    static const struct { const char *channel, *text; } tmpl[] = {
        {"inbox", "标题\n{{title|trunc:10}}\n"},
        {"email", "邮件标题\n{{title|trunc:10}}的期限为{{due_date|md}}\n"},
        {"sms", "【政协连心】{{title|trunc:10}}的期限为{{due_date|md}}\n"},
    };
    char dir[] = "/tmp/test_notify_reminders_XXXXXX", path[256], json[1024];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/templates", dir);
    assert_int_equal(mkdir(path, 0700), 0);
    for (size_t i = 0; i < sizeof tmpl / sizeof tmpl[0]; i++) {
        if (!strstr(files, tmpl[i].channel))
            continue;
        snprintf(path, sizeof path, "%s/templates/t.%s.txt", dir, tmpl[i].channel);
        FILE *f = fopen(path, "w");
        assert_non_null(f);
        fputs(tmpl[i].text, f);
        fclose(f);
    }
    snprintf(json, sizeof json,
             "{\"rules\": [{\"event\": \"proposal.assigned\", \"payload\": \"ProposalChanged\","
             " \"item_kind\": \"x.due\", \"remind\": %s, \"recipients\": %s,"
             " \"object\": {\"type\": \"proposal\", \"id\": \"proposal_id\"},"
             " \"channels\": %s, \"template\": \"t\"}]}", remind, recipients, channels);
    snprintf(path, sizeof path, "%s/reminders.json", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(json, f);
    fclose(f);
    reminders_t *rm = reminders_load(path, notify_payloads, notify_npayloads, 0, err, errsz);
    unlink(path);
    for (size_t i = 0; i < sizeof tmpl / sizeof tmpl[0]; i++) {
        snprintf(path, sizeof path, "%s/templates/t.%s.txt", dir, tmpl[i].channel);
        unlink(path);
    }
    snprintf(path, sizeof path, "%s/templates", dir);
    rmdir(path);
    rmdir(dir);
    return rm;
}

/* s_load_with: ids recipients, every template there. */
static reminders_t *s_load(const char *remind, const char *channels, char *err, size_t errsz)
{
    return s_load_with(remind, S_IDS, channels, "inbox email sms", err, errsz);
}

static void test_faulty_reminders_refused(void **state)
{
    char err[512];
    (void) state;
    reminders_t *rm = s_load("{\"due\": \"due_date\", \"workdays\": -3}", "[\"inbox\"]", err,
                             sizeof err);
    assert_non_null(rm);                                /* the shape itself is right */
    reminders_free(rm);
    static const struct { const char *remind, *channels, *fault; } bad[] = {
        {"{\"due\": \"title_x\", \"workdays\": -3}", "[\"inbox\"]", "remind.due"},
        {"{\"due\": \"lead_unit_id\", \"workdays\": -3}", "[\"inbox\"]", "remind.due"},
        {"{\"due\": \"due_date\", \"workdays\": 999}", "[\"inbox\"]", "remind.workdays"},
        {"{\"due\": \"due_date\"}", "[\"inbox\"]", "remind.workdays"},
        {"{\"due\": \"due_date\", \"workdays\": -3}", "[\"sms\"]", "inbox channel is always on"},
        {"{\"due\": \"due_date\", \"workdays\": -3, \"until\": [\"\"]}", "[\"inbox\"]",
         "remind.until"},
        {"{\"due\": \"due_date\", \"workdays\": -3, \"also\": \"x\"}", "[\"inbox\"]",
         "remind.also"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err[0] = '\0';
        assert_null(s_load(bad[i].remind, bad[i].channels, err, sizeof err));
        assert_true(err[0] != '\0');
        assert_non_null(strstr(err, bad[i].fault));
    }
}

/* Inbox, e-mail and SMS load, with their texts; a partner's webhook, a
 * role, an e-mail or SMS without its template are refused. */
static void test_reminder_channels(void **state)
{
    const char *remind = "{\"due\": \"due_date\", \"workdays\": -1}";
    char err[512] = "", text[256];
    (void) state;
    reminders_t *rm = s_load(remind, "[\"inbox\", \"email\", \"sms\"]", err, sizeof err);
    assert_non_null(rm);
    const rules_rule_t *r = rm->r[0].rule;
    assert_int_equal(r->channels, REMINDERS_CHANNELS);
    Lianxin__V1__ProposalChanged m = LIANXIN__V1__PROPOSAL_CHANGED__INIT;
    m.title = "加强社区养老服务";
    m.due_date = "2027-03-10";
    json_t *j = jsonpb_encode(&m.base);
    assert_int_equal(tmpl_render(r->email_subject, j, text, sizeof text), 0);
    assert_string_equal(text, "邮件标题");
    assert_int_equal(tmpl_render(r->email_body, j, text, sizeof text), 0);
    assert_string_equal(text, "加强社区养老服务的期限为3月10日");
    assert_int_equal(tmpl_render(r->sms, j, text, sizeof text), 0);
    assert_string_equal(text, "【政协连心】加强社区养老服务的期限为3月10日");
    json_decref(j);
    reminders_free(rm);

    static const struct { const char *recipients, *channels, *files, *fault; } bad[] = {
        /* webhook: not a channel of an ids rule, and a partner is never reminded */
        {S_IDS, "[\"inbox\", \"webhook\"]", "inbox", "unknown channel 'webhook'"},
        {"{\"resolver\": \"partner\", \"field\": \"converted_to\"}", "[\"webhook\"]", "",
         "never to a partner's webhook"},
        {"{\"resolver\": \"role\", \"role\": \"office\"}", "[\"inbox\"]", "inbox",
         "not a role"},
        {"{\"resolver\": \"role\", \"role\": \"leader\"}", "[\"inbox\", \"email\"]",
         "inbox email", "not a role"},
        {S_IDS, "[\"inbox\", \"email\"]", "inbox sms", "template t.email missing"},
        {S_IDS, "[\"inbox\", \"sms\"]", "inbox email", "template t.sms missing"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err[0] = '\0';
        assert_null(s_load_with(remind, bad[i].recipients, bad[i].channels, bad[i].files, err,
                                sizeof err));
        print_message("refused: %s\n", err);
        assert_non_null(strstr(err, bad[i].fault));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fire_day_year_boundary),
        cmocka_unit_test(test_fire_day_holiday_week),
        cmocka_unit_test(test_fire_day_inverse),
        cmocka_unit_test(test_shipped_reminders),
        cmocka_unit_test(test_faulty_reminders_refused),
        cmocka_unit_test(test_reminder_channels),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
