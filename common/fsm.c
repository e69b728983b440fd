/* fsm: the one reader of a state machine's table (see fsm.h). Every rule of
 * a machine lives in its table; nothing here may decide a transition in
 * code instead of data. */
#include "fsm.h"

#include <stdio.h>
#include <string.h>
#include "roles.h"

int fsm_valid(const fsm_t *m)
{
    if (!m || !m->states || !m->events || m->nstates < 1 || m->nstates > FSM_MAX_STATES
        || m->nevents < 1 || m->nevents > FSM_MAX_EVENTS)
        return -1;
    unsigned all = m->nstates == 32 ? ~0u : (1u << m->nstates) - 1;
    for (int i = 0; i < m->nstates; i++)
        if (!m->states[i] || fsm_state_from_name(m, m->states[i]) != i)
            return -1;
    for (int i = 0; i < m->nevents; i++) {
        const fsm_event_t *e = &m->events[i];
        if (!e->name || fsm_event_from_name(m, e->name) != i || !e->from || (e->from & ~all)
            || !e->roles || (e->to != FSM_SAME && (e->to < 0 || e->to >= m->nstates)))
            return -1;
    }
    return 0;
}

/* 1 when `e` may fire from (state, flags) for `subject`, roles aside. */
static int s_fires(const fsm_event_t *e, int state, unsigned flags, const void *subject)
{
    return (e->from & FSM_STATE(state)) && !(e->once & flags) && (!e->guard || e->guard(subject));
}

static int s_known(const fsm_t *m, int state, unsigned role)
{
    return m && state >= 0 && state < m->nstates && role_name(role) != NULL;
}

size_t fsm_allowed(const fsm_t *m, int state, unsigned flags, unsigned role,
                   const void *subject, int out[FSM_MAX_EVENTS])
{
    size_t n = 0;
    if (!s_known(m, state, role))
        return 0;
    for (int i = 0; i < m->nevents && i < FSM_MAX_EVENTS; i++)
        if ((m->events[i].roles & role) && s_fires(&m->events[i], state, flags, subject))
            out[n++] = i;
    return n;
}

fsm_result_t fsm_check(const fsm_t *m, int state, unsigned flags, int event, unsigned role,
                       const void *subject, fsm_verdict_t *out)
{
    memset(out, 0, sizeof *out);
    if (!s_known(m, state, role) || event < 0 || event >= m->nevents)
        return out->result = FSM_UNKNOWN;
    const fsm_event_t *e = &m->events[event];
    out->nallowed = fsm_allowed(m, state, flags, role, subject, out->allowed);
    if (!(e->roles & role))
        return out->result = FSM_FORBIDDEN;
    if (!s_fires(e, state, flags, subject))
        return out->result = FSM_WRONG_STATE;
    out->to = e->to == FSM_SAME ? state : e->to;
    out->flags = flags | e->sets;
    return out->result = FSM_OK;
}

int fsm_allowed_text(const fsm_t *m, const fsm_verdict_t *v, char *out, size_t outsz)
{
    size_t len = 0;
    if (!outsz)
        return -1;
    out[0] = '\0';
    for (size_t i = 0; i < v->nallowed; i++) {
        const char *name = fsm_event_name(m, v->allowed[i]);
        int k = snprintf(out + len, outsz - len, "%s%s", i ? ", " : "", name ? name : "?");
        if (k < 0 || (size_t) k >= outsz - len)
            return -1;
        len += (size_t) k;
    }
    return 0;
}

int fsm_http_status(fsm_result_t result)
{
    switch (result) {
    case FSM_OK:
        return 200;
    case FSM_FORBIDDEN:
        return 403;
    case FSM_WRONG_STATE:
        return 409;
    case FSM_UNKNOWN:
        break;
    }
    return 400;
}

const char *fsm_error_code(fsm_result_t result)
{
    static const char *const codes[] = {"", "forbidden", "conflict", "bad_request"};
    return (unsigned) result < sizeof codes / sizeof codes[0] ? codes[result] : "bad_request";
}

int fsm_explain(const fsm_t *m, const fsm_verdict_t *v, int state, int event, const char *role,
                char *out, size_t outsz)
{
    char allowed[FSM_MAX_EVENTS * 16];
    const char *sname = fsm_state_name(m, state), *ename = fsm_event_name(m, event);
    if (fsm_allowed_text(m, v, allowed, sizeof allowed) != 0)
        allowed[0] = '\0';
    if (v->result == FSM_FORBIDDEN)
        snprintf(out, outsz, "role %s may not %s a %s", role ? role : "?", ename ? ename : "?",
                 m->name);
    else if (v->result == FSM_WRONG_STATE)
        snprintf(out, outsz, "%s is %s; allowed now: %s", m->name, sname ? sname : "?",
                 allowed[0] ? allowed : "nothing");
    else if (v->result == FSM_UNKNOWN)
        snprintf(out, outsz, "unknown transition");
    else if (outsz)
        out[0] = '\0';
    return fsm_http_status(v->result);
}

/* ---- names ------------------------------------------------------------------ */

const char *fsm_state_name(const fsm_t *m, int state)
{
    return m && state >= 0 && state < m->nstates ? m->states[state] : NULL;
}

int fsm_state_from_name(const fsm_t *m, const char *name)
{
    for (int i = 0; m && name && i < m->nstates; i++)
        if (m->states[i] && strcmp(m->states[i], name) == 0)
            return i;
    return -1;
}

const char *fsm_event_name(const fsm_t *m, int event)
{
    return m && event >= 0 && event < m->nevents ? m->events[event].name : NULL;
}

int fsm_event_from_name(const fsm_t *m, const char *name)
{
    for (int i = 0; m && name && i < m->nevents; i++)
        if (m->events[i].name && strcmp(m->events[i].name, name) == 0)
            return i;
    return -1;
}
