/* lianxin-intake: visits and the public-opinion log. Wiring only: the
 * command handlers live in visits.c, the rules in visit_rules.c, and the
 * skeleton (config, loop, worker, bus, command server) in common/service.c.
 * Nothing here may hold domain logic. */
#include "intake.pb-c.h"
#include "service.h"
#include "visits.h"
#include "intake_app.h"
#include "intake_handlers.h"
#include "timers.h"

static const cmd_handler_t s_handlers[] = {
    { .type = "intake.RecordVisit", .request = &lianxin__v1__record_visit__descriptor,
      .validate = visits_validate, .execute_many = visits_execute_many },
    INTAKE_ISSUE3_HANDLERS
};

static const service_def_t s_def = {
    .name = "intake",
    .handlers = s_handlers,
    .nhandlers = sizeof s_handlers / sizeof s_handlers[0],
    .apply = NULL,
    .consumes = NULL,
    .init = intake_app_init,
    .fini = intake_app_fini,
    .start = timers_start,
    .stop = timers_stop,
};

int main(int argc, char **argv)
{
    return service_main(argc, argv, &s_def);
}
