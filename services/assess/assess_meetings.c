/* assess_meetings: see assess_meetings.h. The gates are the machines of
 * assess_fsm; the messages shown to users are Chinese, the codes English. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "assess.pb-c.h"
#include "assess_fsm.h"
#include "assess_map.h"
#include "assess_meetings.h"
#include "db.h"
#include "textfmt.h"
#include "timeutil.h"

#define TITLE_MAX 600               /* bytes: 200 CJK characters */
#define VENUE_MAX 300
#define REASON_MAX 600
#define INVITED_MAX 500

/* ---- a member's line ---------------------------------------------------------------- */

int assess_line_load(tx_t *tx, const cmd_ctx_t *ctx, int64_t meeting, int64_t member,
                     assess_line_t *line, cmd_result_t *res)
{
    char mt[24], mb[24];
    const char *p[3] = {ctx->cmd->district, db_num(mt, meeting), db_num(mb, member)};
    PGresult *r = db_exec(tx_db(tx),
        "SELECT m.kind, m.state, a.status, a.leave, to_char(m.starts_at AT TIME ZONE"
        " 'Asia/Shanghai', 'YYYY-MM-DD'), m.title,"
        " (extract(epoch FROM m.starts_at) * 1000000)::bigint,"
        " (extract(epoch FROM m.ends_at) * 1000000)::bigint"
        " FROM assess.meetings m JOIN assess.attendance a ON a.district_code = m.district_code"
        " AND a.meeting_id = m.id WHERE m.district_code = $1 AND m.id = $2::bigint"
        " AND a.member_id = $3::bigint FOR UPDATE OF a", 3, p);
    if (!r)
        return cmd_db_fail(tx, res, "assess.line");
    if (PQntuples(r) == 0) {
        PQclear(r);
        return cmd_fail(res, 404, "not_found", "没有找到该会议或您不在参加名单中");
    }
    memset(line, 0, sizeof *line);
    line->meeting_id = meeting;
    line->member_id = member;
    snprintf(line->kind, sizeof line->kind, "%s", PQgetvalue(r, 0, 0));
    snprintf(line->state, sizeof line->state, "%s", PQgetvalue(r, 0, 1));
    snprintf(line->status, sizeof line->status, "%s", PQgetvalue(r, 0, 2));
    snprintf(line->leave, sizeof line->leave, "%s", PQgetvalue(r, 0, 3));
    snprintf(line->date, sizeof line->date, "%s", PQgetvalue(r, 0, 4));
    snprintf(line->title, sizeof line->title, "%s", PQgetvalue(r, 0, 5));
    line->starts_us = strtoll(PQgetvalue(r, 0, 6), NULL, 10);
    line->ends_us = strtoll(PQgetvalue(r, 0, 7), NULL, 10);
    PQclear(r);
    return 0;
}

static void s_attended(const assess_line_t *line, Lianxin__V1__MeetingAttendance *ev)
{
    ev->meeting_id = line->meeting_id;
    ev->member_id = line->member_id;
    ev->status = (char *) line->status;
    ev->date = (char *) line->date;
    ev->kind = (char *) line->kind;
    ev->title = (char *) line->title;
}

int assess_line_set(tx_t *tx, const cmd_ctx_t *ctx, assess_line_t *line, const char *status,
                    const char *action, cmd_result_t *res)
{
    char mt[24], mb[24];
    const char *p[4] = {ctx->cmd->district, db_num(mt, line->meeting_id),
                        db_num(mb, line->member_id), status};
    if (db_run(tx_db(tx), "UPDATE assess.attendance SET status = $4,"
               " checked_in_at = CASE WHEN $4 = 'present' THEN coalesce(checked_in_at,"
               " core.clock_now()) ELSE checked_in_at END"
               " WHERE district_code = $1 AND meeting_id = $2::bigint AND member_id = $3::bigint",
               4, p) != 0)
        return cmd_db_fail(tx, res, "assess.line.set");
    snprintf(line->status, sizeof line->status, "%s", status);
    Lianxin__V1__MeetingAttendance ev = LIANXIN__V1__MEETING_ATTENDANCE__INIT;
    s_attended(line, &ev);
    return cmd_record(tx, ctx, res, "meeting.attended", &ev.base, action, "meeting",
                      line->meeting_id);
}

