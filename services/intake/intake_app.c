/* intake_app: the intake service's configuration-derived state and the one
 * helper only intake's handlers share (today in UTC+8). Never logs values
 * from the configuration or from requests. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "intake_app.h"
#include "log.h"
#include "visits.h"

static intake_app_t s_app;
static int s_ready;

static int s_rules(const config_t *cfg, grading_rules_t *r)
{
    grading_rules_default(r);
    r->important_min = config_get_int(cfg, "intake.grading.important_min", r->important_min);
    r->hard_min = config_get_int(cfg, "intake.grading.hard_min", r->hard_min);
    r->class1_workdays = config_get_int(cfg, "intake.grading.class1_workdays",
                                        r->class1_workdays);
    r->class2_workdays = config_get_int(cfg, "intake.grading.class2_workdays",
                                        r->class2_workdays);
    r->class3_workdays = config_get_int(cfg, "intake.grading.class3_workdays",
                                        r->class3_workdays);
    if (grading_rules_check(r) != 0) {
        log_error("intake.grading.* out of range", "");
        return -1;
    }
    return 0;
}

static int s_calendar(const config_t *cfg)
{
    s_app.cal = calsync_new(config_get_int(cfg, "calendar.check_ms", CALSYNC_CHECK_MS_DEFAULT));
    if (!s_app.cal)
        return -1;
    s_app.calendar_watch = config_get_int(cfg, "intake.calendar_watch", 1) != 0;
    return 0;
}

int intake_app_init(const config_t *cfg, void **app)
{
    if (visits_init(cfg, app) != 0)
        return -1;
    memset(&s_app, 0, sizeof s_app);
    if (!(s_app.ring = seal_ring_from_config(cfg)) || s_rules(cfg, &s_app.rules) != 0
        || s_calendar(cfg) != 0) {
        seal_ring_destroy(&s_app.ring);
        calsync_destroy(&s_app.cal);
        visits_fini(*app);
        *app = NULL;
        return -1;
    }
    s_app.rota_per_day = config_get_int(cfg, "intake.rota_per_day", 2);
    if (s_app.rota_per_day < 1 || s_app.rota_per_day > 7)
        s_app.rota_per_day = 2;
    s_ready = 1;
    return 0;
}

void intake_app_fini(void *app)
{
    visits_fini(app);
    calsync_destroy(&s_app.cal);
    seal_ring_destroy(&s_app.ring);
    s_ready = 0;
}

const intake_app_t *intake_app(void)
{
    return s_ready ? &s_app : NULL;
}

/* ---- helpers -------------------------------------------------------------------- */

calendar_day_t intake_today(const tx_t *tx)
{
    return calendar_day_of_us(tx_now_us(tx));
}
