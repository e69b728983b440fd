/* test_chaos: exactly-once delivery and recovery under failure. Streams of
 * visits posted concurrently while lianxin-notify is SIGKILLed, while
 * lianxin-bus is restarted, and while PostgreSQL is restarted; afterwards
 * every visit has exactly its recipients' inbox rows (none missing, none
 * doubled), no request hung, and the stack recovered without restarts; and
 * proposal assignments while lianxin-proposal is SIGKILLed reach notify
 * exactly once. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "fixtures.h"
#include "harness.h"

#define D "330303"
#define VISITS "/v1/districts/" D "/visits"
#define STREAM 2000                 /* visits per stream */
#define IN_FLIGHT 16

typedef struct chaos {
    harness_t *h;
    fixture_users_t u;              /* the demo users' sessions */
    int ready;                      /* set-up done: every test fails without it */
} chaos_t;

static chaos_t C;

static const char *s_categories[] = { "transport", "education", "health", "business",
                                      "environment", "social_security", "public_security",
                                      "urban_construction", "other" };

/* `n` visit requests over rooms 1-8 (members of each room), bodies malloc'd. */
static harness_item_t *s_items(size_t n)
{
    harness_item_t *items = calloc(n, sizeof *items);

    assert_non_null(items);
    for (size_t i = 0; i < n; i++) {
        int64_t room = (int64_t)(i % 8) + 1, members[2] = { room * 5 - 4, room * 5 - 3 };
        items[i].method = "POST";
        items[i].path = VISITS;
        items[i].token = C.u.office;
        items[i].body = fixture_visit(room, members, 2, s_categories[i % 9], (int)(i % 600), (int)(i % 2));
    }
    return items;
}

static void s_items_free(harness_item_t *items, size_t n)
{
    harness_items_free(items, n);
    for (size_t i = 0; i < n; i++)
        free((char *)items[i].body);
    free(items);
}

/* Waits until the load has answered `count` items; 0, or -1 when it finished first. */
static int s_wait_done(harness_load_t *load, size_t count, size_t n)
{
    while (harness_load_done(load) < count) {
        if (harness_load_done(load) >= n)
            return -1;
        harness_sleep_ms(5);
    }
    return harness_load_done(load) < n ? 0 : -1;
}

static size_t s_count_status(const harness_item_t *items, size_t n, long status)
{
    size_t k = 0;

    for (size_t i = 0; i < n; i++)
        k += items[i].status == status;
    return k;
}

/* notify caught up, then every visit's recipients exactly as expected. */
static void s_assert_exactly_once(void)
{
    long long missing = -1, extra = -1, doubled = -1;

    assert_int_equal(fixture_wait_caught_up(C.h, D, harness_ms(C.h, 60000)), 0);
    assert_int_equal(fixture_recipients_check(C.h, D, &missing, &extra, &doubled), 0);
    fprintf(stderr, "chaos: visits=%lld inbox=%lld missing=%lld extra=%lld doubled=%lld\n",
            harness_sql_ll(C.h, "SELECT count(*) FROM intake.visits", 0, NULL),
            harness_sql_ll(C.h, "SELECT count(*) FROM notify.inbox", 0, NULL),
            missing, extra, doubled);
    assert_true(missing == 0);
    assert_true(extra == 0);
    assert_true(doubled == 0);
}

/* ---- set-up ------------------------------------------------------------------------ */

/* Never fails the group: a broken set-up fails every test instead. */
static int s_setup(void **state)
{
    (void)state;
    memset(&C, 0, sizeof C);
    if (!(C.h = harness_new("chaos")) || harness_start_all(C.h) != 0)
        return 0;
    C.ready = fixture_login(C.h, &C.u, "office") == 0;
    return 0;
}

static int s_teardown(void **state)
{
    (void)state;
    harness_destroy(&C.h);
    fixture_logout(&C.u);
    return 0;
}

/* ---- tests ---------------------------------------------------------------------------- */

/* Restarts `name` twice while a paced stream runs: SIGKILL when `kill`,
 * else SIGTERM (which must exit 0). */
static void s_stream_with_restarts(const char *name, int kill)
{
    harness_item_t *items = s_items(STREAM);
    harness_load_t *load = harness_load_start(C.h, items, STREAM, IN_FLIGHT,
                                              harness_valgrind(C.h) ? 100 : 500);
    size_t marks[2] = { STREAM / 4, STREAM * 5 / 8 };

    assert_non_null(load);
    for (int k = 0; k < 2; k++) {
        assert_int_equal(s_wait_done(load, marks[k], STREAM), 0);    /* mid-stream */
        if (kill)
            assert_int_equal(harness_kill(C.h, name), 0);
        else
            assert_int_equal(harness_stop(C.h, name), 0);
        harness_sleep_ms(200);
        assert_int_equal(harness_start(C.h, name), 0);
        fprintf(stderr, "chaos: %s restarted at %zu/%d answered\n", name,
                harness_load_done(load), STREAM);
    }
    harness_load_wait(&load);
    assert_int_equal(s_count_status(items, STREAM, 201), STREAM);
    s_items_free(items, STREAM);
    assert_int_equal(harness_check_alive(C.h), 0);
    s_assert_exactly_once();
}

