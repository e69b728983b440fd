/* inbox: notify's in-app inbox. The apply functions turn visit.recorded
 * events into one inbox row per recipient inside the consumer's transaction
 * (the cursor, not the unique key, is what makes it exactly-once); the
 * MarkRead handler marks the caller's own item read, and a role item read
 * for the caller alone. Never shows one recipient's items to another. */
#ifndef LIANXIN_INBOX_H
#define LIANXIN_INBOX_H

#include "cmd.h"
#include "config.h"
#include "consumer.h"

/* service_def_t.init / fini: the (small) state of the service. */
int inbox_init(const config_t *cfg, void **app);
void inbox_fini(void *app);

/* consumer_apply_fn: visit.recorded -> rows in notify.inbox for the room's
 * rota of the month and its head, once each. Other types: 0, nothing done.
 * A payload that cannot be unpacked is logged at error level (district,
 * producer, seq) and skipped, since retrying cannot fix it; a failed
 * statement returns -1 so the batch is retried. */
int inbox_apply(tx_t *tx, const Lianxin__V1__Event *ev, void *arg);

/* consumer_apply_many_fn: the same for a run of events, ONE INSERT for all
 * their recipients. It does not skip rows that exist already (cheaper; the
 * cursor rules them out): 0, or -1 when the statement failed, e.g. on such a
 * duplicate (23505), and the consumer then applies the run one by one with
 * inbox_apply, which skips them. */
int inbox_apply_many(tx_t *tx, const Lianxin__V1__Event *const *evs, size_t n, void *arg);

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
