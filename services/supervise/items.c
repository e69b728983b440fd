/* items: load, step, arm and register a tracked item (see items.h). Never
 * logs personal data: ids, districts and counts only. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "items.h"
#include "log.h"
#include "textfmt.h"
#include "timers.h"

#define COLS                                                                                 \
    "id, state, step, flags, source, source_id, source_ref, title, unit_id,"                  \
    " due_on - date '1970-01-01', leader, concerns"

static void s_fill(PGresult *r, const char *district, item_t *it)
{
    char d[sizeof it->district];
    snprintf(d, sizeof d, "%s", district);         /* `district` may be it->district */
    memset(it, 0, sizeof *it);
    it->id = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
    memcpy(it->district, d, sizeof d);
    it->st = (item_state_t) fsm_state_from_name(&item_fsm, PQgetvalue(r, 0, 1));
    it->step = (ladder_step_t) ladder_step_from_name(PQgetvalue(r, 0, 2));
    it->flags = (unsigned) atoi(PQgetvalue(r, 0, 3));
    snprintf(it->source, sizeof it->source, "%s", PQgetvalue(r, 0, 4));
    it->source_id = strtoll(PQgetvalue(r, 0, 5), NULL, 10);
    snprintf(it->source_ref, sizeof it->source_ref, "%s", PQgetvalue(r, 0, 6));
    snprintf(it->title, sizeof it->title, "%s", PQgetvalue(r, 0, 7));
    it->unit_id = strtoll(PQgetvalue(r, 0, 8), NULL, 10);
    it->due = (calendar_day_t) atol(PQgetvalue(r, 0, 9));
    snprintf(it->leader, sizeof it->leader, "%s", PQgetvalue(r, 0, 10));
    snprintf(it->concerns, sizeof it->concerns, "%s", PQgetvalue(r, 0, 11));
}

/* The one row of `sql` (selecting COLS) into *it. 1, 0 (none), -1. */
static int s_one(tx_t *tx, const char *district, const char *sql, int n, const char *const *q,
                 item_t *it)
{
    PGresult *r = db_exec(tx_db(tx), sql, n, q);
    if (!r)
        return -1;
    int found = PQntuples(r) == 1;
    if (found)
        s_fill(r, district, it);
    PQclear(r);
    return found;
}

int item_load(tx_t *tx, const char *district, int64_t id, int64_t unit_id, item_t *it)
{
    char ids[24], unit[24];
    const char *q[3] = {district, db_num(ids, id), unit_id > 0 ? db_num(unit, unit_id) : NULL};
    return s_one(tx, district, "SELECT " COLS " FROM supervise.items WHERE district_code = $1"
                               " AND id = $2::bigint AND ($3::bigint IS NULL OR unit_id ="
                               " $3::bigint) FOR UPDATE", 3, q, it);
}

unsigned item_subject(const item_t *it)
{
    return it->flags | (it->step == LADDER_SUPERVISED ? ITEM_SUPERVISED : 0);
}

void item_message(const item_t *it, const calendar_t *cal, calendar_day_t today,
                  Lianxin__V1__ItemChanged *m, char due[11])
{
    calendar_day_format(it->due, due, 11);
    m->item_id = it->id;
    m->step = (char *) ladder_step_name(it->step);
    m->state = (char *) fsm_state_name(&item_fsm, it->st);
    m->source = (char *) it->source;
    m->source_id = it->source_id;
    m->source_ref = (char *) it->source_ref;
    m->title = (char *) it->title;
    m->unit_id = it->unit_id;
    m->due_date = due;
    m->leader = (char *) it->leader;
    m->overdue_workdays = it->st == ITEM_OPEN ? ladder_overdue(cal, it->due, today) : 0;
}

int item_step(tx_t *tx, supervise_app_t *app, const Lianxin__V1__Actor *actor, item_t *it,
              const char *event, const char *type, const char *note)
{
    Lianxin__V1__ItemChanged m = LIANXIN__V1__ITEM_CHANGED__INIT;
    char ids[24], flags[24], due[11], actor_id[24], typebuf[48];
    calendar_day_format(it->due, due, sizeof due);
    const char *q[9] = {it->district, db_num(ids, it->id), fsm_state_name(&item_fsm, it->st),
                        ladder_step_name(it->step), db_num(flags, it->flags), due, event,
                        actor->role, db_num(actor_id, actor->user_id)};
    const char *qn[10] = {q[0], q[1], q[2], q[3], q[4], q[5], q[6], q[7], q[8],
                          note ? note : ""};
    if (db_run(tx_db(tx),
               "WITH u AS (UPDATE supervise.items SET state = $3, step = $4, flags = $5::int,"
               "  due_on = $6::date, updated_at = core.clock_now(),"
               "  answered_on = CASE WHEN $3 = 'answered' THEN (core.clock_now() AT TIME ZONE"
               "   'Asia/Shanghai')::date WHEN $3 = 'open' THEN NULL ELSE answered_on END,"
               "  closed_on = CASE WHEN $3 = 'closed' THEN coalesce(closed_on, (core.clock_now()"
               "   AT TIME ZONE 'Asia/Shanghai')::date) ELSE NULL END"
               "  WHERE district_code = $1 AND id = $2::bigint RETURNING 1)"
               " INSERT INTO supervise.item_log SELECT $1, $2::bigint, coalesce((SELECT max(seq)"
               "  FROM supervise.item_log WHERE district_code = $1 AND item_id = $2::bigint), 0)"
               "  + 1, $7, $4, $3, $8, $9::bigint, $10, core.clock_now() FROM u", 10, qn) != 0)
        return -1;
    const calendar_t *cal = calsync_get(app->cal, tx_db(tx));
    item_message(it, cal, supervise_today(tx), &m, due);
    m.event = (char *) event;
    snprintf(typebuf, sizeof typebuf, "item.%s", event);
    type = type ? type : typebuf;
    return tx_record(tx, it->district, actor, type, &m.base, type, "item", it->id);
}

