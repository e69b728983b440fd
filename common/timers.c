/* timers: a service's declared timers fired under its district leases (see
 * timers.h). The loop owns the tick, the district list and the publisher;
 * each job works on its own copy of the list. Logs service, district,
 * kind and counts, never what a timer carries. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lease.h"
#include "log.h"
#include "timers.h"

#define TIMERS_BATCH 50             /* rows per transaction */
#define TIMERS_ROUNDS 10            /* transactions per district per tick */
#define TIMERS_NAME_MAX 64
#define TIMERS_FIRST_MS 200

typedef char s_name_t[TIMERS_NAME_MAX];

struct timers {
    uv_loop_t *loop;
    uv_timer_t tick;
    txq_t *txq;
    bus_pub_t *pub;
    tx_t *tx;                       /* the job's, then its done callback's */
    s_name_t service;
    const timers_def_t *def;
    void *app;
    int interval_ms;
    size_t nkeys;
    s_name_t *districts;            /* loop only */
    size_t ndistricts;
    int running, dying, closing;
    char sql_claim[1024];
};

/* One tick's job: the districts as they were when it was submitted. */
typedef struct {
    timers_t *self;
    s_name_t *districts;
    size_t n;
} s_job_t;

/* ---- firing (worker) ---------------------------------------------------- */

Lianxin__V1__Actor
timers_actor(const char *district)
{
    Lianxin__V1__Actor a = LIANXIN__V1__ACTOR__INIT;
    a.username = "system";
    a.role = "system";
    a.district = (char *) district;
    return a;
}

static const timers_kind_t *
s_kind(const timers_t *self, const char *kind, int periodic)
{
    for (size_t i = 0; i < self->def->nkinds; i++) {
        const timers_kind_t *k = &self->def->kinds[i];
        if ((periodic ? k->every != NULL : k->fire != NULL) && (!kind || !strcmp(k->kind, kind)))
            return k;
    }
    return NULL;
}

/* Fires claimed row i (kind, due_at in µs, the key columns). A kind the
 * service does not declare stays marked fired, with a warning. */
static int
s_fire_row(timers_t *self, const char *district, PGresult *r, int i)
{
    timers_row_t row = {
        .district = district,
        .kind = PQgetvalue(r, i, 0),
        .nkeys = self->nkeys,
        .due_at_us = strtoll(PQgetvalue(r, i, 1), NULL, 10),
    };
    for (size_t k = 0; k < self->nkeys; k++)
        row.keys[k] = PQgetvalue(r, i, 2 + (int) k);
    const timers_kind_t *kind = s_kind(self, row.kind, 0);
    if (!kind) {
        log_warn("timer of an undeclared kind marked fired", "service=%s district=%s kind=%s",
                 self->service, district, row.kind);
        return 0;
    }
    return kind->fire(self->tx, &row, self->app);
}

/* The periodic kinds for `district`, each under a savepoint so that one
 * failing undoes only its own work. 0, or -1 when a savepoint failed. */
static int
s_every(timers_t *self, const char *district)
{
    for (size_t i = 0; i < self->def->nkinds; i++) {
        const timers_kind_t *k = &self->def->kinds[i];
        if (!k->every)
            continue;
        if (tx_savepoint(self->tx) != 0)
            return -1;
        db_t *db = tx_db(self->tx);
        if (k->every(self->tx, district, self->app) == 0 && !db_tx_failed(db)) {
            if (tx_release(self->tx) != 0)
                return -1;
            continue;
        }
        log_warn("periodic timer failed", "service=%s district=%s kind=%s sqlstate=%s",
                 self->service, district, k->kind, db_sqlstate(db));
        if (tx_rollback_to(self->tx) != 0)
            return -1;
    }
    return 0;
}

/* One transaction: claims and fires up to TIMERS_BATCH due rows of
 * `district`, then, in the first round, the periodic kinds. The count
 * fired, or -1 (rolled back, logged). */
static int
s_round(timers_t *self, db_t *db, const char *district, int first)
{
    if (tx_begin(self->tx, db) != 0)
        return -1;
    PGresult *r = NULL;
    int n = 0, rc = 0;
    if (self->def->table) {
        r = db_exec(db, self->sql_claim, 1, (const char *const[]) { district });
        n = r ? PQntuples(r) : 0;
        rc = r ? 0 : -1;
    }
    for (int i = 0; rc == 0 && i < n; i++)
        rc = s_fire_row(self, district, r, i);
    PQclear(r);
    if (rc == 0 && first)
        rc = s_every(self, district);
    if (rc != 0 || tx_commit(self->tx) != 0) {
        log_warn("timers not fired", "service=%s district=%s sqlstate=%s", self->service,
                 district, db_sqlstate(db));
        tx_rollback(self->tx);
        return -1;
    }
    if (n > 0)
        log_info("timers fired", "service=%s district=%s n=%d", self->service, district, n);
    return n;
}

static int
s_job(db_t *db, void *arg)
{
    s_job_t *job = arg;
    timers_t *self = job->self;
    if (db_connect(db) != 0)
        return -1;
    for (size_t i = 0; i < job->n; i++) {
        char lease[2 * TIMERS_NAME_MAX];
        snprintf(lease, sizeof lease, "%s/%s", self->service, job->districts[i]);
        if (lease_hold(db, lease) != 1)
            continue;
        for (int k = 0; k < TIMERS_ROUNDS
                        && s_round(self, db, job->districts[i], k == 0) == TIMERS_BATCH; k++)
            ;
    }
    return 0;
}

/* ---- the loop side ------------------------------------------------------ */

static void s_on_tick(uv_timer_t *handle);

static void
s_free(timers_t *self)
{
    tx_destroy(&self->tx);
    free(self->districts);
    free(self);
}

