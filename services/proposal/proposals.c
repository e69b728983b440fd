/* proposals: creating and editing drafts (see proposals.h). A draft is
 * private to its authors; the kind (individual, joint, collective) follows
 * from the co-signers and the collective named. Never lets a member edit a
 * proposal they are not the first proposer of. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "intake.pb-c.h"
#include "jsonpb.h"
#include "proposal_int.h"
#include "proposals.h"

#define TITLE_MAX 600               /* bytes: 200 CJK characters */
#define TEXT_MAX 20000
#define UNITS_MAX 20
#define COSIGNERS_MAX 30

static const char *const s_collectives[] = {"sector", "party", "liaison_group", NULL};
static const char *const s_sessions[] = {"plenary", "between", NULL};

static int s_present(const Lianxin__V1__ProposalDraft *d, int create, const char *field)
{
    for (size_t i = 0; !create && i < d->n_present; i++)
        if (strcmp(d->present[i], field) == 0)
            return 1;
    return create;
}

/* The draft's own content. 0, or -1 with field errors. */
static int s_check(const Lianxin__V1__ProposalDraft *d, int create, cmd_result_t *res)
{
    int bad = 0;
    if (s_present(d, create, "title") && (!d->title || !textfmt_has_text(d->title)))
        bad = cmd_field_error(res, "title", "required");
    else if (d->title && strlen(d->title) > TITLE_MAX)
        bad = cmd_field_error(res, "title", "too_long");
    if (s_present(d, create, "category") && d->category == 0)
        bad = cmd_field_error(res, "category", "required");
    if (d->reasons && strlen(d->reasons) > TEXT_MAX)
        bad = cmd_field_error(res, "reasons", "too_long");
    if (d->measures && strlen(d->measures) > TEXT_MAX)
        bad = cmd_field_error(res, "measures", "too_long");
    if (d->n_unit_ids > UNITS_MAX)
        bad = cmd_field_error(res, "unit_ids", "too_many");
    if (d->n_cosigner_ids > COSIGNERS_MAX)
        bad = cmd_field_error(res, "cosigner_ids", "too_many");
    if (d->session && *d->session && !proposal_in(d->session, s_sessions))
        bad = cmd_field_error(res, "session", "unknown_value");
    if (d->collective && *d->collective) {
        if (!proposal_in(d->collective, s_collectives))
            bad = cmd_field_error(res, "collective", "unknown_value");
        else if (d->n_cosigner_ids > 0)
            bad = cmd_field_error(res, "cosigner_ids", "invalid");
        else if (strcmp(d->collective, "party") == 0 ? !d->party || !*d->party : d->group_id <= 0)
            bad = cmd_field_error(res, strcmp(d->collective, "party") == 0 ? "party" : "group_id",
                                  "required");
    }
    return bad;
}

/* The invited co-signers, without duplicates and without the proposer. */
static size_t s_cosigners(const Lianxin__V1__ProposalDraft *d, int64_t me,
                          int64_t out[COSIGNERS_MAX])
{
    size_t n = 0;
    for (size_t i = 0; i < d->n_cosigner_ids && n < COSIGNERS_MAX; i++) {
        int dup = d->cosigner_ids[i] == me;
        for (size_t k = 0; k < n; k++)
            dup |= out[k] == d->cosigner_ids[i];
        if (!dup)
            out[n++] = d->cosigner_ids[i];
    }
    return n;
}

/* 422 naming the field when a unit, a co-signer or the collective does not
 * exist in the district (or the member does not belong to the collective). */
