/* deliveries: records the external deliveries of an event (e-mail, SMS) in
 * notify.deliveries, inside the consumer's transaction, together with the
 * inbox item: recorded before anything is sent (sender.h sends them). One
 * row per recipient with a contact for the channel (notify.contacts) whose
 * preferences allow it (notify.preferences; none: every channel), keyed by
 * "<district>/<producer>/<seq>/<channel>/<kind>/<id>", the idempotency key,
 * so a redelivered event adds nothing. An e-mail to a recipient who chose
 * the daily digest is recorded as 'digest' instead of pending. Never logs
 * addresses or texts. */
#ifndef LIANXIN_NOTIFY_DELIVERIES_H
#define LIANXIN_NOTIFY_DELIVERIES_H

#include "envelope.pb-c.h"
#include "tx.h"

/* Deliveries on `channel` ("email", "sms") of the item of (event, rkind)
 * to the recipients `ids` (array text) of kind `rkind`; for a fired
 * reminder (reminders.h) the event is its item's: producer "notify", seq
 * the reminder's id. 0 or -1 (logged). */
int deliveries_enqueue(tx_t *tx, const Lianxin__V1__Event *ev, const char *channel,
                       const char *rkind, const char *ids, const char *subject,
                       const char *body);

/* The webhook delivery of an event to partner `partner` (recipient kind
 * "partner", no inbox item), its body the event as JSON; keyed
 * "<district>/<producer>/<seq>/webhook/partner/<code>". 0 or -1 (logged). */
int deliveries_webhook(tx_t *tx, const Lianxin__V1__Event *ev, const char *partner,
                       const char *body);

#endif
