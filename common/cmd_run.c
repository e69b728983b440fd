/* cmd_run: the group-commit engine behind cmd_server (see cmd_int.h): runs a
 * batch of commands as one transaction, fast path first and one savepoint
 * per command when that fails. Pure: every database operation goes through
 * cmd_txops_t, so tests drive it with fakes. Never logs. */
#include <stdlib.h>
#include <string.h>

#include "cmd_int.h"

typedef enum { STEP_OK = 0, STEP_FALLBACK, STEP_ABORT } s_step_t;

static void
s_reset_slots(cmd_slot_t *slots, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        cmd__clear_result(slots[i].res);
        slots[i].ok = 0;
    }
}

/* Fails every command with 503: the database is the problem, not them. */
static int
s_unavailable(cmd_slot_t *slots, size_t n, const char *why)
{
    for (size_t i = 0; i < n; i++) {
        cmd__clear_result(slots[i].res);
        cmd_fail(slots[i].res, 503, "unavailable", why);
        slots[i].ok = 0;
    }
    return -1;
}

/* Runs one command through execute, or execute_many with n = 1. */
static int
s_execute_one(tx_t *tx, cmd_slot_t *slot)
{
    const cmd_handler_t *h = slot->handler;
    if (h->execute)
        return h->execute(tx, &slot->ctx, slot->res);
    if (h->execute_many) {
        cmd_result_t *res[1] = { slot->res };
        int rc = h->execute_many(tx, &slot->ctx, res, 1);
        return rc == 0 && slot->res->status < 400 ? 0 : -1;
    }
    return cmd_fail(slot->res, 500, "internal", "command has no executor");
}

/* One command under its own savepoint (the safe mode, and handlers that are
 * neither atomic nor batched). STEP_ABORT when the batch must be abandoned
 * (connection lost, savepoint machinery failed). */
static s_step_t
s_one_savepoint(const cmd_txops_t *ops, void *t, tx_t *tx, cmd_slot_t *slot)
{
    if (ops->savepoint(t) != 0)
        return STEP_ABORT;
    int rc = s_execute_one(tx, slot);
    if (ops->broken(t))
        return STEP_ABORT;
    if (rc == 0) {
        if (slot->res->status == 0)
            slot->res->status = 200;
        slot->ok = 1;
        return ops->release(t) == 0 ? STEP_OK : STEP_ABORT;
    }
    if (slot->res->status < 400)
        cmd_fail(slot->res, 500, "internal", "command failed");
    return ops->rollback_to(t) == 0 ? STEP_OK : STEP_ABORT;
}

/* After a step of the fast path: abort when the connection went, fall back
 * when an SQL error aborted the transaction. */
static s_step_t
s_fast_verdict(const cmd_txops_t *ops, void *t)
{
    if (ops->broken(t))
        return STEP_ABORT;
    return ops->failed(t) ? STEP_FALLBACK : STEP_OK;
}

/* An atomic command without a savepoint: a refusal (4xx) rewinds what it
 * buffered and the batch goes on; anything worse falls back. */
static s_step_t
s_one_atomic(const cmd_txops_t *ops, void *t, tx_t *tx, cmd_slot_t *slot)
{
    tx_mark_t mark;
    ops->mark(t, &mark);
    int rc = s_execute_one(tx, slot);
    s_step_t v = s_fast_verdict(ops, t);
    if (v != STEP_OK)
        return v;
    if (rc == 0) {
        if (slot->res->status == 0)
            slot->res->status = 200;
        slot->ok = 1;
        return STEP_OK;
    }
    if (slot->res->status < 400 || slot->res->status >= 500)
        return STEP_FALLBACK;
    ops->rewind(t, &mark);
    return STEP_OK;
}

/* `n` consecutive commands of one handler through its execute_many. */
static s_step_t
s_many(const cmd_txops_t *ops, void *t, tx_t *tx, cmd_slot_t *slots, size_t n)
{
    cmd_ctx_t ctxs[CMD_MAX_BATCH];
    cmd_result_t *res[CMD_MAX_BATCH];
    for (size_t i = 0; i < n; i++) {
        ctxs[i] = slots[i].ctx;
        res[i] = slots[i].res;
    }
    int rc = slots[0].handler->execute_many(tx, ctxs, res, n);
    s_step_t v = s_fast_verdict(ops, t);
    if (v != STEP_OK || rc != 0)
        return v != STEP_OK ? v : STEP_FALLBACK;
    for (size_t i = 0; i < n; i++) {
        if (res[i]->status == 0)
            res[i]->status = 200;
        if (res[i]->status >= 500)
            return STEP_FALLBACK;
        slots[i].ok = res[i]->status < 400;
    }
    return STEP_OK;
}

/* How many slots from `from` on share its handler (at most CMD_MAX_BATCH). */
static size_t
s_run_length(const cmd_slot_t *slots, size_t n, size_t from)
{
    size_t k = from + 1;
    while (k < n && k - from < CMD_MAX_BATCH && slots[k].handler == slots[from].handler)
        k++;
    return k - from;
}

/* The fast pass: runs of one handler go to execute_many at once. */
static s_step_t
s_pass_fast(const cmd_txops_t *ops, void *t, tx_t *tx, cmd_slot_t *slots, size_t n)
{
    s_step_t v = STEP_OK;
    for (size_t i = 0; i < n && v == STEP_OK;) {
        const cmd_handler_t *h = slots[i].handler;
        size_t run = h->execute_many ? s_run_length(slots, n, i) : 1;
        if (h->execute_many)
            v = s_many(ops, t, tx, &slots[i], run);
        else if (h->atomic)
            v = s_one_atomic(ops, t, tx, &slots[i]);
        else
            v = s_one_savepoint(ops, t, tx, &slots[i]);
        i += run;
    }
    return v;
}

/* The safe pass: one savepoint per command, so a failing one is undone alone. */
static s_step_t
s_pass_safe(const cmd_txops_t *ops, void *t, tx_t *tx, cmd_slot_t *slots, size_t n)
{
    s_step_t v = STEP_OK;
    for (size_t i = 0; i < n && v == STEP_OK; i++)
        v = s_one_savepoint(ops, t, tx, &slots[i]);
    return v;
}

/* The fast pass pays only when some handler has a fast path. */
static int
s_has_fast_path(const cmd_slot_t *slots, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (slots[i].handler->execute_many || slots[i].handler->atomic)
            return 1;
    return 0;
}

int
cmd_run(const cmd_txops_t *ops, void *t, tx_t *tx, cmd_slot_t *slots, size_t n,
        int *fell_back)
{
    *fell_back = 0;
    s_reset_slots(slots, n);
    if (ops->begin(t) != 0)
        return s_unavailable(slots, n, "database unavailable");
    s_step_t v = s_has_fast_path(slots, n) ? s_pass_fast(ops, t, tx, slots, n)
                                           : s_pass_safe(ops, t, tx, slots, n);
    if (v == STEP_FALLBACK) {
        ops->rollback(t);
        *fell_back = 1;
        s_reset_slots(slots, n);
        if (ops->begin(t) != 0)
            return s_unavailable(slots, n, "database unavailable");
        v = s_pass_safe(ops, t, tx, slots, n);
    }
    if (v != STEP_OK) {
        ops->rollback(t);
        return s_unavailable(slots, n, "database unavailable");
    }
    if (ops->commit(t) != 0) {
        for (size_t i = 0; i < n; i++)
            if (slots[i].ok)
                cmd_fail(slots[i].res, 503, "unavailable", "commit failed");
        for (size_t i = 0; i < n; i++)
            slots[i].ok = 0;
        return -1;
    }
    return 0;
}
