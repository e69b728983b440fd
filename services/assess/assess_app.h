/* assess_app: lianxin-assess's state from the configuration: the key that
 * signs check-in links (assess.checkin_key, 64 hex digits; a random one per
 * process when unset, logged as such) and the check-in window before a
 * meeting starts (assess.checkin_before_min, default 60); the console's
 * public address the QR codes point to (assess.public_url, "" for a link
 * relative to the console). One per process,
 * read-only after assess_app_init. Never logs the key. */
#ifndef LIANXIN_ASSESS_APP_H
#define LIANXIN_ASSESS_APP_H

#include <stdint.h>
#include "calendar.h"
#include "checkin_cfg.h"
#include "config.h"
#include "tx.h"

typedef struct assess_app {
    checkin_cfg_t checkin;       /* assess.checkin_key, .checkin_before_min, .public_url */
} assess_app_t;

/* service_def_t.init. 0, or -1 (logged: a bad key). */
int assess_app_init(const config_t *cfg, void **app);
void assess_app_fini(void *app);

/* Today in UTC+8, from the transaction's clock. */
calendar_day_t assess_today(const tx_t *tx);

#endif
