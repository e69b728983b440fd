/* audit: the chain rule of audit.trail and its verifier (see audit.h).
 * The hash input is a canonical, length-prefixed encoding: never change it
 * once rows exist, or every chain already written stops verifying. The
 * verifier takes the row's at_us from its `at` column (writers store `at`
 * as exactly at_us microseconds past the epoch), so `at` is in the hash. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "audit_anchor.h"
#include "crypto.h"
#include "log.h"

#define AUDIT_CHUNK 1000            /* rows per keyset page in audit_verify */
#define AUDIT_STACK_BUF 1024

/* ---- the chain rule ----------------------------------------------------- */

size_t
audit_put(uint8_t *p, const void *data, size_t len)
{
    p[0] = (uint8_t) (len >> 24);
    p[1] = (uint8_t) (len >> 16);
    p[2] = (uint8_t) (len >> 8);
    p[3] = (uint8_t) len;
    if (len)
        memcpy(p + 4, data, len);
    return 4 + len;
}

static size_t
s_put_str(uint8_t *p, const char *s)
{
    return audit_put(p, s ? s : "", s ? strlen(s) : 0);
}

size_t
audit_put_i64(uint8_t *p, int64_t v)
{
    uint8_t be[8];
    uint64_t u = (uint64_t) v;
    for (int i = 7; i >= 0; i--, u >>= 8)
        be[i] = (uint8_t) u;
    return audit_put(p, be, 8);
}

/* The hash input is ten fields, each a 4-byte big-endian length followed by
 * its bytes: prev_hash (32), district, seq, at_us, actor_user_id (integers
 * as 8-byte big-endian two's complement), actor_role, action, object_type,
 * object_id, digest (32). A NULL string is the empty string. */
void
audit_row_hash(const uint8_t prev_hash[32], const audit_row_t *row, uint8_t out[32])
{
    const char *strs[] = { row->district, row->actor_role, row->action,
                           row->object_type, row->object_id };
    size_t total = 10 * 4 + 32 + 3 * 8 + 32;
    for (size_t i = 0; i < sizeof strs / sizeof *strs; i++)
        total += strs[i] ? strlen(strs[i]) : 0;
    uint8_t stack[AUDIT_STACK_BUF];
    uint8_t *buf = total <= sizeof stack ? stack : malloc(total);
    if (!buf) {
        memset(out, 0, 32);         /* fails verification loudly, never silently */
        log_error("audit hash out of memory", "");
        return;
    }
    size_t n = audit_put(buf, prev_hash, 32);
    n += s_put_str(buf + n, row->district);
    n += audit_put_i64(buf + n, row->seq);
    n += audit_put_i64(buf + n, row->at_us);
    n += audit_put_i64(buf + n, row->actor_user_id);
    n += s_put_str(buf + n, row->actor_role);
    n += s_put_str(buf + n, row->action);
    n += s_put_str(buf + n, row->object_type);
    n += s_put_str(buf + n, row->object_id);
    n += audit_put(buf + n, row->digest, 32);
    crypto_sha256(buf, n, out);
    if (buf != stack)
        free(buf);
}

/* ---- the verifier ------------------------------------------------------- */

typedef struct {
    char district[64];              /* the district being walked, "" before the first */
    int64_t seq;                    /* the last seq seen in it */
    uint8_t hash[32];               /* the last row's hash */
    char *report;
    size_t reportsz;
} s_walk_t;

int
audit_unhex32(const char *hex, uint8_t out[32])
{
    if (strlen(hex) != 64)
        return -1;
    for (int i = 0; i < 32; i++) {
        unsigned v;
        if (sscanf(hex + 2 * i, "%2x", &v) != 1)
            return -1;
        out[i] = (uint8_t) v;
    }
    return 0;
}

static int
s_broken(s_walk_t *w, const char *district, long long seq, const char *why)
{
    snprintf(w->report, w->reportsz, "district=%s seq=%lld: %s", district, seq, why);
    return 1;
}

