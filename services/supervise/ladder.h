/* ladder: the chase ladder of a tracked item as pure logic: 登记 registered
 * → 催办 urged (N working days before the due date) → 跟办 followed (on the
 * due date) → 督办 supervised (M working days after it), on the working-day
 * calendar, configurable per district. Decides which step falls on which
 * day and which of them still have to fire; never performs one (the timers
 * in item_timers.c do). No I/O, no logging. */
#ifndef LIANXIN_SUPERVISE_LADDER_H
#define LIANXIN_SUPERVISE_LADDER_H

#include "calendar.h"

typedef enum {
    LADDER_REGISTERED = 0,
    LADDER_URGED = 1,
    LADDER_FOLLOWED = 2,
    LADDER_SUPERVISED = 3,
    LADDER_NSTEPS = 4
} ladder_step_t;

#define LADDER_WORKDAYS_MAX 250         /* bound on N and M */

/* A district's ladder: urge N working days before, supervise M after. */
typedef struct ladder_cfg {
    int urge_workdays;                  /* N, 1..LADDER_WORKDAYS_MAX */
    int escalate_workdays;              /* M, 1..LADDER_WORKDAYS_MAX */
} ladder_cfg_t;

typedef enum {
    LADDER_DONE = 0,                    /* at or below the step the item is on: nothing */
    LADDER_SCHEDULED = 1,               /* fires at the start of its day */
    LADDER_NOW = 2,                     /* its day has come: fires at once */
    LADDER_SKIPPED = 3                  /* its day passed and a later step's has too */
} ladder_when_t;

typedef struct ladder_plan {
    calendar_day_t day[LADDER_NSTEPS];  /* the day each step falls on ([0]: unused) */
    ladder_when_t when[LADDER_NSTEPS];
} ladder_plan_t;

/* 1 when `cfg` is within bounds. */
int ladder_cfg_ok(const ladder_cfg_t *cfg);

/* The names as stored and sent ("registered" ...), NULL out of range; and
 * back, -1 for an unknown name. */
const char *ladder_step_name(ladder_step_t step);
int ladder_step_from_name(const char *name);

/* The latest working day d before `due` with N working days in (d, due]:
 * the day to urge an item due on `due`. 0, or -1 out of range. */
int ladder_urge_day(const calendar_t *cal, calendar_day_t due, int n, calendar_day_t *out);

/* The plan of an item due on `due`, now at step `at`, on day `today`: the
 * steps above `at` each get their day and whether they are still to fire
 * (SCHEDULED), due now (NOW: only the highest step whose day has come), or
 * passed over (SKIPPED: an item registered late does not urge after its due
 * date). 0, or -1 for a bad configuration or a date out of range. */
int ladder_plan(const calendar_t *cal, const ladder_cfg_t *cfg, calendar_day_t due,
                ladder_step_t at, calendar_day_t today, ladder_plan_t *out);

/* 1 when a timer of step `step` climbs an item at step `at`: only an open
 * item (an answer stops the ladder, a closure ends it) below that step (a
 * step fires once; a late timer of a lower step does nothing). */
int ladder_fires(int open, ladder_step_t at, ladder_step_t step);

/* Working days an item due on `due` is overdue on `today`: 0 when not. */
int ladder_overdue(const calendar_t *cal, calendar_day_t due, calendar_day_t today);

/* The step an item due on `due` has reached on `today` by the plan alone
 * (what the timers will have fired once they caught up). */
ladder_step_t ladder_step_on(const calendar_t *cal, const ladder_cfg_t *cfg, calendar_day_t due,
                             calendar_day_t today);

#endif
