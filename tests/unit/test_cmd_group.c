/* test_cmd_group: the group-commit engine (cmd_run) with fake transaction
 * operations: how a batch is grouped by handler, when the fast path falls
 * back to one savepoint per command, and what every command is answered.
 * Never needs PostgreSQL: the fake records the operations and simulates SQL
 * errors (an aborted transaction) and lost connections. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_int.h"
#include "common.pb-c.h"

/* What a fake command does, by its value. */
enum { V_OK = 1, V_REFUSE = -422, V_FIELD = -400, V_SQL_ERROR = -500, V_LOST = -503,
       V_REPORT_500 = -501, V_MANY_GIVES_UP = -1 };

typedef struct fake {
    char log[8192];                 /* the operations, comma-separated */
    int failed, broken, begin_fails, commit_fails, in_tx;
    int sizes[64], nsizes;          /* n of each execute_many call */
    size_t buffered;                /* a stand-in for tx buffers: mark/rewind move it */
} fake_t;

static void
s_log(fake_t *f, const char *op)
{
    size_t len = strlen(f->log);
    snprintf(f->log + len, sizeof f->log - len, "%s%s", len ? "," : "", op);
}

/* ---- fake operations ------------------------------------------------------- */

static int
s_begin(void *t)
{
    fake_t *f = t;
    s_log(f, "begin");
    if (f->begin_fails)
        return -1;
    f->in_tx = 1;
    f->failed = 0;
    return 0;
}

static int
s_commit(void *t)
{
    fake_t *f = t;
    s_log(f, "commit");
    assert_int_equal(f->failed, 0);             /* never commits an aborted transaction */
    f->in_tx = 0;
    return f->commit_fails ? -1 : 0;
}

static void
s_rollback(void *t)
{
    fake_t *f = t;
    s_log(f, "rollback");
    f->in_tx = 0;
    f->failed = 0;
    f->buffered = 0;
}

static int
s_savepoint(void *t)
{
    s_log(t, "sp");
    return 0;
}

static int
s_release(void *t)
{
    fake_t *f = t;
    s_log(f, "rel");
    return f->failed ? -1 : 0;
}

static int
s_rollback_to(void *t)
{
    fake_t *f = t;
    s_log(f, "rbto");
    f->failed = 0;
    return 0;
}

static void
s_mark(void *t, tx_mark_t *m)
{
    fake_t *f = t;
    s_log(f, "mark");
    m->events = f->buffered;
    m->audits = 0;
}

static void
s_rewind(void *t, const tx_mark_t *m)
{
    fake_t *f = t;
    s_log(f, "rewind");
    f->buffered = m->events;
}

static int
s_broken(void *t)
{
    return ((fake_t *) t)->broken;
}

static int
s_failed(void *t)
{
    return ((fake_t *) t)->failed;
}

static const cmd_txops_t s_ops = {
    s_begin, s_commit, s_rollback, s_savepoint, s_release, s_rollback_to,
    s_mark, s_rewind, s_broken, s_failed,
};

/* ---- fake handlers ------------------------------------------------------------ */

static int64_t
s_value(const cmd_ctx_t *ctx)
{
    return ((const Lianxin__V1__Int64Value *) ctx->req)->value;
}

/* One command's effect on the fake; the handler's return code. */
static int
s_do(fake_t *f, int64_t v, cmd_result_t *res)
{
    switch (v) {
    case V_REFUSE:
        return cmd_fail(res, 422, "unprocessable", "refused");
    case V_FIELD:                               /* adds to what res holds */
        return cmd_field_error(res, "value", "invalid");
    case V_SQL_ERROR:
        f->failed = 1;
        return cmd_fail(res, 500, "internal", "statement failed");
    case V_LOST:
        f->broken = 1;
        return cmd_fail(res, 503, "unavailable", "database unavailable");
    case V_REPORT_500:
        return cmd_fail(res, 500, "internal", "something else");
    default:
        f->buffered++;
        return cmd_ok(res, 201, NULL);
    }
}

static int
s_execute(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res)
{
    (void) tx;
    s_log(ctx->app, "exec");
    return s_do(ctx->app, s_value(ctx), res);
}