static int s_reply(const assess_line_t *line, cmd_result_t *res)
{
    Lianxin__V1__AttendanceRef ref = LIANXIN__V1__ATTENDANCE_REF__INIT;
    ref.meeting_id = line->meeting_id;
    ref.member_id = line->member_id;
    ref.status = (char *) line->status;
    ref.leave = (char *) line->leave;
    return cmd_ok(res, 200, &ref.base);
}

/* ---- create (office) -------------------------------------------------------------------- */

static int s_check_draft(const Lianxin__V1__MeetingDraft *d, int64_t *s, int64_t *e,
                         cmd_result_t *res)
{
    int bad = 0;
    if (!assess_map_meeting_kind(d->kind))
        bad = cmd_field_error(res, "kind", d->kind && *d->kind ? "unknown_value" : "required");
    if (!d->title || !textfmt_has_text(d->title))
        bad = cmd_field_error(res, "title", "required");
    else if (strlen(d->title) > TITLE_MAX)
        bad = cmd_field_error(res, "title", "too_long");
    if (d->venue && strlen(d->venue) > VENUE_MAX)
        bad = cmd_field_error(res, "venue", "too_long");
    if (!d->starts_at || time_parse(d->starts_at, s) != 0)
        bad = cmd_field_error(res, "starts_at", d->starts_at && *d->starts_at ? "invalid" : "required");
    if (!d->ends_at || time_parse(d->ends_at, e) != 0)
        bad = cmd_field_error(res, "ends_at", d->ends_at && *d->ends_at ? "invalid" : "required");
    else if (!bad && *e <= *s)
        bad = cmd_field_error(res, "ends_at", "out_of_range");
    if (d->n_member_ids == 0)
        bad = cmd_field_error(res, "member_ids", "required");
    else if (d->n_member_ids > INVITED_MAX)
        bad = cmd_field_error(res, "member_ids", "too_many");
    return bad;
}

/* Inserts the meeting, its lines and its close timer; the new id, or -1. */
static int64_t s_insert(tx_t *tx, const cmd_ctx_t *ctx, const Lianxin__V1__MeetingDraft *d,
                        cmd_result_t *res, int *invited)
{
    char by[24], g[24];
    char *ids = db_ids_text(d->member_ids, d->n_member_ids);
    const char *p[9] = {ctx->cmd->district, d->kind, d->title, d->starts_at, d->ends_at,
                        d->venue ? d->venue : "", d->group_id > 0 ? db_num(g, d->group_id) : NULL,
                        db_num(by, ctx->cmd->actor->user_id), ids};
    PGresult *r = ids ? db_exec(tx_db(tx),
        "WITH m AS (INSERT INTO assess.meetings (district_code, id, kind, title, starts_at,"
        " ends_at, venue, group_id, created_by, created_at) VALUES ($1,"
        " nextval('assess.meeting_ids'), $2, $3, $4::timestamptz, $5::timestamptz, $6,"
        " $7::bigint, $8::bigint, core.clock_now()) RETURNING id, ends_at),"
        " a AS (INSERT INTO assess.attendance (district_code, meeting_id, member_id)"
        "  SELECT $1, m.id, x.id FROM m, core.members x WHERE x.district_code = $1"
        "  AND x.active AND x.id = ANY ($9::bigint[]) RETURNING member_id),"
        " t AS (INSERT INTO assess.timers (district_code, kind, meeting_id, due_at)"
        "  SELECT $1, 'meeting.close', id, ends_at FROM m)"
        " SELECT m.id, (SELECT count(*) FROM a) FROM m", 9, p) : NULL;
    free(ids);
    if (!r)
        return cmd_db_fail(tx, res, "assess.meeting.create");
    int64_t id = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
    *invited = atoi(PQgetvalue(r, 0, 1));
    PQclear(r);
    return id;
}

int assess_meetings_create_execute(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res)
{
    const Lianxin__V1__MeetingDraft *d = (const Lianxin__V1__MeetingDraft *) ctx->req;
    int64_t s = 0, e = 0;
    int invited = 0;
    if (s_check_draft(d, &s, &e, res) != 0)
        return -1;
    int64_t id = s_insert(tx, ctx, d, res, &invited);
    if (id < 0)
        return -1;
    if ((size_t) invited != d->n_member_ids) {
        cmd_fail(res, 422, "unprocessable", "参加名单中有不属于本区的委员");
        return cmd_field_error(res, "member_ids", "not_found");
    }
    Lianxin__V1__MeetingRef ref = LIANXIN__V1__MEETING_REF__INIT;
    ref.id = id;
    ref.state = "scheduled";
    ref.invited = invited;
    if (cmd_record(tx, ctx, res, NULL, &ref.base, "meeting.create", "meeting", id) != 0)
        return -1;
    return cmd_ok(res, 201, &ref.base);
}