static void
s_maybe_free(timers_t *self)
{
    if (self->dying && !self->closing && !self->running)
        s_free(self);
}

static void
s_done(int rc, void *arg)
{
    (void) rc;
    s_job_t *job = arg;
    timers_t *self = job->self;
    free(job->districts);
    free(job);
    self->running = 0;
    if (self->dying) {
        s_maybe_free(self);         /* the publisher may be gone: the log has the events */
        return;
    }
    tx_publish(self->tx, self->pub);
    uv_timer_start(&self->tick, s_on_tick, (uint64_t) self->interval_ms, 0);
}

static void
s_on_tick(uv_timer_t *handle)
{
    timers_t *self = handle->data;
    s_job_t *job = calloc(1, sizeof *job);
    size_t n = self->ndistricts;
    if (job && (job->districts = malloc((n ? n : 1) * sizeof *job->districts))) {
        memcpy(job->districts, self->districts, n * sizeof *job->districts);
        job->n = n;
        job->self = self;
        if (txq_submit(self->txq, s_job, s_done, job) == 0) {
            self->running = 1;
            return;
        }
    }
    if (job)
        free(job->districts);
    free(job);
    uv_timer_start(&self->tick, s_on_tick, (uint64_t) self->interval_ms, 0);
}

/* ---- lifecycle ---------------------------------------------------------- */

/* Splits def->keys into the claim statement's select list (", t.k::text"
 * each). 0, or -1 for a bad or too long list. */
static int
s_key_list(timers_t *self, char *out, size_t outsz)
{
    char copy[256], *save = NULL;
    size_t used = 0;
    out[0] = '\0';
    if (snprintf(copy, sizeof copy, "%s", self->def->keys ? self->def->keys : "")
        >= (int) sizeof copy)
        return -1;
    for (char *t = strtok_r(copy, ", ", &save); t; t = strtok_r(NULL, ", ", &save)) {
        if (!db_ident_ok(t, 0) || self->nkeys == TIMERS_KEYS_MAX)
            return -1;
        used += (size_t) snprintf(out + used, outsz - used, ", t.%s::text", t);
        if (used >= outsz)
            return -1;
        self->nkeys++;
    }
    return 0;
}

/* Checks the declaration and builds the claim statement. 0 or -1. */
static int
s_prepare(timers_t *self)
{
    const timers_def_t *def = self->def;
    int ok = def->kinds && def->nkinds > 0;
    for (size_t i = 0; ok && i < def->nkinds; i++)
        ok = def->kinds[i].kind && !def->kinds[i].fire != !def->kinds[i].every;
    if (!ok || (s_kind(self, NULL, 0) && !def->table))
        return -1;
    if (!def->table)
        return 0;
    char keys[320];
    if (!db_ident_ok(def->table, 1) || s_key_list(self, keys, sizeof keys) != 0)
        return -1;
    int len = snprintf(self->sql_claim, sizeof self->sql_claim,
        "WITH due AS (SELECT ctid FROM %s WHERE district_code = $1 AND fired_at IS NULL"
        "  AND due_at <= core.clock_now() ORDER BY due_at LIMIT %d FOR UPDATE SKIP LOCKED),"
        " fired AS (UPDATE %s t SET fired_at = core.clock_now()"
        "  WHERE t.ctid = ANY (ARRAY(SELECT ctid FROM due))"
        "  RETURNING t.kind, (extract(epoch FROM t.due_at) * 1000000)::bigint AS due_us%s)"
        " SELECT * FROM fired ORDER BY due_us",
        def->table, TIMERS_BATCH, def->table, keys);
    return len < (int) sizeof self->sql_claim ? 0 : -1;
}

timers_t *
timers_new(uv_loop_t *loop, txq_t *txq, bus_pub_t *pub, const char *service,
           const timers_def_t *def, int interval_ms, void *app)
{
    if (!loop || !txq || !def || !db_ident_ok(service, 0))
        return NULL;
    timers_t *self = calloc(1, sizeof *self);
    if (!self)
        return NULL;
    *self = (timers_t) { .loop = loop, .txq = txq, .pub = pub, .def = def, .app = app,
                         .interval_ms = interval_ms > 0 ? interval_ms : 2000 };
    snprintf(self->service, sizeof self->service, "%s", service);
    if (s_prepare(self) != 0) {
        log_error("timer declaration invalid", "service=%s table=%s", service,
                  def->table ? def->table : "");
        free(self);
        return NULL;
    }
    if (!(self->tx = tx_new(service)) || uv_timer_init(loop, &self->tick) != 0) {
        s_free(self);
        return NULL;
    }
    self->tick.data = self;
    uv_timer_start(&self->tick, s_on_tick, TIMERS_FIRST_MS, 0);
    return self;
}

int
timers_add_district(timers_t *self, const char *district)
{
    if (!self || self->dying || !db_ident_ok(district, 0))
        return -1;
    for (size_t i = 0; i < self->ndistricts; i++)
        if (strcmp(self->districts[i], district) == 0)
            return 0;
    s_name_t *more = realloc(self->districts, (self->ndistricts + 1) * sizeof *more);
    if (!more)
        return -1;
    self->districts = more;
    snprintf(self->districts[self->ndistricts++], sizeof *more, "%s", district);
    return 0;
}

static void
s_on_close(uv_handle_t *handle)
{
    timers_t *self = handle->data;
    self->closing = 0;
    s_maybe_free(self);
}

void
timers_destroy(timers_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    timers_t *self = *self_p;
    *self_p = NULL;
    self->dying = 1;
    self->closing = 1;
    uv_timer_stop(&self->tick);
    uv_close((uv_handle_t *) &self->tick, s_on_close);
}
