/* test_rota: the duty rota over HTTP on the real stack with the demo
 * logins: generation (fairness, no double-booking, unavailable dates, the
 * holiday move), publication and its timers, confirm, excuse, swap, edits
 * answering 409 with the member, the date and the other room, attendance,
 * the absence and reminder timers, the iCalendar feed parsed back, its
 * feed token (calendar apps' access without Authorization), and the roles
 * and districts refused. Every date comes from the stack's clock: the rota
 * of next month (N) and of the first later month whose 25th is a weekend
 * (F); the reminder fires when the test moves the clock to it. Must never
 * skip. */
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
#include "api_util.h"

#define D "/v1/districts/330303"

typedef struct rota_row {
    char id[24], room[24], date[16], member[24], status[16];
} rota_row_t;

static struct {
    harness_t *h;
    fixture_users_t u;              /* the demo users' sessions */
    int ready;
    rota_row_t rows[64];
    int nrows;
    /* N: next month, its reception day D; F: a later month whose 25th is a
     * weekend, its reception day; P: a past day (the timers' own tests) */
    char month_n[8], date_n[11], month_f[8], date_f[11], first_f[11], date_p[11];
    calendar_day_t day_n, day_p;
    char gen_n[96], rota_n[96], pub_n[96];
} S;

/* The months and days of the run, from the clock (after harness_new). */
static int s_dates(void)
{
    calendar_day_t today = fixture_today(), d;
    int y, m;
    fixture_month_after(today, 1, S.month_n, &y, &m);
    if (calendar_day_from_ymd(y, m, 25, &d) != 0 || fixture_workday_from(S.h, d, &S.day_n) != 0)
        return -1;
    fixture_date(S.day_n, S.date_n);
    for (int k = 2; k < 14; k++) {
        fixture_month_after(today, k, S.month_f, &y, &m);
        calendar_day_t first;
        if (calendar_day_from_ymd(y, m, 25, &d) != 0 || calendar_day_from_ymd(y, m, 1, &first))
            return -1;
        if (calendar_day_weekday(d) < 6)
            continue;
        fixture_date(first, S.first_f);
        if (fixture_workday_from(S.h, d, &d) != 0)
            return -1;
        fixture_date(d, S.date_f);
        break;
    }
    /* a past day that is nobody's reception day (the seed's is the 25th or later) */
    for (S.day_p = today - 3; ; S.day_p--) {
        int dom;
        calendar_day_to_ymd(S.day_p, NULL, NULL, &dom);
        if (dom >= 2 && dom <= 20)
            break;
    }
    fixture_date(S.day_p, S.date_p);
    snprintf(S.gen_n, sizeof S.gen_n, D "/rota/generate?month=%s", S.month_n);
    snprintf(S.rota_n, sizeof S.rota_n, D "/rota?month=%s", S.month_n);
    snprintf(S.pub_n, sizeof S.pub_n, D "/rota/publish?month=%s", S.month_n);
    fprintf(stderr, "test_rota: N=%s (reception %s), F=%s (reception %s), P=%s\n",
            S.month_n, S.date_n, S.month_f, S.date_f, S.date_p);
    return S.date_f[0] ? 0 : -1;
}

static int s_setup(void **state)
{
    (void) state;
    memset(&S, 0, sizeof S);
    if (!(S.h = harness_new("rota")) || s_dates() != 0 || harness_start_all(S.h) != 0)
        return 0;
    S.ready = fixture_login(S.h, &S.u, "office office2 member1 unit1 leader admin") == 0;
    return 0;
}

static int s_teardown(void **state)
{
    (void) state;
    harness_destroy(&S.h);
    fixture_logout(&S.u);
    return 0;
}

static char *s_login_member(long long id)
{
    char name[32];
    snprintf(name, sizeof name, "member%lld", id);
    return harness_login(S.h, name, "lianxin-demo");
}

