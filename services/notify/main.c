/* lianxin-notify: the notification service. Wiring only: the payload
 * messages notify knows (the rules file names them), the fixed
 * visit.recorded route (inbox.c, batched), the MarkRead, RetryDelivery and
 * SetPreferences handlers; who hears
 * what is data (deploy/notify/rules.json and its templates, loaded and
 * checked by dispatch.c at start), the skeleton (config, loop, worker,
 * consumer, command server) in common/service.c. */
#include "assess.pb-c.h"
#include "calendar.pb-c.h"
#include "consult.pb-c.h"
#include "grading.pb-c.h"
#include "intake.pb-c.h"
#include "notify.pb-c.h"
#include "proposal.pb-c.h"
#include "reports.pb-c.h"
#include "rota.pb-c.h"
#include "supervise.pb-c.h"
#include "service.h"
#include "announce.h"
#include "contacts.h"
#include "delivery_fsm.h"
#include "digest.h"
#include "dispatch.h"
#include "inbox.h"
#include "payloads.h"
#include "prefs.h"
#include "retry.h"

static const cmd_handler_t s_handlers[] = {
    { .type = "notify.MarkRead", .request = &lianxin__v1__mark_read__descriptor,
      .roles = ROLES_ANY, .flags = CMD_DISTRICT, .validate = inbox_mark_read_validate,
      .execute = inbox_mark_read_execute, .atomic = 1 },
    { .type = "notify.RetryDelivery", .request = &lianxin__v1__retry_delivery__descriptor,
      .roles = ROLE_OFFICE | ROLE_ADMIN, .flags = CMD_DISTRICT, .validate = retry_validate,
      .execute = retry_execute },
    { .type = "notify.SetPreferences", .request = &lianxin__v1__preferences__descriptor,
      .roles = ROLES_ANY, .flags = CMD_DISTRICT, .validate = prefs_validate,
      .execute = prefs_execute },
    { .type = "notify.SendAnnouncement", .request = &lianxin__v1__send_announcement__descriptor,
      .roles = ROLE_OFFICE | ROLE_ADMIN, .flags = CMD_DISTRICT,
      .validate = announce_send_validate, .execute = announce_send_execute },
    { .type = "notify.RemindAnnouncement",
      .request = &lianxin__v1__remind_announcement__descriptor,
      .roles = ROLE_OFFICE | ROLE_ADMIN, .flags = CMD_DISTRICT,
      .validate = announce_remind_validate, .execute = announce_remind_execute },
    { .type = "notify.SetContact", .request = &lianxin__v1__set_contact__descriptor,
      .roles = ROLE_OFFICE | ROLE_ADMIN | ROLE_MEMBER | ROLE_UNIT, .flags = CMD_DISTRICT,
      .validate = contacts_set_validate, .execute = contacts_set_execute },
};

static const fsm_t *const s_machines[] = { &delivery_fsm };

/* visit.recorded keeps its batched C route (the hot path); the rules add
 * the others. */
static const evroute_t s_fixed[] = {
    { .type = "visit.recorded", .payload = &lianxin__v1__visit_recorded__descriptor,
      .apply = inbox_visit_recorded, .apply_many = inbox_visits_recorded },
};

/* periodic: the daily digest (digest.c), under the district lease; the
 * reminders' row kinds (reminders.c, from the rules file) come before it */
static const timers_kind_t s_digest = { .kind = "notify.digest", .every = digest_every };
static timers_kind_t s_timers[RULES_MAX + 1];

static int s_init(const config_t *cfg, void **app);
static void s_fini(void *app);

static service_def_t s_def = {
    .name = "notify",
    .handlers = s_handlers,
    .nhandlers = sizeof s_handlers / sizeof s_handlers[0],
    .consumes = "intake,proposal,consult,supervise,assess",
    .machines = s_machines,
    .nmachines = sizeof s_machines / sizeof s_machines[0],
    .init = s_init,
    .fini = s_fini,
};

static int s_init(const config_t *cfg, void **app)
{
    dispatch_t *d = dispatch_new(cfg, notify_payloads, notify_npayloads,
                                 s_fixed, sizeof s_fixed / sizeof s_fixed[0]);
    if (!d)
        return -1;
    if (digest_config(cfg, &d->digest) != 0) {
        dispatch_free(d);
        return -1;
    }
    s_def.routes = d->routes;
    s_def.nroutes = d->nroutes;
    timers_def_t t = reminders_timers(d->reminders);
    size_t n = 0;
    for (size_t i = 0; i < t.nkinds; i++)
        s_timers[n++] = t.kinds[i];
    s_timers[n++] = s_digest;
    t.kinds = s_timers;
    t.nkinds = n;
    s_def.timers = t;
    *app = d;
    return 0;
}

static void s_fini(void *app)
{
    dispatch_free(app);
}

int main(int argc, char **argv)
{
    return service_main(argc, argv, &s_def);
}
