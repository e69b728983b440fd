/* test_intake_rota: rota generation (duty days with holidays and Saturdays,
 * fairness, no double-booking, unavailable dates, fixed rows, shortfalls,
 * seeds, bad input) and the conflict checks for edits and swaps. The 2026
 * calendar is built in the test with calendar_add, so no file is read. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "rota_plan.h"

/* ---- helpers ------------------------------------------------------------ */

static calendar_day_t s_day(const char *text)
{
    calendar_day_t d = -1;
    if (calendar_day_parse(text, &d) < 0)
        fail_msg("bad date in test: %s", text);
    return d;
}

static void s_add_range(calendar_t *cal, const char *from, const char *to, const char *name)
{
    for (calendar_day_t d = s_day(from); d <= s_day(to); d++)
        assert_int_equal(calendar_add(cal, d, CALENDAR_HOLIDAY, name), 0);
}

/* The 2026 holidays of the State Council notice (as deploy/calendar/2026.txt). */
static int setup_cal(void **state)
{
    calendar_t *cal = calendar_new();
    if (!cal)
        return -1;
    s_add_range(cal, "2026-01-01", "2026-01-03", "元旦");
    s_add_range(cal, "2026-02-15", "2026-02-23", "春节");
    s_add_range(cal, "2026-04-04", "2026-04-06", "清明节");
    s_add_range(cal, "2026-05-01", "2026-05-05", "劳动节");
    s_add_range(cal, "2026-06-19", "2026-06-21", "端午节");
    s_add_range(cal, "2026-09-25", "2026-09-27", "中秋节");
    s_add_range(cal, "2026-10-01", "2026-10-07", "国庆节");
    const char *work[] = {"2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09",
                          "2026-09-20", "2026-10-10"};
    for (size_t i = 0; i < sizeof work / sizeof work[0]; i++)
        assert_int_equal(calendar_add(cal, s_day(work[i]), CALENDAR_WORKDAY, "调休"), 0);
    *state = cal;
    return 0;
}

static int teardown_cal(void **state)
{
    calendar_t *cal = *state;
    calendar_destroy(&cal);
    return 0;
}

static rota_member_t *s_members(size_t n, int64_t first_id)
{
    rota_member_t *m = calloc(n, sizeof *m);
    assert_non_null(m);
    for (size_t i = 0; i < n; i++)
        m[i].id = first_id + (int64_t) i;
    return m;
}

static rota_room_t *s_rooms(size_t n, int per_day)
{
    rota_room_t *r = calloc(n, sizeof *r);
    assert_non_null(r);
    for (size_t i = 0; i < n; i++) {
        r[i].id = 100 + (int64_t) i;
        r[i].per_day = per_day;
    }
    return r;
}

/* No member twice on one day, across the plan and the fixed rows. */
static void s_expect_no_double_booking(const rota_plan_t *p, const rota_input_t *in)
{
    size_t n;
    const rota_assignment_t *a = rota_plan_assignments(p, &n);
    for (size_t i = 0; i < n; i++) {
        for (size_t j = i + 1; j < n; j++)
            if (a[i].member_id == a[j].member_id && a[i].date == a[j].date)
                fail_msg("member %lld twice on day %d", (long long) a[i].member_id, a[i].date);
        for (size_t j = 0; j < in->nfixed; j++)
            if (a[i].member_id == in->fixed[j].member_id && a[i].date == in->fixed[j].date)
                fail_msg("member %lld also fixed on day %d", (long long) a[i].member_id, a[i].date);
    }
}

/* The spread of (past + this month) over all members. */
static int s_spread(const rota_plan_t *p, const rota_input_t *in)
{
    int lo = 1 << 30, hi = -1;
    for (size_t i = 0; i < in->nmembers; i++) {
        int c = in->members[i].past_duties + rota_plan_count(p, in->members[i].id);
        lo = c < lo ? c : lo;
        hi = c > hi ? c : hi;
    }
    return hi - lo;
}

