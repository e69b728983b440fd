/* proposal_events: the transitions of a proposal. The gate is
 * proposal_begin (the machine, then who the caller is in this proposal);
 * each handler is named after its event and records only what the event
 * means; proposal_step then moves the state, writes the timeline row and
 * buffers the event with its audit row. The path's "submit" is the
 * machine's invite for a joint proposal, and "verdict" is reopen for an
 * unsatisfied proposer's first time: both only ever from members. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "proposal_int.h"
#include "proposals.h"

#define NOTE_MAX 4000
#define UNITS_MAX 20

typedef struct step {
    tx_t *tx;
    const cmd_ctx_t *ctx;
    const Lianxin__V1__ProposalAction *act;
    proposal_t *p;
    cmd_result_t *res;
    Lianxin__V1__ProposalChanged *ev;
    const proposal_app_t *app;
    calendar_day_t today;
    char ids[24], date[11], due[11], into[24];
    int64_t units[UNITS_MAX];
    int64_t dropped[PROPOSAL_PROPOSERS_MAX];
    PGresult *keep;                 /* rows the event points into, cleared at the end */
    const char *note;
} step_t;

typedef int (s_handler_fn)(step_t *s);

/* Runs `sql` with $1 district, $2 proposal id, then up to four more. */
static int s_run(step_t *s, const char *sql, int n, const char *a, const char *b, const char *c,
                 const char *d)
{
    const char *q[6] = {s->ctx->cmd->district, s->ids, a, b, c, d};
    return db_run(tx_db(s->tx), sql, 2 + n, q) == 0 ? 0
           : cmd_db_fail(s->tx, s->res, "proposal.step");
}

static int s_require(step_t *s, const char *v, const char *field, size_t max)
{
    if (!v || !textfmt_has_text(v))
        return cmd_field_error(s->res, field, "required");
    if (strlen(v) > max)
        return cmd_field_error(s->res, field, "too_long");
    return 0;
}

/* 0 when the caller's place in the proposal is `who`, else 403. */
static int s_is(const step_t *s, const char *who, const char *what)
{
    static const char *const names[][2] = {
        {"first", "first proposer"}, {"invited", "invited co-signer"},
        {"lead", "lead unit"}, {"co", "co-handling unit"},
    };
    const char *name = who;
    if (strcmp(s->p->me, who) == 0)
        return 0;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(names[i][0], who) == 0)
            name = names[i][1];
    char msg[96];
    snprintf(msg, sizeof msg, "only the %s may %s", name, what);
    return cmd_fail(s->res, 403, "forbidden", msg);
}

/* ---- submission ------------------------------------------------------------------------ */

static int s_ready(step_t *s)
{
    PGresult *r;
    const char *q[2] = {s->ctx->cmd->district, s->ids};
    if (s_is(s, "first", "submit") != 0)
        return -1;
    r = db_exec(tx_db(s->tx), "SELECT btrim(reasons) <> '', btrim(measures) <> ''"
                              " FROM proposal.proposals WHERE district_code = $1"
                              " AND id = $2::bigint", 2, q);
    if (!r)
        return cmd_db_fail(s->tx, s->res, "proposal.submit");
    int rc = 0;
    if (PQgetvalue(r, 0, 0)[0] != 't')
        rc = cmd_field_error(s->res, "reasons", "required");
    if (PQgetvalue(r, 0, 1)[0] != 't')
        rc = cmd_field_error(s->res, "measures", "required");
    PQclear(r);
    return rc ? rc : s_run(s, "UPDATE proposal.proposals SET submitted_at = core.clock_now()"
                              " WHERE district_code = $1 AND id = $2::bigint", 0, NULL, NULL,
                           NULL, NULL);
}

static int on_submit(step_t *s)
{
    return s_ready(s);
}

/* The co-signers have until the end of the cosign_workdays-th working day. */
static int on_invite(step_t *s)
{
    calendar_day_t until;
    char day[11];
    const calendar_t *cal = calsync_get(s->app->cal, tx_db(s->tx));
    if (s_ready(s) != 0)
        return -1;
    if (calendar_add_workdays(cal, s->today, s->app->cosign_workdays, &until) < 0)
        return cmd_fail(s->res, 500, "internal", "calendar cannot say");
    calendar_day_format(until + 1, day, sizeof day);
    return s_run(s, "INSERT INTO proposal.timers (district_code, kind, proposal_id, due_at)"
                    " VALUES ($1, 'cosign.deadline', $2::bigint, ($3::date)::timestamp AT TIME"
                    " ZONE 'Asia/Shanghai') ON CONFLICT (district_code, kind, proposal_id)"
                    " DO UPDATE SET due_at = EXCLUDED.due_at, fired_at = NULL", 1, day, NULL,
                 NULL, NULL);
}