/* Checks row `i` of a page against the walk. 0 intact, 1 broken. */
static int
s_check_row(s_walk_t *w, PGresult *res, int i)
{
    const char *district = PQgetvalue(res, i, 0);
    audit_row_t row = {
        .district = district,
        .seq = strtoll(PQgetvalue(res, i, 1), NULL, 10),
        .at_us = strtoll(PQgetvalue(res, i, 2), NULL, 10),   /* from `at` */
        .actor_user_id = strtoll(PQgetvalue(res, i, 3), NULL, 10),
        .actor_role = PQgetvalue(res, i, 4),
        .action = PQgetvalue(res, i, 5),
        .object_type = PQgetvalue(res, i, 6),
        .object_id = PQgetvalue(res, i, 7),
    };
    if (strcmp(district, w->district) != 0) {
        snprintf(w->district, sizeof w->district, "%s", district);
        w->seq = 0;
        memset(w->hash, 0, sizeof w->hash);
    }
    uint8_t prev[32], stored[32], computed[32];
    if (audit_unhex32(PQgetvalue(res, i, 8), row.digest) != 0
        || audit_unhex32(PQgetvalue(res, i, 9), prev) != 0
        || audit_unhex32(PQgetvalue(res, i, 10), stored) != 0)
        return s_broken(w, district, (long long) row.seq, "malformed hash column");
    if (row.seq != w->seq + 1)
        return s_broken(w, district, (long long) row.seq, "seq not continuous");
    if (memcmp(prev, w->hash, 32) != 0)
        return s_broken(w, district, (long long) row.seq, "prev_hash mismatch");
    audit_row_hash(prev, &row, computed);
    if (memcmp(computed, stored, 32) != 0)
        return s_broken(w, district, (long long) row.seq, "hash mismatch");
    if (strtoll(PQgetvalue(res, i, 11), NULL, 10) != row.at_us)
        return s_broken(w, district, (long long) row.seq, "at_us differs from at");
    w->seq = row.seq;
    memcpy(w->hash, stored, 32);
    return 0;
}

/* Walks the trail page by page (keyset on the primary key). */
static int
s_walk_rows(db_t *db, const char *district, s_walk_t *w)
{
    static const char *sql =
        "SELECT district_code, seq, (extract(epoch FROM at) * 1000000)::bigint,"
        " actor_user_id, actor_role, action, object_type, object_id, encode(digest, 'hex'),"
        " encode(prev_hash, 'hex'), encode(hash, 'hex'), at_us FROM audit.trail"
        " WHERE (district_code, seq) > ($1, $2::bigint)"
        " AND ($3::text IS NULL OR district_code = $3)"
        " ORDER BY district_code, seq LIMIT $4";
    char after_d[64] = "", after_s[24] = "0", limit[16];
    snprintf(limit, sizeof limit, "%d", AUDIT_CHUNK);
    for (;;) {
        const char *params[] = { after_d, after_s, district, limit };
        PGresult *res = db_exec(db, sql, 4, params);
        if (!res)
            return -1;
        int n = PQntuples(res);
        for (int i = 0; i < n; i++) {
            if (s_check_row(w, res, i) != 0) {
                PQclear(res);
                return 1;
            }
        }
        if (n > 0) {
            snprintf(after_d, sizeof after_d, "%s", PQgetvalue(res, n - 1, 0));
            snprintf(after_s, sizeof after_s, "%s", PQgetvalue(res, n - 1, 1));
        }
        PQclear(res);
        if (n < AUDIT_CHUNK)
            return 0;
    }
}

/* Each district's head must name its last row: this catches removed
 * trailing rows, which the chain alone cannot see. */
static int
s_check_heads(db_t *db, const char *district, s_walk_t *w)
{
    static const char *sql =
        "WITH last AS (SELECT DISTINCT ON (district_code) district_code, seq, hash"
        "  FROM audit.trail WHERE ($1::text IS NULL OR district_code = $1)"
        "  ORDER BY district_code, seq DESC),"
        " head AS (SELECT district_code, seq, hash FROM audit.heads"
        "  WHERE ($1::text IS NULL OR district_code = $1))"
        " SELECT coalesce(h.district_code, l.district_code), coalesce(h.seq, 0)"
        " FROM head h FULL JOIN last l ON l.district_code = h.district_code"
        " WHERE h.seq IS DISTINCT FROM l.seq OR h.hash IS DISTINCT FROM l.hash"
        " ORDER BY 1 LIMIT 1";
    const char *params[] = { district };
    PGresult *res = db_exec(db, sql, 1, params);
    if (!res)
        return -1;
    int rc = 0;
    if (PQntuples(res) == 1)
        rc = s_broken(w, PQgetvalue(res, 0, 0), strtoll(PQgetvalue(res, 0, 1), NULL, 10),
                      "head does not match the last row");
    PQclear(res);
    return rc;
}

