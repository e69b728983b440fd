/* groups: groups, activities, letters and plans (see groups.h). Never logs
 * personal data. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "groups.h"
#include "items.h"
#include "supervise.pb-c.h"
#include "textfmt.h"

int groups_text_check(const char *v, const char *field, size_t max, cmd_result_t *res)
{
    if (!textfmt_has_text(v))
        return cmd_field_error(res, field, "required");
    return strlen(v) > max ? cmd_field_error(res, field, "too_long") : 0;
}

int groups_reply(cmd_result_t *res, int status, int64_t id, const char *state, int64_t *items,
                 size_t n)
{
    Lianxin__V1__SupervisionRef ref = LIANXIN__V1__SUPERVISION_REF__INIT;
    ref.id = id;
    ref.state = (char *) state;
    ref.item_ids = items;
    ref.n_item_ids = n;
    if (cmd_ok(res, 200, &ref.base) != 0)
        return -1;
    res->status = status;
    return 0;
}

/* ---- groups --------------------------------------------------------------------------- */

int groups_create_validate(const cmd_ctx_t *ctx, cmd_result_t *res)
{
    const Lianxin__V1__GroupDraft *g = (const Lianxin__V1__GroupDraft *) ctx->req;
    int rc = groups_text_check(g->name, "name", 200, res);
    int leader_in = g->leader_id == 0;
    if (g->year < 2000 || g->year > 2100)
        rc = cmd_field_error(res, "year", "out_of_range");
    if (g->unit_id <= 0)
        rc = cmd_field_error(res, "unit_id", "required");
    if (g->n_member_ids == 0 || g->n_member_ids > GROUP_MEMBERS_MAX)
        rc = cmd_field_error(res, "member_ids", g->n_member_ids ? "too_long" : "required");
    for (size_t i = 0; i < g->n_member_ids; i++)
        leader_in |= g->member_ids[i] == g->leader_id;
    if (!leader_in)
        rc = cmd_field_error(res, "leader_id", "invalid");
    return rc;
}

int groups_create_execute(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res)
{
    const Lianxin__V1__GroupDraft *g = (const Lianxin__V1__GroupDraft *) ctx->req;
    char year[16], unit[24], topic[24], lead[24], *members = db_ids_text(g->member_ids,
                                                                        g->n_member_ids);
    snprintf(year, sizeof year, "%d", (int) g->year);
    const char *q[7] = {ctx->cmd->district, year, g->name, db_num(unit, g->unit_id),
                        g->topic_id > 0 ? db_num(topic, g->topic_id) : NULL, members,
                        db_num(lead, g->leader_id)};
    PGresult *r = members ? db_exec(tx_db(tx),
        "WITH ok AS (SELECT 1 WHERE EXISTS (SELECT 1 FROM core.units u WHERE u.district_code ="
        "  $1 AND u.id = $4::bigint) AND ($5::bigint IS NULL OR EXISTS (SELECT 1 FROM"
        "  supervise.topics t WHERE t.district_code = $1 AND t.id = $5::bigint))"
        "  AND (SELECT count(*) FROM core.members m WHERE m.district_code = $1 AND m.id ="
        "  ANY ($6::bigint[])) = cardinality(ARRAY(SELECT DISTINCT unnest($6::bigint[])))),"
        " g AS (INSERT INTO supervise.groups SELECT $1, nextval('supervise.group_ids'), $2::int,"
        "  $3, $4::bigint, $5::bigint, core.clock_now() FROM ok RETURNING id),"
        " m AS (INSERT INTO supervise.group_members SELECT $1, g.id, x, x = $7::bigint FROM g,"
        "  (SELECT DISTINCT unnest($6::bigint[]) AS x) s RETURNING 1)"
        " SELECT g.id, (SELECT count(*) FROM m) FROM g", 7, q) : NULL;
    free(members);
    if (!r)
        return cmd_db_fail(tx, res, "group.create");
    int made = PQntuples(r) == 1;
    int64_t id = made ? strtoll(PQgetvalue(r, 0, 0), NULL, 10) : 0;
    PQclear(r);
    if (!made)
        return cmd_fail(res, 422, "unknown_reference", "a unit, topic or member is not of the"
                                                       " district");
    Lianxin__V1__SupervisionRef ref = LIANXIN__V1__SUPERVISION_REF__INIT;
    ref.id = id;
    ref.state = "created";
    if (cmd_record(tx, ctx, res, "group.created", &ref.base, "group.created", "group", id) != 0)
        return -1;
    return groups_reply(res, 201, id, "created", NULL, 0);
}

