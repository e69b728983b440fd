/* test_keys: personal data sealed under a key ring on the real stack, and the
 * key rotated while the services run: a home visit's location sealed like
 * the visitor (masked everywhere, in clear only through the audited reveal
 * and export), clear rows of before migration 021 sealed by `migrate`, then
 * a new key with the old one kept in crypto.keys, `lianxin-admin rekey` in
 * batches (stopped and resumed, visits recorded all along), reveal working
 * throughout, a legacy value without header re-sealed too, and the old key
 * removed at the end; a consultation's contacts (name, phone, e-mail of a
 * participant who is no user) sealed the same way, a contact of before
 * migration 042 sealed by `migrate`, re-sealed by rekey and opened by the
 * office's reveal throughout. tests/integration/test_sm4.c runs the same with
 * crypto.suite = sm4 (KEYS_SUITE). Must never skip. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "crypto.h"
#include "seal.h"
#include "sealcols.h"
#include "api_util.h"
#include "fixtures.h"
#include "harness.h"

#ifndef KEYS_SUITE
#define KEYS_SUITE "aes-256-gcm"
#endif

#define DC "330303"
#define D "/v1/districts/" DC
#define HOME "幸福小区3幢201室"
#define VISITS_MAX 40

static struct {
    harness_t *h;
    fixture_users_t u;
    char home[24];                  /* a home visit with a visitor */
    char k1[65], k2[65];            /* the first key (the harness's) and the next */
    char ids[VISITS_MAX][24];       /* visits recorded under key 1 */
    char cons[24];                  /* a consultation with two contacts under key 1 */
    int nids;
    int ready;
} S;

/* ---- helpers ------------------------------------------------------------------------- */

static int s_suite_byte(void)
{
    return seal_suite_parse(KEYS_SUITE);
}

/* Records a visit of `kind` at `location` with the visitor 张三; its id into `id`. */
static void s_post(const char *kind, const char *location, char *id, size_t idsz)
{
    int64_t members[] = {1, 2};
    char *body = fixture_visit(1, members, 2, "transport", 600, 1);
    json_error_t err;
    json_t *j = json_loads(body, 0, &err);
    http_resp_t r;
    free(body);
    json_object_set_new(j, "kind", json_string(kind));
    json_object_set_new(j, "location", json_string(location));
    body = json_dumps(j, JSON_COMPACT);
    json_decref(j);
    assert_int_equal(api_req(S.h, "POST", D "/visits", S.u.member1, body, 201, &r), 201);
    snprintf(id, idsz, "%s", api_str(r.json, "id"));
    http_resp_clear(&r);
    free(body);
}

/* GET .../visitor as office: 200 with name, phone and location as expected. */
static void s_reveal_is(const char *id, const char *name, const char *location)
{
    char path[96];
    http_resp_t r;
    snprintf(path, sizeof path, D "/visits/%s/visitor", id);
    assert_int_equal(api_req(S.h, "GET", path, S.u.office, NULL, 200, &r), 200);
    assert_string_equal(api_str(r.json, "name"), name);
    assert_string_equal(api_str(r.json, "phone"), "13812345678");
    assert_string_equal(api_str(r.json, "location"), location);
    http_resp_clear(&r);
}

/* GET .../consultations/{S.cons}/contacts as office: its two contacts in
 * clear, the expert added in test_migrate_seals_clear_rows and the contact
 * of before migration 042 (name only). */
static void s_contacts_are(void)
{
    char path[96];
    http_resp_t r;
    snprintf(path, sizeof path, D "/consultations/%s/contacts", S.cons);
    assert_int_equal(api_req(S.h, "GET", path, S.u.office, NULL, 200, &r), 200);
    json_t *cs = json_object_get(r.json, "contacts");
    assert_int_equal(json_array_size(cs), 2);
    assert_string_equal(api_str(json_array_get(cs, 0), "name"), "王教授");
    assert_string_equal(api_str(json_array_get(cs, 0), "phone"), "13912345678");
    assert_string_equal(api_str(json_array_get(cs, 0), "email"), "wang@wzu.edu.cn");
    assert_string_equal(api_str(json_array_get(cs, 1), "name"), "旧专家");
    assert_string_equal(api_str(json_array_get(cs, 1), "phone"), "0577-88123456");
    http_resp_clear(&r);
}

