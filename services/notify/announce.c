/* announce: see announce.h. validate on the loop (no I/O), execute on the
 * worker inside the command batch. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "announce.h"
#include "db.h"
#include "deliveries.h"
#include "dispatch.h"
#include "notify.pb-c.h"
#include "textfmt.h"
#include "tmpl.h"

/* The recipients of an audience ($2 audience, $3 group id, $4 listed ids),
 * ordered, then the announcement row; nothing when the group is empty. */
static const char *s_insert_sql =
    "WITH r AS (SELECT CASE WHEN $2 = 'units' THEN 'unit' ELSE 'member' END AS kind,"
    "  CASE WHEN $2 = 'units' THEN ARRAY(SELECT id FROM core.units WHERE district_code = $1"
    "   ORDER BY id)"
    "  ELSE ARRAY(SELECT id FROM core.members WHERE district_code = $1 AND CASE $2"
    "   WHEN 'members' THEN active WHEN 'sector' THEN active AND sector_id = $3::bigint"
    "   WHEN 'liaison_group' THEN active AND liaison_group_id = $3::bigint"
    "   ELSE id = ANY($4::bigint[]) END ORDER BY id) END AS ids)"
    " INSERT INTO notify.announcements (district_code, id, title, body, audience, group_id,"
    "  recipient_kind, recipient_ids, sent_by, created_at)"
    " SELECT $1, nextval('notify.announcement_ids'), $5, $6, $2, $3::bigint, r.kind, r.ids,"
    "  $7::bigint, core.clock_now() FROM r"
    " WHERE cardinality(r.ids) BETWEEN 1 AND $8::int"
    " RETURNING id, recipient_kind, recipient_ids::text, cardinality(recipient_ids)";

/* The inbox items of one posting: $5 the recipients, by ANNOUNCE_CHUNK;
 * source_seq = $3 (the posting: 0 sent, n the n-th reminder) * 1000 + chunk. */
static const char *s_items_sql =
    "INSERT INTO notify.items (district_code, id, recipient_kind, recipient_ids, kind, title,"
    "  body, object_type, object_id, source_producer, source_seq, created_at)"
    " SELECT $1, nextval('notify.inbox_ids'), $4, c.ids, $6, $7, $8, 'announcement', $2,"
    "  'announce:' || $2, $3::bigint * 1000 + c.chunk, core.clock_now()"
    " FROM (SELECT (n - 1) / $9::int + 1 AS chunk, array_agg(rid ORDER BY n) AS ids"
    "       FROM unnest($5::bigint[]) WITH ORDINALITY AS u(rid, n) GROUP BY 1) c"
    " ORDER BY c.chunk RETURNING source_seq, recipient_ids::text";

/* The recipients of announcement $2 who have read none of its items. */
static const char *s_unread_sql =
    "SELECT a.title, a.recipient_kind, a.reminders, coalesce((SELECT array_agg(rid ORDER BY rid)"
    "  FROM unnest(a.recipient_ids) AS rid WHERE NOT EXISTS (SELECT 1 FROM notify.items i"
    "  JOIN notify.reads x ON x.district_code = i.district_code AND x.item_id = i.id"
    "  WHERE i.district_code = a.district_code AND i.source_producer = 'announce:' || a.id"
    "  AND x.reader_kind = a.recipient_kind AND x.reader_id = rid)), '{}')::text,"
    "  a.body FROM notify.announcements a WHERE a.district_code = $1 AND a.id = $2::bigint"
    " FOR UPDATE";

