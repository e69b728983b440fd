/* proposal_fsm: the transition table of a proposal (see proposal_fsm.h),
 * read by common/fsm. Every rule on states and roles lives in the table. */
#include "proposal_fsm.h"

#define OFFICE (ROLE_OFFICE | ROLE_ADMIN)
#define AUTHOR ROLE_MEMBER
#define UNIT ROLE_UNIT
#define S(x) FSM_STATE(PROPOSAL_##x)

static const char *const s_states[PROPOSAL_STATE_COUNT] = {
    [PROPOSAL_DRAFT] = "draft",           [PROPOSAL_COSIGNING] = "cosigning",
    [PROPOSAL_SUBMITTED] = "submitted",   [PROPOSAL_REFUSED] = "refused",
    [PROPOSAL_CONVERTED] = "converted",   [PROPOSAL_MERGED] = "merged",
    [PROPOSAL_ACCEPTED] = "accepted",     [PROPOSAL_ASSIGNED] = "assigned",
    [PROPOSAL_HANDED_BACK] = "handed_back", [PROPOSAL_REPLIED] = "replied",
    [PROPOSAL_CLOSED] = "closed",
};

#define EV(id, nm, type, fr, dest, who) \
    [PROPOSAL_EV_##id] = {.name = nm, .event_type = type, .from = fr, .to = dest, .roles = who}

static const fsm_event_t s_events[PROPOSAL_EVENT_COUNT] = {
    EV(EDIT, "edit", "proposal.edited", S(DRAFT), FSM_SAME, AUTHOR),
    EV(SUBMIT, "submit", "proposal.submitted", S(DRAFT), PROPOSAL_SUBMITTED, AUTHOR),
    EV(INVITE, "invite", "proposal.invited", S(DRAFT), PROPOSAL_COSIGNING, AUTHOR),
    EV(COSIGN, "cosign", "proposal.cosigned", S(COSIGNING), FSM_SAME, AUTHOR),
    EV(CLOSE_COSIGN, "close_cosign", "proposal.cosign_closed", S(COSIGNING),
       PROPOSAL_SUBMITTED, OFFICE),
    EV(ACCEPT, "accept", "proposal.accepted", S(SUBMITTED), PROPOSAL_ACCEPTED, OFFICE),
    EV(REFUSE, "refuse", "proposal.refused", S(SUBMITTED), PROPOSAL_REFUSED, OFFICE),
    EV(CONVERT, "convert", "proposal.converted", S(SUBMITTED), PROPOSAL_CONVERTED, OFFICE),
    EV(MERGE, "merge", "proposal.merged", S(SUBMITTED) | S(ACCEPTED), PROPOSAL_MERGED, OFFICE),
    [PROPOSAL_EV_MARK_KEY] = {.name = "mark_key", .event_type = "proposal.marked_key",
                              .from = S(ACCEPTED) | S(ASSIGNED) | S(HANDED_BACK) | S(REPLIED),
                              .to = FSM_SAME, .roles = OFFICE, .sets = PROPOSAL_KEY,
                              .once = PROPOSAL_KEY},
    EV(ASSIGN, "assign", "proposal.assigned", S(ACCEPTED) | S(HANDED_BACK), PROPOSAL_ASSIGNED,
       OFFICE),
    EV(HAND_BACK, "hand_back", "proposal.handed_back", S(ASSIGNED), PROPOSAL_HANDED_BACK, UNIT),
    EV(CONTACT, "contact", "proposal.contacted", S(ASSIGNED) | S(REPLIED) | S(CLOSED), FSM_SAME,
       UNIT),
    EV(OPINION, "opinion", "proposal.opinion_sent", S(ASSIGNED), FSM_SAME, UNIT),
    EV(REPLY, "reply", "proposal.replied", S(ASSIGNED), PROPOSAL_REPLIED, UNIT),
    EV(VERDICT, "verdict", "proposal.verdict", S(REPLIED), PROPOSAL_CLOSED, AUTHOR),
    [PROPOSAL_EV_REOPEN] = {.name = "reopen", .event_type = "proposal.reopened",
                            .from = S(REPLIED), .to = PROPOSAL_ASSIGNED, .roles = AUTHOR,
                            .sets = PROPOSAL_ROUND2, .once = PROPOSAL_ROUND2},
};

const fsm_t proposal_fsm = {
    .name = "proposal",
    .states = s_states,
    .nstates = PROPOSAL_STATE_COUNT,
    .events = s_events,
    .nevents = PROPOSAL_EVENT_COUNT,
};
