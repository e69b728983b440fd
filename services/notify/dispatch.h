/* dispatch: applies the rules (rules.h) to the events notify consumes. It
 * owns the service's state (the loaded rules) and builds the consumer's
 * route table: the fixed routes main.c declares (visit.recorded, batched)
 * and one route per event type of the rules file, each applied by
 * dispatch_apply, so a new rule needs no C function. */
#ifndef LIANXIN_NOTIFY_DISPATCH_H
#define LIANXIN_NOTIFY_DISPATCH_H

#include <stddef.h>
#include "config.h"
#include "evroute.h"
#include "channels.h"
#include "digest.h"
#include "reminders.h"
#include "rules.h"
#include "sender.h"

enum { DISPATCH_EMAIL, DISPATCH_SMS, DISPATCH_WEBHOOK, DISPATCH_NCHANNELS };

typedef struct dispatch {
    rules_t *rules;
    reminders_t *reminders;             /* deploy/notify/reminders.json (reminders.h) */
    evroute_t *routes;                  /* fixed + one per rule event type */
    size_t nroutes;
    channels_cfg_t channels;
    unsigned enabled;                   /* RULES_CH_* of the configured external channels */
    sender_t *senders[DISPATCH_NCHANNELS];
    digest_cfg_t digest;                /* notify.digest_hour (digest.h) */
} dispatch_t;

/* Loads the rules file of config key notify.rules (default
 * deploy/notify/rules.json) against the payload messages notify knows, and
 * builds the route table from `fixed` (copied first) and the rules; starts
 * a sender thread (sender.h) for each configured external channel
 * (notify.smtp_url, notify.sms_url; notify.quiet_hours default
 * 22:00-08:00, notify.retry_max default 5, notify.retry_base_ms default
 * 1000, notify.retry_cap_ms default 600000, notify.deliver_poll_ms default
 * 500); loads the reminders of notify.reminders (default
 * deploy/notify/reminders.json, reminders.h) and routes their events too.
 * NULL when the rules, templates or those keys are wrong (logged: the
 * fault), which stops notify from starting. */
dispatch_t *dispatch_new(const config_t *cfg, const ProtobufCMessageDescriptor *const *payloads,
                         size_t npayloads, const evroute_t *fixed, size_t nfixed);
void dispatch_free(dispatch_t *d);

/* evroute_apply_fn of every rule event (`app`: the dispatch_t): each rule
 * of the event's type whose conditions hold writes one inbox item for its
 * recipients, with the title and body of its inbox template, and records
 * the deliveries of its configured external channels (deliveries.h). 0, or
 * -1 when a statement failed or a text did not fit (the run is retried). */
int dispatch_apply(tx_t *tx, const Lianxin__V1__Event *ev, const ProtobufCMessage *msg,
                   void *app);

#endif
