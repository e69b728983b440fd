/* The database path against a REAL PostgreSQL (no services): outbox numbering
 * under concurrency, the audit chain, the consumer with a real bus, leases.
 * Makes and drops its own database; never skips (no LIANXIN_TEST_PG* env: fails). */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include <zmq.h>

#include "audit.h"
#include "bus.h"
#include "consumer.h"
#include "lease.h"
#include "tx.h"
#include "txq.h"

#define D1 "330303"
#define D2 "330304"
#define WRITERS 4
#define ITERS 150

static char s_conninfo[512];        /* the test's own database */
static char s_admin[512];           /* the server's "postgres" database */
static char s_dbname[64];

/* ---- helpers ---------------------------------------------------------------- */

static void
s_sleep_ms(int ms)
{
    struct timespec ts = { ms / 1000, (long) (ms % 1000) * 1000000L };
    nanosleep(&ts, NULL);
}

static int64_t
s_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static db_t *
s_db(void)
{
    db_t *db = db_new(s_conninfo);
    assert_non_null(db);
    assert_int_equal(db_connect(db), 0);
    return db;
}

/* One integer from a query with text parameters. */
static long long
s_scalar(db_t *db, const char *sql, int n, const char *const *params)
{
    PGresult *res = db_exec(db, sql, n, params);
    if (!res)
        fprintf(stderr, "query failed: %s\n", db_error(db));
    assert_non_null(res);
    assert_int_equal(PQntuples(res), 1);
    long long v = PQgetisnull(res, 0, 0) ? -1 : strtoll(PQgetvalue(res, 0, 0), NULL, 10);
    PQclear(res);
    return v;
}

static void
s_exec_ok(db_t *db, const char *sql)
{
    int rc = db_run(db, sql, 0, NULL);
    if (rc != 0)
        fprintf(stderr, "statement failed: %s: %s\n", sql, db_error(db));
    assert_int_equal(rc, 0);
}

static int
s_event_value(tx_t *tx, const char *district, const char *type, int64_t value)
{
    Lianxin__V1__Int64Value v = LIANXIN__V1__INT64_VALUE__INIT;
    v.value = value;
    Lianxin__V1__Actor actor = LIANXIN__V1__ACTOR__INIT;
    actor.user_id = 1;
    actor.role = "system";
    return tx_event(tx, district, type, &actor, &v.base);
}

static int64_t
s_payload_value(const Lianxin__V1__Event *ev)
{
    Lianxin__V1__Int64Value *v =
        lianxin__v1__int64_value__unpack(NULL, ev->payload.len, ev->payload.data);
    assert_non_null(v);
    int64_t value = v->value;
    lianxin__v1__int64_value__free_unpacked(v, NULL);
    return value;
}

/* Envelopes of one stream in seq order, unpacked; *n receives the count. */
static Lianxin__V1__Event **
s_read_stream(db_t *db, const char *district, const char *producer, int *n)
{
    const char *params[] = { district, producer };
    PGresult *res = db_exec(db, "SELECT seq, envelope FROM bus.events WHERE district_code = $1"
                            " AND producer = $2 ORDER BY seq", 2, params);
    assert_non_null(res);
    *n = PQntuples(res);
    Lianxin__V1__Event **evs = calloc((size_t) *n + 1, sizeof *evs);
    for (int i = 0; i < *n; i++) {
        size_t len = 0;
        unsigned char *raw = PQunescapeBytea((const unsigned char *) PQgetvalue(res, i, 1), &len);
        evs[i] = lianxin__v1__event__unpack(NULL, len, raw);
        PQfreemem(raw);
        assert_non_null(evs[i]);
        assert_int_equal(evs[i]->seq, strtoll(PQgetvalue(res, i, 0), NULL, 10));
        assert_string_equal(evs[i]->district, district);
        assert_string_equal(evs[i]->producer, producer);
    }
    PQclear(res);
    return evs;
}

static void
s_free_stream(Lianxin__V1__Event **evs, int n)
{
    for (int i = 0; i < n; i++)
        lianxin__v1__event__free_unpacked(evs[i], NULL);
    free(evs);
}

