/* cmd_int: the command layer's internals, shared by cmd.c, cmd_client.c,
 * cmd_run.c and cmd_server.c (and the engine's unit test): the socket
 * helpers both ends use (cmd__*) and the group-commit engine (cmd_run)
 * behind the server. No service includes this header: a service sees
 * cmd.h and cmd_server.h only. */
#ifndef LIANXIN_CMD_INT_H
#define LIANXIN_CMD_INT_H

#include <stddef.h>
#include "cmd.h"
#include "cmd_server.h"
#include "tx.h"

/* ---- results and sockets (cmd.c) ---------------------------------------- */

/* Frees the payload and zeroes the whole result (no outcome yet). */
void cmd__clear_result(cmd_result_t *res);

/* Sets the options both ends share (max message, linger, high-water marks).
 * 0 or -1. */
int cmd__socket_opts(void *sock);

/* Receives every frame of one message, keeping the first `max` in `parts`
 * (to be closed by the caller with cmd__close_frames) and discarding the
 * rest. Returns the number of frames the message had; 0 when nothing was
 * there. */
struct zmq_msg_t;
int cmd__recv_frames(void *sock, struct zmq_msg_t *parts, int max);
void cmd__close_frames(struct zmq_msg_t *parts, int n, int max);

/* ---- the group-commit engine, pure (cmd_run.c) -------------------------
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

#endif