/* Loads the month's rows as `token` sees them into S.rows. */
static void s_load(const char *month, const char *token)
{
    char path[128];
    http_resp_t r;
    json_t *items, *it;
    size_t i;
    snprintf(path, sizeof path, D "/rota?month=%s", month);
    assert_int_equal(api_req(S.h, "GET", path, token, NULL, 200, &r), 200);
    items = json_object_get(r.json, "items");
    assert_true(json_is_array(items));
    S.nrows = 0;
    json_array_foreach(items, i, it) {
        assert_true(S.nrows < 64);
        rota_row_t *row = &S.rows[S.nrows++];
        snprintf(row->id, sizeof row->id, "%s", api_str(it, "id"));
        snprintf(row->room, sizeof row->room, "%s", api_str(it, "workroom_id"));
        snprintf(row->date, sizeof row->date, "%s", api_str(it, "duty_date"));
        snprintf(row->member, sizeof row->member, "%s", api_str(it, "member_id"));
        snprintf(row->status, sizeof row->status, "%s", api_str(it, "status"));
    }
    http_resp_clear(&r);
}

/* ---- tests ------------------------------------------------------------------------------ */

static void test_generate_refused(void **state)
{
    (void) state;
    assert_true(S.ready);
    assert_int_equal(api_status(S.h, "POST", S.gen_n, S.u.member1, NULL), 403);
    assert_int_equal(api_status(S.h, "POST", S.gen_n, S.u.unit1, NULL), 403);
    assert_int_equal(api_status(S.h, "POST", S.gen_n, S.u.leader, NULL), 403);
    assert_int_equal(api_status(S.h, "POST", S.gen_n, S.u.office2, NULL), 403);
    assert_int_equal(api_status(S.h, "GET", S.rota_n, S.u.office2, NULL), 403);
    assert_int_equal(api_status(S.h, "POST", D "/rota/generate?month=2026-13", S.u.office, NULL), 400);
    assert_int_equal(api_status(S.h, "POST", D "/rota/generate", S.u.office, NULL), 400);
}

static void test_generate_month(void **state)
{
    http_resp_t r;
    (void) state;
    assert_true(S.ready);
    /* members 1-5 cannot serve on the 25th: 1 for themselves, 2-5 through the office */
    char own[128], plain[64];
    snprintf(own, sizeof own, "{\"dates\":[\"%s\"],\"reason\":\"出差\"}", S.date_n);
    snprintf(plain, sizeof plain, "{\"dates\":[\"%s\"]}", S.date_n);
    assert_int_equal(api_status(S.h, "POST", D "/members/1/unavailable", S.u.member1, own), 200);
    assert_int_equal(api_status(S.h, "POST", D "/members/2/unavailable", S.u.member1, plain), 403);
    for (int m = 2; m <= 5; m++) {
        char path[96];
        snprintf(path, sizeof path, D "/members/%d/unavailable", m);
        assert_int_equal(api_status(S.h, "POST", path, S.u.office, plain), 200);
    }
    assert_int_equal(api_req(S.h, "POST", S.gen_n, S.u.office, NULL, 200,
                            &r), 200);
    assert_string_equal(api_str(r.json, "month"), S.month_n);
    assert_int_equal(json_integer_value(json_object_get(r.json, "rooms")), 8);
    assert_int_equal(json_integer_value(json_object_get(r.json, "assignments")), 16);
    assert_int_equal(json_array_size(json_object_get(r.json, "shortfalls")), 0);
    http_resp_clear(&r);
    /* drafts: the office sees them, members do not */
    s_load(S.month_n, S.u.member1);
    assert_int_equal(S.nrows, 0);
    s_load(S.month_n, S.u.office);
    assert_int_equal(S.nrows, 16);
    int per_room[9] = {0}, per_member[41] = {0};
    for (int i = 0; i < S.nrows; i++) {
        assert_string_equal(S.rows[i].status, "draft");
        assert_string_equal(S.rows[i].date, S.date_n);       /* the 25th or the next working day */
        long m = strtol(S.rows[i].member, NULL, 10);
        assert_true(m > 5 && m <= 40);                        /* unavailable dates honoured */
        per_member[m]++;
        per_room[strtol(S.rows[i].room, NULL, 10)]++;
    }
    for (int m = 1; m <= 40; m++)
        assert_true(per_member[m] <= 1);                      /* never two rooms a day */
    for (int room = 1; room <= 8; room++)
        assert_int_equal(per_room[room], 2);                  /* members per duty: 2 */
    /* generating again replaces the drafts, never adds to them */
    char body[48];
    snprintf(body, sizeof body, "{\"month\":\"%s\"}", S.month_n);
    assert_int_equal(api_status(S.h, "POST", D "/rota/generate", S.u.office, body), 200);
    s_load(S.month_n, S.u.office);
    assert_int_equal(S.nrows, 16);
}

