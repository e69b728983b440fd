/* cmd: the command layer's shared types: the outcome of one command
 * (cmd_result_t and the helpers that set it) and what a handler is given
 * (cmd_ctx_t), with the helpers every service's handlers share (the path's
 * object id, a failed statement, an event with its audit row). The client
 * (the gateway's side) is cmd_client.h; the server and its handler table
 * (the service's side) are cmd_server.h; the batching engine's internals
 * are cmd_int.h, which no service includes. Never logs payloads, actors or
 * messages. */
#ifndef LIANXIN_CMD_H
#define LIANXIN_CMD_H

#include <stddef.h>
#include <stdint.h>
#include <protobuf-c/protobuf-c.h>
#include "envelope.pb-c.h"
#include "fsm.h"
#include "tx.h"

#define CMD_MAX_MSG (1024 * 1024)   /* ZMQ_MAXMSGSIZE on both ends */
#define CMD_MAX_BATCH 256           /* commands in one transaction */
#define CMD_MAX_BUDGET_MS 600000    /* a Command's budget_ms is capped at it */
/* The budget a client sends for a wait of `timeout_ms`: a tenth less (at
 * least 1 ms, at most 250 ms less), the margin for the time the command
 * spends in transit and in the service's socket queue before its receive
 * time is taken, so that it expires on the service before the client gives
 * up and answers 503. */
#define CMD_BUDGET_MS(timeout_ms)                                                            \
    ((timeout_ms) - ((timeout_ms) / 10 < 1 ? 1 : (timeout_ms) / 10 > 250 ? 250 : (timeout_ms) / 10))
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

/* ---- what a handler is given -------------------------------------------- */

typedef struct cmd_ctx {
    const Lianxin__V1__Command *cmd;    /* envelope: actor, district, object_id */
    const ProtobufCMessage *req;        /* the payload, unpacked */
    void *app;                          /* the service's own state */
} cmd_ctx_t;

/* The command's object id (the path's {id}): a positive decimal integer of
 * at most 18 digits into *id. 0, or -1 (the caller answers 404). */
int cmd_object_id(const cmd_ctx_t *ctx, int64_t *id);

/* A failed statement of a handler: 503 `unavailable` when the connection was
 * lost (the server then fails the batch), else 500 `internal`, logged with
 * `what`, the SQLSTATE and db_error's first line (never a parameter).
 * Returns -1. */
int cmd_db_fail(tx_t *tx, cmd_result_t *res, const char *what);

/* Buffers the audit row `action` on (object_type, object_id) with the
 * SHA-256 of the packed `msg` as its digest, then, when `type` is not NULL,
 * the event `type` with `msg` as payload; both in the command's district
 * and by its actor. 0, or -1 with res set (500). */
int cmd_record(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res, const char *type,
               const ProtobufCMessage *msg, const char *action, const char *object_type,
               int64_t object_id);

/* The state-machine gate of a transition: whether the command's actor (its
 * role) may send `event` of machine `m` to a subject in `state` with `flags`
 * (common/fsm, `subject` handed to the guards). 0 when allowed; else -1
 * with `res` set: 403 `forbidden` for a role that may never send it (or an
 * unknown role), 409 `conflict` naming the state and the events allowed now
 * (fsm_explain), 400 for an event out of range. */
int cmd_fsm_gate(const fsm_t *m, int state, unsigned flags, int event, const cmd_ctx_t *ctx,
                 const void *subject, cmd_result_t *res);

#endif
