/* supervise_app: lianxin-supervise's configuration-derived state (see
 * supervise_app.h). Never logs configuration values. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "log.h"
#include "supervise.pb-c.h"
#include "supervise_app.h"

static supervise_app_t s_app;

int supervise_app_init(const config_t *cfg, void **app)
{
    memset(&s_app, 0, sizeof s_app);
    s_app.ladder.urge_workdays = (int) config_get_int(cfg, "supervise.urge_workdays", 5);
    s_app.ladder.escalate_workdays = (int) config_get_int(cfg, "supervise.escalate_workdays", 5);
    s_app.lookback_workdays = (int) config_get_int(cfg, "supervise.lookback_workdays", 10);
    if (!ladder_cfg_ok(&s_app.ladder) || s_app.lookback_workdays < 1
        || s_app.lookback_workdays > LADDER_WORKDAYS_MAX) {
        log_error("supervise.* settings out of range", "");
        return -1;
    }
    if (checkin_cfg_load(cfg, "supervise", &s_app.checkin) != 0)
        return -1;
    s_app.cal = calsync_new((int) config_get_int(cfg, "calendar.check_ms",
                                                 CALSYNC_CHECK_MS_DEFAULT));
    if (!s_app.cal)
        return -1;
    *app = &s_app;
    return 0;
}

void supervise_app_fini(void *app)
{
    (void) app;
    calsync_destroy(&s_app.cal);
}

int supervise_app_ladder(const supervise_app_t *app, tx_t *tx, const char *district,
                         ladder_cfg_t *out)
{
    const char *q[1] = {district};
    PGresult *r = db_exec(tx_db(tx), "SELECT urge_workdays, escalate_workdays FROM"
                                     " supervise.ladders WHERE district_code = $1", 1, q);
    if (!r)
        return -1;
    *out = app->ladder;
    if (PQntuples(r) == 1) {
        out->urge_workdays = atoi(PQgetvalue(r, 0, 0));
        out->escalate_workdays = atoi(PQgetvalue(r, 0, 1));
    }
    PQclear(r);
    return 0;
}

calendar_day_t supervise_today(const tx_t *tx)
{
    return calendar_day_of_us(tx_now_us(tx));
}

int supervise_app_set_validate(const cmd_ctx_t *ctx, cmd_result_t *res)
{
    const Lianxin__V1__LadderSettings *l = (const Lianxin__V1__LadderSettings *) ctx->req;
    ladder_cfg_t cfg = {.urge_workdays = l->urge_workdays,
                        .escalate_workdays = l->escalate_workdays};
    int rc = 0;
    if (cfg.urge_workdays < 1 || cfg.urge_workdays > LADDER_WORKDAYS_MAX)
        rc = cmd_field_error(res, "urge_workdays", "out_of_range");
    if (cfg.escalate_workdays < 1 || cfg.escalate_workdays > LADDER_WORKDAYS_MAX)
        rc = cmd_field_error(res, "escalate_workdays", "out_of_range");
    return rc;
}

int supervise_app_set_execute(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res)
{
    const Lianxin__V1__LadderSettings *l = (const Lianxin__V1__LadderSettings *) ctx->req;
    char urge[16], esc[16];
    snprintf(urge, sizeof urge, "%d", (int) l->urge_workdays);
    snprintf(esc, sizeof esc, "%d", (int) l->escalate_workdays);
    const char *q[3] = {ctx->cmd->district, urge, esc};
    if (db_run(tx_db(tx), "INSERT INTO supervise.ladders VALUES ($1, $2::int, $3::int,"
                          " core.clock_now()) ON CONFLICT (district_code) DO UPDATE SET"
                          " urge_workdays = EXCLUDED.urge_workdays, escalate_workdays ="
                          " EXCLUDED.escalate_workdays, updated_at = EXCLUDED.updated_at", 3, q)
        != 0)
        return cmd_db_fail(tx, res, "ladder.set");
    if (cmd_record(tx, ctx, res, "ladder.changed", &l->base, "ladder.changed", "ladder", 0) != 0)
        return -1;
    return cmd_ok(res, 200, &l->base);
}