/* How many assignments the plan made for `room` on `date`. */
static int s_on(const rota_plan_t *p, int64_t room, calendar_day_t date)
{
    size_t n;
    int k = 0;
    const rota_assignment_t *a = rota_plan_assignments(p, &n);
    for (size_t i = 0; i < n; i++)
        k += a[i].room_id == room && a[i].date == date;
    return k;
}

/* ---- duty days ------------------------------------------------------------ */

static void test_duty_days(void **state)
{
    const calendar_t *cal = *state;
    calendar_day_t d[ROTA_MAX_DAYS];
    rota_room_t room = {.id = 1};                           /* defaults: the 25th */

    assert_int_equal(rota_duty_days(cal, 2026, 2, &room, d), 1);
    assert_int_equal(d[0], s_day("2026-02-25"));
    /* January 25th 2026 is a Sunday: Monday the 26th. */
    assert_int_equal(rota_duty_days(cal, 2026, 1, &room, d), 1);
    assert_int_equal(d[0], s_day("2026-01-26"));
    /* The 1st of October is 国庆节: the first working day after is the 8th. */
    room.reception_day = 1;
    assert_int_equal(rota_duty_days(cal, 2026, 10, &room, d), 1);
    assert_int_equal(d[0], s_day("2026-10-08"));
    /* January 3rd is a holiday Saturday, the 4th a make-up Sunday: the 4th. */
    room.reception_day = 3;
    assert_int_equal(rota_duty_days(cal, 2026, 1, &room, d), 1);
    assert_int_equal(d[0], s_day("2026-01-04"));
    /* Without a calendar, Saturday 2026-02-28 moves into March. */
    room.reception_day = 28;
    assert_int_equal(rota_duty_days(NULL, 2026, 2, &room, d), 1);
    assert_int_equal(d[0], s_day("2026-03-02"));
    /* With it, the 28th is a make-up working Saturday and stays. */
    assert_int_equal(rota_duty_days(cal, 2026, 2, &room, d), 1);
    assert_int_equal(d[0], s_day("2026-02-28"));

    /* Saturdays of February 2026: 7, 14 (make-up), 21 (春节: skipped), 28
     * (make-up, and the reception day: once). */
    room.staffs_saturday = 1;
    assert_int_equal(rota_duty_days(cal, 2026, 2, &room, d), 3);
    assert_int_equal(d[0], s_day("2026-02-07"));
    assert_int_equal(d[1], s_day("2026-02-14"));
    assert_int_equal(d[2], s_day("2026-02-28"));
    room.reception_day = 25;
    assert_int_equal(rota_duty_days(cal, 2026, 2, &room, d), 4);
    assert_int_equal(d[2], s_day("2026-02-25"));
    assert_int_equal(d[3], s_day("2026-02-28"));
    /* October 2026: Saturday the 3rd is 国庆节; 10, 17, 24, 31 are served. */
    assert_int_equal(rota_duty_days(cal, 2026, 10, &room, d), 5);
    assert_int_equal(d[0], s_day("2026-10-10"));
    assert_int_equal(d[4], s_day("2026-10-31"));

    room.reception_day = 29;
    assert_int_equal(rota_duty_days(cal, 2026, 2, &room, d), -1);
    room.reception_day = 25;
    assert_int_equal(rota_duty_days(cal, 2026, 13, &room, d), -1);
}

/* ---- fairness and double-booking -------------------------------------------- */

/* A district of 16 rooms (4 staff Saturdays) and 60 members over all of 2026:
 * every month the counts differ by at most one, nobody is double-booked,
 * every place is filled. */
