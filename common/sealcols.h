/* sealcols: the one table of every sealed column of the platform, named once
 * so that the services that seal, lianxin-admin rekey and the tests that
 * check "every sealed column is re-sealed" share it. A sealed value is bound
 * to its record by its aad: "<district>/<kind>/<id>/<field>". Pure data. */
#ifndef LIANXIN_SEALCOLS_H
#define LIANXIN_SEALCOLS_H

#include <stddef.h>

/* Indexes into sealcols[]. */
enum {
    SEALCOL_VISIT_NAME, SEALCOL_VISIT_PHONE, SEALCOL_VISIT_LOCATION,
    SEALCOL_CONTACT_NAME, SEALCOL_CONTACT_PHONE, SEALCOL_CONTACT_EMAIL,
    SEALCOL_COUNT
};

typedef struct sealcol {
    const char *table;          /* "intake.visits"; its key is (district_code, id) */
    const char *column;         /* the bytea column: "visitor_name" */
    const char *kind;           /* the aad's record kind: "visit" */
    const char *field;          /* the aad's field: "name" */
    /* A column sealed from a clear one that predates the sealing (NULL when
     * none): rows where `when` holds, `column` is NULL and `clear` is not ''
     * are sealed from `clear`, which then keeps only `mask` of it. */
    const char *clear;
    const char *when;
    int (*mask)(const char *in, char *out, size_t outsz);
} sealcol_t;

extern const sealcol_t sealcols[SEALCOL_COUNT];

/* Writes the aad of column `col` for record (`district`, `id`) into `out`.
 * 0, or -1 when `out` is too small or an argument is missing. */
int sealcols_aad(int col, const char *district, const char *id, char *out, size_t outsz);

#endif
