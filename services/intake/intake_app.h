/* intake_app: the intake service's state beyond visits_t: the business-day
 * calendar (a calsync over core.calendar_*, worker thread only), the grading
 * thresholds (intake.grading.*), the rota's default members per duty,
 * the calendar watch switch and the sealing key. One per process, set up by
 * intake_app_init (service_def_t.init) around visits_init, read-only
 * afterwards (but for calsync's own cache). Never logs configuration values. */
#ifndef LIANXIN_INTAKE_APP_H
#define LIANXIN_INTAKE_APP_H

#include <stdint.h>
#include "calendar.h"
#include "calsync.h"
#include "cmd.h"
#include "config.h"
#include "crypto.h"
#include "grading.h"

typedef struct intake_app {
    calsync_t *cal;                 /* calsync_get(app->cal, tx_db(tx)) on the worker */
    grading_rules_t rules;
    int rota_per_day;               /* intake.rota_per_day, default 2 */
    int calendar_watch;             /* intake.calendar_watch, default 1 (calendar_watch.c) */
    uint8_t key[CRYPTO_KEY_LEN];    /* crypto.key */
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

/* ---- helpers shared by the command handlers ------------------------------------ */

/* The actor's role is one of the NULL-terminated `roles`. 1 or 0. */
int intake_role_is(const cmd_ctx_t *ctx, const char *const *roles);

/* The actor may act in the command's district (admins anywhere). 1 or 0. */
int intake_district_ok(const cmd_ctx_t *ctx);

/* The command's object id (from the path). 0, or -1 when not a positive id. */
int intake_object_id(const cmd_ctx_t *ctx, int64_t *id);

/* A failed statement: 503 when the connection was lost, else 500 (logged
 * with `what`). Returns -1. */
int intake_db_fail(tx_t *tx, cmd_result_t *res, const char *what);

/* Today in UTC+8 as a calendar day, from the transaction's clock. */
calendar_day_t intake_today(const tx_t *tx);

/* Number text of v into buf (24 bytes). Returns buf. */
const char *intake_num(char buf[24], long long v);

/* 1 when `s` has a character other than spaces (ASCII, U+3000). */
int intake_has_text(const char *s);


/* Buffers event `type` (NULL: none) with `msg` as payload and an audit row
 * (`action` on object_type/object_id, digest of the packed msg), both for
 * the command's district and actor. 0, or -1 with res set (500). */
int intake_record(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res, const char *type,
                  const ProtobufCMessage *msg, const char *action, const char *object_type,
                  int64_t object_id);

/* "{1,2,3}" for a bigint[] parameter (malloc'd). NULL on allocation failure. */
char *intake_ids_text(const int64_t *ids, size_t n);

/* PostgreSQL's text form of a bigint[]/int[] ("{3,5}") into `out`; returns
 * the count stored (at most `max`). */
size_t intake_parse_ids(const char *text, int64_t *out, size_t max);

/* "YYYY-MM" into year and month. 0 or -1. */
int intake_parse_month(const char *text, int *year, int *month);
#endif
