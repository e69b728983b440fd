/* test_visits: visits complete and grading over HTTP on the real stack:
 * edits keep history (who, what, when; the visitor only masked), home
 * visits and what was promised, the visitor in clear only for office and
 * admin with an audit row per read, the room's log as CSV parsed back
 * (BOM, Chinese headers, CRLF, quoting, masked visitor; and a log of more
 * rows than one page, complete and in order), and the four-class
 * grading with its events, due dates and the office's override, whose
 * class-1 item reaches every leader of the district, each reading it for
 * themselves. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <curl/curl.h>
#include "calendar.h"
#include "fixtures.h"
#include "harness.h"
#include "api_util.h"
#include "timeutil.h"

#define D "/v1/districts/330303"

static struct {
    harness_t *h;
    fixture_users_t u;              /* the demo users' sessions */
    char visit[24], issue1[24], issue3[24];
    calendar_t *cal;
    int ready;
} S;

static int s_setup(void **state)
{
    (void) state;
    memset(&S, 0, sizeof S);
    if (!(S.h = harness_new("visits")) || harness_start_all(S.h) != 0)
        return 0;
    S.cal = fixture_calendar(S.h);
    S.ready = fixture_login(S.h, &S.u, "office office2 member1 member3 unit1 leader admin") == 0
              && S.cal;
    return 0;
}

static int s_teardown(void **state)
{
    (void) state;
    harness_destroy(&S.h);
    fixture_logout(&S.u);
    calendar_destroy(&S.cal);
    return 0;
}

static void test_record_and_edit(void **state)
{
    int64_t members[] = {1, 2};
    char *body = fixture_visit(1, members, 2, "transport", 3600, 1), path[128];
    http_resp_t r;
    (void) state;
    assert_true(S.ready);
    assert_int_equal(api_req(S.h, "POST", D "/visits", S.u.member1, body, 201, &r), 201);
    snprintf(S.visit, sizeof S.visit, "%s", api_str(r.json, "id"));
    http_resp_clear(&r);
    free(body);
    snprintf(path, sizeof path, D "/visits/%s/edit", S.visit);
    assert_int_equal(api_req(S.h, "POST", path, S.u.member1,
        "{\"summary\":\"小区停车难，\\\"夜间\\\"乱停车, 希望规划车位\",\"promised\":\"两周内答复\","
        "\"kind\":\"home_visit\"}", 200, &r), 200);
    assert_int_equal(json_integer_value(json_object_get(r.json, "version")), 2);
    assert_int_equal(json_array_size(json_object_get(r.json, "changed")), 3);
    http_resp_clear(&r);
    /* refused: not a member of the visit, another district, units, a bad value */
    assert_int_equal(api_status(S.h, "POST", path, S.u.member3, "{\"summary\":\"x\"}"), 403);
    assert_int_equal(api_status(S.h, "POST", path, S.u.office2, "{\"summary\":\"x\"}"), 403);
    assert_int_equal(api_status(S.h, "POST", path, S.u.unit1, "{\"summary\":\"x\"}"), 403);
    assert_int_equal(api_status(S.h, "POST", path, S.u.member1, "{\"summary\":\"\"}"), 400);
    assert_int_equal(api_status(S.h, "POST", path, S.u.member1, "{\"category\":\"weather\"}"), 400);
    assert_int_equal(api_status(S.h, "POST", path, S.u.member1, "{\"present\":[\"summary\"]}"), 400);
    assert_int_equal(api_status(S.h, "POST", D "/visits/999999/edit", S.u.office, "{\"summary\":\"x\"}"),
                     404);
    /* the visitor changes: history keeps only the masked forms */
    assert_int_equal(api_req(S.h, "POST", path, S.u.office,
        "{\"visitor\":{\"name\":\"李四\",\"phone\":\"13900001111\"}}", 200, &r), 200);
    assert_int_equal(json_integer_value(json_object_get(r.json, "version")), 3);
    http_resp_clear(&r);
    /* nothing changed: no new version */
    assert_int_equal(api_req(S.h, "POST", path, S.u.office, "{\"promised\":\"两周内答复\"}", 200, &r),
                     200);
    assert_int_equal(json_integer_value(json_object_get(r.json, "version")), 3);
    http_resp_clear(&r);
}

