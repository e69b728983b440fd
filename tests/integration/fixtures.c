/* fixtures: sessions, request bodies and SQL expectations shared by the
 * integration tests and the benchmarks. The expected recipients are
 * computed in SQL independently of notify's code, from the rota and the
 * rooms, so a bug in notify cannot hide itself. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include "api_util.h"
#include "db.h"
#include "timeutil.h"
#include "tx.h"
#include "fixtures.h"

char *fixture_visit(int64_t room, const int64_t *members, size_t n, const char *category,
                    int ago_s, int visitor)
{
    char received[40], id[24];
    json_t *ids = json_array(), *body;
    char *text;

    time_format(time_now_us() - (int64_t)ago_s * 1000000, received, sizeof received);
    for (size_t i = 0; i < n; i++) {
        snprintf(id, sizeof id, "%lld", (long long)members[i]);
        json_array_append_new(ids, json_string(id));
    }
    snprintf(id, sizeof id, "%lld", (long long)room);
    body = json_pack("{s:s, s:s, s:o, s:s, s:s, s:s, s:s, s:s}",
                     "workroom_id", id, "received_at", received, "member_ids", ids,
                     "summary", "路口红绿灯时间太短，老人过马路困难，希望延长绿灯时间。",
                     "category", category, "location", "永中街道文化礼堂",
                     "on_spot_action", "answered", "kind", "reception");
    if (visitor)
        json_object_set_new(body, "visitor",
                            json_pack("{s:s, s:s}", "name", "张三", "phone", "13812345678"));
    text = json_dumps(body, JSON_COMPACT);
    json_decref(body);
    return text;
}

long long fixture_notify_lag(harness_t *h, const char *district)
{
    const char *p[1] = { district };

    return harness_sql_ll(h,
        "SELECT coalesce((SELECT next - 1 FROM bus.streams"
        "                 WHERE district_code = $1 AND producer = 'intake'), 0)"
        "     - coalesce((SELECT seq FROM bus.cursors WHERE consumer = 'notify' AND district_code = $1"
        "                 AND consumer = 'notify' AND producer = 'intake'), 0)", 1, p);
}

int fixture_wait_caught_up(harness_t *h, const char *district, int timeout_ms)
{
    int64_t deadline = harness_now_ms() + timeout_ms;
    long long lag = -1;

    while (harness_now_ms() < deadline) {
        if ((lag = fixture_notify_lag(h, district)) == 0)
            return 0;
        harness_sleep_ms(100);
    }
    fprintf(stderr, "fixtures: notify still %lld events behind after %d ms\n", lag, timeout_ms);
    return -1;
}

/* The expected (visit, member) pairs of district $1, as a CTE named exp:
 * the room's rota in the month (UTC+8) of received_at, and the room's head. */
#define EXPECTED_CTE \
    "exp AS (SELECT v.id, r.member_id AS m FROM intake.visits v" \
    "  JOIN intake.rota r ON r.district_code = v.district_code AND r.workroom_id = v.workroom_id" \
    "   AND r.duty_date >= date_trunc('month', v.received_at AT TIME ZONE INTERVAL '+08:00')::date" \
    "   AND r.duty_date < (date_trunc('month', v.received_at AT TIME ZONE INTERVAL '+08:00')" \
    "                      + interval '1 month')::date" \
    "   AND r.status NOT IN ('draft', 'excused')" \
    "  WHERE v.district_code = $1" \
    " UNION SELECT v.id, w.head_member_id FROM intake.visits v" \
    "  JOIN core.workrooms w ON w.district_code = v.district_code AND w.id = v.workroom_id" \
    "  WHERE v.district_code = $1 AND w.head_member_id IS NOT NULL)"

int fixture_recipients_check(harness_t *h, const char *district, long long *missing,
                             long long *extra, long long *doubled)
{
    const char *p[1] = { district };
    PGresult *r = harness_sql(h,
        "WITH " EXPECTED_CTE ","
        " act AS (SELECT object_id::bigint AS id, recipient_id AS m, count(*) AS n"
        "   FROM notify.inbox WHERE district_code = $1 AND kind = 'visit.recorded'"
        "    AND recipient_kind = 'member' GROUP BY 1, 2)"
        " SELECT count(*) FILTER (WHERE act.id IS NULL), count(*) FILTER (WHERE exp.id IS NULL),"
        "        count(*) FILTER (WHERE act.n > 1)"
        " FROM exp FULL JOIN act ON act.id = exp.id AND act.m = exp.m", 1, p);

    if (!r)
        return -1;
    *missing = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
    *extra = strtoll(PQgetvalue(r, 0, 1), NULL, 10);
    *doubled = strtoll(PQgetvalue(r, 0, 2), NULL, 10);
    PQclear(r);
    return 0;
}

