/* gateway: settings, construction and the ordered stop of lianxin-gateway.
 * The stop order matters: the HTTP side first (no new work), then command
 * clients and the pool (whose callbacks answer what is left), then auth.
 * Never frees a part that a pending callback may still reach. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "exports.h"
#include "auth/auth.h"
#include "auth/authtx.h"
#include "forward.h"
#include "gateway.h"
#include "log.h"
#include "http/metrics.h"
#include "http/ops.h"
#include "http/pipeline.h"
#include "http/ratelimit.h"

#define GW_FLUSH_MS 300              /* after the grace: time to send the 503s */

typedef struct gw_full {
    gw_t gw;                        /* first: the handlers see only this */
    ops_t *ops;
    uv_timer_t stop_timer;
    int stop_phase;                 /* 0 grace, 1 flushing the last answers */
    uint64_t stop_started;
    void (*done)(void *arg);
    void *done_arg;
} gw_full_t;

/* ---- settings ------------------------------------------------------------------ */

static int s_int(const config_t *cfg, const char *key, long long dflt, long long lo,
                 long long hi, int *ok)
{
    long long v = config_get_int(cfg, key, dflt);
    if (v < lo || v > hi) {
        log_error("setting out of range", "key=%s min=%lld max=%lld", key, lo, hi);
        *ok = 0;
        return (int) dflt;
    }
    return (int) v;
}

/* A relative web root that is not there is looked for next to the program
 * (build/bin/../../web), so the binary runs from any directory. */
static void s_web_root(const char *root, char *out, size_t outsz)
{
    struct stat st;
    char exe[PATH_MAX];
    snprintf(out, outsz, "%s", root);
    if (root[0] == '/' || (stat(root, &st) == 0 && S_ISDIR(st.st_mode)))
        return;
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return;
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (!slash)
        return;
    *slash = '\0';
    char alt[PATH_MAX];
    if (snprintf(alt, sizeof alt, "%s/../../%s", exe, root) < (int) sizeof alt &&
        stat(alt, &st) == 0 && S_ISDIR(st.st_mode))
        snprintf(out, outsz, "%s", alt);
}

int gateway_settings(const config_t *cfg, gw_settings_t *s)
{
    int ok = 1;
    memset(s, 0, sizeof *s);
    snprintf(s->listen, sizeof s->listen, "%s", config_get(cfg, "gateway.listen", "127.0.0.1"));
    s->port = s_int(cfg, "gateway.port", 8080, 0, 65535, &ok);
    s_web_root(config_get(cfg, "gateway.web_root", "web"), s->web_root, sizeof s->web_root);
    s->pg_pool = s_int(cfg, "gateway.pg_pool", 4, 1, 64, &ok);
    s->pg_queue_timeout_ms = s_int(cfg, "gateway.pg_queue_timeout_ms", 1000, 10, 60000, &ok);
    s->command_timeout_ms = s_int(cfg, "gateway.command_timeout_ms", 3000, 10, 120000, &ok);
    s->session_idle_s = s_int(cfg, "gateway.session_idle_s", 1800, 1, 86400 * 30, &ok);
    s->session_max_s = s_int(cfg, "gateway.session_max_s", 43200, 1, 86400 * 365, &ok);
    s->login_max_failures = s_int(cfg, "gateway.login_max_failures", 5, 1, 1000, &ok);
    s->lockout_s = s_int(cfg, "gateway.lockout_s", 600, 1, 86400 * 7, &ok);
    s->rate_per_s = s_int(cfg, "gateway.rate_per_s", 500, 1, 10000000, &ok);
    s->rate_burst = s_int(cfg, "gateway.rate_burst", 1000, 1, 10000000, &ok);
    s->login_rate_per_min = s_int(cfg, "gateway.login_rate_per_min", 30, 1, 1000000, &ok);
    s->body_limit = (size_t) s_int(cfg, "gateway.body_limit", 65536, 256, 16 << 20, &ok);
    s->max_connections = (unsigned) s_int(cfg, "gateway.max_connections", 1024, 1, 65536, &ok);
    s->connection_timeout_s = (unsigned) s_int(cfg, "gateway.connection_timeout_s", 30, 1,
                                               3600, &ok);
    s->shutdown_grace_ms = s_int(cfg, "gateway.shutdown_grace_ms", 2000, 0, 60000, &ok);
    /* the loopback nginx of deploy/nginx: X-Forwarded-For is believed from it only */
    snprintf(s->trusted_proxy, sizeof s->trusted_proxy, "%s",
             config_get(cfg, "gateway.trusted_proxy", "127.0.0.1"));
    s->auth_fail_burst = s_int(cfg, "gateway.auth_fail_burst", 20, 1, 1000000, &ok);
    s->auth_fail_per_min = s_int(cfg, "gateway.auth_fail_per_min", 60, 1, 10000000, &ok);
    s->auth_negative_ttl_s = s_int(cfg, "gateway.auth_negative_ttl_s", 10, 1, 3600, &ok);
    s->password_iterations = s_int(cfg, "auth.password_iterations", 600000, 1000, 10000000,
                                   &ok);
    s->password_expiry_days = s_int(cfg, "auth.password_expiry_days", 0, 0, 3650, &ok);
    s->login_history_days = s_int(cfg, "gateway.login_history_days", 180, 180, 36500, &ok);
    s->api_key_days = s_int(cfg, "auth.api_key_days", 365, 0, 36500, &ok);
    s->feed_token_days = s_int(cfg, "auth.feed_token_days", 365, 0, 36500, &ok);
    s->exports_per_user = s_int(cfg, "gateway.exports_per_user", 2, 1, 100, &ok);
    s->export_max_rows = s_int(cfg, "gateway.export_max_rows", 200000, 1, 10000000, &ok);
    s->ics_max_events = s_int(cfg, "gateway.ics_max_events", 2000, 1, 100000, &ok);
    return ok ? 0 : -1;
}

