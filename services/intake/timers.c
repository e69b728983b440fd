/* timers: see timers.h. One instance per process (static state: the
 * uv_timer handle is closed by the service's teardown walk, which frees no
 * memory of ours). Logs counts and districts, never people. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "calendar_watch.h"
#include "intake_app.h"
#include "lease.h"
#include "log.h"
#include "rota.pb-c.h"
#include "timers.h"
#include "tx.h"

#define TIMERS_BATCH 50
#define TIMERS_ROUNDS 10

typedef struct timers {
    uv_timer_t timer;
    txq_t *txq;
    bus_pub_t *pub;
    tx_t *tx;
    int ms, running, stopping, started;
} timers_t;

static timers_t s_t;

static Lianxin__V1__Actor s_system(const char *district)
{
    Lianxin__V1__Actor a = LIANXIN__V1__ACTOR__INIT;
    a.username = "system";
    a.role = "system";
    a.district = (char *) district;
    return a;
}

/* ---- firing (worker) --------------------------------------------------------------- */

static int s_upcoming(db_t *db, const char *d, const char *room, const char *date, int stale)
{
    int64_t members[64];
    const char *p[3] = {d, room, date};
    PGresult *r = db_exec(db,
        "SELECT w.name, coalesce(array_agg(r.member_id ORDER BY r.member_id)"
        "   FILTER (WHERE r.member_id IS NOT NULL), '{}')"
        " FROM core.workrooms w LEFT JOIN intake.rota r ON r.district_code = w.district_code"
        "   AND r.workroom_id = w.id AND r.duty_date = $3::date"
        "   AND r.status IN ('published', 'confirmed')"
        " WHERE w.district_code = $1 AND w.id = $2::bigint GROUP BY w.name", 3, p);
    if (!r)
        return -1;
    size_t n = PQntuples(r) ? db_parse_ids(PQgetvalue(r, 0, 1), members, 64) : 0;
    int rc = 0;
    if (n > 0 && !stale) {
        Lianxin__V1__DutyUpcoming ev = LIANXIN__V1__DUTY_UPCOMING__INIT;
        Lianxin__V1__Actor actor = s_system(d);
        ev.workroom_id = strtoll(room, NULL, 10);
        ev.workroom_name = PQgetvalue(r, 0, 0);
        ev.duty_date = (char *) date;
        ev.n_member_ids = n;
        ev.member_ids = members;
        rc = tx_event(s_t.tx, d, "duty.upcoming", &actor, &ev.base);
    }
    PQclear(r);
    return rc;
}

/* Members of the room's duty that day who took part in a visit of the room
 * that day served; the others still published or confirmed are absent. */
static int s_absent_check(db_t *db, const char *d, const char *room, const char *date)
{
    const char *p[3] = {d, room, date};
    static const char *rows = "r.district_code = $1 AND r.workroom_id = $2::bigint"
                              " AND r.duty_date = $3::date"
                              " AND r.status IN ('published', 'confirmed')";
    char sql[1024];
    snprintf(sql, sizeof sql,
             "WITH served AS (UPDATE intake.rota r SET status = 'served', updated_at = core.clock_now()"
             "  WHERE %s AND EXISTS (SELECT 1 FROM intake.visits v"
             "   WHERE v.district_code = r.district_code AND v.workroom_id = r.workroom_id"
             "   AND r.member_id = ANY (v.member_ids)"
             "   AND v.received_at >= ($3::date)::timestamp AT TIME ZONE 'Asia/Shanghai'"
             "   AND v.received_at < ($3::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai')"
             "  RETURNING r.id)"
             " UPDATE intake.rota r SET status = 'absent', updated_at = core.clock_now()"
             " WHERE %s AND r.id NOT IN (SELECT id FROM served) RETURNING r.id, r.member_id",
             rows, rows);
    PGresult *r = db_exec(db, sql, 3, p);
    if (!r)
        return -1;
    int rc = 0;
    Lianxin__V1__Actor actor = s_system(d);
    for (int i = 0; rc == 0 && i < PQntuples(r); i++) {
        Lianxin__V1__RotaAbsent ev = LIANXIN__V1__ROTA_ABSENT__INIT;
        ev.rota_id = strtoll(PQgetvalue(r, i, 0), NULL, 10);
        ev.workroom_id = strtoll(room, NULL, 10);
        ev.duty_date = (char *) date;
        ev.member_id = strtoll(PQgetvalue(r, i, 1), NULL, 10);
        rc = tx_event(s_t.tx, d, "rota.absent", &actor, &ev.base);
        if (rc == 0)
            rc = tx_audit(s_t.tx, d, &actor, "rota.absent", "rota", PQgetvalue(r, i, 0),
                          PQgetvalue(r, i, 0), strlen(PQgetvalue(r, i, 0)));
    }
    PQclear(r);
    return rc;
}

