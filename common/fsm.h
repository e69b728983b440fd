/* fsm: a state machine as data, for the life of whatever a service carries
 * through steps (a public-opinion report, a proposal, a consultation, a
 * supervision case). A machine is a table: its states by name, and one row
 * per event saying from which states it fires, where it goes, which roles
 * may send it, which flags (outcomes recorded along the way) it sets or
 * must not find set, and an optional guard on the subject. Pure: it decides
 * whether a step is allowed and what the step leads to, never performs one
 * (the service's handler named after the event does). It never checks
 * authorship or districts. The answer maps to HTTP: 403 for a role that may
 * never send the event, 409 with the events allowed now for a wrong state. */
#ifndef LIANXIN_FSM_H
#define LIANXIN_FSM_H

#include <stddef.h>

#define FSM_MAX_STATES 32               /* `from` is a bit set of states */
#define FSM_MAX_EVENTS 32
#define FSM_SAME (-1)                   /* `to` of an event that keeps the state */
#define FSM_STATE(s) (1u << (s))        /* the bit of state s in `from` */

/* One event of a machine. Row i of the table is event i. */
typedef struct fsm_event {
    const char *name;                   /* "accept": the HTTP sub-resource and handler name */
    const char *event_type;             /* "report.accepted": the bus event it emits; may be NULL */
    unsigned from;                      /* FSM_STATE bits of the states it fires from */
    int to;                             /* the state after it, or FSM_SAME */
    unsigned roles;                     /* ROLE_* bits (common/roles.h) that may send it */
    unsigned sets;                      /* flags it records */
    unsigned once;                      /* refused when one of these flags is already set */
    /* Optional: 1 when the subject allows the event now, 0 when not (a
     * wrong state for the caller: 409). Pure; gets the subject fsm_check
     * was handed, which may be NULL. */
    int (*guard)(const void *subject);
} fsm_event_t;

typedef struct fsm {
    const char *name;                   /* "report": logs and messages */
    const char *const *states;          /* names as stored, index = state */
    int nstates;
    const fsm_event_t *events;          /* index = event */
    int nevents;
} fsm_t;

typedef enum {
    FSM_OK = 0,                         /* allowed: see to and flags */
    FSM_FORBIDDEN = 1,                  /* the role may never send this event: 403 */
    FSM_WRONG_STATE = 2,                /* the role may, but not now: 409 with the allowed list */
    FSM_UNKNOWN = 3                     /* state or event out of range, or not one role: 400 */
} fsm_result_t;

typedef struct fsm_verdict {
    fsm_result_t result;
    int to;                             /* when OK: the state after the event */
    unsigned flags;                     /* when OK: the flags after the event */
    size_t nallowed;                    /* the events this role may send now, table order */
    int allowed[FSM_MAX_EVENTS];
} fsm_verdict_t;

/* 0 when `m` is a well-formed machine (1..FSM_MAX_STATES named states,
 * 1..FSM_MAX_EVENTS events with distinct names, `from` within the states,
 * `to` a state or FSM_SAME, some role each), else -1. Services check their
 * machine once at start and in a unit test. */
int fsm_valid(const fsm_t *m);

/* Whether `role` (one ROLE_* bit) may send `event` to a subject in `state`
 * with `flags`. The role is judged first: an event the role may never send
 * is FORBIDDEN whatever the state. `subject` is handed to the guards (may be
 * NULL when the machine has none). The allowed list is filled for every
 * result but UNKNOWN. Returns out->result. */
fsm_result_t fsm_check(const fsm_t *m, int state, unsigned flags, int event, unsigned role,
                       const void *subject, fsm_verdict_t *out);

/* The events `role` may send now, in table order, into out (FSM_MAX_EVENTS
 * places). Returns how many (0 for out-of-range arguments). */
size_t fsm_allowed(const fsm_t *m, int state, unsigned flags, unsigned role,
                   const void *subject, int out[FSM_MAX_EVENTS]);

/* The verdict's allowed events as "submit, edit" (or "" when none) into
 * `out`. 0, or -1 when it did not fit. */
int fsm_allowed_text(const fsm_t *m, const fsm_verdict_t *v, char *out, size_t outsz);

/* The HTTP status of a result: 200, 403, 409, 400; and the API's error code
 * of a refusal: "forbidden", "conflict", "bad_request" ("" for OK). */
int fsm_http_status(fsm_result_t result);
const char *fsm_error_code(fsm_result_t result);

/* The message of a refusal into `out`, naming the machine, the role (`role`,
 * its name) and the event for FORBIDDEN ("role member may not accept a
 * report"), the state and the events allowed now for WRONG_STATE ("report
 * is draft; allowed now: submit, edit"). Returns the HTTP status. */
int fsm_explain(const fsm_t *m, const fsm_verdict_t *v, int state, int event, const char *role,
                char *out, size_t outsz);

/* Names as stored and sent. The _name functions return NULL out of range;
 * the _from_name ones return -1 for an unknown name. */
const char *fsm_state_name(const fsm_t *m, int state);
int fsm_state_from_name(const fsm_t *m, const char *name);
const char *fsm_event_name(const fsm_t *m, int event);
int fsm_event_from_name(const fsm_t *m, const char *name);

#endif
