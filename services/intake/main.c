/* lianxin-intake: visits and the public-opinion log, the duty rota,
 * grading, reports and the calendar's writes. Wiring only: the command
 * table is intake_handlers.h (its handlers in visits.c, rota*.c, issues.c,
 * reports.c, ...), and the skeleton (config, loop, worker, bus, command
 * server) is common/service.c. Nothing here may hold domain logic. */
#include "service.h"
#include "intake_app.h"
#include "intake_handlers.h"
#include "calendar_watch.h"
#include "proposal.pb-c.h"
#include "report_fsm.h"
#include "report_from_proposal.h"
#include "rota_timers.h"

static const cmd_handler_t s_handlers[] = { INTAKE_HANDLERS };

/* Rows of intake.timers (key: room and day) and the periodic calendar look. */
static const timers_kind_t s_timers[] = {
    { .kind = "duty.upcoming", .fire = rota_timers_duty_upcoming },
    { .kind = "rota.absent_check", .fire = rota_timers_absent_check },
    { .kind = "calendar.watch", .every = calendar_watch_check },
};

/* The events of other services that intake applies: a proposal converted
 * into a public-opinion report. */
static const evroute_t s_routes[] = {
    { .type = "proposal.converted", .payload = &lianxin__v1__proposal_changed__descriptor,
      .apply = report_from_proposal_converted },
};

/* The state machines of its objects, checked at start. */
static const fsm_t *const s_machines[] = { &report_fsm };

static const service_def_t s_def = {
    .name = "intake",
    .handlers = s_handlers,
    .nhandlers = sizeof s_handlers / sizeof s_handlers[0],
    .routes = s_routes,
    .nroutes = sizeof s_routes / sizeof s_routes[0],
    .consumes = "proposal",
    .timers = { .table = "intake.timers", .keys = "workroom_id, duty_date",
                .kinds = s_timers, .nkinds = sizeof s_timers / sizeof s_timers[0] },
    .machines = s_machines,
    .nmachines = sizeof s_machines / sizeof s_machines[0],
    .init = intake_app_init,
    .fini = intake_app_fini,
};

int main(int argc, char **argv)
{
    return service_main(argc, argv, &s_def);
}