static void test_generate_fair_and_holiday(void **state)
{
    (void) state;
    assert_true(S.ready);
    /* month F: the 25th is a Saturday or Sunday, so the duty moves to the next
     * working day; the 16 members of N's draft are not the fewest-duties ones
     * (drafts do not count), but this month's seeded rota does: its members come
     * last. */
    char path[96];
    snprintf(path, sizeof path, D "/rota/generate?month=%s", S.month_f);
    assert_int_equal(api_status(S.h, "POST", path, S.u.office, NULL), 200);
    s_load(S.month_f, S.u.office);
    assert_int_equal(S.nrows, 16);
    assert_true(strcmp(S.date_f + 8, "25") > 0);
    for (int i = 0; i < S.nrows; i++)
        assert_string_equal(S.rows[i].date, S.date_f);
    long long seeded = harness_sql_ll(S.h,
        "SELECT count(*) FROM intake.rota r WHERE r.district_code = '330303'"
        " AND r.month = $1 AND r.status = 'draft' AND r.member_id IN (SELECT member_id"
        " FROM intake.rota WHERE district_code = '330303' AND status = 'published'"
        " AND duty_date < $2::date)", 2, (const char *[]){S.month_f, S.first_f});
    assert_int_equal(seeded, 0);
}

static void test_publish_and_timers(void **state)
{
    http_resp_t r;
    (void) state;
    assert_true(S.ready);
    assert_int_equal(api_req(S.h, "POST", S.pub_n, S.u.office, NULL, 200, &r),
                     200);
    assert_int_equal(json_integer_value(json_object_get(r.json, "duties")), 16);
    assert_int_equal(json_array_size(json_object_get(r.json, "member_ids")), 16);
    http_resp_clear(&r);
    assert_int_equal(api_status(S.h, "POST", S.pub_n, S.u.office, NULL), 409);
    assert_int_equal(harness_sql_ll(S.h, "SELECT count(*) FROM bus.events WHERE district_code ="
                                         " '330303' AND type = 'rota.published'", 0, NULL), 1);
    char eve[40];
    snprintf(eve, sizeof eve, "%s 09:00+08", fixture_date(S.day_n - 1, (char[11]){0}));
    assert_int_equal(harness_sql_ll(S.h, "SELECT count(*) FROM intake.timers WHERE district_code"
                                         " = '330303' AND duty_date = $1::date", 1,
                                    (const char *[]){S.date_n}), 16);
    assert_int_equal(harness_sql_ll(S.h, "SELECT count(*) FROM intake.timers WHERE kind ="
                                         " 'duty.upcoming' AND duty_date = $1::date AND due_at"
                                         " = $2::timestamptz", 2, (const char *[]){S.date_n, eve}),
                     8);
    s_load(S.month_n, S.u.member1);                   /* now members see it */
    assert_int_equal(S.nrows, 16);
}

static void test_confirm_excuse(void **state)
{
    char path[128], *a, *b;
    http_resp_t r;
    (void) state;
    assert_true(S.ready);
    s_load(S.month_n, S.u.office);
    rota_row_t x = S.rows[0], y = S.rows[1];
    a = s_login_member(strtoll(x.member, NULL, 10));
    b = s_login_member(strtoll(y.member, NULL, 10));
    assert_non_null(a);
    assert_non_null(b);
    snprintf(path, sizeof path, D "/rota/%.23s/confirm", x.id);
    assert_int_equal(api_status(S.h, "POST", path, b, NULL), 403);      /* not b's duty */
    assert_int_equal(api_req(S.h, "POST", path, a, NULL, 200, &r), 200);
    assert_string_equal(api_str(r.json, "status"), "confirmed");
    http_resp_clear(&r);
    snprintf(path, sizeof path, D "/rota/%.23s/excuse", y.id);
    assert_int_equal(api_status(S.h, "POST", path, b, "{\"reason\":\"  \"}"), 400);
    assert_int_equal(api_req(S.h, "POST", path, b, "{\"reason\":\"住院\"}", 200, &r), 200);
    assert_string_equal(api_str(r.json, "status"), "excused");
    http_resp_clear(&r);
    snprintf(path, sizeof path, D "/rota/%.23s/confirm", y.id);
    assert_int_equal(api_req(S.h, "POST", path, b, NULL, 409, &r), 409);   /* excused */
    http_resp_clear(&r);
    assert_true(harness_sql_ll(S.h, "SELECT count(*) FROM bus.events WHERE type = 'rota.changed'",
                               0, NULL) >= 2);
    free(a);
    free(b);
}

