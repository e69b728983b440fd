/* assess_meetings: the office's meetings and activities (全会, 常委会,
 * inspections, research, trainings, deeds, group activities) with the
 * members invited, leave requests and the office's corrections; the close
 * of a meeting at its end. Every change of a member's attendance after the
 * fact (check-in, close, correction) publishes meeting.attended, which the
 * member files count like any other service's event. Worker thread. */
#ifndef LIANXIN_ASSESS_MEETINGS_H
#define LIANXIN_ASSESS_MEETINGS_H

#include "cmd.h"
#include "timers.h"

/* One member's line of a meeting, with the meeting's facts. */
typedef struct assess_line {
    int64_t meeting_id, member_id;
    char kind[24], state[12], status[12], leave[12], date[11];
    char title[604];
    int64_t starts_us, ends_us;
} assess_line_t;

/* Loads the line of (meeting, member) in the command's district, locking
 * it. 0; -1 with res 404 when the meeting or the member's line is not there. */
int assess_line_load(tx_t *tx, const cmd_ctx_t *ctx, int64_t meeting, int64_t member,
                     assess_line_t *line, cmd_result_t *res);

/* Sets the line's status (present, absent, leave) and buffers
 * meeting.attended with its audit row `action`. 0 or -1 (res set). */
int assess_line_set(tx_t *tx, const cmd_ctx_t *ctx, assess_line_t *line, const char *status,
                    const char *action, cmd_result_t *res);

int assess_meetings_create_execute(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res);
int assess_meetings_leave_execute(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res);
int assess_meetings_decide_execute(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res);
int assess_meetings_correct_execute(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res);

/* Timer meeting.close: the lines still invited become absent, or leave
 * when leave was approved; the meeting is closed. */
int assess_meetings_close(tx_t *tx, const timers_row_t *row, void *app);

#endif