static void test_fair_year(void **state)
{
    const calendar_t *cal = *state;
    const size_t nrooms = 16, nmembers = 60;
    rota_room_t *rooms = s_rooms(nrooms, 3);
    for (size_t i = 0; i < 4; i++)
        rooms[i].staffs_saturday = 1, rooms[i].per_day = 2;
    rooms[5].reception_day = 10;
    rota_member_t *members = s_members(nmembers, 1);
    int total_places = 0;
    for (int month = 1; month <= 12; month++) {
        rota_input_t in = {.year = 2026, .month = month, .cal = cal, .rooms = rooms,
                           .nrooms = nrooms, .members = members, .nmembers = nmembers};
        char err[128];
        rota_plan_t *p = rota_plan_new(&in, err, sizeof err);
        assert_non_null(p);
        size_t n, ns;
        rota_plan_assignments(p, &n);
        rota_plan_shortfalls(p, &ns);
        assert_int_equal(ns, 0);
        s_expect_no_double_booking(p, &in);
        if (s_spread(p, &in) > 1)
            fail_msg("month %d: spread %d", month, s_spread(p, &in));
        for (size_t i = 0; i < nmembers; i++)
            members[i].past_duties += rota_plan_count(p, members[i].id);
        total_places += (int) n;
        rota_plan_destroy(&p);
        assert_null(p);
    }
    int sum = 0;
    for (size_t i = 0; i < nmembers; i++)
        sum += members[i].past_duties;
    assert_int_equal(sum, total_places);
    free(rooms);
    free(members);
}

/* Members with fewer past duties go first, whatever their ids. */
static void test_fewest_past_first(void **state)
{
    const calendar_t *cal = *state;
    rota_room_t *rooms = s_rooms(1, 3);
    rota_member_t *members = s_members(6, 1);
    int past[6] = {4, 4, 1, 4, 0, 2};
    for (int i = 0; i < 6; i++)
        members[i].past_duties = past[i];
    rota_input_t in = {.year = 2026, .month = 3, .cal = cal, .rooms = rooms, .nrooms = 1,
                       .members = members, .nmembers = 6};
    rota_plan_t *p = rota_plan_new(&in, NULL, 0);
    assert_non_null(p);
    size_t n;
    const rota_assignment_t *a = rota_plan_assignments(p, &n);
    assert_int_equal(n, 3);
    assert_int_equal(a[0].member_id, 5);                    /* past 0 */
    assert_int_equal(a[1].member_id, 3);                    /* past 1 */
    assert_int_equal(a[2].member_id, 6);                    /* past 2 */
    assert_int_equal(a[0].room_id, 100);
    assert_int_equal(a[0].date, s_day("2026-03-25"));
    assert_int_equal(rota_plan_count(p, 5), 1);
    assert_int_equal(rota_plan_count(p, 1), 0);
    assert_int_equal(rota_plan_count(p, 99), -1);
    rota_plan_destroy(&p);
    free(rooms);
    free(members);
}

/* Ten rooms on the same day, three each, thirty of forty members: each gets
 * at most one, the lowest ids first when nothing else differs. */
static void test_one_day_many_rooms(void **state)
{
    const calendar_t *cal = *state;
    rota_room_t *rooms = s_rooms(10, 3);
    rota_member_t *members = s_members(40, 1);
    rota_input_t in = {.year = 2026, .month = 6, .cal = cal, .rooms = rooms, .nrooms = 10,
                       .members = members, .nmembers = 40};
    rota_plan_t *p = rota_plan_new(&in, NULL, 0);
    assert_non_null(p);
    size_t n;
    const rota_assignment_t *a = rota_plan_assignments(p, &n);
    assert_int_equal(n, 30);
    s_expect_no_double_booking(p, &in);
    assert_int_equal(s_spread(p, &in), 1);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(a[i].date, s_day("2026-06-25"));
        assert_int_equal(a[i].member_id, (int64_t) i + 1);
        assert_int_equal(a[i].room_id, 100 + (int64_t) i / 3);
    }
    rota_plan_destroy(&p);
    free(rooms);
    free(members);
}

