/* consult_timers: the fire functions (see consult_timers.h). Business time
 * is the transaction's. Logs nothing: the timers module logs districts and
 * counts. */
#include <stdlib.h>
#include <string.h>
#include "consult_int.h"
#include "consult_timers.h"

/* Records `name`/`type` on the row's consultation by the system actor;
 * nothing when the consultation is gone or was cancelled. */
static int s_note(tx_t *tx, const timers_row_t *row, const char *name, const char *type)
{
    Lianxin__V1__Actor sys = timers_actor(row->district);
    consultation_t c;
    cmd_result_t res;
    memset(&res, 0, sizeof res);
    if (consult_load(tx, row->district, strtoll(row->keys[0], NULL, 10), &c, &res) != 0)
        return res.status == 404 ? 0 : -1;
    if (c.st == CONSULT_CANCELLED)
        return 0;
    c.item = strtoll(row->keys[1], NULL, 10);
    return consult_record(tx, row->district, &sys, &c, FSM_SAME, name, type, &res);
}

int consult_timers_notice_ended(tx_t *tx, const timers_row_t *row, void *app)
{
    (void) app;
    return s_note(tx, row, "notice_ended", "consultation.notice_ended");
}

int consult_timers_task_due(tx_t *tx, const timers_row_t *row, void *app)
{
    (void) app;
    const char *q[3] = {row->district, row->keys[0], row->keys[1]};
    PGresult *r = db_exec(tx_db(tx), "SELECT 1 FROM consult.tasks WHERE district_code = $1"
                                     " AND consultation_id = $2::bigint AND seq = $3::int"
                                     " AND state = 'open'", 3, q);
    if (!r)
        return -1;
    int open = PQntuples(r) == 1;
    PQclear(r);
    return open ? s_note(tx, row, "task_overdue", "consultation.task_overdue") : 0;
}