int announce_check(const char *title, const char *body, const char *audience, int64_t group_id,
                   const int64_t *ids, size_t nids, cmd_result_t *res)
{
    int bad = 0;
    static const char *const audiences[] = {"members", "sector", "liaison_group", "units",
                                            "list"};
    int a = -1;
    for (int i = 0; audience && i < 5; i++)
        if (strcmp(audience, audiences[i]) == 0)
            a = i;
    if (!textfmt_has_text(title))
        bad = cmd_field_error(res, "title", "required");
    else if (tmpl_utf8_chars(title) > ANNOUNCE_TITLE_MAX)
        bad = cmd_field_error(res, "title", "too_long");
    if (!textfmt_has_text(body))
        bad = cmd_field_error(res, "body", "required");
    else if (tmpl_utf8_chars(body) > ANNOUNCE_BODY_MAX)
        bad = cmd_field_error(res, "body", "too_long");
    if (a < 0)
        bad = cmd_field_error(res, "audience", "unknown_value");
    if ((a == 1 || a == 2) && group_id <= 0)
        bad = cmd_field_error(res, "group_id", "required");
    if (a == 4 && nids == 0)
        bad = cmd_field_error(res, "member_ids", "required");
    if (nids > ANNOUNCE_LIST_MAX)
        bad = cmd_field_error(res, "member_ids", "too_many");
    for (size_t i = 0; i < nids && i <= ANNOUNCE_LIST_MAX && bad == 0; i++)
        if (ids[i] <= 0)
            bad = cmd_field_error(res, "member_ids", "invalid");
    if (a != 4 && nids > 0)
        bad = cmd_field_error(res, "member_ids", "not_allowed");
    return bad;
}

int announce_send_validate(const cmd_ctx_t *ctx, cmd_result_t *res)
{
    const Lianxin__V1__SendAnnouncement *m = (const Lianxin__V1__SendAnnouncement *) ctx->req;
    if (!ctx->cmd->actor || ctx->cmd->actor->user_id <= 0)
        return cmd_fail(res, 403, "forbidden", "not allowed");
    return announce_check(m->title, m->body, m->audience, m->group_id, m->member_ids,
                          m->n_member_ids, res);
}

/* Items and deliveries of one posting to `ids` (array text). 0 or -1. */
static int s_post(tx_t *tx, const cmd_ctx_t *ctx, const char *id, int posting, const char *kind,
                  const char *ids, const char *title, const char *body, const char *item_kind)
{
    const dispatch_t *d = ctx->app;
    char seq[16], chunk[8], subject[200], sms[200], producer[40];
    snprintf(seq, sizeof seq, "%d", posting);
    snprintf(chunk, sizeof chunk, "%d", ANNOUNCE_CHUNK);
    snprintf(producer, sizeof producer, "announce:%s", id);
    snprintf(subject, sizeof subject, "【政协连心】%s%s", posting ? "提醒：" : "通知公告：", title);
    snprintf(sms, sizeof sms, "【政协连心】%s%s，请登录查看。", posting ? "提醒阅读通知公告：" : "通知公告：",
             title);
    const char *p[9] = {ctx->cmd->district, id, seq, kind, ids, item_kind, title, body, chunk};
    PGresult *r = db_exec(tx_db(tx), s_items_sql, 9, p);
    if (!r)
        return -1;
    int rc = 0;
    for (int i = 0; i < PQntuples(r) && rc == 0; i++) {
        Lianxin__V1__Event ev = LIANXIN__V1__EVENT__INIT;
        ev.district = (char *) ctx->cmd->district;
        ev.producer = producer;
        ev.seq = atoll(PQgetvalue(r, i, 0));
        const char *chunk_ids = PQgetvalue(r, i, 1);
        if (d && (d->enabled & RULES_CH_EMAIL))
            rc = deliveries_enqueue(tx, &ev, "email", kind, chunk_ids, subject, body);
        if (rc == 0 && d && (d->enabled & RULES_CH_SMS))
            rc = deliveries_enqueue(tx, &ev, "sms", kind, chunk_ids, NULL, sms);
    }
    PQclear(r);
    return rc;
}

