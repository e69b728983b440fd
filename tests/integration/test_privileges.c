/* Least privilege (issue 8, deploy/sql/009 and 010): connected as each
 * program's own PostgreSQL role, what the program must not do is refused
 * (SQLSTATE 42501), and what it must do still works. The running stack
 * connects as those roles (pg_stat_activity), and audit.* refuses UPDATE,
 * DELETE and TRUNCATE even to the owner. The environment files a deployment
 * makes (deploy/env-files.sh) and the units that read them keep each secret
 * to its program: the gateway never gets the crypto key. Real PostgreSQL;
 * never skips. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <cmocka.h>
#include <libpq-fe.h>

#include "fixtures.h"
#include "harness.h"

#define D "330303"
#define REFUSED "42501"                 /* insufficient_privilege */

static struct { harness_t *h; } S;

/* Runs `sql` as `program`'s role (its <program>.pg_dsn; "owner": the
 * harness's own connection, the owner) and returns the SQLSTATE, "" on
 * success. */
static const char *s_try(const char *program, const char *sql)
{
    static char state[8];
    char key[64];
    snprintf(key, sizeof key, "%s.pg_dsn", program);
    const char *dsn = strcmp(program, "owner") == 0 ? harness_dsn(S.h) : harness_conf(S.h, key);
    assert_non_null(dsn);
    PGconn *c = PQconnectdb(dsn);
    assert_int_equal(PQstatus(c), CONNECTION_OK);
    PGresult *r = PQexec(c, sql);
    const char *st = PQresultErrorField(r, PG_DIAG_SQLSTATE);
    snprintf(state, sizeof state, "%s", st ? st : "");
    if (*state)
        printf("# %s: %s -> %s %s", program, sql, state, PQresultErrorMessage(r));
    PQclear(r);
    PQfinish(c);
    return state;
}

static void s_refused(const char *program, const char *sql)
{
    assert_string_equal(s_try(program, sql), REFUSED);
}

static void s_allowed(const char *program, const char *sql)
{
    assert_string_equal(s_try(program, sql), "");
}

/* Runs a shell command line; its exit status (-1 when it did not run). */
static int s_sh(const char *fmt, const char *a, const char *b)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd, fmt, a, b);
    int rc = system(cmd);
    return rc >= 0 && WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

static int s_setup(void **state)
{
    (void)state;
    S.h = harness_new("privileges");
    if (!S.h || harness_start_all(S.h) != 0)
        return -1;
    /* the services and the gateway append to the chain as their own roles */
    if (fixture_audit_append(S.h, "intake", D, 3) != 0
        || fixture_audit_append(S.h, "gateway", D, 2) != 0)
        return -1;
    return 0;
}

static int s_teardown(void **state)
{
    (void)state;
    harness_destroy(&S.h);
    return 0;
}

/* The programs of the stack are connected as their own roles, none as the owner. */
static void test_stack_uses_own_roles(void **state)
{
    (void)state;
    const char *sql = "SELECT count(DISTINCT usename) FROM pg_stat_activity"
                      " WHERE datname = current_database()"
                      " AND usename IN ('lianxin_gateway', 'lianxin_intake', 'lianxin_notify')";
    assert_int_equal(harness_sql_ll(S.h, sql, 0, NULL), 3);
    assert_int_equal(harness_sql_ll(S.h, "SELECT count(*) FROM pg_stat_activity"
                                    " WHERE datname = current_database() AND usename = 'lianxin'"
                                    " AND pid <> pg_backend_pid()", 0, NULL), 0);
}

/* A service without its own <name>.pg_dsn refuses to start: a shared
 * pg.dsn is no fallback. */
static void test_no_shared_dsn(void **state)
{
    (void)state;
    char own[1024];
    snprintf(own, sizeof own, "%s", harness_conf(S.h, "notify.pg_dsn"));
    assert_int_equal(harness_stop(S.h, "notify"), 0);
    assert_int_equal(harness_set(S.h, "pg.dsn", harness_dsn(S.h)), 0);
    assert_int_equal(harness_set(S.h, "notify.pg_dsn", ""), 0);
    assert_int_not_equal(harness_start(S.h, "notify"), 0);
    assert_int_equal(s_sh("grep -q 'no database connection string.*key=notify.pg_dsn'"
                          " %s/notify.log%s", harness_dir(S.h), ""), 0);
    assert_int_equal(harness_set(S.h, "notify.pg_dsn", own), 0);
    assert_int_equal(harness_start(S.h, "notify"), 0);
}