static int s_refs(tx_t *tx, const cmd_ctx_t *ctx, const Lianxin__V1__ProposalDraft *d,
                  const int64_t *cos, size_t ncos, cmd_result_t *res)
{
    char me[24], gid[24];
    char *tu = db_ids_text(d->unit_ids, d->n_unit_ids), *tc = db_ids_text(cos, ncos);
    const char *q[7] = {ctx->cmd->district, tu, tc, db_num(me, ctx->cmd->actor->member_id),
                        d->collective ? d->collective : "", db_num(gid, d->group_id),
                        d->party ? d->party : ""};
    PGresult *r = tu && tc ? db_exec(tx_db(tx),
        "SELECT (SELECT count(*) FROM core.units WHERE district_code = $1"
        "   AND id = ANY ($2::bigint[])) = cardinality($2::bigint[]),"
        " (SELECT count(*) FROM core.members WHERE district_code = $1 AND active"
        "   AND id = ANY ($3::bigint[])) = cardinality($3::bigint[]),"
        " $5 = '' OR EXISTS (SELECT 1 FROM core.members m WHERE m.district_code = $1"
        "   AND m.id = $4::bigint AND CASE $5 WHEN 'sector' THEN m.sector_id = $6::bigint"
        "   WHEN 'liaison_group' THEN m.liaison_group_id = $6::bigint ELSE m.party = $7 END)",
        7, q) : NULL;
    int rc = 0;
    if (!r)
        rc = cmd_db_fail(tx, res, "proposal.refs");
    else if (PQgetvalue(r, 0, 0)[0] != 't' || PQgetvalue(r, 0, 1)[0] != 't'
             || PQgetvalue(r, 0, 2)[0] != 't') {
        const char *f = PQgetvalue(r, 0, 0)[0] != 't' ? "unit_ids"
                        : PQgetvalue(r, 0, 1)[0] != 't' ? "cosigner_ids" : "collective";
        cmd_fail(res, 422, "unprocessable", "unknown unit, member or collective");
        rc = cmd_field_error(res, f, PQgetvalue(r, 0, 2)[0] != 't' ? "not_a_member"
                                                                   : "not_found");
    }
    PQclear(r);
    free(tu);
    free(tc);
    return rc;
}

/* Replaces the invited co-signers. */
static int s_invite(tx_t *tx, const cmd_ctx_t *ctx, int64_t id, const int64_t *cos,
                    size_t ncos, cmd_result_t *res)
{
    char ids[24], *tc = db_ids_text(cos, ncos);
    const char *q[3] = {ctx->cmd->district, db_num(ids, id), tc};
    int rc = tc && db_run(tx_db(tx), "DELETE FROM proposal.proposers WHERE district_code = $1"
                                     " AND proposal_id = $2::bigint AND status = 'invited'",
                          2, q) == 0
             && db_run(tx_db(tx), "INSERT INTO proposal.proposers SELECT $1, $2::bigint, c,"
                                  " o + 1, 'invited', NULL FROM unnest($3::bigint[])"
                                  " WITH ORDINALITY u(c, o)", 3, q) == 0 ? 0 : -1;
    free(tc);
    return rc ? cmd_db_fail(tx, res, "proposal.invite") : 0;
}

static const char *s_category(int value, char out[48])
{
    if (value == 0 || jsonpb_enum_name(&lianxin__v1__visit_category__descriptor, value, out, 48))
        out[0] = '\0';
    return out;
}

static const char *s_kind(const Lianxin__V1__ProposalDraft *d, size_t ncos)
{
    if (d->collective && *d->collective)
        return "collective";
    return ncos ? "joint" : "individual";
}

