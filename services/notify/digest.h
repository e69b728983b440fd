/* digest: the daily digest. The e-mails recorded as 'digest' (a recipient
 * who chose it, deliveries.h) are gathered, once a day at the configured
 * hour of the one clock (UTC+8), into ONE e-mail per recipient: a delivery
 * of its own (item_id NULL, status pending) keyed
 * "<district>/digest/<YYYY-MM-DD>/email/<kind>/<id>", sent by the e-mail
 * sender like any other; the gathered rows keep status 'digest' and point at
 * it (digest_id). A periodic timer kind (timers.h): it runs under the
 * district lease, and the key makes a second run of the day insert nothing.
 * Never logs addresses or texts. */
#ifndef LIANXIN_NOTIFY_DIGEST_H
#define LIANXIN_NOTIFY_DIGEST_H

#include <stdint.h>
#include "config.h"
#include "tx.h"

#define DIGEST_LIST_MAX 50          /* items listed in one digest; the rest counted */
#define DIGEST_BODY_CHARS 200       /* of each item's text in the digest */

typedef struct digest_cfg {
    int hour;                       /* notify.digest_hour, 0..23 (default 18), UTC+8 */
} digest_cfg_t;

/* Reads notify.digest_hour. 0, or -1 when out of range (logged). */
int digest_config(const config_t *cfg, digest_cfg_t *out);

/* Pure: the instant (us) of today's digest hour in UTC+8 when `now_us` is
 * at or past it, with its local date "YYYY-MM-DD" in date (11 bytes); 0
 * before the hour (nothing due yet). */
int64_t digest_due(int hour, int64_t now_us, char date[11]);

/* timers_every_fn (`app`: the dispatch_t): gathers the district's waiting
 * rows created before today's hour into their digests when the hour has
 * come. 0, or -1 (the statement failed; logged). */
int digest_every(tx_t *tx, const char *district, void *app);

#endif