int groups_in(const char *v, const char *const *set)
{
    for (size_t i = 0; v && set[i]; i++)
        if (strcmp(v, set[i]) == 0)
            return 1;
    return 0;
}

/* ---- letters and plans ------------------------------------------------------------------ */

static int s_future_date(tx_t *tx, const char *text, calendar_day_t *d)
{
    return calendar_day_parse(text, d) == 0 && *d > calendar_day_of_us(tx_now_us(tx)) ? 0 : -1;
}

int groups_letter_validate(const cmd_ctx_t *ctx, cmd_result_t *res)
{
    const Lianxin__V1__LetterDraft *l = (const Lianxin__V1__LetterDraft *) ctx->req;
    calendar_day_t d;
    int rc = groups_text_check(l->title, "title", GROUP_TITLE_MAX, res);
    if (groups_text_check(l->text, "text", GROUP_TEXT_MAX, res) != 0)
        rc = -1;
    if (calendar_day_parse(l->due_date, &d) != 0)
        rc = cmd_field_error(res, "due_date", *l->due_date ? "invalid" : "required");
    return rc;
}

int groups_letter_execute(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res)
{
    const Lianxin__V1__LetterDraft *l = (const Lianxin__V1__LetterDraft *) ctx->req;
    int64_t group, item = 0;
    char gid[24];
    calendar_day_t due;
    if (cmd_object_id(ctx, &group) != 0)
        return cmd_fail(res, 404, "not_found", "no such group");
    if (s_future_date(tx, l->due_date, &due) != 0)
        return cmd_field_error(res, "due_date", "out_of_range");
    const char *q[5] = {ctx->cmd->district, db_num(gid, group), l->title, l->text, l->due_date};
    PGresult *r = db_exec(tx_db(tx),
        "INSERT INTO supervise.letters (district_code, id, group_id, unit_id, title, body,"
        " plan_due_on, issued_at) SELECT $1, nextval('supervise.letter_ids'), g.id, g.unit_id,"
        " $3, $4, $5::date, core.clock_now() FROM supervise.groups g WHERE g.district_code = $1"
        " AND g.id = $2::bigint RETURNING id, unit_id", 5, q);
    if (!r)
        return cmd_db_fail(tx, res, "letter.issue");
    int made = PQntuples(r) == 1;
    int64_t id = made ? strtoll(PQgetvalue(r, 0, 0), NULL, 10) : 0;
    int64_t unit = made ? strtoll(PQgetvalue(r, 0, 1), NULL, 10) : 0;
    PQclear(r);
    if (!made)
        return cmd_fail(res, 404, "not_found", "no such group");
    char ref[32], title[GROUP_TITLE_MAX + 40];
    snprintf(ref, sizeof ref, "letter-%lld", (long long) id);
    snprintf(title, sizeof title, "监督建议书：%s（整改方案）", l->title);
    item_source_t src = {.source = "letter", .source_id = id, .ref = ref, .title = title,
                         .unit_id = unit, .due = due, .leader = ""};
    Lianxin__V1__SupervisionRef m = LIANXIN__V1__SUPERVISION_REF__INIT;
    m.id = id;
    m.state = "issued";
    if (item_register(tx, ctx->app, ctx->cmd->district, &src, &item) != 0
        || cmd_record(tx, ctx, res, "letter.issued", &m.base, "letter.issued", "letter", id) != 0)
        return cmd_db_fail(tx, res, "letter.item");
    return groups_reply(res, 201, id, "issued", &item, 1);
}

int groups_plan_validate(const cmd_ctx_t *ctx, cmd_result_t *res)
{
    const Lianxin__V1__RectificationPlan *p = (const Lianxin__V1__RectificationPlan *) ctx->req;
    calendar_day_t d;
    char field[48];
    int rc = 0;
    if (p->n_milestones == 0 || p->n_milestones > PLAN_MILESTONES_MAX)
        rc = cmd_field_error(res, "milestones", p->n_milestones ? "too_long" : "required");
    if (strlen(p->note) > GROUP_TEXT_MAX)
        rc = cmd_field_error(res, "note", "too_long");
    for (size_t i = 0; i < p->n_milestones && i < PLAN_MILESTONES_MAX; i++) {
        snprintf(field, sizeof field, "milestones[%zu].title", i);
        if (groups_text_check(p->milestones[i]->title, field, GROUP_TITLE_MAX, res) != 0)
            rc = -1;
        snprintf(field, sizeof field, "milestones[%zu].due_date", i);
        if (calendar_day_parse(p->milestones[i]->due_date, &d) != 0)
            rc = cmd_field_error(res, field, "invalid");
    }
    return rc;
}

/* The letter `lid` of the caller's unit (any for the office), locked: its
 * unit into *unit. 0, or -1 answered (404; 409 when planned already). */
