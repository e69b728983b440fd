/* test_exports: the file exports' limits on the real stack (a gateway
 * started with small ones): an export of a room or member the district does
 * not have is 404, not an empty 200; a log cut at gateway.export_max_rows
 * and a duties.ics cut at gateway.ics_max_events say so (header
 * X-Lianxin-Truncated: true, and the CSV's last record in Chinese), one
 * within its limit does not; and a user holds at most
 * gateway.exports_per_user exports at once (429 too_many_exports), other
 * users unaffected, the slots given back when the files are sent. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <cmocka.h>
#include <libpq-fe.h>
#include "api_util.h"
#include "fixtures.h"
#include "harness.h"
#include "rawhttp.h"
#include "timeutil.h"

#define D "/v1/districts/330303"
#define MAX_ROWS 3
#define MAX_EVENTS 2

static struct {
    harness_t *h;
    fixture_users_t u;
    char today[11];
    int ready;
} S;

static int s_setup(void **state)
{
    (void) state;
    memset(&S, 0, sizeof S);
    if (!(S.h = harness_new("exports")))
        return 0;
    harness_set(S.h, "gateway.export_max_rows", "3");
    harness_set(S.h, "gateway.ics_max_events", "2");
    harness_set(S.h, "gateway.exports_per_user", "2");
    if (harness_start_all(S.h) != 0)
        return 0;
    fixture_date(fixture_today(), S.today);
    S.ready = fixture_login(S.h, &S.u, "office leader admin") == 0;
    return 0;
}

static int s_teardown(void **state)
{
    (void) state;
    harness_destroy(&S.h);
    fixture_logout(&S.u);
    return 0;
}

/* A GET through a raw socket, so every header of the answer is seen. */
static int s_get(const char *path, const char *token, rawhttp_resp_t *r)
{
    char *text = rawhttp_get_text(path, token);
    int rc = text ? rawhttp_exchange(S.h, text, strlen(text), 30000, r) : -1;
    free(text);
    return rc == 0 ? r->status : 0;
}

static int s_truncated(const rawhttp_resp_t *r)
{
    char v[16];
    return rawhttp_header(r, "X-Lianxin-Truncated", v, sizeof v) && strcmp(v, "true") == 0;
}

static void test_missing_room_or_member_is_404(void **state)
{
    http_resp_t r;
    (void) state;
    assert_true(S.ready);
    assert_int_equal(api_req(S.h, "GET", D "/workrooms/999999/log.csv", S.u.office, NULL, 404, &r),
                     404);
    assert_string_equal(http_error_code(&r), "not_found");
    http_resp_clear(&r);
    assert_int_equal(api_req(S.h, "GET", D "/members/999999/duties.ics", S.u.office, NULL, 404,
                             &r), 404);
    assert_string_equal(http_error_code(&r), "not_found");
    http_resp_clear(&r);
    /* revealed or not, a room that is not there is not there */
    assert_int_equal(api_status(S.h, "GET", D "/workrooms/999999/log.csv?reveal=visitor",
                                S.u.office, NULL), 404);
    /* rooms and members that are there answer as before */
    assert_int_equal(api_status(S.h, "GET", D "/workrooms/1/log.csv", S.u.office, NULL), 200);
    assert_int_equal(api_status(S.h, "GET", D "/members/1/duties.ics", S.u.office, NULL), 200);
}

static void test_log_cut_at_its_limit_says_so(void **state)
{
    int64_t members[] = {1};
    char path[160];
    rawhttp_resp_t r;
    api_csv_t *c = calloc(1, sizeof *c);
    (void) state;
    assert_true(S.ready && c);
    for (int i = 0; i < MAX_ROWS + 2; i++) {
        char *body = fixture_visit(2, members, 1, "transport", 600 + i * 60, 0);
        assert_int_equal(api_status(S.h, "POST", D "/visits", S.u.office, body), 201);
        free(body);
    }
    snprintf(path, sizeof path, D "/workrooms/2/log.csv?from=%s", S.today);
    assert_int_equal(s_get(path, S.u.office, &r), 200);
    assert_true(s_truncated(&r));
    assert_int_equal(api_csv_parse(r.body, r.body_len, c), 0);
    assert_int_equal(c->nrows, 1 + MAX_ROWS + 1);           /* header, rows, the note */
    assert_int_equal(c->nfields[c->nrows - 1], 1);
    assert_non_null(strstr(c->field[c->nrows - 1][0], "导出已截断"));
    assert_non_null(strstr(c->field[c->nrows - 1][0], "仅含前 3 行"));
    api_csv_free(c);
    rawhttp_clear(&r);
    /* exactly at the limit: complete, and not marked */
    snprintf(path, sizeof path, D "/workrooms/3/log.csv?from=%s", S.today);
    for (int i = 0; i < MAX_ROWS; i++) {
        char *body = fixture_visit(3, (int64_t[]){11}, 1, "transport", 600 + i * 60, 0);
        assert_int_equal(api_status(S.h, "POST", D "/visits", S.u.office, body), 201);
        free(body);
    }
    assert_int_equal(s_get(path, S.u.office, &r), 200);
    assert_false(s_truncated(&r));
    assert_int_equal(api_csv_parse(r.body, r.body_len, c), 0);
    assert_int_equal(c->nrows, 1 + MAX_ROWS);
    assert_null(strstr(r.body, "已截断"));
    api_csv_free(c);
    free(c);
    rawhttp_clear(&r);
}

