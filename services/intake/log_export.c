/* log_export: intake.ExportLog, the room's public-opinion log as CSV with
 * the visitors in clear, for office and admin. Intake builds it because it
 * holds the key; the export is one audit row (who, which room, which
 * period, how many visits) in the same transaction. Bounded so the reply
 * fits a command: at most EXPORT_MAX_ROWS visits and EXPORT_MAX_BYTES. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "intake_app.h"
#include "textfmt.h"
#include "visit_edit.h"
#include "visit_edit.pb-c.h"
#include "visit_rules.h"
#include "visit_seal.h"

#define EXPORT_MAX_ROWS 4000
#define EXPORT_MAX_BYTES (900 * 1024)

static const char *const SQL_EXPORT =
    "SELECT v.id, to_char(v.received_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI'),"
    " v.kind, coalesce((SELECT string_agg(m.name, '、' ORDER BY u.ord) FROM"
    "   unnest(v.member_ids) WITH ORDINALITY u(mid, ord) JOIN core.members m"
    "   ON m.district_code = v.district_code AND m.id = u.mid), ''),"
    " v.visitor_name, v.visitor_phone, v.summary, v.category, v.location,"
    " v.on_spot_action, v.promised,"
    " coalesce((SELECT string_agg(i.grade::text, '/' ORDER BY i.id) FROM intake.issues i"
    "   WHERE i.district_code = v.district_code AND i.visit_id = v.id), '')"
    " , v.location_sealed"
    " FROM intake.visits v WHERE v.district_code = $1 AND v.workroom_id = $2::bigint"
    " AND ($3::text IS NULL OR v.received_at >= ($3::date)::timestamp AT TIME ZONE 'Asia/Shanghai')"
    " AND ($4::text IS NULL OR v.received_at < ($4::date + 1)::timestamp AT TIME ZONE"
    " 'Asia/Shanghai') ORDER BY v.received_at, v.id LIMIT 4001";

/* One CSV record with the visitor and a sealed location opened. 0 or -1
 * (does not open). */
static int s_row(const cmd_ctx_t *ctx, const PGresult *r, int i, textbuf_t *b)
{
    char name[VISIT_MAX_NAME * 4 + 1], phone[VISIT_MAX_PHONE + 1];
    char loc[VISIT_MAX_LOCATION * 4 + 1];
    const char *f[TEXTFMT_LOG_FIELDS], *d = ctx->cmd->district, *id = PQgetvalue(r, i, 0);
    int bad = visit_seal_open(r, i, 4, SEALCOL_VISIT_NAME, d, id, name, sizeof name);
    bad |= visit_seal_open(r, i, 5, SEALCOL_VISIT_PHONE, d, id, phone, sizeof phone);
    bad |= visit_seal_open(r, i, TEXTFMT_LOG_FIELDS, SEALCOL_VISIT_LOCATION, d, id, loc,
                           sizeof loc);
    for (int k = 0; k < TEXTFMT_LOG_FIELDS; k++)
        f[k] = PQgetvalue(r, i, k);
    f[4] = name;
    f[5] = phone;
    if (!PQgetisnull(r, i, TEXTFMT_LOG_FIELDS))
        f[8] = loc;
    if (!bad)
        textfmt_log_row(b, f);
    memset(name, 0, sizeof name);
    memset(phone, 0, sizeof phone);
    memset(loc, 0, sizeof loc);
    return bad ? -1 : 0;
}

static int s_dates(const Lianxin__V1__ExportLog *req, cmd_result_t *res)
{
    calendar_day_t d;
    if (req->from && *req->from && calendar_day_parse(req->from, &d) != 0)
        return cmd_field_error(res, "from", "invalid");
    if (req->to && *req->to && calendar_day_parse(req->to, &d) != 0)
        return cmd_field_error(res, "to", "invalid");
    return 0;
}

static int s_reply(tx_t *tx, const cmd_ctx_t *ctx, int64_t room, const textbuf_t *b, int rows,
                   cmd_result_t *res)
{
    const Lianxin__V1__ExportLog *req = (const Lianxin__V1__ExportLog *) ctx->req;
    Lianxin__V1__ExportLog audit = LIANXIN__V1__EXPORT_LOG__INIT;
    Lianxin__V1__ExportFile out = LIANXIN__V1__EXPORT_FILE__INIT;
    char filename[64];
    audit.from = req->from;
    audit.to = req->to;
    if (cmd_record(tx, ctx, res, NULL, &audit.base, "visit.export_revealed", "workroom", room))
        return -1;
    snprintf(filename, sizeof filename, "log-%s-%lld.csv", ctx->cmd->district, (long long) room);
    out.filename = filename;
    out.data.data = (uint8_t *) b->data;
    out.data.len = b->len;
    out.rows = rows;
    return cmd_ok(res, 200, &out.base);
}

int log_export_execute(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res)
{
    const Lianxin__V1__ExportLog *req = (const Lianxin__V1__ExportLog *) ctx->req;
    int64_t room;
    char rid[24];
    if (cmd_object_id(ctx, &room) != 0)
        return cmd_fail(res, 404, "not_found", "no such work room");
    if (s_dates(req, res) != 0)
        return -1;
    const char *p[4] = {ctx->cmd->district, db_num(rid, room),
                        req->from && *req->from ? req->from : NULL,
                        req->to && *req->to ? req->to : NULL};
    PGresult *r = db_exec(tx_db(tx), SQL_EXPORT, 4, p);
    if (!r)
        return cmd_db_fail(tx, res, "log.export");
    int n = PQntuples(r), rc = 0;
    if (n > EXPORT_MAX_ROWS) {
        PQclear(r);
        cmd_fail(res, 422, "unprocessable", "too many visits: narrow from and to");
        return cmd_field_error(res, "to", "too_many");
    }
    textbuf_t b;
    textbuf_init(&b);
    textfmt_log_header(&b);
    for (int i = 0; rc == 0 && i < n; i++)
        rc = s_row(ctx, r, i, &b);
    PQclear(r);
    if (rc != 0 || b.failed)
        rc = cmd_fail(res, 500, "internal", "visitor data cannot be opened");
    else if (b.len > EXPORT_MAX_BYTES)
        rc = cmd_fail(res, 422, "unprocessable", "export too large: narrow from and to");
    else
        rc = s_reply(tx, ctx, room, &b, n, res);
    if (b.data)
        memset(b.data, 0, b.len);
    textbuf_free(&b);
    return rc;
}
