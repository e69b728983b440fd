/* cmd_client: the gateway's end of the command channel. It sends a Command
 * over DEALER to a service's ROUTER (cmd_server.h) and calls back with the
 * Reply, giving up after a timeout (the caller answers 503: never a hang).
 * Loop thread only; never blocks, never logs payloads or actors. */
#ifndef LIANXIN_CMD_CLIENT_H
#define LIANXIN_CMD_CLIENT_H

#include <stddef.h>
#include <stdint.h>
#include <uv.h>
#include "cmd.h"
#include "curve.h"
#include "envelope.pb-c.h"

typedef struct cmd_client cmd_client_t;

/* Called once per command: with the reply, or with NULL and
 * err = UV_ETIMEDOUT (no reply in time) / UV_EAGAIN (no service connected). */
typedef void (cmd_reply_fn)(const Lianxin__V1__Reply *reply, int err, void *arg);

/* A DEALER connected to every endpoint in `endpoints` (comma-separated: one
 * per service instance; requests are spread over them), a CURVE client with
 * `curve`'s keys (the gateway's pair, the service's public key; NULL only
 * for an in-process test server, which is then plain). ZMQ_IMMEDIATE is set
 * so nothing is queued for an instance that is not there (nor for one whose
 * handshake failed). NULL on failure. */
cmd_client_t *cmd_client_new(uv_loop_t *loop, void *zctx, const char *endpoints,
                             const curve_client_t *curve);

/* Sends `cmd` (its correlation_id and budget_ms, CMD_BUDGET_MS(timeout_ms),
 * are set here) and calls `fn`
 * exactly once, within `timeout_ms`. 0, or a negative uv error when it could
 * not be sent (fn is then not called). */
int cmd_client_send(cmd_client_t *self, Lianxin__V1__Command *cmd, int timeout_ms,
                    cmd_reply_fn *fn, void *arg);

/* Commands sent and not yet answered. */
size_t cmd_client_pending(const cmd_client_t *self);

/* Counts of replies that never came in time. */
uint64_t cmd_client_timeouts(const cmd_client_t *self);

/* Calls every pending callback with UV_ECANCELED, then frees. Idempotent;
 * sets *self_p to NULL. */
void cmd_client_destroy(cmd_client_t **self_p);

#endif
