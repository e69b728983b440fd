/* prefs: see prefs.h. validate on the loop (no I/O), execute on the worker. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "db.h"
#include "inbox_addr.h"
#include "notify.pb-c.h"
#include "prefs.h"

int prefs_channels_ok(char *const *channels, size_t n, int *bad)
{
    *bad = -1;
    if (n > 2)
        return 0;
    for (size_t i = 0; i < n; i++) {
        int known = channels[i] && (strcmp(channels[i], "email") == 0
                                    || strcmp(channels[i], "sms") == 0);
        int twice = i == 1 && known && strcmp(channels[0], channels[1]) == 0;
        if (!known || twice) {
            *bad = (int) i;
            return 0;
        }
    }
    return 1;
}

static int s_own(const cmd_ctx_t *ctx, inbox_addr_t *own)
{
    const Lianxin__V1__Actor *a = ctx->cmd->actor;
    return a ? inbox_addr_own(a->role, a->user_id, a->member_id, a->unit_id, own) : -1;
}

int prefs_validate(const cmd_ctx_t *ctx, cmd_result_t *res)
{
    const Lianxin__V1__Preferences *m = (const Lianxin__V1__Preferences *) ctx->req;
    inbox_addr_t own;
    int bad;
    char field[32];
    if (s_own(ctx, &own) != 0)
        return cmd_fail(res, 403, "forbidden", "not allowed");
    if (!prefs_channels_ok(m->channels, m->n_channels, &bad)) {
        if (bad < 0)
            return cmd_field_error(res, "channels", "too_many");
        snprintf(field, sizeof field, "channels[%d]", bad);
        return cmd_field_error(res, field, "unknown_value");
    }
    return 0;
}

int prefs_execute(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res)
{
    const Lianxin__V1__Preferences *m = (const Lianxin__V1__Preferences *) ctx->req;
    inbox_addr_t own;
    char id[24], chans[32];
    if (s_own(ctx, &own) != 0)
        return cmd_fail(res, 403, "forbidden", "not allowed");
    snprintf(chans, sizeof chans, "{%s%s%s}", m->n_channels > 0 ? m->channels[0] : "",
             m->n_channels > 1 ? "," : "", m->n_channels > 1 ? m->channels[1] : "");
    db_num(id, own.id);
    const char *p[5] = {ctx->cmd->district, own.kind, id, chans, m->digest ? "true" : "false"};
    if (db_run(tx_db(tx), "INSERT INTO notify.preferences AS x (district_code, recipient_kind,"
               " recipient_id, channels, digest) VALUES ($1, $2, $3::bigint, $4::text[],"
               " $5::bool) ON CONFLICT (district_code, recipient_kind, recipient_id)"
               " DO UPDATE SET channels = excluded.channels, digest = excluded.digest",
               5, p) != 0)
        return cmd_db_fail(tx, res, "preferences");
    if (cmd_record(tx, ctx, res, NULL, ctx->req, "notify.preferences", own.kind, own.id) != 0)
        return -1;
    return cmd_ok(res, 200, ctx->req) ? cmd_fail(res, 500, "internal", "reply") : 0;
}
