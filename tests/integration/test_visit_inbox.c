/* test_visit_inbox: a visit end to end on the real stack (bus, intake,
 * notify, gateway, PostgreSQL) with the demo data: record, read and list
 * visits, the visitor sealed at rest, inbox items for exactly the rostered
 * members and the head, mark read, anonymous visits, the audit chain and
 * the event log. Must never skip: a missing environment fails it. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "seal.h"
#include "envelope.pb-c.h"
#include "intake.pb-c.h"
#include "timeutil.h"
#include "fixtures.h"
#include "harness.h"

#define D "330303"
#define VISITS "/v1/districts/" D "/visits"
#define INBOX "/v1/districts/" D "/inbox"

typedef struct suite {
    harness_t *h;
    fixture_users_t u;              /* the demo users' sessions */
    char visit[24];                 /* room 1, by member1, with a visitor */
    char visit4[24];                /* room 4, whose head is also on the rota */
    char item3[24];                 /* member3's inbox item for `visit` */
    char received[40];              /* `visit`'s received_at as the API wrote it */
    int ready;                      /* set-up done: every test fails without it */
} suite_t;

static suite_t S;

/* ---- helpers --------------------------------------------------------------------- */

static const char *s_str(json_t *obj, const char *key)
{
    const char *v = json_string_value(json_object_get(obj, key));
    return v ? v : "";
}

/* POSTs a visit and returns its id into `id` (asserting 201). */
static void s_post_visit(const char *token, int64_t room, const int64_t *members, size_t n,
                         const char *category, int ago_s, int visitor, char *id, size_t idsz)
{
    char *body = fixture_visit(room, members, n, category, ago_s, visitor);
    http_resp_t r;

    harness_post(S.h, VISITS, token, body, &r);
    free(body);
    if (r.status != 201)
        fprintf(stderr, "post visit: %ld %s\n", r.status, r.raw);
    assert_int_equal(r.status, 201);
    assert_true(json_is_string(json_object_get(r.json, "id")));
    snprintf(id, idsz, "%s", s_str(r.json, "id"));
    http_resp_clear(&r);
}

/* Polls until `visit` has `want` inbox rows, at most 10 s. Returns the count. */
static long long s_wait_inbox(const char *visit, long long want)
{
    const char *p[1] = { visit };
    int64_t deadline = harness_now_ms() + harness_ms(S.h, 10000);
    long long n = -1;

    while (harness_now_ms() < deadline) {
        n = harness_sql_ll(S.h, "SELECT count(*) FROM notify.inbox WHERE district_code = '" D "'"
                           " AND object_type = 'visit' AND object_id = $1", 1, p);
        if (n >= want)
            break;
        harness_sleep_ms(100);
    }
    return n;
}

/* The caller's inbox items for `visit` (as member of `token`): how many, and
 * the first one's id into `item`. */
static int s_inbox_items(const char *token, const char *visit, char *item, size_t itemsz,
                         json_t **first)
{
    http_resp_t r;
    json_t *items, *it;
    size_t i;
    int n = 0;

    harness_get(S.h, INBOX "?limit=100", token, &r);
    assert_int_equal(r.status, 200);
    items = json_object_get(r.json, "items");
    assert_true(json_is_array(items));
    json_array_foreach(items, i, it) {
        if (strcmp(s_str(it, "object_id"), visit) == 0) {
            if (n++ == 0 && item)
                snprintf(item, itemsz, "%s", s_str(it, "id"));
            if (n == 1 && first)
                *first = json_incref(it);
        }
    }
    http_resp_clear(&r);
    return n;
}

/* ---- set-up ------------------------------------------------------------------------- */

/* The rota the recipients tests expect, whatever the seed picked for the
 * month: room 1 {3,4,5} (head 1 not on it), room 4 {15,19,20} (its head 15
 * on it), for the month of the clock an hour ago and an hour ahead (a pinned
 * run may turn the month during the test). 0 or -1. */
