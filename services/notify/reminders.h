/* reminders: notify's reminders from data (a unit's deadline in 7 and in 1
 * working days, overdue). deploy/notify/reminders.json is a rules file
 * (rules.h: payload, conditions, recipients, object, template) whose rules
 * each carry a "remind" block:
 *   {"due": "due_date", "workdays": -7, "also": ["item.updated"],
 *    "until": ["proposal.replied"]}
 * The rule's event (and the events of "also") ARMS one reminder per (kind =
 * the rule's item_kind, source = its object): a row of notify.reminders with
 * the texts and recipients rendered from that event's payload, due at the
 * start (UTC+8) of the working day `workdays` away from the payload's due
 * date (negative: before it, common/calendar's calendar_sub_workdays; 0: the
 * due date; positive: after it, calendar_add_workdays); the events of
 * "until" DISARM it (the rows not fired yet are deleted). common/timers fires
 * the due rows under the lease notify/<district>, each once, writing ONE inbox
 * item (producer 'notify', seq the reminder's id) and, on the channels the
 * rule names ("inbox", "email", "sms") that notify has configured, the
 * e-mail and SMS deliveries of its recipients (deliveries.h, with the texts
 * rendered when it was armed; keyed like the item, so a fire repeated adds
 * nothing; sent by sender.h: retries, quiet hours, preferences, digest).
 * No C per reminder kind. Never logs titles, bodies or payloads. */
#ifndef LIANXIN_NOTIFY_REMINDERS_H
#define LIANXIN_NOTIFY_REMINDERS_H

#include <stddef.h>
#include <jansson.h>
#include "calendar.h"
#include "calsync.h"
#include "evroute.h"
#include "rules.h"
#include "timers.h"

#define REMINDERS_MAX_EVENTS 4          /* events of "also", and of "until" */
#define REMINDERS_MAX_WORKDAYS 250      /* |workdays| */
#define REMINDERS_CHANNELS (RULES_CH_INBOX | RULES_CH_EMAIL | RULES_CH_SMS) /* a reminder's */

typedef struct reminders_rule {
    const rules_rule_t *rule;           /* the rules entry: recipients, object, texts */
    const ProtobufCFieldDescriptor *due;/* a string field YYYY-MM-DD */
    int workdays;
    char *arm[1 + REMINDERS_MAX_EVENTS];/* the rule's event, then "also" */
    size_t narm;
    char *until[REMINDERS_MAX_EVENTS];
    size_t nuntil;
} reminders_rule_t;

typedef struct reminders {
    rules_t *rules;
    size_t n;
    reminders_rule_t r[RULES_MAX];
    timers_kind_t kinds[RULES_MAX];     /* one per distinct item_kind, all reminders_fire */
    size_t nkinds;
    calsync_t *cal;
} reminders_t;

/* Loads the reminders file `path` (a rules file, rules_load) and checks each
 * rule's "remind" block: `due` a string field of the payload, `workdays`
 * within +-REMINDERS_MAX_WORKDAYS, "also" and "until" event names (at most
 * REMINDERS_MAX_EVENTS each), channels among REMINDERS_CHANNELS (no
 * partner, no webhook), ids recipients (no role), one reminder per
 * (item_kind, object type). The file is read and parsed once
 * (rules_load_json). `check_ms`: how often the working-day calendar is
 * looked at (calsync.h). NULL with the fault in err. */
reminders_t *reminders_load(const char *path, const ProtobufCMessageDescriptor *const *payloads,
                            size_t npayloads, int check_ms, char *err, size_t errsz);
void reminders_free(reminders_t *rm);

/* The timers declaration of the reminders (table notify.reminders, keys
 * source_type, source_id, a kind per item_kind). nkinds 0 when none. */
timers_def_t reminders_timers(const reminders_t *rm);

/* Appends to routes[*n] (room for `max`) a route with `apply` for each event
 * the reminders arm or disarm that has none yet. 0, or -1 (err) when an
 * event is already routed with another payload or there is no room. */
int reminders_routes(const reminders_t *rm, evroute_t *routes, size_t *n, size_t max,
                     evroute_apply_fn *apply, char *err, size_t errsz);

/* The number of events reminders_routes may add (for sizing). */
size_t reminders_nevents(const reminders_t *rm);

/* The day a reminder `workdays` working days from `due` fires on (see
 * above). 0, or -1 out of range. Pure. */
int reminders_fire_day(const calendar_t *cal, calendar_day_t due, int workdays,
                       calendar_day_t *out);

/* Arms and disarms the reminders of event `ev` (its payload as JSON) inside
 * the consumer's transaction. 0, or -1 when a statement failed or a text
 * did not fit (the run is retried). */
int reminders_apply(tx_t *tx, const Lianxin__V1__Event *ev, const json_t *payload,
                    reminders_t *rm);

/* timers_fire_fn of every reminder kind (`app`: the dispatch_t, for its
 * configured channels; NULL: none): writes the row's inbox item and records
 * its e-mail and SMS deliveries (producer 'notify', seq the row's id). */
int reminders_fire(tx_t *tx, const timers_row_t *row, void *app);

#endif
