/* consult_steps: the step gates, research tasks, minutes and cancel (see
 * consult_steps.h); the people's events are consult_people.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "consult_checkin.h"
#include "consult_people.h"
#include "consult_schedule.h"
#include "consult_steps.h"
#include "timeutil.h"


static int s_text(const char *v, size_t max, const char *field, cmd_result_t *res)
{
    if (!v || !textfmt_has_text(v))
        return cmd_field_error(res, field, "required");
    return strlen(v) > max ? cmd_field_error(res, field, "too_long") : 0;
}

static int s_set_topic(tx_t *tx, const cmd_ctx_t *ctx, consultation_t *c,
                       const Lianxin__V1__ConsultationAction *a, cmd_result_t *res)
{
    char ids[24], t[24];
    const char *q[3] = {ctx->cmd->district, db_num(ids, c->id),
                        a->topic_id ? db_num(t, a->topic_id) : NULL};
    PGresult *r = db_exec(tx_db(tx),
        "UPDATE consult.consultations c SET topic_id = coalesce($3::bigint, c.topic_id)"
        " WHERE c.district_code = $1 AND c.id = $2::bigint AND ($3::bigint IS NULL OR EXISTS"
        " (SELECT 1 FROM consult.topics t WHERE t.district_code = $1 AND t.id = $3::bigint"
        "  AND t.state = 'accepted')) RETURNING topic_id IS NOT NULL OR source_issue_id IS NOT NULL",
        3, q);
    if (!r)
        return cmd_db_fail(tx, res, "consult.set_topic");
    int ok = PQntuples(r) == 1 && PQgetvalue(r, 0, 0)[0] == 't', linked = PQntuples(r) == 1;
    PQclear(r);
    if (!linked)
        return consult_refuse(res, "topic_id", "not_accepted", "议题不存在或未通过审核");
    return ok ? 0 : consult_refuse(res, "topic_id", "required", "请先确定议题");
}

/* An online consultation opens its window for written opinions when it is
 * held: `opinion_until` (RFC 3339, later than now, within 90 days). */
static int s_open_window(tx_t *tx, const cmd_ctx_t *ctx, consultation_t *c,
                         const Lianxin__V1__ConsultationAction *a, cmd_result_t *res)
{
    int64_t until;
    char ids[24];
    if (!a->opinion_until || !*a->opinion_until)
        return cmd_field_error(res, "opinion_until", "required");
    if (time_parse(a->opinion_until, &until) != 0)
        return cmd_field_error(res, "opinion_until", "invalid");
    if (until <= tx_now_us(tx) || until - tx_now_us(tx) > 90LL * 86400 * 1000000)
        return cmd_field_error(res, "opinion_until", "out_of_range");
    const char *q[3] = {ctx->cmd->district, db_num(ids, c->id), a->opinion_until};
    return db_run(tx_db(tx), "UPDATE consult.consultations SET opinion_until = $3::timestamptz"
                             " WHERE district_code = $1 AND id = $2::bigint", 3, q) == 0
               ? 0 : cmd_db_fail(tx, res, "consult.window");
}

/* The gate of the meeting itself: research, time, participants, leader;
 * an online one opens its window for opinions. */
static int s_hold(tx_t *tx, const cmd_ctx_t *ctx, consultation_t *c,
                  const Lianxin__V1__ConsultationAction *a, cmd_result_t *res)
{
    char ids[24];
    (void) a;
    int meeting = strcmp(c->form, "meeting") == 0;
    if (meeting && c->st != CONSULT_RESEARCH)
        return consult_refuse(res, "state", "research_required", "会议协商须先开展议前调研");
    const char *q[2] = {ctx->cmd->district, db_num(ids, c->id)};
    PGresult *r = db_exec(tx_db(tx),
        "SELECT (SELECT count(*) FROM consult.tasks t WHERE t.district_code = $1"
        "  AND t.consultation_id = $2::bigint),"
        " (SELECT count(*) FROM consult.tasks t WHERE t.district_code = $1"
        "  AND t.consultation_id = $2::bigint AND t.state = 'open'),"
        " (SELECT count(*) FROM consult.participants p WHERE p.district_code = $1"
        "  AND p.consultation_id = $2::bigint AND p.invitation <> 'declined'),"
        " (SELECT count(*) FROM consult.participants p WHERE p.district_code = $1"
        "  AND p.consultation_id = $2::bigint AND p.role = 'leader'"
        "  AND p.invitation <> 'declined')", 2, q);
    if (!r)
        return cmd_db_fail(tx, res, "consult.hold");
    int total = atoi(PQgetvalue(r, 0, 0)), open = atoi(PQgetvalue(r, 0, 1));
    int people = atoi(PQgetvalue(r, 0, 2)), leaders = atoi(PQgetvalue(r, 0, 3));
    PQclear(r);
    if (!consult_research_done(meeting, total, open))
        return consult_refuse(res, "tasks", total ? "open" : "none",
                              "议前调研任务尚未全部完成或免除");
    if (!c->start_us && strcmp(c->form, "written") != 0 && strcmp(c->form, "online") != 0)
        return consult_refuse(res, "starts_at", "required", "尚未安排协商时间和场地");
    if (people == 0)
        return consult_refuse(res, "participants", "required", "尚未邀请参加人员");
    if (strcmp(c->series, "micro") == 0 && leaders == 0)
        return consult_refuse(res, "participants", "leader_required",
                              "微协商须有政协领导参加");
    return strcmp(c->form, "online") == 0 ? s_open_window(tx, ctx, c, a, res) : 0;
}

