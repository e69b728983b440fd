/* report_int: what reports.c (drafts) and report_events.c (transitions)
 * share: the loaded report, the state-machine gate, the report's own log and
 * the reply. Internal to lianxin-intake. */
#ifndef LIANXIN_REPORT_INT_H
#define LIANXIN_REPORT_INT_H

#include <stdint.h>
#include "cmd.h"
#include "jsonpb.h"
#include "report_fsm.h"
#include "reports.pb-c.h"

typedef struct report {
    int64_t id;
    char state[16];
    unsigned outcomes;
    report_state_t st;
} report_t;

/* 1 when `field` is to be written: always on create, else when the JSON
 * body named it (the gateway's `present` list). */
int report_present(const Lianxin__V1__ReportDraft *d, int create, const char *field);

/* Loads and locks the path's report and checks that the actor may send
 * `ev` now: 404 when there is none (or a member who does not author it asks),
 * 403 when the role may never send it, 409 listing the allowed events when
 * the state does not allow it. 0 when allowed. */
int report_begin(tx_t *tx, const cmd_ctx_t *ctx, report_event_t ev, report_t *rep,
                 cmd_result_t *res);

/* Appends a row to intake.report_log (rep->state is the from-state). */
int report_log(tx_t *tx, const cmd_ctx_t *ctx, const report_t *rep, const char *event,
               const char *to, const char *note, cmd_result_t *res);

/* Audit row `action`, then answers ReportRef (number, state, outcomes as
 * stored now) with `status`. */
int report_reply(tx_t *tx, const cmd_ctx_t *ctx, const report_t *rep, const char *action,
                 int status, cmd_result_t *res);

#endif
