/* report_events: the transitions of a public-opinion report. The gate
 * (report_begin) asks report_fsm; each handler is named after its event and
 * only records what the event means (a number at the first submit, the
 * office's comments, the report merged into, where it was forwarded, the
 * adoption level, a leader's instruction). Each emits report.<event>. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "intake_app.h"
#include "report_int.h"
#include "reports.h"

#define NOTE_MAX 4000

static const char *const s_forward_to[] = {"party_committee", "government", "next_cppcc", NULL};
static const char *const s_levels[] = {"district", "city", "province", "national", NULL};

static int s_in(const char *v, const char *const *set)
{
    for (size_t i = 0; v && set[i]; i++)
        if (strcmp(v, set[i]) == 0)
            return 1;
    return 0;
}

/* ---- the gate ---------------------------------------------------------------------- */

static int s_load(tx_t *tx, const cmd_ctx_t *ctx, int64_t id, report_t *rep, cmd_result_t *res)
{
    char ids[24], me[24];
    const Lianxin__V1__Actor *a = ctx->cmd->actor;
    int member = strcmp(a->role, "member") == 0;
    const char *p[3] = {ctx->cmd->district, db_num(ids, id),
                        member ? db_num(me, a->member_id) : NULL};
    PGresult *r = db_exec(tx_db(tx),
        "SELECT r.state, r.outcomes FROM intake.reports r WHERE r.district_code = $1"
        " AND r.id = $2::bigint AND ($3::bigint IS NULL OR EXISTS (SELECT 1 FROM"
        " intake.report_authors x WHERE x.district_code = r.district_code AND x.report_id = r.id"
        " AND x.member_id = $3::bigint)) FOR UPDATE OF r", 3, p);
    if (!r)
        return cmd_db_fail(tx, res, "report.load");
    int n = PQntuples(r);
    if (n) {
        rep->id = id;
        snprintf(rep->state, sizeof rep->state, "%s", PQgetvalue(r, 0, 0));
        rep->outcomes = (unsigned) atoi(PQgetvalue(r, 0, 1));
        rep->st = (report_state_t) fsm_state_from_name(&report_fsm, rep->state);
    }
    PQclear(r);
    return n ? 0 : cmd_fail(res, 404, "not_found", "no such report");
}

int report_begin(tx_t *tx, const cmd_ctx_t *ctx, report_event_t ev, report_t *rep,
                 cmd_result_t *res)
{
    int64_t id;
    memset(rep, 0, sizeof *rep);
    if (cmd_object_id(ctx, &id) != 0)
        return cmd_fail(res, 404, "not_found", "no such report");
    if (!role_bit(ctx->cmd->actor->role))
        return cmd_fail(res, 403, "forbidden", "role not allowed");
    if (s_load(tx, ctx, id, rep, res) != 0)
        return -1;
    return cmd_fsm_gate(&report_fsm, rep->st, rep->outcomes, ev, ctx, rep, res);
}

int report_log(tx_t *tx, const cmd_ctx_t *ctx, const report_t *rep, const char *event,
               const char *to, const char *note, cmd_result_t *res)
{
    char ids[24], by[24];
    const char *p[8] = {ctx->cmd->district, db_num(ids, rep->id), event,
                        rep->state[0] ? rep->state : "draft", to,
                        db_num(by, ctx->cmd->actor->user_id), ctx->cmd->actor->role, note};
    if (db_run(tx_db(tx), "INSERT INTO intake.report_log SELECT $1, $2::bigint, coalesce((SELECT"
                          " max(seq) FROM intake.report_log WHERE district_code = $1 AND"
                          " report_id = $2::bigint), 0) + 1, $3, $4, $5, $6::bigint, $7, $8, core.clock_now()",
               8, p) != 0)
        return cmd_db_fail(tx, res, "report.log");
    return 0;
}

/* The number, state, outcomes and authors as stored now, into `ev`-like
 * fields. Fills `number` (48 bytes) and returns the authors count. */