/* ---- login history retention ---------------------------------------------------------- */

#define GW_PRUNE_MS (3600 * 1000)   /* once an hour, and at start */

static void s_on_prune(uv_timer_t *t)
{
    gw_t *gw = t->data;
    if (authtx_prune(gw->authtx, gw->set.login_history_days) != 0)
        log_warn("login history prune not queued", "");
}

static int s_prune_start(gw_t *gw)
{
    gw->prune_timer = calloc(1, sizeof *gw->prune_timer);
    if (!gw->prune_timer || uv_timer_init(gw->loop, gw->prune_timer) != 0) {
        free(gw->prune_timer);
        gw->prune_timer = NULL;
        return -1;
    }
    gw->prune_timer->data = gw;
    return uv_timer_start(gw->prune_timer, s_on_prune, 0, GW_PRUNE_MS);
}

static void s_on_timer_closed(uv_handle_t *h)
{
    free(h);
}

static void s_prune_stop(gw_t *gw)
{
    if (!gw->prune_timer)
        return;
    uv_timer_stop(gw->prune_timer);
    uv_close((uv_handle_t *) gw->prune_timer, s_on_timer_closed);
    gw->prune_timer = NULL;
}

/* ---- life -------------------------------------------------------------------------- */

/* Everything that can still answer a waiting request does so now (503):
 * commands are cancelled, queued queries failed. The pool goes before auth
 * (its callbacks still use auth), and auth before anything could use the
 * pool again (logins finishing in the thread pool see auth destroyed). */
static void s_cancel_work(gw_full_t *g)
{
    ops_destroy(&g->ops);
    forward_destroy(&g->gw.fwd);
    s_prune_stop(&g->gw);
    authtx_destroy(&g->gw.authtx);  /* runs what is queued: its callbacks still use auth */
    pgpool_destroy(&g->gw.pool);
    auth_destroy(&g->gw.auth);
}

static void s_free_parts(gw_full_t *g)
{
    s_cancel_work(g);
    http_server_destroy(&g->gw.http);
    ratelimit_destroy(&g->gw.rl_user);
    ratelimit_destroy(&g->gw.rl_login);
    ratelimit_destroy(&g->gw.rl_fail);
    exports_destroy(&g->gw.exports);
    metrics_destroy(&g->gw.metrics);
}

