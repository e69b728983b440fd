/* assess_store: the member files in schema assess: an act written (or
 * replaced) from a fact, and a member's year recomputed by the rules into
 * assess.files, flagging the member once when absences reach the rules'
 * thresholds (member.flagged). Worker thread, inside the caller's
 * transaction. Never logs personal data. */
#ifndef LIANXIN_ASSESS_STORE_H
#define LIANXIN_ASSESS_STORE_H

#include "assess_map.h"
#include "assess_rules.h"
#include "envelope.pb-c.h"
#include "db.h"
#include "tx.h"

/* Writes the act of `f` for the event `ev` (its district, producer, seq):
 * a new row, or the row of the same source replaced by a later event. 0 or -1. */
int assess_store_put(tx_t *tx, const Lianxin__V1__Event *ev, const assess_fact_t *f);

/* Many acts written in one statement (the rebuild): the facts of one
 * stream's page, the latest event winning per source as in assess_store_put. */
typedef struct assess_batch {
    db_array_t member, kind, source, source_id, day, status, title, seq;
    size_t n;
} assess_batch_t;

void assess_batch_begin(assess_batch_t *b);
void assess_batch_add(assess_batch_t *b, const Lianxin__V1__Event *ev, const assess_fact_t *f);
/* Writes the batch's acts for (district, producer) and empties it. 0 or -1. */
int assess_batch_flush(tx_t *tx, const char *district, const char *producer, assess_batch_t *b);
void assess_batch_free(assess_batch_t *b);

/* The rules of a district's year: its row of assess.rules, else the
 * default. 0 or -1 (SQL error). */
int assess_store_rules(tx_t *tx, const char *district, int year, assess_rules_t *out);

/* Recomputes the file of one member's year from assess.acts; when the
 * absences reach a threshold and the member was not flagged this year,
 * flags them and buffers member.flagged; and their liaison group's year
 * when an act of `kind` (NULL: any) counts for the six at least. 0 or -1. */
int assess_store_refresh(tx_t *tx, const char *district, int64_t member, int year,
                         const char *kind);

/* Recomputes every file of a district's year (after a rebuild or new rules),
 * then every liaison group's year once; *members is how many files. 0 or -1. */
int assess_store_refresh_year(tx_t *tx, const char *district, int year, int *members);

/* Periodic (timers .every): a liaison group's year last judged before today
 * is judged again, so a period that ended without any act shows as missed
 * the day after; and this year once for the groups not judged in it yet
 * (none of their members has an act of the six). One statement when there
 * is nothing to do. 0 or -1. */
int assess_store_groups_tick(tx_t *tx, const char *district, void *app);

#endif
