/* service: the skeleton of every long-running service (see service.h): config,
 * logging, loop, worker, bus, command server, consumer, timers, the districts
 * they follow, clean shutdown. Never holds domain logic; never exits the
 * process itself (main returns). */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "curve.h"
#include "districts.h"
#include "log.h"
#include "service.h"

#define SERVICE_DISTRICTS_CHECK_MS 3000
#define SERVICE_TIMER_MS 2000
#define SERVICE_LINGER_MS 10        /* a busy consumer gathers this long ... */
#define SERVICE_LINGER_MIN 8        /* ... after a run of this many events */
#define SERVICE_TIMER_MIN_MS 50
#define SERVICE_KEY_MAX 96
#define SERVICE_ENDPOINT_MAX 256

typedef struct {
    const service_def_t *def;
    config_t *cfg;
    void *app;
    void *zctx;
    uv_loop_t loop;
    txq_t *txq;
    bus_pub_t *pub;
    cmd_server_t *cmd;
    consumer_t *consumer;
    timers_t *timers;
    districts_t *districts;         /* feeds the consumer and the timers */
    curve_client_t bus_keys;        /* ours, and the bus's public key */
    curve_server_t cmd_keys;        /* ours as the ROUTER, gateway the one peer */
    curve_zap_t *zap;               /* admits the gateway's key on the ROUTER */
    uv_signal_t sigint, sigterm;
    char endpoint[SERVICE_ENDPOINT_MAX];    /* a copy: logged after the config is gone */
    size_t max_batch;
    int stopping;
} s_service_t;

static const char *
s_get(const s_service_t *svc, const char *suffix, const char *dflt)
{
    char key[SERVICE_KEY_MAX];
    snprintf(key, sizeof key, "%s.%s", svc->def->name, suffix);
    return config_get(svc->cfg, key, dflt);
}

static long long
s_get_int(const s_service_t *svc, const char *suffix, long long dflt)
{
    char key[SERVICE_KEY_MAX];
    snprintf(key, sizeof key, "%s.%s", svc->def->name, suffix);
    return config_get_int(svc->cfg, key, dflt);
}

/* ---- districts ---------------------------------------------------------- */

/* districts_added_fn: a district the service now follows, for its consumer
 * and its timers. */
static int
s_on_district(const char *district, void *arg)
{
    s_service_t *svc = arg;
    if (svc->consumer && consumer_add_district(svc->consumer, district) != 0)
        return -1;
    if (svc->timers && timers_add_district(svc->timers, district) != 0)
        return -1;
    return 0;
}

/* Follows "<name>.districts" ("*" by default), once the consumer and the
 * timers exist. 0 or -1. */
static int
s_follow_districts(s_service_t *svc)
{
    long long ms = s_get_int(svc, "districts_check_ms", SERVICE_DISTRICTS_CHECK_MS);
    svc->districts = districts_new(&svc->loop, svc->txq, s_get(svc, "districts", "*"),
                                   ms > 0 && ms < 3600000 ? (int) ms : SERVICE_DISTRICTS_CHECK_MS,
                                   s_on_district, svc);
    if (!svc->districts)
        log_error("bad district list", "key=%s.districts", svc->def->name);
    return svc->districts ? 0 : -1;
}

/* ---- start and stop ----------------------------------------------------- */

/* "<name>.linger_ms" (0..CONSUMER_LINGER_MAX_MS, 0: never) and
 * "<name>.linger_min" (1..100000): the consumer's gathering when busy
 * (consumer.h). Out of range: the default, with a warning. */
static int
s_linger(const s_service_t *svc, const char *suffix, long long dflt, long long max)
{
    long long v = s_get_int(svc, suffix, dflt);
    if (v < 0 || v > max) {
        log_warn("config value out of range, default used", "key=%s.%s min=0 max=%lld",
                 svc->def->name, suffix, max);
        v = dflt;
    }
    return (int) v;
}

static int
s_start_consumer(s_service_t *svc)
{
    consumer_opts_t opts = {
        .name = svc->def->name,
        .cursor_table = "bus.cursors",
        .xpub_endpoint = config_get(svc->cfg, "bus.xpub", "tcp://127.0.0.1:5561"),
        .curve = &svc->bus_keys,
        .producers = svc->def->consumes,
        .routes = svc->def->routes,
        .nroutes = svc->def->nroutes,
        .linger_ms = s_linger(svc, "linger_ms", SERVICE_LINGER_MS, CONSUMER_LINGER_MAX_MS),
        .linger_min = s_linger(svc, "linger_min", SERVICE_LINGER_MIN, 100000),
    };
    svc->consumer = consumer_new(&svc->loop, svc->zctx, &opts, svc->txq, svc->pub, NULL,
                                 svc->app);
    if (!svc->consumer) {
        log_error("consumer failed", "consumes=%s", svc->def->consumes ? svc->def->consumes : "");
        return -1;
    }
    return consumer_start(svc->consumer);
}