/* Sealed values of column `c` whose header is not key `id` of the suite
 * under test; legacy values (no header) count too. */
static long long s_col_not_under(int c, int id)
{
    char prefix[16], sql[256];
    snprintf(prefix, sizeof prefix, "\\x4c5801%02x%02x", s_suite_byte(), id);
    const char *p[1] = {prefix};
    snprintf(sql, sizeof sql, "SELECT count(*) FROM %s WHERE %s IS NOT NULL"
             " AND substring(%s FROM 1 FOR 5) <> $1::bytea", sealcols[c].table,
             sealcols[c].column, sealcols[c].column);
    return harness_sql_ll(S.h, sql, 1, p);
}

/* The same over every column of sealcols. */
static long long s_not_under(int id)
{
    long long n = 0;
    for (int c = 0; c < SEALCOL_COUNT; c++)
        n += s_col_not_under(c, id);
    return n;
}

static int s_rekey(char *out, size_t outsz, const char *batch, const char *max)
{
    memset(out, 0, outsz);
    int rc = max ? harness_run(S.h, out, outsz, "admin", "rekey", "--batch", batch,
                               "--max-batches", max, NULL)
                 : harness_run(S.h, out, outsz, "admin", "rekey", "--batch", batch, NULL);
    if (rc != 0)
        fprintf(stderr, "rekey exit %d:\n%s\n", rc, out);
    return rc;
}

/* ---- set-up ---------------------------------------------------------------------------- */

static int s_setup(void **state)
{
    (void) state;
    memset(&S, 0, sizeof S);
    if (!(S.h = harness_new("keys")) || harness_set(S.h, "crypto.suite", KEYS_SUITE) != 0
        || harness_start_all(S.h) != 0)
        return 0;
    snprintf(S.k1, sizeof S.k1, "%s", harness_key_hex(S.h));
    uint8_t k2[32];
    if (crypto_random(k2, sizeof k2) != 0)
        return 0;
    crypto_hex(k2, sizeof k2, S.k2);
    S.ready = fixture_login(S.h, &S.u, "office member1 admin") == 0;
    return 0;
}

static int s_teardown(void **state)
{
    (void) state;
    harness_destroy(&S.h);
    fixture_logout(&S.u);
    return 0;
}

/* ---- a home visit's location --------------------------------------------------------------- */

static void test_home_location_sealed(void **state)
{
    char reception[24], path[128];
    http_resp_t r;
    (void) state;
    assert_true(S.ready);
    s_post("home_visit", HOME, S.home, sizeof S.home);
    s_post("reception", "永中街道委员工作室", reception, sizeof reception);
    const char *p[2] = {S.home, reception};
    PGresult *q = harness_sql(S.h, "SELECT location, location_sealed IS NULL,"
        " position(convert_to('幸福小区', 'UTF8') IN coalesce(location_sealed, '')),"
        " get_byte(location_sealed, 3), get_byte(location_sealed, 4)"
        " FROM intake.visits WHERE district_code = '" DC "' AND id IN ($1::bigint, $2::bigint)"
        " ORDER BY id = $2::bigint", 2, p);
    assert_non_null(q);
    assert_int_equal(PQntuples(q), 2);
    assert_string_equal(PQgetvalue(q, 0, 0), "幸***");
    assert_string_equal(PQgetvalue(q, 0, 1), "f");
    assert_string_equal(PQgetvalue(q, 0, 2), "0");
    assert_int_equal(atoi(PQgetvalue(q, 0, 3)), s_suite_byte());
    assert_int_equal(atoi(PQgetvalue(q, 0, 4)), 1);
    assert_string_equal(PQgetvalue(q, 1, 0), "永中街道委员工作室");    /* a room: clear */
    assert_string_equal(PQgetvalue(q, 1, 1), "t");
    PQclear(q);
    /* everyone's reads are masked; the reveal (office, admin) is clear and audited */
    snprintf(path, sizeof path, D "/visits/%s", S.home);
    assert_int_equal(api_req(S.h, "GET", path, S.u.member1, NULL, 200, &r), 200);
    assert_string_equal(api_str(r.json, "location"), "幸***");
    assert_string_equal(api_str(json_object_get(r.json, "visitor"), "phone"), "*******5678");
    assert_null(strstr(r.raw, "幸福小区"));
    http_resp_clear(&r);
    long long audits = harness_sql_ll(S.h, "SELECT count(*) FROM audit.trail"
                                           " WHERE action = 'visit.reveal_visitor'", 0, NULL);
    s_reveal_is(S.home, "张三", HOME);
    s_reveal_is(reception, "张三", "永中街道委员工作室");
    assert_int_equal(harness_sql_ll(S.h, "SELECT count(*) FROM audit.trail"
                                         " WHERE action = 'visit.reveal_visitor'", 0, NULL),
                     audits + 2);
    snprintf(path, sizeof path, D "/visits/%s/visitor", S.home);
    assert_int_equal(api_status(S.h, "GET", path, S.u.member1, NULL), 403);
}

