/* lianxin-notify: the in-app inbox. Wiring only: the event routes' apply
 * functions live in inbox.c (visit.recorded, with the MarkRead handler) and
 * intake_events.c and proposal_events.c (the others), the recipient rules and texts in
 * recipients.c, the skeleton (config, loop, worker, consumer, command
 * server) in common/service.c. Nothing here may hold domain logic. */
#include "calendar.pb-c.h"
#include "grading.pb-c.h"
#include "intake.pb-c.h"
#include "notify.pb-c.h"
#include "proposal.pb-c.h"
#include "reports.pb-c.h"
#include "rota.pb-c.h"
#include "service.h"
#include "inbox.h"
#include "intake_events.h"
#include "proposal_events.h"

static const cmd_handler_t s_handlers[] = {
    { .type = "notify.MarkRead", .request = &lianxin__v1__mark_read__descriptor,
      .roles = ROLES_ANY, .flags = CMD_DISTRICT, .validate = inbox_mark_read_validate,
      .execute = inbox_mark_read_execute, .atomic = 1 },
};

/* The events of intake and proposal that someone must hear of; other types
 * are ignored. */
static const evroute_t s_routes[] = {
    { .type = "visit.recorded", .payload = &lianxin__v1__visit_recorded__descriptor,
      .apply = inbox_visit_recorded, .apply_many = inbox_visits_recorded },
    { .type = "duty.upcoming", .payload = &lianxin__v1__duty_upcoming__descriptor,
      .apply = intake_events_duty_upcoming },
    { .type = "rota.changed", .payload = &lianxin__v1__rota_changed__descriptor,
      .apply = intake_events_rota_changed },
    { .type = "report.adopted", .payload = &lianxin__v1__report_changed__descriptor,
      .apply = intake_events_report_adopted },
    { .type = "issue.escalated", .payload = &lianxin__v1__issue_routed__descriptor,
      .apply = intake_events_issue_escalated },
    { .type = "calendar.missing", .payload = &lianxin__v1__calendar_missing__descriptor,
      .apply = intake_events_calendar_missing },
    { .type = "proposal.assigned", .payload = &lianxin__v1__proposal_changed__descriptor,
      .apply = proposal_events_assigned },
    { .type = "proposal.replied", .payload = &lianxin__v1__proposal_changed__descriptor,
      .apply = proposal_events_replied },
    { .type = "proposal.merged", .payload = &lianxin__v1__proposal_changed__descriptor,
      .apply = proposal_events_merged },
    { .type = "proposal.reopened", .payload = &lianxin__v1__proposal_changed__descriptor,
      .apply = proposal_events_reopened },
    { .type = "proposal.cosign_closed", .payload = &lianxin__v1__proposal_changed__descriptor,
      .apply = proposal_events_cosign_closed },
    { .type = "proposal.lookback_due", .payload = &lianxin__v1__proposal_changed__descriptor,
      .apply = proposal_events_lookback_due },
};

static const service_def_t s_def = {
    .name = "notify",
    .handlers = s_handlers,
    .nhandlers = sizeof s_handlers / sizeof s_handlers[0],
    .routes = s_routes,
    .nroutes = sizeof s_routes / sizeof s_routes[0],
    .consumes = "intake,proposal",
    .init = inbox_init,
    .fini = inbox_fini,
};

int main(int argc, char **argv)
{
    return service_main(argc, argv, &s_def);
}
