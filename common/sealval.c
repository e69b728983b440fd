/* sealval: see sealval.h. Every buffer that held a clear or sealed value is
 * wiped before it is released. */
#include "sealval.h"

#include <stdio.h>
#include <string.h>

int sealval_seal(const seal_ring_t *ring, int col, const char *district, int64_t id,
                 const char *pt, uint8_t *out, size_t outsz, size_t *out_len)
{
    char aad[128], ids[24];
    snprintf(ids, sizeof ids, "%lld", (long long) id);
    if (!ring || !pt || sealcols_aad(col, district, ids, aad, sizeof aad) != 0)
        return -1;
    return seal_value(ring, aad, pt, strlen(pt), out, outsz, out_len);
}

const char *sealval_hex(const seal_ring_t *ring, int col, const char *district, int64_t id,
                        const char *pt, char *hex, size_t hexsz, int *failed)
{
    uint8_t sealed[SEALVAL_MAX + SEAL_OVERHEAD_MAX];
    size_t len = pt ? strlen(pt) : 0, slen = 0;
    if (len == 0)
        return NULL;
    if (len + SEAL_OVERHEAD_MAX > sizeof sealed || 2 * (len + SEAL_OVERHEAD_MAX) + 3 > hexsz
        || sealval_seal(ring, col, district, id, pt, sealed, sizeof sealed, &slen) != 0) {
        *failed = 1;
        return NULL;
    }
    hex[0] = '\\';
    hex[1] = 'x';
    crypto_hex(sealed, slen, hex + 2);
    memset(sealed, 0, sizeof sealed);
    return hex;
}

int sealval_open(const seal_ring_t *ring, const PGresult *r, int row, int field, int col,
                 const char *district, const char *id, char *out, size_t outsz)
{
    char aad[128];
    size_t blen = 0, plen = 0;
    out[0] = '\0';
    if (PQgetisnull(r, row, field))
        return 0;
    if (!ring || sealcols_aad(col, district, id, aad, sizeof aad) != 0)
        return -1;
    unsigned char *bin = PQunescapeBytea((const unsigned char *) PQgetvalue(r, row, field), &blen);
    uint8_t buf[SEALVAL_MAX + SEAL_OVERHEAD_MAX];
    int rc = bin && blen <= sizeof buf
                 ? seal_open(ring, aad, bin, blen, buf, sizeof buf, &plen) : -1;
    if (bin) {
        memset(bin, 0, blen);
        PQfreemem(bin);
    }
    if (rc == 0 && plen < outsz) {
        memcpy(out, buf, plen);
        out[plen] = '\0';
    }
    memset(buf, 0, sizeof buf);
    return rc == 0 && plen < outsz ? 0 : -1;
}