/* ---- the ladder's timers ---------------------------------------------------------------- */

static const char *const s_kinds[LADDER_NSTEPS] = {NULL, "ladder.urged", "ladder.followed",
                                                   "ladder.supervised"};

int item_arm(tx_t *tx, supervise_app_t *app, const item_t *it)
{
    ladder_cfg_t cfg;
    ladder_plan_t plan;
    const calendar_t *cal = calsync_get(app->cal, tx_db(tx));
    calendar_day_t today = supervise_today(tx);
    if (supervise_app_ladder(app, tx, it->district, &cfg) != 0
        || ladder_plan(cal, &cfg, it->due, it->step, today, &plan) != 0)
        return -1;
    char kinds[128] = "{", dues[160] = "{", ids[24];
    for (int s = LADDER_URGED; s < LADDER_NSTEPS; s++) {
        long long us = plan.when[s] == LADDER_SCHEDULED ? calendar_day_start_us(plan.day[s])
                       : plan.when[s] == LADDER_NOW ? tx_now_us(tx) : -1;
        snprintf(kinds + strlen(kinds), sizeof kinds - strlen(kinds), "%s%s",
                 s > LADDER_URGED ? "," : "", s_kinds[s]);
        if (us >= 0)
            snprintf(dues + strlen(dues), sizeof dues - strlen(dues), "%s%lld",
                     s > LADDER_URGED ? "," : "", us);
        else
            snprintf(dues + strlen(dues), sizeof dues - strlen(dues), "%sNULL",
                     s > LADDER_URGED ? "," : "");
    }
    strcat(kinds, "}");
    strcat(dues, "}");
    /* NULL: no timer (done or passed over): an unfired row is dropped */
    const char *q[4] = {it->district, db_num(ids, it->id), kinds, dues};
    return db_run(tx_db(tx),
        "WITH p AS (SELECT k.kind, k.due_us, k.n FROM unnest($3::text[], $4::bigint[])"
        "  WITH ORDINALITY AS k(kind, due_us, n)),"
        " d AS (DELETE FROM supervise.timers t USING p WHERE t.district_code = $1"
        "  AND t.item_id = $2::bigint AND t.kind = p.kind AND p.due_us IS NULL"
        "  AND t.fired_at IS NULL RETURNING 1)"
        " INSERT INTO supervise.timers SELECT $1, p.kind, $2::bigint,"
        "  to_timestamp(p.due_us / 1000000.0), NULL FROM p WHERE p.due_us IS NOT NULL"
        " ON CONFLICT (district_code, kind, item_id) DO UPDATE SET due_at = EXCLUDED.due_at,"
        "  fired_at = NULL", 4, q);
}

int item_disarm(tx_t *tx, const item_t *it)
{
    char ids[24];
    const char *q[2] = {it->district, db_num(ids, it->id)};
    return db_run(tx_db(tx), "DELETE FROM supervise.timers WHERE district_code = $1 AND item_id ="
                             " $2::bigint AND kind LIKE 'ladder.%' AND fired_at IS NULL", 2, q);
}

/* ---- registration from a source promise ----------------------------------------------- */

/* Inserts the item when its unit exists and the promise is new: 1 inserted
 * (into *it), 0 not (present already, or no such unit: *skipped), -1. */
