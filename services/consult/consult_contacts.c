/* consult_contacts: see consult_contacts.h. Every buffer that held a clear
 * or sealed value is wiped before it is released. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "consult_contacts.h"
#include "mask.h"
#include "sealval.h"

int consult_contacts_check(const Lianxin__V1__Participant *p, cmd_result_t *res)
{
    int contact = strcmp(p->role, "member") != 0 && strcmp(p->role, "leader") != 0;
    int phone = p->phone && *p->phone, email = p->email && *p->email, too_long = 0;
    if (!contact && (phone || email))
        return cmd_field_error(res, phone ? "participant.phone" : "participant.email",
                               "not_allowed");
    if (!contact)
        return 0;
    if (!phone && !email)
        return cmd_field_error(res, "participant.phone", "required");
    if (phone && !contact_phone_ok(p->phone, &too_long))
        return cmd_field_error(res, "participant.phone", too_long ? "too_long" : "invalid");
    if (email && !contact_email_ok(p->email, &too_long))
        return cmd_field_error(res, "participant.email", too_long ? "too_long" : "invalid");
    return 0;
}

int consult_contacts_seal(const consult_app_t *app, const char *district, int64_t id,
                          const Lianxin__V1__Participant *p, consult_contact_sealed_t *out)
{
    int failed = 0;
    memset(out, 0, sizeof *out);
    out->name = sealval_hex(app->ring, SEALCOL_CONTACT_NAME, district, id, p->name,
                            out->name_hex, sizeof out->name_hex, &failed);
    out->phone = sealval_hex(app->ring, SEALCOL_CONTACT_PHONE, district, id, p->phone,
                             out->phone_hex, sizeof out->phone_hex, &failed);
    out->email = sealval_hex(app->ring, SEALCOL_CONTACT_EMAIL, district, id, p->email,
                             out->email_hex, sizeof out->email_hex, &failed);
    failed |= mask_name(p->name ? p->name : "", out->name_m, sizeof out->name_m) != 0;
    failed |= mask_phone(p->phone ? p->phone : "", out->phone_m, sizeof out->phone_m) != 0;
    failed |= mask_email(p->email ? p->email : "", out->email_m, sizeof out->email_m) != 0;
    if (failed)
        consult_contacts_wipe(out);
    return failed ? -1 : 0;
}

void consult_contacts_wipe(consult_contact_sealed_t *s)
{
    memset(s, 0, sizeof *s);
}

/* ---- reveal --------------------------------------------------------------------------- */

enum { R_ID, R_SEQ, R_ROLE, R_ORG, R_NAME, R_PHONE, R_EMAIL, R_FIELDS };

/* Opens row `i` of `r` into `c` and its buffers. 0 or -1. */
static int s_open(const consult_app_t *app, const char *d, const PGresult *r, int i,
                  Lianxin__V1__ConsultationContact *c, char *buf, size_t bufsz)
{
    const char *id = PQgetvalue(r, i, R_ID);
    size_t third = bufsz / 3;
    char *name = buf, *phone = buf + third, *email = buf + 2 * third;
    int bad = sealval_open(app->ring, r, i, R_NAME, SEALCOL_CONTACT_NAME, d, id, name, third);
    bad |= sealval_open(app->ring, r, i, R_PHONE, SEALCOL_CONTACT_PHONE, d, id, phone, third);
    bad |= sealval_open(app->ring, r, i, R_EMAIL, SEALCOL_CONTACT_EMAIL, d, id, email, third);
    c->seq = atoi(PQgetvalue(r, i, R_SEQ));
    c->role = PQgetvalue(r, i, R_ROLE);
    c->organisation = PQgetvalue(r, i, R_ORG);
    c->name = name;
    c->phone = phone;
    c->email = email;
    return bad ? -1 : 0;
}

#define CONTACT_BUF (3 * (CONTACT_EMAIL_MAX + CONSULT_NAME_MAX + 2))

static const char *const s_reveal_sql =
    "SELECT p.id, p.seq, p.role, p.organisation, p.name_sealed, p.phone_sealed, p.email_sealed"
    " FROM consult.consultations c LEFT JOIN consult.participants p ON p.district_code ="
    " c.district_code AND p.consultation_id = c.id AND p.member_id IS NULL"
    " AND p.leader_user_id IS NULL WHERE c.district_code = $1 AND c.id = $2::bigint"
    " ORDER BY p.seq";

int consult_contacts_reveal(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res)
{
    int64_t id;
    char ids[24];
    const char *d = ctx->cmd->district;
    if (cmd_object_id(ctx, &id) != 0)
        return cmd_fail(res, 404, "not_found", "没有这次协商");
    const char *q[2] = {d, db_num(ids, id)};
    PGresult *r = db_exec(tx_db(tx), s_reveal_sql, 2, q);
    if (!r)
        return cmd_db_fail(tx, res, "consult.reveal_contacts");
    int n = PQntuples(r), m = n == 1 && PQgetisnull(r, 0, R_ID) ? 0 : n, bad = 0;
    Lianxin__V1__ConsultationContact rows[CONSULT_PARTICIPANTS_MAX], *ptrs[CONSULT_PARTICIPANTS_MAX];
    char *bufs = n ? calloc((size_t) m + 1, CONTACT_BUF) : NULL;
    for (int i = 0; bufs && i < m && i < CONSULT_PARTICIPANTS_MAX; i++) {
        lianxin__v1__consultation_contact__init(&rows[i]);
        ptrs[i] = &rows[i];
        bad |= s_open(ctx->app, d, r, i, &rows[i], bufs + (size_t) i * CONTACT_BUF, CONTACT_BUF);
    }
    int rc;
    if (n == 0 || !bufs || bad) {
        rc = n == 0 ? cmd_fail(res, 404, "not_found", "没有这次协商")
                    : cmd_fail(res, 500, "internal", "联系人信息无法打开");
    } else {
        Lianxin__V1__RevealContacts audit = LIANXIN__V1__REVEAL_CONTACTS__INIT;
        Lianxin__V1__ConsultationContacts out = LIANXIN__V1__CONSULTATION_CONTACTS__INIT;
        out.contacts = ptrs;
        out.n_contacts = (size_t) (m < CONSULT_PARTICIPANTS_MAX ? m : CONSULT_PARTICIPANTS_MAX);
        rc = cmd_record(tx, ctx, res, NULL, &audit.base, "consultation.reveal_contacts",
                        "consultation", id);
        if (rc == 0)
            rc = cmd_ok(res, 200, &out.base);
    }
    if (bufs) {
        memset(bufs, 0, ((size_t) m + 1) * CONTACT_BUF);
        free(bufs);
    }
    PQclear(r);
    return rc;
}
