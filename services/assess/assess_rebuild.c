/* assess_rebuild: see assess_rebuild.h. Reads only the event types the
 * routes know, in pages per stream; never prints a payload. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "assess_app.h"
#include "assess_map.h"
#include "assess_routes.h"
#include "assess_store.h"
#include "config.h"
#include "db.h"
#include "log.h"
#include "timeutil.h"

#define PAGE 5000

typedef struct job {
    const char *district;
    int year;
    db_t *db;
    tx_t *tx;
    int64_t facts;              /* acts written */
    char *types;                /* the routes' types as an array text */
    int64_t read, total;
    int64_t malformed;          /* events skipped: no route, or a payload that does not unpack */
    assess_batch_t batch;
    struct timespec t0;
} job_t;

static double s_elapsed(const job_t *j)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double) (t.tv_sec - j->t0.tv_sec) + (double) (t.tv_nsec - j->t0.tv_nsec) / 1e9;
}

static void s_progress(const job_t *j, const char *what)
{
    double s = s_elapsed(j);
    fprintf(stderr, "rebuild %s: %lld/%lld events (%lld skipped), %lld acts, %.1f s,"
            " %.0f events/s\n", what, (long long) j->read, (long long) j->total,
            (long long) j->malformed, (long long) j->facts, s,
            s > 0 ? (double) j->read / s : 0.0);
}

static const evroute_t *s_route(const char *type)
{
    for (size_t i = 0; type && i < assess_nroutes; i++)
        if (strcmp(assess_routes[i].type, type) == 0)
            return &assess_routes[i];
    return NULL;
}

/* The facts of one event of the year into the batch (the live consumer's
 * mapping: assess_map). */
static void s_event(job_t *j, const Lianxin__V1__Event *ev)
{
    assess_fact_t facts[ASSESS_FACTS_MAX];
    const evroute_t *route = s_route(ev->type);
    ProtobufCMessage *msg = route ? protobuf_c_message_unpack(route->payload, NULL,
                                                              ev->payload.len, ev->payload.data)
                                  : NULL;
    if (!msg) {
        j->malformed++;
        return;
    }
    size_t n = assess_map_event(ev->type, msg, ev->occurred_at, facts, ASSESS_FACTS_MAX);
    for (size_t i = 0; i < n; i++)
        if (assess_year_of(facts[i].day) == j->year) {
            assess_batch_add(&j->batch, ev, &facts[i]);
            j->facts++;
        }
    protobuf_c_message_free_unpacked(msg, NULL);
}

/* Applies one page of a stream after `*after`; the number of rows, or -1. */
static int s_page(job_t *j, const char *producer, int64_t *after)
{
    char a[24], l[16];
    snprintf(l, sizeof l, "%d", PAGE);
    const char *p[5] = {j->district, producer, db_num(a, *after), l, j->types};
    PGresult *r = db_exec(tx_db(j->tx),
        "SELECT seq, envelope FROM bus.events WHERE district_code = $1 AND producer = $2"
        " AND seq > $3::bigint AND type = ANY ($5::text[]) ORDER BY seq LIMIT $4::int", 5, p);
    if (!r)
        return -1;
    int rows = PQntuples(r);
    for (int i = 0; i < rows; i++) {
        size_t len = 0;
        unsigned char *raw = PQunescapeBytea((const unsigned char *) PQgetvalue(r, i, 1), &len);
        Lianxin__V1__Event *ev = raw ? lianxin__v1__event__unpack(NULL, len, raw) : NULL;
        PQfreemem(raw);
        *after = strtoll(PQgetvalue(r, i, 0), NULL, 10);
        if (ev && ev->seq == *after && strcmp(ev->district, j->district) == 0
            && strcmp(ev->producer, producer) == 0)
            s_event(j, ev);
        else
            j->malformed++;
        lianxin__v1__event__free_unpacked(ev, NULL);
        if (++j->read % 100000 == 0)
            s_progress(j, "progress");
    }
    PQclear(r);
    return assess_batch_flush(j->tx, j->district, producer, &j->batch) == 0 ? rows : -1;
}

static int s_count(job_t *j, const char *producers)
{
    const char *p[3] = {j->district, producers, j->types};
    PGresult *r = db_exec(tx_db(j->tx),
        "SELECT count(*) FROM bus.events WHERE district_code = $1"
        " AND producer = ANY (string_to_array($2, ',')) AND type = ANY ($3::text[])", 3, p);
    if (!r)
        return -1;
    j->total = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
    PQclear(r);
    return 0;
}

