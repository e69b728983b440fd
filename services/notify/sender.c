/* sender: see sender.h. The thread owns its connection and its tx_t (the
 * business clock in SQL through tx_begin). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "db.h"
#include "log.h"
#include "sender.h"
#include "timeutil.h"
#include "tx.h"

struct sender {
    sender_opts_t o;
    char channel[16];
    pthread_t th;
    volatile int stop;
    db_t *db;
    tx_t *tx;
    unsigned seed;
    sender_counts_t n;
};

typedef struct row {
    char district[32], id[24], address[320], key[200], partner[64];
    char *subject, *body;
    int attempts;
} row_t;

static const char *s_claim_sql =
    "UPDATE notify.deliveries d SET status = 'sending', attempts = attempts + 1,"
    "  claimed_pid = pg_backend_pid()"
    " FROM (SELECT district_code, id FROM notify.deliveries"
    "       WHERE channel = $1 AND status = 'pending' AND next_at <= core.clock_now()"
    "       ORDER BY next_at, id LIMIT 16 FOR UPDATE SKIP LOCKED) c"
    " WHERE d.district_code = c.district_code AND d.id = c.id"
    " RETURNING d.district_code, d.id, d.address, d.idem_key, d.subject, d.body, d.attempts";

static const char *s_sent_sql =
    "UPDATE notify.deliveries SET status = 'sent', sent_at = core.clock_now(), last_error = ''"
    " WHERE district_code = $1 AND id = $2::bigint";

static const char *s_failed_sql =
    "UPDATE notify.deliveries SET last_error = left($3, 300),"
    "  status = CASE WHEN attempts >= $4::int THEN 'dead' ELSE 'pending' END,"
    "  next_at = core.clock_now() + $5::bigint * interval '1 millisecond'"
    " WHERE district_code = $1 AND id = $2::bigint RETURNING status";

static const char *s_defer_sql =
    "UPDATE notify.deliveries SET status = 'pending', attempts = attempts - 1,"
    "  next_at = 'epoch'::timestamptz + $3::bigint * interval '1 microsecond'"
    " WHERE district_code = $1 AND id = $2::bigint";

/* Back to pending: the rows whose claiming connection is gone (its
 * instance crashed between send and record, or the connection broke), never
 * those another live instance is sending. */
static const char *s_reset_sql =
    "UPDATE notify.deliveries d SET status = 'pending', claimed_pid = NULL"
    " WHERE channel = $1 AND status = 'sending' AND (d.claimed_pid IS NULL"
    "  OR NOT EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.pid = d.claimed_pid))";

#define S_RESET_MS 10000                /* how often an idle sender looks for orphans */

/* One statement in its own transaction (the sender's clock). 0 or -1. */
static int s_run(sender_t *s, const char *sql, int n, const char *const *p, PGresult **out)
{
    if (tx_begin(s->tx, s->db) != 0)
        return -1;
    PGresult *r = db_exec(tx_db(s->tx), sql, n, p);
    if (!r || tx_commit_relaxed(s->tx) != 0) {
        if (r)
            PQclear(r);
        tx_rollback(s->tx);
        return -1;
    }
    if (out)
        *out = r;
    else
        PQclear(r);
    return 0;
}

static void s_record(sender_t *s, const row_t *w, int ok, const char *err)
{
    const char *p[5] = {w->district, w->id, err};
    char max[16], wait[24];
    PGresult *r = NULL;
    if (ok) {
        if (s_run(s, s_sent_sql, 2, p, NULL) == 0)
            s->n.sent++;
        return;
    }
    snprintf(max, sizeof max, "%d", s->o.retry_max);
    snprintf(wait, sizeof wait, "%lld",
             (long long) policy_backoff_ms(w->attempts, s->o.retry_base_ms, s->o.retry_cap_ms,
                                           (double) rand_r(&s->seed) / RAND_MAX));
    p[3] = max;
    p[4] = wait;
    if (s_run(s, s_failed_sql, 5, p, &r) != 0)
        return;
    int dead = PQntuples(r) == 1 && strcmp(PQgetvalue(r, 0, 0), "dead") == 0;
    PQclear(r);
    s->n.failed++;
    s->n.dead += dead;
    log_warn("delivery failed", "channel=%s district=%s id=%s attempt=%d dead=%d error=%s",
             s->channel, w->district, w->id, w->attempts, dead, err);
}