int announce_send_execute(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res)
{
    const Lianxin__V1__SendAnnouncement *m = (const Lianxin__V1__SendAnnouncement *) ctx->req;
    Lianxin__V1__AnnouncementRef ref = LIANXIN__V1__ANNOUNCEMENT_REF__INIT;
    char gid[24], uid[24], max[16];
    char *list = db_ids_text(m->member_ids, m->n_member_ids);
    if (!list)
        return cmd_fail(res, 500, "internal", "memory");
    db_num(gid, m->group_id);
    db_num(uid, ctx->cmd->actor->user_id);
    snprintf(max, sizeof max, "%d", ANNOUNCE_RECIPIENTS_MAX);
    const char *p[8] = {ctx->cmd->district, m->audience, gid, list, m->title, m->body, uid, max};
    PGresult *r = db_exec(tx_db(tx), s_insert_sql, 8, p);
    free(list);
    if (!r)
        return cmd_db_fail(tx, res, "announce");
    if (PQntuples(r) != 1) {
        PQclear(r);
        return cmd_fail(res, 422, "no_recipients", "所选范围内没有接收人，或接收人超过上限");
    }
    char id[24], kind[16];
    snprintf(id, sizeof id, "%s", PQgetvalue(r, 0, 0));
    snprintf(kind, sizeof kind, "%s", PQgetvalue(r, 0, 1));
    ref.id = atoll(id);
    ref.recipients = atoi(PQgetvalue(r, 0, 3));
    int rc = s_post(tx, ctx, id, 0, kind, PQgetvalue(r, 0, 2), m->title, m->body,
                    "announcement");
    PQclear(r);
    if (rc != 0)
        return cmd_db_fail(tx, res, "announce");
    if (cmd_record(tx, ctx, res, NULL, ctx->req, "notify.announce", "announcement", ref.id) != 0)
        return -1;
    return cmd_ok(res, 200, &ref.base) ? cmd_fail(res, 500, "internal", "reply") : 0;
}

int announce_remind_validate(const cmd_ctx_t *ctx, cmd_result_t *res)
{
    int64_t id;
    if (cmd_object_id(ctx, &id) != 0)
        return cmd_fail(res, 404, "not_found", "没有这条通知公告");
    return 0;
}

int announce_remind_execute(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res)
{
    Lianxin__V1__AnnouncementRef ref = LIANXIN__V1__ANNOUNCEMENT_REF__INIT;
    const char *p[2] = {ctx->cmd->district, ctx->cmd->object_id};
    int64_t id;
    if (cmd_object_id(ctx, &id) != 0)
        return cmd_fail(res, 404, "not_found", "没有这条通知公告");
    PGresult *r = db_exec(tx_db(tx), s_unread_sql, 2, p);
    if (!r)
        return cmd_db_fail(tx, res, "remind");
    if (PQntuples(r) != 1) {
        PQclear(r);
        return cmd_fail(res, 404, "not_found", "没有这条通知公告");
    }
    int posting = atoi(PQgetvalue(r, 0, 2)) + 1;
    const char *unread = PQgetvalue(r, 0, 3);
    int rc = 0;
    if (strcmp(unread, "{}") == 0)
        rc = cmd_fail(res, 409, "all_read", "所有接收人均已阅读，无需提醒");
    else if (posting > ANNOUNCE_REMINDERS_MAX)
        rc = cmd_fail(res, 409, "too_many_reminders", "提醒次数已达上限");
    else if (s_post(tx, ctx, ctx->cmd->object_id, posting, PQgetvalue(r, 0, 1), unread,
                    PQgetvalue(r, 0, 0), PQgetvalue(r, 0, 4), "announcement.reminder") != 0)
        rc = cmd_db_fail(tx, res, "remind");
    else {
        ref.id = id;
        ref.recipients = 1;
        for (const char *c = unread; *c; c++)
            ref.recipients += *c == ',';
    }
    PQclear(r);
    if (rc != 0)
        return -1;
    ref.reminded = ref.recipients;
    char n[16];
    snprintf(n, sizeof n, "%d", posting);
    const char *q[3] = {ctx->cmd->district, ctx->cmd->object_id, n};
    if (db_run(tx_db(tx), "UPDATE notify.announcements SET reminders = $3::int,"
               " reminded_at = core.clock_now() WHERE district_code = $1 AND id = $2::bigint",
               3, q) != 0)
        return cmd_db_fail(tx, res, "remind");
    if (cmd_record(tx, ctx, res, NULL, &ref.base, "notify.announce_remind", "announcement",
                   id) != 0)
        return -1;
    return cmd_ok(res, 200, &ref.base) ? cmd_fail(res, 500, "internal", "reply") : 0;
}
