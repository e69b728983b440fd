/* groups: groups, activities, letters and plans (see groups.h). Never logs
 * personal data. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "groups.h"
#include "items.h"
#include "supervise.pb-c.h"
#include "textfmt.h"

static int s_title(const char *v, const char *field, size_t max, cmd_result_t *res)
{
    if (!textfmt_has_text(v))
        return cmd_field_error(res, field, "required");
    return strlen(v) > max ? cmd_field_error(res, field, "too_long") : 0;
}

static int s_ref(cmd_result_t *res, int status, int64_t id, const char *state,
                 int64_t *items, size_t n)
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
    int rc = s_title(g->name, "name", 200, res);
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
    return s_ref(res, 201, id, "created", NULL, 0);
}

/* ---- activities and attendance ----------------------------------------------------------- */

static const char *const s_kinds[] = {"inspection", "unannounced", "hearing", "research", NULL};
static const char *const s_status[] = {"present", "absent", "leave", NULL};

static int s_in(const char *v, const char *const *set)
{
    for (size_t i = 0; v && set[i]; i++)
        if (strcmp(v, set[i]) == 0)
            return 1;
    return 0;
}

int groups_activity_validate(const cmd_ctx_t *ctx, cmd_result_t *res)
{
    const Lianxin__V1__ActivityDraft *a = (const Lianxin__V1__ActivityDraft *) ctx->req;
    calendar_day_t d;
    int rc = s_title(a->title, "title", GROUP_TITLE_MAX, res);
    char field[48];
    if (!s_in(a->kind, s_kinds))
        rc = cmd_field_error(res, "kind", *a->kind ? "unknown_value" : "required");
    if (calendar_day_parse(a->date, &d) != 0)
        rc = cmd_field_error(res, "date", *a->date ? "invalid" : "required");
    if (a->n_attendance == 0 || a->n_attendance > GROUP_MEMBERS_MAX)
        rc = cmd_field_error(res, "attendance", a->n_attendance ? "too_long" : "required");
    for (size_t i = 0; i < a->n_attendance && i < GROUP_MEMBERS_MAX; i++)
        if (!s_in(a->attendance[i]->status, s_status)) {
            snprintf(field, sizeof field, "attendance[%zu].status", i);
            rc = cmd_field_error(res, field, "unknown_value");
        }
    return rc;
}

/* supervision.attended for each attendance row of activity `id`. */
static int s_attended(tx_t *tx, const cmd_ctx_t *ctx, int64_t id, int64_t group,
                      const Lianxin__V1__ActivityDraft *a)
{
    for (size_t i = 0; i < a->n_attendance; i++) {
        Lianxin__V1__SupervisionAttendance m = LIANXIN__V1__SUPERVISION_ATTENDANCE__INIT;
        m.activity_id = id;
        m.group_id = group;
        m.member_id = a->attendance[i]->member_id;
        m.status = a->attendance[i]->status;
        m.date = a->date;
        m.kind = a->kind;
        m.title = a->title;
        if (tx_event(tx, ctx->cmd->district, "supervision.attended", ctx->cmd->actor, &m.base)
            != 0)
            return -1;
    }
    return 0;
}

