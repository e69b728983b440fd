/* exports: the files people open in other programs: a member's duties as
 * an iCalendar feed (RFC 5545: CRLF, folded lines, one UID per duty,
 * Asia/Shanghai times; with a bearer token or, for calendar apps, the
 * member's feed token: feeds.h), a room's public-opinion log and the report
 * statistics as CSV (UTF-8 with BOM, Chinese headers, CRLF, RFC 4180
 * quoting). Visitor data in the log is the masked form, paged into a spool
 * file by csvstream.c so that a long log never sits in memory; with
 * ?reveal=visitor (office, admin) intake builds the file with visitors in
 * clear and audits it: the gateway never holds the key. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "auth/access.h"
#include "http/csvstream.h"
#include "forward.h"
#include "visit_edit.pb-c.h"
#include "api/intake.h"
#include "log.h"
#include "pgpool.h"
#include "reads.h"
#include "textfmt.h"
#include "timeutil.h"

typedef void (s_render_fn)(gw_call_t *call, const PGresult *res, textbuf_t *out);

typedef struct export_ctx {
    gw_call_t *call;
    s_render_fn *render;
    const char *ctype;
    char filename[64];
} export_ctx_t;

static void s_on_rows(PGresult *res, void *arg)
{
    export_ctx_t *x = arg;
    gw_call_t *call = x->call;
    if (!gw_call_release(call)) {
        free(x);
        return;
    }
    if (!res || PQresultStatus(res) != PGRES_TUPLES_OK) {
        gw_reply_error(call, 503, NULL, "database unavailable", NULL);
        free(x);
        return;
    }
    textbuf_t out;
    char disp[96];
    textbuf_init(&out);
    x->render(call, res, &out);
    snprintf(disp, sizeof disp, "attachment; filename=\"%s\"", x->filename);
    const char *h[] = {"Cache-Control", "no-store", "Content-Disposition", disp, NULL};
    if (out.failed)
        gw_reply_error(call, 500, "internal", "internal error", NULL);
    else
        http_respond(call->req, 200, x->ctype, out.data ? out.data : "", out.len, h);
    textbuf_free(&out);
    free(x);
}

static void s_export(gw_call_t *call, const char *sql, int n, const char *const *p,
                     s_render_fn *render, const char *ctype, const char *filename)
{
    export_ctx_t *x = calloc(1, sizeof *x);
    if (!x) {
        gw_reply_error(call, 503, NULL, NULL, NULL);
        return;
    }
    x->call = call;
    x->render = render;
    x->ctype = ctype;
    snprintf(x->filename, sizeof x->filename, "%s", filename);
    gw_call_hold(call);
    if (pgpool_query(call->gw->pool, sql, n, p, s_on_rows, x) != 0) {
        gw_call_release(call);
        free(x);
        gw_reply_error(call, 503, NULL, "database unavailable", NULL);
    }
}

/* ---- iCalendar ------------------------------------------------------------------------ */

static const char *const SQL_DUTIES =
    "SELECT r.id, to_char(r.duty_date, 'YYYYMMDD'), w.name, w.township, r.status,"
    " to_char(r.updated_at AT TIME ZONE 'UTC', 'YYYYMMDD\"T\"HH24MISS\"Z\"'), r.workroom_id"
    " FROM intake.rota r JOIN core.workrooms w"
    " ON w.district_code = r.district_code AND w.id = r.workroom_id"
    " WHERE r.district_code = $1 AND r.member_id = $2::bigint"
    " AND r.status IN ('published', 'confirmed', 'served', 'absent', 'excused')"
    " ORDER BY r.duty_date, r.id LIMIT 2000";

static void s_vtimezone(textbuf_t *b)
{
    textfmt_ics_line(b, "BEGIN", "VTIMEZONE");
    textfmt_ics_line(b, "TZID", "Asia/Shanghai");
    textfmt_ics_line(b, "BEGIN", "STANDARD");
    textfmt_ics_line(b, "DTSTART", "19700101T000000");
    textfmt_ics_line(b, "TZOFFSETFROM", "+0800");
    textfmt_ics_line(b, "TZOFFSETTO", "+0800");
    textfmt_ics_line(b, "TZNAME", "CST");
    textfmt_ics_line(b, "END", "STANDARD");
    textfmt_ics_line(b, "END", "VTIMEZONE");
}

