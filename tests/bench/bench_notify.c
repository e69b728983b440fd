/* bench_notify: lianxin-notify's figures (make bench; not part of make
 * test), on a fresh database of the integration harness, bus and notify
 * only:
 *   catch-up  1,000,000 visit.recorded events of district 330304 written
 *             into bus.events with COPY while notify is down, then notify
 *             starts: events/s until its cursor holds the last one (target
 *             >= 50,000);
 *   latency   (first at a steady state, then again right after the catch-up)
 *             visit.recorded events of district 330303 at 1,000 a second,
 *             committed through common/tx by 2 producers group-committing
 *             (what is due when a transaction begins goes into it, as the
 *             services batch) and published on the bus after COMMIT; a poller sees the newest inbox
 *             item's event number: commit -> inbox row visible, p50/p99/max
 *             (target p99 <= 10 ms; the poller's ~1 ms period is included);
 *   smtp      2,000 e-mail deliveries pending, notify restarted with the
 *             loopback SMTP server (tests/integration/notify_sinks.py):
 *             deliveries/s until every one is sent.
 * Exit 0 when it ran, 2 when it could not. LIANXIN_BENCH_EVENTS overrides
 * the backlog, LIANXIN_BENCH_RATE_EVENTS the latency run's count. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <libpq-fe.h>
#include <zmq.h>
#include "bus.h"
#include "config.h"
#include "db.h"
#include "envelope.pb-c.h"
#include "fixtures.h"
#include "harness.h"
#include "intake.pb-c.h"
#include "sinks.h"
#include "timeutil.h"
#include "tx.h"

#define D_LIVE "330303"
#define D_BACKLOG "330304"
#define RATE 1000
#define DELIVERIES 2000

static int64_t s_rota[3] = {1, 2, 3};

/* A visit.recorded payload for visit `id` (three on the rota, a head). */
static size_t s_visit(long id, const char *received_at, uint8_t *buf)
{
    Lianxin__V1__VisitRecorded v = LIANXIN__V1__VISIT_RECORDED__INIT;
    v.visit_id = id;
    v.workroom_id = 1;
    v.received_at = (char *) received_at;
    v.rota_member_ids = s_rota;
    v.n_rota_member_ids = 3;
    v.head_member_id = 4;
    v.workroom_name = "龙湾区政协委员工作室";
    return buf ? protobuf_c_message_pack(&v.base, buf) : 0;
}

/* ---- catch-up ------------------------------------------------------------------------ */

static int s_copy_line(PGconn *c, long seq, const char *at, char *line, size_t cap)
{
    uint8_t payload[256], env[512];
    Lianxin__V1__Event ev = LIANXIN__V1__EVENT__INIT;
    ev.district = D_BACKLOG; ev.producer = "intake"; ev.seq = seq; ev.type = "visit.recorded";
    ev.occurred_at = time_now_us();
    ev.payload.len = s_visit(seq, at, payload);
    ev.payload.data = payload;
    size_t n = protobuf_c_message_pack(&ev.base, env);
    int o = snprintf(line, cap, D_BACKLOG "\tintake\t%ld\tvisit.recorded\t%s\t\\\\x", seq, at);
    for (size_t b = 0; b < n; b++)
        o += snprintf(line + o, cap - (size_t) o, "%02x", env[b]);
    line[o++] = '\n';
    return PQputCopyData(c, line, o) == 1 ? 0 : -1;
}

/* Writes `n` events with COPY (seq 1..n; the backlog district has none yet). 0 or -1. */
static int s_fill(harness_t *h, long n)
{
    static char line[2048];
    char at[40];
    PGconn *c = PQconnectdb(harness_dsn(h));
    int rc = -1;
    time_format(time_now_us(), at, sizeof at);
    if (PQstatus(c) != CONNECTION_OK)
        goto done;
    PGresult *r = PQexec(c, "COPY bus.events (district_code, producer, seq, type, occurred_at,"
                            " envelope) FROM STDIN");
    int ok = PQresultStatus(r) == PGRES_COPY_IN;
    PQclear(r);
    for (long i = 1; ok && i <= n; i++)
        ok = s_copy_line(c, i, at, line, sizeof line) == 0;
    if (!ok || PQputCopyEnd(c, NULL) != 1)
        goto done;
    r = PQgetResult(c);
    rc = PQresultStatus(r) == PGRES_COMMAND_OK ? 0 : -1;
    PQclear(r);
    r = PQexec(c, "INSERT INTO bus.streams (district_code, producer, next) SELECT '" D_BACKLOG
                  "', 'intake', max(seq) + 1 FROM bus.events WHERE district_code = '" D_BACKLOG
                  "' ON CONFLICT (district_code, producer) DO UPDATE SET next = EXCLUDED.next");
    rc = rc == 0 && PQresultStatus(r) == PGRES_COMMAND_OK ? 0 : -1;
    PQclear(r);
done:
    if (rc != 0)
        fprintf(stderr, "bench_notify: copy failed: %s", PQerrorMessage(c));
    PQfinish(c);
    return rc;
}