static void test_history(void **state)
{
    char path[128];
    http_resp_t r;
    (void) state;
    assert_true(S.ready && S.visit[0]);
    snprintf(path, sizeof path, D "/visits/%s/history", S.visit);
    assert_int_equal(api_req(S.h, "GET", path, S.u.leader, NULL, 200, &r), 200);
    json_t *items = json_object_get(r.json, "items");
    assert_int_equal(json_array_size(items), 2);
    json_t *first = json_array_get(items, 0), *second = json_array_get(items, 1);
    assert_int_equal(json_integer_value(json_object_get(first, "version")), 2);
    assert_string_equal(api_str(first, "changed_by_role"), "member");
    assert_non_null(strstr(api_str(first, "changed_at"), "+08:00"));
    json_t *ch = json_object_get(first, "changes");
    assert_string_equal(api_str(json_object_get(ch, "kind"), "from"), "reception");
    assert_string_equal(api_str(json_object_get(ch, "kind"), "to"), "home_visit");
    assert_string_equal(api_str(json_object_get(ch, "promised"), "to"), "两周内答复");
    ch = json_object_get(second, "changes");
    assert_string_equal(api_str(second, "changed_by_role"), "office");
    assert_string_equal(api_str(json_object_get(ch, "visitor.name"), "from"), "张*");
    assert_string_equal(api_str(json_object_get(ch, "visitor.name"), "to"), "李*");
    assert_null(strstr(r.raw, "李四"));
    assert_null(strstr(r.raw, "13900001111"));
    http_resp_clear(&r);
    assert_int_equal(harness_sql_ll(S.h, "SELECT count(*) FROM intake.visit_history h WHERE"
                                         " position('李四' IN h.changes::text) > 0", 0, NULL), 0);
    assert_int_equal(api_status(S.h, "GET", path, S.u.unit1, NULL), 403);
}

static void test_reveal_audited(void **state)
{
    char path[128];
    http_resp_t r;
    (void) state;
    assert_true(S.ready && S.visit[0]);
    snprintf(path, sizeof path, D "/visits/%s/visitor", S.visit);
    long long before = harness_sql_ll(S.h, "SELECT count(*) FROM audit.trail WHERE action ="
                                           " 'visit.reveal_visitor'", 0, NULL);
    assert_int_equal(api_req(S.h, "GET", path, S.u.office, NULL, 200, &r), 200);
    assert_string_equal(api_str(r.json, "name"), "李四");
    assert_string_equal(api_str(r.json, "phone"), "13900001111");
    http_resp_clear(&r);
    assert_int_equal(api_req(S.h, "GET", path, S.u.admin, NULL, 200, &r), 200);
    http_resp_clear(&r);
    assert_int_equal(harness_sql_ll(S.h, "SELECT count(*) FROM audit.trail WHERE action ="
                                         " 'visit.reveal_visitor'", 0, NULL), before + 2);
    assert_int_equal(api_status(S.h, "GET", path, S.u.member1, NULL), 403);
    assert_int_equal(api_status(S.h, "GET", path, S.u.unit1, NULL), 403);   /* units never */
    assert_int_equal(api_status(S.h, "GET", path, S.u.leader, NULL), 403);
    assert_int_equal(api_status(S.h, "GET", path, S.u.office2, NULL), 403);
    /* the plain read stays masked */
    snprintf(path, sizeof path, D "/visits/%s", S.visit);
    assert_int_equal(api_req(S.h, "GET", path, S.u.office, NULL, 200, &r), 200);
    assert_null(strstr(r.raw, "李四"));
    assert_string_equal(api_str(json_object_get(r.json, "visitor"), "name"), "李*");
    http_resp_clear(&r);
}