static int s_fix_rota(void)
{
    static const struct { int room, member; } rows[] = {
        {1, 3}, {1, 4}, {1, 5}, {4, 15}, {4, 19}, {4, 20},
    };
    for (int k = -1; k <= 1; k += 2) {
        char month[8], date[16], room[8], member[8];
        int64_t at = time_now_us() + (int64_t)k * 3600 * 1000000;
        fixture_month_after(calendar_day_of_us(at), 0, month, NULL, NULL);
        snprintf(date, sizeof date, "%s-25", month);
        const char *p[2] = {month, date};
        PGresult *r = harness_sql(S.h, "DELETE FROM intake.rota WHERE district_code = '" D "'"
                                       " AND workroom_id IN (1, 4) AND month = $1", 1, p);
        if (!r)
            return -1;
        PQclear(r);
        for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
            snprintf(room, sizeof room, "%d", rows[i].room);
            snprintf(member, sizeof member, "%d", rows[i].member);
            const char *q[4] = {date, month, room, member};
            r = harness_sql(S.h, "INSERT INTO intake.rota (district_code, workroom_id, duty_date,"
                                 " month, member_id) VALUES ('" D "', $3::bigint, $1::date, $2,"
                                 " $4::bigint)", 4, q);
            if (!r)
                return -1;
            PQclear(r);
        }
    }
    return 0;
}

/* Never fails the group: a broken set-up fails every test instead (each
 * asserts S.ready), so the runner counts and names them. */
static int s_setup(void **state)
{
    (void)state;
    memset(&S, 0, sizeof S);
    if (!(S.h = harness_new("visit_inbox")) || s_fix_rota() != 0 || harness_start_all(S.h) != 0)
        return 0;
    S.ready = fixture_login(S.h, &S.u, "office office2 unit1 member1 member2 member3 member4"
                                       " member15") == 0;
    return 0;
}

static int s_teardown(void **state)
{
    (void)state;
    harness_destroy(&S.h);
    fixture_logout(&S.u);
    return 0;
}

/* ---- tests ------------------------------------------------------------------------------ */

