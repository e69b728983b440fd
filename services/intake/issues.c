/* issues: see issues.h. Never grades without the rules: every class, route
 * and due date comes from grading.h with the configured thresholds and the
 * business-day calendar. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "grading.pb-c.h"
#include "intake_app.h"
#include "issues.h"
#include "jsonpb.h"
#include "timeutil.h"

#define SUMMARY_MAX 2000

static int s_grading_error(int err, cmd_result_t *res)
{
    const char *field = grading_error_field(err);
    return cmd_field_error(res, field ? field : "grade",
                           err == GRADING_EREASON ? "required" : "out_of_range");
}

/* A class-2 issue needs a unit of the district: 400 when missing, 422 when unknown. */
static int s_unit_ok(tx_t *tx, const cmd_ctx_t *ctx, int grade, int64_t unit, cmd_result_t *res)
{
    char u[24];
    if (grade != 2)
        return 0;
    if (unit <= 0)
        return cmd_field_error(res, "unit_id", "required");
    const char *p[2] = {ctx->cmd->district, db_num(u, unit)};
    PGresult *r = db_exec(tx_db(tx), "SELECT 1 FROM core.units WHERE district_code = $1"
                                     " AND id = $2::bigint", 2, p);
    if (!r)
        return cmd_db_fail(tx, res, "issue.unit");
    int n = PQntuples(r);
    PQclear(r);
    if (n == 1)
        return 0;
    cmd_fail(res, 422, "unprocessable", "no such unit");
    return cmd_field_error(res, "unit_id", "not_found");
}

typedef struct issue {
    int64_t id, visit, room, unit;
    char category[48], summary[SUMMARY_MAX + 1];
    grading_result_t g;
    int overridden;
} issue_t;

/* The event of the route (none for class 4) and the audit row. */
static int s_emit(tx_t *tx, const cmd_ctx_t *ctx, const issue_t *is, const char *action,
                  cmd_result_t *res)
{
    Lianxin__V1__IssueRouted ev = LIANXIN__V1__ISSUE_ROUTED__INIT;
    char due[11], before[48];
    int cat = 0;
    calendar_day_format(is->g.due, due, sizeof due);
    time_format(is->g.due_before_us, before, sizeof before);
    jsonpb_enum_value(&lianxin__v1__visit_category__descriptor, is->category, &cat);
    ev.issue_id = is->id;
    ev.visit_id = is->visit;
    ev.workroom_id = is->room;
    ev.grade = is->g.grade;
    ev.route = (char *) grading_route_name(is->g.route);
    ev.unit_id = is->g.grade == 2 ? is->unit : 0;
    ev.due_on = due;
    ev.due_before = before;
    ev.category = (Lianxin__V1__VisitCategory) cat;
    ev.summary = (char *) is->summary;
    ev.overridden = is->overridden;
    return cmd_record(tx, ctx, res, grading_event_type(is->g.route), &ev.base, action,
                         "issue", is->id);
}

static int s_reply(const issue_t *is, int status, cmd_result_t *res)
{
    Lianxin__V1__IssueRef out = LIANXIN__V1__ISSUE_REF__INIT;
    char due[11];
    calendar_day_format(is->g.due, due, sizeof due);
    out.id = is->id;
    out.grade = is->g.grade;
    out.route = (char *) grading_route_name(is->g.route);
    out.due_on = due;
    out.unit_id = is->g.grade == 2 ? is->unit : 0;
    out.status = is->g.grade == 4 ? "closed" : "open";
    return cmd_ok(res, status, &out.base);
}

/* The visit: room and category; a member must have taken part. */
static int s_visit(tx_t *tx, const cmd_ctx_t *ctx, issue_t *is, cmd_result_t *res)
{
    char v[24], m[24];
    const char *p[3] = {ctx->cmd->district, db_num(v, is->visit),
                        db_num(m, ctx->cmd->actor->member_id)};
    PGresult *r = db_exec(tx_db(tx), "SELECT workroom_id, category, $3::bigint = ANY (member_ids)"
                                     " FROM intake.visits WHERE district_code = $1"
                                     " AND id = $2::bigint", 3, p);
    if (!r)
        return cmd_db_fail(tx, res, "issue.visit");
    int n = PQntuples(r), member_in = n && PQgetvalue(r, 0, 2)[0] == 't';
    if (n) {
        is->room = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
        snprintf(is->category, sizeof is->category, "%s", PQgetvalue(r, 0, 1));
    }
    PQclear(r);
    if (!n)
        return cmd_fail(res, 404, "not_found", "no such visit");
    if (strcmp(ctx->cmd->actor->role, "member") == 0 && !member_in)
        return cmd_fail(res, 403, "forbidden", "only a member of the visit may grade it");
    return 0;
}