static void test_grading(void **state)
{
    char path[128], due[11];
    http_resp_t r;
    calendar_day_t today = calendar_day_of_us(time_now_us()), want;
    (void) state;
    assert_true(S.ready && S.visit[0]);
    snprintf(path, sizeof path, D "/visits/%s/issues", S.visit);
    /* class 1: important and hard, to the leadership within 1 working day */
    assert_int_equal(api_req(S.h, "POST", path, S.u.member1, "{\"summary\":\"夜间停车规划\","
                            "\"importance\":5,\"difficulty\":5}", 201, &r), 201);
    assert_int_equal(json_integer_value(json_object_get(r.json, "grade")), 1);
    assert_string_equal(api_str(r.json, "route"), "leadership");
    assert_int_equal(calendar_add_workdays(S.cal, today, 1, &want), 0);
    calendar_day_format(want, due, sizeof due);
    assert_string_equal(api_str(r.json, "due_on"), due);
    snprintf(S.issue1, sizeof S.issue1, "%s", api_str(r.json, "id"));
    http_resp_clear(&r);
    /* class 2 needs a unit; due in 15 working days */
    assert_int_equal(api_req(S.h, "POST", path, S.u.member1, "{\"summary\":\"路灯\",\"importance\":4,"
                            "\"difficulty\":2}", 400, &r), 400);
    assert_string_equal(api_str(json_object_get(json_object_get(r.json, "error"), "fields"),
                               "unit_id"), "required");
    http_resp_clear(&r);
    assert_int_equal(api_status(S.h, "POST", path, S.u.member1, "{\"summary\":\"路灯\",\"importance\":4,"
                               "\"difficulty\":2,\"unit_id\":\"99\"}"), 422);
    assert_int_equal(api_req(S.h, "POST", path, S.u.member1, "{\"summary\":\"路灯\",\"importance\":4,"
                            "\"difficulty\":2,\"unit_id\":\"1\"}", 201, &r), 201);
    assert_int_equal(json_integer_value(json_object_get(r.json, "grade")), 2);
    assert_int_equal(calendar_add_workdays(S.cal, today, 15, &want), 0);
    calendar_day_format(want, due, sizeof due);
    assert_string_equal(api_str(r.json, "due_on"), due);
    assert_string_equal(api_str(r.json, "unit_id"), "1");
    http_resp_clear(&r);
    /* class 3: local, a micro-consultation; class 4: closed on the spot */
    assert_int_equal(api_req(S.h, "POST", path, S.u.office, "{\"summary\":\"楼道堆物\",\"importance\":2,"
                            "\"difficulty\":2,\"local\":true}", 201, &r), 201);
    assert_int_equal(json_integer_value(json_object_get(r.json, "grade")), 3);
    snprintf(S.issue3, sizeof S.issue3, "%s", api_str(r.json, "id"));
    http_resp_clear(&r);
    assert_int_equal(api_req(S.h, "POST", path, S.u.member1, "{\"summary\":\"咨询政策\",\"importance\":1,"
                            "\"difficulty\":1,\"resolved_on_spot\":true}", 201, &r), 201);
    assert_int_equal(json_integer_value(json_object_get(r.json, "grade")), 4);
    assert_string_equal(api_str(r.json, "status"), "closed");
    http_resp_clear(&r);
    assert_int_equal(api_status(S.h, "POST", path, S.u.member1, "{\"summary\":\"x\",\"importance\":6,"
                               "\"difficulty\":1}"), 400);
    assert_int_equal(api_status(S.h, "POST", path, S.u.member3, "{\"summary\":\"x\",\"importance\":1,"
                               "\"difficulty\":1}"), 403);
    assert_int_equal(api_status(S.h, "POST", path, S.u.unit1, "{\"summary\":\"x\",\"importance\":1,"
                               "\"difficulty\":1}"), 403);
    /* one event per routed class, none for class 4 */
    assert_int_equal(harness_sql_ll(S.h, "SELECT count(*) FROM bus.events WHERE type IN"
                                         " ('issue.escalated', 'issue.forwarded',"
                                         " 'issue.micro_consultation_requested')", 0, NULL), 3);
}

