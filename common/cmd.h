/* cmd: the command channel. The gateway's cmd_client sends a Command over
 * DEALER to a service's ROUTER and waits for the Reply, giving up after a
 * timeout (the caller answers 503: never a hang). The service's cmd_server
 * validates each command on the loop (a bad one is answered at once), then
 * runs the valid ones that arrived together in ONE transaction (group
 * commit), each under its own savepoint, and answers each after COMMIT. */
#ifndef LIANXIN_CMD_H
#define LIANXIN_CMD_H

#include <stddef.h>
#include <stdint.h>
#include <uv.h>
#include <protobuf-c/protobuf-c.h>
#include "envelope.pb-c.h"
#include "bus.h"
#include "tx.h"
#include "txq.h"

#define CMD_MAX_MSG (1024 * 1024)   /* ZMQ_MAXMSGSIZE on both ends */
#define CMD_MAX_BATCH 256           /* commands in one transaction */
#define CMD_MAX_FIELDS 16

/* ---- outcome of one command ------------------------------------------- */

typedef struct cmd_result {
    int status;                     /* 200, 201, 400, 403, 404, 409, 422, 503 */
    char error_code[32];            /* "" on success */
    char message[160];
    int nfields;
    struct { char field[128]; char code[24]; } fields[CMD_MAX_FIELDS];
    char payload_type[96];          /* full name, "lianxin.v1.VisitRef" */
    uint8_t *payload;               /* packed reply message, malloc'd */
    size_t payload_len;
} cmd_result_t;

/* Sets an error outcome. Returns -1 so handlers can `return cmd_fail(...)`. */
int cmd_fail(cmd_result_t *res, int status, const char *code, const char *message);

/* Adds a field error (up to CMD_MAX_FIELDS) and sets status 400 /
 * validation_failed unless an error was already set. Returns -1. */
int cmd_field_error(cmd_result_t *res, const char *field, const char *code);

/* Sets a success outcome with `msg` packed as the payload. 0 or -1. */
int cmd_ok(cmd_result_t *res, int status, const ProtobufCMessage *msg);

/* ---- server side ------------------------------------------------------- */

typedef struct cmd_ctx {
    const Lianxin__V1__Command *cmd;    /* envelope: actor, district, object_id */
    const ProtobufCMessage *req;        /* the payload, unpacked */
    void *app;                          /* the service's own state */
} cmd_ctx_t;

typedef struct cmd_handler {
    const char *type;                                  /* "intake.RecordVisit" */
    const ProtobufCMessageDescriptor *request;
    /* On the loop, before batching: checks roles and the request's own
     * content. 0 to run it, -1 to answer `res` at once. No I/O. */
    int (*validate)(const cmd_ctx_t *ctx, cmd_result_t *res);
    /* On the worker, inside the transaction and a savepoint. 0 keeps the
     * command's work (res must be set with cmd_ok); -1 rolls it back to its
     * savepoint and answers `res`. A lost connection fails the whole batch
     * with 503 unavailable. */
    int (*execute)(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res);
} cmd_handler_t;

typedef struct cmd_server cmd_server_t;

/* Binds a ROUTER at `endpoint` and serves `handlers` (kept by reference),
 * committing through `txq` and publishing committed events on `pub` as
 * `producer`. NULL on failure (logged). */
cmd_server_t *cmd_server_new(uv_loop_t *loop, void *zctx, const char *endpoint,
                             const cmd_handler_t *handlers, size_t nhandlers,
                             txq_t *txq, bus_pub_t *pub, const char *producer, void *app);

/* Stops taking commands (later ones get 503), lets the batch in flight finish
 * and be answered, then calls `done`. */
void cmd_server_drain(cmd_server_t *self, void (*done)(void *arg), void *arg);

/* Idempotent; sets *self_p to NULL. */
void cmd_server_destroy(cmd_server_t **self_p);

/* Counters for /metrics-like logging. */
typedef struct cmd_server_stats {
    uint64_t received, rejected, committed, failed, batches, expired;
} cmd_server_stats_t;
void cmd_server_stats(const cmd_server_t *self, cmd_server_stats_t *out);

/* ---- client side ------------------------------------------------------- */

typedef struct cmd_client cmd_client_t;

/* Called once per command: with the reply, or with NULL and
 * err = UV_ETIMEDOUT (no reply in time) / UV_EAGAIN (no service connected). */
typedef void (cmd_reply_fn)(const Lianxin__V1__Reply *reply, int err, void *arg);

/* A DEALER connected to every endpoint in `endpoints` (comma-separated: one
 * per service instance; requests are spread over them). ZMQ_IMMEDIATE is set
 * so nothing is queued for an instance that is not there. NULL on failure. */
cmd_client_t *cmd_client_new(uv_loop_t *loop, void *zctx, const char *endpoints);

/* Sends `cmd` (its correlation_id and deadline are set here) and calls `fn`
 * exactly once, within `timeout_ms`. 0, or a negative uv error when it could
 * not be sent (fn is then not called). */
int cmd_client_send(cmd_client_t *self, Lianxin__V1__Command *cmd, int timeout_ms,
                    cmd_reply_fn *fn, void *arg);

/* Commands sent and not yet answered. */
size_t cmd_client_pending(const cmd_client_t *self);

/* Counts of replies that never came in time. */
uint64_t cmd_client_timeouts(const cmd_client_t *self);

/* Calls every pending callback with UV_ECANCELED, then frees. Idempotent. */
void cmd_client_destroy(cmd_client_t **self_p);

#endif