/* The gateway reads what it serves and writes auth; nothing else. */
static void test_gateway(void **state)
{
    (void)state;
    s_allowed("gateway", "SELECT count(*) FROM intake.visits");
    s_allowed("gateway", "SELECT count(*) FROM notify.inbox");
    s_allowed("gateway", "SELECT count(*) FROM notify.items, notify.reads");
    s_allowed("gateway", "UPDATE auth.users SET failed_logins = failed_logins WHERE false");
    s_refused("gateway", "UPDATE audit.trail SET action = 'x'");
    s_refused("gateway", "DELETE FROM audit.trail");
    s_refused("gateway", "UPDATE audit.heads SET seq = 0");      /* forward only */
    s_refused("gateway", "INSERT INTO intake.visits (district_code, id, workroom_id, kind,"
              " received_at, member_ids, summary, category, created_by, created_at)"
              " VALUES ('" D "', 999999, 1, 'reception', now(), '{}', 's', 'c', 1, now())");
    s_refused("gateway", "UPDATE intake.reports SET title = 'x'");
    s_refused("gateway", "DELETE FROM notify.items");
    s_refused("gateway", "DELETE FROM notify.reads");
    s_refused("gateway", "INSERT INTO bus.events SELECT * FROM bus.events LIMIT 0");
    s_refused("gateway", "UPDATE core.members SET name = 'x'");
    s_refused("gateway", "INSERT INTO audit.checkpoints SELECT * FROM audit.checkpoints LIMIT 0");
}

/* Intake writes its schema and the calendar, appends to audit, nothing else. */
static void test_intake(void **state)
{
    (void)state;
    s_allowed("intake", "UPDATE intake.rota SET status = status WHERE false");
    s_allowed("intake", "UPDATE core.calendar_years SET version = version WHERE false");
    s_refused("intake", "DELETE FROM audit.trail");
    s_refused("intake", "DELETE FROM audit.heads");
    s_refused("intake", "TRUNCATE audit.trail");
    s_refused("intake", "UPDATE audit.trail SET at = at");
    s_refused("intake", "SELECT count(*) FROM auth.users");
    s_refused("intake", "UPDATE notify.reads SET read_at = now()");
    s_refused("intake", "UPDATE core.members SET name = 'x'");
    s_refused("intake", "INSERT INTO audit.checkpoints SELECT * FROM audit.checkpoints LIMIT 0");
}

/* Notify neither reads nor writes intake's tables. */
static void test_notify(void **state)
{
    (void)state;
    s_allowed("notify", "UPDATE notify.reads SET read_at = read_at WHERE false");
    s_allowed("notify", "UPDATE notify.items SET title = title WHERE false");
    s_refused("notify", "SELECT count(*) FROM intake.visits");
    s_refused("notify", "UPDATE intake.rota SET status = 'served'");
    s_refused("notify", "DELETE FROM intake.reports");
    s_refused("notify", "SELECT count(*) FROM auth.sessions");
    s_refused("notify", "DELETE FROM audit.trail");
}

/* lianxin-consult writes consult only, reads core and, of auth.users, only
 * the columns that say whether a user is a leader; it never reads intake
 * (its duties come from events). */
static void test_consult(void **state)
{
    (void) state;
    s_allowed("consult", "UPDATE consult.consultations SET state = state WHERE false");
    s_allowed("consult", "SELECT count(*) FROM core.members");
    s_allowed("consult", "SELECT count(*) FROM auth.users WHERE role = 'leader' AND NOT disabled");
    s_refused("consult", "SELECT password_hash FROM auth.users");
    s_refused("consult", "SELECT count(*) FROM intake.rota");
    s_refused("consult", "UPDATE core.members SET name = name");
    s_refused("consult", "DELETE FROM audit.trail");
    s_refused("intake", "SELECT count(*) FROM consult.duties");
    s_refused("proposal", "UPDATE consult.consultations SET state = state");
    s_allowed("gateway", "SELECT count(*) FROM consult.participants");
    s_refused("gateway", "UPDATE consult.consultations SET state = state");
}