/* ---- unavailable dates, eligibility, fixed rows -------------------------------- */

static void test_unavailable_dates(void **state)
{
    const calendar_t *cal = *state;
    rota_room_t *rooms = s_rooms(1, 2);
    rooms[0].staffs_saturday = 1;
    rota_member_t *members = s_members(4, 1);
    /* Members 1 and 2 cannot come on the 25th; 1 also not on Saturday the 14th. */
    calendar_day_t off1[] = {s_day("2026-11-14"), s_day("2026-11-25")};
    calendar_day_t off2[] = {s_day("2026-11-25")};
    members[0].unavailable = off1, members[0].nunavailable = 2;
    members[1].unavailable = off2, members[1].nunavailable = 1;
    rota_input_t in = {.year = 2026, .month = 11, .cal = cal, .rooms = rooms, .nrooms = 1,
                       .members = members, .nmembers = 4};
    rota_plan_t *p = rota_plan_new(&in, NULL, 0);
    assert_non_null(p);
    size_t n, ns;
    const rota_assignment_t *a = rota_plan_assignments(p, &n);
    rota_plan_shortfalls(p, &ns);
    assert_int_equal(ns, 0);
    assert_int_equal(n, 2 * 5);                 /* Saturdays 7 14 21 28 and Wednesday the 25th */
    for (size_t i = 0; i < n; i++) {
        for (size_t k = 0; k < members[0].nunavailable; k++)
            if (a[i].member_id == 1 && a[i].date == off1[k])
                fail_msg("member 1 rostered on an unavailable date");
        if (a[i].member_id == 2 && a[i].date == off2[0])
            fail_msg("member 2 rostered on an unavailable date");
    }
    assert_int_equal(s_on(p, 100, s_day("2026-11-25")), 2);
    assert_int_equal(s_spread(p, &in), 1);      /* 10 places over 4 members: 3 3 2 2 */
    rota_plan_destroy(&p);

    /* When everyone is away, the day is a shortfall and the plan still comes. */
    calendar_day_t off_all[] = {s_day("2026-11-25")};
    for (int i = 0; i < 4; i++)
        members[i].unavailable = off_all, members[i].nunavailable = 1;
    rooms[0].staffs_saturday = 0;
    p = rota_plan_new(&in, NULL, 0);
    assert_non_null(p);
    const rota_shortfall_t *s = rota_plan_shortfalls(p, &ns);
    rota_plan_assignments(p, &n);
    assert_int_equal(n, 0);
    assert_int_equal(ns, 1);
    assert_int_equal(s[0].room_id, 100);
    assert_int_equal(s[0].date, s_day("2026-11-25"));
    assert_int_equal(s[0].wanted, 2);
    assert_int_equal(s[0].missing, 2);
    rota_plan_destroy(&p);
    free(rooms);
    free(members);
}

static void test_shortfalls(void **state)
{
    const calendar_t *cal = *state;
    /* Three rooms of three on the same day, five members: four places short. */
    rota_room_t *rooms = s_rooms(3, 3);
    rota_member_t *members = s_members(5, 1);
    rota_input_t in = {.year = 2026, .month = 3, .cal = cal, .rooms = rooms, .nrooms = 3,
                       .members = members, .nmembers = 5};
    rota_plan_t *p = rota_plan_new(&in, NULL, 0);
    assert_non_null(p);
    size_t n, ns;
    rota_plan_assignments(p, &n);
    const rota_shortfall_t *s = rota_plan_shortfalls(p, &ns);
    assert_int_equal(n, 5);
    assert_int_equal(ns, 2);
    assert_int_equal(s[0].room_id, 101);
    assert_int_equal(s[0].missing, 1);
    assert_int_equal(s[1].room_id, 102);
    assert_int_equal(s[1].missing, 3);
    assert_int_equal(s[1].wanted, 3);
    s_expect_no_double_booking(p, &in);
    rota_plan_destroy(&p);

    /* No members at all: every duty day short, no crash. */
    in.nmembers = 0;
    p = rota_plan_new(&in, NULL, 0);
    assert_non_null(p);
    rota_plan_shortfalls(p, &ns);
    assert_int_equal(ns, 3);
    assert_int_equal(rota_plan_count(p, 1), -1);
    rota_plan_destroy(&p);
    free(rooms);
    free(members);
}

