/* assess_store: see assess_store.h. The statements are fixed texts with
 * parameters; the judging is assess_rules (pure). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include "assess.pb-c.h"
#include "assess_store.h"
#include "db.h"
#include "timers.h"

#define ACTS_MAX 5000              /* acts of one member's year read for judging */

int assess_store_put(tx_t *tx, const Lianxin__V1__Event *ev, const assess_fact_t *f)
{
    char m[24], id[24], seq[24], date[11], year[12];
    int y, mo, d;
    calendar_day_to_ymd(f->day, &y, &mo, &d);
    snprintf(date, sizeof date, "%04d-%02d-%02d", y, mo, d);
    snprintf(year, sizeof year, "%d", y);
    const char *p[11] = {ev->district, db_num(m, f->member_id), f->kind, f->source,
                         db_num(id, f->source_id), year, date, f->status, f->title,
                         ev->producer, db_num(seq, ev->seq)};
    return db_run(tx_db(tx),
        "INSERT INTO assess.acts (district_code, member_id, kind, source, source_id, year,"
        " on_date, status, title, producer, seq) VALUES ($1, $2::bigint, $3, $4, $5::bigint,"
        " $6::int, $7::date, $8, left($9, 200), $10, $11::bigint)"
        " ON CONFLICT (district_code, member_id, kind, source, source_id) DO UPDATE SET"
        " year = EXCLUDED.year, on_date = EXCLUDED.on_date, status = EXCLUDED.status,"
        " title = EXCLUDED.title, producer = EXCLUDED.producer, seq = EXCLUDED.seq"
        " WHERE assess.acts.producer <> EXCLUDED.producer OR assess.acts.seq <= EXCLUDED.seq",
        11, p);
}

/* ---- many at once (the rebuild) ------------------------------------------------------ */

void assess_batch_begin(assess_batch_t *b)
{
    db_array_begin(&b->member, DB_OID_INT8);
    db_array_begin(&b->kind, DB_OID_TEXT);
    db_array_begin(&b->source, DB_OID_TEXT);
    db_array_begin(&b->source_id, DB_OID_INT8);
    db_array_begin(&b->day, DB_OID_INT8);
    db_array_begin(&b->status, DB_OID_TEXT);
    db_array_begin(&b->title, DB_OID_TEXT);
    db_array_begin(&b->seq, DB_OID_INT8);
    b->n = 0;
}

void assess_batch_add(assess_batch_t *b, const Lianxin__V1__Event *ev, const assess_fact_t *f)
{
    db_array_int8(&b->member, f->member_id);
    db_array_text(&b->kind, f->kind);
    db_array_text(&b->source, f->source);
    db_array_int8(&b->source_id, f->source_id);
    db_array_int8(&b->day, f->day);
    db_array_text(&b->status, f->status);
    db_array_text(&b->title, f->title);
    db_array_int8(&b->seq, ev->seq);
    b->n++;
}

int assess_batch_flush(tx_t *tx, const char *district, const char *producer, assess_batch_t *b)
{
    db_array_t *a[8] = {&b->member, &b->kind, &b->source, &b->source_id, &b->day, &b->status,
                        &b->title, &b->seq};
    const char *v[10] = {district, producer};
    int len[10] = {0, 0}, fmt[10] = {0, 0};
    if (b->n == 0)
        return 0;
    for (int i = 0; i < 8; i++) {
        if (a[i]->failed)
            return -1;
        v[i + 2] = (const char *) a[i]->buf;
        len[i + 2] = (int) a[i]->len;
        fmt[i + 2] = 1;
    }
    PGresult *r = db_exec_params(tx_db(tx),
        "INSERT INTO assess.acts (district_code, member_id, kind, source, source_id, year,"
        " on_date, status, title, producer, seq) SELECT DISTINCT ON (m, k, s, i) $1, m, k, s, i,"
        " extract(year FROM date '1970-01-01' + d::int)::int, date '1970-01-01' + d::int, st,"
        " left(t, 200), $2, q FROM unnest($3::int8[], $4::text[], $5::text[], $6::int8[],"
        " $7::int8[], $8::text[], $9::text[], $10::int8[]) AS u(m, k, s, i, d, st, t, q)"
        " ORDER BY m, k, s, i, q DESC"
        " ON CONFLICT (district_code, member_id, kind, source, source_id) DO UPDATE SET"
        " year = EXCLUDED.year, on_date = EXCLUDED.on_date, status = EXCLUDED.status,"
        " title = EXCLUDED.title, producer = EXCLUDED.producer, seq = EXCLUDED.seq"
        " WHERE assess.acts.producer <> EXCLUDED.producer OR assess.acts.seq <= EXCLUDED.seq",
        10, v, len, fmt);
    if (!r)
        return -1;
    PQclear(r);
    assess_batch_begin(b);
    return 0;
}