static int on_cosign(step_t *s)
{
    char me[24];
    if (s_is(s, "invited", "co-sign") != 0)
        return -1;
    return s_run(s, "UPDATE proposal.proposers SET status = 'confirmed', answered_at ="
                    " core.clock_now() WHERE district_code = $1 AND proposal_id = $2::bigint"
                    " AND member_id = $3::bigint", 1,
                 db_num(me, s->ctx->cmd->actor->member_id), NULL, NULL, NULL);
}

/* ---- review ------------------------------------------------------------------------------ */

/* The number of the year of today, gap-free: the counter row's lock holds
 * until commit. A proposal that has a number keeps it and takes none from
 * the counter. */
static int s_number(step_t *s)
{
    char year[8], today[11];
    calendar_day_format(s->today, today, sizeof today);
    snprintf(year, sizeof year, "%.4s", today);  /* today's year, whatever `date` says */
    return s_run(s, "WITH n AS (INSERT INTO proposal.numbers (district_code, year, next)"
                    " SELECT $1, $3::int, 2 WHERE EXISTS (SELECT 1 FROM proposal.proposals"
                    " WHERE district_code = $1 AND id = $2::bigint AND number IS NULL)"
                    " ON CONFLICT (district_code, year) DO UPDATE"
                    " SET next = proposal.numbers.next + 1 RETURNING next - 1 AS num)"
                    " UPDATE proposal.proposals SET year = $3::int, number = (SELECT num FROM n)"
                    " WHERE district_code = $1 AND id = $2::bigint AND number IS NULL", 1, year,
                 NULL, NULL, NULL);
}

static int on_accept(step_t *s)
{
    if (s_number(s) != 0)
        return -1;
    return s_run(s, "UPDATE proposal.proposals SET accepted_at = core.clock_now()"
                    " WHERE district_code = $1 AND id = $2::bigint", 0, NULL, NULL, NULL, NULL);
}

static int on_refuse(step_t *s)
{
    const char *r = s->act->reason;
    if (!proposal_app_reason_ok(s->app, r))
        return cmd_field_error(s->res, "reason", r && *r ? "unknown_value" : "required");
    s->note = r;
    return s_run(s, "UPDATE proposal.proposals SET refuse_reason = $3, closed_at ="
                    " core.clock_now() WHERE district_code = $1 AND id = $2::bigint", 1, r, NULL,
                 NULL, NULL);
}

static int on_convert(step_t *s)
{
    const char *to = s->act->to;
    if (!proposal_in(to, proposal_convert_to))
        return cmd_field_error(s->res, "to", to && *to ? "unknown_value" : "required");
    s->note = to;
    s->ev->converted_to = (char *) to;
    const char *q[2] = {s->ctx->cmd->district, s->ids};
    s->keep = db_exec(tx_db(s->tx), "SELECT reasons, measures, category FROM proposal.proposals"
                                    " WHERE district_code = $1 AND id = $2::bigint", 2, q);
    if (!s->keep || PQntuples(s->keep) != 1)
        return cmd_db_fail(s->tx, s->res, "proposal.convert");
    s->ev->reasons = PQgetvalue(s->keep, 0, 0);
    s->ev->measures = PQgetvalue(s->keep, 0, 1);
    s->ev->category = PQgetvalue(s->keep, 0, 2);
    return s_run(s, "UPDATE proposal.proposals SET converted_to = $3, closed_at ="
                    " core.clock_now() WHERE district_code = $1 AND id = $2::bigint", 1, to,
                 NULL, NULL, NULL);
}

