/* intake_app: the intake service's state beyond visits_t: the business-day
 * calendar (a calsync over core.calendar_*, worker thread only), the grading
 * thresholds (intake.grading.*), the rota's default members per duty,
 * the calendar watch switch and the sealing key ring. One per process, set up by
 * intake_app_init (service_def_t.init) around visits_init, read-only
 * afterwards (but for calsync's own cache). Includes what every handler of
 * intake uses (cmd.h, db.h, textfmt.h). Never logs configuration values. */
#ifndef LIANXIN_INTAKE_APP_H
#define LIANXIN_INTAKE_APP_H

#include <stdint.h>
#include "calendar.h"
#include "calsync.h"
#include "cmd.h"
#include "config.h"
#include "db.h"
#include "textfmt.h"
#include "seal.h"
#include "grading.h"

typedef struct intake_app {
    calsync_t *cal;                 /* calsync_get(app->cal, tx_db(tx)) on the worker */
    grading_rules_t rules;
    int rota_per_day;               /* intake.rota_per_day, default 2 */
    int calendar_watch;             /* intake.calendar_watch, default 1 (calendar_watch.c) */
    seal_ring_t *ring;              /* crypto.key, crypto.keys, crypto.current, crypto.suite */
} intake_app_t;

/* service_def_t.init: visits_init (its state is what *app receives, so
 * visits.c keeps using ctx->app), then an empty calsync (calendar.check_ms;
 * the calendar is read from the database at its first use on the worker)
 * and the settings. 0 or -1 (logged). */
int intake_app_init(const config_t *cfg, void **app);

/* service_def_t.fini: visits_fini and frees the calsync. */
void intake_app_fini(void *app);

/* The process's state; valid between init and fini. */
const intake_app_t *intake_app(void);

/* ---- helpers shared by intake's command handlers ----------------------------------
 * (those every service needs are common: cmd_object_id, cmd_db_fail and
 * cmd_record in cmd.h, db_num and the id arrays in db.h, textfmt_has_text,
 * calendar_month_parse; roles and districts are declared by each handler
 * row, see intake_handlers.h) */

/* Today in UTC+8 as a calendar day, from the transaction's clock. */
calendar_day_t intake_today(const tx_t *tx);

#endif
