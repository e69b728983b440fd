/* checkin_cfg: a service's check-in settings and the window rule (see
 * checkin_cfg.h). */
#include <stdio.h>
#include <string.h>
#include "checkin_cfg.h"
#include "crypto.h"
#include "log.h"

int checkin_cfg_load(const config_t *cfg, const char *service, checkin_cfg_t *out)
{
    char key[64];
    memset(out, 0, sizeof *out);
    snprintf(key, sizeof key, "%s.checkin_key", service);
    const char *hex = config_get(cfg, key, "");
    if (*hex) {
        if (crypto_key_from_hex(hex, out->key) != 0) {
            log_error("checkin_key is not 64 hex digits", "service=%s", service);
            return -1;
        }
    } else {
        if (crypto_random(out->key, sizeof out->key) != 0)
            return -1;
        log_warn("checkin_key unset: check-in links hold for this process only", "service=%s",
                 service);
    }
    snprintf(key, sizeof key, "%s.checkin_before_min", service);
    out->before_min = (int) config_get_int(cfg, key, 60);
    if (out->before_min < 0 || out->before_min > 24 * 60) {
        log_error("checkin_before_min out of range", "service=%s min=0 max=1440", service);
        return -1;
    }
    snprintf(key, sizeof key, "%s.public_url", service);
    const char *url = config_get(cfg, key, "");
    if (strlen(url) >= sizeof out->public_url || strchr(url, '"') || strchr(url, '<')) {
        log_error("public_url too long or not a plain address", "service=%s", service);
        return -1;
    }
    snprintf(out->public_url, sizeof out->public_url, "%s", url);
    return 0;
}

int checkin_cfg_window_open(int before_min, int64_t now_us, int64_t starts_us, int64_t ends_us)
{
    return now_us <= ends_us && now_us >= starts_us - (int64_t) before_min * 60 * 1000000;
}