static int s_catch_up(harness_t *h, long n)
{
    int64_t t0 = harness_now_ms();
    if (s_fill(h, n) != 0)
        return -1;
    printf("bench_notify: catch-up: %ld events written with COPY in %.1f s\n", n,
           (double) (harness_now_ms() - t0) / 1000.0);
    t0 = harness_now_ms();
    if (harness_start(h, "notify") != 0)
        return -1;
    char q[200];
    snprintf(q, sizeof q, "SELECT coalesce(max(seq), 0) FROM bus.cursors WHERE consumer = 'notify'"
             " AND district_code = '" D_BACKLOG "' AND producer = 'intake'");
    long long seq = 0, pg_ticks = 0;
    pid_t pg[16];
    int npg = 0;
    while ((seq = harness_sql_ll(h, q, 0, NULL)) < n && harness_now_ms() - t0 < 600000) {
        if (npg == 0)
            npg = fixture_backends(h, "lianxin-notify", pg, 16);
        for (int i = 0; i < npg; i++)       /* the last reading before they may go */
            pg_ticks = i == 0 ? fixture_cpu_ticks(pg[i]) : pg_ticks + fixture_cpu_ticks(pg[i]);
        harness_sleep_ms(100);
    }
    double secs = (double) (harness_now_ms() - t0) / 1000.0;
    double tick_us = 1e6 / (double) sysconf(_SC_CLK_TCK);
    printf("bench_notify: catch-up: CPU per event: notify %.1f us, its PostgreSQL backends"
           " %.1f us\n", (double) fixture_cpu_ticks(harness_pid(h, "notify")) * tick_us / n,
           (double) pg_ticks * tick_us / n);
    long long items = harness_sql_ll(h, "SELECT count(*) FROM notify.items WHERE district_code"
                                        " = '" D_BACKLOG "'", 0, NULL);
    printf("bench_notify: catch-up: %lld of %ld events applied in %.1f s (from notify's start)"
           " = %.0f events/s; %lld inbox items (target >= 50000 events/s)\n", seq, n, secs,
           secs > 0 ? (double) seq / secs : 0.0, items);
    return seq >= n ? 0 : -1;
}

/* ---- latency ------------------------------------------------------------------------- */

typedef struct poll {
    harness_t *h;
    long n, base;                   /* this run's visits: ids base + 1 .. base + n */
    int64_t *seen_us;               /* [visit id - base - 1]: when its item was first seen */
    volatile int stop;
} poll_t;

/* Reads the new inbox items of the live district (by id) every ~0.5 ms. */
static void *s_poller(void *arg)
{
    poll_t *p = arg;
    PGconn *c = PQconnectdb(harness_dsn(p->h));
    char last[24] = "0";
    const char *param[1] = {last};
    while (!p->stop && PQstatus(c) == CONNECTION_OK) {
        PGresult *r = PQexecParams(c, "SELECT id, object_id::bigint FROM notify.items WHERE"
                                   " district_code = '" D_LIVE "' AND id > $1::bigint"
                                   " AND source_producer = 'intake' ORDER BY id", 1, NULL,
                                   param, NULL, NULL, 0);
        int64_t now = time_real_us();
        for (int i = 0; PQresultStatus(r) == PGRES_TUPLES_OK && i < PQntuples(r); i++) {
            long v = atol(PQgetvalue(r, i, 1)) - p->base;
            if (v >= 1 && v <= p->n && p->seen_us[v - 1] == 0)
                p->seen_us[v - 1] = now;
            snprintf(last, sizeof last, "%s", PQgetvalue(r, i, 0));
        }
        PQclear(r);
        struct timespec ts = {0, 500000};
        nanosleep(&ts, NULL);
    }
    PQfinish(c);
    return NULL;
}