/* ---- leave ------------------------------------------------------------------------------ */

static int s_leave_state(const char *leave)
{
    return *leave ? fsm_state_from_name(&assess_leave_fsm, leave) : LEAVE_NONE;
}

static int s_set_leave(tx_t *tx, const cmd_ctx_t *ctx, assess_line_t *line, const char *leave,
                       const char *reason, cmd_result_t *res)
{
    char mt[24], mb[24];
    const char *p[5] = {ctx->cmd->district, db_num(mt, line->meeting_id),
                        db_num(mb, line->member_id), leave, reason};
    if (db_run(tx_db(tx), "UPDATE assess.attendance SET leave = $4,"
               " leave_reason = coalesce($5, leave_reason) WHERE district_code = $1"
               " AND meeting_id = $2::bigint AND member_id = $3::bigint", 5, p) != 0)
        return cmd_db_fail(tx, res, "assess.leave");
    snprintf(line->leave, sizeof line->leave, "%s", leave);
    return 0;
}

int assess_meetings_leave_execute(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res)
{
    const Lianxin__V1__LeaveAction *a = (const Lianxin__V1__LeaveAction *) ctx->req;
    assess_line_t line;
    int64_t meeting;
    if (!a->reason || !textfmt_has_text(a->reason))
        return cmd_field_error(res, "reason", "required");
    if (strlen(a->reason) > REASON_MAX)
        return cmd_field_error(res, "reason", "too_long");
    if (cmd_object_id(ctx, &meeting) != 0)
        return cmd_fail(res, 404, "not_found", "没有找到该会议");
    if (assess_line_load(tx, ctx, meeting, ctx->cmd->actor->member_id, &line, res) != 0)
        return -1;
    if (strcmp(line.state, "scheduled") != 0 || tx_now_us(tx) >= line.ends_us)
        return cmd_fail(res, 409, "conflict", "会议已结束，不能再请假");
    if (cmd_fsm_gate(&assess_leave_fsm, s_leave_state(line.leave), 0, LEAVE_EV_ASK, ctx, NULL,
                     res) != 0)
        return -1;
    if (s_set_leave(tx, ctx, &line, "asked", a->reason, res) != 0)
        return -1;
    if (cmd_record(tx, ctx, res, NULL, &a->base, "meeting.leave_ask", "meeting", meeting) != 0)
        return -1;
    return s_reply(&line, res);
}

int assess_meetings_decide_execute(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res)
{
    const Lianxin__V1__LeaveAction *a = (const Lianxin__V1__LeaveAction *) ctx->req;
    const char *d = a->decision ? a->decision : "";
    int approve = strcmp(d, "approved") == 0;
    assess_line_t line;
    int64_t meeting;
    if (!approve && strcmp(d, "refused") != 0)
        return cmd_field_error(res, "decision", *d ? "unknown_value" : "required");
    if (a->member_id <= 0)
        return cmd_field_error(res, "member_id", "required");
    if (cmd_object_id(ctx, &meeting) != 0)
        return cmd_fail(res, 404, "not_found", "没有找到该会议");
    if (assess_line_load(tx, ctx, meeting, a->member_id, &line, res) != 0)
        return -1;
    if (cmd_fsm_gate(&assess_leave_fsm, s_leave_state(line.leave), 0,
                     approve ? LEAVE_EV_APPROVE : LEAVE_EV_REFUSE, ctx, NULL, res) != 0)
        return -1;
    if (s_set_leave(tx, ctx, &line, d, NULL, res) != 0)
        return -1;
    if (cmd_record(tx, ctx, res, NULL, &a->base, approve ? "meeting.leave_approve"
                   : "meeting.leave_refuse", "meeting", meeting) != 0)
        return -1;
    /* Decided after the close: the line the close wrote follows the decision. */
    if (strcmp(line.state, "closed") == 0 && strcmp(line.status, "present") != 0
        && assess_line_set(tx, ctx, &line, approve ? "leave" : "absent", "meeting.leave_applied",
                           res) != 0)
        return -1;
    return s_reply(&line, res);
}