/* lianxin-proposal writes proposal only and reads core (its unit heads
 * included); notify and intake never touch proposal's tables; the gateway
 * reads them. */
static void test_proposal(void **state)
{
    (void)state;
    s_allowed("proposal", "UPDATE proposal.proposals SET state = state WHERE false");
    s_allowed("proposal", "SELECT count(*) FROM core.unit_heads");
    s_refused("proposal", "UPDATE core.unit_heads SET user_id = user_id");
    s_refused("proposal", "SELECT count(*) FROM intake.visits");
    s_refused("proposal", "UPDATE intake.reports SET title = title");
    s_refused("proposal", "SELECT count(*) FROM auth.users");
    s_refused("proposal", "DELETE FROM audit.trail");
    s_refused("notify", "SELECT count(*) FROM proposal.proposals");
    s_refused("intake", "UPDATE proposal.proposals SET state = state");
    s_allowed("gateway", "SELECT count(*) FROM proposal.proposals");
    s_refused("gateway", "UPDATE proposal.proposals SET state = state");
}

/* A service appends to its own event streams and moves its own cursors only
 * (row-level security): notify cannot forge intake's events. */
static void test_own_streams(void **state)
{
    (void)state;
    s_allowed("notify", "SELECT count(*) FROM bus.events WHERE producer = 'intake'");
    s_refused("notify", "INSERT INTO bus.events (district_code, producer, seq, type, occurred_at,"
              " envelope) VALUES ('" D "', 'intake', 999999, 'visit.recorded', now(), '')");
    s_refused("notify", "INSERT INTO bus.streams VALUES ('" D "', 'intake', 1)"
              " ON CONFLICT (district_code, producer) DO UPDATE SET next = bus.streams.next + 5");
    s_refused("intake", "INSERT INTO bus.cursors VALUES ('" D "', 'notify', 'intake', 999999)"
              " ON CONFLICT (district_code, consumer, producer) DO UPDATE SET seq = 999999");
    /* an UPDATE of others' rows matches nothing: the row stays */
    s_allowed("intake", "UPDATE bus.cursors SET seq = 999999 WHERE consumer = 'notify'");
    assert_int_equal(harness_sql_ll(S.h, "SELECT count(*) FROM bus.cursors WHERE seq = 999999",
                                    0, NULL), 0);
    s_allowed("notify", "UPDATE bus.cursors SET seq = seq WHERE consumer = 'notify'");
}

/* The auditor reads audit and writes checkpoints only; it cannot rewrite them. */
static void test_auditor(void **state)
{
    (void)state;
    s_allowed("auditor", "SELECT count(*) FROM audit.trail");
    s_refused("auditor", "UPDATE audit.checkpoints SET seq = seq");
    s_refused("auditor", "DELETE FROM audit.checkpoints");
    s_refused("auditor", "INSERT INTO audit.trail SELECT * FROM audit.trail LIMIT 0");
    s_refused("auditor", "SELECT count(*) FROM intake.visits");
}

/* The owner too: audit.* refuses UPDATE, DELETE and TRUNCATE by trigger,
 * and a head moves forward only. */
static void test_owner_append_only(void **state)
{
    (void)state;
    s_refused("owner", "UPDATE audit.trail SET action = 'x' WHERE district_code = '" D "'");
    s_refused("owner", "DELETE FROM audit.trail WHERE district_code = '" D "'");
    s_refused("owner", "TRUNCATE audit.trail");
    s_refused("owner", "UPDATE audit.heads SET seq = seq - 1 WHERE district_code = '" D "'");
    s_refused("owner", "DELETE FROM audit.heads");
    s_refused("owner", "TRUNCATE audit.checkpoints");
    assert_int_equal(harness_sql_ll(S.h, "SELECT count(*) FROM audit.trail WHERE district_code"
                                    " = '" D "'", 0, NULL), 5);
}

