/* consultations: see consultations.h. Never logs personal data. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "consult_int.h"
#include "consult_steps.h"
#include "consultations.h"
#include "grading.pb-c.h"
#include "log.h"
#include "timers.h"

static int s_check(const Lianxin__V1__ConsultationDraft *d, cmd_result_t *res)
{
    int bad = 0;
    if (!d->title || !textfmt_has_text(d->title))
        bad = cmd_field_error(res, "title", "required");
    else if (strlen(d->title) > CONSULT_TITLE_MAX)
        bad = cmd_field_error(res, "title", "too_long");
    if (d->summary && strlen(d->summary) > CONSULT_TEXT_MAX)
        bad = cmd_field_error(res, "summary", "too_long");
    if (!consult_in(d->form, consult_forms))
        bad = cmd_field_error(res, "form", d->form && *d->form ? "unknown_value" : "required");
    if (!consult_in(d->series ? d->series : "", consult_series))
        bad = cmd_field_error(res, "series", "unknown_value");
    else if (d->series && strcmp(d->series, "micro") == 0 && d->workroom_id <= 0)
        bad = cmd_field_error(res, "workroom_id", "required");
    return bad;
}

/* One statement: the consultation, when its topic (accepted) and work room
 * exist. */
static const char *const s_create_sql =
    "INSERT INTO consult.consultations (district_code, id, topic_id, title, summary, form,"
    " series, state, workroom_id, source_issue_id, created_by, created_at, updated_at)"
    " SELECT $1, nextval('consult.consultation_ids'), $2::bigint, $3, $4, $5, $6,"
    " CASE WHEN $2::bigint IS NULL THEN 'collecting' ELSE 'topic_set' END, $7::bigint,"
    " $8::bigint, $9::bigint, core.clock_now(), core.clock_now()"
    " WHERE ($2::bigint IS NULL OR EXISTS (SELECT 1 FROM consult.topics WHERE"
    "  district_code = $1 AND id = $2::bigint AND state = 'accepted'))"
    " AND ($7::bigint IS NULL OR EXISTS (SELECT 1 FROM core.workrooms WHERE"
    "  district_code = $1 AND id = $7::bigint))"
    " ON CONFLICT (district_code, source_issue_id) DO NOTHING RETURNING id, state";

int consultations_create(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res)
{
    const Lianxin__V1__ConsultationDraft *d = (const Lianxin__V1__ConsultationDraft *) ctx->req;
    char t[24], w[24], by[24];
    if (s_check(d, res) != 0)
        return -1;
    const char *q[9] = {ctx->cmd->district, d->topic_id ? db_num(t, d->topic_id) : NULL,
                        d->title, d->summary ? d->summary : "", d->form,
                        d->series ? d->series : "",
                        d->workroom_id ? db_num(w, d->workroom_id) : NULL, NULL,
                        db_num(by, ctx->cmd->actor->user_id)};
    PGresult *r = db_exec(tx_db(tx), s_create_sql, 9, q);
    if (!r)
        return cmd_db_fail(tx, res, "consult.create");
    if (PQntuples(r) != 1) {
        PQclear(r);
        cmd_fail(res, 422, "unprocessable", "议题未通过审核或工作室不存在");
        return cmd_field_error(res, d->topic_id ? "topic_id" : "workroom_id", "not_found");
    }
    consultation_t c;
    memset(&c, 0, sizeof c);
    c.id = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
    c.st = (consult_state_t) fsm_state_from_name(&consult_fsm, PQgetvalue(r, 0, 1));
    PQclear(r);
    if (consult_record(tx, ctx->cmd->district, ctx->cmd->actor, &c, FSM_SAME, "created",
                       "consultation.created", res) != 0)
        return -1;
    return consult_reply(&c, 201, res);
}

int consultations_transition(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res)
{
    const Lianxin__V1__ConsultationAction *a = (const Lianxin__V1__ConsultationAction *) ctx->req;
    consultation_t c;
    int ev = fsm_event_from_name(&consult_fsm, a->event ? a->event : "");
    if (ev < 0 || !consult_steps[ev])
        return cmd_fail(res, 404, "not_found", "没有这个操作");
    if (consult_begin(tx, ctx, (consult_event_t) ev, &c, res) != 0
        || consult_steps[ev](tx, ctx, &c, a, res) != 0)
        return -1;
    const fsm_event_t *e = &consult_fsm.events[ev];
    if (consult_record(tx, ctx->cmd->district, ctx->cmd->actor, &c, e->to, e->name,
                       consult_steps_own_event(ev) ? NULL : e->event_type, res) != 0)
        return -1;
    return consult_reply(&c, 200, res);
}

int consultations_from_issue(tx_t *tx, const Lianxin__V1__Event *ev,
                             const ProtobufCMessage *msg, void *app)
{
    const Lianxin__V1__IssueRouted *m = (const Lianxin__V1__IssueRouted *) msg;
    char w[24], iss[24], title[CONSULT_TITLE_MAX + 1];
    (void) app;
    if (m->issue_id <= 0 || m->workroom_id <= 0)
        return 0;
    /* the title: 微协商 and the issue's summary, cut on a character boundary */
    const char *sum = m->summary ? m->summary : "";
    snprintf(title, sizeof title, "微协商：%.*s", (int) textfmt_utf8_prefix(sum, 540), sum);
    const char *q[9] = {ev->district, NULL, title, sum,
                        "dialogue", "micro", db_num(w, m->workroom_id), db_num(iss, m->issue_id),
                        "0"};
    PGresult *r = db_exec(tx_db(tx), s_create_sql, 9, q);
    if (!r) {
        log_warn("micro-consultation from issue failed", "district=%s seq=%lld sqlstate=%s",
                 ev->district, (long long) ev->seq, db_sqlstate(tx_db(tx)));
        return -1;
    }
    int rc = 0;
    if (PQntuples(r) == 1) {          /* none when this issue already has its consultation */
        Lianxin__V1__Actor sys = timers_actor(ev->district);
        cmd_result_t res;
        consultation_t c;
        memset(&res, 0, sizeof res);
        memset(&c, 0, sizeof c);
        c.id = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
        c.st = CONSULT_COLLECTING;
        rc = consult_record(tx, ev->district, &sys, &c, FSM_SAME, "created",
                            "consultation.created", &res);
    }
    PQclear(r);
    return rc;
}
