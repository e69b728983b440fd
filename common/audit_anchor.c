/* audit_anchor: signed checkpoints of each district's audit head (see
 * audit_anchor.h). The MAC input is a canonical, length-prefixed encoding:
 * never change it once checkpoints exist. Never logs or prints the key. */
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "audit_anchor.h"
#include "crypto.h"
#include "log.h"

#define ANCHOR_CHUNK 1000           /* checkpoints per keyset page */
#define ANCHOR_TAG "lianxin/audit-checkpoint/1"
#define ANCHOR_BEFORE_ALL "-62135596800000000"  /* 0001-01-01 in epoch microseconds */

/* ---- the MAC -------------------------------------------------------------- */

void
audit_anchor_mac(const uint8_t key[AUDIT_KEY_LEN], const char *district, int64_t seq,
                 const uint8_t hash[32], int64_t at_us, uint8_t out[32])
{
    uint8_t buf[5 * 4 + sizeof ANCHOR_TAG + 64 + 8 + 32 + 8];
    size_t dlen = district ? strnlen(district, 64) : 0;
    size_t n = audit_put(buf, ANCHOR_TAG, strlen(ANCHOR_TAG));
    n += audit_put(buf + n, district ? district : "", dlen);
    n += audit_put_i64(buf + n, seq);
    n += audit_put(buf + n, hash, 32);
    n += audit_put_i64(buf + n, at_us);
    if (crypto_hmac_sha256(key, AUDIT_KEY_LEN, buf, n, out) != 0)
        log_error("audit checkpoint mac failed", "");
}

int
audit_anchor_key(const config_t *cfg, uint8_t key[AUDIT_KEY_LEN])
{
    const char *hex = config_get(cfg, "audit.checkpoint_key", NULL);
    if (!hex || !*hex)
        return 0;
    if (crypto_key_from_hex(hex, key) != 0) {
        log_error("audit.checkpoint_key is not 64 hex digits", "");
        return -1;
    }
    return 1;
}

/* ---- checking ----------------------------------------------------------------- */

/* Checks row `i` of a page: (district, seq, hash, at_us, mac, trail hash).
 * 0 holds, 1 does not (report written). */
static int
s_check_one(PGresult *res, int i, const uint8_t *key, char *report, size_t reportsz)
{
    const char *district = PQgetvalue(res, i, 0);
    long long seq = strtoll(PQgetvalue(res, i, 1), NULL, 10);
    int64_t at_us = strtoll(PQgetvalue(res, i, 3), NULL, 10);
    uint8_t hash[32], mac[32], want[32], trail[32];
    const char *why = NULL;
    if (audit_unhex32(PQgetvalue(res, i, 2), hash) != 0 || audit_unhex32(PQgetvalue(res, i, 4), mac) != 0)
        why = "malformed checkpoint";
    if (!why && key) {
        audit_anchor_mac(key, district, seq, hash, at_us, want);
        if (!crypto_equal(mac, want, 32))
            why = "checkpoint signature invalid (forged or altered checkpoint)";
    }
    if (!why && PQgetisnull(res, i, 5))
        why = "checkpointed row missing: the trail was cut below a signed checkpoint";
    if (!why && (audit_unhex32(PQgetvalue(res, i, 5), trail) != 0 || memcmp(trail, hash, 32) != 0))
        why = "row hash differs from its signed checkpoint";
    if (!why)
        return 0;
    snprintf(report, reportsz, "district=%s seq=%lld: %s", district, seq, why);
    return 1;
}

int
audit_anchor_check(db_t *db, const char *district, const uint8_t *key, char *report,
                   size_t reportsz)
{
    static const char *sql =
        "SELECT c.district_code, c.seq, encode(c.hash, 'hex'),"
        " (extract(epoch FROM c.at) * 1000000)::bigint AS at_us, encode(c.mac, 'hex'),"
        " encode(t.hash, 'hex') FROM audit.checkpoints c LEFT JOIN audit.trail t"
        " ON t.district_code = c.district_code AND t.seq = c.seq"
        " WHERE (c.district_code, c.at)"
        "  > ($1, 'epoch'::timestamptz + $2::bigint * interval '1 microsecond')"
        " AND ($3::text IS NULL OR c.district_code = $3)"
        " ORDER BY c.district_code, c.at LIMIT $4";
    char after_d[64] = "", after_at[24] = ANCHOR_BEFORE_ALL, limit[16];
    snprintf(limit, sizeof limit, "%d", ANCHOR_CHUNK);
    for (;;) {
        const char *params[] = { after_d, after_at, district, limit };
        PGresult *res = db_exec(db, sql, 4, params);
        if (!res)
            return -1;
        int n = PQntuples(res), rc = 0;
        for (int i = 0; rc == 0 && i < n; i++)
            rc = s_check_one(res, i, key, report, reportsz);
        if (n > 0) {
            snprintf(after_d, sizeof after_d, "%s", PQgetvalue(res, n - 1, 0));
            snprintf(after_at, sizeof after_at, "%s", PQgetvalue(res, n - 1, 3));
        }
        PQclear(res);
        if (rc != 0 || n < ANCHOR_CHUNK)
            return rc;
    }
}

