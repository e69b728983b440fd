/* prefs: the command notify.SetPreferences (payload Preferences): the
 * caller's own channels (a subset of email, sms; the inbox is always on)
 * and the daily digest, stored in notify.preferences under the caller's
 * recipient address (member, unit or user: inbox_addr_own). 400 with the
 * field for an unknown or repeated channel or more than 2; 403 for an
 * actor without the id its role needs. Audited (notify.preferences). */
#ifndef LIANXIN_NOTIFY_PREFS_H
#define LIANXIN_NOTIFY_PREFS_H

#include "cmd.h"

/* 1 when `channels` (n of them) is a valid choice, else 0 with the index of
 * the first fault in *bad (-1 for too many). Pure. */
int prefs_channels_ok(char *const *channels, size_t n, int *bad);

int prefs_validate(const cmd_ctx_t *ctx, cmd_result_t *res);
int prefs_execute(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res);

#endif
