/* assess_groups: see assess_groups.h. */
#include <stdio.h>
#include <string.h>
#include "assess.pb-c.h"
#include "assess_groups.h"
#include "db.h"

/* One statement: the group exists ($2), the member ($3) is an active member
 * of it, and then the contact is written. Answers (group found, member ok). */
static const char *const s_contact_sql =
    "WITH g AS (SELECT g.id FROM core.liaison_groups g WHERE g.district_code = $1"
    "  AND g.id = $2::bigint),"
    " m AS (SELECT m.id FROM core.members m JOIN g ON g.id = m.liaison_group_id"
    "  WHERE m.district_code = $1 AND m.id = $3::bigint AND m.active),"
    " w AS (INSERT INTO assess.group_contacts (district_code, group_id, member_id, set_by, set_at)"
    "  SELECT $1, g.id, m.id, $4::bigint, core.clock_now() FROM g, m"
    "  ON CONFLICT (district_code, group_id) DO UPDATE SET member_id = EXCLUDED.member_id,"
    "  set_by = EXCLUDED.set_by, set_at = EXCLUDED.set_at RETURNING 1)"
    " SELECT (SELECT count(*) FROM g), (SELECT count(*) FROM w)";

int assess_groups_contact_execute(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res)
{
    const Lianxin__V1__GroupContact *c = (const Lianxin__V1__GroupContact *) ctx->req;
    int64_t group;
    char gid[24], mid[24], by[24];
    if (cmd_object_id(ctx, &group) != 0)
        return cmd_fail(res, 404, "not_found", "no such liaison group");
    if (c->member_id <= 0)
        return cmd_field_error(res, "member_id", "required");
    const char *p[4] = {ctx->cmd->district, db_num(gid, group), db_num(mid, c->member_id),
                        db_num(by, ctx->cmd->actor->user_id)};
    PGresult *r = db_exec(tx_db(tx), s_contact_sql, 4, p);
    if (!r || PQntuples(r) != 1) {
        PQclear(r);
        return cmd_db_fail(tx, res, "assess.group_contact");
    }
    int found = strcmp(PQgetvalue(r, 0, 0), "1") == 0, set = strcmp(PQgetvalue(r, 0, 1), "1") == 0;
    PQclear(r);
    if (!found)
        return cmd_fail(res, 404, "not_found", "no such liaison group");
    if (!set) {
        cmd_fail(res, 422, "unprocessable", "联络人须为本联络组的在职委员");
        return cmd_field_error(res, "member_id", "not_a_member");
    }
    Lianxin__V1__GroupContactRef ref = LIANXIN__V1__GROUP_CONTACT_REF__INIT;
    ref.group_id = group;
    ref.member_id = c->member_id;
    if (cmd_record(tx, ctx, res, NULL, &c->base, "assess.group_contact", "liaison_group",
                   group) != 0)
        return -1;
    return cmd_ok(res, 200, &ref.base);
}
