/* rota_plan: greedy, fair rota generation and the double-booking check (see
 * rota_plan.h). Pure: never touches the database, the clock or the log, and
 * never asserts on its input (it comes from the office's data). */
#include "rota_plan.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct rota_plan {
    rota_assignment_t *assign;
    size_t nassign, capassign;
    rota_shortfall_t *shortfall;
    size_t nshort, capshort;
    int64_t *ids;                   /* member ids, ascending */
    int *month;                     /* duties this month, parallel to ids */
    size_t nmembers;
};

/* One duty day of one room. */
typedef struct s_slot {
    size_t room;
    calendar_day_t date;
    int have;                       /* places already filled by fixed rows */
} s_slot_t;

/* The generator's scratch state, indexed by member position in `ids` order. */
typedef struct s_work {
    const rota_input_t *in;
    const rota_member_t **mem;      /* members sorted by id */
    int64_t *elig;                  /* every room's eligible ids, each run sorted */
    size_t *elig_at;                /* room r's run: elig[elig_at[r] .. elig_at[r+1]) */
    calendar_day_t *unav;           /* every member's unavailable dates, each run sorted */
    size_t *unav_at;
    uint64_t *tie;
    uint8_t *busy;                  /* [member * ndays + (date - first)] */
    calendar_day_t first, last;
    size_t ndays;
    s_slot_t *slots;
    size_t nslots;
} s_work_t;

/* ---- small helpers ---------------------------------------------------------- */

static int s_err(char *err, size_t errsz, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int s_err(char *err, size_t errsz, const char *fmt, ...)
{
    if (err && errsz) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errsz, fmt, ap);
        va_end(ap);
    }
    return -1;
}

static int s_cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *) a, y = *(const int64_t *) b;
    return (x > y) - (x < y);
}

static int s_cmp_day(const void *a, const void *b)
{
    calendar_day_t x = *(const calendar_day_t *) a, y = *(const calendar_day_t *) b;
    return (x > y) - (x < y);
}

static int s_cmp_member(const void *a, const void *b)
{
    const rota_member_t *x = *(const rota_member_t *const *) a;
    const rota_member_t *y = *(const rota_member_t *const *) b;
    return (x->id > y->id) - (x->id < y->id);
}

static int s_cmp_slot(const void *a, const void *b)
{
    const s_slot_t *x = a, *y = b;
    if (x->date != y->date)
        return (x->date > y->date) - (x->date < y->date);
    return (x->room > y->room) - (x->room < y->room);
}