static void test_conflict_names_member_date_room(void **state)
{
    char path[128], body[96];
    http_resp_t r;
    (void) state;
    assert_true(S.ready);
    s_load(S.month_n, S.u.office);
    int i = 2, j;
    for (j = 0; j < S.nrows && strcmp(S.rows[j].room, S.rows[i].room) == 0; j++)
        ;
    for (j = 0; j < S.nrows; j++)
        if (strcmp(S.rows[j].room, S.rows[i].room) != 0)
            break;
    assert_true(j < S.nrows);
    snprintf(path, sizeof path, D "/rota/%.23s/edit", S.rows[i].id);
    snprintf(body, sizeof body, "{\"member_id\":\"%.23s\"}", S.rows[j].member);
    assert_int_equal(api_req(S.h, "POST", path, S.u.office, body, 409, &r), 409);
    json_t *err = json_object_get(r.json, "error");
    const char *msg = api_str(err, "message");
    assert_non_null(strstr(msg, S.rows[j].member));
    assert_non_null(strstr(msg, S.date_n));
    assert_non_null(strstr(msg, "委员工作室") ? strstr(msg, "委员工作室") : strstr(msg, "议事堂"));
    json_t *f = json_object_get(err, "fields");
    assert_string_equal(api_str(f, "member_id"), S.rows[j].member);
    assert_string_equal(api_str(f, "workroom_id"), S.rows[j].room);
    assert_string_equal(api_str(f, "duty_date"), S.date_n);
    http_resp_clear(&r);
    /* a free member is fine, and members may not edit */
    snprintf(body, sizeof body, "{\"member_id\":\"1\"}");
    assert_int_equal(api_status(S.h, "POST", path, S.u.member1, body), 403);
    assert_int_equal(api_req(S.h, "POST", path, S.u.office, body, 200, &r), 200);
    assert_string_equal(api_str(r.json, "member_id"), "1");
    http_resp_clear(&r);
    snprintf(body, sizeof body, "{\"member_id\":\"999\"}");
    assert_int_equal(api_status(S.h, "POST", path, S.u.office, body), 422);
}

static void test_swap(void **state)
{
    char path[128], body[96], *a, *b;
    http_resp_t r;
    (void) state;
    assert_true(S.ready);
    s_load(S.month_n, S.u.office);
    int i, j;
    for (i = 0; i < S.nrows && strcmp(S.rows[i].status, "published") != 0; i++)
        ;
    for (j = i + 1; j < S.nrows && (strcmp(S.rows[j].status, "published") != 0
                                    || strcmp(S.rows[j].room, S.rows[i].room) == 0); j++)
        ;
    assert_true(j < S.nrows);
    rota_row_t x = S.rows[i], y = S.rows[j];
    a = s_login_member(strtoll(x.member, NULL, 10));
    b = s_login_member(strtoll(y.member, NULL, 10));
    snprintf(path, sizeof path, D "/rota/%.23s/swap", x.id);
    snprintf(body, sizeof body, "{\"with_rota_id\":\"%.23s\"}", y.id);
    assert_int_equal(api_status(S.h, "POST", path, b, body), 403);
    assert_int_equal(api_req(S.h, "POST", path, a, body, 200, &r), 200);
    assert_true(api_str(r.json, "swap_id")[0] != '\0');
    http_resp_clear(&r);
    assert_int_equal(api_status(S.h, "POST", path, a, body), 409);       /* one pending */
    char sql[160];                                  /* b hears of it */
    snprintf(sql, sizeof sql, "SELECT count(*) FROM notify.inbox WHERE kind ="
             " 'rota.swap_requested' AND recipient_id = %.23s", y.member);
    assert_int_equal(api_wait_sql(S.h, sql, 1, 10000), 1);
    snprintf(path, sizeof path, D "/rota/%.23s/swap/accept", y.id);
    assert_int_equal(api_status(S.h, "POST", path, a, NULL), 403);       /* only b accepts */
    assert_int_equal(api_req(S.h, "POST", path, b, NULL, 200, &r), 200);
    assert_string_equal(api_str(r.json, "member_id"), x.member);
    http_resp_clear(&r);
    s_load(S.month_n, S.u.office);
    for (int k = 0; k < S.nrows; k++) {
        if (strcmp(S.rows[k].id, x.id) == 0)
            assert_string_equal(S.rows[k].member, y.member);
        if (strcmp(S.rows[k].id, y.id) == 0)
            assert_string_equal(S.rows[k].member, x.member);
    }
    assert_int_equal(api_status(S.h, "POST", path, b, NULL), 403);       /* no longer b's */
    assert_int_equal(api_status(S.h, "POST", path, S.u.office, NULL), 409); /* nothing pending */
    free(a);
    free(b);
}

