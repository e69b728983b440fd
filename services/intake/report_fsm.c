/* report_fsm: the transition table of a public-opinion report and the one
 * function that reads it (see report_fsm.h). Every rule lives in s_table;
 * nothing here may decide a transition in code instead of data. */
#include "report_fsm.h"

#include <stdio.h>
#include <string.h>

#define STATE_BIT(state) (1u << (state))
#define OFFICE_ROLES (ROLE_OFFICE | ROLE_ADMIN)
#define AUTHOR_ROLES ROLE_MEMBER

static const report_transition_t s_table[REPORT_EVENT_COUNT] = {
    {REPORT_EV_EDIT, "edit", "report.edited",
     STATE_BIT(REPORT_DRAFT) | STATE_BIT(REPORT_RETURNED), REPORT_SAME, AUTHOR_ROLES, 0, 0},
    {REPORT_EV_SUBMIT, "submit", "report.submitted",
     STATE_BIT(REPORT_DRAFT), REPORT_SUBMITTED, AUTHOR_ROLES, 0, 0},
    {REPORT_EV_RESUBMIT, "resubmit", "report.resubmitted",
     STATE_BIT(REPORT_RETURNED), REPORT_SUBMITTED, AUTHOR_ROLES, 0, 0},
    {REPORT_EV_RETURN, "return", "report.returned",
     STATE_BIT(REPORT_SUBMITTED), REPORT_RETURNED, OFFICE_ROLES, 0, 0},
    {REPORT_EV_MERGE, "merge", "report.merged",
     STATE_BIT(REPORT_SUBMITTED) | STATE_BIT(REPORT_ACCEPTED), REPORT_MERGED, OFFICE_ROLES, 0, 0},
    {REPORT_EV_ACCEPT, "accept", "report.accepted",
     STATE_BIT(REPORT_SUBMITTED), REPORT_ACCEPTED, OFFICE_ROLES, 0, 0},
    {REPORT_EV_FORWARD, "forward", "report.forwarded",
     STATE_BIT(REPORT_ACCEPTED), REPORT_FORWARDED, OFFICE_ROLES, 0, 0},
    {REPORT_EV_ADOPT, "adopt", "report.adopted",
     STATE_BIT(REPORT_FORWARDED) | STATE_BIT(REPORT_AUTHORS_TOLD), REPORT_FORWARDED, OFFICE_ROLES,
     REPORT_OUTCOME_ADOPTED, REPORT_OUTCOME_ADOPTED},
    {REPORT_EV_INSTRUCT, "instruct", "report.instructed",
     STATE_BIT(REPORT_FORWARDED) | STATE_BIT(REPORT_AUTHORS_TOLD), REPORT_FORWARDED, OFFICE_ROLES,
     REPORT_OUTCOME_INSTRUCTED, 0},
    {REPORT_EV_TELL_AUTHORS, "tell_authors", "report.authors_told",
     STATE_BIT(REPORT_FORWARDED), REPORT_AUTHORS_TOLD, OFFICE_ROLES, 0, 0},
};

static const char *const s_state_names[REPORT_STATE_COUNT] = {
    "draft", "submitted", "returned", "merged", "accepted", "forwarded", "authors_told",
};

const report_transition_t *report_fsm_table(size_t *n)
{
    if (n)
        *n = REPORT_EVENT_COUNT;
    return s_table;
}

/* 1 when `t` may fire from (state, outcomes), roles aside. */
static int s_fires(const report_transition_t *t, report_state_t state, unsigned outcomes)
{
    return (t->from & STATE_BIT(state)) && !(t->once & outcomes);
}

static int s_known(report_state_t state, unsigned role)
{
    return (unsigned) state < REPORT_STATE_COUNT && role_name(role) != NULL;
}

size_t report_fsm_allowed(report_state_t state, unsigned outcomes, unsigned role,
                          report_event_t out[REPORT_EVENT_COUNT])
{
    size_t n = 0;
    if (!s_known(state, role))
        return 0;
    for (size_t i = 0; i < REPORT_EVENT_COUNT; i++)
        if ((s_table[i].roles & role) && s_fires(&s_table[i], state, outcomes))
            out[n++] = s_table[i].event;
    return n;
}

report_fsm_result_t report_fsm_check(report_state_t state, unsigned outcomes,
                                     report_event_t event, unsigned role,
                                     report_fsm_verdict_t *out)
{
    memset(out, 0, sizeof *out);
    if (!s_known(state, role) || (unsigned) event >= REPORT_EVENT_COUNT)
        return out->result = REPORT_FSM_UNKNOWN;
    const report_transition_t *t = &s_table[event];
    out->nallowed = report_fsm_allowed(state, outcomes, role, out->allowed);
    if (!(t->roles & role))
        return out->result = REPORT_FSM_FORBIDDEN;
    if (!s_fires(t, state, outcomes))
        return out->result = REPORT_FSM_WRONG_STATE;
    out->to = t->to == REPORT_SAME ? state : (report_state_t) t->to;
    out->outcomes = outcomes | t->sets;
    return out->result = REPORT_FSM_OK;
}

int report_fsm_allowed_text(const report_fsm_verdict_t *v, char *out, size_t outsz)
{
    size_t len = 0;
    if (!outsz)
        return -1;
    out[0] = '\0';
    for (size_t i = 0; i < v->nallowed; i++) {
        const char *name = report_event_name(v->allowed[i]);
        int k = snprintf(out + len, outsz - len, "%s%s", i ? ", " : "", name ? name : "?");
        if (k < 0 || (size_t) k >= outsz - len)
            return -1;
        len += (size_t) k;
    }
    return 0;
}

int report_fsm_http_status(report_fsm_result_t result)
{
    switch (result) {
    case REPORT_FSM_OK:
        return 200;
    case REPORT_FSM_FORBIDDEN:
        return 403;
    case REPORT_FSM_WRONG_STATE:
        return 409;
    case REPORT_FSM_UNKNOWN:
        break;
    }
    return 400;
}

/* ---- names ------------------------------------------------------------------ */

static int s_lookup(const char *const *names, int n, const char *name)
{
    for (int i = 0; name && i < n; i++)
        if (strcmp(names[i], name) == 0)
            return i;
    return -1;
}

const char *report_state_name(report_state_t state)
{
    return (unsigned) state < REPORT_STATE_COUNT ? s_state_names[state] : NULL;
}

int report_state_from_name(const char *name)
{
    return s_lookup(s_state_names, REPORT_STATE_COUNT, name);
}

const char *report_event_name(report_event_t event)
{
    return (unsigned) event < REPORT_EVENT_COUNT ? s_table[event].name : NULL;
}

int report_event_from_name(const char *name)
{
    for (int i = 0; name && i < REPORT_EVENT_COUNT; i++)
        if (strcmp(s_table[i].name, name) == 0)
            return i;
    return -1;
}
