/* reports: creating and editing drafts (authors, visits, room). The
 * transitions are in report_events.c. Never lets a member touch a report
 * they do not author. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "intake_app.h"
#include "report_fsm.h"
#include "report_int.h"
#include "reports.h"
#include "reports.pb-c.h"
#include "visit_rules.h"

#define TITLE_MAX 200               /* code points */
#define TEXT_MAX 20000              /* bytes of facts, analysis, suggestions */
#define MAX_AUTHORS 10
#define MAX_VISITS 50

int report_present(const Lianxin__V1__ReportDraft *d, int create, const char *field)
{
    if (create)
        return 1;                   /* create: every field */
    for (size_t i = 0; i < d->n_present; i++)
        if (strcmp(d->present[i], field) == 0)
            return 1;
    return 0;
}

/* The draft's own content. 0, or -1 with field errors. */
static int s_check(const Lianxin__V1__ReportDraft *d, int create, cmd_result_t *res)
{
    int bad = 0;
    long n = d->title ? visit_utf8_chars(d->title, strlen(d->title)) : 0;
    if (report_present(d, create, "title") && (!d->title || !textfmt_has_text(d->title)))
        bad = cmd_field_error(res, "title", "required");
    else if (report_present(d, create, "title") && (n < 0 || n > TITLE_MAX))
        bad = cmd_field_error(res, "title", n < 0 ? "invalid" : "too_long");
    if (report_present(d, create, "category") && d->category == 0)
        bad = cmd_field_error(res, "category", "required");
    if ((d->facts && strlen(d->facts) > TEXT_MAX) || (d->analysis && strlen(d->analysis) > TEXT_MAX)
        || (d->suggestions && strlen(d->suggestions) > TEXT_MAX))
        bad = cmd_field_error(res, "facts", "too_long");
    if (d->n_author_ids > MAX_AUTHORS)
        bad = cmd_field_error(res, "author_ids", "too_many");
    if (d->n_visit_ids > MAX_VISITS)
        bad = cmd_field_error(res, "visit_ids", "too_many");
    return bad;
}

/* The authors: the given ones, with a member creating it first. */
static size_t s_authors(const cmd_ctx_t *ctx, const Lianxin__V1__ReportDraft *d,
                        int64_t out[MAX_AUTHORS + 1])
{
    size_t n = 0;
    const Lianxin__V1__Actor *a = ctx->cmd->actor;
    if (strcmp(a->role, "member") == 0 && a->member_id > 0)
        out[n++] = a->member_id;
    for (size_t i = 0; i < d->n_author_ids && n <= MAX_AUTHORS; i++) {
        int dup = 0;
        for (size_t k = 0; k < n; k++)
            dup |= out[k] == d->author_ids[i];
        if (!dup)
            out[n++] = d->author_ids[i];
    }
    return n;
}

/* Replaces the authors and/or the visits; 422 naming an unknown one. */
static int s_links(tx_t *tx, const cmd_ctx_t *ctx, int64_t id, const int64_t *authors,
                   size_t na, const Lianxin__V1__ReportDraft *d, int create, cmd_result_t *res)
{
    char ids[24], *ta = db_ids_text(authors, na);
    char *tv = db_ids_text(d->visit_ids, d->n_visit_ids);
    const char *p[5] = {ctx->cmd->district, db_num(ids, id), ta, tv,
                        authors ? "t" : "f"};
    const char *pv[3] = {p[0], p[1], tv};
    int visits = report_present(d, create, "visit_ids");
    PGresult *r = ta && tv ? db_exec(tx_db(tx),
        "SELECT (SELECT count(*) FROM core.members WHERE district_code = $1"
        "   AND id = ANY ($3::bigint[])) = cardinality($3::bigint[]),"
        " (SELECT count(*) FROM intake.visits WHERE district_code = $1"
        "   AND id = ANY ($4::bigint[])) = cardinality($4::bigint[]), $2::bigint", 4, p) : NULL;
    int ok_a = r && PQgetvalue(r, 0, 0)[0] == 't', ok_v = r && PQgetvalue(r, 0, 1)[0] == 't';
    int rc = 0;
    if (!r)
        rc = cmd_db_fail(tx, res, "report.links");
    else if ((authors && !ok_a) || (visits && !ok_v)) {
        cmd_fail(res, 422, "unprocessable", "unknown member or visit");
        rc = cmd_field_error(res, authors && !ok_a ? "author_ids" : "visit_ids", "not_found");
    } else if ((authors && (db_run(tx_db(tx), "DELETE FROM intake.report_authors WHERE"
                                   " district_code = $1 AND report_id = $2::bigint", 2, p) != 0
                            || db_run(tx_db(tx), "INSERT INTO intake.report_authors SELECT $1,"
                                      " $2::bigint, a, o FROM unnest($3::bigint[]) WITH"
                                      " ORDINALITY u(a, o)", 3, p) != 0))
               || (visits && (db_run(tx_db(tx), "DELETE FROM intake.report_visits WHERE"
                                     " district_code = $1 AND report_id = $2::bigint", 2, p) != 0
                              || db_run(tx_db(tx), "INSERT INTO intake.report_visits SELECT"
                                        " DISTINCT $1, $2::bigint, v FROM unnest($3::bigint[])"
                                        " v", 3, pv) != 0))) {
        rc = cmd_db_fail(tx, res, "report.links.write");
    }
    PQclear(r);
    free(ta);
    free(tv);
    return rc;
}

