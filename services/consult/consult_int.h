/* consult_int: what the handlers of lianxin-consult share: the loaded
 * consultation, the machine's gate, one recorded change (the event
 * ConsultationChanged read back from the stored row, with its audit row) and
 * the reply. Internal to lianxin-consult. */
#ifndef LIANXIN_CONSULT_INT_H
#define LIANXIN_CONSULT_INT_H

#include <stdint.h>
#include "consult.pb-c.h"
#include "consult_app.h"
#include "consult_fsm.h"
#include "consult_rules.h"

typedef struct consultation {
    int64_t id;
    char state[16];
    consult_state_t st;
    char form[16];
    char series[12];
    int64_t workroom_id, venue_id;
    int64_t start_us, end_us;       /* 0 when not scheduled */
    int64_t item;                   /* the reply's item: a task, outcome or participant number */
    int64_t invited_member;         /* add_participant: the member or leader just invited */
    int64_t invited_leader;
} consultation_t;

/* Loads and locks consultation `id` of `district`. 0, or -1 with res set
 * (404). */
int consult_load(tx_t *tx, const char *district, int64_t id, consultation_t *c,
                 cmd_result_t *res);

/* consult_load of the path's {id}, then the machine's gate for `ev`. */
int consult_begin(tx_t *tx, const cmd_ctx_t *ctx, consult_event_t ev, consultation_t *c,
                  cmd_result_t *res);

/* Moves `c` to `to` (FSM_SAME: keeps it) and buffers event `type` (NULL:
 * only the audit row `action`) with ConsultationChanged read back from the
 * stored row. `actor` may be the timers' system actor. 0, or -1 with res set. */
int consult_record(tx_t *tx, const char *district, const Lianxin__V1__Actor *actor,
                   consultation_t *c, int to, const char *name, const char *type,
                   cmd_result_t *res);

/* Answers ConsultationRef from `c` with `status`. */
int consult_reply(const consultation_t *c, int status, cmd_result_t *res);

/* A 409 `conflict` with `message` (Chinese, shown to users) and the field. */
int consult_refuse(cmd_result_t *res, const char *field, const char *code, const char *message);

#endif