/* The newest item of `token`'s inbox (`query` appended to the path): its id
 * and read_at ("" when null) into the caller's buffers; returns how many
 * items the page holds, -1 on a bad answer. */
static int s_inbox_top(const char *token, const char *query, char id[24], char read_at[40])
{
    char path[128];
    http_resp_t r;
    snprintf(path, sizeof path, D "/inbox%s", query);
    if (api_req(S.h, "GET", path, token, NULL, 200, &r) != 200) {
        http_resp_clear(&r);
        return -1;
    }
    json_t *items = json_object_get(r.json, "items"), *top = json_array_get(items, 0);
    int n = (int) json_array_size(items);
    snprintf(id, 24, "%s", api_str(top, "id"));
    snprintf(read_at, 40, "%s", api_str(top, "read_at"));
    for (int i = 0; i < n; i++)
        if (strcmp(api_str(json_array_get(items, (size_t) i), "kind"), "issue.escalated") != 0)
            n = -1;                 /* a leader's inbox holds only the class-1 items here */
    http_resp_clear(&r);
    return n;
}

/* The leadership hears of each class-1 issue: ONE item per event addressed
 * to the district's leader role (notify never reads auth), which every
 * leader sees, each with their own read state. leader2 is created here,
 * after the items: a role item reaches whoever holds the role. */
static void test_leaders_inbox(void)
{
    char *leader2, id[24], id2[24], at[40], at2[40], first[40], path[128];
    http_resp_t r;
    assert_int_equal(api_wait_sql(S.h, "SELECT count(*) FROM notify.inbox WHERE kind ="
                                      " 'issue.escalated'", 2, 10000), 2);
    assert_int_equal(harness_sql_ll(S.h, "SELECT count(*) FROM notify.inbox WHERE kind ="
                                         " 'issue.escalated' AND recipient_kind = 'role:leader'"
                                         " AND recipient_id = 0", 0, NULL), 2);
    assert_int_equal(harness_sql_ll(S.h, "WITH n AS (INSERT INTO auth.users (district_code, id,"
                                         " username, password_hash, role, display_name)"
                                         " SELECT district_code, nextval('auth.user_ids'),"
                                         " 'leader2', password_hash, 'leader', '副主席'"
                                         " FROM auth.users WHERE username = 'leader'"
                                         " RETURNING id) SELECT count(*) FROM n", 0, NULL), 1);
    assert_non_null(leader2 = harness_login(S.h, "leader2", "lianxin-demo"));
    /* both see both items, unread */
    assert_int_equal(s_inbox_top(S.u.leader, "", id, at), 2);
    assert_string_equal(at, "");
    assert_int_equal(s_inbox_top(leader2, "", id2, at2), 2);
    assert_string_equal(id2, id);
    assert_string_equal(at2, "");
    /* leader reads it: read for leader, still unread for leader2 */
    snprintf(path, sizeof path, D "/inbox/%s/read", id);
    assert_int_equal(api_req(S.h, "POST", path, S.u.leader, NULL, 200, &r), 200);
    assert_string_equal(api_str(r.json, "id"), id);
    snprintf(first, sizeof first, "%s", api_str(r.json, "read_at"));
    assert_true(first[0]);
    http_resp_clear(&r);
    assert_int_equal(s_inbox_top(S.u.leader, "", id2, at), 2);
    assert_string_equal(at, first);
    assert_int_equal(s_inbox_top(S.u.leader, "?unread=true", id2, at), 1);
    assert_string_not_equal(id2, id);
    assert_int_equal(s_inbox_top(leader2, "", id2, at2), 2);
    assert_string_equal(at2, "");
    assert_int_equal(s_inbox_top(leader2, "?unread=true", id2, at2), 2);
    assert_string_equal(id2, id);
    /* leader2 reads it too; leader's second read keeps the first time */
    assert_int_equal(api_req(S.h, "POST", path, leader2, "{}", 200, &r), 200);
    assert_true(api_str(r.json, "read_at")[0]);
    http_resp_clear(&r);
    assert_int_equal(s_inbox_top(leader2, "?unread=true", id2, at2), 1);
    assert_int_equal(api_req(S.h, "POST", path, S.u.leader, NULL, 200, &r), 200);
    assert_string_equal(api_str(r.json, "read_at"), first);
    http_resp_clear(&r);
    assert_int_equal(harness_sql_ll(S.h, "SELECT count(*) FROM notify.inbox_reads", 0, NULL), 2);
    assert_int_equal(harness_sql_ll(S.h, "SELECT count(*) FROM notify.inbox WHERE read_at IS NOT"
                                         " NULL AND kind = 'issue.escalated'", 0, NULL), 0);
    /* not the office's: neither listed nor markable; nor another district's */
    assert_int_equal(api_req(S.h, "GET", D "/inbox", S.u.office, NULL, 200, &r), 200);
    for (size_t i = 0; i < json_array_size(json_object_get(r.json, "items")); i++)
        assert_string_not_equal(api_str(json_array_get(json_object_get(r.json, "items"), i),
                                       "kind"), "issue.escalated");
    http_resp_clear(&r);
    assert_int_equal(api_status(S.h, "POST", path, S.u.office, NULL), 404);
    assert_int_equal(api_status(S.h, "POST", path, S.u.office2, NULL), 403);
    assert_int_equal(harness_sql_ll(S.h, "SELECT count(*) FROM notify.inbox_reads", 0, NULL), 2);
    free(leader2);
}