void assess_batch_free(assess_batch_t *b)
{
    db_array_t *a[8] = {&b->member, &b->kind, &b->source, &b->source_id, &b->day, &b->status,
                        &b->title, &b->seq};
    for (int i = 0; i < 8; i++)
        db_array_free(a[i]);
}

int assess_store_rules(tx_t *tx, const char *district, int year, assess_rules_t *out)
{
    char y[12], err[64];
    snprintf(y, sizeof y, "%d", year);
    const char *p[2] = {district, y};
    PGresult *r = db_exec(tx_db(tx), "SELECT doc::text FROM assess.rules"
                                     " WHERE district_code = $1 AND year = $2::int", 2, p);
    if (!r)
        return -1;
    if (PQntuples(r) == 0 || assess_rules_parse(PQgetvalue(r, 0, 0), out, err, sizeof err) != 0)
        assess_rules_default(out);
    PQclear(r);
    return 0;
}

/* The acts of a member's year as the rules read them (malloc'd; *n). */
static assess_act_t *s_acts(tx_t *tx, const char *district, const char *m, const char *y,
                            size_t *n)
{
    const char *p[3] = {district, m, y};
    PGresult *r = db_exec(tx_db(tx),
        "SELECT kind, status, on_date - date '1970-01-01' FROM assess.acts"
        " WHERE district_code = $1 AND member_id = $2::bigint AND year = $3::int"
        " ORDER BY on_date LIMIT 5000", 3, p);
    if (!r)
        return NULL;
    *n = (size_t) PQntuples(r);
    assess_act_t *acts = calloc(*n ? *n : 1, sizeof *acts);
    for (size_t i = 0; acts && i < *n; i++) {
        snprintf(acts[i].kind, sizeof acts[i].kind, "%s", PQgetvalue(r, (int) i, 0));
        snprintf(acts[i].status, sizeof acts[i].status, "%s", PQgetvalue(r, (int) i, 1));
        acts[i].day = (calendar_day_t) strtol(PQgetvalue(r, (int) i, 2), NULL, 10);
    }
    PQclear(r);
    return acts;
}