static int s_cmp(const void *a, const void *b)
{
    int64_t x = *(const int64_t *) a, y = *(const int64_t *) b;
    return (x > y) - (x < y);
}

#define PRODUCERS 2

typedef struct producer {
    harness_t *h;
    void *zctx;
    const curve_client_t *keys;
    const char *xsub;
    int k;
    long n, base;
    int64_t t0, *commit_us;
    int rc;
} producer_t;

/* Buffers visit i (id base + i + 1) in the open transaction. 0 or -1. */
static int s_buffer(tx_t *tx, long base, long i)
{
    char at[40];
    time_format(time_now_us(), at, sizeof at);
    Lianxin__V1__VisitRecorded v = LIANXIN__V1__VISIT_RECORDED__INIT;
    v.visit_id = base + i + 1;
    v.workroom_id = 1;
    v.received_at = at;
    v.rota_member_ids = s_rota;
    v.n_rota_member_ids = 3;
    v.head_member_id = 4;
    return tx_event(tx, D_LIVE, "visit.recorded", NULL, &v.base);
}

/* Visits k, k+PRODUCERS, ... (ids from 1) on the common schedule of RATE a
 * second, group-committed as the services do: every visit due by the time
 * a transaction begins goes into it; published after COMMIT. */
static void *s_producer(void *arg)
{
    producer_t *w = arg;
    bus_pub_t *pub = bus_pub_new(w->zctx, w->xsub, w->keys);
    db_t *db = db_new(harness_dsn(w->h));
    tx_t *tx = tx_new("intake");
    w->rc = pub && db && tx ? 0 : -1;
    harness_sleep_ms(500);                          /* the publisher's CURVE handshake */
    for (long i = w->k; w->rc == 0 && i < w->n;) {
        int64_t due = w->t0 + i * (1000000 / RATE), now = time_real_us();
        if (due > now) {
            struct timespec ts = {0, (long) (due - now) * 1000};
            nanosleep(&ts, NULL);
        }
        long first = i;
        w->rc = tx_begin(tx, db);
        now = time_real_us();
        for (; w->rc == 0 && i < w->n && w->t0 + i * (1000000 / RATE) <= now; i += PRODUCERS)
            w->rc = s_buffer(tx, w->base, i);
        if (w->rc == 0)
            w->rc = tx_commit(tx);
        now = time_real_us();
        for (long j = first; j < i; j += PRODUCERS)
            w->commit_us[j] = now;
        if (w->rc == 0)
            tx_publish(tx, pub);
    }
    tx_destroy(&tx);
    db_destroy(&db);
    bus_pub_destroy(&pub);
    return NULL;
}

static int s_produce(harness_t *h, long n, long base, int64_t *commit_us)
{
    config_t *cfg = config_load(harness_config(h));
    curve_client_t keys;
    void *zctx = zmq_ctx_new();
    pthread_t th[PRODUCERS];
    producer_t w[PRODUCERS];
    int rc = cfg && zctx && curve_client_from_config(cfg, "intake", "bus", &keys) == 0 ? 0 : -1;
    int64_t t0 = time_real_us() + 1000000;
    for (int k = 0; rc == 0 && k < PRODUCERS; k++) {
        w[k] = (producer_t) {.h = h, .zctx = zctx, .keys = &keys, .k = k, .n = n, .base = base,
                             .t0 = t0,
                             .commit_us = commit_us, .xsub = config_get(cfg, "bus.xsub", "")};
        rc = pthread_create(&th[k], NULL, s_producer, &w[k]);
        for (int j = 0; rc != 0 && j < k; j++)
            pthread_join(th[j], NULL);
    }
    for (int k = 0; rc == 0 && k < PRODUCERS; k++) {
        pthread_join(th[k], NULL);
        rc |= w[k].rc;
    }
    zmq_ctx_term(zctx);
    config_destroy(&cfg);
    return rc;
}

