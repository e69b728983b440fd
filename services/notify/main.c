/* lianxin-notify: the in-app inbox. Wiring only: the event apply function
 * and the MarkRead handler live in inbox.c, the recipient rules and texts in
 * recipients.c, the skeleton (config, loop, worker, consumer, command
 * server) in common/service.c. Nothing here may hold domain logic. */
#include "notify.pb-c.h"
#include "service.h"
#include "inbox.h"

static const cmd_handler_t s_handlers[] = {
    { .type = "notify.MarkRead", .request = &lianxin__v1__mark_read__descriptor,
      .roles = ROLES_ANY, .flags = CMD_DISTRICT, .validate = inbox_mark_read_validate,
      .execute = inbox_mark_read_execute, .atomic = 1 },
};

static const service_def_t s_def = {
    .name = "notify",
    .handlers = s_handlers,
    .nhandlers = sizeof s_handlers / sizeof s_handlers[0],
    .apply = inbox_apply,
    .apply_many = inbox_apply_many,
    .consumes = "intake",
    .init = inbox_init,
    .fini = inbox_fini,
};

int main(int argc, char **argv)
{
    return service_main(argc, argv, &s_def);
}
