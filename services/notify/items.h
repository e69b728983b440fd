/* items: how notify writes an inbox item for an event, shared by the rules
 * of every producer's events (dispatch.c): ONE row of notify.items per
 * (event, recipient kind) carrying its recipients, keyed by the event's
 * stream and number so a redelivered event adds nothing; read state is
 * written only when read (inbox.c). Runs in the consumer's transaction.
 * Never logs titles, bodies or payloads. */
#ifndef LIANXIN_NOTIFY_ITEMS_H
#define LIANXIN_NOTIFY_ITEMS_H

#include "envelope.pb-c.h"
#include "tx.h"

/* One item for the recipients `ids` (an array text "{3,7}", distinct, in
 * order; "{0}" for a role item) of kind `rkind` ("member", "unit",
 * "role:leader"); `kind` the item's kind, `otype`/`oid` the object it is
 * about. ON CONFLICT DO NOTHING. 0, or -1 when the statement failed (logged
 * with the event's stream and SQLSTATE): the consumer retries the run. */
int items_insert(tx_t *tx, const Lianxin__V1__Event *ev, const char *rkind, const char *ids,
                 const char *kind, const char *title, const char *body, const char *otype,
                 long long oid);

#endif
