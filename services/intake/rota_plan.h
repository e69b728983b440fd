/* rota_plan: proposes a month's duty rota (值班) for every work room, and
 * checks manual edits and swaps for double-booking. Pure: no I/O, no clock,
 * no database; the caller loads rooms, members and existing rows and stores
 * the result. Never fails for want of members: unfilled days are reported. */
#ifndef LIANXIN_ROTA_PLAN_H
#define LIANXIN_ROTA_PLAN_H

#include <stddef.h>
#include <stdint.h>
#include "calendar.h"

#define ROTA_DEFAULT_RECEPTION_DAY 25
#define ROTA_DEFAULT_PER_DAY 2
#define ROTA_MAX_PER_DAY 7          /* a room has 4-7 members */
#define ROTA_MAX_ROOMS 2000
#define ROTA_MAX_MEMBERS 20000
#define ROTA_MAX_DAYS 8             /* duty days of one room in one month */

typedef struct rota_room {
    int64_t id;
    int reception_day;              /* 1-28; 0 means ROTA_DEFAULT_RECEPTION_DAY */
    int staffs_saturday;            /* nonzero: also every Saturday that is not a holiday */
    int per_day;                    /* members per duty day, 1-7; 0 means ROTA_DEFAULT_PER_DAY */
    const int64_t *eligible;        /* who may serve here; NULL: every member of the district */
    size_t neligible;
} rota_room_t;

typedef struct rota_member {
    int64_t id;
    int past_duties;                /* duties before this month: the fairness baseline */
    const calendar_day_t *unavailable;  /* declared unavailable dates, any order */
    size_t nunavailable;
} rota_member_t;

/* One member on duty in one room on one day (a row of intake.rota). */
typedef struct rota_assignment {
    int64_t room_id;
    calendar_day_t date;
    int64_t member_id;
} rota_assignment_t;

/* A duty day that could not be fully staffed. */
typedef struct rota_shortfall {
    int64_t room_id;
    calendar_day_t date;
    int wanted;                     /* members wanted that day */
    int missing;                    /* how many of them could not be found */
} rota_shortfall_t;

typedef struct rota_input {
    int year, month;
    const calendar_t *cal;          /* NULL: plain weekends (callers should warn) */
    const rota_room_t *rooms;
    size_t nrooms;
    const rota_member_t *members;   /* every active member of the district */
    size_t nmembers;
    const rota_assignment_t *fixed; /* rows already decided (kept; they count and block) */
    size_t nfixed;
    uint64_t seed;                  /* ties: 0 = lowest member id first, else a seeded shuffle */
} rota_input_t;

typedef struct rota_plan rota_plan_t;

/* The duty days of `room` in year-month, ascending, into `out` (room for
 * ROTA_MAX_DAYS): the reception day, moved to the next working day when it
 * is a rest day (it may then fall early in the next month), and, for rooms
 * that staff Saturdays, every Saturday of the month that is not a public
 * holiday (a make-up Saturday is staffed). Returns the count, or -1 when the
 * month or the room's reception day is out of range. */
int rota_duty_days(const calendar_t *cal, int year, int month, const rota_room_t *room,
                   calendar_day_t out[ROTA_MAX_DAYS]);

/* Proposes the month. Duty days are filled in date order, rooms in input
 * order; each place goes to the member with the fewest duties so far (past
 * duties + this month's, fixed ones included), ties broken by `seed`, among
 * those eligible for the room, not declared unavailable that day and not
 * already on duty anywhere that day. Fixed assignments dated in the month
 * (or on a duty day moved past its end) count for their member and fill
 * their room's place; they are not repeated in the output. Returns NULL
 * when the input is invalid or memory ran out, with the reason in `err`
 * ("rooms[2].per_day out of range"). */
rota_plan_t *rota_plan_new(const rota_input_t *in, char *err, size_t errsz);

/* Idempotent; sets *self_p to NULL. */
void rota_plan_destroy(rota_plan_t **self_p);

/* The new assignments, in date order then room order, and the shortfalls. */
const rota_assignment_t *rota_plan_assignments(const rota_plan_t *self, size_t *n);
const rota_shortfall_t *rota_plan_shortfalls(const rota_plan_t *self, size_t *n);

/* A member's duties this month in the plan (fixed and new), -1 when unknown. */
int rota_plan_count(const rota_plan_t *self, int64_t member_id);

/* ---- edits and swaps ------------------------------------------------------- */

typedef enum {
    ROTA_FREE = 0,                  /* no conflict */
    ROTA_CONFLICT = 1,              /* the member is on duty in another room that day (409) */
    ROTA_DUPLICATE = 2              /* the member already has exactly this duty */
} rota_check_t;

/* Checks `proposed` against `existing`, skipping `replacing` (the row an edit
 * replaces; NULL for a new row). On a clash, *conflict (may be NULL) receives
 * the existing row: its member, its date and the other room. */
rota_check_t rota_conflict(const rota_assignment_t *existing, size_t n,
                           const rota_assignment_t *proposed, const rota_assignment_t *replacing,
                           rota_assignment_t *conflict);

/* Checks a swap: a's member takes b's duty and b's member takes a's, both
 * rows set aside while checking. ROTA_DUPLICATE when a and b have the same
 * member (nothing to swap); else the first clash of the two new rows, as
 * rota_conflict answers it (b's member checked first), or ROTA_FREE. */
rota_check_t rota_swap_conflict(const rota_assignment_t *existing, size_t n,
                                const rota_assignment_t *a, const rota_assignment_t *b,
                                rota_assignment_t *conflict);

#endif