static int s_plan_letter(tx_t *tx, const cmd_ctx_t *ctx, const char *lid, int64_t *unit,
                         cmd_result_t *res)
{
    char me[24];
    const char *q[3] = {ctx->cmd->district, lid, db_num(me, ctx->cmd->actor->unit_id)};
    PGresult *r = db_exec(tx_db(tx),
        "SELECT l.unit_id, l.planned_at IS NOT NULL FROM supervise.letters l WHERE"
        " l.district_code = $1 AND l.id = $2::bigint AND (l.unit_id = $3::bigint OR $3::bigint"
        " = 0) FOR UPDATE", 3, q);
    if (!r)
        return cmd_db_fail(tx, res, "plan.load");
    int found = PQntuples(r) == 1, done = found && PQgetvalue(r, 0, 1)[0] == 't';
    *unit = found ? strtoll(PQgetvalue(r, 0, 0), NULL, 10) : 0;
    PQclear(r);
    if (!found)
        return cmd_fail(res, 404, "not_found", "no such letter");
    return done ? cmd_fail(res, 409, "conflict", "the plan was submitted already") : 0;
}

/* Milestone `i` of the plan of letter `lid`: its row and its tracked item
 * (into *item). 0 or -1 (answered). */
static int s_milestone(tx_t *tx, const cmd_ctx_t *ctx, const char *lid, int64_t unit,
                       const Lianxin__V1__RectificationPlan *p, size_t i, int64_t *item,
                       cmd_result_t *res)
{
    char seq[24], ref[64], t[GROUP_TITLE_MAX * 2 + 16];
    snprintf(seq, sizeof seq, "%zu", i + 1);
    const char *m[5] = {ctx->cmd->district, lid, seq, p->milestones[i]->title,
                        p->milestones[i]->due_date};
    PGresult *r = db_exec(tx_db(tx), "INSERT INTO supervise.milestones VALUES ($1,"
                                     " nextval('supervise.milestone_ids'), $2::bigint, $3::int,"
                                     " $4, $5::date) RETURNING id", 5, m);
    if (!r)
        return cmd_db_fail(tx, res, "plan.milestone");
    int64_t mid = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
    PQclear(r);
    snprintf(ref, sizeof ref, "letter-%s-%zu", lid, i + 1);
    snprintf(t, sizeof t, "整改：%s", p->milestones[i]->title);
    item_source_t src = {.source = "milestone", .source_id = mid, .ref = ref, .title = t,
                         .unit_id = unit, .leader = ""};
    calendar_day_parse(p->milestones[i]->due_date, &src.due);
    return item_register(tx, ctx->app, ctx->cmd->district, &src, item) == 0
               ? 0 : cmd_db_fail(tx, res, "plan.item");
}

int groups_plan_execute(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res)
{
    const Lianxin__V1__RectificationPlan *p = (const Lianxin__V1__RectificationPlan *) ctx->req;
    int64_t letter, unit = 0, items[PLAN_MILESTONES_MAX];
    char lid[24];
    if (cmd_object_id(ctx, &letter) != 0)
        return cmd_fail(res, 404, "not_found", "no such letter");
    for (size_t i = 0; i < p->n_milestones; i++) {
        calendar_day_t d;
        if (s_future_date(tx, p->milestones[i]->due_date, &d) != 0)
            return cmd_field_error(res, "milestones", "out_of_range");
    }
    db_num(lid, letter);
    if (s_plan_letter(tx, ctx, lid, &unit, res) != 0)
        return -1;
    const char *q[3] = {ctx->cmd->district, lid, p->note};
    if (db_run(tx_db(tx), "UPDATE supervise.letters SET planned_at = core.clock_now(),"
                          " plan_note = $3 WHERE district_code = $1 AND id = $2::bigint", 3, q)
        != 0)
        return cmd_db_fail(tx, res, "plan.store");
    for (size_t i = 0; i < p->n_milestones; i++)
        if (s_milestone(tx, ctx, lid, unit, p, i, &items[i], res) != 0)
            return -1;
    Lianxin__V1__SupervisionRef ref = LIANXIN__V1__SUPERVISION_REF__INIT;
    ref.id = letter;
    ref.state = "planned";
    if (item_answer_source(tx, ctx->app, ctx->cmd->district, ctx->cmd->actor, "letter", letter,
                           "plan") != 0
        || cmd_record(tx, ctx, res, "letter.planned", &ref.base, "letter.planned", "letter",
                      letter) != 0)
        return cmd_db_fail(tx, res, "plan.record");
    return groups_reply(res, 200, letter, "planned", items, p->n_milestones);
}