int groups_activity_execute(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res)
{
    const Lianxin__V1__ActivityDraft *a = (const Lianxin__V1__ActivityDraft *) ctx->req;
    int64_t group, ids[GROUP_MEMBERS_MAX];
    char gid[24], today[11];
    const char *st[GROUP_MEMBERS_MAX];
    calendar_day_t d;
    if (cmd_object_id(ctx, &group) != 0)
        return cmd_fail(res, 404, "not_found", "no such group");
    calendar_day_parse(a->date, &d);
    calendar_day_format(calendar_day_of_us(tx_now_us(tx)), today, sizeof today);
    if (strcmp(a->date, today) > 0)
        return cmd_field_error(res, "date", "out_of_range");
    for (size_t i = 0; i < a->n_attendance; i++) {
        ids[i] = a->attendance[i]->member_id;
        st[i] = a->attendance[i]->status;
    }
    char *mem = db_ids_text(ids, a->n_attendance), *sts = NULL;
    size_t len = 3;
    for (size_t i = 0; i < a->n_attendance; i++)
        len += strlen(st[i]) + 1;
    if (mem && (sts = malloc(len))) {
        strcpy(sts, "{");
        for (size_t i = 0; i < a->n_attendance; i++)
            strcat(strcat(sts, i ? "," : ""), st[i]);
        strcat(sts, "}");
    }
    const char *q[7] = {ctx->cmd->district, db_num(gid, group), a->kind, a->date, a->title,
                        mem, sts};
    PGresult *r = mem && sts ? db_exec(tx_db(tx),
        "WITH ok AS (SELECT 1 WHERE EXISTS (SELECT 1 FROM supervise.groups g WHERE"
        "  g.district_code = $1 AND g.id = $2::bigint) AND NOT EXISTS (SELECT 1 FROM"
        "  unnest($6::bigint[]) x WHERE NOT EXISTS (SELECT 1 FROM supervise.group_members m"
        "  WHERE m.district_code = $1 AND m.group_id = $2::bigint AND m.member_id = x))"
        "  AND cardinality($6::bigint[]) = cardinality(ARRAY(SELECT DISTINCT"
        "  unnest($6::bigint[])))),"
        " a AS (INSERT INTO supervise.activities SELECT $1, nextval('supervise.activity_ids'),"
        "  $2::bigint, $3, $4::date, $5, core.clock_now() FROM ok RETURNING id),"
        " t AS (INSERT INTO supervise.attendance SELECT $1, a.id, x.m, x.s FROM a,"
        "  unnest($6::bigint[], $7::text[]) x(m, s) RETURNING 1)"
        " SELECT a.id, (SELECT count(*) FROM t), (SELECT count(*) FROM supervise.groups g"
        "  WHERE g.district_code = $1 AND g.id = $2::bigint) FROM a"
        " UNION ALL SELECT 0, 0, (SELECT count(*) FROM supervise.groups g WHERE"
        "  g.district_code = $1 AND g.id = $2::bigint) WHERE NOT EXISTS (SELECT 1 FROM a)",
        7, q) : NULL;
    free(mem);
    free(sts);
    if (!r)
        return cmd_db_fail(tx, res, "activity.record");
    int64_t id = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
    int group_found = atoi(PQgetvalue(r, 0, 2)) == 1;
    PQclear(r);
    if (!group_found)
        return cmd_fail(res, 404, "not_found", "no such group");
    if (id == 0)
        return cmd_fail(res, 422, "not_a_member", "attendance names someone not in the group,"
                                                  " or twice");
    Lianxin__V1__SupervisionRef ref = LIANXIN__V1__SUPERVISION_REF__INIT;
    ref.id = id;
    ref.state = "recorded";
    if (s_attended(tx, ctx, id, group, a) != 0
        || cmd_record(tx, ctx, res, NULL, &ref.base, "activity.recorded", "activity", id) != 0)
        return cmd_fail(res, 500, "internal", "activity event");
    return s_ref(res, 201, id, "recorded", NULL, 0);
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
    int rc = s_title(l->title, "title", GROUP_TITLE_MAX, res);
    if (s_title(l->text, "text", GROUP_TEXT_MAX, res) != 0)
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
    return s_ref(res, 201, id, "issued", &item, 1);
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
        if (s_title(p->milestones[i]->title, field, GROUP_TITLE_MAX, res) != 0)
            rc = -1;
        snprintf(field, sizeof field, "milestones[%zu].due_date", i);
        if (calendar_day_parse(p->milestones[i]->due_date, &d) != 0)
            rc = cmd_field_error(res, field, "invalid");
    }
    return rc;
}