static void test_post_and_get_visit(void **state)
{
    int64_t members[] = { 1, 2 };
    char path[128];
    http_resp_t r;
    json_t *vis, *ids;

    (void)state;
    assert_true(S.ready);
    s_post_visit(S.u.member1, 1, members, 2, "transport", 60, 1, S.visit, sizeof S.visit);
    snprintf(path, sizeof path, VISITS "/%s", S.visit);
    harness_get(S.h, path, S.u.office, &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(s_str(r.json, "id"), S.visit);
    assert_string_equal(s_str(r.json, "workroom_id"), "1");
    assert_string_equal(s_str(r.json, "workroom_name"), "永中街道委员工作室");
    assert_string_equal(s_str(r.json, "category"), "transport");
    assert_string_equal(s_str(r.json, "kind"), "reception");
    assert_string_equal(s_str(r.json, "on_spot_action"), "answered");
    assert_string_equal(s_str(r.json, "summary"), "路口红绿灯时间太短，老人过马路困难，希望延长绿灯时间。");
    assert_non_null(strstr(s_str(r.json, "received_at"), "+08:00"));
    snprintf(S.received, sizeof S.received, "%s", s_str(r.json, "received_at"));
    ids = json_object_get(r.json, "member_ids");
    assert_int_equal(json_array_size(ids), 2);
    assert_string_equal(json_string_value(json_array_get(ids, 0)), "1");
    assert_string_equal(json_string_value(json_array_get(ids, 1)), "2");
    vis = json_object_get(r.json, "visitor");
    assert_string_equal(s_str(vis, "name"), "张*");
    assert_string_equal(s_str(vis, "phone"), "*******5678");
    assert_null(strstr(r.raw, "张三"));
    assert_null(strstr(r.raw, "13812345678"));
    http_resp_clear(&r);
    harness_get(S.h, path, S.u.member1, &r);          /* members may read */
    assert_int_equal(r.status, 200);
    http_resp_clear(&r);
    harness_get(S.h, path, S.u.office2, &r);          /* another district */
    assert_int_equal(r.status, 403);
    assert_string_equal(http_error_code(&r), "forbidden");
    http_resp_clear(&r);
    harness_get(S.h, path, S.u.unit1, &r);            /* units do not read visits */
    assert_int_equal(r.status, 403);
    http_resp_clear(&r);
    harness_get(S.h, VISITS "/999999", S.u.office, &r);
    assert_int_equal(r.status, 404);
    http_resp_clear(&r);
}

static void test_visitor_sealed_at_rest(void **state)
{
    const char *p[1] = { S.visit };
    uint8_t sealed[256], plain[256];
    size_t slen = 0, plen = 0;
    char aad[64];
    PGresult *r;

    (void)state;
    assert_true(S.ready);
    assert_true(S.visit[0]);
    r = harness_sql(S.h, "SELECT position(convert_to('张三', 'UTF8') IN visitor_name),"
                    " position(convert_to('13812345678', 'UTF8') IN visitor_phone),"
                    " visitor_name_masked, visitor_phone_masked, length(visitor_name),"
                    " encode(visitor_name, 'hex'), position(convert_to('张三', 'UTF8')"
                    "   IN convert_to(v::text, 'UTF8'))"
                    " FROM intake.visits v WHERE district_code = '" D "' AND id = $1::bigint", 1, p);
    assert_non_null(r);
    assert_int_equal(PQntuples(r), 1);
    assert_string_equal(PQgetvalue(r, 0, 0), "0");
    assert_string_equal(PQgetvalue(r, 0, 1), "0");
    assert_string_equal(PQgetvalue(r, 0, 2), "张*");
    assert_string_equal(PQgetvalue(r, 0, 3), "*******5678");
    assert_int_equal(atoi(PQgetvalue(r, 0, 4)), (int)strlen("张三") + SEAL_HEADER_LEN + 12 + 16);
    assert_string_equal(PQgetvalue(r, 0, 6), "0");
    /* it opens with the configured key, bound to this visit only */
    const char *hex = PQgetvalue(r, 0, 5);
    for (size_t i = 0; hex[2 * i] && i < sizeof sealed; i++, slen++)
        sscanf(hex + 2 * i, "%2hhx", &sealed[i]);
    seal_ring_t *ring = seal_ring_new(NULL, 1, harness_key_hex(S.h), NULL, NULL);
    assert_non_null(ring);
    assert_memory_equal(sealed, "LX\x01\x01\x01", SEAL_HEADER_LEN);   /* AES-GCM, key 1 */
    snprintf(aad, sizeof aad, D "/visit/%s/name", S.visit);
    assert_int_equal(seal_open(ring, aad, sealed, slen, plain, sizeof plain, &plen), 0);
    assert_int_equal(plen, strlen("张三"));
    assert_memory_equal(plain, "张三", plen);
    /* ... and to this record only: another visit's or the phone's aad fails */
    snprintf(aad, sizeof aad, D "/visit/%lld/name", strtoll(S.visit, NULL, 10) + 1);
    assert_int_equal(seal_open(ring, aad, sealed, slen, plain, sizeof plain, &plen), -1);
    snprintf(aad, sizeof aad, D "/visit/%s/phone", S.visit);
    assert_int_equal(seal_open(ring, aad, sealed, slen, plain, sizeof plain, &plen), -1);
    seal_ring_destroy(&ring);
    PQclear(r);
}

static void test_list_filters_and_pagination(void **state)
{
    int64_t members[] = { 6 };
    char ids[5][24], path[512], seen[16][24];
    int nseen = 0;
    http_resp_t r;

    (void)state;
    assert_true(S.ready);
    for (int i = 0; i < 5; i++)                     /* room 2, one minute apart */
        s_post_visit(S.u.office, 2, members, 1, i < 2 ? "health" : "education", 600 + 60 * i, 0,
                     ids[i], sizeof ids[i]);
    snprintf(path, sizeof path, VISITS "?workroom_id=2&limit=2");
    for (int page = 0; page < 5; page++) {
        json_t *items, *it, *next;
        size_t i;
        harness_get(S.h, path, S.u.office, &r);
        assert_int_equal(r.status, 200);
        items = json_object_get(r.json, "items");
        assert_true(json_array_size(items) <= 2);
        json_array_foreach(items, i, it) {
            assert_true(nseen < 16);
            assert_string_equal(s_str(it, "workroom_id"), "2");
            snprintf(seen[nseen++], sizeof seen[0], "%s", s_str(it, "id"));
        }
        next = json_object_get(r.json, "next_cursor");
        if (!json_is_string(next)) {
            assert_true(json_is_null(next));
            http_resp_clear(&r);
            break;
        }
        snprintf(path, sizeof path, VISITS "?workroom_id=2&limit=2&cursor=%s", json_string_value(next));
        http_resp_clear(&r);
    }
    assert_int_equal(nseen, 5);                     /* none missing, none twice, newest first */
    for (int i = 0; i < 5; i++)
        assert_string_equal(seen[i], ids[i]);
    harness_get(S.h, VISITS "?workroom_id=2&category=health&limit=100", S.u.office, &r);
    assert_int_equal(r.status, 200);
    assert_int_equal(json_array_size(json_object_get(r.json, "items")), 2);
    http_resp_clear(&r);
    harness_get(S.h, VISITS "?limit=0", S.u.office, &r);
    assert_int_equal(r.status, 400);
    http_resp_clear(&r);
    harness_get(S.h, VISITS "?limit=101", S.u.office, &r);
    assert_int_equal(r.status, 400);
    http_resp_clear(&r);
}

static void test_list_time_window(void **state)
{
    char from[40], path[256];
    http_resp_t r;
    json_t *items, *it;
    size_t i;
    int mine = 0;

    (void)state;
    assert_true(S.ready);
    /* the five room-2 visits were received 10..14 minutes ago: from 12.5 min ago, 3 remain */
    time_format(time_now_us() - 750LL * 1000000, from, sizeof from);
    assert_non_null(strstr(from, "+08:00"));
    *strstr(from, "+08:00") = '\0';                 /* '+' must be %2B in a query string */
    snprintf(path, sizeof path, VISITS "?workroom_id=2&limit=100&from=%s%%2B08:00"
             "&to=2999-01-01T00:00:00Z", from);
    harness_get(S.h, path, S.u.office, &r);
    assert_int_equal(r.status, 200);
    items = json_object_get(r.json, "items");
    json_array_foreach(items, i, it)
        mine++;
    assert_int_equal(mine, 3);
    http_resp_clear(&r);
}

static void test_inbox_recipients(void **state)
{
    int64_t members[] = { 19 };
    char expected[128], body[256];
    json_t *first = NULL;

    (void)state;
    assert_true(S.ready);
    assert_true(S.visit[0]);
    /* room 1: rota {3,4,5} this month (s_fix_rota) and head 1 */
    assert_int_equal(fixture_expected(S.h, D, S.visit, expected, sizeof expected), 0);
    assert_string_equal(expected, "{1,3,4,5}");
    assert_int_equal(s_wait_inbox(S.visit, 4), 4);
    assert_int_equal(s_inbox_items(S.u.member3, S.visit, S.item3, sizeof S.item3, &first), 1);
    assert_string_equal(s_str(first, "kind"), "visit.recorded");
    assert_string_equal(s_str(first, "title"), "新的来访记录");
    assert_string_equal(s_str(first, "object_type"), "visit");
    assert_true(json_is_null(json_object_get(first, "read_at")));
    {
        int64_t us = 0;
        int y, m, d;
        assert_int_equal(time_parse(S.received, &us), 0);
        time_ymd(us, &y, &m, &d);
        snprintf(body, sizeof body, "永中街道委员工作室 %d月%d日 收到一件交通类诉求", m, d);
    }
    assert_string_equal(s_str(first, "body"), body);
    json_decref(first);
    assert_int_equal(s_inbox_items(S.u.member4, S.visit, NULL, 0, NULL), 1);
    assert_int_equal(s_inbox_items(S.u.member1, S.visit, NULL, 0, NULL), 1);   /* the head */
    assert_int_equal(s_inbox_items(S.u.member2, S.visit, NULL, 0, NULL), 0);   /* not rostered */
    assert_int_equal(s_inbox_items(S.u.office, S.visit, NULL, 0, NULL), 0);
    assert_int_equal(s_inbox_items(S.u.unit1, S.visit, NULL, 0, NULL), 0);
    assert_int_equal(s_inbox_items(S.u.member15, S.visit, NULL, 0, NULL), 0);
    /* room 4: its head (15) is on the rota too: one item, not two */
    s_post_visit(S.u.office, 4, members, 1, "business", 30, 1, S.visit4, sizeof S.visit4);
    assert_int_equal(fixture_expected(S.h, D, S.visit4, expected, sizeof expected), 0);
    assert_string_equal(expected, "{15,19,20}");
    assert_int_equal(s_wait_inbox(S.visit4, 3), 3);
    harness_sleep_ms(300);
    assert_int_equal(s_wait_inbox(S.visit4, 3), 3);
    assert_int_equal(s_inbox_items(S.u.member15, S.visit4, NULL, 0, NULL), 1);
}

static void test_mark_read(void **state)
{
    char path[128], unread_id[24] = "";
    http_resp_t r;
    json_t *items, *it;
    size_t i;

    (void)state;
    assert_true(S.ready);
    assert_true(S.item3[0]);
    snprintf(path, sizeof path, INBOX "/%s/read", S.item3);
    harness_post(S.h, path, S.u.member2, NULL, &r);   /* not a recipient (not rostered) */
    assert_int_equal(r.status, 404);
    assert_string_equal(http_error_code(&r), "not_found");
    http_resp_clear(&r);
    harness_post(S.h, path, S.u.member3, NULL, &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(s_str(r.json, "id"), S.item3);
    assert_non_null(strstr(s_str(r.json, "read_at"), "+08:00"));
    http_resp_clear(&r);
    harness_get(S.h, INBOX "?unread=true&limit=100", S.u.member3, &r);
    assert_int_equal(r.status, 200);
    items = json_object_get(r.json, "items");
    json_array_foreach(items, i, it)
        if (strcmp(s_str(it, "id"), S.item3) == 0)
            snprintf(unread_id, sizeof unread_id, "%s", S.item3);
    assert_string_equal(unread_id, "");
    http_resp_clear(&r);
    /* one item per visit since migration 060, read per recipient: member4's
     * copy of the same item is still unread */
    harness_get(S.h, INBOX "?unread=true&limit=100", S.u.member4, &r);
    assert_int_equal(r.status, 200);
    items = json_object_get(r.json, "items");
    json_array_foreach(items, i, it)
        if (strcmp(s_str(it, "id"), S.item3) == 0)
            snprintf(unread_id, sizeof unread_id, "%s", S.item3);
    assert_string_equal(unread_id, S.item3);
    http_resp_clear(&r);
    harness_post(S.h, INBOX "/99999999/read", S.u.member3, NULL, &r);
    assert_int_equal(r.status, 404);
    http_resp_clear(&r);
}

static void test_anonymous_visit(void **state)
{
    int64_t members[] = { 7 };
    char id[24], path[128];
    const char *p[1] = { id };
    http_resp_t r;
    PGresult *res;

    (void)state;
    assert_true(S.ready);
    s_post_visit(S.u.office, 2, members, 1, "other", 5, 0, id, sizeof id);
    snprintf(path, sizeof path, VISITS "/%s", id);
    harness_get(S.h, path, S.u.office, &r);
    assert_int_equal(r.status, 200);
    assert_true(json_is_null(json_object_get(r.json, "visitor")) ||
                !json_object_get(r.json, "visitor"));
    http_resp_clear(&r);
    res = harness_sql(S.h, "SELECT visitor_name IS NULL, visitor_phone IS NULL,"
                      " visitor_name_masked, visitor_phone_masked FROM intake.visits"
                      " WHERE district_code = '" D "' AND id = $1::bigint", 1, p);
    assert_non_null(res);
    assert_string_equal(PQgetvalue(res, 0, 0), "t");
    assert_string_equal(PQgetvalue(res, 0, 1), "t");
    assert_string_equal(PQgetvalue(res, 0, 2), "");
    assert_string_equal(PQgetvalue(res, 0, 3), "");
    PQclear(res);
    /* "visitor": null is anonymous too */
    harness_post(S.h, VISITS, S.u.office,
                 "{\"workroom_id\":\"2\",\"received_at\":\"2026-01-05T09:00:00+08:00\","
                 "\"member_ids\":[7],\"visitor\":null,\"summary\":\"匿名反映\","
                 "\"category\":\"other\"}", &r);
    assert_int_equal(r.status, 201);
    http_resp_clear(&r);
}

/* notify's lag as /metrics says it, from bus.cursors; -1 when absent. */
static long long s_lag(void)
{
    http_resp_t r;
    const char *key = "lianxin_bus_lag_events{district=\"" D "\",consumer=\"notify\","
                      "producer=\"intake\"} ";
    long long lag = -1;
    harness_get(S.h, "/metrics", NULL, &r);
    const char *at = r.raw ? strstr(r.raw, key) : NULL;
    if (at)
        lag = strtoll(at + strlen(key), NULL, 10);
    http_resp_clear(&r);
    return lag;
}

/* Polls s_lag() until `ok` holds for it, at most 15 s (scaled). */
static long long s_wait_lag(int (*ok)(long long))
{
    long long lag = -1;
    for (int64_t end = harness_now_ms() + harness_ms(S.h, 15000); harness_now_ms() < end;) {
        if (ok(lag = s_lag()))
            break;
        harness_sleep_ms(250);
    }
    return lag;
}

static int s_behind(long long lag) { return lag >= 1; }
static int s_caught_up(long long lag) { return lag == 0; }

/* With notify stopped, a visit shows as notify's lag on intake's stream;
 * after notify is back the lag returns to 0 (the gateway's sample reads
 * bus.cursors and names no service). */
static void test_lag_metric(void **state)
{
    int64_t members[] = { 7 };
    char id[24];

    (void)state;
    assert_true(S.ready);
    assert_int_equal(harness_stop(S.h, "notify"), 0);
    s_post_visit(S.u.office, 2, members, 1, "other", 5, 0, id, sizeof id);
    assert_true(s_behind(s_wait_lag(s_behind)));
    assert_int_equal(harness_start(S.h, "notify"), 0);
    assert_int_equal(s_wait_lag(s_caught_up), 0);
}

static void test_partner_key(void **state)
{
    http_req_t q = { .method = "GET", .path = "/v1/me", .api_key = harness_partner_key(S.h) };
    http_resp_t r;

    (void)state;
    assert_true(S.ready);
    harness_http(S.h, &q, &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(s_str(r.json, "role"), "partner");
    http_resp_clear(&r);
}

static void test_event_logged(void **state)
{
    const char *p[1] = { S.visit };
    PGresult *r;
    Lianxin__V1__Event *ev = NULL;
    Lianxin__V1__VisitRecorded *vr = NULL;
    uint8_t buf[4096];
    size_t len = 0;

    (void)state;
    assert_true(S.ready);
    r = harness_sql(S.h, "SELECT encode(envelope, 'hex') FROM bus.events WHERE district_code = '" D "'"
                    " AND producer = 'intake' AND type = 'visit.recorded' ORDER BY seq", 0, NULL);
    assert_non_null(r);
    for (int row = 0; row < PQntuples(r) && !vr; row++) {
        const char *hex = PQgetvalue(r, row, 0);
        for (len = 0; hex[2 * len] && len < sizeof buf; len++)
            sscanf(hex + 2 * len, "%2hhx", &buf[len]);
        ev = lianxin__v1__event__unpack(NULL, len, buf);
        assert_non_null(ev);
        vr = lianxin__v1__visit_recorded__unpack(NULL, ev->payload.len, ev->payload.data);
        assert_non_null(vr);
        if (vr->visit_id != strtoll(S.visit, NULL, 10)) {
            lianxin__v1__visit_recorded__free_unpacked(vr, NULL);
            lianxin__v1__event__free_unpacked(ev, NULL);
            vr = NULL;
            ev = NULL;
        }
    }
    PQclear(r);
    assert_non_null(vr);
    assert_string_equal(ev->producer, "intake");
    assert_true(ev->seq >= 1);
    assert_int_equal(vr->workroom_id, 1);
    assert_int_equal(vr->head_member_id, 1);
    assert_int_equal(vr->n_rota_member_ids, 3);
    assert_string_equal(vr->workroom_name, "永中街道委员工作室");
    lianxin__v1__visit_recorded__free_unpacked(vr, NULL);
    lianxin__v1__event__free_unpacked(ev, NULL);
    assert_int_equal(harness_sql_ll(S.h, "SELECT count(*) FROM audit.trail WHERE district_code = '" D "'"
                     " AND action = 'visit.record' AND object_type = 'visit' AND object_id = $1",
                     1, p), 1);
}

static void test_audit_verify_detects_tampering(void **state)
{
    const char *p[1] = { S.visit };
    char out[4096], want[64];
    long long seq;
    PGresult *res;

    (void)state;
    assert_true(S.ready);
    assert_int_equal(harness_run(S.h, out, sizeof out, "admin", "audit-verify", NULL), 0);
    seq = harness_sql_ll(S.h, "SELECT seq FROM audit.trail WHERE district_code = '" D "'"
                         " AND object_type = 'visit' AND object_id = $1", 1, p);
    assert_true(seq > 0);
    /* the owner's triggers refuse it (009): a rogue superuser's path */
    PQclear(harness_sql(S.h, "SET session_replication_role = replica", 0, NULL));
    res = harness_sql(S.h, "UPDATE audit.trail SET action = 'visit.erase'"
                      " WHERE district_code = '" D "' AND object_type = 'visit'"
                      " AND object_id = $1", 1, p);
    assert_non_null(res);
    assert_string_equal(PQcmdTuples(res), "1");
    PQclear(res);
    PQclear(harness_sql(S.h, "RESET session_replication_role", 0, NULL));
    assert_int_equal(harness_run(S.h, out, sizeof out, "admin", "audit-verify", NULL), 1);
    snprintf(want, sizeof want, "seq=%lld", seq);
    if (!strstr(out, want))
        fprintf(stderr, "audit-verify said: %s\n", out);
    assert_non_null(strstr(out, want));
    assert_non_null(strstr(out, D));
}

static void test_clean_shutdown(void **state)
{
    (void)state;
    assert_true(S.ready);
    assert_int_equal(harness_check_alive(S.h), 0);
    assert_int_equal(harness_stop_all(S.h), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_post_and_get_visit),
        cmocka_unit_test(test_visitor_sealed_at_rest),
        cmocka_unit_test(test_list_filters_and_pagination),
        cmocka_unit_test(test_list_time_window),
        cmocka_unit_test(test_inbox_recipients),
        cmocka_unit_test(test_mark_read),
        cmocka_unit_test(test_anonymous_visit),
        cmocka_unit_test(test_lag_metric),
        cmocka_unit_test(test_partner_key),
        cmocka_unit_test(test_event_logged),
        cmocka_unit_test(test_audit_verify_detects_tampering),
        cmocka_unit_test(test_clean_shutdown),
    };
    return cmocka_run_group_tests(tests, s_setup, s_teardown);
}
