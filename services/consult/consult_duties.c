/* consult_duties: see consult_duties.h. Never logs personal data. */
#include <stdio.h>
#include "consult_duties.h"
#include "db.h"
#include "log.h"
#include "rota.pb-c.h"

static int s_put(tx_t *tx, const Lianxin__V1__Event *ev, int64_t rota, int64_t room,
                 const char *date, int64_t member, const char *status)
{
    char r[24], w[24], m[24];
    const char *q[6] = {ev->district, db_num(r, rota), db_num(m, member), db_num(w, room),
                        date, status};
    if (rota <= 0 || member <= 0 || !date || !*date)
        return 0;
    if (db_run(tx_db(tx), "INSERT INTO consult.duties VALUES ($1, $2::bigint, $3::bigint,"
                          " $4::bigint, $5::date, $6) ON CONFLICT (district_code, rota_id) DO"
                          " UPDATE SET member_id = EXCLUDED.member_id, workroom_id ="
                          " EXCLUDED.workroom_id, duty_date = EXCLUDED.duty_date,"
                          " status = EXCLUDED.status", 6, q) != 0) {
        log_warn("duty copy failed", "district=%s seq=%lld sqlstate=%s", ev->district,
                 (long long) ev->seq, db_sqlstate(tx_db(tx)));
        return -1;
    }
    return 0;
}

int consult_duties_published(tx_t *tx, const Lianxin__V1__Event *ev, const ProtobufCMessage *msg,
                             void *app)
{
    const Lianxin__V1__RotaPublished *m = (const Lianxin__V1__RotaPublished *) msg;
    (void) app;
    for (size_t i = 0; i < m->n_entries; i++) {
        const Lianxin__V1__RotaEntry *e = m->entries[i];
        if (s_put(tx, ev, e->id, e->workroom_id, e->duty_date, e->member_id,
                  e->status && *e->status ? e->status : "published") != 0)
            return -1;
    }
    return 0;
}

int consult_duties_changed(tx_t *tx, const Lianxin__V1__Event *ev, const ProtobufCMessage *msg,
                           void *app)
{
    const Lianxin__V1__RotaChanged *m = (const Lianxin__V1__RotaChanged *) msg;
    (void) app;
    return s_put(tx, ev, m->rota_id, m->workroom_id, m->duty_date, m->member_id,
                 m->status && *m->status ? m->status : "published");
}

int consult_duties_absent(tx_t *tx, const Lianxin__V1__Event *ev, const ProtobufCMessage *msg,
                          void *app)
{
    const Lianxin__V1__RotaAbsent *m = (const Lianxin__V1__RotaAbsent *) msg;
    (void) app;
    return s_put(tx, ev, m->rota_id, m->workroom_id, m->duty_date, m->member_id, "absent");
}
