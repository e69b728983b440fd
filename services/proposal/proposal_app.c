/* proposal_app: lianxin-proposal's configuration-derived state (see
 * proposal_app.h). Never logs configuration values. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "log.h"
#include "proposal_app.h"

static proposal_app_t s_app;

/* proposal.reply_workdays.<district> for each district of
 * proposal.reply_workdays_districts ("330303, 330304"). */
static int s_districts(const config_t *cfg)
{
    const char *list = config_get(cfg, "proposal.reply_workdays_districts", "");
    char key[96];
    while (list && *list) {
        size_t n = strcspn(list, ", ");
        if (n > 0 && n < sizeof s_app.districts[0].code
            && s_app.ndistricts < PROPOSAL_DISTRICTS_MAX) {
            proposal_district_days_t *d = &s_app.districts[s_app.ndistricts++];
            memcpy(d->code, list, n);
            d->code[n] = '\0';
            snprintf(key, sizeof key, "proposal.reply_workdays.%s", d->code);
            d->workdays = config_get_int(cfg, key, s_app.reply_workdays);
            if (d->workdays < 1 || d->workdays > PROPOSAL_WORKDAYS_MAX)
                return -1;
        }
        list += n;
        while (*list == ',' || *list == ' ')
            list++;
    }
    return 0;
}

int proposal_app_init(const config_t *cfg, void **app)
{
    memset(&s_app, 0, sizeof s_app);
    s_app.reply_workdays = config_get_int(cfg, "proposal.reply_workdays",
                                          PROPOSAL_REPLY_WORKDAYS);
    s_app.cosign_workdays = config_get_int(cfg, "proposal.cosign_workdays",
                                           PROPOSAL_COSIGN_WORKDAYS);
    s_app.nreasons = proposal_reasons_parse(config_get(cfg, "proposal.refuse_reasons", ""),
                                            s_app.reasons, PROPOSAL_REASONS_MAX);
    if (s_app.reply_workdays < 1 || s_app.reply_workdays > PROPOSAL_WORKDAYS_MAX
        || s_app.cosign_workdays < 1 || s_app.cosign_workdays > PROPOSAL_WORKDAYS_MAX
        || s_app.nreasons < 0 || s_districts(cfg) != 0) {
        log_error("proposal.* settings out of range", "");
        return -1;
    }
    s_app.cal = calsync_new(config_get_int(cfg, "calendar.check_ms", CALSYNC_CHECK_MS_DEFAULT));
    if (!s_app.cal)
        return -1;
    *app = &s_app;
    return 0;
}

void proposal_app_fini(void *app)
{
    (void) app;
    calsync_destroy(&s_app.cal);
}

int proposal_app_reply_workdays(const proposal_app_t *app, const char *district)
{
    for (int i = 0; i < app->ndistricts; i++)
        if (strcmp(app->districts[i].code, district) == 0)
            return app->districts[i].workdays;
    return app->reply_workdays;
}

int proposal_app_reason_ok(const proposal_app_t *app, const char *code)
{
    for (int i = 0; code && i < app->nreasons; i++)
        if (strcmp(app->reasons[i], code) == 0)
            return 1;
    return 0;
}

calendar_day_t proposal_today(const tx_t *tx)
{
    return calendar_day_of_us(tx_now_us(tx));
}
