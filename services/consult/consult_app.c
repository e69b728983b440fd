/* consult_app: lianxin-consult's configuration-derived state (see
 * consult_app.h). */
#include <string.h>
#include "consult_app.h"
#include "consult_rules.h"
#include "log.h"

static consult_app_t s_app;

int consult_app_init(const config_t *cfg, void **app)
{
    memset(&s_app, 0, sizeof s_app);
    s_app.notice_days = config_get_int(cfg, "consult.notice_days", CONSULT_NOTICE_DAYS);
    if (s_app.notice_days < 1 || s_app.notice_days > CONSULT_NOTICE_DAYS_MAX) {
        log_error("consult.* settings out of range", "");
        return -1;
    }
    if (checkin_cfg_load(cfg, "consult", &s_app.checkin) != 0
        || !(s_app.ring = seal_ring_from_config(cfg)))
        return -1;
    s_app.cal = calsync_new(config_get_int(cfg, "calendar.check_ms", CALSYNC_CHECK_MS_DEFAULT));
    if (!s_app.cal) {
        seal_ring_destroy(&s_app.ring);
        return -1;
    }
    *app = &s_app;
    return 0;
}

void consult_app_fini(void *app)
{
    (void) app;
    calsync_destroy(&s_app.cal);
    seal_ring_destroy(&s_app.ring);
    memset(&s_app.checkin, 0, sizeof s_app.checkin);
}

calendar_day_t consult_today(const tx_t *tx)
{
    return calendar_day_of_us(tx_now_us(tx));
}