static void test_duties_ics(void **state)
{
    char path[128], *unfolded = NULL, *m;
    http_resp_t r;
    (void) state;
    assert_true(S.ready);
    s_load(S.month_n, S.u.office);
    rota_row_t x = S.rows[3];
    m = s_login_member(strtoll(x.member, NULL, 10));
    snprintf(path, sizeof path, D "/members/%.23s/duties.ics", x.member);
    assert_int_equal(api_status(S.h, "GET", path, S.u.member1, NULL),
                     strcmp(x.member, "1") == 0 ? 200 : 403);
    assert_int_equal(api_status(S.h, "GET", path, S.u.unit1, NULL), 403);
    assert_int_equal(api_req(S.h, "GET", path, m, NULL, 200, &r), 200);
    assert_int_equal(api_ics_unfold(r.raw, r.raw_len, &unfolded), 0);
    assert_int_equal(strncmp(unfolded, "BEGIN:VCALENDAR\nVERSION:2.0\n", 28), 0);
    assert_non_null(strstr(unfolded, "END:VCALENDAR\n"));
    int events = api_ics_count(unfolded, "BEGIN:VEVENT");
    long long duties = harness_sql_ll(S.h, "SELECT count(*) FROM intake.rota WHERE status <>"
                                           " 'draft' AND member_id = (SELECT member_id FROM"
                                           " intake.rota WHERE id = $1::bigint)", 1,
                                      (const char *[]){x.id});
    assert_int_equal(events, duties);
    assert_int_equal(api_ics_count(unfolded, "UID:rota-330303-"), events);
    char dtstart[64];
    snprintf(dtstart, sizeof dtstart, "DTSTART;TZID=Asia/Shanghai:%.4s%.2s%.2sT090000", S.date_n,
             S.date_n + 5, S.date_n + 8);
    assert_int_equal(api_ics_count(unfolded, dtstart), 1);
    assert_int_equal(api_ics_count(unfolded, "TZID:Asia/Shanghai"), 1);
    assert_int_equal(api_ics_count(unfolded, "SUMMARY:委员接待日值班："), events);
    char uid[96];
    snprintf(uid, sizeof uid, "UID:rota-330303-%.23s@lianxin", x.id);
    assert_int_equal(api_ics_count(unfolded, uid), 1);
    free(unfolded);
    http_resp_clear(&r);
    free(m);
}

/* A GET of `path` with no Authorization header at all. Returns the status
 * and keeps the answer in *r (cleared by the caller). */
static long s_get_anon(const char *path, http_resp_t *r)
{
    http_req_t q = {0};
    q.method = "GET";
    q.path = path;
    harness_http(S.h, &q, r);
    return r->status;
}

static long s_get_anon_status(const char *path)
{
    http_resp_t r;
    long st = s_get_anon(path, &r);
    http_resp_clear(&r);
    return st;
}

/* POST .../feed-token as `token`: the feed URL's path and query (malloc'd),
 * NULL when the answer was not 201 with a well-formed URL. */
static char *s_feed_url(const char *member, const char *token)
{
    char path[128], want[128];
    http_resp_t r;
    char *url = NULL;
    snprintf(path, sizeof path, D "/members/%.23s/feed-token", member);
    snprintf(want, sizeof want, D "/members/%.23s/duties.ics?token=", member);
    if (api_req(S.h, "POST", path, token, NULL, 201, &r) == 201) {
        const char *u = api_str(r.json, "url");
        if (strncmp(u, want, strlen(want)) == 0 && strlen(u) == strlen(want) + 64)
            url = strdup(u);
    }
    http_resp_clear(&r);
    return url;
}

