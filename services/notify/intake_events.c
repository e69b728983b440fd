/* intake_events: see intake_events.h. Texts are Chinese, short, and never
 * carry visitor data (the events carry none). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "calendar.pb-c.h"
#include "grading.pb-c.h"
#include "intake_events.h"
#include "log.h"
#include "reports.pb-c.h"
#include "rota.pb-c.h"
#include "textfmt.h"

/* One inbox row per recipient of kind `rkind` ("member", "role:leader"). The SQL
 * `who` yields the recipients' ids ($2 is the id array text). */
static int s_insert(tx_t *tx, const Lianxin__V1__Event *ev, const char *rkind, const char *who,
                    const char *ids, const char *kind, const char *title, const char *body,
                    const char *otype, long long oid)
{
    char sql[1024], seq[24], obj[24];
    db_num(seq, (long long) ev->seq);
    db_num(obj, oid);
    snprintf(sql, sizeof sql,
             "INSERT INTO notify.inbox (district_code, id, recipient_kind, recipient_id, kind,"
             "  title, body, object_type, object_id, source_producer, source_seq, created_at)"
             " SELECT $1, nextval('notify.inbox_ids'), $3, r, $4, $5, $6, $7, $8, $9, $10::bigint,"
             "  core.clock_now() FROM (%s) AS w(r)"
             " ON CONFLICT (district_code, recipient_kind, recipient_id, source_producer,"
             "  source_seq) DO NOTHING", who);
    const char *p[10] = {ev->district, ids, rkind, kind, title, body, otype, obj, ev->producer,
                         seq};
    if (db_run(tx_db(tx), sql, 10, p) != 0) {
        log_warn("inbox insert failed", "district=%s producer=%s seq=%lld type=%s sqlstate=%s",
                 ev->district, ev->producer, (long long) ev->seq, ev->type,
                 db_sqlstate(tx_db(tx)));
        return -1;
    }
    return 0;
}

static const char *const s_members = "SELECT DISTINCT unnest($2::bigint[])";

/* "12月25日" from "2026-12-25". */
static void s_md(const char *date, char *out, size_t outsz)
{
    int y = 0, m = 0, d = 0;
    if (!date || sscanf(date, "%d-%d-%d", &y, &m, &d) != 3)
        snprintf(out, outsz, "%s", date ? date : "");
    else
        snprintf(out, outsz, "%d月%d日", m, d);
}

int intake_events_duty_upcoming(tx_t *tx, const Lianxin__V1__Event *ev,
                                const ProtobufCMessage *msg, void *app)
{
    const Lianxin__V1__DutyUpcoming *m = (const Lianxin__V1__DutyUpcoming *) msg;
    char body[400], md[32];
    char *ids = db_ids_text(m->member_ids, m->n_member_ids);
    (void) app;
    if (!ids)
        return -1;
    s_md(m->duty_date, md, sizeof md);
    snprintf(body, sizeof body, "明天（%s）您在%.*s值班，接待群众来访。", md,
             (int) textfmt_utf8_prefix(m->workroom_name, 300),
             m->workroom_name ? m->workroom_name : "");
    int rc = s_insert(tx, ev, "member", s_members, ids, "duty.upcoming", "明日值班提醒", body,
                      "workroom", (long long) m->workroom_id);
    free(ids);
    return rc;
}

int intake_events_rota_changed(tx_t *tx, const Lianxin__V1__Event *ev,
                               const ProtobufCMessage *msg, void *app)
{
    const Lianxin__V1__RotaChanged *m = (const Lianxin__V1__RotaChanged *) msg;
    char *ids = NULL, body[200], md[32];
    int rc = 0;
    (void) app;
    if (m->change && strcmp(m->change, "swap_requested") == 0 && m->previous_member_id > 0) {
        if (!(ids = db_ids_text(&m->previous_member_id, 1)))
            return -1;
        s_md(m->duty_date, md, sizeof md);
        snprintf(body, sizeof body, "有委员请求与您调换值班（对方值班日 %s），请确认。", md);
        rc = s_insert(tx, ev, "member", s_members, ids, "rota.swap_requested", "值班调换请求",
                      body, "rota", (long long) m->rota_id);
        free(ids);
    }
    return rc;
}

static const char *s_level(const char *level)
{
    static const char *const map[][2] = {
        {"district", "区级"}, {"city", "市级"}, {"province", "省级"}, {"national", "全国"},
    };
    for (size_t i = 0; level && i < sizeof map / sizeof map[0]; i++)
        if (strcmp(level, map[i][0]) == 0)
            return map[i][1];
    return "";
}

int intake_events_report_adopted(tx_t *tx, const Lianxin__V1__Event *ev,
                                 const ProtobufCMessage *msg, void *app)
{
    const Lianxin__V1__ReportChanged *m = (const Lianxin__V1__ReportChanged *) msg;
    char body[400];
    char *ids = db_ids_text(m->author_ids, m->n_author_ids);
    (void) app;
    if (!ids)
        return -1;
    snprintf(body, sizeof body, "您的社情民意信息《%s》（%s）已被%s采用。", m->title ? m->title : "",
             m->number ? m->number : "", s_level(m->level));
    int rc = s_insert(tx, ev, "member", s_members, ids, "report.adopted", "社情民意信息被采用",
                      body, "report", (long long) m->report_id);
    free(ids);
    return rc;
}

/* One item addressed to the leader role of the district (recipient_id 0):
 * every leader of the district sees it in their inbox and reads it for
 * themselves (notify.inbox_reads). Who the leaders are is the gateway's
 * business (auth): notify never reads it. */
static const char *const s_role = "SELECT 0::bigint WHERE $2::text IS NOT NULL";

int intake_events_issue_escalated(tx_t *tx, const Lianxin__V1__Event *ev,
                                  const ProtobufCMessage *msg, void *app)
{
    const Lianxin__V1__IssueRouted *m = (const Lianxin__V1__IssueRouted *) msg;
    char body[600], md[32];
    (void) app;
    s_md(m->due_on, md, sizeof md);
    snprintf(body, sizeof body, "一类诉求（重要且难度大）：%.*s，请于%s前阅处。",
             (int) textfmt_utf8_prefix(m->summary, 300), m->summary ? m->summary : "", md);
    return s_insert(tx, ev, "role:leader", s_role, "{}", "issue.escalated", "一类诉求待阅处",
                    body, "issue", (long long) m->issue_id);
}

/* One item addressed to the office role of the district, like the leaders'
 * above: the office keeps the calendar (PUT /v1/calendar/{year}). */
int intake_events_calendar_missing(tx_t *tx, const Lianxin__V1__Event *ev,
                                   const ProtobufCMessage *msg, void *app)
{
    const Lianxin__V1__CalendarMissing *m = (const Lianxin__V1__CalendarMissing *) msg;
    char body[300];
    (void) app;
    snprintf(body, sizeof body, "尚未录入%d年的节假日和调休安排，工作日计算将按普通周末处理。"
                                "请在“节假日”页面录入。", (int) m->year);
    return s_insert(tx, ev, "role:office", s_role, "{}", "calendar.missing",
                    "节假日安排未录入", body, "calendar", (long long) m->year);
}
