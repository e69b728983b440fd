/* items: a tracked item as loaded and changed by the routes, the commands
 * and the timers alike: loading under a row lock, one step (state, step,
 * flags, timeline row, the item.* event with its audit row), arming the
 * ladder's timer rows from the plan (ladder.h) and disarming them when the
 * unit answers, and the idempotent registration from a source promise.
 * Internal to lianxin-supervise. Never logs personal data. */
#ifndef LIANXIN_SUPERVISE_ITEMS_H
#define LIANXIN_SUPERVISE_ITEMS_H

#include <stdint.h>
#include "envelope.pb-c.h"
#include "item_fsm.h"
#include "supervise.pb-c.h"
#include "supervise_app.h"

#define ITEM_TITLE_MAX 600              /* bytes; longer titles are cut at a character */

typedef struct item {
    int64_t id;
    char district[17];
    item_state_t st;
    ladder_step_t step;
    unsigned flags;                     /* ITEM_REFERRED, ITEM_LOOKBACK as stored */
    char source[12];
    int64_t source_id;
    char source_ref[32];
    char title[ITEM_TITLE_MAX + 8];
    int64_t unit_id;
    calendar_day_t due;
    char leader[130];
    char concerns[12];
} item_t;

/* A promise handed over by another service. */
typedef struct item_source {
    const char *source;                 /* proposal, lookback, issue, outcome, letter, milestone */
    int64_t source_id;
    const char *ref;                    /* "" when none */
    const char *title;
    int64_t unit_id;
    calendar_day_t due;
    const char *leader;                 /* "" when none */
} item_source_t;

/* Loads and locks item `id` of `district`; with `unit_id` > 0 only when it
 * is that unit's. 1 found, 0 not, -1 db error. */
int item_load(tx_t *tx, const char *district, int64_t id, int64_t unit_id, item_t *it);

/* The flags the machine's guards read: stored flags plus ITEM_SUPERVISED
 * at 督办. */
unsigned item_subject(const item_t *it);

/* Stores `it` (state, step, flags, due date), appends the timeline row
 * `event` with `note`, buffers the event "item.<event>" (or `type` when not
 * NULL) with its audit row, by `actor`. 0 or -1. */
int item_step(tx_t *tx, supervise_app_t *app, const Lianxin__V1__Actor *actor, item_t *it,
              const char *event, const char *type, const char *note);

/* Arms the ladder's timers for the steps above `it->step` (due date
 * it->due, on today's date): a step whose day comes later fires at the
 * start of its day, the highest step whose day has come fires at the next
 * tick, the steps passed over are dropped. 0 or -1. */
int item_arm(tx_t *tx, supervise_app_t *app, const item_t *it);

/* Drops the ladder's unfired timers of `it` (the unit answered). 0 or -1. */
int item_disarm(tx_t *tx, const item_t *it);

/* Registers the promise `src` of `district` once (item.registered), or
 * updates its item when the promise changed (item.updated; a new due date
 * restarts the ladder of an item not yet closed, reopening an answered
 * one). A promise identical to the stored one changes nothing. A unit
 * unknown in the district is skipped (logged, 0). The item's id into *id
 * when `id` is not NULL (0 when skipped). 0 or -1 (db error). */
int item_register(tx_t *tx, supervise_app_t *app, const char *district,
                  const item_source_t *src, int64_t *id);

/* The open item of the promise (source, source_id) answered by `actor`
 * (the unit's reply came through another service, a plan arrived): the
 * ladder stops. No such open item: nothing. 0 or -1. */
int item_answer_source(tx_t *tx, supervise_app_t *app, const char *district,
                       const Lianxin__V1__Actor *actor, const char *source, int64_t source_id,
                       const char *note);

/* The item's data into the event message (strings point into `it` and
 * `due`, which must outlive `m`). */
void item_message(const item_t *it, const calendar_t *cal, calendar_day_t today,
                  Lianxin__V1__ItemChanged *m, char due[11]);

#endif