static void s_vevent(gw_call_t *call, const PGresult *res, int i, textbuf_t *b)
{
    char uid[96], start[32], end[32];
    const char *status = PQgetvalue(res, i, 4);
    textbuf_t t;
    snprintf(uid, sizeof uid, "rota-%s-%s@lianxin", reads_district(call), PQgetvalue(res, i, 0));
    snprintf(start, sizeof start, "%sT090000", PQgetvalue(res, i, 1));
    snprintf(end, sizeof end, "%sT170000", PQgetvalue(res, i, 1));
    textfmt_ics_line(b, "BEGIN", "VEVENT");
    textfmt_ics_line(b, "UID", uid);
    textfmt_ics_line(b, "DTSTAMP", PQgetvalue(res, i, 5));
    textfmt_ics_line(b, "DTSTART;TZID=Asia/Shanghai", start);
    textfmt_ics_line(b, "DTEND;TZID=Asia/Shanghai", end);
    textbuf_init(&t);
    textbuf_puts(&t, "委员接待日值班：");
    textfmt_ics_text(&t, PQgetvalue(res, i, 2));
    textfmt_ics_line(b, "SUMMARY", t.data);
    textbuf_free(&t);
    textbuf_init(&t);
    textfmt_ics_text(&t, PQgetvalue(res, i, 2));
    if (PQgetvalue(res, i, 3)[0]) {
        textbuf_puts(&t, "\\, ");
        textfmt_ics_text(&t, PQgetvalue(res, i, 3));
    }
    textfmt_ics_line(b, "LOCATION", t.data);
    textbuf_free(&t);
    textfmt_ics_line(b, "STATUS", strcmp(status, "excused") == 0     ? "CANCELLED"
                                  : strcmp(status, "published") == 0 ? "TENTATIVE"
                                                                     : "CONFIRMED");
    textfmt_ics_line(b, "END", "VEVENT");
}

static void s_render_ics(gw_call_t *call, const PGresult *res, textbuf_t *b)
{
    textfmt_ics_line(b, "BEGIN", "VCALENDAR");
    textfmt_ics_line(b, "VERSION", "2.0");
    textfmt_ics_line(b, "PRODID", "-//Lianxin//Duty rota//ZH");
    textfmt_ics_line(b, "CALSCALE", "GREGORIAN");
    textfmt_ics_line(b, "METHOD", "PUBLISH");
    textfmt_ics_line(b, "X-WR-CALNAME", "委员接待日值班");
    textfmt_ics_line(b, "X-WR-TIMEZONE", "Asia/Shanghai");
    s_vtimezone(b);
    for (int i = 0; i < PQntuples(res); i++)
        s_vevent(call, res, i, b);
    textfmt_ics_line(b, "END", "VCALENDAR");
}

void exports_duties_ics(gw_call_t *call)
{
    const char *id = router_param(&call->params, "id");
    char own[24];
    snprintf(own, sizeof own, "%lld", (long long) call->who.member_id);
    if ((strcmp(call->who.role, "member") == 0 || strcmp(call->who.role, "feed") == 0) &&
        strcmp(own, id ? id : "") != 0) {
        gw_reply_error(call, 403, NULL, "only your own duties", NULL);
        return;
    }
    const char *p[2] = {reads_district(call), id};
    s_export(call, SQL_DUTIES, 2, p, s_render_ics, "text/calendar; charset=utf-8",
             "duties.ics");
}

/* ---- the public-opinion log ------------------------------------------------------------- */

static int s_date_ok(const char *v)
{
    int64_t us;
    return v == NULL || (strlen(v) == 10 && time_parse(v, &us) == 0);
}