/* One latency run of n visits (ids base + 1 ..), `when` naming it. */
static int s_latency(harness_t *h, long n, long base, const char *when)
{
    poll_t p = {.h = h, .n = n, .base = base};
    int64_t *commit_us = calloc((size_t) n, sizeof *commit_us);
    p.seen_us = calloc((size_t) n, sizeof *p.seen_us);
    pthread_t th;
    if (!commit_us || !p.seen_us || pthread_create(&th, NULL, s_poller, &p) != 0)
        return -1;
    int64_t t0 = harness_now_ms();
    int rc = s_produce(h, n, base, commit_us);
    double secs = (double) (harness_now_ms() - t0) / 1000.0 - 1.0;  /* the start delay */
    long seen = 0;
    for (int waited = 0; waited < 30000; waited += 100) {
        for (seen = 0; seen < n && p.seen_us[seen] > 0; seen++)
            ;
        if (seen == n)
            break;
        harness_sleep_ms(100);
    }
    p.stop = 1;
    pthread_join(th, NULL);
    seen = 0;
    for (long i = 0; i < n; i++)
        if (p.seen_us[i] > 0)
            commit_us[seen++] = p.seen_us[i] - commit_us[i];
    qsort(commit_us, (size_t) seen, sizeof *commit_us, s_cmp);
    if (seen > 0)
        printf("bench_notify: latency (%s): %ld events in %.1f s (%.0f/s, %d producers), %ld"
               " seen in the inbox; commit -> inbox row p50 %.2f ms, p99 %.2f ms, max %.2f ms"
               " (target p99 <= 10 ms)\n", when, n, secs, n / secs, PRODUCERS, seen,
               commit_us[seen / 2] / 1000.0, commit_us[seen * 99 / 100] / 1000.0,
               commit_us[seen - 1] / 1000.0);
    free(commit_us);
    free(p.seen_us);
    return rc == 0 && seen == n ? 0 : -1;
}

/* ---- smtp ---------------------------------------------------------------------------- */

static int s_smtp(harness_t *h)
{
    sink_t smtp = {0};
    char v[64];
    if (harness_stop(h, "notify") != 0 || sink_start(h, &smtp, "smtp", "smtp", "0") != 0)
        return -1;
    snprintf(v, sizeof v, "smtp://127.0.0.1:%d", smtp.port);
    harness_set(h, "notify.smtp_url", v);
    harness_set(h, "notify.smtp_from", "lianxin@example.org");
    harness_set(h, "notify.deliver_poll_ms", "20");
    PGresult *r = harness_sql(h, "INSERT INTO notify.deliveries (district_code, id, channel,"
        " recipient_kind, recipient_id, address, idem_key, subject, body, next_at, created_at)"
        " SELECT '" D_LIVE "', nextval('notify.delivery_ids'), 'email', 'member', 1 + g % 50,"
        " 'm' || g % 50 || '@example.org', 'bench/' || g, '【政协连心】基准', '基准测试邮件正文',"
        " core.clock_now(), core.clock_now() FROM generate_series(1, 2000) g", 0, NULL);
    PQclear(r);
    int64_t t0 = harness_now_ms();
    long long sent = 0;
    if (harness_start(h, "notify") != 0)
        return -1;
    while ((sent = harness_sql_ll(h, "SELECT count(*) FROM notify.deliveries WHERE idem_key LIKE"
                                     " 'bench/%' AND status = 'sent'", 0, NULL)) < DELIVERIES
           && harness_now_ms() - t0 < 600000)
        harness_sleep_ms(100);
    double secs = (double) (harness_now_ms() - t0) / 1000.0;
    int got = sink_count(&smtp, "bench/");
    printf("bench_notify: smtp: %lld of %d e-mails sent in %.1f s = %.0f deliveries/s;"
           " the SMTP server logged %d\n", sent, DELIVERIES, secs, sent / secs, got);
    sink_stop(&smtp);
    return sent == DELIVERIES ? 0 : -1;
}

int main(void)
{
    const char *env = getenv("LIANXIN_BENCH_EVENTS"), *rate = getenv("LIANXIN_BENCH_RATE_EVENTS");
    long n = env ? atol(env) : 1000000, m = rate ? atol(rate) : 10 * RATE;
    harness_t *h = harness_new("bench_notify");
    if (!h || n <= 0 || m <= 0 || harness_start(h, "bus") != 0) {
        harness_destroy(&h);
        return 2;
    }
    /* the latency at a steady state first; then again right after the
     * catch-up, while PostgreSQL still digests a million new rows (autovacuum,
     * the inbox's GIN pending list, a checkpoint): both are printed */
    int rc = harness_start(h, "notify");
    rc |= s_latency(h, m, 0, "steady");
    rc |= harness_stop(h, "notify");
    rc |= s_catch_up(h, n);
    rc |= s_latency(h, m, m, "right after the catch-up");
    rc |= s_smtp(h);
    harness_stop_all(h);
    harness_destroy(&h);
    return rc == 0 ? 0 : 2;
}
