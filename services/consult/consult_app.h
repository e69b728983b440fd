/* consult_app: lianxin-consult's state: the business-day calendar (a
 * calsync, worker thread only), the public notice's display period
 * (consult.notice_days), the check-in settings (common/checkin_cfg) and the
 * key ring that seals the contacts (crypto.*, common/seal). One
 * per process, set by consult_app_init. Includes what every handler uses.
 * Never logs configuration values. */
#ifndef LIANXIN_CONSULT_APP_H
#define LIANXIN_CONSULT_APP_H

#include "calendar.h"
#include "calsync.h"
#include "checkin_cfg.h"
#include "cmd.h"
#include "config.h"
#include "db.h"
#include "seal.h"
#include "textfmt.h"

typedef struct consult_app {
    calsync_t *cal;
    int notice_days;
    checkin_cfg_t checkin;          /* consult.checkin_key, .checkin_before_min, .public_url */
    seal_ring_t *ring;              /* crypto.key, crypto.keys, crypto.current, crypto.suite */
} consult_app_t;

/* service_def_t.init. 0, or -1 (logged: a value out of range, no usable
 * crypto.key). */
int consult_app_init(const config_t *cfg, void **app);
void consult_app_fini(void *app);

/* Today in UTC+8, from the transaction's clock. */
calendar_day_t consult_today(const tx_t *tx);

#endif