int
audit_anchor_fresh(db_t *db, const char *district, int64_t now_us, int64_t max_age_us,
                   char *report, size_t reportsz)
{
    char cutoff[24];
    snprintf(cutoff, sizeof cutoff, "%lld", (long long) (now_us - max_age_us));
    const char *params[] = { district, cutoff };
    PGresult *res = db_exec(db,
        "SELECT h.district_code FROM audit.heads h"
        " WHERE h.seq > 0 AND ($1::text IS NULL OR h.district_code = $1)"
        " AND NOT EXISTS (SELECT FROM audit.checkpoints c WHERE c.district_code = h.district_code"
        "  AND c.at >= 'epoch'::timestamptz + $2::bigint * interval '1 microsecond')"
        " AND (EXISTS (SELECT FROM audit.checkpoints c WHERE c.district_code = h.district_code)"
        "  OR EXISTS (SELECT FROM audit.trail f WHERE f.district_code = h.district_code"
        "   AND f.seq = 1 AND f.at_us < $2::bigint))"
        " ORDER BY 1 LIMIT 1", 2, params);
    if (!res)
        return -1;
    int rc = PQntuples(res) == 1;
    if (rc)
        snprintf(report, reportsz, "district=%s: no signed checkpoint in the last %lld s"
                 " (the checkpoint timer stopped, or checkpoints were removed)",
                 PQgetvalue(res, 0, 0), (long long) (max_age_us / 1000000));
    PQclear(res);
    return rc;
}

/* ---- writing ------------------------------------------------------------------- */

/* Inserts the checkpoint of one head (row `i` of `heads`). 1 written, 0
 * one of that instant already there, -1 error. */
static int
s_write_one(db_t *db, const uint8_t *key, PGresult *heads, int i, int64_t at_us, FILE *out)
{
    const char *district = PQgetvalue(heads, i, 0);
    const char *seq = PQgetvalue(heads, i, 1);
    uint8_t hash[32], mac[32];
    char mac_hex[65], at[24];
    if (audit_unhex32(PQgetvalue(heads, i, 2), hash) != 0)
        return -1;
    audit_anchor_mac(key, district, strtoll(seq, NULL, 10), hash, at_us, mac);
    crypto_hex(mac, 32, mac_hex);
    snprintf(at, sizeof at, "%lld", (long long) at_us);
    const char *p[] = { district, seq, PQgetvalue(heads, i, 2), at, mac_hex };
    PGresult *r = db_exec(db,
        "INSERT INTO audit.checkpoints (district_code, seq, hash, at, mac)"
        " VALUES ($1, $2::bigint, decode($3, 'hex'),"
        " 'epoch'::timestamptz + $4::bigint * interval '1 microsecond', decode($5, 'hex'))"
        " ON CONFLICT (district_code, at) DO NOTHING", 5, p);
    if (!r)
        return -1;
    int written = atoi(PQcmdTuples(r)) == 1;
    PQclear(r);
    if (written && out)
        fprintf(out, "checkpoint district=%s seq=%s hash=%s at_us=%s mac=%s\n", district, seq,
                PQgetvalue(heads, i, 2), at, mac_hex);
    return written;
}

int
audit_anchor_write(db_t *db, const uint8_t key[AUDIT_KEY_LEN], int64_t at_us, FILE *out)
{
    PGresult *heads = db_exec(db,
        "SELECT district_code, seq, encode(hash, 'hex') FROM audit.heads"
        " WHERE seq > 0 ORDER BY district_code", 0, NULL);
    if (!heads)
        return -1;
    int total = 0;
    for (int i = 0; i < PQntuples(heads); i++) {
        int rc = s_write_one(db, key, heads, i, at_us, out);
        if (rc < 0) {
            total = -1;
            break;
        }
        total += rc;
    }
    PQclear(heads);
    return total;
}
