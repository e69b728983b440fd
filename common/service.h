/* service: the skeleton every long-running service shares, so main.c is
 * wiring only: a service is a declaration (its commands, the events it
 * consumes, its timers). It reads the config, starts logging, the loop, the
 * worker (txq), the bus publisher, the command server for the service's
 * handlers, the consumer of its event routes and its timers, both over the
 * districts it follows (districts.h: "*" follows core.districts as it
 * changes); it stops cleanly on SIGINT/SIGTERM (drains the batch in flight,
 * closes sockets) and exits 0. */
#ifndef LIANXIN_SERVICE_H
#define LIANXIN_SERVICE_H

#include <stddef.h>
#include "config.h"
#include "cmd_server.h"
#include "consumer.h"
#include "evroute.h"
#include "fsm.h"
#include "timers.h"

typedef struct service_def {
    const char *name;                   /* "intake": producer name, config prefix */
    const cmd_handler_t *handlers;      /* may be NULL when nhandlers == 0 */
    size_t nhandlers;
    const evroute_t *routes;            /* the events consumed; NULL: none */
    size_t nroutes;
    const char *consumes;               /* producers followed, "intake,consult" */
    timers_def_t timers;                /* its timer table and kinds; nkinds 0: none */
    const fsm_t *const *machines;       /* its state machines, checked at start */
    size_t nmachines;
    /* Called once after the config is read and before anything starts; fills
     * the service's own state (returned through *app), handed to handlers
     * (ctx->app), routes and timers. 0 or -1 (exit 1). */
    int (*init)(const config_t *cfg, void **app);
    void (*fini)(void *app);
} service_def_t;

/* Runs the service until SIGINT/SIGTERM. Config keys used (all documented in
 * deploy/lianxin.conf.example): <name>.pg_dsn (its own role), bus.xsub, bus.xpub, the CURVE keys
 * <name>.curve_public, <name>.curve_secret, bus.curve_public and
 * gateway.curve_public (required: the bus links and the ROUTER are CURVE,
 * and the ROUTER takes commands from the gateway's key only),
 * <name>.endpoint, <name>.max_batch, <name>.districts ("*" = every district
 * in core.districts, read again every <name>.districts_check_ms, default
 * 3000), <name>.timer_ms (default 2000, at least 50), log.level. Returns the
 * process exit code. */
int service_main(int argc, char **argv, const service_def_t *def);

#endif
