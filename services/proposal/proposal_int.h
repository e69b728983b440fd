/* proposal_int: what the draft handlers (proposals.c), the transitions
 * (proposal_events.c) and the timers (proposal_timers.c) share: the loaded
 * proposal with the caller's place in it, the gate, the timeline row, the
 * event and the reply. Internal to lianxin-proposal. */
#ifndef LIANXIN_PROPOSAL_INT_H
#define LIANXIN_PROPOSAL_INT_H

#include <stdint.h>
#include "proposal.pb-c.h"
#include "proposal_app.h"
#include "proposal_fsm.h"

typedef struct proposal {
    int64_t id;
    char state[16];
    proposal_state_t st;
    unsigned flags;
    int round;
    char kind[16];
    int64_t lead_unit_id;
    calendar_day_t assigned_on;     /* -1 when never assigned */
    char me[12];                    /* member: first, invited, confirmed, dropped, ""; unit: lead, co, "" */
    char number[24];                /* after a step: "2026-0123" or "" */
    char due[11];                   /* after a step: the due date or "" */
} proposal_t;

/* Loads and locks proposal `id` of the command's district as the actor sees
 * it: a member only as one of its proposers, a unit only while assigned,
 * office and admin always (404 otherwise). 0, or -1 with res set. */
int proposal_load(tx_t *tx, const cmd_ctx_t *ctx, int64_t id, proposal_t *p,
                  cmd_result_t *res);

/* proposal_load of the path's {id}, then the machine's gate for `ev`
 * (403/409 with the events allowed now). */
int proposal_begin(tx_t *tx, const cmd_ctx_t *ctx, proposal_event_t ev, proposal_t *p,
                   cmd_result_t *res);

/* Moves `p` by `ev` (the state and flags the machine gives), appends the
 * timeline row (`note` may be ""), and buffers the event with `ev_msg`
 * completed from the stored proposal (number, state, proposers, title)
 * and the audit row. Used by commands and timers alike (`actor`). */
int proposal_step(tx_t *tx, const char *district, const Lianxin__V1__Actor *actor,
                  proposal_t *p, proposal_event_t ev, const char *note,
                  Lianxin__V1__ProposalChanged *ev_msg, cmd_result_t *res);

/* An event that is no transition (the look-back due): the timeline row
 * `name` and the event `type` with its audit row; the state stays. 0/-1. */
int proposal_note(tx_t *tx, const char *district, const Lianxin__V1__Actor *actor,
                  proposal_t *p, const char *name, const char *type,
                  Lianxin__V1__ProposalChanged *ev_msg);

#define PROPOSAL_PROPOSERS_MAX 64

/* The co-signers still invited drop off (status dropped), their ids into
 * ev->dropped_ids (stored in `dropped`); a proposal left without a
 * confirmed co-signer becomes an individual one. 0, or -1 with res set. */
int proposal_cosign_drop(tx_t *tx, const char *district, proposal_t *p,
                         Lianxin__V1__ProposalChanged *ev, int64_t *dropped, size_t max,
                         cmd_result_t *res);

/* Ends the co-signing of `p` (cosigning) by `actor` (NULL: the timers'
 * system actor): drops those still invited and steps close_cosign. With
 * `only_if_complete`, only when nobody is still invited (the last co-signer
 * confirmed). 1 when closed, 0 when not, -1 with res set. */
int proposal_cosign_close(tx_t *tx, const char *district, const Lianxin__V1__Actor *actor,
                          proposal_t *p, int only_if_complete, cmd_result_t *res);

/* Answers ProposalRef from `p` as its last step left it, with `status`. */
int proposal_reply_ref(const proposal_t *p, int status, cmd_result_t *res);

/* Answers ProposalRef (as stored now) with `status`. */
int proposal_reply(tx_t *tx, const cmd_ctx_t *ctx, int64_t id, int status, cmd_result_t *res);

#endif
