/* consult_timers: lianxin-consult's timer kinds (table consult.timers, keys
 * consultation_id and item, under the lease consult/<district>):
 *   notice.ended  the end of a public notice's last day: consultation.notice_ended
 *   task.due      the end of a research task's due day, the task still open:
 *                 consultation.task_overdue (the office is told by notify)
 * Each fires once from the one clock, in a transaction with its event and
 * audit row. */
#ifndef LIANXIN_CONSULT_TIMERS_H
#define LIANXIN_CONSULT_TIMERS_H

#include "timers.h"

int consult_timers_notice_ended(tx_t *tx, const timers_row_t *row, void *app);
int consult_timers_task_due(tx_t *tx, const timers_row_t *row, void *app);

#endif