/* "<name>.timer_ms": how often the timers look for due rows (at least 50). */
static int
s_start_timers(s_service_t *svc)
{
    long long ms = s_get_int(svc, "timer_ms", SERVICE_TIMER_MS);
    if (ms < SERVICE_TIMER_MIN_MS || ms > 3600000)
        ms = ms < SERVICE_TIMER_MIN_MS ? SERVICE_TIMER_MIN_MS : SERVICE_TIMER_MS;
    svc->timers = timers_new(&svc->loop, svc->txq, svc->pub, svc->def->name, &svc->def->timers,
                             (int) ms, svc->app);
    return svc->timers ? 0 : -1;
}

/* "<name>.max_batch": commands per group commit, 1..CMD_MAX_BATCH (1: one
 * transaction per command). Out of range is clamped, with a warning. */
static size_t
s_max_batch(const s_service_t *svc)
{
    long long n = s_get_int(svc, "max_batch", CMD_MAX_BATCH);
    if (n < 1 || n > CMD_MAX_BATCH) {
        log_warn("config value out of range, clamped", "key=%s.max_batch min=1 max=%d",
                 svc->def->name, CMD_MAX_BATCH);
        n = n < 1 ? 1 : CMD_MAX_BATCH;
    }
    return (size_t) n;
}

static int
s_start_commands(s_service_t *svc)
{
    const service_def_t *def = svc->def;
    const char *endpoint = s_get(svc, "endpoint", NULL);
    if (!endpoint || strlen(endpoint) >= sizeof svc->endpoint) {
        log_error(endpoint ? "config value too long" : "missing config key",
                  "key=%s.endpoint", def->name);
        return -1;
    }
    snprintf(svc->endpoint, sizeof svc->endpoint, "%s", endpoint);
    svc->cmd = cmd_server_new(&svc->loop, svc->zctx, svc->endpoint, &svc->cmd_keys,
                              def->handlers, def->nhandlers, svc->txq, svc->pub, def->name,
                              svc->app);
    if (!svc->cmd)
        return -1;
    svc->max_batch = s_max_batch(svc);
    cmd_server_set_max_batch(svc->cmd, svc->max_batch);
    return 0;
}

/* The service's CURVE keys ("<name>.curve_*", "bus.curve_public",
 * "gateway.curve_public") and the ZAP handler that admits only the
 * gateway's key on the ROUTER. 0 or -1 (logged: the service refuses to run
 * without them). */
static int
s_start_curve(s_service_t *svc)
{
    const char *name = svc->def->name;
    if (curve_client_from_config(svc->cfg, name, "bus", &svc->bus_keys) != 0)
        return -1;
    svc->cmd_keys = (curve_server_t) { .own = svc->bus_keys.own, .domain = CURVE_DOMAIN_CMD,
                                       .peer = "gateway" };
    if (svc->def->nhandlers == 0)
        return 0;
    curve_allow_t *allow = curve_allow_new();
    if (!allow || curve_allow_programs(allow, svc->cfg, "gateway") != 0) {
        curve_allow_destroy(&allow);
        return -1;
    }
    curve_domain_t domain = { .name = CURVE_DOMAIN_CMD, .allow = allow };
    svc->zap = curve_zap_new(svc->zctx, &domain, 1);
    return svc->zap ? 0 : -1;
}

static int
s_start(s_service_t *svc)
{
    const service_def_t *def = svc->def;
    if (s_start_curve(svc) != 0)
        return -1;
    const char *dsn = config_pg_dsn(svc->cfg, def->name);
    if (!dsn)
        return -1;
    svc->txq = txq_new(&svc->loop, dsn);
    svc->pub = bus_pub_new(svc->zctx, config_get(svc->cfg, "bus.xsub", "tcp://127.0.0.1:5560"),
                           &svc->bus_keys);
    if (!svc->txq || !svc->pub)
        return -1;
    if (def->nhandlers > 0 && s_start_commands(svc) != 0)
        return -1;
    if (def->nroutes > 0 && s_start_consumer(svc) != 0)
        return -1;
    if (def->timers.nkinds > 0 && s_start_timers(svc) != 0)
        return -1;
    if ((svc->consumer || svc->timers) && s_follow_districts(svc) != 0)
        return -1;
    return 0;
}

