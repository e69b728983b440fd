/* visit_seal: see visit_seal.h; the sealing itself is common/sealval.c
 * with intake's ring. */
#include <string.h>
#include "intake_app.h"
#include "sealval.h"
#include "visit_seal.h"

int visit_seal(int col, const char *district, int64_t id, const char *pt, uint8_t *out,
               size_t outsz, size_t *out_len)
{
    const intake_app_t *app = intake_app();
    return sealval_seal(app ? app->ring : NULL, col, district, id, pt, out, outsz, out_len);
}

const char *visit_seal_hex(int col, const char *district, int64_t id, const char *pt,
                           char *hex, size_t hexsz, int *failed)
{
    const intake_app_t *app = intake_app();
    return sealval_hex(app ? app->ring : NULL, col, district, id, pt, hex, hexsz, failed);
}

int visit_seal_open(const PGresult *r, int row, int field, int col, const char *district,
                    const char *id, char *out, size_t outsz)
{
    const intake_app_t *app = intake_app();
    return sealval_open(app ? app->ring : NULL, r, row, field, col, district, id, out, outsz);
}

int visit_seal_location_kind(const char *kind)
{
    return kind && strcmp(kind, "home_visit") == 0;
}