static int
s_cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *) a, y = *(const int64_t *) b;
    return (x > y) - (x < y);
}

/* ---- (1) outbox numbering under concurrency ------------------------------- */

typedef struct {
    int id;
    int64_t values[ITERS * 8];      /* D1 values committed, in commit order */
    size_t nvalues;
    int64_t values2[ITERS];         /* D2 values committed */
    size_t nvalues2;
    int failures;
} s_writer_t;

static atomic_int s_writers_done;

/* Writers run on their own threads, where cmocka's asserts must not be
 * used: a failed check is counted (and reported by the main thread). */
#define W_CHECK(cond)                                                          \
    do {                                                                       \
        if (!(cond)) {                                                         \
            fprintf(stderr, "writer %d: check failed at line %d\n", w->id, __LINE__); \
            w->failures++;                                                     \
            tx_rollback(tx);                                                   \
            return;                                                            \
        }                                                                      \
    } while (0)

/* One iteration: a few events, sometimes a kept or an undone savepoint,
 * sometimes a second district (buffered first, so the commit must sort),
 * sometimes a rollback. Returns the number of D1 events committed. */
static void
s_write_once(s_writer_t *w, db_t *db, tx_t *tx, int i)
{
    int64_t base = (int64_t) w->id * 1000000 + i * 10, kept[8], kept2 = -1;
    int nkept = 0;
    W_CHECK(tx_begin(tx, db) == 0);
    if (i % 5 == 0) {
        W_CHECK(s_event_value(tx, D2, "t.two", base + 9) == 0);
        W_CHECK(tx_audit(tx, D2, NULL, "t.write", "t", "2", "s", 1) == 0);
        kept2 = base + 9;
    }
    for (int k = 0; k < 1 + (i + w->id) % 3; k++) {
        W_CHECK(s_event_value(tx, D1, "t.one", base + k) == 0);
        kept[nkept++] = base + k;
    }
    W_CHECK(tx_audit(tx, D1, NULL, "t.write", "t", "1", &i, sizeof i) == 0);
    if (i % 4 == 1) {                /* undone: its event and its failed SQL */
        W_CHECK(tx_savepoint(tx) == 0);
        W_CHECK(s_event_value(tx, D1, "t.one", base + 7) == 0);
        W_CHECK(db_run(tx_db(tx), "SELECT 1/0", 0, NULL) == -1);
        W_CHECK(tx_rollback_to(tx) == 0);
    } else if (i % 4 == 2) {         /* kept */
        W_CHECK(tx_savepoint(tx) == 0);
        W_CHECK(s_event_value(tx, D1, "t.one", base + 6) == 0);
        W_CHECK(tx_release(tx) == 0);
        kept[nkept++] = base + 6;
    }
    if (i % 7 == 3) {
        tx_rollback(tx);
        return;
    }
    if (tx_commit(tx) != 0) {
        w->failures++;
        return;
    }
    for (int k = 0; k < nkept; k++)
        w->values[w->nvalues++] = kept[k];
    if (kept2 >= 0)
        w->values2[w->nvalues2++] = kept2;
    W_CHECK(tx_publish(tx, NULL) == 0);
}

static void *
s_writer(void *arg)
{
    s_writer_t *w = arg;
    db_t *db = db_new(s_conninfo);
    tx_t *tx = tx_new("t1");
    for (int i = 0; i < ITERS; i++)
        s_write_once(w, db, tx, i);
    tx_destroy(&tx);
    db_destroy(&db);
    atomic_fetch_add(&s_writers_done, 1);
    return NULL;
}

typedef struct {
    int64_t last;
    int violations;
    int polls;
} s_reader_t;

/* Polls `seq > last` while the writers run: it must never see a number
 * before every smaller one (what a plain bigserial would show). */