static void test_ics_cut_at_its_limit_says_so(void **state)
{
    rawhttp_resp_t r;
    char *unfolded = NULL;
    (void) state;
    assert_true(S.ready);
    /* three published duties of member 6 (room 2), on three days ahead */
    assert_int_equal(harness_sql_ll(S.h,
        "WITH ins AS (INSERT INTO intake.rota (district_code, workroom_id, duty_date, member_id,"
        " status) SELECT '330303', 2, (core.clock_now() AT TIME ZONE 'Asia/Shanghai')::date"
        " + 30 + g, 6, 'published' FROM generate_series(1, 3) g RETURNING 1)"
        " SELECT count(*) FROM ins", 0, NULL), 3);
    assert_int_equal(s_get(D "/members/6/duties.ics", S.u.office, &r), 200);
    assert_true(s_truncated(&r));
    assert_int_equal(api_ics_unfold(r.body, r.body_len, &unfolded), 0);
    assert_int_equal(api_ics_count(unfolded, "BEGIN:VEVENT"), MAX_EVENTS);
    assert_non_null(strstr(unfolded, "END:VCALENDAR\n"));
    free(unfolded);
    rawhttp_clear(&r);
    assert_int_equal(s_get(D "/members/7/duties.ics", S.u.office, &r), 200);
    assert_false(s_truncated(&r));
    rawhttp_clear(&r);
}

/* ---- concurrent exports ------------------------------------------------------------- */

typedef struct {
    const char *path, *token;
    int status;
    pthread_t thread;
} s_getter_t;

static void *s_getter_main(void *arg)
{
    s_getter_t *g = arg;
    rawhttp_resp_t r;
    g->status = s_get(g->path, g->token, &r);
    rawhttp_clear(&r);
    return NULL;
}

/* Waits until `n` sessions wait on a lock (the held exports' queries). */
static int s_wait_blocked(PGconn *c, int n)
{
    for (int i = 0; i < 200; i++) {
        PGresult *res = PQexec(c, "SELECT count(*) FROM pg_stat_activity"
                                  " WHERE wait_event_type = 'Lock'");
        int got = PQresultStatus(res) == PGRES_TUPLES_OK ? atoi(PQgetvalue(res, 0, 0)) : -1;
        PQclear(res);
        if (got >= n)
            return 0;
        harness_sleep_ms(50);
    }
    return -1;
}

static void test_exports_per_user(void **state)
{
    char path[160];
    http_resp_t r;
    (void) state;
    assert_true(S.ready);
    snprintf(path, sizeof path, D "/workrooms/1/log.csv?from=%s", S.today);
    PGconn *locker = PQconnectdb(harness_dsn(S.h)), *watcher = PQconnectdb(harness_dsn(S.h));
    assert_int_equal(PQstatus(locker), CONNECTION_OK);
    assert_int_equal(PQstatus(watcher), CONNECTION_OK);
    PQclear(PQexec(locker, "BEGIN"));
    PGresult *res = PQexec(locker, "LOCK TABLE intake.visits IN ACCESS EXCLUSIVE MODE");
    assert_int_equal(PQresultStatus(res), PGRES_COMMAND_OK);
    PQclear(res);
    s_getter_t g[2] = {{.path = path, .token = S.u.office}, {.path = path, .token = S.u.office}};
    for (int i = 0; i < 2; i++)
        assert_int_equal(pthread_create(&g[i].thread, NULL, s_getter_main, &g[i]), 0);
    int blocked = s_wait_blocked(watcher, 2);
    /* the third of the same user: refused at once */
    long third = api_req(S.h, "GET", path, S.u.office, NULL, 429, &r);
    const char *code = http_error_code(&r);
    int code_ok = strcmp(code, "too_many_exports") == 0, retry = r.retry_after[0] != '\0';
    http_resp_clear(&r);
    /* another user is not affected (the statistics do not wait on the lock) */
    long other = api_status(S.h, "GET", D "/reports/stats.csv", S.u.leader, NULL);
    PQclear(PQexec(locker, "COMMIT"));
    for (int i = 0; i < 2; i++)
        pthread_join(g[i].thread, NULL);
    PQfinish(locker);
    PQfinish(watcher);
    assert_int_equal(blocked, 0);
    assert_int_equal(third, 429);
    assert_true(code_ok);
    assert_true(retry);
    assert_int_equal(other, 200);
    assert_int_equal(g[0].status, 200);
    assert_int_equal(g[1].status, 200);
    /* the slots came back with the files */
    assert_int_equal(api_status(S.h, "GET", path, S.u.office, NULL), 200);
    assert_int_equal(api_status(S.h, "GET", path, S.u.office, NULL), 200);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_missing_room_or_member_is_404),
        cmocka_unit_test(test_log_cut_at_its_limit_says_so),
        cmocka_unit_test(test_ics_cut_at_its_limit_says_so),
        cmocka_unit_test(test_exports_per_user),
    };
    return cmocka_run_group_tests(tests, s_setup, s_teardown);
}
