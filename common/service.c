/* service: the skeleton of every long-running service (see service.h): config,
 * logging, loop, worker, bus, command server, consumer, clean shutdown.
 * Never holds domain logic; never exits the process itself (main returns). */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "log.h"
#include "service.h"

#define SERVICE_RETRY_MS 2000
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
    uv_signal_t sigint, sigterm;
    uv_timer_t retry;               /* reloading the districts while PostgreSQL is away */
    char endpoint[SERVICE_ENDPOINT_MAX];    /* a copy: logged after the config is gone */
    size_t max_batch;
    int stopping;
} s_service_t;

/* The result of the "every district" job, handed to the loop. */
typedef struct {
    s_service_t *svc;
    char **codes;
    size_t n;
} s_districts_t;

static const char *
s_get(const s_service_t *svc, const char *suffix, const char *dflt)
{
    char key[SERVICE_KEY_MAX];
    snprintf(key, sizeof key, "%s.%s", svc->def->name, suffix);
    return config_get(svc->cfg, key, dflt);
}

/* ---- districts ---------------------------------------------------------- */

static void s_load_districts(s_service_t *svc);

static int
s_districts_job(db_t *db, void *arg)
{
    s_districts_t *d = arg;
    if (db_connect(db) != 0)
        return -1;
    PGresult *res = db_exec(db, "SELECT district_code FROM core.districts ORDER BY 1", 0, NULL);
    if (!res)
        return -1;
    int rows = PQntuples(res);
    d->codes = calloc(rows ? (size_t) rows : 1, sizeof *d->codes);
    for (int i = 0; d->codes && i < rows; i++)
        if ((d->codes[d->n] = strdup(PQgetvalue(res, i, 0))))
            d->n++;
    PQclear(res);
    return d->codes && d->n == (size_t) rows ? 0 : -1;
}

static void
s_districts_free(s_districts_t *d)
{
    for (size_t i = 0; i < d->n; i++)
        free(d->codes[i]);
    free(d->codes);
    free(d);
}

static void
s_on_retry(uv_timer_t *timer)
{
    s_load_districts(timer->data);
}

static void
s_districts_done(int rc, void *arg)
{
    s_districts_t *d = arg;
    s_service_t *svc = d->svc;
    if (!svc->stopping && svc->consumer) {
        if (rc != 0) {
            log_warn("districts not loaded, retrying", "retry_ms=%d", SERVICE_RETRY_MS);
            uv_timer_start(&svc->retry, s_on_retry, SERVICE_RETRY_MS, 0);
        } else {
            for (size_t i = 0; i < d->n; i++)
                if (consumer_add_district(svc->consumer, d->codes[i]) != 0)
                    log_warn("district not followed", "district=%s", d->codes[i]);
            log_info("districts followed", "n=%zu", d->n);
        }
    }
    s_districts_free(d);
}

static void
s_load_districts(s_service_t *svc)
{
    s_districts_t *d = calloc(1, sizeof *d);
    if (d)
        d->svc = svc;
    if (!d || txq_submit(svc->txq, s_districts_job, s_districts_done, d) != 0) {
        free(d);
        uv_timer_start(&svc->retry, s_on_retry, SERVICE_RETRY_MS, 0);
    }
}

/* Follows "<name>.districts": "*" (every district, read through the worker)
 * or a comma-separated list. 0 or -1. */
static int
s_follow_districts(s_service_t *svc)
{
    const char *list = s_get(svc, "districts", "*");
    if (strcmp(list, "*") == 0) {
        s_load_districts(svc);
        return 0;
    }
    char *copy = strdup(list), *save = NULL;
    int rc = copy ? 0 : -1;
    for (char *t = copy ? strtok_r(copy, ", ", &save) : NULL; t && rc == 0;
         t = strtok_r(NULL, ", ", &save))
        rc = consumer_add_district(svc->consumer, t);
    if (rc != 0)
        log_error("bad district list", "key=%s.districts", svc->def->name);
    free(copy);
    return rc;
}