/* The gateway's log holds `needle`: 1, 0, -1 when it cannot be read. */
static int s_log_has(const char *needle)
{
    return api_log_has(S.h, "gateway", needle);
}

/* The subscribable feed: the member makes a feed token, a calendar app
 * fetches the same iCalendar with it and no Authorization; a wrong, an
 * old, a revoked or another member's token is 401; units and other members
 * cannot make one (403); the token never reaches the log. */
static void test_feed_token(void **state)
{
    char path[128], bad[256], other_path[128], *unfolded = NULL;
    http_resp_t r, rb;
    (void) state;
    assert_true(S.ready);
    s_load(S.month_n, S.u.office);
    rota_row_t x = S.rows[3];
    const char *other = strcmp(x.member, "2") == 0 ? "3" : "2";
    char *m = s_login_member(strtoll(x.member, NULL, 10));
    char *o = s_login_member(strtoll(other, NULL, 10));
    assert_non_null(m);
    assert_non_null(o);
    snprintf(path, sizeof path, D "/members/%.23s/duties.ics", x.member);
    snprintf(other_path, sizeof other_path, D "/members/%.23s/feed-token", x.member);

    /* who may make one */
    assert_int_equal(api_status(S.h, "POST", other_path, S.u.unit1, NULL), 403);
    assert_int_equal(api_status(S.h, "POST", other_path, o, NULL), 403);
    assert_int_equal(api_status(S.h, "DELETE", other_path, o, NULL), 403);
    assert_int_equal(api_status(S.h, "POST", D "/members/999999/feed-token", S.u.office, NULL), 404);
    assert_int_equal(s_get_anon_status(path), 401);                     /* no token at all */

    /* the member's own token fetches the same file as the bearer token */
    char *url1 = s_feed_url(x.member, m);
    assert_non_null(url1);
    assert_int_equal(s_get_anon(url1, &r), 200);
    assert_int_equal(api_req(S.h, "GET", path, m, NULL, 200, &rb), 200);
    assert_int_equal(r.raw_len, rb.raw_len);
    assert_memory_equal(r.raw, rb.raw, r.raw_len);
    assert_int_equal(api_ics_unfold(r.raw, r.raw_len, &unfolded), 0);
    assert_int_equal(strncmp(unfolded, "BEGIN:VCALENDAR\nVERSION:2.0\n", 28), 0);
    assert_true(api_ics_count(unfolded, "BEGIN:VEVENT") >= 1);
    assert_int_equal(api_ics_count(unfolded, "BEGIN:VEVENT"), api_ics_count(unfolded, "END:VEVENT"));
    free(unfolded);
    http_resp_clear(&r);
    http_resp_clear(&rb);
    assert_int_equal(harness_sql_ll(S.h, "SELECT count(*) FROM auth.feed_tokens WHERE"
                                         " member_id = $1::bigint AND length(token_hash) = 32",
                                    1, (const char *[]){x.member}), 1);

    /* a wrong token, a malformed one, the token on another route */
    snprintf(bad, sizeof bad, "%s", url1);
    char *last = bad + strlen(bad) - 1;
    *last = *last == '0' ? '1' : '0';
    assert_int_equal(s_get_anon_status(bad), 401);
    snprintf(bad, sizeof bad, "%s?token=xyz", path);
    assert_int_equal(s_get_anon_status(bad), 401);
    snprintf(bad, sizeof bad, "%s&token=%s", S.rota_n, strstr(url1, "token=") + 6);
    assert_int_equal(s_get_anon_status(bad), 401);                      /* grants only the feed */

    /* another member's token on this member's feed */
    char *url_o = s_feed_url(other, o);
    assert_non_null(url_o);
    snprintf(bad, sizeof bad, "%s%s", path, strchr(url_o, '?'));
    assert_int_equal(s_get_anon_status(bad), 401);
    assert_int_equal(s_get_anon_status(url_o), 200);

    /* office makes a new one: the old stops working; DELETE revokes */
    char *url2 = s_feed_url(x.member, S.u.office);
    assert_non_null(url2);
    assert_string_not_equal(url1, url2);
    assert_int_equal(s_get_anon_status(url1), 401);
    assert_int_equal(s_get_anon_status(url2), 200);
    assert_int_equal(api_status(S.h, "DELETE", other_path, m, NULL), 204);
    assert_int_equal(s_get_anon_status(url2), 401);
    assert_int_equal(api_status(S.h, "GET", path, m, NULL), 200);        /* bearer as before */

    /* the request lines are there, the tokens are not */
    assert_int_equal(s_log_has("/duties.ics status=200"), 1);
    assert_int_equal(s_log_has(strstr(url1, "token=") + 6), 0);
    assert_int_equal(s_log_has(strstr(url2, "token=") + 6), 0);
    assert_int_equal(s_log_has(strstr(url_o, "token=") + 6), 0);
    free(url1);
    free(url2);
    free(url_o);
    free(m);
    free(o);
}

