/* item_cmds: the item's transitions (see item_cmds.h). Each handler loads
 * and locks the item as the caller may see it (a unit only its own), asks
 * the machine (403/409 with the events allowed now), then steps. Refusals
 * come before any write, so the rows are atomic. Never logs personal data. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "item_cmds.h"
#include "items.h"
#include "referrals.h"
#include "textfmt.h"

static const char *const s_reasons[] = {"research", "consult", "supervise", NULL};

static int s_in(const char *v, const char *const *set)
{
    for (size_t i = 0; v && set[i]; i++)
        if (strcmp(v, set[i]) == 0)
            return 1;
    return 0;
}

static int s_date_field(const char *v, const char *field, cmd_result_t *res)
{
    calendar_day_t d;
    return !v || !*v || calendar_day_parse(v, &d) == 0 ? 0 : cmd_field_error(res, field,
                                                                             "invalid");
}

int item_cmds_validate(const cmd_ctx_t *ctx, cmd_result_t *res)
{
    const Lianxin__V1__ItemAction *a = (const Lianxin__V1__ItemAction *) ctx->req;
    int ev = fsm_event_from_name(&item_fsm, a->event);
    int rc = 0;
    if (ev < 0)
        return cmd_fail(res, 404, "not_found", "no such transition");
    if (strlen(a->text) > ITEM_TEXT_MAX)
        rc = cmd_field_error(res, "text", "too_long");
    if (strlen(a->note) > ITEM_TEXT_MAX)
        rc = cmd_field_error(res, "note", "too_long");
    if (strlen(a->summary) > ITEM_SUMMARY_MAX)
        rc = cmd_field_error(res, "summary", "too_long");
    if (s_date_field(a->due_date, "due_date", res) || s_date_field(a->date, "date", res))
        rc = -1;
    if (ev == ITEM_EV_ANSWER && !textfmt_has_text(a->text))
        rc = cmd_field_error(res, "text", "required");
    if (ev == ITEM_EV_REOPEN && !s_in(a->reason, s_reasons))
        rc = cmd_field_error(res, "reason", *a->reason ? "unknown_value" : "required");
    if (ev == ITEM_EV_LOOKBACK_RESULT && a->reopen && !s_in(a->reason, s_reasons))
        rc = cmd_field_error(res, "reason", *a->reason ? "unknown_value" : "required");
    if (ev == ITEM_EV_LOOKBACK_RESULT && !textfmt_has_text(a->note))
        rc = cmd_field_error(res, "note", "required");
    if (ev == ITEM_EV_LOOKBACK && !*a->date)
        rc = cmd_field_error(res, "date", "required");
    if (ev == ITEM_EV_REFER && !referrals_partner_ok(a->partner))
        rc = cmd_field_error(res, "partner", *a->partner ? "unknown_value" : "required");
    if (ev == ITEM_EV_REFER && !textfmt_has_text(a->summary))
        rc = cmd_field_error(res, "summary", "required");
    return rc;
}

static int s_reply(const item_t *it, int64_t referral, cmd_result_t *res)
{
    Lianxin__V1__ItemRef ref = LIANXIN__V1__ITEM_REF__INIT;
    char due[11];
    calendar_day_format(it->due, due, sizeof due);
    ref.id = it->id;
    ref.state = (char *) fsm_state_name(&item_fsm, it->st);
    ref.step = (char *) ladder_step_name(it->step);
    ref.due_date = due;
    ref.referral_id = referral;
    return cmd_ok(res, 200, &ref.base);
}

/* Reopens `it` with a new due date (default: lookback_workdays from
 * today) and restarts its ladder. */
static int s_reopen(tx_t *tx, supervise_app_t *app, const cmd_ctx_t *ctx, item_t *it,
                    const Lianxin__V1__ItemAction *a, cmd_result_t *res)
{
    char ids[24], note[64];
    calendar_day_t today = supervise_today(tx), due;
    if (*a->due_date)
        calendar_day_parse(a->due_date, &due);
    else if (calendar_add_workdays(calsync_get(app->cal, tx_db(tx)), today,
                                   app->lookback_workdays, &due) != 0)
        return cmd_fail(res, 500, "internal", "no due date");
    if (due <= today)
        return cmd_field_error(res, "due_date", "out_of_range");
    const char *q[2] = {it->district, db_num(ids, it->id)};
    if (db_run(tx_db(tx), "UPDATE supervise.items SET reopened = reopened + 1 WHERE"
                          " district_code = $1 AND id = $2::bigint", 2, q) != 0)
        return cmd_db_fail(tx, res, "item.reopen");
    it->st = ITEM_OPEN;
    it->step = LADDER_REGISTERED;
    it->due = due;
    it->flags &= ~ITEM_LOOKBACK;
    snprintf(note, sizeof note, "%s", a->reason);
    if (item_step(tx, app, ctx->cmd->actor, it, "reopened", NULL, note) != 0
        || item_arm(tx, app, it) != 0)
        return cmd_db_fail(tx, res, "item.reopen");
    return 0;
}