static int on_merge(step_t *s)
{
    char *into = s->into;           /* the step's: the timeline's note outlives this call */
    int64_t to = s->act->into_proposal_id;
    if (to <= 0 || to == s->p->id)
        return cmd_field_error(s->res, "into_proposal_id", to <= 0 ? "required" : "invalid");
    const char *q[2] = {s->ctx->cmd->district, db_num(into, to)};
    PGresult *r = db_exec(tx_db(s->tx), "SELECT 1 FROM proposal.proposals WHERE district_code ="
                                        " $1 AND id = $2::bigint AND state IN ('submitted',"
                                        " 'accepted', 'assigned', 'handed_back', 'replied')", 2, q);
    if (!r)
        return cmd_db_fail(s->tx, s->res, "proposal.merge");
    int n = PQntuples(r);
    PQclear(r);
    if (n == 0) {
        cmd_fail(s->res, 422, "unprocessable", "no proposal to merge into");
        return cmd_field_error(s->res, "into_proposal_id", "not_found");
    }
    s->ev->into_proposal_id = to;
    s->note = into;
    if (s_number(s) != 0)           /* each keeps (or gets) its own number */
        return -1;
    return s_run(s, "UPDATE proposal.proposals SET merged_into = $3::bigint WHERE"
                    " district_code = $1 AND id = $2::bigint", 1, into, NULL, NULL, NULL);
}

static int on_mark_key(step_t *s)
{
    if (s_require(s, s->act->leader, "leader", 200) != 0)
        return -1;
    s->note = s->act->leader;
    return s_run(s, "UPDATE proposal.proposals SET key_leader = $3 WHERE district_code = $1"
                    " AND id = $2::bigint", 1, s->act->leader, NULL, NULL, NULL);
}

/* ---- assignment ------------------------------------------------------------------------ */

/* The co-units without duplicates and without the lead. */
static size_t s_co_units(step_t *s)
{
    size_t n = 0;
    const Lianxin__V1__ProposalAction *a = s->act;
    for (size_t i = 0; i < a->n_co_unit_ids && n < UNITS_MAX; i++) {
        int dup = a->co_unit_ids[i] == a->lead_unit_id;
        for (size_t k = 0; k < n; k++)
            dup |= s->units[k] == a->co_unit_ids[i];
        if (!dup)
            s->units[n++] = a->co_unit_ids[i];
    }
    return n;
}

static int s_assign_check(step_t *s, int *workdays)
{
    const Lianxin__V1__ProposalAction *a = s->act;
    *workdays = a->workdays ? a->workdays
                            : proposal_app_reply_workdays(s->app, s->ctx->cmd->district);
    if (a->lead_unit_id <= 0)
        return cmd_field_error(s->res, "lead_unit_id", "required");
    if (a->n_co_unit_ids > UNITS_MAX)
        return cmd_field_error(s->res, "co_unit_ids", "too_many");
    if (*workdays < 1 || *workdays > PROPOSAL_WORKDAYS_MAX)
        return cmd_field_error(s->res, "workdays", "out_of_range");
    return s_require(s, a->leader, "leader", 200);
}

static int on_assign(step_t *s)
{
    int workdays;
    calendar_day_t due;
    char lead[24], today[11];           /* assigned today, whatever `date` says */
    if (s_assign_check(s, &workdays) != 0)
        return -1;
    calendar_day_format(s->today, today, sizeof today);
    if (proposal_due_date(calsync_get(s->app->cal, tx_db(s->tx)), s->today, workdays, &due))
        return cmd_field_error(s->res, "workdays", "out_of_range");
    calendar_day_format(due, s->due, sizeof s->due);
    size_t nco = s_co_units(s);
    char *co = db_ids_text(s->units, nco);
    const char *q[7] = {s->ctx->cmd->district, s->ids, db_num(lead, s->act->lead_unit_id), co,
                        today, s->due, s->act->leader};
    PGresult *r = co ? db_exec(tx_db(s->tx),
        "SELECT count(*) = cardinality($4::bigint[]) + 1 FROM core.units WHERE district_code ="
        " $1 AND $2::bigint > 0 AND (id = $3::bigint OR id = ANY ($4::bigint[]))", 4, q) : NULL;
    int ok = r && PQgetvalue(r, 0, 0)[0] == 't', rc = 0;
    PQclear(r);
    if (!co || !r)
        rc = cmd_db_fail(s->tx, s->res, "proposal.assign");
    else if (!ok) {
        cmd_fail(s->res, 422, "unprocessable", "no such unit");
        rc = cmd_field_error(s->res, "lead_unit_id", "not_found");
    } else if (db_run(tx_db(s->tx),
        "WITH e AS (UPDATE proposal.assignments SET ended_at = core.clock_now(), end_reason ="
        " 'reassigned' WHERE district_code = $1 AND proposal_id = $2::bigint AND ended_at IS NULL"
        " RETURNING 1), b AS (SELECT coalesce(max(seq), 0) AS s FROM proposal.assignments"
        " WHERE district_code = $1 AND proposal_id = $2::bigint)"
        " INSERT INTO proposal.assignments (district_code, proposal_id, seq, unit_id, lead,"
        " assigned_on, due_on, leader) SELECT $1, $2::bigint, b.s + u.o, u.id, u.o = 1,"
        " $5::date, $6::date, $7 FROM b, unnest($3::bigint || $4::bigint[]) WITH ORDINALITY"
        " u(id, o)", 7, q) != 0
        || db_run(tx_db(s->tx), "UPDATE proposal.proposals SET lead_unit_id = $3::bigint,"
                                " assigned_on = $4::date, due_on = $5::date, resp_leader = $6"
                                " WHERE district_code = $1 AND id = $2::bigint", 6,
                  (const char *[]){q[0], q[1], q[2], q[4], q[5], q[6]}) != 0)
        rc = cmd_db_fail(s->tx, s->res, "proposal.assign");
    free(co);
    s->ev->lead_unit_id = s->act->lead_unit_id;
    s->ev->co_unit_ids = s->units;
    s->ev->n_co_unit_ids = nco;
    s->ev->due_date = s->due;
    s->ev->leader = s->act->leader;
    s->note = s->due;
    return rc;
}