/* A table a later migration adds is granted like its schema's others
 * (ALTER DEFAULT PRIVILEGES of 009). */
static void test_default_privileges(void **state)
{
    (void)state;
    s_allowed("owner", "CREATE TABLE intake.later (district_code text PRIMARY KEY)");
    s_allowed("intake", "INSERT INTO intake.later VALUES ('" D "')");
    s_allowed("gateway", "SELECT count(*) FROM intake.later");
    s_refused("gateway", "INSERT INTO intake.later VALUES ('x')");
    s_refused("notify", "SELECT count(*) FROM intake.later");
}

/* The units read only their own program's environment file. */
static void s_unit_env(const char *root, const char *unit, const char *want)
{
    char path[1024], line[512];
    int found = 0;
    snprintf(path, sizeof path, "%s/deploy/systemd/%s", root, unit);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    while (fgets(line, sizeof line, f))
        if (strncmp(line, "EnvironmentFile=", 16) == 0) {
            line[strcspn(line, "\n")] = '\0';
            assert_string_equal(line + 16, want);
            found++;
        }
    fclose(f);
    assert_int_equal(found, 1);
}

/* deploy/env-files.sh makes one file per program with only its keys; its
 * check refuses a crypto key in the gateway's file. */
static void test_env_files(void **state)
{
    (void)state;
    const char *root = getenv("LIANXIN_ROOT"), *build = getenv("LIANXIN_BUILD");
    assert_non_null(root);
    assert_non_null(build);
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/env", harness_dir(S.h));
    char admin[1024];
    snprintf(admin, sizeof admin, "%s/bin/lianxin-admin", build);
    assert_int_equal(setenv("LIANXIN_ADMIN_BIN", admin, 1), 0);
    assert_int_equal(s_sh("%s/deploy/env-files.sh make %s", root, dir), 0);
    assert_int_equal(s_sh("%s/deploy/env-files.sh check %s", root, dir), 0);
    assert_int_equal(s_sh("grep -q '^LIANXIN_CRYPTO_KEY=' %s/intake.env%s", dir, ""), 0);
    assert_int_equal(s_sh("grep -q '^LIANXIN_CRYPTO_KEY=' %s/admin.env%s", dir, ""), 0);
    assert_int_equal(s_sh("grep -q CRYPTO_KEY %s/gateway.env%s", dir, ""), 1);
    assert_int_equal(s_sh("grep -l CRYPTO %s/*.env | grep -qv '/admin.env$\\|/intake.env$'%s",
                          dir, ""), 1);
    assert_int_equal(s_sh("grep -l CHECKPOINT_KEY %s/*.env | grep -qv /auditor.env%s", dir, ""), 1);
    assert_int_equal(s_sh("echo LIANXIN_CRYPTO_KEY=00 >>%s/gateway.env%s", dir, ""), 0);
    assert_int_equal(s_sh("%s/deploy/env-files.sh check %s", root, dir), 1);
    s_unit_env(root, "lianxin-gateway.service", "/etc/lianxin/gateway.env");
    s_unit_env(root, "lianxin-bus.service", "/etc/lianxin/bus.env");
    s_unit_env(root, "lianxin@.service", "/etc/lianxin/%i.env");
    s_unit_env(root, "lianxin-migrate.service", "/etc/lianxin/admin.env");
    s_unit_env(root, "lianxin-audit-checkpoint.service", "/etc/lianxin/auditor.env");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stack_uses_own_roles),
        cmocka_unit_test(test_no_shared_dsn),
        cmocka_unit_test(test_gateway),
        cmocka_unit_test(test_intake),
        cmocka_unit_test(test_notify),
        cmocka_unit_test(test_proposal),
        cmocka_unit_test(test_consult),
        cmocka_unit_test(test_own_streams),
        cmocka_unit_test(test_auditor),
        cmocka_unit_test(test_owner_append_only),
        cmocka_unit_test(test_default_privileges),
        cmocka_unit_test(test_env_files),
    };
    return cmocka_run_group_tests(tests, s_setup, s_teardown);
}