static const char *s_category(const Lianxin__V1__ReportDraft *d, char out[48])
{
    if (d->category == 0 || jsonpb_enum_name(&lianxin__v1__visit_category__descriptor,
                                              (int) d->category, out, 48) != 0)
        out[0] = '\0';
    return out;
}

int reports_create_execute(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res)
{
    const Lianxin__V1__ReportDraft *d = (const Lianxin__V1__ReportDraft *) ctx->req;
    int64_t authors[MAX_AUTHORS + 1];
    char cat[48], room[24], by[24];
    if (s_check(d, 1, res) != 0)
        return -1;
    size_t na = s_authors(ctx, d, authors);
    if (na == 0)
        return cmd_field_error(res, "author_ids", "required");
    const char *p[9] = {ctx->cmd->district, d->title, d->facts ? d->facts : "",
                        d->analysis ? d->analysis : "", d->suggestions ? d->suggestions : "",
                        s_category(d, cat), d->workroom_id ? db_num(room, d->workroom_id) : NULL,
                        db_num(by, ctx->cmd->actor->user_id), NULL};
    PGresult *r = db_exec(tx_db(tx),
        "INSERT INTO intake.reports (district_code, id, title, facts, analysis, suggestions,"
        " category, workroom_id, created_by, created_at, updated_at) SELECT $1,"
        " nextval('intake.report_ids'), $2, $3, $4, $5, $6, w.id, $8::bigint, core.clock_now(), core.clock_now()"
        " FROM (SELECT $7::bigint AS want) x LEFT JOIN core.workrooms w"
        " ON w.district_code = $1 AND w.id = x.want"
        " WHERE x.want IS NULL OR w.id IS NOT NULL RETURNING id", 8, p);
    if (!r)
        return cmd_db_fail(tx, res, "report.create");
    if (PQntuples(r) == 0) {
        PQclear(r);
        cmd_fail(res, 422, "unprocessable", "no such work room");
        return cmd_field_error(res, "workroom_id", "not_found");
    }
    report_t rep;
    memset(&rep, 0, sizeof rep);
    rep.id = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
    PQclear(r);
    if (s_links(tx, ctx, rep.id, authors, na, d, 1, res) != 0
        || report_log(tx, ctx, &rep, "create", "draft", "", res) != 0)
        return -1;
    snprintf(rep.state, sizeof rep.state, "draft");
    return report_reply(tx, ctx, &rep, "report.create", 201, res);
}

int reports_edit_execute(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res)
{
    const Lianxin__V1__ReportDraft *d = (const Lianxin__V1__ReportDraft *) ctx->req;
    int64_t authors[MAX_AUTHORS + 1];
    char cat[48], room[24], ids[24];
    report_t rep;
    if (report_begin(tx, ctx, REPORT_EV_EDIT, &rep, res) != 0 || s_check(d, 0, res) != 0)
        return -1;
    size_t na = report_present(d, 0, "author_ids") ? s_authors(ctx, d, authors) : 0;
    const char *p[8] = {ctx->cmd->district, db_num(ids, rep.id),
                        report_present(d, 0, "title") ? d->title : NULL,
                        report_present(d, 0, "facts") ? d->facts : NULL,
                        report_present(d, 0, "analysis") ? d->analysis : NULL,
                        report_present(d, 0, "suggestions") ? d->suggestions : NULL,
                        report_present(d, 0, "category") ? s_category(d, cat) : NULL,
                        report_present(d, 0, "workroom_id") ? db_num(room, d->workroom_id) : NULL};
    if (db_run(tx_db(tx), "UPDATE intake.reports SET title = coalesce($3, title),"
                          " facts = coalesce($4, facts), analysis = coalesce($5, analysis),"
                          " suggestions = coalesce($6, suggestions),"
                          " category = coalesce($7, category),"
                          " workroom_id = CASE WHEN $8::bigint IS NULL THEN workroom_id"
                          "   WHEN $8::bigint = 0 THEN NULL ELSE $8::bigint END,"
                          " updated_at = core.clock_now() WHERE district_code = $1 AND id = $2::bigint",
               8, p) != 0)
        return cmd_db_fail(tx, res, "report.edit");
    if (s_links(tx, ctx, rep.id, report_present(d, 0, "author_ids") ? authors : NULL, na, d, 0,
                res)
        || report_log(tx, ctx, &rep, "edit", rep.state, "", res) != 0)
        return -1;
    return report_reply(tx, ctx, &rep, "report.edit", 200, res);
}
