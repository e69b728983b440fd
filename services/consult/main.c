/* lianxin-consult: topics (议题), the annual plan, consultations of every
 * form through the six steps, 6+X participants, conflict-free scheduling.
 * Wiring only: topics consult_topics.c, the plan consult_plan.c,
 * consultations and their events consultations.c / consult_steps.c /
 * consult_people.c, scheduling consult_schedule.c over the pure
 * consult_sched.c, the machines consult_fsm.c, intake's events
 * consult_duties.c and consultations_from_issue, the timers consult_timers.c;
 * the skeleton is common/service.c. */
#include "consult.pb-c.h"
#include "consult_app.h"
#include "consult_checkin.h"
#include "consult_contacts.h"
#include "consult_duties.h"
#include "consult_fsm.h"
#include "consult_plan.h"
#include "consult_schedule.h"
#include "consult_timers.h"
#include "consult_topics.h"
#include "consultations.h"
#include "grading.pb-c.h"
#include "rota.pb-c.h"
#include "service.h"

#define OFFICE CONSULT_OFFICE
#define TOPIC_WRITERS (ROLE_OFFICE | ROLE_ADMIN | ROLE_MEMBER | ROLE_UNIT)

/* Every handler refuses (4xx) before it writes anything, or its one write
 * is the last: the rows are atomic. */
static const cmd_handler_t s_handlers[] = {
    { .type = "consult.CreateTopic", .request = &lianxin__v1__topic_draft__descriptor,
      .roles = TOPIC_WRITERS, .flags = CMD_DISTRICT, .execute = consult_topics_create },
    { .type = "consult.TopicTransition", .request = &lianxin__v1__topic_action__descriptor,
      .roles = OFFICE, .flags = CMD_DISTRICT, .execute = consult_topics_transition },
    { .type = "consult.Plan", .request = &lianxin__v1__plan_action__descriptor,
      .roles = OFFICE, .flags = CMD_DISTRICT, .execute = consult_plan_action },
    { .type = "consult.CreateVenue", .request = &lianxin__v1__venue_draft__descriptor,
      .roles = OFFICE, .flags = CMD_DISTRICT, .execute = consult_venues_create },
    { .type = "consult.Create", .request = &lianxin__v1__consultation_draft__descriptor,
      .roles = OFFICE, .flags = CMD_DISTRICT, .execute = consultations_create },
    { .type = "consult.Transition", .request = &lianxin__v1__consultation_action__descriptor,
      .roles = CONSULT_ROLES, .flags = CMD_DISTRICT, .execute = consultations_transition },
    { .type = "consult.CheckinCode", .request = &lianxin__v1__consultation_action__descriptor,
      .roles = OFFICE, .flags = CMD_DISTRICT, .execute = consult_checkin_code },
    { .type = "consult.RevealContacts", .request = &lianxin__v1__reveal_contacts__descriptor,
      .roles = OFFICE, .flags = CMD_DISTRICT, .execute = consult_contacts_reveal },
    { .type = "consult.SuggestSlots", .request = &lianxin__v1__slot_query__descriptor,
      .roles = OFFICE, .flags = CMD_DISTRICT, .execute = consult_schedule_suggest },
};

static const evroute_t s_routes[] = {
    { .type = "issue.micro_consultation_requested",
      .payload = &lianxin__v1__issue_routed__descriptor, .apply = consultations_from_issue },
    { .type = "rota.published", .payload = &lianxin__v1__rota_published__descriptor,
      .apply = consult_duties_published },
    { .type = "rota.changed", .payload = &lianxin__v1__rota_changed__descriptor,
      .apply = consult_duties_changed },
    { .type = "rota.absent", .payload = &lianxin__v1__rota_absent__descriptor,
      .apply = consult_duties_absent },
};

static const timers_kind_t s_timers[] = {
    { .kind = "notice.ended", .fire = consult_timers_notice_ended },
    { .kind = "task.due", .fire = consult_timers_task_due },
};

static const fsm_t *const s_machines[] = { &consult_fsm, &consult_topic_fsm, &consult_plan_fsm };

static const service_def_t s_def = {
    .name = "consult",
    .handlers = s_handlers,
    .nhandlers = sizeof s_handlers / sizeof s_handlers[0],
    .routes = s_routes,
    .nroutes = sizeof s_routes / sizeof s_routes[0],
    .consumes = "intake",
    .timers = { .table = "consult.timers", .keys = "consultation_id, item",
                .kinds = s_timers, .nkinds = sizeof s_timers / sizeof s_timers[0] },
    .machines = s_machines,
    .nmachines = sizeof s_machines / sizeof s_machines[0],
    .init = consult_app_init,
    .fini = consult_app_fini,
};

int main(int argc, char **argv)
{
    return service_main(argc, argv, &s_def);
}
