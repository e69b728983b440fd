/* Unit tests for tx: the numbering rule (tx_number) and the checks tx makes
 * before any database is involved. Never needs PostgreSQL. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tx.h"

static void
test_consecutive_one_stream(void **state)
{
    (void) state;
    int stream[5] = { 0, 0, 0, 0, 0 };
    int64_t first[1] = { 42 };
    int64_t seq[5] = { 0 };
    tx_number(stream, 5, first, seq);
    for (int i = 0; i < 5; i++)
        assert_int_equal(seq[i], 42 + i);
}

static void
test_first_numbers(void **state)
{
    (void) state;
    int stream[3] = { 2, 1, 0 };
    int64_t first[3] = { 1, 7, 1000000000000LL };
    int64_t seq[3] = { 0 };
    tx_number(stream, 3, first, seq);
    assert_int_equal(seq[0], 1000000000000LL);
    assert_int_equal(seq[1], 7);
    assert_int_equal(seq[2], 1);
}

static void
test_interleaved_streams(void **state)
{
    (void) state;
    int stream[8] = { 0, 1, 0, 2, 1, 0, 2, 2 };
    int64_t first[3] = { 10, 1, 100 };
    int64_t seq[8] = { 0 };
    int64_t want[8] = { 10, 1, 11, 100, 2, 12, 101, 102 };
    tx_number(stream, 8, first, seq);
    for (int i = 0; i < 8; i++)
        assert_int_equal(seq[i], want[i]);
}

/* Stream indexes beyond the fast counters take the slow path: same rule. */
static void
test_many_streams(void **state)
{
    (void) state;
    enum { N = 1200 };
    static int stream[N];
    static int64_t first[400], seq[N];
    for (int s = 0; s < 400; s++)
        first[s] = 1000 * s + 1;
    for (int i = 0; i < N; i++)
        stream[i] = (i * 7) % 400;
    tx_number(stream, N, first, seq);
    int64_t next[400];
    for (int s = 0; s < 400; s++)
        next[s] = first[s];
    for (int i = 0; i < N; i++)
        assert_int_equal(seq[i], next[stream[i]]++);
}

static void
test_no_events(void **state)
{
    (void) state;
    int64_t seq[1] = { -5 };
    int64_t first[1] = { 1 };
    tx_number(NULL, 0, first, seq);
    assert_int_equal(seq[0], -5);
}

/* Everything that must fail before a transaction is open, without a db. */
static void
test_checks_without_db(void **state)
{
    (void) state;
    assert_null(tx_new(NULL));
    assert_null(tx_new(""));
    assert_null(tx_new("in/take"));
    tx_t *tx = tx_new("intake");
    assert_non_null(tx);
    Lianxin__V1__Actor actor = LIANXIN__V1__ACTOR__INIT;
    assert_int_equal(tx_event(tx, "330303", "visit.recorded", &actor, NULL), -1);
    assert_int_equal(tx_audit(tx, "330303", &actor, "visit.record", "visit", "1", "x", 1), -1);
    assert_int_equal(tx_savepoint(tx), -1);
    assert_int_equal(tx_release(tx), -1);
    assert_int_equal(tx_rollback_to(tx), -1);
    assert_int_equal(tx_commit(tx), -1);
    assert_int_equal(tx_begin(tx, NULL), -1);
    assert_null(tx_db(tx));
    assert_int_equal(tx_publish(tx, NULL), 0);
    tx_rollback(tx);
    tx_destroy(&tx);
    assert_null(tx);
    tx_destroy(&tx);
}

/* A db that cannot be reached: tx_begin reports it instead of hanging. */
static void
test_begin_unreachable(void **state)
{
    (void) state;
    db_t *db = db_new("host=/nonexistent-lianxin-dir port=1 connect_timeout=1");
    assert_non_null(db);
    tx_t *tx = tx_new("intake");
    assert_int_equal(tx_begin(tx, db), -1);
    assert_int_equal(db_broken(db), 1);
    assert_int_equal(tx_event(tx, "330303", "visit.recorded", NULL, NULL), -1);
    tx_destroy(&tx);
    db_destroy(&db);
    assert_null(db);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_consecutive_one_stream),
        cmocka_unit_test(test_first_numbers),
        cmocka_unit_test(test_interleaved_streams),
        cmocka_unit_test(test_many_streams),
        cmocka_unit_test(test_no_events),
        cmocka_unit_test(test_checks_without_db),
        cmocka_unit_test(test_begin_unreachable),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
