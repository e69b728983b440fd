/* item_timers: the fire functions of lianxin-supervise's timer rows
 * (supervise.timers, key item_id): the ladder's steps ladder.urged,
 * ladder.followed, ladder.supervised (each publishes item.<step> and its
 * audit row once, and only while the item is open and below that step),
 * and lookback.due (the office is reminded of a look-back). */
#ifndef LIANXIN_SUPERVISE_ITEM_TIMERS_H
#define LIANXIN_SUPERVISE_ITEM_TIMERS_H

#include "timers.h"

timers_fire_fn item_timers_urge;
timers_fire_fn item_timers_follow;
timers_fire_fn item_timers_supervise;
timers_fire_fn item_timers_lookback;

#endif