/* An edit of the location keeps it sealed; the history holds masked forms. */
static void test_home_location_edit(void **state)
{
    char path[128];
    (void) state;
    assert_true(S.ready && S.home[0]);
    snprintf(path, sizeof path, D "/visits/%s/edit", S.home);
    assert_int_equal(api_status(S.h, "POST", path, S.u.member1,
                                "{\"location\":\"平安里7号\"}"), 200);
    s_reveal_is(S.home, "张三", "平安里7号");
    const char *p[1] = {S.home};
    assert_int_equal(harness_sql_ll(S.h, "SELECT count(*) FROM intake.visits WHERE district_code"
                                         " = '" DC "' AND id = $1::bigint AND location = '平***'",
                                    1, p), 1);
    assert_int_equal(harness_sql_ll(S.h, "SELECT count(*) FROM intake.visit_history WHERE"
                                         " changes->'location'->>'from' = '幸***' AND"
                                         " changes->'location'->>'to' = '平***'", 0, NULL), 1);
    assert_int_equal(harness_sql_ll(S.h, "SELECT count(*) FROM intake.visit_history WHERE"
                                         " position('平安里' IN changes::text) > 0"
                                         " OR position('幸福小区' IN changes::text) > 0", 0, NULL), 0);
    /* the revealed export has it in clear, the plain one masked */
    http_resp_t r;
    assert_int_equal(api_req(S.h, "GET", D "/workrooms/1/log.csv?reveal=visitor", S.u.office,
                             NULL, 200, &r), 200);
    assert_non_null(strstr(r.raw, "平安里7号"));
    http_resp_clear(&r);
    assert_int_equal(api_req(S.h, "GET", D "/workrooms/1/log.csv", S.u.office, NULL, 200, &r),
                     200);
    assert_null(strstr(r.raw, "平安里"));
    http_resp_clear(&r);
}

/* A consultation (S.cons) with an expert (name, phone, e-mail sealed on
 * the way in) and a contact made as before migration 042: a clear name, no
 * sealed one (its phone sealed as today's). */
static void s_old_contact(void)
{
    char path[96];
    http_resp_t r;
    assert_int_equal(api_req(S.h, "POST", D "/consultations", S.u.office,
                             "{\"title\":\"老旧小区改造协商\",\"form\":\"dialogue\"}", 201, &r),
                     201);
    snprintf(S.cons, sizeof S.cons, "%s", api_str(r.json, "id"));
    http_resp_clear(&r);
    snprintf(path, sizeof path, D "/consultations/%s/add-participant", S.cons);
    assert_int_equal(api_status(S.h, "POST", path, S.u.office, "{\"participant\":{\"role\":"
                                "\"expert\",\"name\":\"王教授\",\"phone\":\"13912345678\","
                                "\"email\":\"wang@wzu.edu.cn\"}}"), 200);
    assert_int_equal(api_status(S.h, "POST", path, S.u.office, "{\"participant\":{\"role\":"
                                "\"public_rep\",\"name\":\"x\",\"phone\":\"0577-88123456\"}}"),
                     200);
    const char *p[1] = {S.cons};
    PQclear(harness_sql(S.h, "UPDATE consult.participants SET name = '旧专家', name_sealed = NULL"
                             " WHERE consultation_id = $1::bigint AND seq = 2", 1, p));
}

/* Rows of before migration 021 (clear location, nothing sealed) are sealed
 * by `lianxin-admin migrate`. */