static void *
s_reader(void *arg)
{
    s_reader_t *r = arg;
    db_t *db = db_new(s_conninfo);
    for (int quiet = 0; quiet < 2;) {
        int done = atomic_load(&s_writers_done) == WRITERS;
        char last[24];
        snprintf(last, sizeof last, "%lld", (long long) r->last);
        const char *params[] = { D1, last };
        if (db_connect(db) != 0)
            break;
        PGresult *res = db_exec(db, "SELECT seq FROM bus.events WHERE district_code = $1"
                                " AND producer = 't1' AND seq > $2::bigint ORDER BY seq", 2, params);
        if (!res)
            break;
        for (int i = 0; i < PQntuples(res); i++) {
            int64_t seq = strtoll(PQgetvalue(res, i, 0), NULL, 10);
            if (seq != r->last + 1)
                r->violations++;
            r->last = seq;
        }
        r->polls++;
        quiet = done && PQntuples(res) == 0 ? quiet + 1 : 0;
        PQclear(res);
    }
    db_destroy(&db);
    return NULL;
}

/* Every committed value is in the stream exactly once, no other, and each
 * writer's values appear in its commit order. */
static void
s_check_values(Lianxin__V1__Event **evs, int n, s_writer_t *w, int d2)
{
    int64_t *got = calloc((size_t) n + 1, sizeof *got), *want = calloc(ITERS * 8 * WRITERS, 8);
    int64_t last_of[WRITERS] = { -1, -1, -1, -1 };
    size_t nwant = 0;
    for (int i = 0; i < n; i++) {
        got[i] = s_payload_value(evs[i]);
        int id = (int) (got[i] / 1000000);
        assert_true(id >= 0 && id < WRITERS);
        assert_true(got[i] > last_of[id]);
        last_of[id] = got[i];
    }
    for (int t = 0; t < WRITERS; t++)
        for (size_t k = 0; k < (d2 ? w[t].nvalues2 : w[t].nvalues); k++)
            want[nwant++] = d2 ? w[t].values2[k] : w[t].values[k];
    assert_int_equal(nwant, (size_t) n);
    qsort(got, (size_t) n, sizeof *got, s_cmp_i64);
    qsort(want, nwant, sizeof *want, s_cmp_i64);
    assert_memory_equal(got, want, nwant * sizeof *want);
    free(got);
    free(want);
}

static void
s_check_gapless(db_t *db, const char *district, long long n)
{
    const char *params[] = { district };
    assert_int_equal(s_scalar(db, "SELECT count(*) FROM bus.events WHERE district_code = $1"
                              " AND producer = 't1'", 1, params), n);
    assert_int_equal(s_scalar(db, "SELECT count(DISTINCT seq) FROM bus.events"
                              " WHERE district_code = $1 AND producer = 't1'", 1, params), n);
    assert_int_equal(s_scalar(db, "SELECT min(seq) FROM bus.events WHERE district_code = $1"
                              " AND producer = 't1'", 1, params), 1);
    assert_int_equal(s_scalar(db, "SELECT max(seq) FROM bus.events WHERE district_code = $1"
                              " AND producer = 't1'", 1, params), n);
    assert_int_equal(s_scalar(db, "SELECT next FROM bus.streams WHERE district_code = $1"
                              " AND producer = 't1'", 1, params), n + 1);
}

