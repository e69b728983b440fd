/* Unit tests for evroute: the table check, dispatch by type with the payload
 * unpacked, malformed payloads skipped and unknown types ignored (counted),
 * and a run split between one-by-one routes and one apply_many call per
 * route. No database: the apply functions record what they were given. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "calendar.pb-c.h"
#include "evroute.h"
#include "rota.pb-c.h"

/* What the apply functions saw, handed to them as `app`. */
typedef struct {
    int ones, manys, fail_one, fail_many;
    int years[8];                   /* CalendarMissing.year, in apply order */
    int nyears;
    size_t many_n;                  /* events of the last apply_many call */
    int64_t many_seqs[8];
} s_seen_t;

static int
s_on_missing(tx_t *tx, const Lianxin__V1__Event *ev, const ProtobufCMessage *msg, void *app)
{
    s_seen_t *seen = app;
    (void) tx;
    (void) ev;
    seen->ones++;
    seen->years[seen->nyears++] = ((const Lianxin__V1__CalendarMissing *) msg)->year;
    return seen->fail_one ? -1 : 0;
}

static int
s_on_upcoming_many(tx_t *tx, const Lianxin__V1__Event *const *evs,
                   const ProtobufCMessage *const *msgs, size_t n, void *app)
{
    s_seen_t *seen = app;
    (void) tx;
    seen->manys++;
    seen->many_n = n;
    for (size_t i = 0; i < n && i < 8; i++) {
        seen->many_seqs[i] = evs[i]->seq;
        assert_int_equal(((const Lianxin__V1__DutyUpcoming *) msgs[i])->workroom_id, evs[i]->seq);
    }
    return seen->fail_many ? -1 : 0;
}

static int
s_on_upcoming(tx_t *tx, const Lianxin__V1__Event *ev, const ProtobufCMessage *msg, void *app)
{
    (void) msg;
    return s_on_upcoming_many(tx, &ev, &msg, 1, app);
}

static const evroute_t s_routes[] = {
    { .type = "calendar.missing", .payload = &lianxin__v1__calendar_missing__descriptor,
      .apply = s_on_missing },
    { .type = "duty.upcoming", .payload = &lianxin__v1__duty_upcoming__descriptor,
      .apply = s_on_upcoming, .apply_many = s_on_upcoming_many },
};
#define NROUTES (sizeof s_routes / sizeof s_routes[0])

/* An event of `type` whose payload is `msg` packed (NULL: bytes that do not
 * unpack). Free with s_event_free. */
static Lianxin__V1__Event *
s_event(const char *type, int64_t seq, const ProtobufCMessage *msg)
{
    Lianxin__V1__Event *ev = calloc(1, sizeof *ev);
    lianxin__v1__event__init(ev);
    ev->district = "330303";
    ev->producer = "intake";
    ev->type = (char *) type;
    ev->seq = seq;
    ev->payload.len = msg ? protobuf_c_message_get_packed_size(msg) : 1;
    ev->payload.data = calloc(1, ev->payload.len + 1);
    if (msg)
        protobuf_c_message_pack(msg, ev->payload.data);
    else
        ev->payload.data[0] = 0x08;    /* field 1, varint, and then nothing */
    return ev;
}

static void
s_event_free(Lianxin__V1__Event *ev)
{
    free(ev->payload.data);
    free(ev);
}

static Lianxin__V1__Event *
s_missing(int64_t seq, int year)
{
    Lianxin__V1__CalendarMissing m = LIANXIN__V1__CALENDAR_MISSING__INIT;
    m.year = year;
    return s_event("calendar.missing", seq, &m.base);
}

static Lianxin__V1__Event *
s_upcoming(int64_t seq)
{
    Lianxin__V1__DutyUpcoming m = LIANXIN__V1__DUTY_UPCOMING__INIT;
    m.workroom_id = seq;
    m.duty_date = "2026-12-25";
    return s_event("duty.upcoming", seq, &m.base);
}