static void test_override(void **state)
{
    char path[128];
    http_resp_t r;
    (void) state;
    assert_true(S.ready && S.issue3[0]);
    snprintf(path, sizeof path, D "/issues/%s/override", S.issue3);
    assert_int_equal(api_status(S.h, "POST", path, S.u.member1, "{\"grade\":1,\"reason\":\"涉及多部门\"}"),
                     403);
    assert_int_equal(api_status(S.h, "POST", path, S.u.office, "{\"grade\":1,\"reason\":\"　 \"}"), 400);
    assert_int_equal(api_req(S.h, "POST", path, S.u.office, "{\"grade\":1,\"reason\":\"涉及多部门\"}",
                            200, &r), 200);
    assert_int_equal(json_integer_value(json_object_get(r.json, "grade")), 1);
    http_resp_clear(&r);
    assert_int_equal(harness_sql_ll(S.h, "SELECT count(*) FROM bus.events WHERE type ="
                                         " 'issue.escalated'", 0, NULL), 2);
    snprintf(path, sizeof path, D "/issues/%s", S.issue3);
    assert_int_equal(api_req(S.h, "GET", path, S.u.leader, NULL, 200, &r), 200);
    assert_string_equal(api_str(r.json, "override_reason"), "涉及多部门");
    http_resp_clear(&r);
    /* a unit sees only the issues forwarded to it */
    assert_int_equal(api_req(S.h, "GET", D "/issues", S.u.unit1, NULL, 200, &r), 200);
    assert_int_equal(json_array_size(json_object_get(r.json, "items")), 1);
    http_resp_clear(&r);
    assert_int_equal(api_status(S.h, "GET", path, S.u.unit1, NULL), 404);
    test_leaders_inbox();
}