static int s_clear(job_t *j)
{
    char y[12];
    snprintf(y, sizeof y, "%d", j->year);
    const char *p[2] = {j->district, y};
    if (db_run(tx_db(j->tx), "DELETE FROM assess.acts WHERE district_code = $1 AND year = $2::int",
               2, p) != 0)
        return -1;
    return db_run(tx_db(j->tx), "DELETE FROM assess.files WHERE district_code = $1"
                                " AND year = $2::int", 2, p);
}

static int s_replay(job_t *j)
{
    char names[8][CONFIG_NAME_MAX];
    int n = config_split(ASSESS_PRODUCERS, names, 8), members = 0;
    if (s_count(j, ASSESS_PRODUCERS) != 0 || s_clear(j) != 0)
        return -1;
    for (int i = 0; i < n; i++) {
        int64_t after = 0;
        int rows;
        while ((rows = s_page(j, names[i], &after)) == PAGE)
            ;
        if (rows < 0)
            return -1;
    }
    s_progress(j, "replayed");
    if (assess_store_refresh_year(j->tx, j->district, j->year, &members) != 0)
        return -1;
    fprintf(stderr, "rebuild files: %d members recomputed, %.1f s\n", members, s_elapsed(j));
    return 0;
}

static char *s_types(void)
{
    const char *t[16];
    for (size_t i = 0; i < assess_nroutes && i < 16; i++)
        t[i] = assess_routes[i].type;
    size_t cap = 2;
    for (size_t i = 0; i < assess_nroutes; i++)
        cap += strlen(t[i]) + 1;
    char *s = malloc(cap), *o = s;
    if (!s)
        return NULL;
    *o++ = '{';
    for (size_t i = 0; i < assess_nroutes; i++)
        o += sprintf(o, "%s%s", i ? "," : "", t[i]);
    strcpy(o, "}");
    return s;
}

static int s_run(job_t *j, const char *dsn)
{
    int rc = 2;
    j->db = db_new(dsn);
    j->tx = tx_new("assess");
    j->types = s_types();
    assess_batch_begin(&j->batch);
    clock_gettime(CLOCK_MONOTONIC, &j->t0);
    if (!j->db || !j->tx || !j->types || db_connect(j->db) != 0 || tx_begin(j->tx, j->db) != 0) {
        fprintf(stderr, "rebuild: cannot connect to the database\n");
    } else if (s_replay(j) != 0) {
        fprintf(stderr, "rebuild: failed (%s); nothing changed\n", db_error(j->db));
        tx_rollback(j->tx);
    } else if (tx_commit(j->tx) != 0) {
        fprintf(stderr, "rebuild: commit failed; nothing changed\n");
    } else {
        s_progress(j, "done");
        rc = 0;
    }
    free(j->types);
    assess_batch_free(&j->batch);
    tx_destroy(&j->tx);
    db_destroy(&j->db);
    return rc;
}

int assess_rebuild_main(int argc, char **argv)
{
    job_t j;
    const char *dsn = NULL, *year = NULL;
    memset(&j, 0, sizeof j);
    for (int i = 1; i + 1 < argc; i++) {
        if (strcmp(argv[i], "--district") == 0)
            j.district = argv[++i];
        else if (strcmp(argv[i], "--year") == 0)
            year = argv[++i];
        else if (strcmp(argv[i], "--dsn") == 0)
            dsn = argv[++i];
    }
    j.year = year ? atoi(year) : 0;
    if (!j.district || !db_ident_ok(j.district, 0) || j.year < 2000 || j.year > 2200) {
        fprintf(stderr, "usage: lianxin-assess rebuild [-c CONFIG] --district D --year YYYY"
                        " [--dsn DSN]\n");
        return 1;
    }
    config_t *cfg = config_load(config_path_from_args(argc, argv));
    if (!dsn)
        dsn = cfg ? config_pg_dsn(cfg, "assess") : NULL;
    if (!dsn) {
        fprintf(stderr, "rebuild: no assess.pg_dsn in the config and no --dsn\n");
        config_destroy(&cfg);
        return 1;
    }
    log_init("assess", config_get(cfg, "log.level", "info"));
    time_clock_init();
    int rc = s_run(&j, dsn);
    config_destroy(&cfg);
    return rc;
}