static void
test_check(void **state)
{
    (void) state;
    assert_int_equal(evroute_check(s_routes, NROUTES), 0);
    assert_int_equal(evroute_check(s_routes, 0), -1);
    assert_int_equal(evroute_batched(s_routes, NROUTES), 1);
    assert_int_equal(evroute_batched(s_routes, 1), 0);
    const evroute_t twice[] = { s_routes[0], s_routes[0] };
    assert_int_equal(evroute_check(twice, 2), -1);
    evroute_t bad = s_routes[0];
    bad.apply = NULL;
    assert_int_equal(evroute_check(&bad, 1), -1);
    bad = s_routes[0];
    bad.payload = NULL;
    assert_int_equal(evroute_check(&bad, 1), -1);
    bad = s_routes[0];
    bad.type = "";
    assert_int_equal(evroute_check(&bad, 1), -1);
}

static void
test_apply_one(void **state)
{
    (void) state;
    s_seen_t seen = { 0 };
    evroute_counts_t counts = { 0, 0 };
    Lianxin__V1__Event *ok = s_missing(1, 2027), *bad = s_event("calendar.missing", 2, NULL);
    Lianxin__V1__Event *other = s_event("visit.edited", 3, NULL);
    assert_int_equal(evroute_apply(s_routes, NROUTES, NULL, ok, &seen, &counts), 0);
    assert_int_equal(seen.ones, 1);
    assert_int_equal(seen.years[0], 2027);
    /* a payload that does not unpack: skipped, counted, never applied */
    assert_int_equal(evroute_apply(s_routes, NROUTES, NULL, bad, &seen, &counts), 0);
    assert_int_equal(counts.malformed, 1);
    /* a type without a route (even with a bad payload): ignored */
    assert_int_equal(evroute_apply(s_routes, NROUTES, NULL, other, &seen, &counts), 0);
    assert_int_equal(counts.ignored, 1);
    assert_int_equal(seen.ones, 1);
    seen.fail_one = 1;
    assert_int_equal(evroute_apply(s_routes, NROUTES, NULL, ok, &seen, &counts), -1);
    s_event_free(ok);
    s_event_free(bad);
    s_event_free(other);
}

/* A run: the one-by-one route first in order, then ONE apply_many call with
 * the batched route's events in seq order; skips and ignores counted. */
static void
test_apply_run(void **state)
{
    (void) state;
    s_seen_t seen = { 0 };
    evroute_counts_t counts = { 0, 0 };
    Lianxin__V1__Event *run[] = {
        s_upcoming(1), s_missing(2, 2027), s_upcoming(3), s_event("duty.upcoming", 4, NULL),
        s_event("rota.published", 5, NULL), s_missing(6, 2028), s_upcoming(7),
    };
    size_t n = sizeof run / sizeof run[0];
    const Lianxin__V1__Event *const *evs = (const Lianxin__V1__Event *const *) run;
    assert_int_equal(evroute_apply_run(s_routes, NROUTES, NULL, evs, n, &seen, &counts), 0);
    assert_int_equal(seen.ones, 2);
    assert_int_equal(seen.years[0], 2027);
    assert_int_equal(seen.years[1], 2028);
    assert_int_equal(seen.manys, 1);
    assert_int_equal(seen.many_n, 3);
    assert_int_equal(seen.many_seqs[0], 1);
    assert_int_equal(seen.many_seqs[1], 3);
    assert_int_equal(seen.many_seqs[2], 7);
    assert_int_equal(counts.malformed, 1);
    assert_int_equal(counts.ignored, 1);
    /* a failing apply_many fails the run (the consumer then goes one by one) */
    seen.fail_many = 1;
    assert_int_equal(evroute_apply_run(s_routes, NROUTES, NULL, evs, n, &seen, &counts), -1);
    assert_int_equal(evroute_apply_run(s_routes, NROUTES, NULL, evs, 0, &seen, &counts), 0);
    for (size_t i = 0; i < n; i++)
        s_event_free(run[i]);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_check),
        cmocka_unit_test(test_apply_one),
        cmocka_unit_test(test_apply_run),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
