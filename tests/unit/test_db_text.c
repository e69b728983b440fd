/* test_db_text: db's pure helpers for the text protocol: a number as a text
 * parameter, an id list as a bigint[] parameter, and a bigint[] result read
 * back. Never connects to PostgreSQL. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"

static void
test_num(void **state)
{
    (void) state;
    char buf[24];
    assert_string_equal(db_num(buf, 0), "0");
    assert_string_equal(db_num(buf, -42), "-42");
    assert_ptr_equal(db_num(buf, 7), buf);
    assert_string_equal(db_num(buf, LLONG_MIN), "-9223372036854775808");
    assert_string_equal(db_num(buf, LLONG_MAX), "9223372036854775807");
}

static void
test_ids_round_trip(void **state)
{
    (void) state;
    int64_t ids[] = { 3, 5, INT64_MAX, -1 }, back[8];
    char *t = db_ids_text(ids, 4);
    assert_non_null(t);
    assert_string_equal(t, "{3,5,9223372036854775807,-1}");
    assert_int_equal(db_parse_ids(t, back, 8), 4);
    assert_memory_equal(back, ids, sizeof ids);
    assert_int_equal(db_parse_ids(t, back, 2), 2);  /* at most max */
    free(t);
    t = db_ids_text(NULL, 0);
    assert_non_null(t);
    assert_string_equal(t, "{}");
    assert_int_equal(db_parse_ids(t, back, 8), 0);
    free(t);
}

static void
test_parse_stops(void **state)
{
    (void) state;
    int64_t back[8];
    assert_int_equal(db_parse_ids("{1,NULL,3}", back, 8), 1);
    assert_int_equal(back[0], 1);
    assert_int_equal(db_parse_ids("7,8", back, 8), 2);     /* braces optional */
    assert_int_equal(back[1], 8);
    assert_int_equal(db_parse_ids("", back, 8), 0);
    assert_int_equal(db_parse_ids(NULL, back, 8), 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_num),
        cmocka_unit_test(test_ids_round_trip),
        cmocka_unit_test(test_parse_stops),
    };
    return cmocka_run_group_tests_name("db_text", tests, NULL, NULL);
}