static void test_log_csv(void **state)
{
    http_resp_t r;
    api_csv_t *c = calloc(1, sizeof *c);
    char path[160], date[16];
    int64_t now = time_now_us();
    int y, m, d;
    (void) state;
    assert_true(S.ready && S.visit[0] && c);
    time_ymd(now - 3600LL * 1000000, &y, &m, &d);
    snprintf(date, sizeof date, "%04d-%02d-%02d", y, m, d);
    snprintf(path, sizeof path, D "/workrooms/1/log.csv?from=%s&to=%s", date, date);
    assert_int_equal(api_status(S.h, "GET", path, S.u.unit1, NULL), 403);
    assert_int_equal(api_status(S.h, "GET", path, S.u.office2, NULL), 403);
    assert_int_equal(api_status(S.h, "GET", D "/workrooms/1/log.csv?from=yesterday", S.u.office, NULL),
                     400);
    assert_int_equal(api_req(S.h, "GET", path, S.u.office, NULL, 200, &r), 200);
    assert_int_equal(api_csv_parse(r.raw, r.raw_len, c), 0);
    assert_true(c->bom);
    assert_true(c->crlf_only);
    assert_true(c->nrows >= 2);
    assert_int_equal(c->nfields[0], 12);
    assert_string_equal(c->field[0][0], "编号");
    assert_string_equal(c->field[0][4], "来访人");
    assert_string_equal(c->field[0][10], "承诺事项");
    size_t row = 0;
    for (size_t i = 1; i < c->nrows; i++)
        if (strcmp(c->field[i][0], S.visit) == 0)
            row = i;
    assert_true(row > 0);
    assert_int_equal(c->nfields[row], 12);
    assert_string_equal(c->field[row][2], "走访");
    assert_string_equal(c->field[row][3], "陈建国、林晓燕");
    assert_string_equal(c->field[row][4], "李*");
    assert_string_equal(c->field[row][5], "*******1111");
    assert_string_equal(c->field[row][6], "小区停车难，\"夜间\"乱停车, 希望规划车位");
    assert_string_equal(c->field[row][7], "交通");
    assert_string_equal(c->field[row][10], "两周内答复");
    assert_string_equal(c->field[row][11], "1/2/1/4");
    assert_null(strstr(r.raw, "李四"));
    api_csv_free(c);
    http_resp_clear(&r);
    /* ?reveal=visitor: office and admin only, built by intake, one audit row each */
    snprintf(path, sizeof path, D "/workrooms/1/log.csv?from=%s&to=%s&reveal=visitor", date, date);
    assert_int_equal(api_status(S.h, "GET", path, S.u.member1, NULL), 403);
    assert_int_equal(api_status(S.h, "GET", path, S.u.leader, NULL), 403);
    assert_int_equal(api_status(S.h, "GET", path, S.u.unit1, NULL), 403);
    assert_int_equal(api_status(S.h, "GET", D "/workrooms/1/log.csv?reveal=all", S.u.office, NULL), 400);
    assert_int_equal(api_req(S.h, "GET", path, S.u.office, NULL, 200, &r), 200);
    assert_int_equal(api_csv_parse(r.raw, r.raw_len, c), 0);
    assert_true(c->bom && c->crlf_only);
    row = 0;
    for (size_t i = 1; i < c->nrows; i++)
        if (strcmp(c->field[i][0], S.visit) == 0)
            row = i;
    assert_true(row > 0);
    assert_string_equal(c->field[row][4], "李四");
    assert_string_equal(c->field[row][5], "13900001111");
    assert_string_equal(c->field[row][2], "走访");
    assert_string_equal(c->field[0][11], "分级");
    api_csv_free(c);
    free(c);
    http_resp_clear(&r);
    assert_int_equal(harness_sql_ll(S.h, "SELECT count(*) FROM audit.trail WHERE action ="
                                         " 'visit.export_revealed' AND object_id = '1'", 0, NULL), 1);
}

/* ---- the log of more rows than one page ------------------------------------------------ */

#define BULK "4321"                 /* two pages of 2,000 and some: csvstream.h */

typedef struct s_rec {
    char *id, *summary;
    int nfields;
} s_rec_t;

typedef struct s_recs {
    s_rec_t *r;
    size_t n, cap;
    int bad;                        /* a bare LF or CR, or a malformed quote */
} s_recs_t;

/* One RFC 4180 field from *p (quoted or not), malloc'd; *p moves past it. */
static char *s_field(const char **p, const char *end, int *bad)
{
    const char *q = *p;
    size_t n = 0;
    char *out = malloc((size_t) (end - q) + 1);
    if (!out)
        return NULL;
    if (q < end && *q == '"') {
        for (q++; q < end; q++) {
            if (*q == '"' && q + 1 < end && q[1] == '"')
                out[n++] = *q++;
            else if (*q == '"')
                break;
            else
                out[n++] = *q;
        }
        if (q >= end)
            *bad = 1;
        else
            q++;
    } else {
        while (q < end && *q != ',' && *q != '\r' && *q != '\n')
            out[n++] = *q++;
    }
    out[n] = '\0';
    *p = q;
    return out;
}

