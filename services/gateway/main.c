/* lianxin-gateway: the HTTP/JSON API and the web console. Wiring only: the
 * config, the log, the loop, the ZeroMQ context, the gateway, the signals;
 * never any logic. Exits 0 after a clean stop on SIGINT/SIGTERM, 1 when it
 * cannot start. */

#include <signal.h>
#include <stdio.h>
#include <uv.h>
#include <zmq.h>
#include "config.h"
#include "gateway.h"
#include "log.h"

typedef struct app {
    gw_t *gw;
    uv_signal_t sigint, sigterm;
} app_t;

static void s_on_stopped(void *arg)
{
    app_t *app = arg;
    uv_close((uv_handle_t *) &app->sigint, NULL);
    uv_close((uv_handle_t *) &app->sigterm, NULL);
}

static void s_on_signal(uv_signal_t *h, int signum)
{
    app_t *app = h->data;
    log_info("signal received", "signal=%d", signum);
    gateway_stop(app->gw, s_on_stopped, app);
}

int main(int argc, char **argv)
{
    config_t *cfg = config_load(config_path_from_args(argc, argv));
    if (!cfg)
        return 1;
    log_init("gateway", config_get(cfg, "log.level", "info"));
    if (log_clock() != 0) {
        config_destroy(&cfg);
        return 1;
    }
    signal(SIGPIPE, SIG_IGN);
    uv_loop_t *loop = uv_default_loop();
    void *zctx = zmq_ctx_new();
    app_t app = {0};
    app.gw = zctx ? gateway_new(loop, zctx, cfg) : NULL;
    if (!app.gw) {
        uv_run(loop, UV_RUN_DEFAULT);   /* let closing handles finish */
        if (zctx)
            zmq_ctx_term(zctx);
        config_destroy(&cfg);
        return 1;
    }
    uv_signal_init(loop, &app.sigint);
    uv_signal_init(loop, &app.sigterm);
    app.sigint.data = app.sigterm.data = &app;
    uv_signal_start(&app.sigint, s_on_signal, SIGINT);
    uv_signal_start(&app.sigterm, s_on_signal, SIGTERM);
    uv_run(loop, UV_RUN_DEFAULT);
    zmq_ctx_term(zctx);
    uv_loop_close(loop);
    config_destroy(&cfg);
    /* join the thread pool now, while OpenSSL can still free the per-thread
     * state of the threads that checked passwords */
    uv_library_shutdown();
    return 0;
}
