/* proposal_app: lianxin-proposal's state from the configuration: the
 * business-day calendar (a calsync, worker thread only), the reply deadline
 * in working days (proposal.reply_workdays, per district
 * proposal.reply_workdays.<district>), the co-signers' window
 * (proposal.cosign_workdays) and the refusal reasons (proposal.refuse_reasons).
 * One per process, set by proposal_app_init, read-only afterwards (but for
 * calsync's own cache). Includes what every handler uses. Never logs
 * configuration values. */
#ifndef LIANXIN_PROPOSAL_APP_H
#define LIANXIN_PROPOSAL_APP_H

#include "calendar.h"
#include "calsync.h"
#include "cmd.h"
#include "config.h"
#include "db.h"
#include "proposal_rules.h"
#include "textfmt.h"

#define PROPOSAL_DISTRICTS_MAX 64

typedef struct proposal_district_days {
    char code[16];
    int workdays;
} proposal_district_days_t;

typedef struct proposal_app {
    calsync_t *cal;
    int reply_workdays;                 /* the installation's default */
    int cosign_workdays;
    int nreasons;
    char reasons[PROPOSAL_REASONS_MAX][33];
    int ndistricts;                     /* per-district reply deadlines */
    proposal_district_days_t districts[PROPOSAL_DISTRICTS_MAX];
} proposal_app_t;

/* service_def_t.init. 0, or -1 (logged: a value out of range). */
int proposal_app_init(const config_t *cfg, void **app);
void proposal_app_fini(void *app);

/* The reply deadline in working days for `district`. */
int proposal_app_reply_workdays(const proposal_app_t *app, const char *district);

/* 1 when `code` is one of the configured refusal reasons. */
int proposal_app_reason_ok(const proposal_app_t *app, const char *code);

/* Today in UTC+8, from the transaction's clock. */
calendar_day_t proposal_today(const tx_t *tx);

#endif