static int
s_execute_many(tx_t *tx, const cmd_ctx_t *ctxs, cmd_result_t *const *res, size_t n)
{
    fake_t *f = ctxs[0].app;
    char op[32];
    (void) tx;
    snprintf(op, sizeof op, "many%zu", n);
    s_log(f, op);
    if (f->nsizes < 64)
        f->sizes[f->nsizes++] = (int) n;
    for (size_t i = 0; i < n; i++) {
        if (s_value(&ctxs[i]) == V_MANY_GIVES_UP)
            return -1;
        s_do(f, s_value(&ctxs[i]), res[i]);
    }
    return 0;
}

static const cmd_handler_t s_many = { .type = "t.Many", .execute_many = s_execute_many };
static const cmd_handler_t s_atomic = { .type = "t.Atomic", .execute = s_execute, .atomic = 1 };
static const cmd_handler_t s_plain = { .type = "t.Plain", .execute = s_execute };

/* ---- a batch ------------------------------------------------------------------ */

#define MAXN 300

typedef struct batch {
    fake_t fake;
    Lianxin__V1__Int64Value req[MAXN];
    cmd_result_t res[MAXN];
    cmd_slot_t slots[MAXN];
    size_t n;
    int fell_back, rc;
} batch_t;

static batch_t *
s_batch(void)
{
    batch_t *b = calloc(1, sizeof *b);
    assert_non_null(b);
    return b;
}

static void
s_add(batch_t *b, const cmd_handler_t *h, int64_t value)
{
    size_t i = b->n++;
    lianxin__v1__int64_value__init(&b->req[i]);
    b->req[i].value = value;
    b->slots[i] = (cmd_slot_t) { h, { NULL, &b->req[i].base, &b->fake }, &b->res[i], 0 };
}

static void
s_run(batch_t *b)
{
    b->rc = cmd_run(&s_ops, &b->fake, NULL, b->slots, b->n, &b->fell_back);
}

static void
s_free(batch_t *b)
{
    for (size_t i = 0; i < b->n; i++)
        free(b->res[i].payload);
    free(b);
}

/* ---- tests -------------------------------------------------------------------- */

static void
test_runs_of_one_handler_go_together(void **state)
{
    (void) state;
    batch_t *b = s_batch();
    s_add(b, &s_many, V_OK);
    s_add(b, &s_many, V_OK);
    s_add(b, &s_plain, V_OK);
    s_add(b, &s_many, V_OK);
    s_add(b, &s_many, V_OK);
    s_add(b, &s_many, V_OK);
    s_run(b);
    assert_int_equal(b->rc, 0);
    assert_int_equal(b->fell_back, 0);
    assert_string_equal(b->fake.log, "begin,many2,sp,exec,rel,many3,commit");
    for (size_t i = 0; i < b->n; i++) {
        assert_int_equal(b->res[i].status, 201);
        assert_int_equal(b->slots[i].ok, 1);
    }
    s_free(b);
}

static void
test_run_length_is_capped(void **state)
{
    (void) state;
    batch_t *b = s_batch();
    for (int i = 0; i < MAXN; i++)
        s_add(b, &s_many, V_OK);
    s_run(b);
    assert_int_equal(b->rc, 0);
    assert_int_equal(b->fake.nsizes, 2);
    assert_int_equal(b->fake.sizes[0], CMD_MAX_BATCH);
    assert_int_equal(b->fake.sizes[1], MAXN - CMD_MAX_BATCH);
    assert_int_equal(b->slots[MAXN - 1].ok, 1);
    s_free(b);
}

static void
test_refusal_in_many_spares_neighbours(void **state)
{
    (void) state;
    batch_t *b = s_batch();
    s_add(b, &s_many, V_OK);
    s_add(b, &s_many, V_REFUSE);
    s_add(b, &s_many, V_OK);
    s_run(b);
    assert_int_equal(b->rc, 0);
    assert_int_equal(b->fell_back, 0);
    assert_string_equal(b->fake.log, "begin,many3,commit");
    assert_int_equal(b->res[0].status, 201);
    assert_int_equal(b->res[1].status, 422);
    assert_string_equal(b->res[1].error_code, "unprocessable");
    assert_int_equal(b->res[2].status, 201);
    assert_int_equal(b->slots[0].ok + b->slots[1].ok + b->slots[2].ok, 2);
    s_free(b);
}