static void test_notify_killed_mid_stream(void **state)
{
    (void)state;
    assert_true(C.ready);
    s_stream_with_restarts("notify", 1);
}

static void test_bus_restarted_mid_stream(void **state)
{
    (void)state;
    assert_true(C.ready);
    s_stream_with_restarts("bus", 0);
}

/* Every item answered 201 is in intake.visits. */
static void s_assert_committed(const harness_item_t *items, size_t n)
{
    size_t n201 = 0, cap = n * 22 + 3, used = 1;
    char *ids = malloc(cap);
    const char *p[1] = { ids };

    assert_non_null(ids);
    ids[0] = '{';
    for (size_t i = 0; i < n; i++) {
        json_t *o;
        if (items[i].status != 201)
            continue;
        o = json_loads(items[i].resp, 0, NULL);
        assert_non_null(json_string_value(json_object_get(o, "id")));
        used += (size_t)snprintf(ids + used, cap - used, "%s%s", n201++ ? "," : "",
                                 json_string_value(json_object_get(o, "id")));
        json_decref(o);
    }
    snprintf(ids + used, cap - used, "}");
    assert_true(harness_sql_ll(C.h, "SELECT count(*) FROM intake.visits WHERE district_code = '"
                               D "' AND id = ANY($1::bigint[])", 1, p) == (long long)n201);
    fprintf(stderr, "chaos: %zu visits answered 201, all in intake.visits\n", n201);
    free(ids);
}

/* Posts one visit every 250 ms until one gets 201; the time it took, or -1. */
static int64_t s_recovery_ms(int64_t limit_ms)
{
    int64_t members[] = { 3 }, start = harness_now_ms();

    while (harness_now_ms() - start < limit_ms) {
        char *body = fixture_visit(1, members, 1, "other", 1, 0);
        http_resp_t r;
        harness_post(C.h, VISITS, C.u.office, body, &r);
        free(body);
        long status = r.status;
        http_resp_clear(&r);
        if (status == 201)
            return harness_now_ms() - start;
        harness_sleep_ms(250);
    }
    return -1;
}

/* ---- proposal killed mid-stream ------------------------------------------------------ */

#define PROPOSALS 300

static void s_kill_proposal(void *arg)
{
    (void)arg;
    assert_int_equal(harness_kill(C.h, "proposal"), 0);
    harness_sleep_ms(200);
    assert_int_equal(harness_start(C.h, "proposal"), 0);
    fprintf(stderr, "chaos: proposal SIGKILLed and restarted mid-stream\n");
}

static long long s_sql0(const char *sql)
{
    return harness_sql_ll(C.h, sql, 0, NULL);
}

/* Proposals created, submitted, accepted, then assigned (lead unit 1, co
 * unit 2) in a paced stream during which lianxin-proposal is SIGKILLed:
 * every proposal.assigned in bus.events reaches notify exactly once (two
 * unit items, none missing, none doubled), and every assignment answered
 * 200 is one of them. */
