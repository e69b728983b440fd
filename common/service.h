/* service: the skeleton every long-running service shares, so main.c is
 * wiring only. It reads the config, starts logging, the loop, the worker
 * (txq), the bus publisher, the command server for the service's handlers,
 * and the consumer when the service consumes events; it stops cleanly on
 * SIGINT/SIGTERM (drains the batch in flight, closes sockets) and exits 0. */
#ifndef LIANXIN_SERVICE_H
#define LIANXIN_SERVICE_H

#include <stddef.h>
#include "config.h"
#include "cmd_server.h"
#include "consumer.h"

typedef struct service_def {
    const char *name;                   /* "intake": producer name, config prefix */
    const cmd_handler_t *handlers;      /* may be NULL when nhandlers == 0 */
    size_t nhandlers;
    consumer_apply_fn *apply;           /* NULL: the service consumes nothing */
    consumer_apply_many_fn *apply_many; /* optional: a run of events at once */
    const char *consumes;               /* producers followed, "intake,consult" */
    /* Called once after the config is read and before anything starts; fills
     * the service's own state (returned through *app). 0 or -1 (exit 1). */
    int (*init)(const config_t *cfg, void **app);
    void (*fini)(void *app);
    /* Optional: called on the loop once the worker, the publisher and the
     * command server run, for the service's own timers (e.g. intake's
     * duty reminders). 0 or -1 (the start fails). */
    int (*start)(uv_loop_t *loop, txq_t *txq, bus_pub_t *pub, const config_t *cfg, void *app);
    /* Optional: called first at teardown (also after a failed start); from
     * then on the service must not submit to the txq nor publish. */
    void (*stop)(void *app);
} service_def_t;

/* Runs the service until SIGINT/SIGTERM. Config keys used (all documented in
 * deploy/lianxin.conf.example): pg.dsn, bus.xsub, bus.xpub,
 * <name>.endpoint, <name>.districts ("*" = every district in core.districts),
 * log.level. Returns the process exit code. */
int service_main(int argc, char **argv, const service_def_t *def);

#endif