/* splitmix64: a fixed, portable shuffle of member ids for seeded ties. */
static uint64_t s_mix(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

static int s_room_per_day(const rota_room_t *r)
{
    return r->per_day ? r->per_day : ROTA_DEFAULT_PER_DAY;
}

/* ---- duty days ------------------------------------------------------------ */

int rota_duty_days(const calendar_t *cal, int year, int month, const rota_room_t *room,
                   calendar_day_t out[ROTA_MAX_DAYS])
{
    int rday = room->reception_day ? room->reception_day : ROTA_DEFAULT_RECEPTION_DAY;
    calendar_day_t first, d;
    if (rday < 1 || rday > 28 || calendar_day_from_ymd(year, month, 1, &first) < 0
        || calendar_day_from_ymd(year, month, rday, &d) < 0
        || calendar_next_workday(cal, d, &out[0]) < 0)
        return -1;
    int n = 1;
    for (d = first; room->staffs_saturday; d++) {
        int m;
        calendar_day_to_ymd(d, NULL, &m, NULL);
        if (m != month)
            break;
        if (calendar_day_weekday(d) == 6 && calendar_kind(cal, d) != CALENDAR_HOLIDAY
            && d != out[0] && n < ROTA_MAX_DAYS)
            out[n++] = d;
    }
    qsort(out, (size_t) n, sizeof out[0], s_cmp_day);
    return n;
}

/* ---- input checks ---------------------------------------------------------- */

static int s_check_rooms(const rota_input_t *in, char *err, size_t errsz)
{
    for (size_t i = 0; i < in->nrooms; i++) {
        const rota_room_t *r = &in->rooms[i];
        if (r->reception_day < 0 || r->reception_day > 28)
            return s_err(err, errsz, "rooms[%zu].reception_day out of range", i);
        if (r->per_day < 0 || r->per_day > ROTA_MAX_PER_DAY)
            return s_err(err, errsz, "rooms[%zu].per_day out of range", i);
        if (r->neligible && !r->eligible)
            return s_err(err, errsz, "rooms[%zu].eligible missing", i);
        for (size_t j = 0; j < i; j++)
            if (in->rooms[j].id == r->id)
                return s_err(err, errsz, "rooms[%zu].id duplicate", i);
    }
    return 0;
}

static int s_check_input(const rota_input_t *in, char *err, size_t errsz)
{
    calendar_day_t d;
    if (!in)
        return s_err(err, errsz, "no input");
    if (in->month < 1 || in->month > 12 || calendar_day_from_ymd(in->year, in->month, 1, &d) < 0
        || in->year >= CALENDAR_YEAR_MAX)
        return s_err(err, errsz, "month out of range");
    if (in->nrooms > ROTA_MAX_ROOMS || (in->nrooms && !in->rooms))
        return s_err(err, errsz, "rooms: too many or missing");
    if (in->nmembers > ROTA_MAX_MEMBERS || (in->nmembers && !in->members))
        return s_err(err, errsz, "members: too many or missing");
    if (in->nfixed && !in->fixed)
        return s_err(err, errsz, "fixed missing");
    for (size_t i = 0; i < in->nmembers; i++) {
        const rota_member_t *m = &in->members[i];
        if (m->past_duties < 0)
            return s_err(err, errsz, "members[%zu].past_duties out of range", i);
        if (m->nunavailable && !m->unavailable)
            return s_err(err, errsz, "members[%zu].unavailable missing", i);
    }
    return s_check_rooms(in, err, errsz);
}

/* ---- the scratch state ------------------------------------------------------- */

static void s_work_fini(s_work_t *w)
{
    free(w->mem);
    free(w->elig);
    free(w->elig_at);
    free(w->unav);
    free(w->unav_at);
    free(w->tie);
    free(w->busy);
    free(w->slots);
    memset(w, 0, sizeof *w);
}

/* Sorted copies of the rooms' eligible lists. 0 or -1 (out of memory). */
static int s_work_eligible(s_work_t *w)
{
    const rota_input_t *in = w->in;
    size_t total = 0;
    for (size_t r = 0; r < in->nrooms; r++)
        total += in->rooms[r].neligible;
    w->elig = malloc((total ? total : 1) * sizeof *w->elig);
    w->elig_at = malloc((in->nrooms + 1) * sizeof *w->elig_at);
    if (!w->elig || !w->elig_at)
        return -1;
    size_t at = 0;
    for (size_t r = 0; r < in->nrooms; r++) {
        w->elig_at[r] = at;
        if (in->rooms[r].neligible)
            memcpy(w->elig + at, in->rooms[r].eligible, in->rooms[r].neligible * sizeof *w->elig);
        qsort(w->elig + at, in->rooms[r].neligible, sizeof *w->elig, s_cmp_i64);
        at += in->rooms[r].neligible;
    }
    w->elig_at[in->nrooms] = at;
    return 0;
}

/* Members sorted by id, their sorted unavailable dates and tie keys. 0 or -1
 * (out of memory, or err set for a duplicate member id). */
static int s_work_members(s_work_t *w, char *err, size_t errsz)
{
    const rota_input_t *in = w->in;
    size_t n = in->nmembers, total = 0;
    w->mem = malloc((n ? n : 1) * sizeof *w->mem);
    w->unav_at = malloc((n + 1) * sizeof *w->unav_at);
    w->tie = malloc((n ? n : 1) * sizeof *w->tie);
    for (size_t i = 0; i < n; i++)
        total += in->members[i].nunavailable;
    w->unav = malloc((total ? total : 1) * sizeof *w->unav);
    if (!w->mem || !w->unav_at || !w->tie || !w->unav)
        return s_err(err, errsz, "out of memory");
    for (size_t i = 0; i < n; i++)
        w->mem[i] = &in->members[i];
    qsort(w->mem, n, sizeof *w->mem, s_cmp_member);
    size_t at = 0;
    for (size_t i = 0; i < n; i++) {
        const rota_member_t *m = w->mem[i];
        if (i > 0 && w->mem[i - 1]->id == m->id)
            return s_err(err, errsz, "members: id %lld duplicate", (long long) m->id);
        w->unav_at[i] = at;
        if (m->nunavailable)
            memcpy(w->unav + at, m->unavailable, m->nunavailable * sizeof *w->unav);
        qsort(w->unav + at, m->nunavailable, sizeof *w->unav, s_cmp_day);
        at += m->nunavailable;
        w->tie[i] = in->seed ? s_mix(in->seed ^ s_mix((uint64_t) m->id))
                             : (uint64_t) m->id ^ 0x8000000000000000ULL;
    }
    w->unav_at[n] = at;
    return 0;
}

/* Every room's duty days as slots in date order, and the window they span. */
static int s_work_slots(s_work_t *w, char *err, size_t errsz)
{
    const rota_input_t *in = w->in;
    w->slots = malloc((in->nrooms ? in->nrooms : 1) * ROTA_MAX_DAYS * sizeof *w->slots);
    if (!w->slots)
        return s_err(err, errsz, "out of memory");
    calendar_day_from_ymd(in->year, in->month, 1, &w->first);
    int next_y = in->month == 12 ? in->year + 1 : in->year, next_m = in->month % 12 + 1;
    calendar_day_from_ymd(next_y, next_m, 1, &w->last);
    w->last--;
    for (size_t r = 0; r < in->nrooms; r++) {
        calendar_day_t days[ROTA_MAX_DAYS];
        int n = rota_duty_days(in->cal, in->year, in->month, &in->rooms[r], days);
        if (n < 0)
            return s_err(err, errsz, "rooms[%zu]: no duty day found", r);
        for (int i = 0; i < n; i++) {
            w->slots[w->nslots++] = (s_slot_t) {.room = r, .date = days[i]};
            if (days[i] > w->last)
                w->last = days[i];
        }
    }
    qsort(w->slots, w->nslots, sizeof *w->slots, s_cmp_slot);
    w->ndays = (size_t) (w->last - w->first + 1);
    w->busy = calloc(in->nmembers ? in->nmembers * w->ndays : 1, 1);
    return w->busy ? 0 : s_err(err, errsz, "out of memory");
}

/* The position of member `id` in sorted order, -1 when unknown. */
static long s_member_at(const s_work_t *w, int64_t id)
{
    size_t lo = 0, hi = w->in->nmembers;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (w->mem[mid]->id == id)
            return (long) mid;
        if (w->mem[mid]->id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

/* ---- filling ------------------------------------------------------------------ */

static int s_push_assign(rota_plan_t *p, rota_assignment_t a)
{
    if (p->nassign == p->capassign) {
        size_t cap = p->capassign ? p->capassign * 2 : 64;
        rota_assignment_t *v = realloc(p->assign, cap * sizeof *v);
        if (!v)
            return -1;
        p->assign = v;
        p->capassign = cap;
    }
    p->assign[p->nassign++] = a;
    return 0;
}

static int s_push_short(rota_plan_t *p, rota_shortfall_t s)
{
    if (p->nshort == p->capshort) {
        size_t cap = p->capshort ? p->capshort * 2 : 16;
        rota_shortfall_t *v = realloc(p->shortfall, cap * sizeof *v);
        if (!v)
            return -1;
        p->shortfall = v;
        p->capshort = cap;
    }
    p->shortfall[p->nshort++] = s;
    return 0;
}

/* Fixed rows inside the window: they count for their member, block the
 * member that day, and fill their room's place on a duty day. */
static void s_apply_fixed(s_work_t *w, rota_plan_t *p)
{
    for (size_t i = 0; i < w->in->nfixed; i++) {
        const rota_assignment_t *f = &w->in->fixed[i];
        long m = s_member_at(w, f->member_id);
        if (f->date < w->first || f->date > w->last)
            continue;
        if (m >= 0) {
            uint8_t *b = &w->busy[(size_t) m * w->ndays + (size_t) (f->date - w->first)];
            if (*b)
                continue;               /* the same member twice that day: count once */
            *b = 1;
            p->month[m]++;
        }
        for (size_t s = 0; s < w->nslots; s++)
            if (w->slots[s].date == f->date && w->in->rooms[w->slots[s].room].id == f->room_id)
                w->slots[s].have++;
    }
}

static int s_may_serve(const s_work_t *w, size_t m, size_t room, calendar_day_t date)
{
    if (w->busy[m * w->ndays + (size_t) (date - w->first)])
        return 0;
    size_t lo = w->unav_at[m], n = w->unav_at[m + 1] - lo;
    if (n && bsearch(&date, w->unav + lo, n, sizeof *w->unav, s_cmp_day))
        return 0;
    if (!w->in->rooms[room].eligible)
        return 1;
    lo = w->elig_at[room], n = w->elig_at[room + 1] - lo;
    return n && bsearch(&w->mem[m]->id, w->elig + lo, n, sizeof *w->elig, s_cmp_i64) != NULL;
}

/* The member who should take the next place of `slot`: the fewest duties
 * (past + this month), then the lowest tie key, then the lowest id. -1 if none. */
static long s_pick(const s_work_t *w, const rota_plan_t *p, const s_slot_t *slot)
{
    long best = -1;
    long best_n = 0;
    for (size_t m = 0; m < w->in->nmembers; m++) {
        if (!s_may_serve(w, m, slot->room, slot->date))
            continue;
        long n = (long) w->mem[m]->past_duties + p->month[m];
        if (best < 0 || n < best_n || (n == best_n && w->tie[m] < w->tie[best])) {
            best = (long) m;
            best_n = n;
        }
    }
    return best;
}

static int s_fill(s_work_t *w, rota_plan_t *p)
{
    for (size_t s = 0; s < w->nslots; s++) {
        const s_slot_t *slot = &w->slots[s];
        const rota_room_t *room = &w->in->rooms[slot->room];
        int want = s_room_per_day(room), need = want - slot->have;
        while (need > 0) {
            long m = s_pick(w, p, slot);
            if (m < 0)
                break;
            w->busy[(size_t) m * w->ndays + (size_t) (slot->date - w->first)] = 1;
            p->month[m]++;
            rota_assignment_t a = {room->id, slot->date, w->mem[m]->id};
            if (s_push_assign(p, a) < 0)
                return -1;
            need--;
        }
        if (need > 0 && s_push_short(p, (rota_shortfall_t) {room->id, slot->date, want, need}) < 0)
            return -1;
    }
    return 0;
}

/* ---- the plan ----------------------------------------------------------------- */

void rota_plan_destroy(rota_plan_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    rota_plan_t *self = *self_p;
    free(self->assign);
    free(self->shortfall);
    free(self->ids);
    free(self->month);
    free(self);
    *self_p = NULL;
}

static int s_plan_run(rota_plan_t *p, s_work_t *w, char *err, size_t errsz)
{
    size_t n = w->in->nmembers;
    if (s_work_members(w, err, errsz) < 0 || s_work_slots(w, err, errsz) < 0)
        return -1;
    p->ids = malloc((n ? n : 1) * sizeof *p->ids);
    p->month = calloc(n ? n : 1, sizeof *p->month);
    if (!p->ids || !p->month || s_work_eligible(w) < 0)
        return s_err(err, errsz, "out of memory");
    p->nmembers = n;
    for (size_t i = 0; i < n; i++)
        p->ids[i] = w->mem[i]->id;
    s_apply_fixed(w, p);
    return s_fill(w, p) < 0 ? s_err(err, errsz, "out of memory") : 0;
}

rota_plan_t *rota_plan_new(const rota_input_t *in, char *err, size_t errsz)
{
    if (err && errsz)
        err[0] = '\0';
    if (s_check_input(in, err, errsz) < 0)
        return NULL;
    rota_plan_t *p = calloc(1, sizeof *p);
    if (!p) {
        s_err(err, errsz, "out of memory");
        return NULL;
    }
    s_work_t w = {.in = in};
    int rc = s_plan_run(p, &w, err, errsz);
    s_work_fini(&w);
    if (rc < 0)
        rota_plan_destroy(&p);
    return p;
}

const rota_assignment_t *rota_plan_assignments(const rota_plan_t *self, size_t *n)
{
    *n = self ? self->nassign : 0;
    return self ? self->assign : NULL;
}

const rota_shortfall_t *rota_plan_shortfalls(const rota_plan_t *self, size_t *n)
{
    *n = self ? self->nshort : 0;
    return self ? self->shortfall : NULL;
}

int rota_plan_count(const rota_plan_t *self, int64_t member_id)
{
    if (!self || !self->nmembers)
        return -1;
    const int64_t *at = bsearch(&member_id, self->ids, self->nmembers, sizeof *self->ids, s_cmp_i64);
    return at ? self->month[at - self->ids] : -1;
}

/* ---- edits and swaps ------------------------------------------------------------ */

static int s_same(const rota_assignment_t *a, const rota_assignment_t *b)
{
    return b && a->room_id == b->room_id && a->date == b->date && a->member_id == b->member_id;
}

/* Like rota_conflict, skipping the rows equal to `skip1` or `skip2`. */
static rota_check_t s_check(const rota_assignment_t *existing, size_t n,
                            const rota_assignment_t *proposed, const rota_assignment_t *skip1,
                            const rota_assignment_t *skip2, rota_assignment_t *conflict)
{
    rota_check_t verdict = ROTA_FREE;
    for (size_t i = 0; i < n; i++) {
        const rota_assignment_t *e = &existing[i];
        if (s_same(e, skip1) || s_same(e, skip2))
            continue;
        if (e->member_id != proposed->member_id || e->date != proposed->date)
            continue;
        if (e->room_id != proposed->room_id) {
            if (conflict)
                *conflict = *e;
            return ROTA_CONFLICT;           /* a clash outranks a duplicate */
        }
        verdict = ROTA_DUPLICATE;
        if (conflict)
            *conflict = *e;
    }
    return verdict;
}

rota_check_t rota_conflict(const rota_assignment_t *existing, size_t n,
                           const rota_assignment_t *proposed, const rota_assignment_t *replacing,
                           rota_assignment_t *conflict)
{
    return s_check(existing, n, proposed, replacing, NULL, conflict);
}

rota_check_t rota_swap_conflict(const rota_assignment_t *existing, size_t n,
                                const rota_assignment_t *a, const rota_assignment_t *b,
                                rota_assignment_t *conflict)
{
    if (a->member_id == b->member_id)
        return ROTA_DUPLICATE;
    rota_assignment_t b_takes_a = {a->room_id, a->date, b->member_id};
    rota_assignment_t a_takes_b = {b->room_id, b->date, a->member_id};
    rota_check_t v = s_check(existing, n, &b_takes_a, a, b, conflict);
    if (v != ROTA_FREE)
        return v;
    return s_check(existing, n, &a_takes_b, a, b, conflict);
}