static void test_proposal_killed_mid_stream(void **state)
{
    static fixture_id_t ids[PROPOSALS];
    fixture_phase_t ph;
    size_t n = harness_valgrind(C.h) ? 60 : PROPOSALS;
    char *member = harness_login(C.h, "member1", "lianxin-demo");
    const char *draft = "{\"title\":\"关于校园周边交通安全的建议\",\"reasons\":\"上下学高峰拥堵\","
                        "\"measures\":\"增设护学岗\",\"category\":\"transport\"}";
    (void)state;
    assert_true(C.ready);
    assert_non_null(member);
    assert_int_equal(fixture_proposal_phase(C.h, D, ids, n, NULL, member, draft, 201, 8, 0,
                                            NULL, NULL, &ph), 0);
    assert_int_equal(ph.ok, n);
    assert_int_equal(fixture_proposal_phase(C.h, D, ids, n, "submit", member, NULL, 200, 8, 0,
                                            NULL, NULL, &ph), 0);
    assert_int_equal(ph.ok, n);
    assert_int_equal(fixture_proposal_phase(C.h, D, ids, n, "accept", C.u.office, NULL, 200, 8,
                                            0, NULL, NULL, &ph), 0);
    assert_int_equal(ph.ok, n);
    /* accepted concurrently, numbered without a gap or a double */
    assert_int_equal(s_sql0("SELECT bool_and(c = m AND c = d)::int FROM (SELECT count(*) c,"
                            " max(number) m, count(DISTINCT number) d FROM proposal.proposals"
                            " WHERE number IS NOT NULL GROUP BY year) x"), 1);
    assert_int_equal(fixture_proposal_phase(C.h, D, ids, n, "assign", C.u.office,
                                            "{\"lead_unit_id\":\"1\",\"co_unit_ids\":[\"2\"],"
                                            "\"leader\":\"张副区长\"}", 200, IN_FLIGHT,
                                            harness_valgrind(C.h) ? 20 : 100, s_kill_proposal,
                                            NULL, &ph), 0);
    free(member);
    fprintf(stderr, "chaos: %zu assignments answered 200, %zu not\n", ph.ok, ph.failed);
    assert_true(ph.ok > 0);
    /* the 200s are assigned; notify applies every assignment that committed */
    long long events = 0, lag = -1;
    for (int64_t end = harness_now_ms() + harness_ms(C.h, 60000); harness_now_ms() < end;) {
        lag = s_sql0("SELECT coalesce((SELECT next - 1 FROM bus.streams WHERE district_code = '"
                     D "' AND producer = 'proposal'), 0) - coalesce((SELECT seq FROM"
                     " bus.cursors WHERE district_code = '" D "' AND consumer = 'notify'"
                     " AND producer = 'proposal'), 0)");
        if (lag == 0)
            break;
        harness_sleep_ms(100);
    }
    assert_int_equal(lag, 0);
    events = s_sql0("SELECT count(*) FROM bus.events WHERE producer = 'proposal'"
                    " AND type = 'proposal.assigned'");
    fprintf(stderr, "chaos: proposal.assigned events=%lld\n", events);
    assert_true(events >= (long long)ph.ok);
    assert_int_equal(s_sql0("SELECT count(*) FROM proposal.proposals WHERE state = 'assigned'"),
                     events);
    assert_int_equal(s_sql0("SELECT count(*) FROM notify.inbox WHERE kind = 'proposal.assigned'"),
                     2 * events);
    assert_int_equal(s_sql0("SELECT count(DISTINCT source_seq) FROM notify.inbox WHERE kind ="
                            " 'proposal.assigned' AND source_producer = 'proposal'"), events);
    assert_int_equal(s_sql0("SELECT count(*) FROM (SELECT source_seq FROM notify.inbox"
                            " WHERE kind = 'proposal.assigned' GROUP BY source_seq"
                            " HAVING count(*) <> 2) x"), 0);
    assert_int_equal(harness_check_alive(C.h), 0);
}

static void test_postgres_restarted_mid_stream(void **state)
{
    size_t n = 12000, attempted = 0, n503 = 0, other = 0;
    harness_item_t *items = s_items(n);
    harness_load_t *load;
    double worst = 0, bound = harness_ms(C.h, 3000 + 1000 + 2000) / 1000.0;
    int64_t recovered, pg_back = 0, first_ok = 0;

    (void)state;
    assert_true(C.ready);
    load = harness_load_start(C.h, items, n, IN_FLIGHT, harness_valgrind(C.h) ? 100 : 800);
    assert_non_null(load);
    assert_int_equal(s_wait_done(load, 400, n), 0);
    assert_int_equal(harness_pg_stop(C.h), 0);
    harness_sleep_ms(2000);                         /* keep posting into the outage */
    assert_int_equal(harness_pg_start(C.h), 0);
    pg_back = harness_now_ms();
    harness_sleep_ms(1000);
    harness_load_stop(load);
    harness_load_wait(&load);
    for (size_t i = 0; i < n; i++) {
        const harness_item_t *it = &items[i];
        if (!it->done_ms)
            continue;
        attempted++;
        worst = it->secs > worst ? it->secs : worst;
        if (it->status == 503) {
            n503++;
        } else if (it->status == 201) {
            if (it->done_ms >= pg_back && (!first_ok || it->done_ms < first_ok))
                first_ok = it->done_ms;
        } else if (other++ < 5) {
            fprintf(stderr, "chaos: unexpected %ld %s\n", it->status, it->resp);
        }
    }
    fprintf(stderr, "chaos: pg restart: %zu sent, %zu answered 503, slowest %.3f s (bound %.1f s);"
            " first 201 %lld ms after pg-start returned\n", attempted, n503, worst, bound,
            first_ok ? (long long)(first_ok - pg_back) : -1LL);
    assert_true(n503 > 0);                          /* the outage was seen ... */
    assert_int_equal(other, 0);                     /* ... as 503, nothing else */
    assert_true(worst <= bound);                    /* and nothing hung */
    s_assert_committed(items, n);
    s_items_free(items, n);
    recovered = s_recovery_ms(harness_ms(C.h, 30000));
    fprintf(stderr, "chaos: a new visit succeeded %lld ms after the load\n", (long long)recovered);
    assert_true(recovered >= 0);
    assert_int_equal(harness_check_alive(C.h), 0);
    s_assert_exactly_once();
}

static void test_clean_shutdown(void **state)
{
    (void)state;
    assert_true(C.ready);
    assert_int_equal(harness_check_alive(C.h), 0);
    assert_int_equal(harness_stop_all(C.h), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_notify_killed_mid_stream),
        cmocka_unit_test(test_bus_restarted_mid_stream),
        cmocka_unit_test(test_proposal_killed_mid_stream),
        cmocka_unit_test(test_postgres_restarted_mid_stream),
        cmocka_unit_test(test_clean_shutdown),
    };
    return cmocka_run_group_tests(tests, s_setup, s_teardown);
}
