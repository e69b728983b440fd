/* lianxin-proposal: proposals (提案) from submission to the proposer's
 * verdict and the look-back. Wiring only: the drafts are proposals.c, the
 * transitions proposal_events.c, the machine proposal_fsm.c, the timers
 * proposal_timers.c; the skeleton (config, loop, worker, bus, command
 * server, timers under the district leases) is common/service.c. */
#include "service.h"
#include "proposal.pb-c.h"
#include "proposal_app.h"
#include "proposal_fsm.h"
#include "proposal_timers.h"
#include "proposals.h"

/* The rows admit every role that sends some event; the machine decides per
 * event and state, the handlers who the caller is in the proposal. Every
 * handler refuses (4xx) before it writes anything, so the rows are atomic:
 * no savepoint per command in a group commit. */
static const cmd_handler_t s_handlers[] = {
    { .type = "proposal.Create", .request = &lianxin__v1__proposal_draft__descriptor,
      .roles = ROLE_MEMBER, .flags = CMD_DISTRICT, .execute = proposals_create_execute,
      .atomic = 1 },
    { .type = "proposal.Edit", .request = &lianxin__v1__proposal_draft__descriptor,
      .roles = ROLE_MEMBER, .flags = CMD_DISTRICT, .execute = proposals_edit_execute,
      .atomic = 1 },
    { .type = "proposal.Transition", .request = &lianxin__v1__proposal_action__descriptor,
      .roles = PROPOSAL_ROLES, .flags = CMD_DISTRICT, .execute = proposals_transition_execute,
      .atomic = 1 },
};

static const timers_kind_t s_timers[] = {
    { .kind = "cosign.deadline", .fire = proposal_timers_cosign_deadline },
    { .kind = "lookback.due", .fire = proposal_timers_lookback_due },
};

static const fsm_t *const s_machines[] = { &proposal_fsm };

static const service_def_t s_def = {
    .name = "proposal",
    .handlers = s_handlers,
    .nhandlers = sizeof s_handlers / sizeof s_handlers[0],
    .timers = { .table = "proposal.timers", .keys = "proposal_id",
                .kinds = s_timers, .nkinds = sizeof s_timers / sizeof s_timers[0] },
    .machines = s_machines,
    .nmachines = sizeof s_machines / sizeof s_machines[0],
    .init = proposal_app_init,
    .fini = proposal_app_fini,
};

int main(int argc, char **argv)
{
    return service_main(argc, argv, &s_def);
}