static int s_fire(db_t *db, const char *d, PGresult *r, int i)
{
    const char *kind = PQgetvalue(r, i, 0), *room = PQgetvalue(r, i, 1);
    const char *date = PQgetvalue(r, i, 2);
    int stale = PQgetvalue(r, i, 3)[0] == 't';
    int rc = strcmp(kind, "duty.upcoming") == 0 ? s_upcoming(db, d, room, date, stale)
             : strcmp(kind, "rota.absent_check") == 0 ? s_absent_check(db, d, room, date)
             : 0;
    const char *p[4] = {d, kind, room, date};
    if (rc == 0)
        rc = db_run(db, "UPDATE intake.timers SET fired_at = core.clock_now() WHERE district_code = $1"
                        " AND kind = $2 AND workroom_id = $3::bigint AND duty_date = $4::date",
                    4, p);
    return rc;
}

/* One transaction per batch of due timers of district `d`. The count fired, or -1. */
static int s_round(db_t *db, const char *d)
{
    const char *p[1] = {d};
    if (tx_begin(s_t.tx, db) != 0)
        return -1;
    PGresult *r = db_exec(db,
        "SELECT kind, workroom_id, duty_date::text,"
        " core.clock_now() >= (duty_date::timestamp AT TIME ZONE 'Asia/Shanghai')"
        " FROM intake.timers WHERE district_code = $1 AND fired_at IS NULL AND due_at <= core.clock_now()"
        " ORDER BY due_at LIMIT 50 FOR UPDATE SKIP LOCKED", 1, p);
    int n = r ? PQntuples(r) : -1, rc = r ? 0 : -1;
    for (int i = 0; rc == 0 && i < n; i++)
        rc = s_fire(db, d, r, i);
    PQclear(r);
    if (rc != 0 || tx_commit(s_t.tx) != 0) {
        tx_rollback(s_t.tx);
        log_warn("timers not fired", "district=%s sqlstate=%s", d, db_sqlstate(db));
        return -1;
    }
    if (n > 0)
        log_info("timers fired", "district=%s n=%d", d, n);
    return n;
}

static int s_job(db_t *db, void *arg)
{
    (void) arg;
    if (db_connect(db) != 0)
        return -1;
    PGresult *r = db_exec(db, "SELECT district_code FROM core.districts ORDER BY 1", 0, NULL);
    if (!r)
        return -1;
    for (int i = 0; i < PQntuples(r); i++) {
        const char *d = PQgetvalue(r, i, 0);
        char lease[64];
        snprintf(lease, sizeof lease, "intake/%s", d);
        if (lease_hold(db, lease) != 1)
            continue;
        for (int k = 0; k < TIMERS_ROUNDS && s_round(db, d) == TIMERS_BATCH; k++)
            ;
    }
    PQclear(r);
    calendar_watch_tick(db, s_t.tx);
    return 0;
}

/* ---- the loop side ------------------------------------------------------------------ */

static void s_on_tick(uv_timer_t *timer);

static void s_done(int rc, void *arg)
{
    (void) rc;
    (void) arg;
    s_t.running = 0;
    if (s_t.stopping) {
        tx_destroy(&s_t.tx);
        return;
    }
    tx_publish(s_t.tx, s_t.pub);
    uv_timer_start(&s_t.timer, s_on_tick, (uint64_t) s_t.ms, 0);
}

static void s_on_tick(uv_timer_t *timer)
{
    (void) timer;
    if (s_t.stopping || s_t.running)
        return;
    s_t.running = 1;
    if (txq_submit(s_t.txq, s_job, s_done, NULL) != 0) {
        s_t.running = 0;
        uv_timer_start(&s_t.timer, s_on_tick, (uint64_t) s_t.ms, 0);
    }
}

int timers_start(uv_loop_t *loop, txq_t *txq, bus_pub_t *pub, const config_t *cfg, void *app)
{
    (void) cfg;
    (void) app;
    memset(&s_t, 0, sizeof s_t);
    s_t.txq = txq;
    s_t.pub = pub;
    s_t.ms = intake_app() ? intake_app()->timer_ms : 2000;
    if (!(s_t.tx = tx_new("intake")) || uv_timer_init(loop, &s_t.timer) != 0) {
        tx_destroy(&s_t.tx);
        return -1;
    }
    s_t.started = 1;
    uv_timer_start(&s_t.timer, s_on_tick, 200, 0);
    return 0;
}

void timers_stop(void *app)
{
    (void) app;
    if (!s_t.started || s_t.stopping)
        return;
    s_t.stopping = 1;
    uv_timer_stop(&s_t.timer);
    if (!uv_is_closing((uv_handle_t *) &s_t.timer))
        uv_close((uv_handle_t *) &s_t.timer, NULL);
    if (!s_t.running)
        tx_destroy(&s_t.tx);
}
