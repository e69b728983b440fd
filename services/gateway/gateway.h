/* gateway: lianxin-gateway as one object: reads its settings, builds the
 * pool, auth, command clients, limiters, metrics and the HTTP server on a
 * loop, and stops them in order. main.c only wires this to signals. Never
 * exits the process itself. */
#ifndef GW_GATEWAY_H
#define GW_GATEWAY_H

#include <uv.h>
#include "config.h"
#include "gw.h"

/* Reads the gateway.* settings (defaults in the README) into `out`. 0, or
 * -1 when a value is unusable (logged, naming the key). No I/O but the
 * web root fallback check. */
int gateway_settings(const config_t *cfg, gw_settings_t *out);

/* Starts everything on `loop`. NULL on failure (logged). */
gw_t *gateway_new(uv_loop_t *loop, void *zctx, const config_t *cfg);

/* The clean stop: stops accepting, lets requests in flight finish for up to
 * gateway.shutdown_grace_ms, answers the rest 503, closes everything and
 * frees the gateway; then calls `done` (once) on the loop. Idempotent. */
void gateway_stop(gw_t *gw, void (*done)(void *arg), void *arg);

#endif