int groups_plan_execute(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res)
{
    const Lianxin__V1__RectificationPlan *p = (const Lianxin__V1__RectificationPlan *) ctx->req;
    int64_t letter, items[PLAN_MILESTONES_MAX];
    char lid[24], unit[24];
    if (cmd_object_id(ctx, &letter) != 0)
        return cmd_fail(res, 404, "not_found", "no such letter");
    for (size_t i = 0; i < p->n_milestones; i++) {
        calendar_day_t d;
        if (s_future_date(tx, p->milestones[i]->due_date, &d) != 0)
            return cmd_field_error(res, "milestones", "out_of_range");
    }
    const char *q[4] = {ctx->cmd->district, db_num(lid, letter),
                        db_num(unit, ctx->cmd->actor->unit_id), p->note};
    PGresult *r = db_exec(tx_db(tx),
        "SELECT l.title, l.unit_id, l.planned_at IS NOT NULL FROM supervise.letters l WHERE"
        " l.district_code = $1 AND l.id = $2::bigint AND (l.unit_id = $3::bigint OR $3::bigint"
        " = 0) FOR UPDATE", 3, q);
    if (!r)
        return cmd_db_fail(tx, res, "plan.load");
    int found = PQntuples(r) == 1, done = found && PQgetvalue(r, 0, 2)[0] == 't';
    char title[GROUP_TITLE_MAX + 8] = "";
    int64_t unit_id = found ? strtoll(PQgetvalue(r, 0, 1), NULL, 10) : 0;
    if (found)
        snprintf(title, sizeof title, "%s", PQgetvalue(r, 0, 0));
    PQclear(r);
    if (!found)
        return cmd_fail(res, 404, "not_found", "no such letter");
    if (done)
        return cmd_fail(res, 409, "conflict", "the plan was submitted already");
    if (db_run(tx_db(tx), "UPDATE supervise.letters SET planned_at = core.clock_now(),"
                          " plan_note = $4 WHERE district_code = $1 AND id = $2::bigint AND"
                          " ($3::bigint IS NOT NULL)", 4, q) != 0)
        return cmd_db_fail(tx, res, "plan.store");
    for (size_t i = 0; i < p->n_milestones; i++) {
        char seq[24], ref[64], t[GROUP_TITLE_MAX * 2 + 16];
        snprintf(seq, sizeof seq, "%zu", i + 1);
        const char *m[5] = {ctx->cmd->district, lid, seq, p->milestones[i]->title,
                            p->milestones[i]->due_date};
        r = db_exec(tx_db(tx), "INSERT INTO supervise.milestones VALUES ($1,"
                               " nextval('supervise.milestone_ids'), $2::bigint, $3::int, $4,"
                               " $5::date) RETURNING id", 5, m);
        if (!r)
            return cmd_db_fail(tx, res, "plan.milestone");
        int64_t mid = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
        PQclear(r);
        snprintf(ref, sizeof ref, "letter-%lld-%zu", (long long) letter, i + 1);
        snprintf(t, sizeof t, "整改：%s", p->milestones[i]->title);
        item_source_t src = {.source = "milestone", .source_id = mid, .ref = ref, .title = t,
                             .unit_id = unit_id, .leader = ""};
        calendar_day_parse(p->milestones[i]->due_date, &src.due);
        if (item_register(tx, ctx->app, ctx->cmd->district, &src, &items[i]) != 0)
            return cmd_db_fail(tx, res, "plan.item");
    }
    Lianxin__V1__SupervisionRef ref = LIANXIN__V1__SUPERVISION_REF__INIT;
    ref.id = letter;
    ref.state = "planned";
    if (item_answer_source(tx, ctx->app, ctx->cmd->district, ctx->cmd->actor, "letter", letter,
                           "plan") != 0
        || cmd_record(tx, ctx, res, "letter.planned", &ref.base, "letter.planned", "letter",
                      letter) != 0)
        return cmd_db_fail(tx, res, "plan.record");
    return s_ref(res, 200, letter, "planned", items, p->n_milestones);
}