static void
s_close_any(uv_handle_t *handle, void *arg)
{
    (void) arg;
    if (!uv_is_closing(handle))
        uv_close(handle, NULL);
}

/* Destroys the parts in dependency order: the district follower feeds the
 * consumer and the timers; they and the command server use the worker and
 * the publisher, so those go last. */
static void
s_teardown(s_service_t *svc)
{
    districts_destroy(&svc->districts);
    timers_destroy(&svc->timers);
    consumer_destroy(&svc->consumer);
    cmd_server_destroy(&svc->cmd);
    bus_pub_destroy(&svc->pub);
    txq_destroy(&svc->txq);
    uv_walk(&svc->loop, s_close_any, NULL);
}

static void
s_on_drained(void *arg)
{
    s_teardown(arg);
}

static void
s_on_signal(uv_signal_t *handle, int signum)
{
    s_service_t *svc = handle->data;
    if (svc->stopping)
        return;
    svc->stopping = 1;
    log_info("stopping", "signal=%d", signum);
    if (svc->cmd)
        cmd_server_drain(svc->cmd, s_on_drained, svc);
    else
        s_on_drained(svc);
}

static int
s_init_loop(s_service_t *svc)
{
    if (uv_loop_init(&svc->loop) != 0)
        return -1;
    uv_signal_init(&svc->loop, &svc->sigint);
    uv_signal_init(&svc->loop, &svc->sigterm);
    svc->sigint.data = svc->sigterm.data = svc;
    uv_signal_start(&svc->sigint, s_on_signal, SIGINT);
    uv_signal_start(&svc->sigterm, s_on_signal, SIGTERM);
    return 0;
}

/* Runs the loop until every handle is closed, then closes it. */
static void
s_run_loop(s_service_t *svc)
{
    uv_run(&svc->loop, UV_RUN_DEFAULT);
    uv_walk(&svc->loop, s_close_any, NULL);
    uv_run(&svc->loop, UV_RUN_DEFAULT);
    if (uv_loop_close(&svc->loop) != 0)
        log_warn("loop closed with handles open", "");
}

/* Every state machine the service declares is well formed (fsm_valid). 0
 * or -1 (logged: the service refuses to start on a broken table). */
static int
s_machines_valid(const service_def_t *def)
{
    for (size_t i = 0; i < def->nmachines; i++)
        if (fsm_valid(def->machines[i]) != 0) {
            log_error("state machine malformed", "machine=%s",
                      def->machines[i] && def->machines[i]->name ? def->machines[i]->name : "?");
            return -1;
        }
    return 0;
}

int
service_main(int argc, char **argv, const service_def_t *def)
{
    s_service_t svc = { .def = def };
    signal(SIGPIPE, SIG_IGN);
    svc.cfg = config_load(config_path_from_args(argc, argv));
    if (!svc.cfg)
        return 1;
    log_init(def->name, config_get(svc.cfg, "log.level", "info"));
    if (log_clock() != 0 || s_machines_valid(def) != 0) {
        config_destroy(&svc.cfg);
        return 1;
    }
    if (def->init && def->init(svc.cfg, &svc.app) != 0) {
        log_error("init failed", "");
        config_destroy(&svc.cfg);
        return 1;
    }
    int rc = 0, loop_ok = 0;
    svc.zctx = zmq_ctx_new();
    if (svc.zctx && s_init_loop(&svc) == 0)
        loop_ok = 1;
    if (!loop_ok) {
        log_error("loop or zeromq context failed", "");
        rc = 1;
    } else if (s_start(&svc) != 0) {
        log_error("start failed", "");
        rc = 1;
        s_teardown(&svc);
    } else {
        log_info("started", "endpoint=%s max_batch=%zu", svc.endpoint[0] ? svc.endpoint : "-",
                 svc.max_batch);
    }
    if (loop_ok)
        s_run_loop(&svc);           /* after a failed start: closes what it opened */
    curve_zap_destroy(&svc.zap);
    if (svc.zctx)
        zmq_ctx_term(svc.zctx);
    log_info("stopped", "endpoint=%s code=%d", svc.endpoint[0] ? svc.endpoint : "-", rc);
    if (def->fini)
        def->fini(svc.app);
    config_destroy(&svc.cfg);
    return rc;
}