/* The audited export's answer: the CSV intake built, or its error. */
static void s_on_export(const Lianxin__V1__Reply *reply, int err, void *arg)
{
    gw_call_t *call = arg;
    int status;
    if (!gw_call_release(call))
        return;
    if (!reply) {
        gw_reply_error(call, 503, NULL, err == UV_ETIMEDOUT ? "service did not answer in time"
                                                            : "service unavailable", NULL);
        return;
    }
    Lianxin__V1__ExportFile *f = reply->status == 200 && reply->payload_type
        && strcmp(reply->payload_type, "lianxin.v1.ExportFile") == 0
        ? lianxin__v1__export_file__unpack(NULL, reply->payload.len, reply->payload.data) : NULL;
    if (!f) {
        json_t *body = forward_reply_json(reply, &status);
        if (status == 200)
            status = 502;
        gw_reply_json(call, status, body ? body : json_object());
        return;
    }
    char disp[128];
    snprintf(disp, sizeof disp, "attachment; filename=\"%s\"", f->filename ? f->filename : "log.csv");
    const char *h[] = {"Cache-Control", "no-store", "Content-Disposition", disp, NULL};
    http_respond(call->req, 200, "text/csv; charset=utf-8", f->data.data, f->data.len, h);
    lianxin__v1__export_file__free_unpacked(f, NULL);
}

/* ?reveal=visitor: office and admin only, built and audited by intake. */
static void s_export_revealed(gw_call_t *call, const char *from, const char *to)
{
    const char *reveal = query_get(&call->query, "reveal");
    if (strcmp(reveal, "visitor") != 0) {
        gw_reply_bad_field(call, "reveal", "unknown_value");
        return;
    }
    if (strcmp(call->who.role, "office") != 0 && strcmp(call->who.role, "admin") != 0) {
        gw_reply_error(call, 403, NULL, "only office and admin see visitors", NULL);
        return;
    }
    Lianxin__V1__ExportLog msg = LIANXIN__V1__EXPORT_LOG__INIT;
    msg.from = (char *) (from ? from : "");
    msg.to = (char *) (to ? to : "");
    forward_command(call, "intake.ExportLog", &msg.base, s_on_export);
}

void exports_log_csv(gw_call_t *call)
{
    const char *from = query_get(&call->query, "from"), *to = query_get(&call->query, "to");
    char name[64];
    if (!s_date_ok(from) || !s_date_ok(to)) {
        gw_reply_bad_field(call, s_date_ok(from) ? "to" : "from", "invalid");
        return;
    }
    if (query_get(&call->query, "reveal")) {
        s_export_revealed(call, from, to);
        return;
    }
    const char *room = router_param(&call->params, "id");
    snprintf(name, sizeof name, "log-%s-%s.csv", reads_district(call), room);
    csvstream_log(call, reads_district(call), room, from, to, name);
}

/* ---- statistics ------------------------------------------------------------------------- */

static void s_render_stats(gw_call_t *call, const PGresult *res, textbuf_t *b)
{
    static const char *const head[] = {"排名", "名称", "编号", "提交", "录用", "采用", "批示"};
    const char *by = query_get(&call->query, "by");
    textbuf_puts(b, "\xEF\xBB\xBF");
    textfmt_csv_row(b, head, 7);
    for (int i = 0; i < PQntuples(res) && !b->failed; i++) {
        const char *name = PQgetvalue(res, i, 2);
        if (by && strcmp(by, "category") == 0)
            name = textfmt_category_zh(name);
        const char *f[7] = {PQgetvalue(res, i, 0), name, PQgetvalue(res, i, 1),
                            PQgetvalue(res, i, 3), PQgetvalue(res, i, 4), PQgetvalue(res, i, 5),
                            PQgetvalue(res, i, 6)};
        textfmt_csv_row(b, f, 7);
    }
}

void exports_stats_csv(gw_call_t *call)
{
    char from[11], to[11];          /* pgpool_query copies the parameters */
    const char *by;
    if (intake_api_stats_params(call, from, to, &by) != 0)
        return;
    const char *p[4] = {reads_district(call), from, to, by};
    s_export(call, intake_api_stats_sql, 4, p, s_render_stats, "text/csv; charset=utf-8",
             "report-stats.csv");
}
