/* consult_schedule: venues, the consultation's time and place, and the
 * earliest free slots: the bookings of the parties asked about (their other
 * consultations, the venue's, the members' reception duties from
 * consult.duties) read from the database, the decision taken by the pure
 * consult_sched. A conflict answers 409 naming who or what and when. */
#ifndef LIANXIN_CONSULT_SCHEDULE_H
#define LIANXIN_CONSULT_SCHEDULE_H

#include "consult_int.h"
#include "consult_sched.h"

/* consult.CreateVenue (VenueDraft, office). */
int consult_venues_create(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res);

/* The schedule event (ConsultationAction: venue_id, starts_at, ends_at). */
int consult_schedule_set(tx_t *tx, const cmd_ctx_t *ctx, consultation_t *c,
                         cmd_result_t *res);

/* Whether venue `venue_id` holds the participants of consultation `cid`
 * who have not declined, plus `more`. 0, or -1 with res set: 422 venue_id
 * not_found, 409 venue_id too_small. */
int consult_schedule_room(tx_t *tx, const char *district, int64_t venue_id, int64_t cid,
                          int more, cmd_result_t *res);

/* Whether `extra` (one more party, may be NULL) and the consultation's
 * parties are free over its scheduled time (nothing to check when it is not
 * scheduled). 0, or -1 with res set (409 naming the conflict). */
int consult_schedule_check(tx_t *tx, const char *district, const consultation_t *c,
                           const sched_party_t *extra, cmd_result_t *res);

/* consult.SuggestSlots (SlotQuery, office): SlotList. */
int consult_schedule_suggest(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res);

#endif
