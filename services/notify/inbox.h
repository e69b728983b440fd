/* inbox: notify's in-app inbox. The visit.recorded route's functions turn
 * those events into one inbox row per recipient inside the consumer's transaction
 * (the cursor, not the unique key, is what makes it exactly-once); the
 * MarkRead handler marks the caller's own item read, and a role item read
 * for the caller alone. Never shows one recipient's items to another. */
#ifndef LIANXIN_INBOX_H
#define LIANXIN_INBOX_H

#include "cmd.h"
#include "config.h"
#include "evroute.h"

/* evroute_apply_fn of visit.recorded (`msg`: VisitRecorded) -> rows in
 * notify.inbox for the room's rota of the month and its head, once each
 * (ON CONFLICT DO NOTHING). A failed statement returns -1 so the run is
 * retried. */
int inbox_visit_recorded(tx_t *tx, const Lianxin__V1__Event *ev, const ProtobufCMessage *msg,
                         void *app);

/* evroute_apply_many_fn of visit.recorded: the same for the run's visits,
 * ONE INSERT for all their recipients. It does not skip rows that exist
 * already (cheaper; the cursor rules them out): 0, or -1 when the statement
 * failed, e.g. on such a duplicate (23505), and the consumer then applies
 * the run one by one with inbox_visit_recorded, which skips them. */
int inbox_visits_recorded(tx_t *tx, const Lianxin__V1__Event *const *evs,
                          const ProtobufCMessage *const *msgs, size_t n, void *app);

/* cmd_handler_t for notify.MarkRead (object_id = the inbox id): its row
 * admits every role in the command's district (main.c); validate checks
 * that the actor maps to a recipient (403), and that the id is a positive
 * integer (404 otherwise); execute sets read_at
 * (kept when already set) on the caller's own item, or, for an item
 * addressed to the caller's role in the caller's own district ("role:leader"),
 * in the caller's row of notify.inbox_reads (the other holders of the role
 * keep their own read state): 200 InboxRef, or 404 when the item is neither
 * the caller's nor their role's. A refusal writes nothing. */
int inbox_mark_read_validate(const cmd_ctx_t *ctx, cmd_result_t *res);
int inbox_mark_read_execute(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res);

#endif
