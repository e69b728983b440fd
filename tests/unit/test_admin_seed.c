/* test_admin_seed: the pure parts of lianxin-admin: the demo data's shape and
 * rota rule (seed_data.c) and migration file names and ordering (migrate.c).
 * Never touches a database. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "admin.h"
#include "seed_data.h"

static void test_weekday(void **state)
{
    (void) state;
    assert_int_equal(seed_weekday(1970, 1, 1), 4);      /* Thursday */
    assert_int_equal(seed_weekday(2000, 2, 29), 2);     /* Tuesday */
    assert_int_equal(seed_weekday(2026, 11, 25), 3);    /* Wednesday */
    assert_int_equal(seed_weekday(2026, 1, 25), 0);     /* Sunday */
}

static void test_reception_day(void **state)
{
    (void) state;
    assert_int_equal(seed_reception_day(2026, 11), 25); /* Wednesday */
    assert_int_equal(seed_reception_day(2026, 4), 27);  /* Saturday -> Monday */
    assert_int_equal(seed_reception_day(2026, 1), 26);  /* Sunday -> Monday */
    assert_int_equal(seed_reception_day(2027, 12), 27); /* Saturday -> Monday */
    for (int m = 1; m <= 12; m++) {
        int d = seed_reception_day(2027, m);
        int wd = seed_weekday(2027, m, d);
        assert_true(d >= 25 && d <= 27);
        assert_true(wd >= 1 && wd <= 5);
    }
}

/* Each member of a district is in exactly one room; rooms hold 4-7. */
static void test_districts_shape(void **state)
{
    (void) state;
    size_t nd;
    const seed_district_t *d = seed_districts(&nd);
    assert_int_equal(nd, 2);
    assert_string_equal(d[0].code, "330303");
    assert_int_equal(d[0].nmembers, 40);
    assert_int_equal(d[0].nrooms, 8);
    assert_int_equal(d[0].nunits, 8);
    assert_string_equal(d[1].code, "330304");
    assert_int_equal(d[1].nmembers, 6);
    assert_int_equal(d[1].nrooms, 2);
    assert_int_equal(d[1].rooms[0].id, 101);
    assert_int_equal(d[1].members[0].id, 1001);
    for (size_t k = 0; k < nd; k++) {
        for (size_t i = 0; i < d[k].nmembers; i++) {
            int in = 0;
            for (size_t r = 0; r < d[k].nrooms; r++) {
                const seed_room_t *room = &d[k].rooms[r];
                in += d[k].members[i].id >= room->first_member
                      && d[k].members[i].id < room->first_member + room->nmembers;
            }
            assert_int_equal(in, 1);
            assert_true(d[k].members[i].sector_id >= 1
                        && (size_t) d[k].members[i].sector_id <= d[k].nsectors);
        }
        for (size_t r = 0; r < d[k].nrooms; r++)
            assert_true(d[k].rooms[r].nmembers >= (k == 0 ? 4 : 3)
                        && d[k].rooms[r].nmembers <= 7);
    }
}

/* 2-3 distinct members of the room, nobody twice in a month, rotating. */
static void test_rota_pick(void **state)
{
    (void) state;
    size_t nd;
    const seed_district_t *d = seed_districts(&nd);
    for (int m = 1; m <= 12; m++) {
        int seen[2000] = {0};
        for (size_t r = 0; r < d[0].nrooms; r++) {
            const seed_room_t *room = &d[0].rooms[r];
            int ids[8];
            int n = seed_rota_pick(room, 2026, m, ids, 8);
            assert_int_equal(n, room->nmembers >= 5 ? 3 : 2);
            for (int i = 0; i < n; i++) {
                assert_true(ids[i] >= room->first_member
                            && ids[i] < room->first_member + room->nmembers);
                assert_int_equal(seen[ids[i]], 0);
                seen[ids[i]] = 1;
            }
        }
    }
    int a[8], b[8];
    seed_rota_pick(&d[0].rooms[0], 2026, 11, a, 8);
    seed_rota_pick(&d[0].rooms[0], 2026, 12, b, 8);
    assert_int_not_equal(a[0], b[0]);
    assert_int_equal(seed_rota_pick(&d[0].rooms[0], 2026, 11, a, 1), 1);
}

static void test_month_of(void **state)
{
    (void) state;
    int y, m;
    seed_month_of(1798761600LL - 3600, &y, &m);  /* 2026-12-31T23:00Z = 2027-01-01T07:00+08 */
    assert_int_equal(y, 2027);
    assert_int_equal(m, 1);
    seed_month_of(1798761600LL - 9 * 3600, &y, &m);
    assert_int_equal(y, 2026);
    assert_int_equal(m, 12);
}

static void test_parse_name(void **state)
{
    (void) state;
    assert_int_equal(migrate_parse_name("001_foundation.sql"), 1);
    assert_int_equal(migrate_parse_name("12_x.sql"), 12);
    assert_int_equal(migrate_parse_name("foundation.sql"), -1);
    assert_int_equal(migrate_parse_name("001foundation.sql"), -1);
    assert_int_equal(migrate_parse_name("001_.sql"), -1);
    assert_int_equal(migrate_parse_name("001_x.sql.orig"), -1);
    assert_int_equal(migrate_parse_name("000_x.sql"), -1);
    assert_int_equal(migrate_parse_name("1234567_x.sql"), -1);
}

static void s_touch(const char *dir, const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("SELECT 1;\n", f);
    fclose(f);
}

static void test_list(void **state)
{
    (void) state;
    char dir[] = "/tmp/test_admin_seed_XXXXXX";
    assert_non_null(mkdtemp(dir));
    s_touch(dir, "010_later.sql");
    s_touch(dir, "002_second.sql");
    s_touch(dir, "001_first.sql");
    s_touch(dir, "README.md");
    migration_t m[8];
    int n = migrate_list(dir, m, 8);
    assert_int_equal(n, 3);
    assert_string_equal(m[0].name, "001_first.sql");
    assert_string_equal(m[1].name, "002_second.sql");
    assert_int_equal(m[2].version, 10);
    assert_int_equal(migrate_list(dir, m, 2), -1);       /* too many */
    s_touch(dir, "2_again.sql");
    assert_int_equal(migrate_list(dir, m, 8), -1);       /* version 2 twice */
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
    assert_int_equal(migrate_list("/nonexistent/dir", m, 8), -1);
}

static void test_default_dir(void **state)
{
    (void) state;
    char out[512];
    assert_int_equal(migrate_default_dir("/srv/sql", "/x/build/bin/lianxin-admin", out,
                                         sizeof out), 0);
    assert_string_equal(out, "/srv/sql");
    assert_int_equal(migrate_default_dir(NULL, "/nonexistent/build/bin/lianxin-admin", out,
                                         sizeof out), 0);
    assert_string_equal(out, "/nonexistent/build/bin/../../deploy/sql");
    assert_int_equal(migrate_default_dir(NULL, NULL, out, sizeof out), -1);
}

static void test_roles(void **state)
{
    (void) state;
    assert_true(users_role_valid("admin"));
    assert_true(users_role_valid("partner"));
    assert_false(users_role_valid("root"));
    assert_false(users_role_valid(""));
    assert_false(users_role_valid(NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_weekday),      cmocka_unit_test(test_reception_day),
        cmocka_unit_test(test_districts_shape), cmocka_unit_test(test_rota_pick),
        cmocka_unit_test(test_month_of),     cmocka_unit_test(test_parse_name),
        cmocka_unit_test(test_list),         cmocka_unit_test(test_default_dir),
        cmocka_unit_test(test_roles),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
