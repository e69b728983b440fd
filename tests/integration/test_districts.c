/* Integration test of districts at run time: a district added to
 * core.districts while the stack runs (with its members and a work room,
 * as lianxin-admin's seed makes them) is followed by notify's consumer and
 * intake's timers without a restart (common/districts polls core.districts
 * every <service>.districts_check_ms): its first visit reaches the inbox,
 * and its first timer fires when the stack's clock reaches it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "calendar.h"
#include "fixtures.h"
#include "harness.h"
#include "api_util.h"
#include "timeutil.h"

#define NEW "330381"                /* not in the demo seed */
#define HOUR_US 3600000000LL

static struct {
    harness_t *h;
    fixture_users_t u;              /* the demo users' sessions */
    int ready;
} S;

static int s_setup(void **state)
{
    (void) state;
    if (!(S.h = harness_new("districts")) || harness_start_all(S.h) != 0)
        return 0;
    S.ready = fixture_login(S.h, &S.u, "admin") == 0;
    return 0;
}

static int s_teardown(void **state)
{
    (void) state;
    harness_destroy(&S.h);
    fixture_logout(&S.u);
    return 0;
}

/* Runs `sql` (no result wanted) and checks it succeeded. */
static void s_exec(const char *sql, int n, const char *const *params)
{
    PGresult *res = harness_sql(S.h, sql, n, params);
    assert_non_null(res);
    PQclear(res);
}

/* The district with two members and one room headed by member 1. */
static void s_add_district(void)
{
    s_exec("INSERT INTO core.districts (district_code, name) VALUES ('" NEW "', '瑞安市')",
           0, NULL);
    s_exec("INSERT INTO core.members (district_code, id, name) VALUES ('" NEW "', 1, '测试甲'),"
           " ('" NEW "', 2, '测试乙')", 0, NULL);
    s_exec("INSERT INTO core.workrooms (district_code, id, name, head_member_id)"
           " VALUES ('" NEW "', 1, '安阳街道委员工作室', 1)", 0, NULL);
    s_exec("INSERT INTO core.workroom_members (district_code, workroom_id, member_id)"
           " VALUES ('" NEW "', 1, 1), ('" NEW "', 1, 2)", 0, NULL);
}

/* The stack runs; the district appears; its first event is consumed. */
static void test_first_event_consumed(void **state)
{
    http_resp_t r;
    int64_t members[] = {1, 2};
    (void) state;
    assert_true(S.ready);
    harness_sleep_ms(harness_ms(S.h, 500));     /* the services have read core.districts */
    s_add_district();
    char *body = fixture_visit(1, members, 2, "transport", 60, 0);
    assert_non_null(body);
    assert_int_equal(api_req(S.h, "POST", "/v1/districts/" NEW "/visits", S.u.admin, body, 201, &r),
                     201);
    http_resp_clear(&r);
    free(body);
    /* the room's head hears of it (nobody is on its rota yet) */
    assert_int_equal(api_wait_sql(S.h, "SELECT count(*) FROM notify.inbox WHERE district_code ="
                                      " '" NEW "' AND kind = 'visit.recorded' AND recipient_id = 1",
                                 1, harness_ms(S.h, 20000)), 1);
    assert_int_equal(fixture_wait_caught_up(S.h, NEW, harness_ms(S.h, 5000)), 0);
    assert_int_equal(harness_sql_ll(S.h, "SELECT count(*) FROM notify.inbox WHERE district_code"
                                         " = '" NEW "'", 0, NULL), 1);
}

/* Its first timer: a duty reminder due in an hour fires when the stack's
 * clock is moved past it, and notify tells the two members on duty. */
static void test_first_timer_fired(void **state)
{
    char date[11], due[24];
    (void) state;
    assert_true(S.ready);
    fixture_date(fixture_today() + 2, date);   /* has not begun an hour from now */
    snprintf(due, sizeof due, "%lld", (long long) (time_now_us() + HOUR_US));
    const char *p[2] = {date, due};
    s_exec("INSERT INTO intake.rota (district_code, workroom_id, duty_date, member_id, status)"
           " VALUES ('" NEW "', 1, $1::date, 1, 'published'), ('" NEW "', 1, $1::date, 2,"
           " 'confirmed')", 1, p);
    s_exec("INSERT INTO intake.timers (district_code, kind, workroom_id, duty_date, due_at)"
           " VALUES ('" NEW "', 'duty.upcoming', 1, $1::date,"
           " to_timestamp($2::bigint / 1000000.0))", 2, p);
    harness_sleep_ms(harness_ms(S.h, 2500));    /* a tick or more: not due yet */
    assert_int_equal(harness_sql_ll(S.h, "SELECT count(*) FROM intake.timers WHERE district_code"
                                         " = '" NEW "' AND fired_at IS NOT NULL", 0, NULL), 0);
    assert_int_equal(harness_clock_advance(S.h, HOUR_US + 1000000), 0);
    assert_int_equal(api_wait_sql(S.h, "SELECT count(*) FROM intake.timers WHERE district_code ="
                                      " '" NEW "' AND fired_at IS NOT NULL", 1,
                                 harness_ms(S.h, 15000)), 1);
    assert_int_equal(harness_sql_ll(S.h, "SELECT count(*) FROM bus.events WHERE district_code ="
                                         " '" NEW "' AND type = 'duty.upcoming'", 0, NULL), 1);
    assert_int_equal(api_wait_sql(S.h, "SELECT count(*) FROM notify.inbox WHERE district_code ="
                                      " '" NEW "' AND kind = 'duty.upcoming'", 2,
                                 harness_ms(S.h, 10000)), 2);
}

/* Stopping works with the new district followed (exit 0 everywhere). */
static void test_clean_stop(void **state)
{
    (void) state;
    assert_true(S.ready);
    assert_int_equal(harness_stop_all(S.h), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_first_event_consumed),
        cmocka_unit_test(test_first_timer_fired),
        cmocka_unit_test(test_clean_stop),
    };
    return cmocka_run_group_tests(tests, s_setup, s_teardown);
}
