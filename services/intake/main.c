/* lianxin-intake: visits and the public-opinion log, the duty rota,
 * grading, reports and the calendar's writes. Wiring only: the command
 * table is intake_handlers.h (its handlers in visits.c, rota*.c, issues.c,
 * reports.c, ...), and the skeleton (config, loop, worker, bus, command
 * server) is common/service.c. Nothing here may hold domain logic. */
#include "service.h"
#include "intake_app.h"
#include "intake_handlers.h"
#include "timers.h"

static const cmd_handler_t s_handlers[] = { INTAKE_HANDLERS };

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
