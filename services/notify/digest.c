/* digest: see digest.h. Runs on the worker inside the timers' transaction. */
#include <stdio.h>
#include <stdlib.h>
#include "db.h"
#include "digest.h"
#include "dispatch.h"
#include "log.h"
#include "timeutil.h"

#define S_LOCAL_US (8LL * 3600 * 1000000)      /* UTC+8 */
#define S_DAY_US (24LL * 3600 * 1000000)

/* $1 district, $2 the cutoff (us), $3 the date, $4 subject, $5 opening,
 * $6 closing, $7 the "more" line (%s: how many), $8 the list's bound, $9
 * the characters of each item's text (the e-mail stays within the
 * sender's 64 KiB).
 * One digest per recipient with waiting rows before the cutoff; the rows
 * marked only when their digest was inserted (a second run of the day finds
 * the key and marks nothing). */
static const char *s_sql =
    "WITH w AS (SELECT d.id, d.recipient_kind, d.recipient_id, d.address, d.subject, d.body,"
    "   row_number() OVER (PARTITION BY d.recipient_kind, d.recipient_id ORDER BY d.id) AS rn"
    "   FROM notify.deliveries d WHERE d.district_code = $1 AND d.status = 'digest'"
    "   AND d.digest_id IS NULL"
    "   AND d.created_at < 'epoch'::timestamptz + $2::bigint * interval '1 microsecond'),"
    " g AS (SELECT recipient_kind, recipient_id, count(*) AS n,"
    "   (array_agg(address ORDER BY id DESC))[1] AS address, array_agg(id) AS ids,"
    "   string_agg(rn || '. ' || subject || E'\\n' || left(body, $9::int), E'\\n\\n' ORDER BY id)"
    "     FILTER (WHERE rn <= $8::int) AS list"
    "   FROM w GROUP BY recipient_kind, recipient_id),"
    " ins AS (INSERT INTO notify.deliveries (district_code, id, item_id, channel,"
    "   recipient_kind, recipient_id, address, idem_key, subject, body, status, next_at,"
    "   created_at)"
    "   SELECT $1, nextval('notify.delivery_ids'), NULL, 'email', g.recipient_kind,"
    "   g.recipient_id, g.address, concat_ws('/', $1::text, 'digest', $3::text, 'email', g.recipient_kind,"
    "   g.recipient_id), $4, format($5, g.n) || E'\\n\\n' || g.list"
    "   || CASE WHEN g.n > $8::int THEN E'\\n\\n' || format($7, g.n - $8::int) ELSE '' END"
    "   || E'\\n\\n' || $6, 'pending', core.clock_now(), core.clock_now() FROM g"
    "   ON CONFLICT (idem_key) DO NOTHING RETURNING id, recipient_kind, recipient_id)"
    " UPDATE notify.deliveries d SET digest_id = ins.id FROM ins JOIN g"
    "  ON g.recipient_kind = ins.recipient_kind AND g.recipient_id = ins.recipient_id"
    " WHERE d.district_code = $1 AND d.id = ANY(g.ids)";

int digest_config(const config_t *cfg, digest_cfg_t *out)
{
    long long h = config_get_int(cfg, "notify.digest_hour", 18);
    if (h < 0 || h > 23) {
        log_error("notify delivery config refused", "keys=notify.digest_hour");
        return -1;
    }
    out->hour = (int) h;
    return 0;
}

int64_t digest_due(int hour, int64_t now_us, char date[11])
{
    int64_t local = now_us + S_LOCAL_US;
    int64_t at = local - local % S_DAY_US + hour * 3600LL * 1000000 - S_LOCAL_US;
    if (now_us < at)
        return 0;
    time_date(at, date, 11);
    return at;
}

int digest_every(tx_t *tx, const char *district, void *app)
{
    const dispatch_t *d = app;
    char date[11], cut[24], max[8], body[8], subject[96];
    int64_t at = digest_due(d->digest.hour, time_now_us(), date);
    int y, m, day;
    if (at == 0)
        return 0;
    time_ymd(at, &y, &m, &day);
    snprintf(cut, sizeof cut, "%lld", (long long) at);
    snprintf(max, sizeof max, "%d", DIGEST_LIST_MAX);
    snprintf(subject, sizeof subject, "【政协连心】每日通知摘要（%d月%d日）", m, day);
    snprintf(body, sizeof body, "%d", DIGEST_BODY_CHARS);
    const char *p[9] = {district, cut, date, subject, "您好！以下是您的 %s 条通知：",
                        "详情请登录政协连心查看。", "另有 %s 条通知未列出，请登录查看。", max, body};
    PGresult *r = db_exec(tx_db(tx), s_sql, 9, p);
    if (!r) {
        log_warn("digest failed", "district=%s sqlstate=%s", district, db_sqlstate(tx_db(tx)));
        return -1;
    }
    if (atoi(PQcmdTuples(r)) > 0)
        log_info("digest gathered", "district=%s date=%s rows=%s", district, date,
                 PQcmdTuples(r));
    PQclear(r);
    return 0;
}