static void
test_outbox_numbering(void **state)
{
    (void) state;
    static s_writer_t w[WRITERS];
    s_reader_t r = { 0 };
    pthread_t tw[WRITERS], tr;
    atomic_store(&s_writers_done, 0);
    assert_int_equal(pthread_create(&tr, NULL, s_reader, &r), 0);
    for (int t = 0; t < WRITERS; t++) {
        w[t].id = t;
        assert_int_equal(pthread_create(&tw[t], NULL, s_writer, &w[t]), 0);
    }
    for (int t = 0; t < WRITERS; t++)
        pthread_join(tw[t], NULL);
    pthread_join(tr, NULL);
    long long n1 = 0, n2 = 0;
    for (int t = 0; t < WRITERS; t++) {
        assert_int_equal(w[t].failures, 0);
        n1 += (long long) w[t].nvalues;
        n2 += (long long) w[t].nvalues2;
    }
    printf("# outbox: %lld + %lld events committed, reader polled %d times\n", n1, n2, r.polls);
    assert_true(n1 > ITERS * WRITERS);
    assert_int_equal(r.violations, 0);
    assert_int_equal(r.last, n1);
    db_t *db = s_db();
    s_check_gapless(db, D1, n1);
    s_check_gapless(db, D2, n2);
    int n = 0;
    Lianxin__V1__Event **evs = s_read_stream(db, D1, "t1", &n);
    s_check_values(evs, n, w, 0);
    s_free_stream(evs, n);
    evs = s_read_stream(db, D2, "t1", &n);
    s_check_values(evs, n, w, 1);
    s_free_stream(evs, n);
    char report[256];
    assert_int_equal(audit_verify(db, NULL, NULL, report, sizeof report), 0);
    db_destroy(&db);
}

/* ---- (2) the audit chain ------------------------------------------------- */

#define D3 "330305"

static void
test_audit_chain(void **state)
{
    (void) state;
    db_t *db = s_db();
    tx_t *tx = tx_new("t2");
    Lianxin__V1__Actor actor = LIANXIN__V1__ACTOR__INIT;
    actor.user_id = 9;
    actor.role = "office";
    for (int i = 0; i < 4; i++) {
        assert_int_equal(tx_begin(tx, db), 0);
        for (int k = 0; k <= i % 3; k++)
            assert_int_equal(tx_audit(tx, D3, &actor, "visit.record", "visit", "17", &k,
                                      sizeof k), 0);
        assert_int_equal(tx_commit(tx), 0);
    }
    const char *params[] = { D3 };
    long long rows = s_scalar(db, "SELECT count(*) FROM audit.trail WHERE district_code = $1",
                              1, params);
    assert_int_equal(rows, 1 + 2 + 3 + 1);
    assert_int_equal(s_scalar(db, "SELECT seq FROM audit.heads WHERE district_code = $1",
                              1, params), rows);
    assert_int_equal(s_scalar(db, "SELECT count(*) FROM audit.trail t JOIN audit.trail p"
                              " ON p.district_code = t.district_code AND p.seq = t.seq - 1"
                              " WHERE t.district_code = $1 AND t.prev_hash = p.hash",
                              1, params), rows - 1);
    char report[256];
    assert_int_equal(audit_verify(db, D3, NULL, report, sizeof report), 0);
    assert_int_equal(audit_verify(db, NULL, NULL, report, sizeof report), 0);

    /* audit.* refuses changes even to the owner (009); the tampering below
     * takes the superuser's maintenance path, as a rogue owner could */
    s_exec_ok(db, "SET session_replication_role = replica");
    s_exec_ok(db, "UPDATE audit.trail SET action = 'visit.erase' WHERE district_code = '330305'"
              " AND seq = 3");
    assert_int_equal(audit_verify(db, D3, NULL, report, sizeof report), 1);
    printf("# audit: %s\n", report);
    assert_string_equal(report, "district=330305 seq=3: hash mismatch");
    assert_int_equal(audit_verify(db, NULL, NULL, report, sizeof report), 1);
    assert_string_equal(report, "district=330305 seq=3: hash mismatch");
    s_exec_ok(db, "UPDATE audit.trail SET action = 'visit.record' WHERE district_code = '330305'"
              " AND seq = 3");
    assert_int_equal(audit_verify(db, D3, NULL, report, sizeof report), 0);

    s_exec_ok(db, "DELETE FROM audit.trail WHERE district_code = '330305' AND seq = 7");
    assert_int_equal(audit_verify(db, D3, NULL, report, sizeof report), 1);
    printf("# audit: %s\n", report);
    assert_non_null(strstr(report, "district=330305"));
    s_exec_ok(db, "DELETE FROM audit.trail WHERE district_code = '330305' AND seq = 4");
    assert_int_equal(audit_verify(db, D3, NULL, report, sizeof report), 1);
    assert_string_equal(report, "district=330305 seq=5: seq not continuous");
    tx_destroy(&tx);
    db_destroy(&db);
}

