/* cmd_server: a service's end of the command channel and its handler table.
 * A ROUTER takes each Command on the loop, finds the handler row of its
 * type, checks what the row declares (the actor's role, the district: 403
 * forbidden) before the payload is unpacked and before the handler's own
 * `validate`, then runs the valid commands that arrived together in ONE
 * transaction on the txq worker (group commit) and answers each after
 * COMMIT. One bad command never sinks its neighbours: when the fast path
 * (many commands per statement, no savepoints) meets an SQL error, the batch
 * is run again one savepoint per command (the engine: cmd_int.h, cmd_run.c).
 * Never logs payloads, actors or messages; never blocks the loop. */
#ifndef LIANXIN_CMD_SERVER_H
#define LIANXIN_CMD_SERVER_H

#include <stddef.h>
#include <stdint.h>
#include <uv.h>
#include "bus.h"
#include "cmd.h"
#include "curve.h"
#include "roles.h"
#include "tx.h"
#include "txq.h"

/* Flags of a handler row (cmd_handler_t.flags). */
enum {
    /* The command acts in one district (Command.district, the path's {d}):
     * its actor must belong to that district or be a city-wide admin
     * (cmd_district_ok); a command with no district is refused. */
    CMD_DISTRICT = 1u << 0
};

/* One row of a service's command table, in designated initialisers:
 *   { .type = "intake.GenerateRota", .request = &..._descriptor,
 *     .roles = ROLE_OFFICE | ROLE_ADMIN, .flags = CMD_DISTRICT,
 *     .execute = rota_generate_execute },
 * so that members added later stay zero. */
typedef struct cmd_handler {
    const char *type;                                  /* "intake.RecordVisit" */
    const ProtobufCMessageDescriptor *request;
    /* The roles that may send it (ROLE_* bits of the actor's role). The
     * server answers any other role, or a command without an actor, 403
     * `forbidden`; 0 admits nobody. */
    unsigned roles;
    unsigned flags;                                    /* CMD_DISTRICT */
    /* On the loop, after the row's roles and district passed and the
     * payload was unpacked: the request's own content and what only this
     * command knows (a member acting only for themselves). 0 to run it, -1
     * to answer `res` at once. No I/O. May be NULL. */
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

/* The check the server makes for row `h` before unpacking and validating
 * `cmd` (pure; exposed for tests): 0 when the actor's role is in h->roles
 * and, for a CMD_DISTRICT row, cmd_district_ok holds; else -1 with `res`
 * set to 403 `forbidden` (the message names the roles admitted, or the
 * district). */
int cmd_access(const cmd_handler_t *h, const Lianxin__V1__Command *cmd, cmd_result_t *res);

/* 1 when `actor` may act in `district`: a non-empty district that is the
 * actor's own, or any district for an admin with no district of their own
 * (city-wide). 0 otherwise, also for a NULL actor or an empty district. */
int cmd_district_ok(const Lianxin__V1__Actor *actor, const char *district);

typedef struct cmd_server cmd_server_t;

/* Binds a ROUTER at `endpoint` and serves `handlers` (kept by reference),
 * committing through `txq` and publishing committed events on `pub` as
 * `producer`. With `curve` (copied) the ROUTER is a CURVE server in
 * curve->domain, whose ZAP handler (curve_zap_new, started before) admits
 * the peers' keys, and a command is taken only from a peer whose User-Id
 * is curve->peer ("gateway"): the actor in a command is believed only from
 * there. Anything else is dropped unanswered and counted as forbidden. NULL
 * `curve` (plain TCP, every peer) is for in-process tests only. NULL on
 * failure (logged). */
cmd_server_t *cmd_server_new(uv_loop_t *loop, void *zctx, const char *endpoint,
                             const curve_server_t *curve, const cmd_handler_t *handlers,
                             size_t nhandlers, txq_t *txq, bus_pub_t *pub, const char *producer,
                             void *app);

/* Commands per transaction, 1..CMD_MAX_BATCH (default CMD_MAX_BATCH); 1
 * means no group commit: one transaction per command. */
void cmd_server_set_max_batch(cmd_server_t *self, size_t max_batch);

/* The clock a command's budget is measured on: `now_ms(arg)` in
 * milliseconds, this host's own (only differences count). A command's
 * deadline is its receive time on this clock plus its budget_ms (capped at
 * CMD_MAX_BUDGET_MS): no other host's clock is ever compared with it. NULL
 * restores the default, the monotonic clock. For tests that skew or step it. */
void cmd_server_set_clock(cmd_server_t *self, int64_t (*now_ms)(void *arg), void *arg);

/* Stops taking commands (later ones get 503), lets the batch in flight finish
 * and be answered, then calls `done`. */
void cmd_server_drain(cmd_server_t *self, void (*done)(void *arg), void *arg);

/* Idempotent; sets *self_p to NULL. */
void cmd_server_destroy(cmd_server_t **self_p);

/* Counters for /metrics-like logging. `rejected`: answered on the loop
 * without running (unknown type, forbidden, bad payload, validate, busy,
 * stopping, untrusted peer); `forbidden`: of those, refused by the row's
 * roles or district, or sent by a peer other than curve->peer;
 * `fallbacks`: batches whose fast path was abandoned and run again one
 * savepoint per command. */
typedef struct cmd_server_stats {
    uint64_t received, rejected, forbidden, committed, failed, batches, expired, fallbacks;
} cmd_server_stats_t;
void cmd_server_stats(const cmd_server_t *self, cmd_server_stats_t *out);

#endif