static void test_migrate_seals_clear_rows(void **state)
{
    char out[4096], old[24];
    (void) state;
    assert_true(S.ready);
    s_post("home_visit", "x", old, sizeof old);
    const char *p[1] = {old};
    PGresult *q = harness_sql(S.h, "UPDATE intake.visits SET location = '旧城路1号',"
                              " location_sealed = NULL WHERE district_code = '" DC "'"
                              " AND id = $1::bigint", 1, p);
    PQclear(q);
    s_old_contact();
    assert_int_equal(harness_run(S.h, out, sizeof out, "admin", "migrate", NULL), 0);
    assert_non_null(strstr(out, "location_sealed: 1 to seal from location"));
    assert_non_null(strstr(out, "consult.participants.name_sealed: 1 to seal from name"));
    const char *c[1] = {S.cons};
    assert_int_equal(harness_sql_ll(S.h, "SELECT count(*) FROM consult.participants WHERE"
                                         " consultation_id = $1::bigint AND name = '旧**'"
                                         " AND name_sealed IS NOT NULL", 1, c), 1);
    assert_int_equal(harness_sql_ll(S.h, "SELECT count(*) FROM consult.participants WHERE"
                                         " position('旧专家' IN name) > 0", 0, NULL), 0);
    s_contacts_are();
    assert_int_equal(harness_sql_ll(S.h, "SELECT count(*) FROM intake.visits WHERE id ="
                                         " $1::bigint AND location = '旧***' AND"
                                         " location_sealed IS NOT NULL", 1, p), 1);
    s_reveal_is(old, "张三", "旧城路1号");
}

/* Runs deploy/sql/<file> on the test database as `migrate` would (one
 * PQexec: several statements). 0 or -1. */
static int s_run_sql_file(const char *file)
{
    char path[512];
    const char *root = getenv("LIANXIN_ROOT");
    snprintf(path, sizeof path, "%s/deploy/sql/%s", root ? root : ".", file);
    FILE *f = fopen(path, "r");
    static char sql[65536];
    size_t n = f ? fread(sql, 1, sizeof sql - 1, f) : 0;
    if (f)
        fclose(f);
    sql[n] = '\0';
    PGconn *c = n ? PQconnectdb(harness_dsn(S.h)) : NULL;
    PGresult *r = c && PQstatus(c) == CONNECTION_OK ? PQexec(c, sql) : NULL;
    int ok = r && PQresultStatus(r) == PGRES_COMMAND_OK;
    if (!ok)
        fprintf(stderr, "%s: %s\n", file, c ? PQerrorMessage(c) : "cannot read");
    PQclear(r);
    PQfinish(c);
    return ok ? 0 : -1;
}

/* Migration 020 re-masks the phones stored with the first three digits
 * shown, in the visits and in the edit history, without the key. */
static void test_migration_020_remasks(void **state)
{
    char id[24];
    (void) state;
    assert_true(S.ready);
    s_post("reception", "x", id, sizeof id);
    const char *p[1] = {id};
    PQclear(harness_sql(S.h, "UPDATE intake.visits SET visitor_phone_masked = '138****5678'"
                             " WHERE district_code = '" DC "' AND id = $1::bigint", 1, p));
    PQclear(harness_sql(S.h, "INSERT INTO intake.visit_history (district_code, visit_id, version,"
                             " changed_at, changed_by, changed_by_role, changes) VALUES ('" DC "',"
                             " $1::bigint, 99, now(), 1, 'office', '{\"visitor.phone\":"
                             " {\"from\": \"+86 139-0000-1111\", \"to\": \"555-1234\"},"
                             " \"summary\": {\"from\": \"a\", \"to\": \"b\"}}')", 1, p));
    assert_int_equal(s_run_sql_file("020_phone_mask_last4.sql"), 0);
    assert_int_equal(harness_sql_ll(S.h, "SELECT count(*) FROM intake.visits WHERE id = $1::bigint"
                                         " AND visitor_phone_masked = '*******5678'", 1, p), 1);
    assert_int_equal(harness_sql_ll(S.h, "SELECT count(*) FROM intake.visit_history WHERE"
                                         " visit_id = $1::bigint AND version = 99"
                                         " AND changes #>> '{visitor.phone,from}' = '+** ***-****-1111'"
                                         " AND changes #>> '{visitor.phone,to}' = '***-**34'"
                                         " AND changes #>> '{summary,to}' = 'b'", 1, p), 1);
    /* no stored mask shows more than four digits */
    assert_int_equal(harness_sql_ll(S.h, "SELECT count(*) FROM intake.visits WHERE"
                                         " visitor_phone_masked ~ '([0-9][^0-9]*){5}'", 0, NULL), 0);
}