/* ---- start and stop ----------------------------------------------------- */

static int
s_start_consumer(s_service_t *svc)
{
    char table[SERVICE_KEY_MAX];
    snprintf(table, sizeof table, "%s.cursors", svc->def->name);
    consumer_opts_t opts = {
        .name = svc->def->name,
        .cursor_table = table,
        .xpub_endpoint = config_get(svc->cfg, "bus.xpub", "tcp://127.0.0.1:5561"),
        .producers = svc->def->consumes,
        .apply_many = svc->def->apply_many,
    };
    svc->consumer = consumer_new(&svc->loop, svc->zctx, &opts, svc->txq, svc->pub,
                                 svc->def->apply, svc->app);
    if (!svc->consumer) {
        log_error("consumer failed", "consumes=%s", svc->def->consumes ? svc->def->consumes : "");
        return -1;
    }
    if (consumer_start(svc->consumer) != 0)
        return -1;
    return s_follow_districts(svc);
}

/* "<name>.max_batch": commands per group commit, 1..CMD_MAX_BATCH (1: one
 * transaction per command). Out of range is clamped, with a warning. */
static size_t
s_max_batch(const s_service_t *svc)
{
    char key[SERVICE_KEY_MAX];
    snprintf(key, sizeof key, "%s.max_batch", svc->def->name);
    long long n = config_get_int(svc->cfg, key, CMD_MAX_BATCH);
    if (n < 1 || n > CMD_MAX_BATCH) {
        log_warn("config value out of range, clamped", "key=%s min=1 max=%d", key,
                 CMD_MAX_BATCH);
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
    svc->cmd = cmd_server_new(&svc->loop, svc->zctx, svc->endpoint, def->handlers,
                              def->nhandlers, svc->txq, svc->pub, def->name, svc->app);
    if (!svc->cmd)
        return -1;
    svc->max_batch = s_max_batch(svc);
    cmd_server_set_max_batch(svc->cmd, svc->max_batch);
    return 0;
}

static int
s_start(s_service_t *svc)
{
    const service_def_t *def = svc->def;
    svc->txq = txq_new(&svc->loop, config_get(svc->cfg, "pg.dsn", ""));
    svc->pub = bus_pub_new(svc->zctx, config_get(svc->cfg, "bus.xsub", "tcp://127.0.0.1:5560"));
    if (!svc->txq || !svc->pub)
        return -1;
    if (def->nhandlers > 0 && s_start_commands(svc) != 0)
        return -1;
    if (def->apply && s_start_consumer(svc) != 0)
        return -1;
    if (def->start && def->start(&svc->loop, svc->txq, svc->pub, svc->cfg, svc->app) != 0)
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

/* Destroys the parts in dependency order: the consumer and the command
 * server use the worker and the publisher, so those go last. */
static void
s_teardown(s_service_t *svc)
{
    if (svc->def->stop)
        svc->def->stop(svc->app);
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
    uv_timer_stop(&svc->retry);
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
    uv_timer_init(&svc->loop, &svc->retry);
    uv_signal_init(&svc->loop, &svc->sigint);
    uv_signal_init(&svc->loop, &svc->sigterm);
    svc->retry.data = svc->sigint.data = svc->sigterm.data = svc;
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

int
service_main(int argc, char **argv, const service_def_t *def)
{
    s_service_t svc = { .def = def };
    signal(SIGPIPE, SIG_IGN);
    svc.cfg = config_load(config_path_from_args(argc, argv));
    if (!svc.cfg)
        return 1;
    log_init(def->name, config_get(svc.cfg, "log.level", "info"));
    if (log_clock() != 0) {
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
    if (svc.zctx)
        zmq_ctx_term(svc.zctx);
    log_info("stopped", "endpoint=%s code=%d", svc.endpoint[0] ? svc.endpoint : "-", rc);
    if (def->fini)
        def->fini(svc.app);
    config_destroy(&svc.cfg);
    return rc;
}
