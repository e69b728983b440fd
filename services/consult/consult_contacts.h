/* consult_contacts: a consultation's contacts, the participants who are no
 * users (experts, department heads, public representatives...): their name,
 * phone and e-mail are personal data, sealed under the process's key ring
 * (consult_app_t.ring) to the participant's id (common/sealcols.h
 * SEALCOL_CONTACT_*), stored with their masked forms, opened only by the
 * office's audited reveal (consult.RevealContacts). Never logs a value and
 * never puts one in an event. */
#ifndef LIANXIN_CONSULT_CONTACTS_H
#define LIANXIN_CONSULT_CONTACTS_H

#include "consult_int.h"
#include "contact.h"

/* A contact sealed for its row: bytea hex text for the sealed columns (NULL
 * when empty) and the masked forms. */
typedef struct consult_contact_sealed {
    char name_hex[2 * (CONSULT_NAME_MAX + SEAL_OVERHEAD_MAX) + 3];
    char phone_hex[2 * (CONTACT_PHONE_MAX + SEAL_OVERHEAD_MAX) + 3];
    char email_hex[2 * (CONTACT_EMAIL_MAX + SEAL_OVERHEAD_MAX) + 3];
    const char *name, *phone, *email;   /* into the buffers above, or NULL */
    char name_m[CONSULT_NAME_MAX + 1], phone_m[CONTACT_PHONE_MAX + 1];
    char email_m[CONTACT_EMAIL_MAX + 8];
} consult_contact_sealed_t;

/* Checks the phone and e-mail of participant `p` (role already checked): a
 * contact has one or both, well formed; a member or leader has neither
 * (their contact details are their user's). 0, or -1 with field errors. */
int consult_contacts_check(const Lianxin__V1__Participant *p, cmd_result_t *res);

/* Seals contact `p`'s name, phone and e-mail to participant `id` of
 * `district` into `out`, with their masked forms. 0, or -1 (the ring
 * failed; `out` is wiped). */
int consult_contacts_seal(const consult_app_t *app, const char *district, int64_t id,
                          const Lianxin__V1__Participant *p, consult_contact_sealed_t *out);

/* Wipes `s`. */
void consult_contacts_wipe(consult_contact_sealed_t *s);

/* consult.RevealContacts (office): the contacts of the path's consultation
 * in clear (ConsultationContacts), one audit row consultation.reveal_contacts.
 * 404 for no such consultation, 500 when a value does not open. */
int consult_contacts_reveal(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res);

#endif