/* Every record of a CSV of any length: its id (field 0), its summary (field
 * 6) and its field count. 0, or -1 when memory ran out. */
static int s_records(const char *text, size_t len, s_recs_t *out)
{
    const char *p = text, *end = text + len;
    memset(out, 0, sizeof *out);
    if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
        p += 3;
    while (p < end) {
        if (out->n == out->cap) {
            out->cap = out->cap ? out->cap * 2 : 1024;
            s_rec_t *r = realloc(out->r, out->cap * sizeof *r);
            if (!r)
                return -1;
            out->r = r;
        }
        s_rec_t *rec = &out->r[out->n++];
        memset(rec, 0, sizeof *rec);
        for (;;) {
            char *f = s_field(&p, end, &out->bad);
            if (!f)
                return -1;
            if (rec->nfields == 0)
                rec->id = f;
            else if (rec->nfields == 6)
                rec->summary = f;
            else
                free(f);
            rec->nfields++;
            if (p < end && *p == ',') {
                p++;
                continue;
            }
            break;
        }
        if (end - p >= 2 && p[0] == '\r' && p[1] == '\n')
            p += 2;
        else
            out->bad = 1, p = end;
    }
    return 0;
}

static void s_records_free(s_recs_t *c)
{
    for (size_t i = 0; i < c->n; i++) {
        free(c->r[i].id);
        free(c->r[i].summary);
    }
    free(c->r);
    memset(c, 0, sizeof *c);
}

/* The visits of room 2 in the order the log must have, as one text of
 * comma-separated ids, from SQL. */
static char *s_expected_ids(const char *where)
{
    char sql[512];
    snprintf(sql, sizeof sql, "SELECT string_agg(id::text, ',' ORDER BY received_at, id) FROM"
             " intake.visits WHERE district_code = '330303' AND workroom_id = 2 %s", where);
    PGresult *r = harness_sql(S.h, sql, 0, NULL);
    char *ids = r && PQntuples(r) == 1 ? strdup(PQgetvalue(r, 0, 0)) : NULL;
    PQclear(r);
    return ids;
}

/* Fetches `path` and checks every record against the ids `want` in order. */
static void s_check_log(const char *path, const char *want, size_t want_rows)
{
    http_resp_t r;
    s_recs_t c;
    assert_int_equal(api_req(S.h, "GET", path, S.u.office, NULL, 200, &r), 200);
    assert_true(r.raw_len >= 3 && memcmp(r.raw, "\xEF\xBB\xBF", 3) == 0);
    assert_int_equal(s_records(r.raw, r.raw_len, &c), 0);
    assert_false(c.bad);
    assert_int_equal(c.n, want_rows + 1);
    assert_string_equal(c.r[0].id, "编号");
    size_t len = 0;
    for (size_t i = 1; i < c.n; i++) {
        assert_int_equal(c.r[i].nfields, 12);
        size_t k = strlen(c.r[i].id);
        assert_true(strlen(want + len) >= k);
        assert_memory_equal(want + len, c.r[i].id, k);     /* the same id, in order */
        len += k;
        assert_true(want[len] == (i + 1 < c.n ? ',' : '\0'));
        len += want[len] == ',';
        if (strncmp(c.r[i].summary, "批量", 6) == 0)
            assert_non_null(strstr(c.r[i].summary, ", \"引号\"\n第二行"));
    }
    s_records_free(&c);
    http_resp_clear(&r);
}

static size_t s_discard(char *buf, size_t size, size_t n, void *arg)
{
    (void) buf;
    (void) arg;
    return size * n;
}

static size_t s_header_cb(char *buf, size_t size, size_t n, void *arg)
{
    char *seen = arg;
    size_t len = size * n, have = strlen(seen);
    if (have + len < 2048) {
        memcpy(seen + have, buf, len);
        seen[have + len] = '\0';
    }
    return len;
}

