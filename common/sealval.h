/* sealval: one value of a sealed column (common/sealcols.h) sealed or opened
 * with a key ring (common/seal.h) in a service's statements: sealed into
 * bytea hex text for a parameter, opened from a PGresult's bytea field. The
 * one place every service seals and opens a row's personal data. Never
 * logs a value; wipes every buffer that held one. */
#ifndef LIANXIN_SEALVAL_H
#define LIANXIN_SEALVAL_H

#include <stddef.h>
#include <stdint.h>
#include <libpq-fe.h>
#include "seal.h"
#include "sealcols.h"

/* The largest clear value sealval seals or opens, in bytes. */
#define SEALVAL_MAX 4096

/* Seals `pt` for column `col` of record (`district`, `id`) into `out`
 * (`outsz` bytes; strlen(pt) + SEAL_OVERHEAD_MAX is enough). 0, or -1
 * (nothing usable in `out`). */
int sealval_seal(const seal_ring_t *ring, int col, const char *district, int64_t id,
                 const char *pt, uint8_t *out, size_t outsz, size_t *out_len);

/* The same as bytea hex text ("\x...") in `hex`, for a text parameter; NULL
 * for a NULL or empty `pt` (the column is then NULL) or on failure
 * (*failed set to 1). `hexsz`: 2 * (strlen(pt) + SEAL_OVERHEAD_MAX) + 3. */
const char *sealval_hex(const seal_ring_t *ring, int col, const char *district, int64_t id,
                        const char *pt, char *hex, size_t hexsz, int *failed);

/* Opens column `col` of record (`district`, `id`) from field `field` of row
 * `row` of `r` (bytea as text) into `out` as a C string; a NULL field gives
 * "". 0, or -1 when it does not open or does not fit (`out` then ""). */
int sealval_open(const seal_ring_t *ring, const PGresult *r, int row, int field, int col,
                 const char *district, const char *id, char *out, size_t outsz);

#endif