/* ---- correction (office) ------------------------------------------------------------------ */

int assess_meetings_correct_execute(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res)
{
    const Lianxin__V1__CorrectAttendance *c = (const Lianxin__V1__CorrectAttendance *) ctx->req;
    static const char *const ok[] = {"present", "absent", "leave"};
    const char *st = NULL;
    assess_line_t line;
    int64_t meeting;
    for (size_t i = 0; c->status && i < 3; i++)
        if (strcmp(c->status, ok[i]) == 0)
            st = ok[i];
    if (!st)
        return cmd_field_error(res, "status", c->status && *c->status ? "unknown_value" : "required");
    if (c->member_id <= 0)
        return cmd_field_error(res, "member_id", "required");
    if (!c->note || !textfmt_has_text(c->note))
        return cmd_field_error(res, "note", "required");
    if (strlen(c->note) > REASON_MAX)
        return cmd_field_error(res, "note", "too_long");
    if (cmd_object_id(ctx, &meeting) != 0)
        return cmd_fail(res, 404, "not_found", "没有找到该会议");
    if (assess_line_load(tx, ctx, meeting, c->member_id, &line, res) != 0)
        return -1;
    if (cmd_fsm_gate(&assess_attendance_fsm, fsm_state_from_name(&assess_attendance_fsm,
                     line.status), 0, ATT_EV_CORRECT, ctx, NULL, res) != 0)
        return -1;
    char mt[24], mb[24], by[24];
    const char *p[5] = {ctx->cmd->district, db_num(mt, meeting), db_num(mb, c->member_id),
                        db_num(by, ctx->cmd->actor->user_id), c->note};
    if (db_run(tx_db(tx), "UPDATE assess.attendance SET corrected_by = $4::bigint, note = $5"
               " WHERE district_code = $1 AND meeting_id = $2::bigint AND member_id = $3::bigint",
               5, p) != 0)
        return cmd_db_fail(tx, res, "assess.correct");
    if (assess_line_set(tx, ctx, &line, st, "meeting.attendance_correct", res) != 0)
        return -1;
    return s_reply(&line, res);
}

/* ---- the close (timer) ---------------------------------------------------------------------- */

int assess_meetings_close(tx_t *tx, const timers_row_t *row, void *app)
{
    (void) app;
    const char *p[2] = {row->district, row->keys[0]};
    PGresult *r = db_exec(tx_db(tx),
        "WITH m AS (UPDATE assess.meetings SET state = 'closed' WHERE district_code = $1"
        "  AND id = $2::bigint AND state = 'scheduled' RETURNING id, kind, title,"
        "  to_char(starts_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') AS day)"
        " , a AS (UPDATE assess.attendance a SET status = CASE WHEN a.leave = 'approved'"
        "  THEN 'leave' ELSE 'absent' END FROM m WHERE a.district_code = $1"
        "  AND a.meeting_id = m.id AND a.status = 'invited' RETURNING a.member_id, a.status)"
        " SELECT a.member_id, a.status, m.kind, m.title, m.day FROM a, m", 2, p);
    if (!r)
        return -1;
    int rc = 0;
    Lianxin__V1__Actor actor = timers_actor(row->district);
    for (int i = 0; rc == 0 && i < PQntuples(r); i++) {
        Lianxin__V1__MeetingAttendance ev = LIANXIN__V1__MEETING_ATTENDANCE__INIT;
        ev.meeting_id = strtoll(row->keys[0], NULL, 10);
        ev.member_id = strtoll(PQgetvalue(r, i, 0), NULL, 10);
        ev.status = PQgetvalue(r, i, 1);
        ev.kind = PQgetvalue(r, i, 2);
        ev.title = PQgetvalue(r, i, 3);
        ev.date = PQgetvalue(r, i, 4);
        rc = tx_event(tx, row->district, "meeting.attended", &actor, &ev.base);
        if (rc == 0)
            rc = tx_audit(tx, row->district, &actor, "meeting.close", "meeting", row->keys[0],
                          PQgetvalue(r, i, 0), strlen(PQgetvalue(r, i, 0)));
    }
    PQclear(r);
    return rc;
}