/* ---- rotation ---------------------------------------------------------------------------------- */

/* Visits under key 1, one of them with a legacy name (crypto_seal, no
 * header), then the new key is current with key 1 kept: new values carry
 * key 2, the old ones still open. */
static void test_rotate(void **state)
{
    (void) state;
    assert_true(S.ready);
    for (S.nids = 0; S.nids < 30; S.nids++)
        s_post(S.nids % 2 ? "home_visit" : "reception", HOME, S.ids[S.nids], sizeof S.ids[0]);
    uint8_t key[32], sealed[128];
    size_t slen = 0;
    char aad[96], hex[300] = "\\x";
    assert_int_equal(crypto_key_from_hex(S.k1, key), 0);
    snprintf(aad, sizeof aad, DC "/visit/%s/name", S.ids[0]);
    assert_int_equal(crypto_seal(key, aad, "老用户", strlen("老用户"), sealed, &slen), 0);
    crypto_hex(sealed, slen, hex + 2);
    const char *p[2] = {S.ids[0], hex};
    PQclear(harness_sql(S.h, "UPDATE intake.visits SET visitor_name = $2::bytea WHERE"
                             " district_code = '" DC "' AND id = $1::bigint", 2, p));
    s_reveal_is(S.ids[0], "老用户", HOME);
    long long before = s_not_under(2);
    assert_true(before >= 3 * 30 / 2 + 30);
    char older[80];
    snprintf(older, sizeof older, "1:%s", S.k1);
    assert_int_equal(harness_set(S.h, "crypto.keys", older), 0);
    assert_int_equal(harness_set(S.h, "crypto.key", S.k2), 0);
    assert_int_equal(harness_set(S.h, "crypto.current", "2"), 0);
    assert_int_equal(harness_restart(S.h, "intake"), 0);
    assert_int_equal(harness_restart(S.h, "consult"), 0);
    s_contacts_are();
    char fresh[24];
    s_post("home_visit", HOME, fresh, sizeof fresh);
    assert_int_equal(s_not_under(2), before);           /* the new visit is under key 2 */
    s_reveal_is(fresh, "张三", HOME);
    s_reveal_is(S.ids[1], "张三", HOME);
    s_reveal_is(S.ids[0], "老用户", HOME);
}

/* Without the old key in the ring rekey refuses and changes nothing. */
static void test_rekey_needs_old_key(void **state)
{
    char out[8192];
    (void) state;
    assert_true(S.ready && S.nids > 0);
    long long before = s_not_under(2);
    assert_int_equal(harness_set(S.h, "crypto.keys", ""), 0);
    memset(out, 0, sizeof out);
    assert_int_equal(harness_run(S.h, out, sizeof out, "admin", "rekey", NULL), 1);
    assert_non_null(strstr(out, "open with no key of the ring"));
    assert_int_equal(s_not_under(2), before);
    char older[80];
    snprintf(older, sizeof older, "1:%s", S.k1);
    assert_int_equal(harness_set(S.h, "crypto.keys", older), 0);
}

/* rekey in batches of 7, stopped after 2, then resumed while visits are
 * recorded and revealed; every value ends under key 2. */