/* ---- (3) the consumer with a real bus ------------------------------------ */

typedef struct {
    void *zctx;
    void *xsub, *xpub, *control;
    char xsub_ep[128], xpub_ep[128];
    pthread_t thread;
} s_proxy_t;

static void *
s_proxy_run(void *arg)
{
    s_proxy_t *p = arg;
    void *ctl = zmq_socket(p->zctx, ZMQ_PAIR);
    zmq_connect(ctl, "inproc://t-proxy-control");
    zmq_proxy_steerable(p->xsub, p->xpub, NULL, ctl);
    zmq_close(ctl);
    zmq_close(p->xsub);
    zmq_close(p->xpub);
    return NULL;
}

static void
s_proxy_start(s_proxy_t *p, void *zctx)
{
    size_t len;
    p->zctx = zctx;
    p->xsub = zmq_socket(zctx, ZMQ_XSUB);
    p->xpub = zmq_socket(zctx, ZMQ_XPUB);
    p->control = zmq_socket(zctx, ZMQ_PAIR);
    assert_int_equal(zmq_bind(p->xsub, "tcp://127.0.0.1:*"), 0);
    assert_int_equal(zmq_bind(p->xpub, "tcp://127.0.0.1:*"), 0);
    assert_int_equal(zmq_bind(p->control, "inproc://t-proxy-control"), 0);
    len = sizeof p->xsub_ep;
    zmq_getsockopt(p->xsub, ZMQ_LAST_ENDPOINT, p->xsub_ep, &len);
    len = sizeof p->xpub_ep;
    zmq_getsockopt(p->xpub, ZMQ_LAST_ENDPOINT, p->xpub_ep, &len);
    assert_int_equal(pthread_create(&p->thread, NULL, s_proxy_run, p), 0);
}

static void
s_proxy_stop(s_proxy_t *p)
{
    zmq_send(p->control, "TERMINATE", 9, 0);
    pthread_join(p->thread, NULL);
    zmq_close(p->control);
}

static atomic_int s_fail_seq;       /* the apply fails once for this seq */
static atomic_int s_apply_calls;

/* Counts the event into t.applied and echoes it as an event of its own. */
static int
s_apply(tx_t *tx, const Lianxin__V1__Event *ev, void *arg)
{
    (void) arg;
    atomic_fetch_add(&s_apply_calls, 1);
    if (ev->seq == atomic_load(&s_fail_seq)) {
        atomic_store(&s_fail_seq, 0);
        return -1;
    }
    char seq[24];
    snprintf(seq, sizeof seq, "%lld", (long long) ev->seq);
    const char *params[] = { ev->district, ev->producer, seq };
    if (db_run(tx_db(tx), "INSERT INTO t.applied VALUES ($1, $2, $3::bigint, 1)"
               " ON CONFLICT (district_code, producer, seq) DO UPDATE SET n = t.applied.n + 1",
               3, params) != 0)
        return -1;
    return s_event_value(tx, ev->district, "t.echo", ev->seq);
}

typedef struct {
    uv_loop_t loop;
    void *zctx;
    s_proxy_t proxy;
    txq_t *txq;
    bus_pub_t *pub;
    consumer_t *consumer;
    db_t *db;                       /* the test's own: producing and checking */
    tx_t *tx;
} s_bus_t;

static consumer_t *
s_consumer(s_bus_t *b)
{
    consumer_opts_t opts = { .name = "tcons", .cursor_table = "t.cursors",
                             .xpub_endpoint = b->proxy.xpub_ep, .producers = "tprod",
                             .idle_ms = 60000, .max_batch = 4 };
    consumer_t *c = consumer_new(&b->loop, b->zctx, &opts, b->txq, b->pub, s_apply, NULL);
    assert_non_null(c);
    assert_int_equal(consumer_add_district(c, D1), 0);
    assert_int_equal(consumer_start(c), 0);
    return c;
}

