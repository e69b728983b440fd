/* visit_seal: the one place intake seals and opens a visit's personal data
 * (the visitor's name and phone, a home visit's location) with the process's
 * key ring (intake_app()->ring, common/seal.h), bound to the record by the
 * aads of common/sealcols.h. Worker thread; never logs a value. */
#ifndef LIANXIN_VISIT_SEAL_H
#define LIANXIN_VISIT_SEAL_H

#include <stddef.h>
#include <stdint.h>
#include <libpq-fe.h>
#include "seal.h"
#include "sealcols.h"

/* Seals `pt` for column `col` (SEALCOL_VISIT_*) of visit (`district`, `id`)
 * into `out` (`outsz` bytes; strlen(pt) + SEAL_OVERHEAD_MAX is enough).
 * 0, or -1 (nothing usable in `out`). */
int visit_seal(int col, const char *district, int64_t id, const char *pt, uint8_t *out,
               size_t outsz, size_t *out_len);

/* The same as bytea hex text ("\x..."), for a text parameter; NULL for an
 * empty `pt` (the column is then NULL) or on failure (*failed set). */
const char *visit_seal_hex(int col, const char *district, int64_t id, const char *pt,
                           char *hex, size_t hexsz, int *failed);

/* Opens column `col` (SEALCOL_VISIT_*) of visit (`district`, `id`) from
 * field `field` of row `row` of `r` (bytea as text) into `out` as a C
 * string; a NULL field gives "". 0, or -1 when it does not open or does
 * not fit (`out` then ""). */
int visit_seal_open(const PGresult *r, int row, int field, int col, const char *district,
                    const char *id, char *out, size_t outsz);

/* 1 when a visit of kind `kind` ("home_visit", "reception") has its
 * location sealed. */
int visit_seal_location_kind(const char *kind);

#endif