static void test_eligible_lists(void **state)
{
    const calendar_t *cal = *state;
    rota_room_t *rooms = s_rooms(2, 3);
    int64_t only[] = {9, 2};
    rooms[0].eligible = only, rooms[0].neligible = 2;
    rota_member_t *members = s_members(10, 1);
    rota_input_t in = {.year = 2026, .month = 4, .cal = cal, .rooms = rooms, .nrooms = 2,
                       .members = members, .nmembers = 10};
    rota_plan_t *p = rota_plan_new(&in, NULL, 0);
    assert_non_null(p);
    size_t n, ns;
    const rota_assignment_t *a = rota_plan_assignments(p, &n);
    const rota_shortfall_t *s = rota_plan_shortfalls(p, &ns);
    assert_int_equal(n, 5);
    for (size_t i = 0; i < n; i++)
        if (a[i].room_id == 100 && a[i].member_id != 2 && a[i].member_id != 9)
            fail_msg("member %lld is not eligible for room 100", (long long) a[i].member_id);
    assert_int_equal(ns, 1);
    assert_int_equal(s[0].room_id, 100);
    assert_int_equal(s[0].missing, 1);
    /* Room 101 may take anyone but 2 and 9, who are on duty in room 100. */
    for (size_t i = 0; i < n; i++)
        if (a[i].room_id == 101)
            assert_true(a[i].member_id != 2 && a[i].member_id != 9);
    rota_plan_destroy(&p);
    free(rooms);
    free(members);
}

static void test_fixed_rows(void **state)
{
    const calendar_t *cal = *state;
    rota_room_t *rooms = s_rooms(2, 2);
    rota_member_t *members = s_members(6, 1);
    calendar_day_t day = s_day("2026-12-25");               /* a Friday */
    rota_assignment_t fixed[] = {
        {100, day, 6},                                      /* already decided */
        {999, s_day("2026-12-10"), 1},                      /* another duty this month */
        {100, s_day("2026-11-25"), 2},                      /* last month: ignored */
    };
    rota_input_t in = {.year = 2026, .month = 12, .cal = cal, .rooms = rooms, .nrooms = 2,
                       .members = members, .nmembers = 6, .fixed = fixed, .nfixed = 3};
    rota_plan_t *p = rota_plan_new(&in, NULL, 0);
    assert_non_null(p);
    size_t n;
    const rota_assignment_t *a = rota_plan_assignments(p, &n);
    assert_int_equal(n, 3);                                 /* 1 for room 100, 2 for room 101 */
    assert_int_equal(s_on(p, 100, day), 1);
    assert_int_equal(s_on(p, 101, day), 2);
    s_expect_no_double_booking(p, &in);
    /* Member 1 already has a duty this month, so 2, 3 and 4 come first. */
    assert_int_equal(a[0].member_id, 2);
    assert_int_equal(a[1].member_id, 3);
    assert_int_equal(a[2].member_id, 4);
    assert_int_equal(rota_plan_count(p, 6), 1);
    assert_int_equal(rota_plan_count(p, 1), 1);
    assert_int_equal(rota_plan_count(p, 5), 0);
    rota_plan_destroy(&p);
    free(rooms);
    free(members);
}

/* ---- seeds and bad input ----------------------------------------------------------- */