/* Runs the loop until `applied` events or `ms` elapsed. */
static void
s_spin(s_bus_t *b, uint64_t applied, int ms)
{
    int64_t end = s_now_ms() + ms;
    while (s_now_ms() < end && (!applied || consumer_applied(b->consumer) < applied)) {
        uv_run(&b->loop, UV_RUN_NOWAIT);
        s_sleep_ms(2);
    }
}

/* Commits `n` events of stream (D1, tprod) without publishing them. */
static void
s_produce(s_bus_t *b, int n)
{
    assert_int_equal(tx_begin(b->tx, b->db), 0);
    for (int i = 0; i < n; i++)
        assert_int_equal(s_event_value(b->tx, D1, "t.thing", 100 + i), 0);
    assert_int_equal(tx_commit(b->tx), 0);
    assert_int_equal(tx_publish(b->tx, NULL), 0);
}

/* Publishes the logged event `seq` of (D1, tprod) on the bus. */
static void
s_publish(s_bus_t *b, int seq)
{
    char s[16];
    snprintf(s, sizeof s, "%d", seq);
    const char *params[] = { D1, s };
    PGresult *res = db_exec(b->db, "SELECT envelope FROM bus.events WHERE district_code = $1"
                            " AND producer = 'tprod' AND seq = $2::bigint", 2, params);
    assert_non_null(res);
    assert_int_equal(PQntuples(res), 1);
    size_t len = 0;
    unsigned char *raw = PQunescapeBytea((const unsigned char *) PQgetvalue(res, 0, 0), &len);
    assert_int_equal(bus_publish(b->pub, D1, "t.thing", raw, len), 0);
    PQfreemem(raw);
    PQclear(res);
}

/* Every seq 1..n of (D1, tprod) applied exactly once, the cursor at n, and
 * the consumer's own echo stream gapless and in order. */
static void
s_check_applied(s_bus_t *b, int n)
{
    assert_int_equal(s_scalar(b->db, "SELECT count(*) FROM t.applied WHERE producer = 'tprod'",
                              0, NULL), n);
    assert_int_equal(s_scalar(b->db, "SELECT count(*) FROM t.applied WHERE n <> 1", 0, NULL), 0);
    assert_int_equal(s_scalar(b->db, "SELECT max(seq) FROM t.applied", 0, NULL), n);
    assert_int_equal(s_scalar(b->db, "SELECT seq FROM t.cursors WHERE district_code = '330303'"
                              " AND consumer = 'tcons' AND producer = 'tprod'", 0, NULL), n);
    int m = 0;
    Lianxin__V1__Event **evs = s_read_stream(b->db, D1, "tcons", &m);
    assert_int_equal(m, n);
    for (int i = 0; i < m; i++)
        assert_int_equal(s_payload_value(evs[i]), i + 1);
    s_free_stream(evs, m);
}

static void
s_bus_setup(s_bus_t *b)
{
    memset(b, 0, sizeof *b);
    assert_int_equal(uv_loop_init(&b->loop), 0);
    b->zctx = zmq_ctx_new();
    s_proxy_start(&b->proxy, b->zctx);
    b->txq = txq_new(&b->loop, s_conninfo);
    b->pub = bus_pub_new(b->zctx, b->proxy.xsub_ep, NULL);
    assert_non_null(b->txq);
    assert_non_null(b->pub);
    b->db = s_db();
    b->tx = tx_new("tprod");
}

static void
s_bus_teardown(s_bus_t *b)
{
    consumer_destroy(&b->consumer);
    txq_destroy(&b->txq);
    bus_pub_destroy(&b->pub);
    assert_int_equal(uv_run(&b->loop, UV_RUN_DEFAULT), 0);
    assert_int_equal(uv_loop_close(&b->loop), 0);
    s_proxy_stop(&b->proxy);
    zmq_ctx_term(b->zctx);
    tx_destroy(&b->tx);
    db_destroy(&b->db);
}