static int s_current(tx_t *tx, const cmd_ctx_t *ctx, int64_t id, char number[48],
                     char state[16], unsigned *outcomes, int64_t *authors, size_t *na,
                     char *title, size_t titlesz)
{
    char ids[24];
    const char *p[2] = {ctx->cmd->district, db_num(ids, id)};
    PGresult *r = db_exec(tx_db(tx),
        "SELECT CASE WHEN number IS NULL THEN '' ELSE '社情-' || year || '-' ||"
        " lpad(number::text, 3, '0') END, state, outcomes, ARRAY(SELECT member_id FROM"
        " intake.report_authors a WHERE a.district_code = r.district_code AND a.report_id = r.id"
        " ORDER BY ord), left(title, 60) FROM intake.reports r WHERE district_code = $1"
        " AND id = $2::bigint", 2, p);
    if (!r || PQntuples(r) != 1) {
        PQclear(r);
        return -1;
    }
    snprintf(number, 48, "%s", PQgetvalue(r, 0, 0));
    snprintf(state, 16, "%s", PQgetvalue(r, 0, 1));
    *outcomes = (unsigned) atoi(PQgetvalue(r, 0, 2));
    if (authors)
        *na = db_parse_ids(PQgetvalue(r, 0, 3), authors, 16);
    if (title)
        snprintf(title, titlesz, "%s", PQgetvalue(r, 0, 4));
    PQclear(r);
    return 0;
}

int report_reply(tx_t *tx, const cmd_ctx_t *ctx, const report_t *rep, const char *action,
                 int status, cmd_result_t *res)
{
    Lianxin__V1__ReportRef out = LIANXIN__V1__REPORT_REF__INIT;
    char number[48], state[16], *names[2];
    unsigned outcomes = 0;
    if (s_current(tx, ctx, rep->id, number, state, &outcomes, NULL, NULL, NULL, 0) != 0)
        return cmd_db_fail(tx, res, "report.reply");
    out.id = rep->id;
    out.number = number;
    out.state = state;
    if (outcomes & REPORT_OUTCOME_ADOPTED)
        names[out.n_adopted++] = "adopted";
    if (outcomes & REPORT_OUTCOME_INSTRUCTED)
        names[out.n_adopted++] = "instructed";
    out.adopted = names;
    if (cmd_record(tx, ctx, res, NULL, &out.base, action, "report", rep->id) != 0)
        return -1;
    return cmd_ok(res, status, &out.base);
}

/* ---- the handlers, one per event ------------------------------------------------------ */

typedef struct step {
    tx_t *tx;
    const cmd_ctx_t *ctx;
    const Lianxin__V1__ReportAction *act;
    report_t *rep;
    cmd_result_t *res;
    char date[11], ids[24];
    const char *note;
} step_t;

typedef int (s_handler_fn)(step_t *s);

/* Runs `sql` with $1 district, $2 report id, then the extra parameters. */
static int s_run(step_t *s, const char *sql, int n, const char *a, const char *b, const char *c)
{
    const char *p[5] = {s->ctx->cmd->district, s->ids, a, b, c};
    if (db_run(tx_db(s->tx), sql, 2 + n, p) != 0)
        return cmd_db_fail(s->tx, s->res, "report.step");
    return 0;
}

/* The number's year is the year of the submission (today, UTC+8), whatever
 * `date` the body names. */
static int on_submit(step_t *s)
{
    char year[8], today[11];
    calendar_day_format(intake_today(s->tx), today, sizeof today);
    snprintf(year, sizeof year, "%.4s", today);
    return s_run(s, "WITH n AS (INSERT INTO intake.report_numbers (district_code, year, next)"
                    " VALUES ($1, $3::int, 2) ON CONFLICT (district_code, year) DO UPDATE"
                    " SET next = intake.report_numbers.next + 1 RETURNING next - 1 AS num)"
                    " UPDATE intake.reports SET year = $3::int, number = (SELECT num FROM n),"
                    " submitted_at = core.clock_now() WHERE district_code = $1 AND id = $2::bigint",
                 1, year, NULL, NULL);
}

