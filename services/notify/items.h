/* items: how notify writes an inbox item for an event, shared by the
 * rules of every producer's events (dispatch.c): one row per recipient,
 * keyed by the event's stream and number so a redelivered event adds
 * nothing. Runs in the consumer's transaction. Never logs titles,
 * bodies or payloads. */
#ifndef LIANXIN_NOTIFY_ITEMS_H
#define LIANXIN_NOTIFY_ITEMS_H

#include "envelope.pb-c.h"
#include "tx.h"

/* `who` selectors: the member or unit ids of the array text `ids` ($2)... */
#define ITEMS_MEMBERS "SELECT DISTINCT unnest($2::bigint[])"
/* ...or the one item of a role of the district (recipient_id 0; ids "{}"). */
#define ITEMS_ROLE "SELECT 0::bigint WHERE $2::text IS NOT NULL"

/* One inbox row per recipient of kind `rkind` ("member", "unit",
 * "role:leader") that the SQL `who` (one of the selectors above) yields from
 * `ids`; `kind` the item's kind, `otype`/`oid` the object it is about. ON
 * CONFLICT DO NOTHING. 0, or -1 when the statement failed (logged with the
 * event's stream and SQLSTATE): the consumer retries the run. */
int items_insert(tx_t *tx, const Lianxin__V1__Event *ev, const char *rkind, const char *who,
                 const char *ids, const char *kind, const char *title, const char *body,
                 const char *otype, long long oid);

#endif
