/* contacts: the command notify.SetContact (payload and reply SetContact):
 * where a member, unit or partner is reached (notify.contacts: e-mail,
 * phone). The office (office, admin) sets anyone's of the district; a member
 * or a unit user sets their own (recipient_kind and recipient_id empty).
 * Checked (phone ^1[0-9]{10}$, an e-mail address), stored with its masked
 * forms (common/mask.h) which are all the gateway reads and the reply
 * carries, audited (notify.contact, the digest of the masked reply). Never
 * logged. */
#ifndef LIANXIN_NOTIFY_CONTACTS_H
#define LIANXIN_NOTIFY_CONTACTS_H

#include "cmd.h"

#define CONTACTS_EMAIL_MAX 254
#define CONTACTS_PARTNER_MAX 32

/* Pure: 1 when `email` is "" (cleared) or an address: 3..254 bytes, one
 * '@' with text before it, a domain with a '.' inside, printable ASCII
 * without blanks or <>()[],;:\" ; else 0. */
int contacts_email_ok(const char *email);

/* Pure: 1 when `phone` is "" (cleared) or matches ^1[0-9]{10}$; else 0. */
int contacts_phone_ok(const char *phone);

int contacts_set_validate(const cmd_ctx_t *ctx, cmd_result_t *res);
int contacts_set_execute(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res);

#endif
