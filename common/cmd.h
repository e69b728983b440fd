/* cmd: the command channel. The gateway's cmd_client sends a Command over
 * DEALER to a service's ROUTER and waits for the Reply, giving up after a
 * timeout (the caller answers 503: never a hang). The service's cmd_server
 * validates each command on the loop (a bad one is answered at once), then
 * runs the valid ones that arrived together in ONE transaction (group
 * commit) and answers each after COMMIT. One bad command never sinks its
 * neighbours: when the fast path (many commands per statement, no
 * savepoints) meets an SQL error, the batch is run again one savepoint per
 * command. Results and client live in cmd.c, the server in cmd_server.c. */
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
    /* On the worker, inside the transaction (under a savepoint unless the
     * handler is `atomic`). 0 keeps the command's work (res must be set
     * with cmd_ok); -1 undoes it and answers `res`. A lost connection fails
     * the whole batch with 503 unavailable. May be NULL when execute_many
     * is set (the safe mode then calls execute_many with n = 1). */
    int (*execute)(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res);
    /* Optional fast path: runs `n` consecutive commands of this type at once
     * inside the transaction, with no savepoint. Sets every *res[i]: cmd_ok,
     * or a refusal (status 4xx), and a refused command must have left no
     * writes and no buffered events or audit rows (tx_mark / tx_rewind).
     * Returns 0; -1 (or any 5xx, or an SQL error that aborts the
     * transaction) makes the server roll the whole transaction back and run
     * the batch again in safe mode: one savepoint per command, one by one. */
    int (*execute_many)(tx_t *tx, const cmd_ctx_t *ctxs, cmd_result_t *const *res, size_t n);
    /* 1 when execute, refusing a command (-1 with a 4xx), has written
     * nothing: the fast path then runs it without a savepoint (rewinding
     * what it buffered). Anything else it fails with is handled as above. */
    int atomic;
} cmd_handler_t;

typedef struct cmd_server cmd_server_t;

/* Binds a ROUTER at `endpoint` and serves `handlers` (kept by reference),
 * committing through `txq` and publishing committed events on `pub` as
 * `producer`. NULL on failure (logged). */
cmd_server_t *cmd_server_new(uv_loop_t *loop, void *zctx, const char *endpoint,
                             const cmd_handler_t *handlers, size_t nhandlers,
                             txq_t *txq, bus_pub_t *pub, const char *producer, void *app);

/* Commands per transaction, 1..CMD_MAX_BATCH (default CMD_MAX_BATCH); 1
 * means no group commit: one transaction per command. */
void cmd_server_set_max_batch(cmd_server_t *self, size_t max_batch);

/* Stops taking commands (later ones get 503), lets the batch in flight finish
 * and be answered, then calls `done`. */
void cmd_server_drain(cmd_server_t *self, void (*done)(void *arg), void *arg);

/* Idempotent; sets *self_p to NULL. */
void cmd_server_destroy(cmd_server_t **self_p);

/* Counters for /metrics-like logging. `fallbacks`: batches whose fast path
 * was abandoned and run again one savepoint per command. */
typedef struct cmd_server_stats {
    uint64_t received, rejected, committed, failed, batches, expired, fallbacks;
} cmd_server_stats_t;
void cmd_server_stats(const cmd_server_t *self, cmd_server_stats_t *out);

/* ---- the group-commit engine, pure (exposed for unit tests) ------------
 * The server's worker runs a batch through cmd_run with `ops` over a real
 * tx_t; a test passes fakes. */

typedef struct cmd_txops {
    int (*begin)(void *t);              /* 0, or -1: database unavailable */
    int (*commit)(void *t);             /* 0, or -1 (rolled back) */
    void (*rollback)(void *t);
    int (*savepoint)(void *t);
    int (*release)(void *t);
    int (*rollback_to)(void *t);
    void (*mark)(void *t, tx_mark_t *mark);
    void (*rewind)(void *t, const tx_mark_t *mark);
    int (*broken)(void *t);             /* 1: the connection is lost */
    int (*failed)(void *t);             /* 1: an SQL error aborted the transaction */
} cmd_txops_t;

/* One command of a batch as the engine sees it. */
typedef struct cmd_slot {
    const cmd_handler_t *handler;
    cmd_ctx_t ctx;
    cmd_result_t *res;
    int ok;                             /* out: its work was committed */
} cmd_slot_t;

/* Runs `slots` as one transaction through `ops` (on `t`), handing `tx` to
 * the handlers. Fast path: consecutive commands of one handler go to its
 * execute_many together; `atomic` handlers run without savepoints; others
 * under one savepoint each. When the fast path fails (SQL error, -1 or a
 * 5xx) it is rolled back and the batch runs in safe mode (one savepoint per
 * command, one by one), *fell_back set. 0 when committed (each slot's res
 * and ok set); -1 when the database failed the batch (every command 503). */
int cmd_run(const cmd_txops_t *ops, void *t, tx_t *tx, cmd_slot_t *slots, size_t n,
            int *fell_back);

/* ---- internal: shared by cmd.c and cmd_server.c ----------------------- */

int cmd__socket_opts(void *sock);
struct zmq_msg_t;
int cmd__recv_frames(void *sock, struct zmq_msg_t *parts, int max);
void cmd__close_frames(struct zmq_msg_t *parts, int n, int max);

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
