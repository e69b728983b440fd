/* checkin_cfg: a service's check-in settings read from the configuration:
 * `<service>.checkin_key` (64 hex digits; a random key per process when
 * unset, logged as such), `<service>.checkin_before_min` (how long before
 * the start check-in opens, default 60, at most a day) and
 * `<service>.public_url` (the console's address the QR code points to, ""
 * for a link relative to the console); and the window rule. Never logs the
 * key or a token. */
#ifndef LIANXIN_CHECKIN_CFG_H
#define LIANXIN_CHECKIN_CFG_H

#include <stdint.h>
#include "config.h"

typedef struct checkin_cfg {
    uint8_t key[32];
    int before_min;
    char public_url[128];
} checkin_cfg_t;

/* Reads the settings of `service` into out. 0, or -1 (logged: a bad key, a
 * window out of range, an address too long or not plain). */
int checkin_cfg_load(const config_t *cfg, const char *service, checkin_cfg_t *out);

/* 1 when `now_us` lies from `before_min` minutes before `starts_us` to
 * `ends_us` (both included), else 0. */
int checkin_cfg_window_open(int before_min, int64_t now_us, int64_t starts_us, int64_t ends_us);

#endif
