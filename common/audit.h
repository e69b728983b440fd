/* audit: the append-only, hash-chained audit trail. Rows are written by tx.h;
 * this module holds the chain rule and the verifier. Each row's hash covers
 * the previous row's hash of the same district, so any changed, removed or
 * inserted row breaks the chain from that row on. */
#ifndef LIANXIN_AUDIT_H
#define LIANXIN_AUDIT_H

#include <stddef.h>
#include <stdint.h>
#include "db.h"

typedef struct audit_row {
    const char *district;
    int64_t seq;                    /* 1, 2, ... per district */
    int64_t at_us;                  /* microseconds since the epoch */
    int64_t actor_user_id;
    const char *actor_role;
    const char *action;             /* "visit.record" */
    const char *object_type;        /* "visit" */
    const char *object_id;          /* "17" */
    uint8_t digest[32];             /* SHA-256 of the new state */
} audit_row_t;

/* The row's hash: SHA-256 over prev_hash and every field of the row, each
 * length-prefixed so that no two rows serialize alike. The first row of a
 * district chains onto 32 zero bytes. */
void audit_row_hash(const uint8_t prev_hash[32], const audit_row_t *row, uint8_t out[32]);

/* Walks audit.trail of `district` (NULL: every district) in seq order and
 * recomputes the chain. Returns 0 when intact, 1 when broken (and writes into
 * `report` the district and seq of the first broken row and why), -1 on a
 * database error. */
int audit_verify(db_t *db, const char *district, char *report, size_t reportsz);

#endif
