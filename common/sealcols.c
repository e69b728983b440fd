/* sealcols: the table of sealed columns (see sealcols.h). Adding a sealed
 * column means a row here; rekey then re-seals it and test_keys checks it. */
#include "sealcols.h"

#include <stdio.h>
#include "mask.h"

const sealcol_t sealcols[SEALCOL_COUNT] = {
    [SEALCOL_VISIT_NAME] = {"intake.visits", "visitor_name", "visit", "name", NULL, NULL, NULL},
    [SEALCOL_VISIT_PHONE] = {"intake.visits", "visitor_phone", "visit", "phone", NULL, NULL,
                             NULL},
    [SEALCOL_VISIT_LOCATION] = {"intake.visits", "location_sealed", "visit", "location",
                                "location", "kind = 'home_visit'", mask_location},
    /* a consultation's contact (a participant who is no user), migration 042 */
    [SEALCOL_CONTACT_NAME] = {"consult.participants", "name_sealed", "participant", "name",
                              "name", "member_id IS NULL AND leader_user_id IS NULL",
                              mask_name},
    [SEALCOL_CONTACT_PHONE] = {"consult.participants", "phone_sealed", "participant", "phone",
                               NULL, NULL, NULL},
    [SEALCOL_CONTACT_EMAIL] = {"consult.participants", "email_sealed", "participant", "email",
                               NULL, NULL, NULL},
};

int sealcols_aad(int col, const char *district, const char *id, char *out, size_t outsz)
{
    if (col < 0 || col >= SEALCOL_COUNT || !district || !id || !out)
        return -1;
    int n = snprintf(out, outsz, "%s/%s/%s/%s", district, sealcols[col].kind, id,
                     sealcols[col].field);
    return n < 0 || (size_t) n >= outsz ? -1 : 0;
}
