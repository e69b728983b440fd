/* supervise_app: lianxin-supervise's state from the configuration: the
 * working-day calendar (a calsync, worker thread only) and the ladder's
 * defaults (supervise.urge_workdays, supervise.escalate_workdays; a district
 * overrides them in supervise.ladders), the working days a unit has to
 * report on a promise falling due (supervise.lookback_workdays), the
 * check-in settings of the activities (common/checkin_cfg). One per
 * process, read-only after init (but for calsync's cache). Never logs
 * configuration values. */
#ifndef LIANXIN_SUPERVISE_APP_H
#define LIANXIN_SUPERVISE_APP_H

#include "calendar.h"
#include "calsync.h"
#include "checkin_cfg.h"
#include "cmd.h"
#include "config.h"
#include "db.h"
#include "ladder.h"

typedef struct supervise_app {
    calsync_t *cal;
    ladder_cfg_t ladder;                /* the installation's default */
    int lookback_workdays;
    checkin_cfg_t checkin;              /* supervise.checkin_key, .checkin_before_min, .public_url */
} supervise_app_t;

/* service_def_t.init. 0, or -1 (logged: a value out of range). */
int supervise_app_init(const config_t *cfg, void **app);
void supervise_app_fini(void *app);

/* The ladder of `district` (its supervise.ladders row, else the default)
 * into *out, on the transaction's connection. 0, or -1 (db error). */
int supervise_app_ladder(const supervise_app_t *app, tx_t *tx, const char *district,
                         ladder_cfg_t *out);

/* supervise.SetLadder (office): the district's ladder (supervise.ladders),
 * for the items armed from now on (an armed timer keeps its day). */
int supervise_app_set_validate(const cmd_ctx_t *ctx, cmd_result_t *res);
int supervise_app_set_execute(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res);

/* Today in UTC+8, from the transaction's clock. */
calendar_day_t supervise_today(const tx_t *tx);

#endif