static void test_seeds(void **state)
{
    const calendar_t *cal = *state;
    rota_room_t *rooms = s_rooms(3, 2);
    rota_member_t *members = s_members(30, 1);
    rota_input_t in = {.year = 2026, .month = 7, .cal = cal, .rooms = rooms, .nrooms = 3,
                       .members = members, .nmembers = 30, .seed = 42};
    rota_plan_t *p1 = rota_plan_new(&in, NULL, 0), *p2 = rota_plan_new(&in, NULL, 0);
    in.seed = 0;
    rota_plan_t *p0 = rota_plan_new(&in, NULL, 0);
    assert_non_null(p1);
    assert_non_null(p2);
    assert_non_null(p0);
    size_t n1, n2, n0;
    const rota_assignment_t *a1 = rota_plan_assignments(p1, &n1);
    const rota_assignment_t *a2 = rota_plan_assignments(p2, &n2);
    const rota_assignment_t *a0 = rota_plan_assignments(p0, &n0);
    assert_int_equal(n1, 6);
    assert_int_equal(n2, 6);
    for (size_t i = 0; i < n1; i++) {                       /* deterministic */
        assert_int_equal(a1[i].room_id, a2[i].room_id);
        assert_int_equal(a1[i].date, a2[i].date);
        assert_int_equal(a1[i].member_id, a2[i].member_id);
    }
    for (size_t i = 0; i < n0; i++)
        assert_int_equal(a0[i].member_id, (int64_t) i + 1); /* seed 0: by id */
    int differs = 0;
    for (size_t i = 0; i < n1; i++)
        differs |= a1[i].member_id != a0[i].member_id;
    assert_true(differs);                                   /* seed 42 shuffles ties */
    rota_plan_destroy(&p0);
    rota_plan_destroy(&p1);
    rota_plan_destroy(&p2);
    rota_plan_destroy(&p2);                                 /* idempotent */
    rota_plan_destroy(NULL);
    free(rooms);
    free(members);
}

static void s_expect_refused(const rota_input_t *in, const char *want)
{
    char err[128] = "unset";
    rota_plan_t *p = rota_plan_new(in, err, sizeof err);
    if (p || strcmp(err, want) != 0)
        fail_msg("want refusal \"%s\", got %s \"%s\"", want, p ? "a plan" : "NULL", err);
}

static void test_bad_input(void **state)
{
    const calendar_t *cal = *state;
    rota_room_t *rooms = s_rooms(2, 2);
    rota_member_t *members = s_members(3, 1);
    rota_input_t in = {.year = 2026, .month = 13, .cal = cal, .rooms = rooms, .nrooms = 2,
                       .members = members, .nmembers = 3};
    s_expect_refused(&in, "month out of range");
    in.month = 0;
    s_expect_refused(&in, "month out of range");
    in.month = 5;
    rooms[1].per_day = 8;
    s_expect_refused(&in, "rooms[1].per_day out of range");
    rooms[1].per_day = -1;
    s_expect_refused(&in, "rooms[1].per_day out of range");
    rooms[1].per_day = 2;
    rooms[0].reception_day = 31;
    s_expect_refused(&in, "rooms[0].reception_day out of range");
    rooms[0].reception_day = 0;
    rooms[1].id = rooms[0].id;
    s_expect_refused(&in, "rooms[1].id duplicate");
    rooms[1].id = 101;
    members[2].id = 1;
    s_expect_refused(&in, "members: id 1 duplicate");
    members[2].id = 3;
    members[1].past_duties = -2;
    s_expect_refused(&in, "members[1].past_duties out of range");
    members[1].past_duties = 0;
    members[1].nunavailable = 2;
    s_expect_refused(&in, "members[1].unavailable missing");
    members[1].nunavailable = 0;
    in.nfixed = 1;
    s_expect_refused(&in, "fixed missing");
    in.nfixed = 0;
    assert_null(rota_plan_new(NULL, NULL, 0));
    rota_plan_t *p = rota_plan_new(&in, NULL, 0);         /* repaired: accepted */
    assert_non_null(p);
    rota_plan_destroy(&p);
    free(rooms);
    free(members);
}