static int on_hand_back(step_t *s)
{
    if (s_is(s, "lead", "hand it back") != 0 || s_require(s, s->act->reason, "reason",
                                                         NOTE_MAX) != 0)
        return -1;
    if (!proposal_handback_open(calsync_get(s->app->cal, tx_db(s->tx)), s->p->assigned_on,
                                s->today))
        return cmd_fail(s->res, 409, "hand_back_closed",
                        "more than 10 working days since the assignment");
    s->note = s->act->reason;
    s->ev->lead_unit_id = s->p->lead_unit_id;
    return s_run(s, "WITH e AS (UPDATE proposal.assignments SET ended_at = core.clock_now(),"
                    " end_reason = $3 WHERE district_code = $1 AND proposal_id = $2::bigint"
                    " AND ended_at IS NULL RETURNING 1) UPDATE proposal.proposals SET"
                    " lead_unit_id = NULL WHERE district_code = $1 AND id = $2::bigint", 1,
                 s->act->reason, NULL, NULL, NULL);
}

/* ---- handling ------------------------------------------------------------------------------ */

static int on_contact(step_t *s)
{
    const Lianxin__V1__ProposalAction *a = s->act;
    char unit[24];
    if (!proposal_in(a->stage, proposal_stages))
        return cmd_field_error(s->res, "stage", a->stage && *a->stage ? "unknown_value"
                                                                      : "required");
    if (!proposal_in(a->form, proposal_forms))
        return cmd_field_error(s->res, "form", a->form && *a->form ? "unknown_value"
                                                                   : "required");
    if (a->note && strlen(a->note) > NOTE_MAX)
        return cmd_field_error(s->res, "note", "too_long");
    if (strcmp(s->date, "") == 0 || s->today < 0)
        return cmd_field_error(s->res, "date", "invalid");
    s->note = a->stage;
    const char *q[8] = {s->ctx->cmd->district, s->ids, db_num(unit, s->ctx->cmd->actor->unit_id),
                        a->stage, a->form, s->date, a->note ? a->note : "", NULL};
    char by[24];
    q[7] = db_num(by, s->ctx->cmd->actor->user_id);
    return db_run(tx_db(s->tx), "INSERT INTO proposal.contacts SELECT $1, $2::bigint,"
                                " coalesce((SELECT max(seq) FROM proposal.contacts WHERE"
                                " district_code = $1 AND proposal_id = $2::bigint), 0) + 1,"
                                " $3::bigint, $4, $5, $6::date, $7, $8::bigint", 8, q) == 0
           ? 0 : cmd_db_fail(s->tx, s->res, "proposal.contact");
}

static int on_opinion(step_t *s)
{
    char unit[24];
    if (s_is(s, "co", "send an opinion") != 0
        || s_require(s, s->act->text, "text", NOTE_MAX) != 0)
        return -1;
    return s_run(s, "INSERT INTO proposal.opinions SELECT $1, $2::bigint, coalesce((SELECT"
                    " max(seq) FROM proposal.opinions WHERE district_code = $1 AND proposal_id"
                    " = $2::bigint), 0) + 1, $3::bigint, $4, core.clock_now()", 2,
                 db_num(unit, s->ctx->cmd->actor->unit_id), s->act->text, NULL, NULL);
}

