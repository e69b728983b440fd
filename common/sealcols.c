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
};

int sealcols_aad(int col, const char *district, const char *id, char *out, size_t outsz)
{
    if (col < 0 || col >= SEALCOL_COUNT || !district || !id || !out)
        return -1;
    int n = snprintf(out, outsz, "%s/%s/%s/%s", district, sealcols[col].kind, id,
                     sealcols[col].field);
    return n < 0 || (size_t) n >= outsz ? -1 : 0;
}
