/* assess_app: see assess_app.h. */
#include <stdio.h>
#include <string.h>
#include "assess_app.h"
#include "checkin_cfg.h"

static assess_app_t s_app;

int assess_app_init(const config_t *cfg, void **app)
{
    checkin_cfg_t c;
    memset(&s_app, 0, sizeof s_app);
    if (checkin_cfg_load(cfg, "assess", &c) != 0)
        return -1;
    memcpy(s_app.checkin_key, c.key, sizeof s_app.checkin_key);
    s_app.checkin_before_min = c.before_min;
    snprintf(s_app.public_url, sizeof s_app.public_url, "%s", c.public_url);
    memset(&c, 0, sizeof c);
    *app = &s_app;
    return 0;
}

void assess_app_fini(void *app)
{
    assess_app_t *a = app;
    if (a)
        memset(a->checkin_key, 0, sizeof a->checkin_key);
}

calendar_day_t assess_today(const tx_t *tx)
{
    return calendar_day_of_us(tx_now_us(tx));
}