/* 1 when the caller is a head account of its unit (core.unit_heads). */
static int s_head(step_t *s)
{
    char unit[24], user[24];
    const char *q[3] = {s->ctx->cmd->district, db_num(unit, s->ctx->cmd->actor->unit_id),
                        db_num(user, s->ctx->cmd->actor->user_id)};
    PGresult *r = db_exec(tx_db(s->tx), "SELECT 1 FROM core.unit_heads WHERE district_code = $1"
                                        " AND unit_id = $2::bigint AND user_id = $3::bigint",
                          3, q);
    int n = r ? PQntuples(r) : -1;
    PQclear(r);
    return n < 0 ? cmd_db_fail(s->tx, s->res, "proposal.head") : n;
}

static int on_reply(step_t *s)
{
    const Lianxin__V1__ProposalAction *a = s->act;
    const char *field, *code;
    char unit[24], user[24], round[8];
    if (s_is(s, "lead", "reply") != 0)
        return -1;
    if (proposal_reply_check(a->class_, a->text, a->promised_date, a->reason, s->today, &field,
                             &code) != 0)
        return cmd_field_error(s->res, field, code);
    int head = s_head(s);
    if (head <= 0)
        return head < 0 ? -1 : cmd_fail(s->res, 403, "not_unit_head",
                                        "a reply is signed off by the unit's head account");
    int b = strcmp(a->class_, "b") == 0;
    snprintf(round, sizeof round, "%d", s->p->round);
    const char *q[9] = {s->ctx->cmd->district, s->ids, round, db_num(unit, s->p->lead_unit_id),
                        a->class_, a->text, b ? a->promised_date : NULL,
                        strcmp(a->class_, "c") == 0 ? a->reason : NULL,
                        db_num(user, s->ctx->cmd->actor->user_id)};
    if (db_run(tx_db(s->tx), "INSERT INTO proposal.replies VALUES ($1, $2::bigint, $3::int,"
                             " $4::bigint, $5, $6, $7::date, $8, $9::bigint, core.clock_now())",
               9, q) != 0
        || db_run(tx_db(s->tx), "UPDATE proposal.proposals SET reply_class = $3, promised_on ="
                                " $4::date, replied_at = core.clock_now() WHERE district_code ="
                                " $1 AND id = $2::bigint", 4,
                  (const char *[]){q[0], q[1], q[4], q[6]}) != 0)
        return cmd_db_fail(s->tx, s->res, "proposal.reply");
    s->ev->class_ = a->class_;
    s->ev->promised_date = b ? a->promised_date : "";
    s->note = a->class_;
    if (!b)
        return 0;
    return s_run(s, "INSERT INTO proposal.timers (district_code, kind, proposal_id, due_at)"
                    " VALUES ($1, 'lookback.due', $2::bigint, ($3::date)::timestamp AT TIME ZONE"
                    " 'Asia/Shanghai') ON CONFLICT (district_code, kind, proposal_id) DO UPDATE"
                    " SET due_at = EXCLUDED.due_at, fired_at = NULL", 1, a->promised_date, NULL,
                 NULL, NULL);
}

/* ---- feedback -------------------------------------------------------------------------------- */

static int s_verdict(step_t *s)
{
    const Lianxin__V1__ProposalAction *a = s->act;
    char me[24], round[8];
    if (s_is(s, "first", "give the verdict") != 0)
        return -1;
    if (!proposal_in(a->verdict, proposal_verdicts))
        return cmd_field_error(s->res, "verdict", a->verdict && *a->verdict ? "unknown_value"
                                                                            : "required");
    int unsat = strcmp(a->verdict, "unsatisfied") == 0;
    if (unsat && s_require(s, a->reasons, "reasons", NOTE_MAX) != 0)
        return -1;
    if (a->reasons && strlen(a->reasons) > NOTE_MAX)
        return cmd_field_error(s->res, "reasons", "too_long");
    snprintf(round, sizeof round, "%d", s->p->round);
    s->note = a->verdict;
    s->ev->verdict = a->verdict;
    return s_run(s, "INSERT INTO proposal.verdicts VALUES ($1, $2::bigint, $3::int, $4::bigint,"
                    " $5, $6, core.clock_now())", 4, round,
                 db_num(me, s->ctx->cmd->actor->member_id), a->verdict,
                 a->reasons ? a->reasons : "");
}

static int on_verdict(step_t *s)
{
    if (s_verdict(s) != 0)
        return -1;
    return s_run(s, "UPDATE proposal.proposals SET verdict = $3, closed_at = core.clock_now()"
                    " WHERE district_code = $1 AND id = $2::bigint", 1, s->act->verdict, NULL,
                 NULL, NULL);
}

