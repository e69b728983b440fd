/* deliveries: see deliveries.h. */
#include <stdio.h>
#include "db.h"
#include "deliveries.h"
#include "log.h"

static const char *s_sql =
    "INSERT INTO notify.deliveries (district_code, id, item_id, channel, recipient_kind,"
    "  recipient_id, address, idem_key, subject, body, status, next_at, created_at)"
    " SELECT $1, nextval('notify.delivery_ids'), it.id, $2, $3, c.recipient_id,"
    "  CASE WHEN $2 = 'email' THEN c.email ELSE c.phone END,"
    "  concat_ws('/', $1, $4::text, $5::text, $2, $3, c.recipient_id), $7, $8,"
    "  CASE WHEN $2 = 'email' AND coalesce(p.digest, false) THEN 'digest' ELSE 'pending' END,"
    "  core.clock_now(), core.clock_now()"
    " FROM notify.contacts c"
    " JOIN notify.items it ON it.district_code = $1 AND it.source_producer = $4"
    "  AND it.source_seq = $5::bigint AND it.recipient_kind = $3"
    " LEFT JOIN notify.preferences p ON p.district_code = $1 AND p.recipient_kind = $3"
    "  AND p.recipient_id = c.recipient_id"
    " WHERE c.district_code = $1 AND c.recipient_kind = $3 AND c.partner = ''"
    "  AND c.recipient_id = ANY($6::bigint[])"
    "  AND (CASE WHEN $2 = 'email' THEN c.email ELSE c.phone END) IS NOT NULL"
    "  AND (p.channels IS NULL OR $2 = ANY(p.channels))"
    " ORDER BY c.recipient_id"
    " ON CONFLICT (idem_key) DO NOTHING";

int deliveries_enqueue(tx_t *tx, const Lianxin__V1__Event *ev, const char *channel,
                       const char *rkind, const char *ids, const char *subject,
                       const char *body)
{
    char seq[24];
    db_num(seq, (long long) ev->seq);
    const char *p[8] = {ev->district, channel, rkind, ev->producer, seq, ids,
                        subject ? subject : "", body};
    if (db_run(tx_db(tx), s_sql, 8, p) != 0) {
        log_warn("delivery record failed", "district=%s producer=%s seq=%lld channel=%s"
                 " sqlstate=%s", ev->district, ev->producer, (long long) ev->seq, channel,
                 db_sqlstate(tx_db(tx)));
        return -1;
    }
    return 0;
}

int deliveries_webhook(tx_t *tx, const Lianxin__V1__Event *ev, const char *partner,
                       const char *body)
{
    char seq[24];
    db_num(seq, (long long) ev->seq);
    const char *p[5] = {ev->district, partner, ev->producer, seq, body};
    if (db_run(tx_db(tx),
               "INSERT INTO notify.deliveries (district_code, id, channel, recipient_kind,"
               "  recipient_id, address, idem_key, body, next_at, created_at)"
               " VALUES ($1::text, nextval('notify.delivery_ids'), 'webhook', 'partner', 0,"
               "  $2::text, concat_ws('/', $1::text, $3::text, $4::text, 'webhook', 'partner',"
               "  $2::text), $5::text,"
               "  core.clock_now(), core.clock_now())"
               " ON CONFLICT (idem_key) DO NOTHING", 5, p) != 0) {
        log_warn("delivery record failed", "district=%s producer=%s seq=%lld channel=webhook"
                 " sqlstate=%s", ev->district, ev->producer, (long long) ev->seq,
                 db_sqlstate(tx_db(tx)));
        return -1;
    }
    return 0;
}