/* An SQL error aborts the transaction: everything is run again, one
 * savepoint each, and only the bad command fails. */
static void
test_sql_error_falls_back_to_savepoints(void **state)
{
    (void) state;
    batch_t *b = s_batch();
    s_add(b, &s_many, V_OK);
    s_add(b, &s_many, V_SQL_ERROR);
    s_add(b, &s_many, V_OK);
    s_run(b);
    assert_int_equal(b->rc, 0);
    assert_int_equal(b->fell_back, 1);
    assert_string_equal(b->fake.log, "begin,many3,rollback,begin,"
                        "sp,many1,rel,sp,many1,rbto,sp,many1,rel,commit");
    assert_int_equal(b->res[0].status, 201);
    assert_int_equal(b->res[1].status, 500);
    assert_int_equal(b->res[2].status, 201);
    assert_int_equal(b->slots[0].ok, 1);
    assert_int_equal(b->slots[1].ok, 0);
    assert_int_equal(b->slots[2].ok, 1);
    s_free(b);
}

static void
test_many_giving_up_falls_back(void **state)
{
    (void) state;
    batch_t *b = s_batch();
    s_add(b, &s_many, V_OK);
    s_add(b, &s_many, V_MANY_GIVES_UP);
    s_run(b);
    assert_int_equal(b->fell_back, 1);
    assert_int_equal(b->rc, 0);
    assert_int_equal(b->res[0].status, 201);
    assert_int_equal(b->res[1].status, 500);     /* -1 from a single command: internal */
    assert_int_equal(b->slots[0].ok, 1);
    assert_int_equal(b->slots[1].ok, 0);
    s_free(b);
}

/* A 5xx from the fast path is not a refusal: it may have left writes. */
static void
test_5xx_in_many_falls_back(void **state)
{
    (void) state;
    batch_t *b = s_batch();
    s_add(b, &s_many, V_REPORT_500);
    s_add(b, &s_many, V_OK);
    s_run(b);
    assert_int_equal(b->fell_back, 1);
    assert_int_equal(b->res[0].status, 500);
    assert_int_equal(b->res[1].status, 201);
    assert_string_equal(b->fake.log, "begin,many2,rollback,begin,"
                        "sp,many1,rbto,sp,many1,rel,commit");
    s_free(b);
}

static void
test_lost_connection_fails_all_with_503(void **state)
{
    (void) state;
    batch_t *b = s_batch();
    s_add(b, &s_many, V_OK);
    s_add(b, &s_many, V_LOST);
    s_add(b, &s_plain, V_OK);
    s_run(b);
    assert_int_equal(b->rc, -1);
    assert_int_equal(b->fell_back, 0);
    assert_null(strstr(b->fake.log, "commit"));
    for (size_t i = 0; i < b->n; i++) {
        assert_int_equal(b->res[i].status, 503);
        assert_int_equal(b->slots[i].ok, 0);
    }
    s_free(b);
}

static void
test_lost_connection_in_safe_mode_fails_all(void **state)
{
    (void) state;
    batch_t *b = s_batch();
    s_add(b, &s_plain, V_OK);
    s_add(b, &s_plain, V_LOST);
    s_run(b);
    assert_int_equal(b->rc, -1);
    assert_string_equal(b->fake.log, "begin,sp,exec,rel,sp,exec,rollback");
    assert_int_equal(b->res[0].status, 503);
    assert_int_equal(b->slots[0].ok, 0);
    s_free(b);
}

/* An atomic handler runs without savepoints; a refusal only rewinds what it
 * buffered. */
static void
test_atomic_refusal_rewinds(void **state)
{
    (void) state;
    batch_t *b = s_batch();
    s_add(b, &s_atomic, V_OK);
    s_add(b, &s_atomic, V_REFUSE);
    s_add(b, &s_atomic, V_OK);
    s_run(b);
    assert_int_equal(b->rc, 0);
    assert_int_equal(b->fell_back, 0);
    assert_string_equal(b->fake.log, "begin,mark,exec,mark,exec,rewind,mark,exec,commit");
    assert_int_equal(b->res[1].status, 422);
    assert_int_equal(b->slots[0].ok + b->slots[1].ok + b->slots[2].ok, 2);
    assert_int_equal(b->fake.buffered, 2);
    s_free(b);
}