/* Unsatisfied the first time: one more round with the same units. */
static int on_reopen(step_t *s)
{
    if (s_verdict(s) != 0)
        return -1;
    s->ev->lead_unit_id = s->p->lead_unit_id;      /* the unit that replies again */
    return s_run(s, "UPDATE proposal.proposals SET round = 2, verdict = 'unsatisfied'"
                    " WHERE district_code = $1 AND id = $2::bigint", 0, NULL, NULL, NULL, NULL);
}

/* ---- the command ------------------------------------------------------------------------------ */

/* In proposal_event_t order; edit is proposal.Edit's; close_cosign is
 * proposal_cosign_close's (also the office's own route). */
static int on_close_cosign(step_t *s);

static s_handler_fn *const s_handlers[PROPOSAL_EVENT_COUNT] = {
    NULL, on_submit, on_invite, on_cosign, on_close_cosign, on_accept, on_refuse, on_convert,
    on_merge, on_mark_key, on_assign, on_hand_back, on_contact, on_opinion, on_reply,
    on_verdict, on_reopen,
};

/* The machine's event for the path's name, given the proposal. */
static int s_event(const char *name, const proposal_t *p, const Lianxin__V1__ProposalAction *a)
{
    int ev = fsm_event_from_name(&proposal_fsm, name ? name : "");
    if (ev == PROPOSAL_EV_EDIT || ev == PROPOSAL_EV_INVITE || ev == PROPOSAL_EV_REOPEN)
        return -1;
    if (ev == PROPOSAL_EV_SUBMIT && strcmp(p->kind, "joint") == 0)
        return PROPOSAL_EV_INVITE;
    if (ev == PROPOSAL_EV_VERDICT && a->verdict && strcmp(a->verdict, "unsatisfied") == 0
        && !(p->flags & PROPOSAL_ROUND2))
        return PROPOSAL_EV_REOPEN;
    return ev;
}

static int s_date(step_t *s)
{
    calendar_day_t day = s->today;
    const char *d = s->act->date;
    if (d && *d && (calendar_day_parse(d, &day) != 0 || day > s->today))
        return cmd_field_error(s->res, "date", "invalid");
    calendar_day_format(day, s->date, sizeof s->date);
    return 0;
}

int proposals_transition_execute(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res)
{
    Lianxin__V1__ProposalChanged ev = LIANXIN__V1__PROPOSAL_CHANGED__INIT;
    proposal_t p;
    int64_t id;
    step_t s = {.tx = tx, .ctx = ctx, .act = (const Lianxin__V1__ProposalAction *) ctx->req,
                .p = &p, .res = res, .ev = &ev, .app = ctx->app, .today = proposal_today(tx)};
    int named = fsm_event_from_name(&proposal_fsm, s.act->event);
    if (cmd_object_id(ctx, &id) != 0 || named < 0)
        return cmd_fail(res, 404, "not_found", "no such transition");
    if (!(proposal_fsm.events[named].roles & role_bit(ctx->cmd->actor->role)))
        return cmd_fsm_gate(&proposal_fsm, PROPOSAL_DRAFT, 0, named, ctx, NULL, res);
    if (proposal_load(tx, ctx, id, &p, res) != 0)
        return -1;
    int e = s_event(s.act->event, &p, s.act);
    if (e < 0)
        return cmd_fail(res, 404, "not_found", "no such transition");
    if (cmd_fsm_gate(&proposal_fsm, p.st, p.flags, e, ctx, &p, res) != 0 || s_date(&s) != 0)
        return -1;
    db_num(s.ids, p.id);
    int rc = s_handlers[e](&s) != 0
             || proposal_step(tx, ctx->cmd->district, ctx->cmd->actor, &p, (proposal_event_t) e,
                              s.note, &ev, res) != 0;
    PQclear(s.keep);
    if (rc)
        return -1;
    if (e == PROPOSAL_EV_COSIGN && proposal_cosign_close(tx, ctx->cmd->district,
                                                         ctx->cmd->actor, &p, 1, res) < 0)
        return -1;
    return proposal_reply_ref(&p, 200, res);
}

/* ---- closing the co-signing -------------------------------------------------------------------- */

static int on_close_cosign(step_t *s)
{
    return proposal_cosign_drop(s->tx, s->ctx->cmd->district, s->p, s->ev, s->dropped,
                                PROPOSAL_PROPOSERS_MAX, s->res);
}
