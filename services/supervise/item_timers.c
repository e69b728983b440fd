/* item_timers: the ladder's steps and the look-back reminder (see
 * item_timers.h). Logs nothing: the timers module logs districts and
 * counts. */
#include <stdlib.h>
#include "item_timers.h"
#include "items.h"

/* Moves the item of `row` up to `step` when it is open and below it. */
static int s_climb(tx_t *tx, const timers_row_t *row, void *app, ladder_step_t step)
{
    item_t it;
    Lianxin__V1__Actor sys = timers_actor(row->district);
    int found = item_load(tx, row->district, strtoll(row->keys[0], NULL, 10), 0, &it);
    if (found <= 0)
        return found;
    if (!ladder_fires(it.st == ITEM_OPEN, it.step, step))
        return 0;                               /* answered, closed, or already there */
    it.step = step;
    return item_step(tx, app, &sys, &it, ladder_step_name(step), NULL, "");
}

int item_timers_urge(tx_t *tx, const timers_row_t *row, void *app)
{
    return s_climb(tx, row, app, LADDER_URGED);
}

int item_timers_follow(tx_t *tx, const timers_row_t *row, void *app)
{
    return s_climb(tx, row, app, LADDER_FOLLOWED);
}

int item_timers_supervise(tx_t *tx, const timers_row_t *row, void *app)
{
    return s_climb(tx, row, app, LADDER_SUPERVISED);
}

int item_timers_lookback(tx_t *tx, const timers_row_t *row, void *app)
{
    item_t it;
    Lianxin__V1__Actor sys = timers_actor(row->district);
    int found = item_load(tx, row->district, strtoll(row->keys[0], NULL, 10), 0, &it);
    if (found <= 0)
        return found;
    if (it.st != ITEM_CLOSED || !(it.flags & ITEM_LOOKBACK))
        return 0;
    return item_step(tx, app, &sys, &it, "lookback_due", NULL, "");
}
