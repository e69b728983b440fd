/* lianxin-assess: the member files (履职档案) and the office's meetings.
 * Wiring only: the event routes are assess_routes.c (shared with the
 * rebuild), the rules assess_rules.c, the meetings and leave
 * assess_meetings.c, check-in assess_checkin.c, snapshots and rules
 * assess_publish.c; `lianxin-assess rebuild ...` is assess_rebuild.c; the
 * skeleton is common/service.c. */
#include <string.h>
#include "service.h"
#include "assess.pb-c.h"
#include "assess_app.h"
#include "assess_checkin.h"
#include "assess_fsm.h"
#include "assess_groups.h"
#include "assess_meetings.h"
#include "assess_publish.h"
#include "assess_rebuild.h"
#include "assess_routes.h"
#include "assess_store.h"

#define OFFICE (ROLE_OFFICE | ROLE_ADMIN)

/* Every handler refuses (4xx) before it writes anything: atomic rows. */
static const cmd_handler_t s_handlers[] = {
    { .type = "assess.CreateMeeting", .request = &lianxin__v1__meeting_draft__descriptor,
      .roles = OFFICE, .flags = CMD_DISTRICT, .execute = assess_meetings_create_execute,
      .atomic = 1 },
    { .type = "assess.AskLeave", .request = &lianxin__v1__leave_action__descriptor,
      .roles = ROLE_MEMBER, .flags = CMD_DISTRICT, .execute = assess_meetings_leave_execute,
      .atomic = 1 },
    { .type = "assess.DecideLeave", .request = &lianxin__v1__leave_action__descriptor,
      .roles = OFFICE, .flags = CMD_DISTRICT, .execute = assess_meetings_decide_execute,
      .atomic = 1 },
    { .type = "assess.CorrectAttendance", .request = &lianxin__v1__correct_attendance__descriptor,
      .roles = OFFICE, .flags = CMD_DISTRICT, .execute = assess_meetings_correct_execute,
      .atomic = 1 },
    { .type = "assess.CheckinCode", .request = &lianxin__v1__checkin_code_request__descriptor,
      .roles = OFFICE, .flags = CMD_DISTRICT, .execute = assess_checkin_code_execute,
      .atomic = 1 },
    { .type = "assess.CheckIn", .request = &lianxin__v1__check_in__descriptor,
      .roles = ROLE_MEMBER, .flags = CMD_DISTRICT, .execute = assess_checkin_execute,
      .atomic = 1 },
    { .type = "assess.PublishSnapshot", .request = &lianxin__v1__publish_snapshot__descriptor,
      .roles = OFFICE, .flags = CMD_DISTRICT, .execute = assess_publish_snapshot_execute,
      .atomic = 1 },
    { .type = "assess.PutRules", .request = &lianxin__v1__put_rules__descriptor,
      .roles = OFFICE, .flags = CMD_DISTRICT, .execute = assess_publish_rules_execute,
      .atomic = 1 },
    { .type = "assess.SetGroupContact", .request = &lianxin__v1__group_contact__descriptor,
      .roles = OFFICE, .flags = CMD_DISTRICT, .execute = assess_groups_contact_execute,
      .atomic = 1 },
};

static const timers_kind_t s_timers[] = {
    { .kind = "meeting.close", .fire = assess_meetings_close },
    { .kind = "groups.judge", .every = assess_store_groups_tick },
};

static const fsm_t *const s_machines[] = { &assess_attendance_fsm, &assess_leave_fsm };

static const service_def_t s_def = {
    .name = "assess",
    .handlers = s_handlers,
    .nhandlers = sizeof s_handlers / sizeof s_handlers[0],
    .routes = assess_routes,
    .nroutes = ASSESS_NROUTES,
    .consumes = ASSESS_PRODUCERS,
    .timers = { .table = "assess.timers", .keys = "meeting_id",
                .kinds = s_timers, .nkinds = sizeof s_timers / sizeof s_timers[0] },
    .machines = s_machines,
    .nmachines = sizeof s_machines / sizeof s_machines[0],
    .init = assess_app_init,
    .fini = assess_app_fini,
};

int main(int argc, char **argv)
{
    /* lianxin-assess [-c CONFIG] rebuild ...: a command, not the service */
    for (int i = 1; i < argc && i <= 3; i++)
        if (strcmp(argv[i], "rebuild") == 0)
            return assess_rebuild_main(argc, argv);
    return service_main(argc, argv, &s_def);
}