static void
test_consumer_end_to_end(void **state)
{
    (void) state;
    static s_bus_t b;
    s_bus_setup(&b);
    /* 1-5 only in the log; 4 fails once: catch-up and retry must bring them */
    s_produce(&b, 5);
    atomic_store(&s_fail_seq, 4);
    b.consumer = s_consumer(&b);
    s_spin(&b, 5, 10000);
    assert_int_equal(consumer_applied(b.consumer), 5);
    assert_int_equal(atomic_load(&s_fail_seq), 0);
    s_check_applied(&b, 5);

    /* 6 published until the bus delivers it (the idle catch-up is 60 s away),
     * so it arrives more than once; then 7 twice, 10 and 12 ahead of 8, 9
     * and 11 (8 and 11 never published: read from the log) */
    s_produce(&b, 7);
    for (int i = 0; i < 200 && consumer_applied(b.consumer) < 6; i++) {
        s_publish(&b, 6);
        s_spin(&b, 6, 50);
    }
    /* the bus only signals: runs read 6..12 from the log (4 at a time) */
    assert_true(consumer_applied(b.consumer) >= 6);
    int order[] = { 6, 7, 7, 10, 12, 9, 6 };
    for (size_t i = 0; i < sizeof order / sizeof *order; i++)
        s_publish(&b, order[i]);
    s_spin(&b, 12, 10000);
    s_spin(&b, 0, 300);             /* anything applied twice would show now */
    assert_int_equal(consumer_applied(b.consumer), 12);
    s_check_applied(&b, 12);

    /* a restarted consumer applies nothing twice, and goes on from 12 */
    consumer_destroy(&b.consumer);
    s_spin(&b, 0, 100);
    b.consumer = s_consumer(&b);
    s_spin(&b, 0, 1000);
    s_publish(&b, 3);
    s_publish(&b, 12);
    s_spin(&b, 0, 300);
    assert_int_equal(consumer_applied(b.consumer), 0);
    s_produce(&b, 1);
    for (int i = 0; i < 200 && consumer_applied(b.consumer) < 1; i++) {
        s_publish(&b, 13);
        s_spin(&b, 1, 50);
    }
    assert_int_equal(consumer_applied(b.consumer), 1);
    s_spin(&b, 0, 300);
    s_check_applied(&b, 13);
    printf("# consumer: 13 events applied once each, %d apply calls\n",
           atomic_load(&s_apply_calls));

    /* runs start from the cursor the last one left, unlocked: when another
     * writer moved it meanwhile (as an instance that took the lease would),
     * the run's compare finds it moved, rolls back what it applied and reads
     * it again. Here 14 and 15 are applied "elsewhere" while this consumer
     * still knows 13: only 16 is applied here, nothing twice. */
    s_produce(&b, 3);
    assert_int_equal(db_run(b.db, "INSERT INTO t.applied VALUES ('330303', 'tprod', 14, 1),"
                            " ('330303', 'tprod', 15, 1)", 0, NULL), 0);
    assert_int_equal(db_run(b.db, "UPDATE t.cursors SET seq = 15 WHERE district_code = '330303'"
                            " AND consumer = 'tcons' AND producer = 'tprod'", 0, NULL), 0);
    for (int i = 0; i < 200 && consumer_applied(b.consumer) < 2; i++) {
        s_publish(&b, 16);
        s_spin(&b, 2, 50);
    }
    s_spin(&b, 0, 300);
    assert_int_equal(consumer_applied(b.consumer), 2);
    assert_int_equal(s_scalar(b.db, "SELECT count(*) FROM t.applied WHERE seq BETWEEN 14 AND 16"
                              " AND n = 1", 0, NULL), 3);
    assert_int_equal(s_scalar(b.db, "SELECT seq FROM t.cursors WHERE district_code = '330303'"
                              " AND consumer = 'tcons'", 0, NULL), 16);

    /* a stream with no events yet: its catch-up writes no cursor row */
    assert_int_equal(consumer_add_district(b.consumer, D2), 0);
    s_spin(&b, 0, 500);
    assert_int_equal(s_scalar(b.db, "SELECT count(*) FROM t.cursors WHERE district_code = $1",
                              1, (const char *[]) { D2 }), 0);
    s_bus_teardown(&b);
}

