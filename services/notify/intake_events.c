/* intake_events: see intake_events.h. Texts are Chinese, short, and never
 * carry visitor data (the events carry none). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "calendar.pb-c.h"
#include "grading.pb-c.h"
#include "intake_events.h"
#include "items.h"
#include "log.h"
#include "reports.pb-c.h"
#include "rota.pb-c.h"
#include "textfmt.h"

int intake_events_duty_upcoming(tx_t *tx, const Lianxin__V1__Event *ev,
                                const ProtobufCMessage *msg, void *app)
{
    const Lianxin__V1__DutyUpcoming *m = (const Lianxin__V1__DutyUpcoming *) msg;
    char body[400], md[32];
    char *ids = db_ids_text(m->member_ids, m->n_member_ids);
    (void) app;
    if (!ids)
        return -1;
    items_md(m->duty_date, md, sizeof md);
    snprintf(body, sizeof body, "明天（%s）您在%.*s值班，接待群众来访。", md,
             (int) textfmt_utf8_prefix(m->workroom_name, 300),
             m->workroom_name ? m->workroom_name : "");
    int rc = items_insert(tx, ev, "member", ITEMS_MEMBERS, ids, "duty.upcoming", "明日值班提醒", body,
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
        items_md(m->duty_date, md, sizeof md);
        snprintf(body, sizeof body, "有委员请求与您调换值班（对方值班日 %s），请确认。", md);
        rc = items_insert(tx, ev, "member", ITEMS_MEMBERS, ids, "rota.swap_requested", "值班调换请求",
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
    int rc = items_insert(tx, ev, "member", ITEMS_MEMBERS, ids, "report.adopted", "社情民意信息被采用",
                      body, "report", (long long) m->report_id);
    free(ids);
    return rc;
}

/* One item addressed to the leader role of the district (recipient_id 0):
 * every leader of the district sees it in their inbox and reads it for
 * themselves (notify.inbox_reads). Who the leaders are is the gateway's
 * business (auth): notify never reads it. */
int intake_events_issue_escalated(tx_t *tx, const Lianxin__V1__Event *ev,
                                  const ProtobufCMessage *msg, void *app)
{
    const Lianxin__V1__IssueRouted *m = (const Lianxin__V1__IssueRouted *) msg;
    char body[600], md[32];
    (void) app;
    items_md(m->due_on, md, sizeof md);
    snprintf(body, sizeof body, "一类诉求（重要且难度大）：%.*s，请于%s前阅处。",
             (int) textfmt_utf8_prefix(m->summary, 300), m->summary ? m->summary : "", md);
    return items_insert(tx, ev, "role:leader", ITEMS_ROLE, "{}", "issue.escalated", "一类诉求待阅处",
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
    return items_insert(tx, ev, "role:office", ITEMS_ROLE, "{}", "calendar.missing",
                    "节假日安排未录入", body, "calendar", (long long) m->year);
}