static int s_insert(tx_t *tx, const char *district, const item_source_t *src, char *title,
                    item_t *it, int *skipped)
{
    char sid[24], unit[24], due[11];
    calendar_day_format(src->due, due, sizeof due);
    const char *q[8] = {district, src->source, db_num(sid, src->source_id), src->ref, title,
                        db_num(unit, src->unit_id), due, src->leader};
    PGresult *r = db_exec(tx_db(tx),
        "WITH ins AS (INSERT INTO supervise.items (district_code, id, source, source_id,"
        "  source_ref, title, unit_id, due_on, leader, registered_on, created_at, updated_at)"
        "  SELECT $1, nextval('supervise.item_ids'), $2, $3::bigint, $4, $5, $6::bigint,"
        "  $7::date, $8, (core.clock_now() AT TIME ZONE 'Asia/Shanghai')::date,"
        "  core.clock_now(), core.clock_now() WHERE EXISTS (SELECT 1 FROM core.units u"
        "  WHERE u.district_code = $1 AND u.id = $6::bigint)"
        "  ON CONFLICT (district_code, source, source_id) DO NOTHING RETURNING " COLS ")"
        " SELECT *, 1 FROM ins UNION ALL SELECT NULL, NULL, NULL, NULL, NULL, NULL, NULL,"
        "  NULL, NULL, NULL, NULL, NULL, CASE WHEN EXISTS (SELECT 1 FROM core.units u"
        "  WHERE u.district_code = $1 AND u.id = $6::bigint) THEN 0 ELSE -1 END"
        "  WHERE NOT EXISTS (SELECT 1 FROM ins)", 8, q);
    if (!r)
        return -1;
    int inserted = PQntuples(r) == 1 && strcmp(PQgetvalue(r, 0, 12), "1") == 0;
    *skipped = PQntuples(r) == 1 && strcmp(PQgetvalue(r, 0, 12), "-1") == 0;
    if (inserted)
        s_fill(r, district, it);
    PQclear(r);
    return inserted;
}

/* The stored item of the promise, locked. 1, 0 (none), -1. */
static int s_find(tx_t *tx, const char *district, const char *source, int64_t source_id,
                  item_t *it)
{
    char sid[24];
    const char *q[3] = {district, source, db_num(sid, source_id)};
    return s_one(tx, district, "SELECT " COLS " FROM supervise.items WHERE district_code = $1"
                               " AND source = $2 AND source_id = $3::bigint FOR UPDATE", 3, q,
                 it);
}

/* A promise that changed: unit, leader, title, reference, and the due date
 * that restarts the ladder of an item not closed. */
static int s_update(tx_t *tx, supervise_app_t *app, const Lianxin__V1__Actor *sys, item_t *it,
                    const item_source_t *src, const char *title)
{
    int moved = src->due != it->due && it->st != ITEM_CLOSED;
    char ids[24], unit[24];
    const char *q[6] = {it->district, db_num(ids, it->id), title, db_num(unit, src->unit_id),
                        src->leader, src->ref};
    if (db_run(tx_db(tx), "UPDATE supervise.items SET title = $3, unit_id = $4::bigint,"
                          " leader = $5, source_ref = $6 WHERE district_code = $1 AND id ="
                          " $2::bigint AND EXISTS (SELECT 1 FROM core.units u WHERE"
                          " u.district_code = $1 AND u.id = $4::bigint)", 6, q) != 0
        || item_load(tx, it->district, it->id, 0, it) != 1)
        return -1;
    if (moved) {
        it->due = src->due;
        it->step = LADDER_REGISTERED;
        it->st = ITEM_OPEN;
        it->flags &= ~ITEM_LOOKBACK;
    }
    if (item_step(tx, app, sys, it, "updated", NULL, moved ? "due date changed" : "") != 0)
        return -1;
    return moved ? item_arm(tx, app, it) : 0;
}

int item_register(tx_t *tx, supervise_app_t *app, const char *district,
                  const item_source_t *src, int64_t *id)
{
    Lianxin__V1__Actor sys = timers_actor(district);
    char title[ITEM_TITLE_MAX + 8];
    item_t it;
    int skipped = 0;
    const char *t = src->title ? src->title : "";
    size_t len = textfmt_utf8_prefix(t, ITEM_TITLE_MAX);
    memcpy(title, t, len);
    title[len] = '\0';
    int n = s_insert(tx, district, src, title, &it, &skipped);
    if (id)
        *id = 0;
    if (n < 0)
        return -1;
    if (skipped) {
        log_warn("tracked item skipped: unknown unit", "district=%s source=%s source_id=%lld",
                 district, src->source, (long long) src->source_id);
        return 0;
    }
    if (n == 1 && id)
        *id = it.id;
    if (n == 1)
        return item_step(tx, app, &sys, &it, "registered", NULL, "") != 0
               || item_arm(tx, app, &it) != 0 ? -1 : 0;
    if (s_find(tx, district, src->source, src->source_id, &it) != 1)
        return -1;
    if (id)
        *id = it.id;
    if (it.unit_id == src->unit_id && it.due == src->due && strcmp(it.title, title) == 0
        && strcmp(it.leader, src->leader) == 0 && strcmp(it.source_ref, src->ref) == 0)
        return 0;                               /* the same promise again */
    return s_update(tx, app, &sys, &it, src, title);
}

int item_answer_source(tx_t *tx, supervise_app_t *app, const char *district,
                       const Lianxin__V1__Actor *actor, const char *source, int64_t source_id,
                       const char *note)
{
    item_t it;
    int found = s_find(tx, district, source, source_id, &it);
    if (found <= 0 || it.st != ITEM_OPEN)
        return found < 0 ? -1 : 0;
    it.st = ITEM_ANSWERED;
    return item_disarm(tx, &it) != 0 || item_step(tx, app, actor, &it, "answered", NULL, note)
           ? -1 : 0;
}