/* The five ones and the counts by kind as JSON texts (malloc'd). */
static int s_json(const assess_rules_t *rules, const assess_five_t *f, const assess_act_t *acts,
                  size_t n, char **five, char **counts)
{
    json_t *a = json_array(), *c = json_object();
    for (int k = 0; a && k < rules->nfive; k++)
        json_array_append_new(a, json_pack("{s:s,s:s,s:i,s:i}", "key", rules->five[k].key,
                                           "label", rules->five[k].label,
                                           "count", f->count[k], "min", rules->five[k].min));
    for (size_t i = 0; c && i < n; i++) {
        if (!assess_act_counts(&acts[i]))
            continue;
        json_int_t v = json_integer_value(json_object_get(c, acts[i].kind));
        json_object_set_new(c, acts[i].kind, json_integer(v + 1));
    }
    *five = a ? json_dumps(a, JSON_COMPACT) : NULL;
    *counts = c ? json_dumps(c, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(a);
    json_decref(c);
    return *five && *counts ? 0 : -1;
}

static int s_flag(tx_t *tx, const char *district, const char *m, const char *y, int plenary,
                  int activity)
{
    char pl[12], ac[12];
    snprintf(pl, sizeof pl, "%d", plenary);
    snprintf(ac, sizeof ac, "%d", activity);
    const char *p[5] = {district, y, m, pl, ac};
    PGresult *r = db_exec(tx_db(tx),
        "INSERT INTO assess.flags (district_code, year, member_id, plenary_absences,"
        " activity_absences, flagged_at) VALUES ($1, $2::int, $3::bigint, $4::int, $5::int,"
        " core.clock_now()) ON CONFLICT DO NOTHING RETURNING 1", 5, p);
    if (!r)
        return -1;
    int fresh = PQntuples(r) == 1;
    PQclear(r);
    if (!fresh)
        return 0;
    Lianxin__V1__MemberFlagged ev = LIANXIN__V1__MEMBER_FLAGGED__INIT;
    Lianxin__V1__Actor actor = timers_actor(district);
    ev.member_id = strtoll(m, NULL, 10);
    ev.year = (int32_t) strtol(y, NULL, 10);
    ev.plenary_absences = plenary;
    ev.activity_absences = activity;
    return tx_event(tx, district, "member.flagged", &actor, &ev.base);
}

/* ---- a liaison group's six at least ------------------------------------------------ */

static char *s_six_json(const assess_rules_t *rules, const assess_six_t *six)
{
    static const char *const verdicts[] = {"open", "met", "missed"};
    json_t *a = json_array();
    for (int k = 0; a && k < rules->nsix; k++) {
        json_t *per = json_array();
        for (int p = 0; per && p < rules->six[k].periods; p++)
            json_array_append_new(per, json_pack("{s:i,s:s}", "count", six->count[k][p],
                                                 "verdict", verdicts[six->verdict[k][p]]));
        json_array_append_new(a, json_pack("{s:s,s:s,s:i,s:o}", "key", rules->six[k].key,
                                           "label", rules->six[k].label, "min",
                                           rules->six[k].min, "periods", per));
    }
    char *text = a ? json_dumps(a, JSON_COMPACT) : NULL;
    json_decref(a);
    return text;
}

/* The acts of every member of the group of `m` in year `y` (the six at least
 * count the group's acts); *group is 0 when the member has none. */
static assess_act_t *s_group_acts(tx_t *tx, const char *district, const char *m, const char *y,
                                  char group[24], size_t *n)
{
    const char *p[3] = {district, m, y};
    PGresult *r = db_exec(tx_db(tx),
        "SELECT g.liaison_group_id, a.kind, a.status, a.on_date - date '1970-01-01'"
        " FROM core.members g LEFT JOIN core.members o ON o.district_code = g.district_code"
        " AND o.liaison_group_id = g.liaison_group_id LEFT JOIN assess.acts a"
        " ON a.district_code = g.district_code AND a.member_id = o.id AND a.year = $3::int"
        " WHERE g.district_code = $1 AND g.id = $2::bigint AND g.liaison_group_id IS NOT NULL"
        " LIMIT 50000", 3, p);
    if (!r)
        return NULL;
    int rows = PQntuples(r);
    *n = 0;
    snprintf(group, 24, "%s", rows > 0 ? PQgetvalue(r, 0, 0) : "");
    assess_act_t *acts = calloc(rows ? (size_t) rows : 1, sizeof *acts);
    for (int i = 0; acts && i < rows; i++) {
        if (PQgetisnull(r, i, 1))
            continue;
        snprintf(acts[*n].kind, sizeof acts[*n].kind, "%s", PQgetvalue(r, i, 1));
        snprintf(acts[*n].status, sizeof acts[*n].status, "%s", PQgetvalue(r, i, 2));
        acts[(*n)++].day = (calendar_day_t) strtol(PQgetvalue(r, i, 3), NULL, 10);
    }
    PQclear(r);
    return acts;
}

static int s_group_refresh(tx_t *tx, const char *district, const char *m, int year,
                           const assess_rules_t *rules)
{
    char y[12], group[24], missed[12], today[11];
    size_t n = 0;
    assess_six_t six;
    snprintf(y, sizeof y, "%d", year);
    assess_act_t *acts = s_group_acts(tx, district, m, y, group, &n);
    if (!acts)
        return -1;
    int rc = 0;
    if (*group) {
        calendar_day_t d = calendar_day_of_us(tx_now_us(tx));
        calendar_day_format(d, today, sizeof today);
        snprintf(missed, sizeof missed, "%d", assess_six(rules, acts, n, year, d, &six));
        char *json = s_six_json(rules, &six);
        const char *p[6] = {district, y, group, json, missed, today};
        rc = json ? db_run(tx_db(tx),
            "INSERT INTO assess.groups (district_code, year, group_id, six, missed, judged_on)"
            " VALUES ($1, $2::int, $3::bigint, $4::jsonb, $5::int, $6::date)"
            " ON CONFLICT (district_code, year, group_id) DO UPDATE SET six = EXCLUDED.six,"
            " missed = EXCLUDED.missed, judged_on = EXCLUDED.judged_on", 6, p) : -1;
        free(json);
    }
    free(acts);
    return rc;
}

/* Every liaison group's year once, through one of its members. */
static int s_groups_year(tx_t *tx, const char *district, int year)
{
    assess_rules_t rules;
    const char *p[1] = {district};
    if (assess_store_rules(tx, district, year, &rules) != 0)
        return -1;
    PGresult *r = db_exec(tx_db(tx), "SELECT min(id) FROM core.members WHERE district_code = $1"
                          " AND liaison_group_id IS NOT NULL GROUP BY liaison_group_id", 1, p);
    if (!r)
        return -1;
    int rc = 0;
    for (int i = 0; rc == 0 && i < PQntuples(r); i++)
        rc = s_group_refresh(tx, district, PQgetvalue(r, i, 0), year, &rules);
    PQclear(r);
    return rc;
}

/* 1 when an act of `kind` counts for some need of the six at least. */
static int s_in_six(const assess_rules_t *r, const char *kind)
{
    for (int k = 0; k < r->nsix; k++)
        for (int i = 0; i < r->six[k].nkinds; i++)
            if (strcmp(r->six[k].kinds[i], kind) == 0)
                return 1;
    return 0;
}

/* The member's file of `year`; with `group`, their liaison group's year
 * too when an act of `kind` (NULL: any) counts for the six at least. */
static int s_refresh(tx_t *tx, const char *district, int64_t member, int year, int group,
                     const char *kind)
{
    char m[24], y[12], pts[12], miss[12], pl[12], ac[12];
    char *five = NULL, *counts = NULL;
    assess_rules_t rules;
    assess_five_t f;
    size_t n = 0;
    int plenary, activity, rc = -1;
    snprintf(y, sizeof y, "%d", year);
    db_num(m, member);
    assess_act_t *acts = s_acts(tx, district, m, y, &n);
    if (!acts || assess_store_rules(tx, district, year, &rules) != 0)
        goto done;
    assess_five_ones(&rules, acts, n, year, &f);
    int flagged = assess_absences(&rules, acts, n, year, &plenary, &activity);
    snprintf(pts, sizeof pts, "%d", assess_points(&rules, acts, n, year));
    snprintf(miss, sizeof miss, "%d", f.missing);
    snprintf(pl, sizeof pl, "%d", plenary);
    snprintf(ac, sizeof ac, "%d", activity);
    if (s_json(&rules, &f, acts, n, &five, &counts) != 0)
        goto done;
    const char *p[9] = {district, y, m, pts, miss, five, counts, pl, ac};
    if (db_run(tx_db(tx),
            "INSERT INTO assess.files (district_code, year, member_id, points, missing, five,"
            " counts, plenary_absences, activity_absences) VALUES ($1, $2::int, $3::bigint,"
            " $4::int, $5::int, $6::jsonb, $7::jsonb, $8::int, $9::int)"
            " ON CONFLICT (district_code, year, member_id) DO UPDATE SET points = EXCLUDED.points,"
            " missing = EXCLUDED.missing, five = EXCLUDED.five, counts = EXCLUDED.counts,"
            " plenary_absences = EXCLUDED.plenary_absences,"
            " activity_absences = EXCLUDED.activity_absences", 9, p) != 0)
        goto done;
    rc = flagged ? s_flag(tx, district, m, y, plenary, activity) : 0;
    if (rc == 0 && group && (!kind || s_in_six(&rules, kind)))
        rc = s_group_refresh(tx, district, m, year, &rules);
done:
    free(acts);
    free(five);
    free(counts);
    return rc;
}

int assess_store_refresh(tx_t *tx, const char *district, int64_t member, int year,
                         const char *kind)
{
    return s_refresh(tx, district, member, year, 1, kind);
}

int assess_store_refresh_year(tx_t *tx, const char *district, int year, int *members)
{
    char y[12];
    snprintf(y, sizeof y, "%d", year);
    const char *p[2] = {district, y};
    PGresult *r = db_exec(tx_db(tx),
        "SELECT member_id FROM assess.acts WHERE district_code = $1 AND year = $2::int"
        " UNION SELECT member_id FROM assess.files WHERE district_code = $1 AND year = $2::int",
        2, p);
    if (!r)
        return -1;
    int rc = 0;
    *members = PQntuples(r);
    for (int i = 0; rc == 0 && i < *members; i++)
        rc = s_refresh(tx, district, strtoll(PQgetvalue(r, i, 0), NULL, 10), year, 0, NULL);
    PQclear(r);
    return rc == 0 ? s_groups_year(tx, district, year) : -1;
}

int assess_store_groups_tick(tx_t *tx, const char *district, void *app)
{
    char today[11], y[12];
    (void) app;
    calendar_day_t d = calendar_day_of_us(tx_now_us(tx));
    calendar_day_format(d, today, sizeof today);
    snprintf(y, sizeof y, "%d", assess_year_of(d));
    const char *p[3] = {district, today, y};
    /* the years judged before today, and this year while a group with
     * members has no judged year (no act of the six yet: its ended months
     * must still show as missed) */
    PGresult *r = db_exec(tx_db(tx),
        "SELECT year FROM assess.groups WHERE district_code = $1"
        " AND judged_on < $2::date AND year >= $3::int - 1"
        " UNION SELECT $3::int WHERE EXISTS (SELECT 1 FROM core.members m"
        "  WHERE m.district_code = $1 AND m.liaison_group_id IS NOT NULL AND NOT EXISTS ("
        "  SELECT 1 FROM assess.groups s WHERE s.district_code = $1 AND s.year = $3::int"
        "  AND s.group_id = m.liaison_group_id)) ORDER BY 1", 3, p);
    if (!r)
        return -1;
    int rc = 0;
    for (int i = 0; rc == 0 && i < PQntuples(r); i++)
        rc = s_groups_year(tx, district, atoi(PQgetvalue(r, i, 0)));
    PQclear(r);
    return rc;
}