int fixture_expected(harness_t *h, const char *district, const char *visit_id,
                     char *out, size_t outsz)
{
    const char *p[2] = { district, visit_id };
    PGresult *r = harness_sql(h,
        "WITH " EXPECTED_CTE
        " SELECT coalesce(array_agg(m ORDER BY m), '{}') FROM exp WHERE id = $2::bigint", 2, p);

    if (!r)
        return -1;
    snprintf(out, outsz, "%s", PQgetvalue(r, 0, 0));
    PQclear(r);
    return 0;
}

void fixture_counts(harness_t *h, fixture_counts_t *out)
{
    out->visits = harness_sql_ll(h, "SELECT count(*) FROM intake.visits", 0, NULL);
    out->events = harness_sql_ll(h, "SELECT count(*) FROM bus.events", 0, NULL);
    out->audit = harness_sql_ll(h, "SELECT count(*) FROM audit.trail", 0, NULL);
}

/* ---- the demo users' sessions ------------------------------------------------------- */

static const struct {
    const char *name;
    size_t off;
} s_users[] = {
#define U(n) { #n, offsetof(fixture_users_t, n) }
    U(admin), U(office), U(office2), U(leader), U(unit1), U(unit1head), U(unit2), U(unit3),
    U(member1), U(member2), U(member3), U(member4), U(member15),
#undef U
};

int fixture_login(harness_t *h, fixture_users_t *u, const char *names)
{
    char name[32];
    int rc = 0, len;
    for (const char *p = names; sscanf(p, " %31s%n", name, &len) == 1; p += len) {
        size_t i = 0;
        while (i < sizeof s_users / sizeof s_users[0] && strcmp(s_users[i].name, name) != 0)
            i++;
        if (i == sizeof s_users / sizeof s_users[0]) {
            fprintf(stderr, "fixture_login: no demo user %s\n", name);
            rc = -1;
            continue;
        }
        char **slot = (char **) ((char *) u + s_users[i].off);
        free(*slot);
        *slot = harness_login(h, name, "lianxin-demo");
        rc = *slot ? rc : -1;
    }
    return rc;
}

void fixture_logout(fixture_users_t *u)
{
    for (size_t i = 0; u && i < sizeof s_users / sizeof s_users[0]; i++) {
        char **slot = (char **) ((char *) u + s_users[i].off);
        free(*slot);
        *slot = NULL;
    }
}

long long fixture_member_of(harness_t *h, const char *username)
{
    const char *p[1] = {username};
    return harness_sql_ll(h, "SELECT member_id FROM auth.users WHERE username = $1", 1, p);
}

/* ---- dates on the stack's clock ------------------------------------------------------ */

calendar_day_t fixture_today(void)
{
    return calendar_day_of_us(time_now_us());
}

void fixture_month_after(calendar_day_t day, int k, char out[8], int *year, int *month)
{
    int y, m;
    calendar_day_to_ymd(day, &y, &m, NULL);
    int idx = y * 12 + (m - 1) + k;
    y = idx / 12;
    m = idx % 12 + 1;
    snprintf(out, 8, "%04d-%02d", (y % 10000 + 10000) % 10000, (m % 100 + 100) % 100);
    if (year)
        *year = y;
    if (month)
        *month = m;
}

calendar_t *fixture_calendar(harness_t *h)
{
    calendar_t *cal = calendar_new();
    PGresult *r = cal ? harness_sql(h, "SELECT year::text, day::text, kind, name"
                                       " FROM core.calendar_days UNION ALL"
                                       " SELECT year::text, NULL, NULL, NULL"
                                       " FROM core.calendar_years", 0, NULL) : NULL;
    int ok = r != NULL;
    for (int i = 0; ok && i < PQntuples(r); i++) {
        calendar_day_t d;
        if (PQgetisnull(r, i, 1))
            ok = calendar_mark_year(cal, atoi(PQgetvalue(r, i, 0))) == 0;
        else
            ok = calendar_day_parse(PQgetvalue(r, i, 1), &d) == 0
                 && calendar_add(cal, d, strcmp(PQgetvalue(r, i, 2), "workday") == 0
                                 ? CALENDAR_WORKDAY : CALENDAR_HOLIDAY,
                                 PQgetvalue(r, i, 3)) == 0;
    }
    if (r)
        PQclear(r);
    if (!ok)
        calendar_destroy(&cal);
    return cal;
}