static int s_publish(tx_t *tx, const cmd_ctx_t *ctx, consultation_t *c,
                     const Lianxin__V1__ConsultationAction *a, cmd_result_t *res)
{
    const consult_app_t *app = ctx->app;
    char ids[24], days[16];
    if (a->notice_days < 0 || a->notice_days > CONSULT_NOTICE_DAYS_MAX)
        return cmd_field_error(res, "notice_days", "out_of_range");
    snprintf(days, sizeof days, "%d", a->notice_days ? a->notice_days : app->notice_days);
    const char *q[3] = {ctx->cmd->district, db_num(ids, c->id), days};
    PGresult *r = db_exec(tx_db(tx),
        "UPDATE consult.consultations SET notice_from = (core.clock_now() AT TIME ZONE"
        " 'Asia/Shanghai')::date, notice_until = (core.clock_now() AT TIME ZONE"
        " 'Asia/Shanghai')::date + $3::int - 1 WHERE district_code = $1 AND id = $2::bigint"
        " AND minutes IS NOT NULL RETURNING notice_until", 3, q);
    if (!r)
        return cmd_db_fail(tx, res, "consult.publish");
    int n = PQntuples(r);
    PQclear(r);
    if (n != 1)
        return consult_refuse(res, "minutes", "required", "尚未记录协商纪要");
    /* the notice ends at the end of its last day (UTC+8) */
    return db_run(tx_db(tx), "INSERT INTO consult.timers (district_code, kind, consultation_id,"
                             " due_at) SELECT $1, 'notice.ended', $2::bigint, (notice_until + 1)"
                             "::timestamp AT TIME ZONE 'Asia/Shanghai' FROM consult.consultations"
                             " WHERE district_code = $1 AND id = $2::bigint ON CONFLICT DO NOTHING",
                  2, q) == 0 ? 0 : cmd_db_fail(tx, res, "consult.publish.timer");
}

static int s_nothing(tx_t *tx, const cmd_ctx_t *ctx, consultation_t *c,
                     const Lianxin__V1__ConsultationAction *a, cmd_result_t *res)
{
    (void) tx, (void) ctx, (void) c, (void) a, (void) res;
    return 0;
}

static int s_cancel(tx_t *tx, const cmd_ctx_t *ctx, consultation_t *c,
                    const Lianxin__V1__ConsultationAction *a, cmd_result_t *res)
{
    char ids[24];
    if (s_text(a->reason, CONSULT_REASON_MAX, "reason", res) != 0)
        return -1;
    const char *q[3] = {ctx->cmd->district, db_num(ids, c->id), a->reason};
    return db_run(tx_db(tx), "UPDATE consult.consultations SET cancel_reason = $3"
                             " WHERE district_code = $1 AND id = $2::bigint", 3, q) == 0
               ? 0 : cmd_db_fail(tx, res, "consult.cancel");
}

static int s_schedule(tx_t *tx, const cmd_ctx_t *ctx, consultation_t *c,
                      const Lianxin__V1__ConsultationAction *a, cmd_result_t *res)
{
    (void) a;
    return consult_schedule_set(tx, ctx, c, res);
}

static int s_add_task(tx_t *tx, const cmd_ctx_t *ctx, consultation_t *c,
                      const Lianxin__V1__ConsultationAction *a, cmd_result_t *res)
{
    char ids[24], max[16];
    calendar_day_t due;
    int bad = s_text(a->title, CONSULT_TITLE_MAX, "title", res);
    bad |= s_text(a->owner, CONSULT_NAME_MAX, "owner", res);
    if (!a->due_date || calendar_day_parse(a->due_date, &due) != 0)
        bad = cmd_field_error(res, "due_date", a->due_date && *a->due_date ? "invalid"
                                                                           : "required");
    if (bad)
        return -1;
    snprintf(max, sizeof max, "%d", CONSULT_TASKS_MAX);
    const char *q[6] = {ctx->cmd->district, db_num(ids, c->id), a->title, a->owner, a->due_date,
                        max};
    PGresult *r = db_exec(tx_db(tx),
        "INSERT INTO consult.tasks (district_code, consultation_id, seq, title, owner, due_on)"
        " SELECT $1, $2::bigint, n + 1, $3, $4, $5::date FROM (SELECT count(*) n FROM"
        " consult.tasks WHERE district_code = $1 AND consultation_id = $2::bigint) x"
        " WHERE n < $6::int RETURNING seq", 6, q);
    if (!r)
        return cmd_db_fail(tx, res, "consult.add_task");
    int n = PQntuples(r);
    c->item = n ? atoi(PQgetvalue(r, 0, 0)) : 0;
    PQclear(r);
    if (!n)
        return cmd_field_error(res, "title", "too_many");
    char item[24];
    const char *t[4] = {ctx->cmd->district, ids, db_num(item, c->item), a->due_date};
    return db_run(tx_db(tx), "INSERT INTO consult.timers (district_code, kind, consultation_id,"
                             " item, due_at) VALUES ($1, 'task.due', $2::bigint, $3::bigint,"
                             " ($4::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai')", 4, t) == 0
               ? 0 : cmd_db_fail(tx, res, "consult.add_task.timer");
}

