/* audit: the append-only, hash-chained audit trail. Rows are written by tx.h;
 * this module holds the chain rule and the verifier. Each row's hash covers
 * the previous row's hash of the same district, so any changed, removed or
 * inserted row breaks the chain from that row on. */
#ifndef LIANXIN_AUDIT_H
#define LIANXIN_AUDIT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
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

/* The canonical encoding of the chain and of the checkpoints
 * (audit_anchor.h): a 4-byte big-endian length, then the bytes. Writes
 * 4 + len bytes at `p` (an integer: its 8 bytes big-endian two's
 * complement) and returns how many. */
size_t audit_put(uint8_t *p, const void *data, size_t len);
size_t audit_put_i64(uint8_t *p, int64_t v);

/* Parses 64 hex digits into 32 bytes. 0, or -1 when malformed. */
int audit_unhex32(const char *hex, uint8_t out[32]);

/* The row's hash: SHA-256 over prev_hash and every field of the row, each
 * length-prefixed so that no two rows serialize alike. The first row of a
 * district chains onto 32 zero bytes. */
void audit_row_hash(const uint8_t prev_hash[32], const audit_row_t *row, uint8_t out[32]);

/* What audit_verify checks beyond the chain, the heads and the checkpoints'
 * seqs and hashes. */
typedef struct audit_verify_opts {
    const uint8_t *key;         /* AUDIT_KEY_LEN bytes: check the checkpoints' MACs; NULL: not */
    int64_t max_age_us;         /* > 0: each district's newest checkpoint at most this old */
    int64_t now_us;             /* the real time max_age_us counts back from */
} audit_verify_opts_t;

/* Walks audit.trail of `district` (NULL: every district) in seq order and
 * recomputes the chain, the hash input taking at_us from the `at` column (so
 * `at` is covered) and the at_us column required to agree; checks that each
 * head names its district's last row, and that every signed checkpoint
 * (audit_anchor.h) names a row with its hash: a trail cut and its head
 * rewound fail there. `opts` (NULL: none) adds the checkpoints' MACs and
 * their freshness. One REPEATABLE READ snapshot for all, or, when `db` is
 * already in a transaction, that transaction under a savepoint (never
 * ended here). Returns 0 when intact, 1 when broken
 * (and writes into `report` the district and seq of the first broken row and
 * why), -1 on a database error. */
int audit_verify(db_t *db, const char *district, const audit_verify_opts_t *opts, char *report,
                 size_t reportsz);

/* audit_verify of every district, then, when intact and in the same
 * snapshot, a signed checkpoint of each head that has none yet
 * (audit_anchor_write, at real time `at_us`; lines to `out`). Run as
 * lianxin_auditor, the only role that may INSERT into audit.checkpoints.
 * Returns the number of checkpoints written, -2 when the chain is broken
 * (`report` says where: nothing is anchored), -1 on a database error. */
int audit_checkpoint(db_t *db, const uint8_t *key, int64_t at_us, FILE *out, char *report,
                     size_t reportsz);

#endif