int fixture_workday_from(harness_t *h, calendar_day_t day, calendar_day_t *out)
{
    calendar_t *cal = fixture_calendar(h);
    int rc = cal ? calendar_next_workday(cal, day, out) : -1;
    calendar_destroy(&cal);
    return rc;
}

const char *fixture_date(calendar_day_t day, char out[11])
{
    if (calendar_day_format(day, out, 11) != 0)
        snprintf(out, 11, "?");
    return out;
}

/* ---- proposals in bulk ----------------------------------------------------------------- */

static int s_cmp_double(const void *a, const void *b)
{
    double x = *(const double *) a, y = *(const double *) b;
    return x < y ? -1 : x > y;
}

/* Outputs of the run into `out` and ids[]. */
static void s_phase_tally(harness_item_t *items, fixture_id_t *ids, size_t n, const char *event,
                          long want, fixture_phase_t *out)
{
    double *lat = calloc(n ? n : 1, sizeof *lat);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (!items[i].path)
            continue;
        if (items[i].status == want) {
            out->ok++;
            if (!event) {
                json_t *o = json_loads(items[i].resp ? items[i].resp : "", 0, NULL);
                const char *id = json_string_value(json_object_get(o, "id"));
                snprintf(ids[i], sizeof ids[i], "%s", id ? id : "");
                json_decref(o);
            }
        } else {
            out->failed++;
            ids[i][0] = '\0';
        }
        if (lat)
            lat[k++] = items[i].secs * 1000.0;
    }
    if (lat && k) {
        qsort(lat, k, sizeof *lat, s_cmp_double);
        out->p99_ms = lat[(size_t) ((double) (k - 1) * 0.99)];
    }
    free(lat);
}

int fixture_proposal_phase(harness_t *h, const char *district, fixture_id_t *ids, size_t n,
                           const char *event, const char *token, const char *body, long want,
                           int concurrency, int per_s, void (*mid)(void *arg), void *arg,
                           fixture_phase_t *out)
{
    harness_item_t *items = calloc(n ? n : 1, sizeof *items);
    size_t sent = 0;
    memset(out, 0, sizeof *out);
    if (!items)
        return -1;
    for (size_t i = 0; i < n; i++) {
        char path[160];
        if (event && !ids[i][0])
            continue;                   /* failed in an earlier phase */
        if (event)
            snprintf(path, sizeof path, "/v1/districts/%s/proposals/%s/%s", district, ids[i],
                     event);
        else
            snprintf(path, sizeof path, "/v1/districts/%s/proposals", district);
        items[sent].method = "POST";
        items[sent].path = strdup(path);
        items[sent].token = token;
        items[sent].body = body;
        sent++;
    }
    /* the items are packed: keep the order of ids by moving them alike */
    fixture_id_t *packed = calloc(n ? n : 1, sizeof *packed);
    for (size_t i = 0, k = 0; packed && i < n; i++)
        if (!event || ids[i][0])
            snprintf(packed[k++], sizeof packed[0], "%s", ids[i]);
    int64_t t0 = harness_now_ms();
    harness_load_t *load = packed ? harness_load_start(h, items, sent, concurrency, per_s) : NULL;
    int rc = load ? 0 : -1;
    if (load && mid) {
        while (harness_load_done(load) < sent / 2)
            harness_sleep_ms(5);
        mid(arg);
    }
    harness_load_wait(&load);
    out->secs = (double) (harness_now_ms() - t0) / 1000.0;
    if (rc == 0) {
        s_phase_tally(items, packed, sent, event, want, out);
        for (size_t i = 0; i < n; i++)
            ids[i][0] = '\0';
        for (size_t i = 0; i < sent; i++)
            snprintf(ids[i], sizeof ids[i], "%s", packed[i]);
    }
    harness_items_free(items, sent);
    for (size_t i = 0; i < sent; i++)
        free((char *) items[i].path);
    free(items);
    free(packed);
    return rc;
}