static int on_resubmit(step_t *s)
{
    (void) s;
    return 0;
}

static int on_return(step_t *s)
{
    const char *c = s->act->comments;
    if (!c || !textfmt_has_text(c))
        return cmd_field_error(s->res, "comments", "required");
    if (strlen(c) > NOTE_MAX)
        return cmd_field_error(s->res, "comments", "too_long");
    s->note = c;
    return s_run(s, "UPDATE intake.reports SET comments = $3 WHERE district_code = $1"
                    " AND id = $2::bigint", 1, c, NULL, NULL);
}

static int on_merge(step_t *s)
{
    char into[24];
    if (s->act->into_report_id <= 0)
        return cmd_field_error(s->res, "into_report_id", "required");
    if (s->act->into_report_id == s->rep->id)
        return cmd_field_error(s->res, "into_report_id", "invalid");
    const char *p[3] = {s->ctx->cmd->district, db_num(into, s->act->into_report_id)};
    PGresult *r = db_exec(tx_db(s->tx), "SELECT 1 FROM intake.reports WHERE district_code = $1"
                                        " AND id = $2::bigint AND state IN ('submitted',"
                                        " 'accepted', 'forwarded', 'authors_told')", 2, p);
    if (!r)
        return cmd_db_fail(s->tx, s->res, "report.merge");
    int n = PQntuples(r);
    PQclear(r);
    if (n == 0) {
        cmd_fail(s->res, 422, "unprocessable", "no report to merge into");
        return cmd_field_error(s->res, "into_report_id", "not_found");
    }
    return s_run(s, "UPDATE intake.reports SET merged_into = $3::bigint WHERE district_code = $1"
                    " AND id = $2::bigint", 1, into, NULL, NULL);
}

static int on_accept(step_t *s)
{
    return s_run(s, "UPDATE intake.reports SET accepted_at = core.clock_now() WHERE district_code = $1"
                    " AND id = $2::bigint", 0, NULL, NULL, NULL);
}

static int on_forward(step_t *s)
{
    if (!s_in(s->act->forwarded_to, s_forward_to))
        return cmd_field_error(s->res, "forwarded_to", s->act->forwarded_to
                               && *s->act->forwarded_to ? "unknown_value" : "required");
    s->note = s->act->forwarded_to;
    return s_run(s, "UPDATE intake.reports SET forwarded_to = $3, forwarded_on = $4::date"
                    " WHERE district_code = $1 AND id = $2::bigint", 2, s->act->forwarded_to,
                 s->date, NULL);
}

static int on_adopt(step_t *s)
{
    if (!s_in(s->act->level, s_levels))
        return cmd_field_error(s->res, "level", s->act->level && *s->act->level
                               ? "unknown_value" : "required");
    s->note = s->act->level;
    return s_run(s, "UPDATE intake.reports SET adopted_level = $3, adopted_on = $4::date"
                    " WHERE district_code = $1 AND id = $2::bigint", 2, s->act->level, s->date,
                 NULL);
}

static int on_instruct(step_t *s)
{
    const Lianxin__V1__ReportAction *a = s->act;
    if (!a->leader || !textfmt_has_text(a->leader))
        return cmd_field_error(s->res, "leader", "required");
    if (!a->text || !textfmt_has_text(a->text))
        return cmd_field_error(s->res, "text", "required");
    if (strlen(a->leader) > 200 || strlen(a->text) > NOTE_MAX)
        return cmd_field_error(s->res, strlen(a->leader) > 200 ? "leader" : "text", "too_long");
    s->note = a->leader;
    return s_run(s, "INSERT INTO intake.report_instructions SELECT $1, $2::bigint, coalesce((SELECT"
                    " max(seq) FROM intake.report_instructions WHERE district_code = $1 AND"
                    " report_id = $2::bigint), 0) + 1, $3, $4::date, $5, core.clock_now()", 3, a->leader,
                 s->date, a->text);
}

static int on_tell_authors(step_t *s)
{
    return s_run(s, "UPDATE intake.reports SET told_at = core.clock_now() WHERE district_code = $1"
                    " AND id = $2::bigint", 0, NULL, NULL, NULL);
}

