/* items: see items.h. */
#include <stdio.h>
#include "db.h"
#include "items.h"
#include "log.h"

static const char *s_sql =
    "INSERT INTO notify.items (district_code, id, recipient_kind, recipient_ids, kind,"
    "  title, body, object_type, object_id, source_producer, source_seq, created_at)"
    " VALUES ($1, nextval('notify.inbox_ids'), $3, $2::bigint[], $4, $5, $6, $7, $8, $9,"
    "  $10::bigint, core.clock_now())"
    " ON CONFLICT (district_code, source_producer, source_seq, recipient_kind) DO NOTHING";

int items_insert(tx_t *tx, const Lianxin__V1__Event *ev, const char *rkind, const char *ids,
                 const char *kind, const char *title, const char *body, const char *otype,
                 long long oid)
{
    char seq[24], obj[24];
    db_num(seq, (long long) ev->seq);
    db_num(obj, oid);
    const char *p[10] = {ev->district, ids, rkind, kind, title, body, otype, obj, ev->producer,
                         seq};
    if (db_run(tx_db(tx), s_sql, 10, p) != 0) {
        log_warn("inbox insert failed", "district=%s producer=%s seq=%lld type=%s sqlstate=%s",
                 ev->district, ev->producer, (long long) ev->seq, ev->type,
                 db_sqlstate(tx_db(tx)));
        return -1;
    }
    return 0;
}
