/* lianxin-supervise: every promise another service hands over, tracked up
 * the chase ladder until it is kept, and the referrals to the partner
 * offices. Wiring only: the ladder is ladder.c, the items items.c, the
 * events consumed item_routes.c, the commands item_cmds.c and referrals.c,
 * the timers item_timers.c, democratic supervision topics.c, groups.c and
 * activities.c; the skeleton is common/service.c. */
#include "activities.h"
#include "consult.pb-c.h"
#include "grading.pb-c.h"
#include "groups.h"
#include "item_cmds.h"
#include "item_fsm.h"
#include "item_routes.h"
#include "item_timers.h"
#include "proposal.pb-c.h"
#include "referrals.h"
#include "service.h"
#include "supervise.pb-c.h"
#include "supervise_app.h"
#include "topics.h"

#define OFFICE (ROLE_OFFICE | ROLE_ADMIN)

static const cmd_handler_t s_handlers[] = {
    { .type = "supervise.ItemTransition", .request = &lianxin__v1__item_action__descriptor,
      .roles = ITEM_ROLES, .flags = CMD_DISTRICT, .validate = item_cmds_validate,
      .execute = item_cmds_execute },
    { .type = "supervise.ReferralStatus",
      .request = &lianxin__v1__referral_status_update__descriptor, .roles = ROLE_PARTNER,
      .flags = CMD_DISTRICT, .validate = referral_status_validate,
      .execute = referral_status_execute },
    { .type = "supervise.SetLadder", .request = &lianxin__v1__ladder_settings__descriptor,
      .roles = OFFICE, .flags = CMD_DISTRICT, .validate = supervise_app_set_validate,
      .execute = supervise_app_set_execute },
    { .type = "supervise.CreateTopic",
      .request = &lianxin__v1__supervision_topic_draft__descriptor,
      .roles = OFFICE, .flags = CMD_DISTRICT, .validate = topics_create_validate,
      .execute = topics_create_execute },
    { .type = "supervise.TopicStep",
      .request = &lianxin__v1__supervision_topic_action__descriptor,
      .roles = OFFICE, .flags = CMD_DISTRICT, .validate = topics_step_validate,
      .execute = topics_step_execute },
    { .type = "supervise.CreateGroup", .request = &lianxin__v1__group_draft__descriptor,
      .roles = OFFICE, .flags = CMD_DISTRICT, .validate = groups_create_validate,
      .execute = groups_create_execute },
    { .type = "supervise.RecordActivity", .request = &lianxin__v1__activity_draft__descriptor,
      .roles = OFFICE, .flags = CMD_DISTRICT, .validate = activities_record_validate,
      .execute = activities_record_execute },
    { .type = "supervise.ActivityCheckinCode",
      .request = &lianxin__v1__activity_attendance__descriptor, .roles = OFFICE,
      .flags = CMD_DISTRICT, .execute = activities_code_execute },
    { .type = "supervise.ActivityCheckin",
      .request = &lianxin__v1__activity_attendance__descriptor, .roles = ROLE_MEMBER,
      .flags = CMD_DISTRICT, .execute = activities_checkin_execute },
    { .type = "supervise.ActivityAttend",
      .request = &lianxin__v1__activity_attendance__descriptor, .roles = OFFICE,
      .flags = CMD_DISTRICT, .validate = activities_attend_validate,
      .execute = activities_attend_execute },
    { .type = "supervise.IssueLetter", .request = &lianxin__v1__letter_draft__descriptor,
      .roles = OFFICE, .flags = CMD_DISTRICT, .validate = groups_letter_validate,
      .execute = groups_letter_execute },
    { .type = "supervise.SubmitPlan", .request = &lianxin__v1__rectification_plan__descriptor,
      .roles = OFFICE | ROLE_UNIT, .flags = CMD_DISTRICT, .validate = groups_plan_validate,
      .execute = groups_plan_execute },
};

static const evroute_t s_routes[] = {
    { .type = "proposal.assigned", .payload = &lianxin__v1__proposal_changed__descriptor,
      .apply = item_routes_proposal_assigned },
    { .type = "proposal.lookback_due", .payload = &lianxin__v1__proposal_changed__descriptor,
      .apply = item_routes_proposal_lookback },
    { .type = "proposal.replied", .payload = &lianxin__v1__proposal_changed__descriptor,
      .apply = item_routes_proposal_replied },
    { .type = "issue.forwarded", .payload = &lianxin__v1__issue_routed__descriptor,
      .apply = item_routes_issue_forwarded },
    { .type = "consultation.outcome_assigned",
      .payload = &lianxin__v1__outcome_assigned__descriptor,
      .apply = item_routes_outcome_assigned },
};

static const timers_kind_t s_timers[] = {
    { .kind = "ladder.urged", .fire = item_timers_urge },
    { .kind = "ladder.followed", .fire = item_timers_follow },
    { .kind = "ladder.supervised", .fire = item_timers_supervise },
    { .kind = "lookback.due", .fire = item_timers_lookback },
};

static const fsm_t *const s_machines[] = { &item_fsm, &referral_fsm, &topic_fsm };

static const service_def_t s_def = {
    .name = "supervise",
    .handlers = s_handlers,
    .nhandlers = sizeof s_handlers / sizeof s_handlers[0],
    .routes = s_routes,
    .nroutes = sizeof s_routes / sizeof s_routes[0],
    .consumes = "proposal,intake,consult",
    .timers = { .table = "supervise.timers", .keys = "item_id",
                .kinds = s_timers, .nkinds = sizeof s_timers / sizeof s_timers[0] },
    .machines = s_machines,
    .nmachines = sizeof s_machines / sizeof s_machines[0],
    .init = supervise_app_init,
    .fini = supervise_app_fini,
};

int main(int argc, char **argv)
{
    return service_main(argc, argv, &s_def);
}