/* task_done, task_waive: the open task `a->task`. */
static int s_task(tx_t *tx, const cmd_ctx_t *ctx, consultation_t *c,
                  const Lianxin__V1__ConsultationAction *a, const char *to, cmd_result_t *res)
{
    char ids[24], seq[16];
    if (strcmp(to, "waived") == 0 && s_text(a->reason, CONSULT_REASON_MAX, "reason", res) != 0)
        return -1;
    snprintf(seq, sizeof seq, "%d", a->task);
    const char *q[5] = {ctx->cmd->district, db_num(ids, c->id), seq, to,
                        a->reason && *a->reason ? a->reason : NULL};
    PGresult *r = db_exec(tx_db(tx),
        "UPDATE consult.tasks SET state = $4, reason = $5 WHERE district_code = $1"
        " AND consultation_id = $2::bigint AND seq = $3::int AND state = 'open' RETURNING seq",
        5, q);
    if (!r)
        return cmd_db_fail(tx, res, "consult.task");
    int n = PQntuples(r);
    PQclear(r);
    c->item = a->task;
    return n ? 0 : consult_refuse(res, "task", "not_open", "没有这项待完成的调研任务");
}

static int s_task_done(tx_t *tx, const cmd_ctx_t *ctx, consultation_t *c,
                       const Lianxin__V1__ConsultationAction *a, cmd_result_t *res)
{
    return s_task(tx, ctx, c, a, "done", res);
}

static int s_task_waive(tx_t *tx, const cmd_ctx_t *ctx, consultation_t *c,
                        const Lianxin__V1__ConsultationAction *a, cmd_result_t *res)
{
    return s_task(tx, ctx, c, a, "waived", res);
}

static int s_minutes(tx_t *tx, const cmd_ctx_t *ctx, consultation_t *c,
                     const Lianxin__V1__ConsultationAction *a, cmd_result_t *res)
{
    char ids[24];
    if (s_text(a->text, CONSULT_TEXT_MAX, "text", res) != 0)
        return -1;
    const char *q[3] = {ctx->cmd->district, db_num(ids, c->id), a->text};
    return db_run(tx_db(tx), "UPDATE consult.consultations SET minutes = $3,"
                             " minutes_at = core.clock_now() WHERE district_code = $1"
                             " AND id = $2::bigint", 3, q) == 0
               ? 0 : cmd_db_fail(tx, res, "consult.minutes");
}

consult_step_fn *const consult_steps[CONSULT_EVENT_COUNT] = {
    [CONSULT_EV_SET_TOPIC] = s_set_topic,
    [CONSULT_EV_START_RESEARCH] = s_nothing,
    [CONSULT_EV_HOLD] = s_hold,
    [CONSULT_EV_PUBLISH] = s_publish,
    [CONSULT_EV_IMPLEMENT] = s_nothing,
    [CONSULT_EV_CLOSE] = s_nothing,
    [CONSULT_EV_CANCEL] = s_cancel,
    [CONSULT_EV_SCHEDULE] = s_schedule,
    [CONSULT_EV_ADD_PARTICIPANT] = consult_people_add,
    [CONSULT_EV_ANSWER] = consult_people_answer,
    [CONSULT_EV_ADD_TASK] = s_add_task,
    [CONSULT_EV_TASK_DONE] = s_task_done,
    [CONSULT_EV_TASK_WAIVE] = s_task_waive,
    [CONSULT_EV_OPINION] = consult_people_opinion,
    [CONSULT_EV_MINUTES] = s_minutes,
    [CONSULT_EV_ATTEND] = consult_people_attend,
    [CONSULT_EV_OUTCOME] = consult_people_outcome,
    [CONSULT_EV_CHECKIN] = consult_checkin_in,
};

int consult_steps_own_event(int ev)
{
    return ev == CONSULT_EV_ATTEND || ev == CONSULT_EV_OUTCOME || ev == CONSULT_EV_CHECKIN;
}