/* The headers of today's export: text/csv, the attachment's name, no store. */
static void s_check_headers(const char *path)
{
    char url[256], auth[160], seen[2048] = "";
    CURL *e = curl_easy_init();
    struct curl_slist *hl = NULL;
    long status = 0;
    assert_non_null(e);
    snprintf(url, sizeof url, "%s%s", harness_base_url(S.h), path);
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", S.u.office);
    hl = curl_slist_append(hl, auth);
    curl_easy_setopt(e, CURLOPT_URL, url);
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, hl);
    curl_easy_setopt(e, CURLOPT_NOBODY, 0L);
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, s_header_cb);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, (void *) seen);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, s_discard);
    assert_int_equal(curl_easy_perform(e), CURLE_OK);
    curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(hl);
    curl_easy_cleanup(e);
    assert_int_equal(status, 200);
    assert_non_null(strcasestr(seen, "Content-Type: text/csv; charset=utf-8\r\n"));
    assert_non_null(strcasestr(seen, "Content-Disposition: attachment; filename=\"log-330303-2.csv\""));
    assert_non_null(strcasestr(seen, "Cache-Control: no-store\r\n"));
}

/* More rows than one page: bulk visits in room 2, several to a minute (so a
 * page ends inside a run of equal times) and later ids at earlier times,
 * with quotes, commas and a line break in the summary. The CSV parses back
 * complete and in (received_at, id) order, whole and for a period. */
static void test_log_csv_pages(void **state)
{
    char path[160], *want;
    (void) state;
    assert_true(S.ready);
    assert_int_equal(harness_sql_ll(S.h, "SELECT count(*) FROM core.workrooms WHERE"
                                         " district_code = '330303' AND id = 2", 0, NULL), 1);
    PGresult *r = harness_sql(S.h,
        "INSERT INTO intake.visits (district_code, id, workroom_id, kind, received_at, member_ids,"
        " visitor_name_masked, visitor_phone_masked, summary, category, location, on_spot_action,"
        " promised, created_by, created_at) SELECT '330303', nextval('intake.visit_ids'), 2,"
        " 'reception', timestamptz '2025-03-01 09:00+08' + ((" BULK " - g) / 7) * interval"
        " '5 minutes', '{1,2}', '王*', '137****0000', '批量' || g || ', \"引号\"' || E'\\n第二行',"
        " 'transport', '', 'answered', '', 1, now() FROM generate_series(1, " BULK ") g",
        0, NULL);
    assert_non_null(r);
    assert_int_equal(PQresultStatus(r), PGRES_COMMAND_OK);
    PQclear(r);
    long long rows = harness_sql_ll(S.h, "SELECT count(*) FROM intake.visits WHERE district_code"
                                         " = '330303' AND workroom_id = 2", 0, NULL);
    assert_true(rows >= atoll(BULK));
    want = s_expected_ids("");
    assert_non_null(want);
    s_check_log(D "/workrooms/2/log.csv", want, (size_t) rows);
    free(want);
    s_check_headers(D "/workrooms/2/log.csv");
    /* a period: 2025-03-02 and 03 (UTC+8), still over one page */
    const char *period = "AND received_at >= '2025-03-02 00:00+08' AND received_at < '2025-03-04 00:00+08'";
    want = s_expected_ids(period);
    assert_non_null(want);
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM intake.visits WHERE district_code = '330303'"
             " AND workroom_id = 2 %s", period);
    rows = harness_sql_ll(S.h, sql, 0, NULL);
    assert_true(rows > 2000);
    snprintf(path, sizeof path, D "/workrooms/2/log.csv?from=2025-03-02&to=2025-03-03");
    s_check_log(path, want, (size_t) rows);
    free(want);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_record_and_edit),
        cmocka_unit_test(test_history),
        cmocka_unit_test(test_reveal_audited),
        cmocka_unit_test(test_grading),
        cmocka_unit_test(test_override),
        cmocka_unit_test(test_log_csv),
        cmocka_unit_test(test_log_csv_pages),
    };
    return cmocka_run_group_tests(tests, s_setup, s_teardown);
}