/* The checks of audit_verify, inside the caller's transaction. */
static int
s_verify(db_t *db, const char *district, const audit_verify_opts_t *o, s_walk_t *w)
{
    int rc = s_walk_rows(db, district, w);
    if (rc == 0)
        rc = s_check_heads(db, district, w);
    if (rc == 0)
        rc = audit_anchor_check(db, district, o ? o->key : NULL, w->report, w->reportsz);
    if (rc == 0 && o && o->max_age_us > 0)
        rc = audit_anchor_fresh(db, district, o->now_us, o->max_age_us, w->report, w->reportsz);
    if (rc < 0)
        snprintf(w->report, w->reportsz, "database error: %s", db_error(db));
    return rc;
}

/* Opens the one snapshot of a verification. 0, or -1 (report written). */
static int
s_begin(db_t *db, const char *begin, s_walk_t *w)
{
    if (!db || db_connect(db) != 0 || db_run(db, begin, 0, NULL) != 0) {
        snprintf(w->report, w->reportsz, "database error: %s", db ? db_error(db) : "no handle");
        return -1;
    }
    return 0;
}

/* audit_verify inside the caller's open transaction (the gateway's POST
 * /v1/audit/verify records its run in the same one): never BEGIN or
 * ROLLBACK it, and keep a failed statement from aborting it. Each check is
 * one statement comparing rows of one snapshot, and writers only append, so
 * the caller's isolation level does not make an intact trail look broken. */
static int
s_verify_nested(db_t *db, const char *district, const audit_verify_opts_t *opts, s_walk_t *w)
{
    if (db_run(db, "SAVEPOINT audit_verify", 0, NULL) != 0) {
        snprintf(w->report, w->reportsz, "database error: %s", db_error(db));
        return -1;
    }
    int rc = s_verify(db, district, opts, w);
    if (rc < 0)
        db_run(db, "ROLLBACK TO SAVEPOINT audit_verify", 0, NULL);
    db_run(db, "RELEASE SAVEPOINT audit_verify", 0, NULL);
    return rc;
}

int
audit_verify(db_t *db, const char *district, const audit_verify_opts_t *opts, char *report,
             size_t reportsz)
{
    char scratch[1];
    s_walk_t w = { .report = report && reportsz ? report : scratch,
                   .reportsz = report && reportsz ? reportsz : sizeof scratch };
    w.report[0] = '\0';
    if (db && db_conn(db) && PQtransactionStatus(db_conn(db)) == PQTRANS_INTRANS)
        return s_verify_nested(db, district, opts, &w);
    /* One snapshot for the walk, the heads and the checkpoints: concurrent
     * writers only append, and they must not make a consistent trail look
     * broken. */
    if (s_begin(db, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", &w) != 0)
        return -1;
    int rc = s_verify(db, district, opts, &w);
    db_run(db, "ROLLBACK", 0, NULL);
    return rc;
}

int
audit_checkpoint(db_t *db, const uint8_t *key, int64_t at_us, FILE *out, char *report,
                 size_t reportsz)
{
    char scratch[1];
    s_walk_t w = { .report = report && reportsz ? report : scratch,
                   .reportsz = report && reportsz ? reportsz : sizeof scratch };
    w.report[0] = '\0';
    if (!key || s_begin(db, "BEGIN ISOLATION LEVEL REPEATABLE READ", &w) != 0)
        return -1;
    audit_verify_opts_t opts = { .key = key };
    int rc = s_verify(db, NULL, &opts, &w);
    if (rc == 0)
        rc = audit_anchor_write(db, key, at_us, out);
    else if (rc > 0)
        rc = -2;
    if (rc >= 0 && db_run(db, "COMMIT", 0, NULL) == 0)
        return rc;
    if (rc == -1)
        snprintf(w.report, w.reportsz, "database error: %s", db_error(db));
    db_run(db, "ROLLBACK", 0, NULL);
    return rc >= 0 ? -1 : rc;
}