int proposals_create_execute(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res)
{
    const Lianxin__V1__ProposalDraft *d = (const Lianxin__V1__ProposalDraft *) ctx->req;
    const Lianxin__V1__Actor *a = ctx->cmd->actor;
    int64_t cos[COSIGNERS_MAX], id;
    char cat[48], me[24], by[24], gid[24];
    if (strcmp(a->role, "member") != 0 || a->member_id <= 0)
        return cmd_fail(res, 403, "forbidden", "only members write proposals");
    if (s_check(d, 1, res) != 0)
        return -1;
    size_t ncos = s_cosigners(d, a->member_id, cos);
    if (s_refs(tx, ctx, d, cos, ncos, res) != 0)
        return -1;
    int coll = d->collective && *d->collective;
    char *tu = db_ids_text(d->unit_ids, d->n_unit_ids);
    const char *q[12] = {ctx->cmd->district, s_kind(d, ncos), coll ? d->collective : NULL,
                         coll ? (strcmp(d->collective, "party") == 0 ? d->party
                                 : db_num(gid, d->group_id)) : NULL,
                         d->session && *d->session ? d->session : "between", d->title,
                         d->reasons ? d->reasons : "", d->measures ? d->measures : "",
                         s_category((int) d->category, cat), tu, db_num(by, a->user_id),
                         db_num(me, a->member_id)};
    PGresult *r = tu ? db_exec(tx_db(tx),
        "WITH p AS (INSERT INTO proposal.proposals (district_code, id, kind, collective_kind,"
        " collective_ref, session, title, reasons, measures, category, unit_ids, created_by,"
        " created_at, updated_at) VALUES ($1, nextval('proposal.proposal_ids'), $2, $3, $4, $5,"
        " $6, $7, $8, $9, $10::bigint[], $11::bigint, core.clock_now(), core.clock_now())"
        " RETURNING id) INSERT INTO proposal.proposers SELECT $1, id, $12::bigint, 1, 'first',"
        " NULL FROM p RETURNING proposal_id", 12, q) : NULL;
    free(tu);
    if (!r || PQntuples(r) != 1) {
        PQclear(r);
        return cmd_db_fail(tx, res, "proposal.create");
    }
    id = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
    PQclear(r);
    if (s_invite(tx, ctx, id, cos, ncos, res) != 0)
        return -1;
    if (cmd_record(tx, ctx, res, NULL, ctx->req, "proposal.create", "proposal", id) != 0)
        return -1;
    return proposal_reply(tx, ctx, id, 201, res);
}

int proposals_edit_execute(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res)
{
    const Lianxin__V1__ProposalDraft *d = (const Lianxin__V1__ProposalDraft *) ctx->req;
    int64_t cos[COSIGNERS_MAX];
    char cat[48], ids[24];
    proposal_t p;
    if (proposal_begin(tx, ctx, PROPOSAL_EV_EDIT, &p, res) != 0 || s_check(d, 0, res) != 0)
        return -1;
    if (strcmp(p.me, "first") != 0)
        return cmd_fail(res, 403, "forbidden", "only the first proposer edits");
    if (strcmp(p.kind, "collective") == 0 && s_present(d, 0, "cosigner_ids"))
        return cmd_field_error(res, "cosigner_ids", "invalid");
    int setcos = s_present(d, 0, "cosigner_ids");
    size_t ncos = setcos ? s_cosigners(d, ctx->cmd->actor->member_id, cos) : 0;
    if (s_refs(tx, ctx, d, cos, ncos, res) != 0)
        return -1;
    char *tu = s_present(d, 0, "unit_ids") ? db_ids_text(d->unit_ids, d->n_unit_ids) : NULL;
    const char *q[9] = {ctx->cmd->district, db_num(ids, p.id),
                        s_present(d, 0, "title") ? d->title : NULL,
                        s_present(d, 0, "reasons") ? d->reasons : NULL,
                        s_present(d, 0, "measures") ? d->measures : NULL,
                        s_present(d, 0, "category") ? s_category((int) d->category, cat) : NULL,
                        tu, s_present(d, 0, "session") ? d->session : NULL,
                        setcos && strcmp(p.kind, "collective") != 0
                            ? (ncos ? "joint" : "individual") : NULL};
    int rc = db_run(tx_db(tx), "UPDATE proposal.proposals SET title = coalesce($3, title),"
                               " reasons = coalesce($4, reasons), measures = coalesce($5, measures),"
                               " category = coalesce(nullif($6, ''), category),"
                               " unit_ids = coalesce($7::bigint[], unit_ids),"
                               " session = coalesce(nullif($8, ''), session),"
                               " kind = coalesce($9, kind), updated_at = core.clock_now()"
                               " WHERE district_code = $1 AND id = $2::bigint", 9, q);
    free(tu);
    if (rc != 0)
        return cmd_db_fail(tx, res, "proposal.edit");
    if ((setcos && s_invite(tx, ctx, p.id, cos, ncos, res) != 0)
        || cmd_record(tx, ctx, res, NULL, ctx->req, "proposal.edit", "proposal", p.id) != 0)
        return -1;
    return proposal_reply(tx, ctx, p.id, 200, res);
}