/* In report_event_t order; edit is EditReport's, not a transition. */
static s_handler_fn *const s_handlers[REPORT_EVENT_COUNT] = {
    NULL, on_submit, on_resubmit, on_return, on_merge, on_accept, on_forward, on_adopt,
    on_instruct, on_tell_authors,
};

/* ---- the command ------------------------------------------------------------------------ */

static int s_emit(step_t *s, report_event_t ev, const fsm_verdict_t *v)
{
    Lianxin__V1__ReportChanged out = LIANXIN__V1__REPORT_CHANGED__INIT;
    const fsm_event_t *t = &report_fsm.events[ev];
    char number[48], state[16], title[256];
    int64_t authors[16];
    size_t na = 0;
    unsigned outcomes;
    (void) v;
    if (s_current(s->tx, s->ctx, s->rep->id, number, state, &outcomes, authors, &na, title,
                  sizeof title) != 0)
        return cmd_db_fail(s->tx, s->res, "report.emit");
    out.report_id = s->rep->id;
    out.number = number;
    out.event = (char *) t->name;
    out.state = state;
    out.author_ids = authors;
    out.n_author_ids = na;
    out.title = title;
    out.level = ev == REPORT_EV_ADOPT ? s->act->level : "";
    out.forwarded_to = ev == REPORT_EV_FORWARD ? s->act->forwarded_to : "";
    out.into_report_id = ev == REPORT_EV_MERGE ? s->act->into_report_id : 0;
    if (tx_event(s->tx, s->ctx->cmd->district, t->event_type, s->ctx->cmd->actor, &out.base))
        return cmd_fail(s->res, 500, "internal", "internal error");
    return 0;
}

static int s_step(step_t *s, report_event_t ev)
{
    fsm_verdict_t v;
    char ids[24], outcomes[16];
    const char *to;
    fsm_check(&report_fsm, s->rep->st, s->rep->outcomes, ev, role_bit(s->ctx->cmd->actor->role),
              s->rep, &v);
    if (s_handlers[ev](s) != 0)
        return -1;
    to = fsm_state_name(&report_fsm, v.to);
    snprintf(outcomes, sizeof outcomes, "%u", v.flags);
    const char *p[4] = {s->ctx->cmd->district, db_num(ids, s->rep->id), to, outcomes};
    if (db_run(tx_db(s->tx), "UPDATE intake.reports SET state = $3, outcomes = $4::int,"
                             " updated_at = core.clock_now() WHERE district_code = $1 AND id = $2::bigint",
               4, p) != 0)
        return cmd_db_fail(s->tx, s->res, "report.state");
    if (report_log(s->tx, s->ctx, s->rep, fsm_event_name(&report_fsm, ev), to, s->note ? s->note : "",
                   s->res) != 0 || s_emit(s, ev, &v) != 0)
        return -1;
    return 0;
}

int reports_transition_execute(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res)
{
    const Lianxin__V1__ReportAction *act = (const Lianxin__V1__ReportAction *) ctx->req;
    int ev = fsm_event_from_name(&report_fsm, act->event);
    calendar_day_t day;
    report_t rep;
    step_t s = {.tx = tx, .ctx = ctx, .act = act, .rep = &rep, .res = res};
    if (ev < 0 || ev == REPORT_EV_EDIT)
        return cmd_fail(res, 404, "not_found", "no such transition");
    if (act->date && *act->date) {
        if (calendar_day_parse(act->date, &day) != 0)
            return cmd_field_error(res, "date", "invalid");
    } else {
        day = intake_today(tx);
    }
    calendar_day_format(day, s.date, sizeof s.date);
    if (report_begin(tx, ctx, (report_event_t) ev, &rep, res) != 0)
        return -1;
    db_num(s.ids, rep.id);
    if (s_step(&s, (report_event_t) ev) != 0)
        return -1;
    return report_reply(tx, ctx, &rep, report_fsm.events[ev].event_type, 200, res);
}
