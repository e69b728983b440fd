/* assess_app: see assess_app.h. */
#include <stdio.h>
#include <string.h>
#include "assess_app.h"
#include "crypto.h"
#include "log.h"

static assess_app_t s_app;

int assess_app_init(const config_t *cfg, void **app)
{
    const char *hex = config_get(cfg, "assess.checkin_key", "");
    memset(&s_app, 0, sizeof s_app);
    if (*hex) {
        if (crypto_key_from_hex(hex, s_app.checkin_key) != 0) {
            log_error("assess.checkin_key is not 64 hex digits", "");
            return -1;
        }
    } else {
        if (crypto_random(s_app.checkin_key, sizeof s_app.checkin_key) != 0)
            return -1;
        log_warn("assess.checkin_key unset: check-in links hold for this process only", "");
    }
    s_app.checkin_before_min = (int) config_get_int(cfg, "assess.checkin_before_min", 60);
    if (s_app.checkin_before_min < 0 || s_app.checkin_before_min > 24 * 60) {
        log_error("assess.checkin_before_min out of range", "min=0 max=1440");
        return -1;
    }
    const char *url = config_get(cfg, "assess.public_url", "");
    if (strlen(url) >= sizeof s_app.public_url || strchr(url, '"') || strchr(url, '<')) {
        log_error("assess.public_url too long or not a plain address");
        return -1;
    }
    snprintf(s_app.public_url, sizeof s_app.public_url, "%s", url);
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