static int s_insert(tx_t *tx, const cmd_ctx_t *ctx, const grading_input_t *in, issue_t *is,
                    cmd_result_t *res)
{
    char v[24], imp[8], dif[8], grade[8], unit[24], due[11], by[24];
    calendar_day_format(is->g.due, due, sizeof due);
    snprintf(imp, sizeof imp, "%d", in->importance);
    snprintf(dif, sizeof dif, "%d", in->difficulty);
    snprintf(grade, sizeof grade, "%d", is->g.grade);
    const char *p[12] = {ctx->cmd->district, db_num(v, is->visit), is->summary, imp, dif,
                         in->resolved_on_spot ? "t" : "f", in->local ? "t" : "f", grade,
                         grading_route_name(is->g.route),
                         is->g.grade == 2 ? db_num(unit, is->unit) : NULL, due,
                         db_num(by, ctx->cmd->actor->user_id)};
    PGresult *r = db_exec(tx_db(tx),
        "INSERT INTO intake.issues (district_code, id, visit_id, summary, importance, difficulty,"
        " resolved_on_spot, local, grade, route, unit_id, due_on, status, graded_by, graded_at)"
        " VALUES ($1, nextval('intake.issue_ids'), $2::bigint, $3, $4::int, $5::int, $6::bool,"
        " $7::bool, $8::int, $9, $10::bigint, $11::date,"
        " CASE WHEN $8::int = 4 THEN 'closed' ELSE 'open' END, $12::bigint, core.clock_now()) RETURNING id",
        12, p);
    if (!r)
        return cmd_db_fail(tx, res, "issue.insert");
    is->id = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
    PQclear(r);
    return 0;
}

int issues_grade_execute(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res)
{
    const Lianxin__V1__GradeIssue *req = (const Lianxin__V1__GradeIssue *) ctx->req;
    const intake_app_t *app = intake_app();
    issue_t is;
    memset(&is, 0, sizeof is);
    grading_input_t in = {req->importance, req->difficulty, req->resolved_on_spot, req->local};
    if (!req->summary || !textfmt_has_text(req->summary))
        return cmd_field_error(res, "summary", "required");
    if (strlen(req->summary) > SUMMARY_MAX)
        return cmd_field_error(res, "summary", "too_long");
    const calendar_t *cal = calsync_get(app->cal, tx_db(tx));
    int rc = grading_grade(&app->rules, cal, &in, intake_today(tx), &is.g);
    if (rc != 0)
        return s_grading_error(rc, res);
    if (cmd_object_id(ctx, &is.visit) != 0)
        return cmd_fail(res, 404, "not_found", "no such visit");
    snprintf(is.summary, sizeof is.summary, "%s", req->summary);
    is.unit = req->unit_id;
    if (s_visit(tx, ctx, &is, res) != 0 || s_unit_ok(tx, ctx, is.g.grade, is.unit, res) != 0
        || s_insert(tx, ctx, &in, &is, res) != 0 || s_emit(tx, ctx, &is, "issue.grade", res) != 0)
        return -1;
    return s_reply(&is, 201, res);
}

/* ---- override ------------------------------------------------------------------------- */

static int s_load(tx_t *tx, const cmd_ctx_t *ctx, issue_t *is, cmd_result_t *res)
{
    char id[24];
    const char *p[2] = {ctx->cmd->district, db_num(id, is->id)};
    PGresult *r = db_exec(tx_db(tx),
        "SELECT i.visit_id, v.workroom_id, v.category, i.summary, coalesce(i.unit_id, 0)"
        " FROM intake.issues i JOIN intake.visits v ON v.district_code = i.district_code"
        " AND v.id = i.visit_id WHERE i.district_code = $1 AND i.id = $2::bigint"
        " FOR UPDATE OF i", 2, p);
    if (!r)
        return cmd_db_fail(tx, res, "issue.load");
    int n = PQntuples(r);
    if (n) {
        is->visit = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
        is->room = strtoll(PQgetvalue(r, 0, 1), NULL, 10);
        snprintf(is->category, sizeof is->category, "%s", PQgetvalue(r, 0, 2));
        snprintf(is->summary, sizeof is->summary, "%s", PQgetvalue(r, 0, 3));
        is->unit = strtoll(PQgetvalue(r, 0, 4), NULL, 10);
    }
    PQclear(r);
    return n ? 0 : cmd_fail(res, 404, "not_found", "no such issue");
}

int issues_override_execute(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res)
{
    const Lianxin__V1__OverrideGrade *req = (const Lianxin__V1__OverrideGrade *) ctx->req;
    const intake_app_t *app = intake_app();
    issue_t is;
    char id[24], grade[8], unit[24], due[11];
    memset(&is, 0, sizeof is);
    const calendar_t *cal = calsync_get(app->cal, tx_db(tx));
    int rc = grading_override(&app->rules, cal, req->grade, req->reason, intake_today(tx), &is.g);
    if (rc != 0)
        return s_grading_error(rc, res);
    if (cmd_object_id(ctx, &is.id) != 0)
        return cmd_fail(res, 404, "not_found", "no such issue");
    if (s_load(tx, ctx, &is, res) != 0)
        return -1;
    if (req->unit_id > 0)
        is.unit = req->unit_id;
    if (s_unit_ok(tx, ctx, is.g.grade, is.unit, res) != 0)
        return -1;
    is.overridden = 1;
    calendar_day_format(is.g.due, due, sizeof due);
    snprintf(grade, sizeof grade, "%d", is.g.grade);
    const char *p[7] = {ctx->cmd->district, db_num(id, is.id), grade,
                        grading_route_name(is.g.route),
                        is.g.grade == 2 ? db_num(unit, is.unit) : NULL, due, req->reason};
    if (db_run(tx_db(tx), "UPDATE intake.issues SET grade = $3::int, route = $4,"
                          " unit_id = $5::bigint, due_on = $6::date, override_reason = $7,"
                          " status = CASE WHEN $3::int = 4 THEN 'closed' ELSE 'open' END"
                          " WHERE district_code = $1 AND id = $2::bigint", 7, p) != 0)
        return cmd_db_fail(tx, res, "issue.override");
    if (s_emit(tx, ctx, &is, "issue.override", res) != 0)
        return -1;
    return s_reply(&is, 200, res);
}