/* The look-back: its date as a timer row (lookback.due). */
static int s_lookback(tx_t *tx, item_t *it, const char *date, cmd_result_t *res)
{
    char ids[24];
    calendar_day_t d;
    calendar_day_parse(date, &d);
    if (d <= supervise_today(tx))
        return cmd_field_error(res, "date", "out_of_range");
    char us[24];
    snprintf(us, sizeof us, "%lld", (long long) calendar_day_start_us(d));
    const char *q[4] = {it->district, db_num(ids, it->id), us, date};
    if (db_run(tx_db(tx), "WITH u AS (UPDATE supervise.items SET lookback_on = $4::date WHERE"
                          " district_code = $1 AND id = $2::bigint RETURNING 1)"
                          " INSERT INTO supervise.timers SELECT $1, 'lookback.due', $2::bigint,"
                          " to_timestamp($3::bigint / 1000000.0), NULL FROM u"
                          " ON CONFLICT (district_code, kind, item_id) DO UPDATE SET"
                          " due_at = EXCLUDED.due_at, fired_at = NULL", 4, q) != 0)
        return cmd_db_fail(tx, res, "item.lookback");
    return 0;
}

/* The event's own work before the step; `referral` gets a referral's id. */
static int s_work(tx_t *tx, supervise_app_t *app, const cmd_ctx_t *ctx, item_t *it, int ev,
                  const Lianxin__V1__ItemAction *a, int64_t *referral, cmd_result_t *res)
{
    char ids[24];
    const char *q[3] = {it->district, db_num(ids, it->id), a->text};
    switch (ev) {
    case ITEM_EV_ANSWER:
        if (db_run(tx_db(tx), "UPDATE supervise.items SET answer = $3 WHERE district_code = $1"
                              " AND id = $2::bigint", 3, q) != 0 || item_disarm(tx, it) != 0)
            return cmd_db_fail(tx, res, "item.answer");
        return 0;
    case ITEM_EV_RETURN:
        return item_arm(tx, app, it) != 0 ? cmd_db_fail(tx, res, "item.return") : 0;
    case ITEM_EV_REFER:
        return referrals_create(tx, ctx, it, a->partner, a->summary, referral, res);
    case ITEM_EV_LOOKBACK:
        return s_lookback(tx, it, a->date, res);
    default:
        return 0;
    }
}

int item_cmds_execute(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res)
{
    const Lianxin__V1__ItemAction *a = (const Lianxin__V1__ItemAction *) ctx->req;
    const Lianxin__V1__Actor *actor = ctx->cmd->actor;
    supervise_app_t *app = ctx->app;
    int ev = fsm_event_from_name(&item_fsm, a->event);
    int64_t id, referral = 0;
    item_t it;
    if (cmd_object_id(ctx, &id) != 0)
        return cmd_fail(res, 404, "not_found", "no such item");
    int64_t unit = strcmp(actor->role, "unit") == 0 ? (actor->unit_id > 0 ? actor->unit_id : -1)
                                                    : 0;
    int found = unit < 0 ? 0 : item_load(tx, ctx->cmd->district, id, unit, &it);
    if (found < 0)
        return cmd_db_fail(tx, res, "item.load");
    if (found == 0)
        return cmd_fail(res, 404, "not_found", "no such item");
    unsigned subject = item_subject(&it);
    if (cmd_fsm_gate(&item_fsm, it.st, it.flags, ev, ctx, &subject, res) != 0)
        return -1;
    const fsm_event_t *e = &item_fsm.events[ev];
    if (e->to != FSM_SAME)
        it.st = (item_state_t) e->to;
    it.flags |= e->sets;
    if (ev == ITEM_EV_LOOKBACK_RESULT)
        it.flags &= ~ITEM_LOOKBACK;
    if (s_work(tx, app, ctx, &it, ev, a, &referral, res) != 0)
        return -1;
    const char *note = ev == ITEM_EV_ANSWER ? "" : ev == ITEM_EV_REFER ? a->partner : a->note;
    if (ev == ITEM_EV_REOPEN)
        return s_reopen(tx, app, ctx, &it, a, res) != 0 ? -1 : s_reply(&it, 0, res);
    if (item_step(tx, app, actor, &it, e->name, e->event_type, note) != 0)
        return cmd_db_fail(tx, res, "item.step");
    if (ev == ITEM_EV_LOOKBACK_RESULT && a->reopen && s_reopen(tx, app, ctx, &it, a, res) != 0)
        return -1;
    return s_reply(&it, referral, res);
}