/* The absence check the day after a duty day (P, a past day): a member in a
 * visit of the room that day served, the other rostered one is absent
 * (rota.absent). */
static void test_absence_timer(void **state)
{
    http_resp_t r;
    char body[256];
    const char *p[1] = {S.date_p};
    (void) state;
    assert_true(S.ready);
    PGresult *res = harness_sql(S.h,
        "INSERT INTO intake.rota (district_code, workroom_id, duty_date, member_id, status)"
        " VALUES ('330303', 2, $1::date, 7, 'confirmed'), ('330303', 2, $1::date, 8,"
        " 'published'), ('330303', 2, $1::date, 9, 'excused')", 1, p);
    assert_non_null(res);
    PQclear(res);
    snprintf(body, sizeof body, "{\"workroom_id\":\"2\",\"received_at\":\"%sT10:00:00+08:00\","
             "\"member_ids\":[\"7\"],\"summary\":\"小区停车难\",\"category\":\"transport\"}",
             S.date_p);
    assert_int_equal(api_req(S.h, "POST", D "/visits", S.u.office, body, 201, &r), 201);
    http_resp_clear(&r);
    res = harness_sql(S.h, "INSERT INTO intake.timers VALUES ('330303', 'rota.absent_check', 2,"
                           " $1::date, core.clock_now() - interval '1 minute')", 1, p);
    assert_non_null(res);
    PQclear(res);
    assert_int_equal(api_wait_sqlp(S.h, "SELECT count(*) FROM intake.timers WHERE duty_date ="
                                      " $1::date AND fired_at IS NOT NULL", 1, 10000, 1, p), 1);
    assert_int_equal(harness_sql_ll(S.h, "SELECT count(*) FROM intake.rota WHERE duty_date ="
                                         " $1::date AND member_id = 7 AND status = 'served'",
                                    1, p), 1);
    assert_int_equal(harness_sql_ll(S.h, "SELECT count(*) FROM intake.rota WHERE duty_date ="
                                         " $1::date AND member_id = 8 AND status = 'absent'",
                                    1, p), 1);
    assert_int_equal(harness_sql_ll(S.h, "SELECT count(*) FROM intake.rota WHERE duty_date ="
                                         " $1::date AND member_id = 9 AND status = 'excused'",
                                    1, p), 1);
    assert_int_equal(harness_sql_ll(S.h, "SELECT count(*) FROM bus.events WHERE type ="
                                         " 'rota.absent'", 0, NULL), 1);
}

/* The reminder fires when the clock reaches 09:00 the day before D: the test
 * moves the whole stack's clock there (never sleeping real days). Each room
 * with members on duty that day gets one duty.upcoming, and notify tells
 * exactly those members, once each. */