/* ---- conflicts ----------------------------------------------------------------------- */

static void test_conflict_check(void **state)
{
    (void) state;
    calendar_day_t d25 = s_day("2026-12-25"), d26 = s_day("2026-12-26");
    const rota_assignment_t existing[] = {
        {100, d25, 1}, {100, d25, 2}, {101, d25, 3}, {101, d26, 1},
    };
    rota_assignment_t c = {0};

    rota_assignment_t prop = {101, d25, 1};                 /* 1 is in room 100 that day */
    assert_int_equal(rota_conflict(existing, 4, &prop, NULL, &c), ROTA_CONFLICT);
    assert_int_equal(c.member_id, 1);
    assert_int_equal(c.date, d25);
    assert_int_equal(c.room_id, 100);
    prop = (rota_assignment_t) {100, d25, 1};
    assert_int_equal(rota_conflict(existing, 4, &prop, NULL, &c), ROTA_DUPLICATE);
    prop = (rota_assignment_t) {102, d26, 2};
    assert_int_equal(rota_conflict(existing, 4, &prop, NULL, &c), ROTA_FREE);
    prop = (rota_assignment_t) {100, d25, 4};
    assert_int_equal(rota_conflict(existing, 4, &prop, NULL, NULL), ROTA_FREE);
    assert_int_equal(rota_conflict(NULL, 0, &prop, NULL, NULL), ROTA_FREE);

    /* Moving member 1 from room 100 to room 101 on the 25th: its own row is
     * the one replaced, so no clash; moving member 3 into room 100 instead
     * of member 2 clashes with 3's own duty in room 101. */
    prop = (rota_assignment_t) {101, d25, 1};
    assert_int_equal(rota_conflict(existing, 4, &prop, &existing[0], &c), ROTA_FREE);
    prop = (rota_assignment_t) {100, d25, 3};
    assert_int_equal(rota_conflict(existing, 4, &prop, &existing[1], &c), ROTA_CONFLICT);
    assert_int_equal(c.room_id, 101);
    assert_int_equal(c.member_id, 3);

    /* Swaps. Members 2 (room 100, 25th) and 3 (room 101, 25th): same day,
     * both rows set aside: fine. */
    assert_int_equal(rota_swap_conflict(existing, 4, &existing[1], &existing[2], &c), ROTA_FREE);
    /* Member 2 (room 100, 25th) with member 1 (room 101, 26th): 1 would take
     * the 25th in room 100, where 1 already is: a duplicate. */
    assert_int_equal(rota_swap_conflict(existing, 4, &existing[1], &existing[3], &c), ROTA_DUPLICATE);
    /* Member 3 (room 101, 25th) with member 1 (room 101, 26th): 1 would be in
     * room 101 on the 25th while on duty in room 100 that day. */
    assert_int_equal(rota_swap_conflict(existing, 4, &existing[2], &existing[3], &c), ROTA_CONFLICT);
    assert_int_equal(c.member_id, 1);
    assert_int_equal(c.room_id, 100);
    assert_int_equal(c.date, d25);
    /* The same member on both sides: nothing to swap. */
    assert_int_equal(rota_swap_conflict(existing, 4, &existing[0], &existing[3], &c), ROTA_DUPLICATE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_duty_days),
        cmocka_unit_test(test_fair_year),
        cmocka_unit_test(test_fewest_past_first),
        cmocka_unit_test(test_one_day_many_rooms),
        cmocka_unit_test(test_unavailable_dates),
        cmocka_unit_test(test_shortfalls),
        cmocka_unit_test(test_eligible_lists),
        cmocka_unit_test(test_fixed_rows),
        cmocka_unit_test(test_seeds),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_conflict_check),
    };
    return cmocka_run_group_tests_name("intake_rota", tests, setup_cal, teardown_cal);
}
