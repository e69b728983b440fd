/* ladder: the chase ladder's days (see ladder.h). Pure. */
#include <string.h>
#include "ladder.h"

static const char *const s_names[LADDER_NSTEPS] = {"registered", "urged", "followed",
                                                   "supervised"};

int ladder_cfg_ok(const ladder_cfg_t *cfg)
{
    return cfg && cfg->urge_workdays >= 1 && cfg->urge_workdays <= LADDER_WORKDAYS_MAX
           && cfg->escalate_workdays >= 1 && cfg->escalate_workdays <= LADDER_WORKDAYS_MAX;
}

const char *ladder_step_name(ladder_step_t step)
{
    return step >= 0 && step < LADDER_NSTEPS ? s_names[step] : NULL;
}

int ladder_step_from_name(const char *name)
{
    for (int i = 0; name && i < LADDER_NSTEPS; i++)
        if (strcmp(s_names[i], name) == 0)
            return i;
    return -1;
}

int ladder_urge_day(const calendar_t *cal, calendar_day_t due, int n, calendar_day_t *out)
{
    if (n < 1 || n > LADDER_WORKDAYS_MAX)
        return -1;
    return calendar_sub_workdays(cal, due, n, out);
}

int ladder_plan(const calendar_t *cal, const ladder_cfg_t *cfg, calendar_day_t due,
                ladder_step_t at, calendar_day_t today, ladder_plan_t *out)
{
    if (!ladder_cfg_ok(cfg) || at < LADDER_REGISTERED || at >= LADDER_NSTEPS)
        return -1;
    memset(out, 0, sizeof *out);
    out->day[LADDER_FOLLOWED] = due;
    if (ladder_urge_day(cal, due, cfg->urge_workdays, &out->day[LADDER_URGED]) != 0
        || calendar_add_workdays(cal, due, cfg->escalate_workdays,
                                 &out->day[LADDER_SUPERVISED]) != 0)
        return -1;
    int now = -1;
    for (int s = at + 1; s < LADDER_NSTEPS; s++) {
        out->when[s] = out->day[s] > today ? LADDER_SCHEDULED : LADDER_SKIPPED;
        if (out->when[s] == LADDER_SKIPPED)
            now = s;
    }
    if (now > 0)
        out->when[now] = LADDER_NOW;
    return 0;
}

int ladder_overdue(const calendar_t *cal, calendar_day_t due, calendar_day_t today)
{
    long n = today > due ? calendar_workdays_between(cal, due, today) : 0;
    return n > 0 ? (int) n : 0;
}

ladder_step_t ladder_step_on(const calendar_t *cal, const ladder_cfg_t *cfg, calendar_day_t due,
                             calendar_day_t today)
{
    ladder_plan_t p;
    if (ladder_plan(cal, cfg, due, LADDER_REGISTERED, today, &p) != 0)
        return LADDER_REGISTERED;
    for (int s = LADDER_SUPERVISED; s > LADDER_REGISTERED; s--)
        if (p.day[s] <= today)
            return (ladder_step_t) s;
    return LADDER_REGISTERED;
}

int ladder_fires(int open, ladder_step_t at, ladder_step_t step)
{
    return open && step > at && step > LADDER_REGISTERED && step < LADDER_NSTEPS;
}