gw_t *gateway_new(uv_loop_t *loop, void *zctx, const config_t *cfg)
{
    gw_full_t *g = calloc(1, sizeof *g);
    if (!g)
        return NULL;
    gw_t *gw = &g->gw;
    gw->loop = loop;
    if (gateway_settings(cfg, &gw->set) != 0)
        goto fail;
    const gw_settings_t *s = &gw->set;
    auth_opts_t ao = {s->session_idle_s, s->session_max_s, s->login_max_failures,
                      s->lockout_s, 60, 100000, (unsigned) s->password_iterations,
                      s->password_expiry_days, s->auth_negative_ttl_s};
    http_opts_t ho = {s->listen, s->port, s->max_connections, s->connection_timeout_s,
                      32 * 1024};
    http_hooks_t hooks;
    pipeline_hooks(&hooks);
    gw->metrics = metrics_new();
    gw->rl_user = ratelimit_new(s->rate_per_s, s->rate_burst, 100000);
    gw->rl_login = ratelimit_new(s->login_rate_per_min / 60.0, s->login_rate_per_min, 100000);
    gw->rl_fail = ratelimit_new(s->auth_fail_per_min / 60.0, s->auth_fail_burst, 100000);
    const char *dsn = config_pg_dsn(cfg, "gateway");
    gw->pool = dsn ? pgpool_new(loop, dsn, s->pg_pool, s->pg_queue_timeout_ms) : NULL;
    gw->authtx = dsn ? authtx_new(loop, dsn) : NULL;
    gw->auth = gw->pool && gw->authtx ? auth_new(loop, gw->pool, gw->authtx, &ao) : NULL;
    gw->fwd = forward_new(loop, zctx, cfg);
    gw->exports = exports_new(s->exports_per_user);
    if (!gw->exports || !gw->metrics || !gw->rl_user || !gw->rl_login || !gw->rl_fail ||
        !gw->pool || !gw->auth || !gw->fwd || s_prune_start(gw) != 0)
        goto fail;
    g->ops = ops_new(gw);
    gw->http = g->ops ? http_server_new(loop, &ho, &hooks, gw) : NULL;
    if (!gw->http)
        goto fail;
    uv_timer_init(loop, &g->stop_timer);
    g->stop_timer.data = g;
    log_info("gateway listening", "listen=%s port=%d web_root=%s pg_pool=%d", s->listen,
             http_server_port(gw->http), s->web_root, s->pg_pool);
    return gw;
fail:
    log_error("gateway cannot start", "");
    s_free_parts(g);
    free(g);                        /* parts free their handles on the loop */
    return NULL;
}

static void s_on_stop_timer_closed(uv_handle_t *h)
{
    gw_full_t *g = h->data;
    void (*done)(void *) = g->done;
    void *arg = g->done_arg;
    free(g);
    log_info("gateway stopped", "");
    if (done)
        done(arg);
}

/* Every 20 ms while stopping: in the grace, requests in flight may finish;
 * then whatever still waits is answered 503 and given a moment to be sent;
 * then the server and the rest are closed. */
static void s_on_stop_tick(uv_timer_t *t)
{
    gw_full_t *g = t->data;
    uint64_t waited = uv_now(g->gw.loop) - g->stop_started;
    size_t live = http_server_live(g->gw.http);
    if (g->stop_phase == 0) {
        if (live > 0 && waited < (uint64_t) g->gw.set.shutdown_grace_ms)
            return;
        if (live > 0)
            log_warn("grace over, answering the rest", "live=%zu", live);
        s_cancel_work(g);
        g->stop_phase = 1;
        g->stop_started = uv_now(g->gw.loop);
        return;
    }
    if (live > 0 && waited < GW_FLUSH_MS)
        return;
    uv_timer_stop(t);
    s_free_parts(g);
    uv_close((uv_handle_t *) t, s_on_stop_timer_closed);
}

void gateway_stop(gw_t *gw, void (*done)(void *arg), void *arg)
{
    gw_full_t *g = (gw_full_t *) gw;
    if (!gw || gw->stopping)
        return;
    gw->stopping = 1;
    g->done = done;
    g->done_arg = arg;
    g->stop_started = uv_now(gw->loop);
    log_info("gateway stopping", "live=%zu", http_server_live(gw->http));
    http_server_quiesce(gw->http);
    uv_timer_start(&g->stop_timer, s_on_stop_tick, 0, 20);
}