void fixture_rss(harness_t *h, const char *name, long *rss_kb, long *hwm_kb)
{
    char path[64], line[256];
    pid_t pid = harness_pid(h, name);
    FILE *f;
    *rss_kb = *hwm_kb = -1;
    snprintf(path, sizeof path, "/proc/%d/status", (int) pid);
    if (pid > 0 && (f = fopen(path, "r"))) {
        while (fgets(line, sizeof line, f)) {
            sscanf(line, "VmRSS: %ld kB", rss_kb);
            sscanf(line, "VmHWM: %ld kB", hwm_kb);
        }
        fclose(f);
    }
}
long long fixture_cpu_ticks(pid_t pid)
{
    char path[64], buf[1024], *p;
    unsigned long long ut = 0, st = 0;
    FILE *f;
    size_t n;

    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    if (pid <= 0 || !(f = fopen(path, "r")))
        return 0;
    n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    /* after "(comm)": state ppid pgrp session tty tpgid flags minflt cminflt
     * majflt cmajflt utime stime */
    if (!(p = strrchr(buf, ')')) ||
        sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut, &st) != 2)
        return 0;
    return (long long)(ut + st);
}

int fixture_backends(harness_t *h, const char *app, pid_t *out, int max)
{
    const char *params[] = { app };
    PGresult *r = harness_sql(h, "SELECT pid FROM pg_stat_activity WHERE datname ="
                              " current_database() AND application_name = $1", 1, params);
    int n = 0;

    for (int i = 0; r && i < PQntuples(r) && n < max; i++)
        out[n++] = (pid_t)atoi(PQgetvalue(r, i, 0));
    PQclear(r);
    return n;
}

/* ---- the audit chain ------------------------------------------------------------------ */

int fixture_audit_append(harness_t *h, const char *program, const char *district, int n)
{
    char key[64];
    snprintf(key, sizeof key, "%s.pg_dsn", program);
    const char *dsn = harness_conf(h, key);
    db_t *db = dsn ? db_new(dsn) : NULL;
    tx_t *tx = tx_new("test");
    Lianxin__V1__Actor actor = LIANXIN__V1__ACTOR__INIT;
    actor.user_id = 9;
    actor.role = "office";
    int rc = db && tx && db_connect(db) == 0 && tx_begin(tx, db) == 0 ? 0 : -1;
    for (int i = 0; rc == 0 && i < n; i++)
        rc = tx_audit(tx, district, &actor, "test.append", "test", "1", &i, sizeof i);
    if (rc == 0)
        rc = tx_commit(tx);
    if (rc != 0) {
        tx_rollback(tx);
        fprintf(stderr, "fixture_audit_append as %s: %s\n", program, db ? db_error(db) : "no dsn");
    }
    tx_destroy(&tx);
    db_destroy(&db);
    return rc;
}

/* ---- lianxin-assess ------------------------------------------------------------------- */

int fixture_assess_caught_up(harness_t *h, const char *district, int ms)
{
    const char *p[1] = {district};
    return api_wait_sqlp(h,
        "SELECT CASE WHEN coalesce((SELECT sum(s.next - 1 - coalesce(c.seq, 0))"
        " FROM bus.streams s LEFT JOIN bus.cursors c ON c.district_code = s.district_code"
        " AND c.producer = s.producer AND c.consumer = 'assess'"
        " WHERE s.district_code = $1 AND s.producer IN ('intake', 'proposal', 'consult',"
        " 'supervise', 'assess')), 0) = 0 THEN 1 ELSE 0 END", 1, harness_ms(h, ms), 1, p) == 1
        ? 0 : -1;
}

long long fixture_assess_fingerprint(harness_t *h, const char *district, const char *year)
{
    const char *p[2] = {district, year};
    return harness_sql_ll(h,
        "SELECT ('x' || left(md5(coalesce((SELECT string_agg(concat_ws('|', member_id, kind,"
        " source, source_id, on_date, status, title), ',' ORDER BY member_id, kind, source,"
        " source_id) FROM assess.acts WHERE district_code = $1 AND year = $2::int), '')"
        " || coalesce((SELECT string_agg(concat_ws('|', member_id, points, missing, five,"
        " counts, plenary_absences, activity_absences), ',' ORDER BY member_id) FROM"
        " assess.files WHERE district_code = $1 AND year = $2::int), '')), 15))::bit(60)::bigint",
        2, p);
}