/* ---- (4) leases -------------------------------------------------------------- */

static void
test_lease(void **state)
{
    (void) state;
    db_t *a = s_db(), *b = s_db();
    assert_int_equal(lease_hold(a, "notify/330303"), 1);
    assert_int_equal(lease_hold(b, "notify/330303"), 0);
    assert_int_equal(lease_hold(a, "notify/330303"), 1);
    assert_int_equal(lease_hold(b, "notify/330304"), 1);
    assert_int_equal(lease_hold(a, "notify/330304"), 0);
    assert_int_equal(lease_hold(b, "notify/330303"), 0);
    db_destroy(&a);                 /* the holder's connection closes */
    int held = 0;
    for (int i = 0; i < 100 && held != 1; i++) {
        held = lease_hold(b, "notify/330303");
        if (held != 1)
            s_sleep_ms(50);
    }
    assert_int_equal(held, 1);
    db_destroy(&b);
}

/* ---- set-up -------------------------------------------------------------------- */

static int
s_admin_run(const char *sql)
{
    db_t *db = db_new(s_admin);
    int rc = db && db_connect(db) == 0 ? db_run(db, sql, 0, NULL) : -1;
    if (rc != 0)
        fprintf(stderr, "admin statement failed: %s\n", db ? db_error(db) : "no memory");
    db_destroy(&db);
    return rc;
}

static int
s_group_setup(void **state)
{
    (void) state;
    char sql[256];
    snprintf(sql, sizeof sql, "CREATE DATABASE %s TEMPLATE %s", s_dbname,
             getenv("LIANXIN_TEST_TEMPLATE"));
    if (s_admin_run(sql) != 0)
        return -1;
    db_t *db = db_new(s_conninfo);
    int rc = db_connect(db) == 0
        && db_run(db, "CREATE SCHEMA t", 0, NULL) == 0
        && db_run(db, "CREATE TABLE t.cursors (district_code text, consumer text, producer text,"
                  " seq bigint NOT NULL, PRIMARY KEY (district_code, consumer, producer))",
                  0, NULL) == 0
        && db_run(db, "CREATE TABLE t.applied (district_code text, producer text, seq bigint,"
                  " n int NOT NULL, PRIMARY KEY (district_code, producer, seq))", 0, NULL) == 0
        ? 0 : -1;
    if (rc != 0)
        fprintf(stderr, "set-up failed: %s\n", db_error(db));
    db_destroy(&db);
    return rc;
}

static int
s_group_teardown(void **state)
{
    (void) state;
    char sql[256];
    snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s WITH (FORCE)", s_dbname);
    return s_admin_run(sql);
}

int
main(void)
{
    const char *host = getenv("LIANXIN_TEST_PGHOST"), *port = getenv("LIANXIN_TEST_PGPORT");
    const char *tmpl = getenv("LIANXIN_TEST_TEMPLATE");
    if (!host || !*host || !port || !*port || !tmpl || !*tmpl) {
        fprintf(stderr, "test_eventlog: FAILED: set LIANXIN_TEST_PGHOST, LIANXIN_TEST_PGPORT and"
                " LIANXIN_TEST_TEMPLATE (a migrated, seeded database); this test needs a real"
                " PostgreSQL and never skips\n");
        return 1;
    }
    snprintf(s_dbname, sizeof s_dbname, "t_eventlog_%d", (int) getpid());
    snprintf(s_conninfo, sizeof s_conninfo, "host=%s port=%s user=lianxin dbname=%s",
             host, port, s_dbname);
    snprintf(s_admin, sizeof s_admin, "host=%s port=%s user=lianxin dbname=postgres", host, port);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_outbox_numbering),
        cmocka_unit_test(test_audit_chain),
        cmocka_unit_test(test_consumer_end_to_end),
        cmocka_unit_test(test_lease),
    };
    return cmocka_run_group_tests(tests, s_group_setup, s_group_teardown);
}