static void
test_atomic_sql_error_falls_back(void **state)
{
    (void) state;
    batch_t *b = s_batch();
    s_add(b, &s_atomic, V_OK);
    s_add(b, &s_atomic, V_SQL_ERROR);
    s_run(b);
    assert_int_equal(b->fell_back, 1);
    assert_string_equal(b->fake.log, "begin,mark,exec,mark,exec,rollback,begin,"
                        "sp,exec,rel,sp,exec,rbto,commit");
    assert_int_equal(b->res[0].status, 201);
    assert_int_equal(b->res[1].status, 500);
    s_free(b);
}

/* No handler with a fast path: one savepoint per command, as ever. */
static void
test_plain_handlers_use_savepoints(void **state)
{
    (void) state;
    batch_t *b = s_batch();
    s_add(b, &s_plain, V_OK);
    s_add(b, &s_plain, V_REFUSE);
    s_run(b);
    assert_int_equal(b->rc, 0);
    assert_int_equal(b->fell_back, 0);
    assert_string_equal(b->fake.log, "begin,sp,exec,rel,sp,exec,rbto,commit");
    assert_int_equal(b->res[0].status, 201);
    assert_int_equal(b->res[1].status, 422);
    s_free(b);
}

static void
test_begin_fails(void **state)
{
    (void) state;
    batch_t *b = s_batch();
    b->fake.begin_fails = 1;
    s_add(b, &s_many, V_OK);
    s_add(b, &s_plain, V_OK);
    s_run(b);
    assert_int_equal(b->rc, -1);
    assert_string_equal(b->fake.log, "begin");
    assert_int_equal(b->res[0].status, 503);
    assert_int_equal(b->res[1].status, 503);
    s_free(b);
}

/* A failed COMMIT turns the kept commands into 503s; refusals stay. */
static void
test_commit_fails(void **state)
{
    (void) state;
    batch_t *b = s_batch();
    b->fake.commit_fails = 1;
    s_add(b, &s_many, V_OK);
    s_add(b, &s_many, V_REFUSE);
    s_run(b);
    assert_int_equal(b->rc, -1);
    assert_int_equal(b->res[0].status, 503);
    assert_string_equal(b->res[0].message, "commit failed");
    assert_int_equal(b->res[1].status, 422);
    assert_int_equal(b->slots[0].ok, 0);
    assert_int_equal(b->slots[1].ok, 0);
    s_free(b);
}

/* Results of the abandoned fast pass do not leak into the answers: a field
 * error added in each pass is there once. */
static void
test_fallback_clears_first_answers(void **state)
{
    (void) state;
    batch_t *b = s_batch();
    s_add(b, &s_many, V_FIELD);
    s_add(b, &s_many, V_SQL_ERROR);
    s_run(b);
    assert_int_equal(b->fell_back, 1);
    assert_int_equal(b->res[0].status, 400);
    assert_int_equal(b->res[0].nfields, 1);
    assert_int_equal(b->res[1].status, 500);
    assert_int_equal(b->slots[0].ok + b->slots[1].ok, 0);
    s_free(b);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_runs_of_one_handler_go_together),
        cmocka_unit_test(test_run_length_is_capped),
        cmocka_unit_test(test_refusal_in_many_spares_neighbours),
        cmocka_unit_test(test_sql_error_falls_back_to_savepoints),
        cmocka_unit_test(test_many_giving_up_falls_back),
        cmocka_unit_test(test_5xx_in_many_falls_back),
        cmocka_unit_test(test_lost_connection_fails_all_with_503),
        cmocka_unit_test(test_lost_connection_in_safe_mode_fails_all),
        cmocka_unit_test(test_atomic_refusal_rewinds),
        cmocka_unit_test(test_atomic_sql_error_falls_back),
        cmocka_unit_test(test_plain_handlers_use_savepoints),
        cmocka_unit_test(test_begin_fails),
        cmocka_unit_test(test_commit_fails),
        cmocka_unit_test(test_fallback_clears_first_answers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