static void test_upcoming_timer(void **state)
{
    const char *p[1] = {S.date_n};
    (void) state;
    assert_true(S.ready);
    assert_int_equal(harness_sql_ll(S.h, "SELECT count(*) FROM bus.events WHERE type ="
                                         " 'duty.upcoming'", 0, NULL), 0);
    assert_int_equal(harness_clock_set(S.h, calendar_day_start_us(S.day_n) - 15LL * 3600000000LL
                                            + 1000000), 0);
    long long rooms = harness_sql_ll(S.h, "SELECT count(DISTINCT workroom_id) FROM intake.rota"
                                          " WHERE district_code = '330303' AND duty_date = $1::date"
                                          " AND status IN ('published', 'confirmed')", 1, p);
    assert_true(rooms >= 1);
    assert_int_equal(api_wait_sqlp(S.h, "SELECT count(*) FROM bus.events WHERE type ="
                                      " 'duty.upcoming'", rooms, 15000, 0, NULL), rooms);
    long long want = harness_sql_ll(S.h, "SELECT count(*) FROM intake.rota WHERE duty_date ="
                                         " $1::date AND district_code = '330303' AND status IN"
                                         " ('published', 'confirmed')", 1, p);
    assert_true(want >= rooms);
    assert_int_equal(api_wait_sqlp(S.h, "SELECT count(*) FROM notify.inbox WHERE kind ="
                                      " 'duty.upcoming'", want, 10000, 0, NULL), want);
    assert_int_equal(harness_sql_ll(S.h, "SELECT count(*) FROM notify.inbox i WHERE kind ="
                                         " 'duty.upcoming' AND NOT EXISTS (SELECT 1 FROM"
                                         " intake.rota r WHERE r.duty_date = $1::date AND"
                                         " r.status IN ('published', 'confirmed') AND"
                                         " r.member_id = i.recipient_id)", 1, p), 0);
    /* the absence checks of D are not due yet */
    assert_int_equal(harness_sql_ll(S.h, "SELECT count(*) FROM intake.timers WHERE kind ="
                                         " 'rota.absent_check' AND duty_date = $1::date AND"
                                         " fired_at IS NOT NULL", 1, p), 0);
    /* a stale reminder (its day has begun) is consumed without an event */
    const char *q[1] = {S.date_p};
    PGresult *res = harness_sql(S.h, "INSERT INTO intake.timers VALUES ('330303', 'duty.upcoming',"
                                     " 2, $1::date, core.clock_now() - interval '1 minute')", 1, q);
    assert_non_null(res);
    PQclear(res);
    assert_int_equal(api_wait_sqlp(S.h, "SELECT count(*) FROM intake.timers WHERE kind ="
                                      " 'duty.upcoming' AND duty_date = $1::date AND fired_at"
                                      " IS NOT NULL", 1, 10000, 1, q), 1);
    assert_int_equal(harness_sql_ll(S.h, "SELECT count(*) FROM bus.events WHERE type ="
                                         " 'duty.upcoming'", 0, NULL), rooms);
}

static void test_attendance(void **state)
{
    char path[128];
    http_resp_t r;
    (void) state;
    assert_true(S.ready);
    long long id = harness_sql_ll(S.h, "SELECT id FROM intake.rota WHERE duty_date = $1::date"
                                       " AND member_id = 8", 1, (const char *[]){S.date_p});
    snprintf(path, sizeof path, D "/rota/%lld/attendance", id);
    assert_int_equal(api_status(S.h, "POST", path, S.u.member1, "{\"status\":\"served\"}"), 403);
    assert_int_equal(api_status(S.h, "POST", path, S.u.office, "{\"status\":\"late\"}"), 400);
    assert_int_equal(api_req(S.h, "POST", path, S.u.office, "{\"status\":\"served\"}", 200, &r), 200);
    assert_string_equal(api_str(r.json, "status"), "served");
    http_resp_clear(&r);
    s_load(S.month_n, S.u.office);                   /* D has not come: the eve at most */
    snprintf(path, sizeof path, D "/rota/%.23s/attendance", S.rows[0].id);
    assert_int_equal(api_status(S.h, "POST", path, S.u.office, "{\"status\":\"absent\"}"), 409);
}

/* SIGTERM stops every program cleanly (exit 0) with intake's timers running:
 * under SAN=1 this is also where the leak checker speaks. */
static void test_clean_stop(void **state)
{
    (void) state;
    assert_true(S.ready);
    assert_int_equal(harness_stop_all(S.h), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_generate_refused),
        cmocka_unit_test(test_generate_month),
        cmocka_unit_test(test_generate_fair_and_holiday),
        cmocka_unit_test(test_publish_and_timers),
        cmocka_unit_test(test_confirm_excuse),
        cmocka_unit_test(test_conflict_names_member_date_room),
        cmocka_unit_test(test_swap),
        cmocka_unit_test(test_duties_ics),
        cmocka_unit_test(test_feed_token),
        cmocka_unit_test(test_absence_timer),
        cmocka_unit_test(test_upcoming_timer),
        cmocka_unit_test(test_attendance),
        cmocka_unit_test(test_clean_stop),
    };
    return cmocka_run_group_tests(tests, s_setup, s_teardown);
}
