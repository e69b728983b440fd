/* assess_app: see assess_app.h. */
#include <string.h>
#include "assess_app.h"

static assess_app_t s_app;

int assess_app_init(const config_t *cfg, void **app)
{
    memset(&s_app, 0, sizeof s_app);
    if (checkin_cfg_load(cfg, "assess", &s_app.checkin) != 0)
        return -1;
    *app = &s_app;
    return 0;
}

void assess_app_fini(void *app)
{
    assess_app_t *a = app;
    if (a)
        memset(a->checkin.key, 0, sizeof a->checkin.key);
}

calendar_day_t assess_today(const tx_t *tx)
{
    return calendar_day_of_us(tx_now_us(tx));
}