/* An SMS in the quiet hours: back to pending at their end, the attempt not counted. */
static int s_deferred(sender_t *s, const row_t *w)
{
    int64_t until = strcmp(s->channel, "sms") == 0
                        ? policy_quiet_until(&s->o.quiet, time_now_us()) : 0;
    char at[24];
    if (until == 0)
        return 0;
    snprintf(at, sizeof at, "%lld", (long long) until);
    const char *p[3] = {w->district, w->id, at};
    if (s_run(s, s_defer_sql, 3, p, NULL) == 0)
        s->n.deferred++;
    return 1;
}

static void s_send(sender_t *s, row_t *w)
{
    char err[256] = "", url[CHANNELS_MAX_URL] = "", key[400];
    channels_msg_t m = {.channel = s->channel, .address = w->address, .key = w->key,
                        .subject = w->subject, .body = w->body};
    if (s_deferred(s, w))
        return;
    if (strcmp(s->channel, "webhook") == 0) {
        snprintf(key, sizeof key, "notify.webhook_%s_url", w->address);
        snprintf(url, sizeof url, "%s", config_get(s->o.cfg, key, ""));
        snprintf(key, sizeof key, "notify.webhook_%s_secret", w->address);
        m.url = url;
        m.secret = config_get(s->o.cfg, key, NULL);
    }
    int ok = channels_send(s->o.channels, &m, err, sizeof err) == 0;
    s_record(s, w, ok, err);
}

/* One round: claim, send, record. The number claimed, -1 when PostgreSQL failed. */
static int s_round(sender_t *s)
{
    const char *p[1] = {s->channel};
    PGresult *r = NULL;
    if (s_run(s, s_claim_sql, 1, p, &r) != 0)
        return -1;
    int n = PQntuples(r);
    for (int i = 0; i < n && !s->stop; i++) {
        row_t w = {0};
        snprintf(w.district, sizeof w.district, "%s", PQgetvalue(r, i, 0));
        snprintf(w.id, sizeof w.id, "%s", PQgetvalue(r, i, 1));
        snprintf(w.address, sizeof w.address, "%s", PQgetvalue(r, i, 2));
        snprintf(w.key, sizeof w.key, "%s", PQgetvalue(r, i, 3));
        w.subject = PQgetvalue(r, i, 4);
        w.body = PQgetvalue(r, i, 5);
        w.attempts = atoi(PQgetvalue(r, i, 6));
        s_send(s, &w);
    }
    PQclear(r);
    return n;
}

static void s_nap(sender_t *s, int ms)
{
    for (int waited = 0; waited < ms && !s->stop; waited += 50) {
        struct timespec ts = {0, 50 * 1000000L};
        nanosleep(&ts, NULL);
    }
}

static void *s_main(void *arg)
{
    sender_t *s = arg;
    const char *p[1] = {s->channel};
    while (!s->stop && s_run(s, s_reset_sql, 1, p, NULL) != 0)
        s_nap(s, 1000);
    int64_t reset_at = time_real_us() / 1000;       /* real time: I/O pacing */
    while (!s->stop) {
        int n = s_round(s);
        if (n == 0 && time_real_us() / 1000 - reset_at >= S_RESET_MS) {
            s_run(s, s_reset_sql, 1, p, NULL);
            reset_at = time_real_us() / 1000;
        }
        if (n <= 0)
            s_nap(s, n < 0 ? 1000 : s->o.poll_ms);
    }
    return NULL;
}

sender_t *sender_start(const sender_opts_t *opts)
{
    sender_t *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->o = *opts;
    snprintf(s->channel, sizeof s->channel, "%s", opts->channel);
    s->seed = (unsigned) time_now_us();
    s->db = db_new(opts->dsn);
    s->tx = tx_new("notify");
    if (!s->db || !s->tx || pthread_create(&s->th, NULL, s_main, s) != 0) {
        log_error("sender failed to start", "channel=%s", s->channel);
        tx_destroy(&s->tx);
        db_destroy(&s->db);
        free(s);
        return NULL;
    }
    log_info("sender started", "channel=%s retry_max=%d", s->channel, opts->retry_max);
    return s;
}

void sender_stop(sender_t *s)
{
    if (!s)
        return;
    s->stop = 1;
    pthread_join(s->th, NULL);
    tx_destroy(&s->tx);
    db_destroy(&s->db);
    free(s);
}

sender_counts_t sender_counts(const sender_t *s)
{
    sender_counts_t zero = {0};
    return s ? s->n : zero;
}
