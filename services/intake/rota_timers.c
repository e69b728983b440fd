/* rota_timers: see rota_timers.h. The row's keys are the room and the duty
 * day; business time is the transaction's (tx_now_us, core.clock_now()).
 * Logs nothing: the timers module logs districts and counts. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "intake_app.h"
#include "rota.pb-c.h"
#include "rota_timers.h"
#include "timeutil.h"

#define ROTA_TIMERS_MEMBERS_MAX 64

/* 1 when the duty day has begun (UTC+8) at the transaction's time. */
static int s_stale(const tx_t *tx, const char *date)
{
    int64_t start = 0;
    return time_parse(date, &start) == 0 && tx_now_us(tx) >= start;
}

int rota_timers_duty_upcoming(tx_t *tx, const timers_row_t *row, void *app)
{
    (void) app;
    int64_t members[ROTA_TIMERS_MEMBERS_MAX];
    const char *d = row->district, *room = row->keys[0], *date = row->keys[1];
    const char *p[3] = {d, room, date};
    PGresult *r = db_exec(tx_db(tx),
        "SELECT w.name, coalesce(array_agg(r.member_id ORDER BY r.member_id)"
        "   FILTER (WHERE r.member_id IS NOT NULL), '{}')"
        " FROM core.workrooms w LEFT JOIN intake.rota r ON r.district_code = w.district_code"
        "   AND r.workroom_id = w.id AND r.duty_date = $3::date"
        "   AND r.status IN ('published', 'confirmed')"
        " WHERE w.district_code = $1 AND w.id = $2::bigint GROUP BY w.name", 3, p);
    if (!r)
        return -1;
    size_t n = PQntuples(r) ? db_parse_ids(PQgetvalue(r, 0, 1), members,
                                               ROTA_TIMERS_MEMBERS_MAX) : 0;
    int rc = 0;
    if (n > 0 && !s_stale(tx, date)) {
        Lianxin__V1__DutyUpcoming ev = LIANXIN__V1__DUTY_UPCOMING__INIT;
        Lianxin__V1__Actor actor = timers_actor(d);
        ev.workroom_id = strtoll(room, NULL, 10);
        ev.workroom_name = PQgetvalue(r, 0, 0);
        ev.duty_date = (char *) date;
        ev.n_member_ids = n;
        ev.member_ids = members;
        rc = tx_event(tx, d, "duty.upcoming", &actor, &ev.base);
    }
    PQclear(r);
    return rc;
}

/* Members of the room's duty that day who took part in a visit of the room
 * that day served; the others still published or confirmed are absent. */
#define S_DUTY_ROWS "r.district_code = $1 AND r.workroom_id = $2::bigint" \
                    " AND r.duty_date = $3::date AND r.status IN ('published', 'confirmed')"

static const char *const s_absent_sql =
    "WITH served AS (UPDATE intake.rota r SET status = 'served', updated_at = core.clock_now()"
    "  WHERE " S_DUTY_ROWS " AND EXISTS (SELECT 1 FROM intake.visits v"
    "   WHERE v.district_code = r.district_code AND v.workroom_id = r.workroom_id"
    "   AND r.member_id = ANY (v.member_ids)"
    "   AND v.received_at >= ($3::date)::timestamp AT TIME ZONE 'Asia/Shanghai'"
    "   AND v.received_at < ($3::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai')"
    "  RETURNING r.id, r.member_id),"
    " absent AS (UPDATE intake.rota r SET status = 'absent', updated_at = core.clock_now()"
    "  WHERE " S_DUTY_ROWS " AND r.id NOT IN (SELECT id FROM served) RETURNING r.id, r.member_id)"
    " SELECT id, member_id, 'absent' FROM absent UNION ALL SELECT id, member_id, 'served' FROM served";

/* rota.changed (served) for a duty the check found served: the member files
 * count duties served from it, as they do the office's own marking. */
static int s_served(tx_t *tx, const char *d, const Lianxin__V1__Actor *actor,
                    const Lianxin__V1__RotaAbsent *row)
{
    Lianxin__V1__RotaChanged ev = LIANXIN__V1__ROTA_CHANGED__INIT;
    ev.rota_id = row->rota_id;
    ev.workroom_id = row->workroom_id;
    ev.duty_date = row->duty_date;
    ev.member_id = row->member_id;
    ev.status = "served";
    ev.change = "served";
    return tx_event(tx, d, "rota.changed", actor, &ev.base);
}

int rota_timers_absent_check(tx_t *tx, const timers_row_t *row, void *app)
{
    (void) app;
    const char *d = row->district, *room = row->keys[0], *date = row->keys[1];
    const char *p[3] = {d, room, date};
    PGresult *r = db_exec(tx_db(tx), s_absent_sql, 3, p);
    if (!r)
        return -1;
    int rc = 0;
    Lianxin__V1__Actor actor = timers_actor(d);
    for (int i = 0; rc == 0 && i < PQntuples(r); i++) {
        Lianxin__V1__RotaAbsent ev = LIANXIN__V1__ROTA_ABSENT__INIT;
        const char *id = PQgetvalue(r, i, 0);
        ev.rota_id = strtoll(id, NULL, 10);
        ev.workroom_id = strtoll(room, NULL, 10);
        ev.duty_date = (char *) date;
        ev.member_id = strtoll(PQgetvalue(r, i, 1), NULL, 10);
        if (strcmp(PQgetvalue(r, i, 2), "served") == 0) {
            rc = s_served(tx, d, &actor, &ev);
            continue;
        }
        rc = tx_event(tx, d, "rota.absent", &actor, &ev.base);
        if (rc == 0)
            rc = tx_audit(tx, d, &actor, "rota.absent", "rota", id, id, strlen(id));
    }
    PQclear(r);
    return rc;
}
