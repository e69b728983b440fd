/* The audit trail's anchor (issue 8): `at` is in the hash, and the signed
 * checkpoints of audit.checkpoints (deploy/sql/010) catch a trail whose last
 * rows were deleted and whose head was rewound, which the chain and the heads
 * alone cannot see. The tampering takes a superuser's maintenance path
 * (session_replication_role = replica), as a rogue owner would: the
 * triggers of 009 refuse it otherwise. Real PostgreSQL, the real
 * lianxin-admin; never skips. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "fixtures.h"
#include "harness.h"

#define D  "330303"
#define D2 "330304"

static struct { harness_t *h; char out[8192]; } S;

/* Runs lianxin-admin `cmd` (audit-verify, audit-checkpoint); its status. */
static int s_admin(const char *cmd)
{
    S.out[0] = '\0';
    int rc = harness_run(S.h, S.out, sizeof S.out, "admin", cmd, NULL);
    printf("# %s -> %d: %s", cmd, rc, S.out);
    return rc;
}

/* SQL as the owner on the maintenance path; must succeed. */
static void s_tamper(const char *sql)
{
    PQclear(harness_sql(S.h, "SET session_replication_role = replica", 0, NULL));
    PGresult *r = harness_sql(S.h, sql, 0, NULL);
    assert_non_null(r);
    PQclear(r);
    PQclear(harness_sql(S.h, "RESET session_replication_role", 0, NULL));
}

/* Deletes the last `k` rows of `district` and rewinds its head onto the row
 * before them: the chain and the head then agree again. */
static void s_cut(const char *district, int k)
{
    char sql[512];
    snprintf(sql, sizeof sql,
             "WITH h AS (SELECT seq FROM audit.heads WHERE district_code = '%s'),"
             " d AS (DELETE FROM audit.trail WHERE district_code = '%s'"
             "  AND seq > (SELECT seq FROM h) - %d)"
             " UPDATE audit.heads SET seq = t.seq, hash = t.hash FROM audit.trail t"
             " WHERE heads.district_code = '%s' AND t.district_code = '%s'"
             " AND t.seq = (SELECT seq FROM h) - %d", district, district, k, district, district, k);
    s_tamper(sql);
}

static int s_setup(void **state)
{
    (void)state;
    S.h = harness_new("audit_anchor");
    return S.h ? 0 : -1;
}

static int s_teardown(void **state)
{
    (void)state;
    harness_destroy(&S.h);
    return 0;
}

/* An intact trail verifies, and checkpointing it signs each head once. */
static void test_intact(void **state)
{
    (void)state;
    assert_int_equal(fixture_audit_append(S.h, "intake", D, 8), 0);
    assert_int_equal(fixture_audit_append(S.h, "gateway", D2, 3), 0);
    assert_int_equal(s_admin("audit-verify"), 0);
    assert_non_null(strstr(S.out, "audit trail intact"));
    assert_int_equal(s_admin("audit-checkpoint"), 0);
    assert_non_null(strstr(S.out, "checkpoint district=" D " seq=8 "));
    assert_non_null(strstr(S.out, "checkpoint district=" D2 " seq=3 "));
    assert_int_equal(s_admin("audit-checkpoint"), 0);       /* heads unchanged: a heartbeat */
    assert_non_null(strstr(S.out, "2 checkpoint(s) written"));
    assert_int_equal(s_admin("audit-verify"), 0);
}

/* With audit.checkpoint_max_age_s, a district whose newest checkpoint is
 * older fails: the timer stopped, or the recent checkpoints were removed. */
static void test_checkpoints_fresh(void **state)
{
    (void)state;
    assert_int_equal(harness_set(S.h, "audit.checkpoint_max_age_s", "1"), 0);
    assert_int_equal(s_admin("audit-checkpoint"), 0);
    assert_int_equal(s_admin("audit-verify"), 0);
    harness_sleep_ms(1500);
    assert_int_equal(s_admin("audit-verify"), 1);
    assert_non_null(strstr(S.out, "district=" D ": no signed checkpoint in the last 1 s"));
    assert_int_equal(s_admin("audit-checkpoint"), 0);
    assert_int_equal(s_admin("audit-verify"), 0);
    assert_int_equal(harness_set(S.h, "audit.checkpoint_max_age_s", "0"), 0);
}

/* The last k rows deleted and the head rewound: the chain and the head agree
 * (what passed before 010), the signed checkpoint does not. */
static void test_cut_and_rewind(void **state)
{
    (void)state;
    s_cut(D, 3);
    assert_int_equal(harness_sql_ll(S.h, "SELECT seq FROM audit.heads WHERE district_code = '"
                                    D "'", 0, NULL), 5);
    assert_int_equal(s_admin("audit-verify"), 1);
    assert_non_null(strstr(S.out, "district=" D " seq=8: checkpointed row missing"));
    assert_non_null(strstr(S.out, "the trail was cut below a signed checkpoint"));
    /* and audit-checkpoint refuses to anchor the cut trail */
    assert_int_equal(s_admin("audit-checkpoint"), 1);
    assert_non_null(strstr(S.out, "nothing checkpointed"));
}

/* A rogue owner may write a checkpoint for the rewound head, and drop the
 * true one; without the auditor's key its MAC is wrong. */
static void test_forged_checkpoint(void **state)
{
    (void)state;
    s_tamper("DELETE FROM audit.checkpoints WHERE district_code = '" D "'");
    s_tamper("INSERT INTO audit.checkpoints (district_code, seq, hash, at, mac)"
             " SELECT district_code, seq, hash, now(), sha256(hash) FROM audit.heads"
             " WHERE district_code = '" D "'");
    assert_int_equal(s_admin("audit-verify"), 1);
    assert_non_null(strstr(S.out, "district=" D " seq=5: checkpoint signature invalid"));
}

/* `at` is in the hash: moving a row's time breaks the chain at that row,
 * whether or not at_us is moved with it. */
static void test_at_in_hash(void **state)
{
    (void)state;
    assert_int_equal(s_admin("audit-verify"), 1);       /* D is still cut: look at D2 */
    char out[8192];
    assert_int_equal(harness_run(S.h, out, sizeof out, "admin", "audit-verify", "--district",
                                 D2, NULL), 0);
    s_tamper("UPDATE audit.trail SET at = at - interval '1 hour'"
             " WHERE district_code = '" D2 "' AND seq = 2");
    assert_int_equal(harness_run(S.h, out, sizeof out, "admin", "audit-verify", "--district",
                                 D2, NULL), 1);
    printf("# %s", out);
    assert_non_null(strstr(out, "district=" D2 " seq=2: hash mismatch"));
    s_tamper("UPDATE audit.trail SET at_us = at_us - 3600000000"
             " WHERE district_code = '" D2 "' AND seq = 2");
    assert_int_equal(harness_run(S.h, out, sizeof out, "admin", "audit-verify", "--district",
                                 D2, NULL), 1);
    assert_non_null(strstr(out, "district=" D2 " seq=2: hash mismatch"));
    s_tamper("UPDATE audit.trail SET at = at + interval '1 hour', at_us = at_us + 3600000000"
             " WHERE district_code = '" D2 "' AND seq = 2");
    assert_int_equal(harness_run(S.h, out, sizeof out, "admin", "audit-verify", "--district",
                                 D2, NULL), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_intact),
        cmocka_unit_test(test_checkpoints_fresh),
        cmocka_unit_test(test_cut_and_rewind),
        cmocka_unit_test(test_forged_checkpoint),
        cmocka_unit_test(test_at_in_hash),
    };
    return cmocka_run_group_tests(tests, s_setup, s_teardown);
}
