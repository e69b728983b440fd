/* audit_anchor: the signed checkpoints of audit.trail (audit.checkpoints,
 * deploy/sql/010). A checkpoint records a district's head (seq, hash) at a
 * time, with an HMAC-SHA256 under audit.checkpoint_key, a key only the
 * auditor holds: a trail cut below a checkpoint, or a checkpoint forged or
 * edited without the key, fails audit_verify. Never logs the key. */
#ifndef LIANXIN_AUDIT_ANCHOR_H
#define LIANXIN_AUDIT_ANCHOR_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "config.h"
#include "db.h"

#define AUDIT_KEY_LEN 32

/* The checkpoint's MAC: HMAC-SHA256 under `key` over the length-prefixed
 * fields "lianxin/audit-checkpoint/1", district, seq, hash (32), at_us (the
 * encoding of audit_row_hash). Never change it once checkpoints exist. */
void audit_anchor_mac(const uint8_t key[AUDIT_KEY_LEN], const char *district, int64_t seq,
                      const uint8_t hash[32], int64_t at_us, uint8_t out[32]);

/* Reads audit.checkpoint_key (64 hex digits) through config into `key`:
 * 1 found, 0 not set, -1 set but malformed (logged, never printed). */
int audit_anchor_key(const config_t *cfg, uint8_t key[AUDIT_KEY_LEN]);

/* Checks the checkpoints of `district` (NULL: all) against the trail, inside
 * the caller's transaction: each names a row of audit.trail with exactly its
 * hash, and (when `key` is not NULL) carries a valid MAC. 0 all hold, 1 one
 * does not (`report` says which and why), -1 database error. */
int audit_anchor_check(db_t *db, const char *district, const uint8_t *key, char *report,
                       size_t reportsz);

/* Checks, inside the caller's transaction, that every district of
 * `district` (NULL: all) with an audit head has a checkpoint at most
 * `max_age_us` older than `now_us` (real time), once it has any checkpoint
 * or its first row is older than that: checkpoints are written at every
 * run, so a missing recent one means the timer stopped or someone removed
 * checkpoints (and maybe the rows after them). 0 fresh, 1 not (report
 * written), -1 database error. */
int audit_anchor_fresh(db_t *db, const char *district, int64_t now_us, int64_t max_age_us,
                       char *report, size_t reportsz);

/* Writes a checkpoint of each district's head, whether or not it moved
 * (each run is a signed heartbeat: audit_anchor_fresh), at real time
 * `at_us`, inside the caller's transaction (which must have checked the
 * chain in the same snapshot). Prints one line per checkpoint to `out` (may
 * be NULL): the journal keeps a copy outside the database. Returns the
 * number written, or -1 on a database error. */
int audit_anchor_write(db_t *db, const uint8_t key[AUDIT_KEY_LEN], int64_t at_us, FILE *out);

#endif
