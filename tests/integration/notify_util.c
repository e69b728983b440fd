/* notify_util: see notify_util.h. */
#include <stdio.h>
#include <stdlib.h>
#include "consult.pb-c.h"
#include "db.h"
#include "notify_util.h"
#include "timeutil.h"
#include "tx.h"

#define S_DAY_US (24LL * 3600 * 1000000)

long long notify_util_invite(harness_t *h, const char *district, long long member,
                             const char *title)
{
    int64_t ids[1] = {member};
    char iso[48], sql[200];
    int y, m, d, rc = -1;
    time_ymd(time_now_us() + 7 * S_DAY_US, &y, &m, &d);
    snprintf(iso, sizeof iso, "%04d-%02d-%02dT09:00:00+08:00", y, m, d);
    Lianxin__V1__ConsultationChanged c = LIANXIN__V1__CONSULTATION_CHANGED__INIT;
    c.consultation_id = 600 + member;
    c.event = "scheduled";
    c.title = (char *) title;
    c.starts_at = iso;
    c.member_ids = ids;
    c.n_member_ids = 1;
    db_t *db = db_new(harness_dsn(h));
    tx_t *tx = tx_new("consult");
    if (db && tx && tx_begin(tx, db) == 0)
        rc = tx_event(tx, district, "consultation.scheduled", NULL, &c.base) == 0
                 ? tx_commit(tx) : (tx_rollback(tx), -1);
    tx_destroy(&tx);
    db_destroy(&db);
    if (rc != 0)
        return -1;
    snprintf(sql, sizeof sql, "SELECT max(seq) FROM bus.events WHERE district_code = $1"
             " AND producer = 'consult'");
    const char *p[1] = {district};
    PGresult *r = harness_sql(h, sql, 1, p);
    long long seq = r && PQntuples(r) == 1 ? atoll(PQgetvalue(r, 0, 0)) : -1;
    if (r)
        PQclear(r);
    return seq;
}

int notify_util_channels(harness_t *h, int smtp_port, int sms_port)
{
    char v[128];
    int rc = 0;
    if (smtp_port) {
        snprintf(v, sizeof v, "smtp://127.0.0.1:%d", smtp_port);
        rc |= harness_set(h, "notify.smtp_url", v);
        rc |= harness_set(h, "notify.smtp_from", "lianxin@example.org");
    }
    if (sms_port) {
        snprintf(v, sizeof v, "http://127.0.0.1:%d/sms", sms_port);
        rc |= harness_set(h, "notify.sms_url", v);
        rc |= harness_set(h, "notify.sms_token", "t0ken");
    }
    rc |= harness_set(h, "notify.retry_max", "3");
    rc |= harness_set(h, "notify.retry_base_ms", "100");
    rc |= harness_set(h, "notify.retry_cap_ms", "400");
    rc |= harness_set(h, "notify.deliver_poll_ms", "50");
    return rc ? -1 : 0;
}