static void test_rekey_batches_resumable(void **state)
{
    char out[16384];
    (void) state;
    assert_true(S.ready && S.nids > 0);
    long long due = s_not_under(2), names = s_col_not_under(SEALCOL_VISIT_NAME, 2);
    assert_true(names > 14);
    assert_int_equal(s_col_not_under(SEALCOL_CONTACT_NAME, 2), 2);
    assert_int_equal(s_col_not_under(SEALCOL_CONTACT_PHONE, 2), 2);
    assert_int_equal(s_col_not_under(SEALCOL_CONTACT_EMAIL, 2), 1);
    assert_int_equal(s_rekey(out, sizeof out, "7", "2"), 0);
    assert_non_null(strstr(out, "stopped after 2 batches"));
    assert_non_null(strstr(out, "7/"));
    assert_non_null(strstr(out, "14/"));
    assert_int_equal(s_not_under(2), due - 14);
    /* the rest, while members record visits */
    enum { LOAD = 40 };
    harness_item_t items[LOAD];
    char *bodies[LOAD];
    int64_t members[] = {1, 2};
    memset(items, 0, sizeof items);
    for (int i = 0; i < LOAD; i++) {
        bodies[i] = fixture_visit(1, members, 2, "transport", 60, 1);
        items[i] = (harness_item_t){.method = "POST", .path = D "/visits",
                                    .token = S.u.member1, .body = bodies[i]};
    }
    harness_load_t *load = harness_load_start(S.h, items, LOAD, 4, 40);
    assert_non_null(load);
    int rc = s_rekey(out, sizeof out, "7", NULL);
    s_reveal_is(S.ids[3], "张三", HOME);
    harness_load_wait(&load);
    assert_int_equal(rc, 0);
    char resumed[96];         /* the rerun skips what the first run did */
    snprintf(resumed, sizeof resumed, "intake.visits.visitor_name: %lld to re-seal", names - 14);
    assert_non_null(strstr(out, resumed));
    assert_non_null(strstr(out, "consult.participants.name_sealed: 2 to re-seal"));
    assert_non_null(strstr(out, "every sealed value is under key 2"));
    for (int i = 0; i < LOAD; i++) {
        assert_int_equal(items[i].status, 201);
        free(bodies[i]);
    }
    harness_items_free(items, LOAD);
    assert_int_equal(s_not_under(2), 0);
    /* a rerun has nothing to do */
    assert_int_equal(s_rekey(out, sizeof out, "7", NULL), 0);
    assert_non_null(strstr(out, "intake.visits.visitor_name: 0 to re-seal"));
    assert_non_null(strstr(out, "intake.visits.location_sealed: 0 to re-seal"));
    assert_non_null(strstr(out, "consult.participants.phone_sealed: 0 to re-seal"));
    s_contacts_are();
    for (int i = 0; i < S.nids; i += 5)
        s_reveal_is(S.ids[i], i == 0 ? "老用户" : "张三", HOME);
}

/* After rekey the old key can go: everything still opens. */
static void test_old_key_removed(void **state)
{
    (void) state;
    assert_true(S.ready && S.nids > 0);
    assert_int_equal(harness_set(S.h, "crypto.keys", ""), 0);
    assert_int_equal(harness_restart(S.h, "intake"), 0);
    assert_int_equal(harness_restart(S.h, "consult"), 0);
    s_contacts_are();
    for (int i = 0; i < S.nids; i++)
        s_reveal_is(S.ids[i], i == 0 ? "老用户" : "张三", HOME);
    s_reveal_is(S.home, "张三", "平安里7号");
    http_resp_t r;
    assert_int_equal(api_req(S.h, "GET", D "/workrooms/1/log.csv?reveal=visitor", S.u.office,
                             NULL, 200, &r), 200);
    http_resp_clear(&r);
}

/* Every bytea column that holds personal data is one of sealcols (so rekey
 * re-seals it): visitor_* and *_sealed columns of every schema. */
static void test_sealcols_complete(void **state)
{
    (void) state;
    assert_true(S.ready);
    PGresult *q = harness_sql(S.h, "SELECT table_schema || '.' || table_name, column_name"
                              " FROM information_schema.columns WHERE data_type = 'bytea'"
                              " AND (column_name LIKE 'visitor\\_%' OR column_name LIKE '%\\_sealed')"
                              " ORDER BY 1, 2", 0, NULL);
    assert_non_null(q);
    assert_true(PQntuples(q) >= 6);
    for (int i = 0; i < PQntuples(q); i++) {
        int found = 0;
        for (int c = 0; c < SEALCOL_COUNT; c++)
            found |= strcmp(sealcols[c].table, PQgetvalue(q, i, 0)) == 0
                     && strcmp(sealcols[c].column, PQgetvalue(q, i, 1)) == 0;
        if (!found)
            fail_msg("%s.%s is not in common/sealcols.c", PQgetvalue(q, i, 0),
                     PQgetvalue(q, i, 1));
    }
    PQclear(q);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_home_location_sealed),
        cmocka_unit_test(test_home_location_edit),
        cmocka_unit_test(test_migrate_seals_clear_rows),
        cmocka_unit_test(test_migration_020_remasks),
        cmocka_unit_test(test_rotate),
        cmocka_unit_test(test_rekey_needs_old_key),
        cmocka_unit_test(test_rekey_batches_resumable),
        cmocka_unit_test(test_old_key_removed),
        cmocka_unit_test(test_sealcols_complete),
    };
    return cmocka_run_group_tests(tests, s_setup, s_teardown);
}
