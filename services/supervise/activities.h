/* activities: a supervision group's activities (inspections, unannounced
 * visits, hearings, research) with attendance, each member's attendance
 * published as supervision.attended (counted in the member files, act by
 * act). A scheduled activity (its times) takes check-ins (签到) by the
 * signed QR link of common/checkin_gate (scope "<district>/activity"), as
 * a consultation does: the office asks for the link (valid until the end);
 * a member posts its token. Refused: a forged or expired token (403),
 * another activity's token or a time outside the window (from
 * supervise.checkin_before_min before the start to the end) (409), a
 * member not in the group (422). The office corrects any member's
 * attendance. Never logs a token or personal data. */
#ifndef LIANXIN_SUPERVISE_ACTIVITIES_H
#define LIANXIN_SUPERVISE_ACTIVITIES_H

#include "cmd.h"

#define ACTIVITY_SPAN_MAX_US (24LL * 3600 * 1000000)

/* supervise.RecordActivity (ActivityDraft, office): SupervisionRef, 201. */
int activities_record_validate(const cmd_ctx_t *ctx, cmd_result_t *res);
int activities_record_execute(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res);

/* supervise.ActivityCheckinCode (office): ActivityCheckinCode; 409 when the
 * activity has no times (starts_at) or has ended (ends_at). */
int activities_code_execute(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res);

/* supervise.ActivityCheckin (ActivityAttendance: token; a member): the
 * member present, ActivityAttendance. */
int activities_checkin_execute(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res);

/* supervise.ActivityAttend (ActivityAttendance: member_id, status; office):
 * the correction, ActivityAttendance. */
int activities_attend_validate(const cmd_ctx_t *ctx, cmd_result_t *res);
int activities_attend_execute(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res);

#endif
