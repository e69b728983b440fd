/* contacts: see contacts.h. validate on the loop (no I/O), execute on the
 * worker inside the command batch. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "contacts.h"
#include "db.h"
#include "inbox_addr.h"
#include "mask.h"
#include "notify.pb-c.h"
#include "roles.h"

int contacts_email_ok(const char *email)
{
    size_t n = email ? strlen(email) : 0;
    if (n == 0)
        return email != NULL;
    const char *at = strchr(email, '@');
    if (n < 3 || n > CONTACTS_EMAIL_MAX || !at || at == email || strchr(at + 1, '@'))
        return 0;
    const char *dot = strchr(at + 1, '.');
    if (!dot || dot == at + 1 || dot[1] == '\0' || email[n - 1] == '.')
        return 0;
    for (const char *c = email; *c; c++)
        if (*c <= ' ' || *c >= 0x7f || strchr("<>()[],;:\\\"", *c))
            return 0;
    return 1;
}

int contacts_phone_ok(const char *phone)
{
    if (!phone)
        return 0;
    if (!phone[0])
        return 1;
    if (strlen(phone) != 11 || phone[0] != '1')
        return 0;
    for (int i = 1; i < 11; i++)
        if (phone[i] < '0' || phone[i] > '9')
            return 0;
    return 1;
}

static int s_partner_ok(const char *p)
{
    size_t n = strlen(p);
    if (n == 0 || n > CONTACTS_PARTNER_MAX)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!((p[i] >= 'a' && p[i] <= 'z') || (p[i] >= '0' && p[i] <= '9') || p[i] == '_'))
            return 0;
    return 1;
}

/* The address the command sets into *out: the caller's own when the
 * request names none (member or unit only), else the request's (the
 * office's). 0, or -1 with res set. */
static int s_target(const cmd_ctx_t *ctx, inbox_addr_t *out, cmd_result_t *res)
{
    const Lianxin__V1__SetContact *m = (const Lianxin__V1__SetContact *) ctx->req;
    const Lianxin__V1__Actor *a = ctx->cmd->actor;
    unsigned role = a ? role_bit(a->role) : 0;
    if (!m->recipient_kind[0] && m->recipient_id == 0 && !m->partner[0]) {
        if (!(role & (ROLE_MEMBER | ROLE_UNIT))
            || inbox_addr_own(a->role, a->user_id, a->member_id, a->unit_id, out) != 0)
            return cmd_fail(res, 403, "forbidden", "只有委员和承办单位可以设置自己的联系方式");
        return 0;
    }
    if (!(role & (ROLE_OFFICE | ROLE_ADMIN)))
        return cmd_fail(res, 403, "forbidden", "只能设置自己的联系方式");
    snprintf(out->kind, sizeof out->kind, "%s", m->recipient_kind);
    out->id = m->recipient_id;
    int partner = strcmp(m->recipient_kind, "partner") == 0;
    if (!partner && strcmp(m->recipient_kind, "member") != 0
        && strcmp(m->recipient_kind, "unit") != 0)
        return cmd_field_error(res, "recipient_kind", "unknown_value");
    if (partner ? m->recipient_id != 0 : m->recipient_id <= 0)
        return cmd_field_error(res, "recipient_id", "invalid");
    if (partner ? !s_partner_ok(m->partner) : m->partner[0] != '\0')
        return cmd_field_error(res, "partner", "invalid");
    return 0;
}

int contacts_set_validate(const cmd_ctx_t *ctx, cmd_result_t *res)
{
    const Lianxin__V1__SetContact *m = (const Lianxin__V1__SetContact *) ctx->req;
    inbox_addr_t t;
    int bad = 0;
    if (s_target(ctx, &t, res) != 0)
        return -1;
    if (!contacts_email_ok(m->email))
        bad = cmd_field_error(res, "email", "invalid");
    if (!contacts_phone_ok(m->phone))
        bad = cmd_field_error(res, "phone", "invalid");
    return bad;
}

/* The recipient exists in the district: a member or unit of core, or any partner code. */
static const char *s_sql =
    "INSERT INTO notify.contacts AS c (district_code, recipient_kind, recipient_id, partner,"
    "  email, phone, email_masked, phone_masked)"
    " SELECT $1, $2, $3::bigint, $4, nullif($5, ''), nullif($6, ''), $7, $8"
    " WHERE $2 = 'partner'"
    "  OR ($2 = 'member' AND EXISTS (SELECT 1 FROM core.members WHERE district_code = $1"
    "      AND id = $3::bigint))"
    "  OR ($2 = 'unit' AND EXISTS (SELECT 1 FROM core.units WHERE district_code = $1"
    "      AND id = $3::bigint))"
    " ON CONFLICT (district_code, recipient_kind, recipient_id, partner) DO UPDATE SET"
    "  email = excluded.email, phone = excluded.phone, email_masked = excluded.email_masked,"
    "  phone_masked = excluded.phone_masked";

int contacts_set_execute(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res)
{
    const Lianxin__V1__SetContact *m = (const Lianxin__V1__SetContact *) ctx->req;
    Lianxin__V1__SetContact out = LIANXIN__V1__SET_CONTACT__INIT;
    inbox_addr_t t;
    char id[24], em[CONTACTS_EMAIL_MAX + 8] = "", ph[32] = "";
    if (s_target(ctx, &t, res) != 0)
        return -1;
    if ((m->email[0] && mask_email(m->email, em, sizeof em) != 0)
        || (m->phone[0] && mask_phone(m->phone, ph, sizeof ph) != 0))
        return cmd_field_error(res, "email", "invalid");
    db_num(id, t.id);
    const char *p[8] = {ctx->cmd->district, t.kind, id, m->partner, m->email, m->phone, em, ph};
    PGresult *r = db_exec(tx_db(tx), s_sql, 8, p);
    if (!r)
        return cmd_db_fail(tx, res, "contact");
    int n = atoi(PQcmdTuples(r));
    PQclear(r);
    if (n != 1)
        return cmd_fail(res, 404, "not_found", "没有这个委员或承办单位");
    out.recipient_kind = t.kind;
    out.recipient_id = t.id;
    out.partner = m->partner;
    out.email = em;
    out.phone = ph;
    if (cmd_record(tx, ctx, res, NULL, &out.base, "notify.contact", t.kind, t.id) != 0)
        return -1;
    return cmd_ok(res, 200, &out.base) ? cmd_fail(res, 500, "internal", "reply") : 0;
}
