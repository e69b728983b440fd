/* rekey: `lianxin-admin rekey` re-seals every sealed column of
 * common/sealcols.c under the ring's current key and suite, and first seals
 * the clear values that predate a column's sealing (a home visit's location
 * before migration 021). Safe while the services run: batches of rows in
 * short transactions, each row locked (FOR UPDATE) only for its batch, so a
 * service's edit of the row waits a moment or is waited for. Resumable: a
 * value is due when its header is not the current one, so a rerun skips
 * what is done. Prints progress (counts only), never a value or a key. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "admin.h"
#include "log.h"
#include "seal.h"
#include "sealcols.h"

#define REKEY_BATCH_DEFAULT 500
#define REKEY_BATCH_MAX 10000
#define REKEY_VALUE_MAX 65536
#define SQL_MAX 1024

typedef struct run {
    db_t *db;
    const seal_ring_t *ring;
    int batch;
    long max_batches;               /* 0: no limit */
    long batches;
    long failed;                    /* values no key of the ring opens */
    int quiet;                      /* say nothing of columns with nothing due */
} run_t;

/* The rows of one batch, for `UPDATE ... FROM unnest(...)`. */
typedef struct rows {
    db_array_t district, id, sealed, masked;
    size_t n;
} rows_t;

/* ---- statements ----------------------------------------------------------------- */

/* The due rows after (district, id) $1/$2, $3 of them, locked. Re-seal:
 * sealed values whose first bytes are not $4 (the current header). Seal
 * clear: the clear values of the column's condition with nothing sealed. */
static void s_sql_select(const sealcol_t *c, int clear, char *out, size_t outsz)
{
    if (clear)
        snprintf(out, outsz, "SELECT district_code, id, %s FROM %s"
                 " WHERE (district_code, id) > ($1, $2::bigint) AND %s AND %s IS NULL"
                 " AND %s <> '' AND $4::bytea IS NOT NULL"
                 " ORDER BY district_code, id LIMIT $3::int FOR UPDATE",
                 c->clear, c->table, c->when, c->column, c->clear);
    else
        snprintf(out, outsz, "SELECT district_code, id, %s FROM %s"
                 " WHERE (district_code, id) > ($1, $2::bigint) AND %s IS NOT NULL"
                 " AND substring(%s FROM 1 FOR 5) <> $4::bytea"
                 " ORDER BY district_code, id LIMIT $3::int FOR UPDATE",
                 c->column, c->table, c->column, c->column);
}

static void s_sql_count(const sealcol_t *c, int clear, char *out, size_t outsz)
{
    if (clear)
        snprintf(out, outsz, "SELECT count(*) FROM %s WHERE %s AND %s IS NULL AND %s <> ''"
                 " AND $1::bytea IS NOT NULL", c->table, c->when, c->column, c->clear);
    else
        snprintf(out, outsz, "SELECT count(*) FROM %s WHERE %s IS NOT NULL"
                 " AND substring(%s FROM 1 FOR 5) <> $1::bytea", c->table, c->column, c->column);
}

static void s_sql_update(const sealcol_t *c, int clear, char *out, size_t outsz)
{
    if (clear)
        snprintf(out, outsz, "UPDATE %s t SET %s = u.s, %s = u.m FROM unnest($1::text[],"
                 " $2::bigint[], $3::bytea[], $4::text[]) AS u(d, i, s, m)"
                 " WHERE t.district_code = u.d AND t.id = u.i", c->table, c->column, c->clear);
    else
        snprintf(out, outsz, "UPDATE %s t SET %s = u.s FROM unnest($1::text[],"
                 " $2::bigint[], $3::bytea[], $4::text[]) AS u(d, i, s, m)"
                 " WHERE t.district_code = u.d AND t.id = u.i", c->table, c->column);
}

/* ---- one row ------------------------------------------------------------------------ */

/* The clear text of row `i` (a clear column, or a sealed one opened) into
 * `pt`. 0, or -1 when it does not open with any key of the ring. */
static int s_clear(const run_t *run, int clear, PGresult *r, int i, const char *aad, uint8_t *pt,
                   size_t ptsz, size_t *len)
{
    if (clear) {
        *len = (size_t) PQgetlength(r, i, 2);
        if (*len >= ptsz)
            return -1;
        memcpy(pt, PQgetvalue(r, i, 2), *len);
        return 0;
    }
    size_t blen = 0;
    unsigned char *bin = PQunescapeBytea((const unsigned char *) PQgetvalue(r, i, 2), &blen);
    int rc = bin && blen <= ptsz ? seal_open(run->ring, aad, bin, blen, pt, ptsz, len) : -1;
    if (bin) {
        memset(bin, 0, blen);
        PQfreemem(bin);
    }
    return rc;
}

/* Re-seals (or seals) row `i` into `rows`. 0, or -1 when it does not open.
 * The buffers are static: lianxin-admin has one thread, and they are wiped. */
static int s_row(run_t *run, const sealcol_t *c, int col, int clear, PGresult *r, int i,
                 rows_t *rows)
{
    static uint8_t pt[REKEY_VALUE_MAX], out[REKEY_VALUE_MAX + SEAL_OVERHEAD_MAX];
    char aad[256], masked[256] = "";
    size_t len = 0, olen = 0;
    const char *d = PQgetvalue(r, i, 0), *id = PQgetvalue(r, i, 1);
    int rc = sealcols_aad(col, d, id, aad, sizeof aad);
    rc = rc ? rc : s_clear(run, clear, r, i, aad, pt, sizeof pt - 1, &len);
    if (rc == 0 && clear) {
        pt[len] = '\0';
        rc = c->mask((const char *) pt, masked, sizeof masked);
    }
    rc = rc ? rc : seal_value(run->ring, aad, pt, len, out, sizeof out, &olen);
    if (rc == 0) {
        db_array_text(&rows->district, d);
        db_array_int8(&rows->id, strtoll(id, NULL, 10));
        db_array_bytes(&rows->sealed, out, olen);
        db_array_text(&rows->masked, masked);
        rows->n++;
    }
    memset(pt, 0, len);
    memset(out, 0, olen);
    return rc;
}

/* ---- one batch ---------------------------------------------------------------------- */

static void s_rows_begin(rows_t *rows)
{
    memset(rows, 0, sizeof *rows);
    db_array_begin(&rows->district, DB_OID_TEXT);
    db_array_begin(&rows->id, DB_OID_INT8);
    db_array_begin(&rows->sealed, DB_OID_BYTEA);
    db_array_begin(&rows->masked, DB_OID_TEXT);
}

static void s_rows_free(rows_t *rows)
{
    if (rows->sealed.buf)
        memset(rows->sealed.buf, 0, rows->sealed.len);
    if (rows->masked.buf)
        memset(rows->masked.buf, 0, rows->masked.len);
    db_array_free(&rows->district);
    db_array_free(&rows->id);
    db_array_free(&rows->sealed);
    db_array_free(&rows->masked);
}

static int s_update(run_t *run, const sealcol_t *c, int clear, rows_t *rows)
{
    char sql[SQL_MAX];
    db_array_t *a[4] = {&rows->district, &rows->id, &rows->sealed, &rows->masked};
    const char *vals[4];
    int lens[4], fmts[4] = {1, 1, 1, 1};
    for (int k = 0; k < 4; k++) {
        if (a[k]->failed)
            return -1;
        vals[k] = (const char *) a[k]->buf;
        lens[k] = (int) a[k]->len;
    }
    s_sql_update(c, clear, sql, sizeof sql);
    PGresult *r = db_exec_params(run->db, sql, 4, vals, lens, fmts);
    PQclear(r);
    return r ? 0 : -1;
}

/* One batch after *last (district, id) in its own transaction. Returns the
 * rows it looked at (0: the column is done), or -1 on an SQL error. */
static int s_batch(run_t *run, int col, int clear, const char *prefix_hex, char *last_d,
                   char *last_id, long *done)
{
    const sealcol_t *c = &sealcols[col];
    char sql[SQL_MAX], lim[24];
    const char *p[4] = {last_d, last_id, db_num(lim, run->batch), prefix_hex};
    rows_t rows;
    s_sql_select(c, clear, sql, sizeof sql);
    if (db_run(run->db, "BEGIN", 0, NULL) != 0)
        return -1;
    PGresult *r = db_exec(run->db, sql, 4, p);
    int n = r ? PQntuples(r) : -1;
    s_rows_begin(&rows);
    for (int i = 0; i < n; i++)
        if (s_row(run, c, col, clear, r, i, &rows) != 0)
            run->failed++;
    if (n > 0) {
        snprintf(last_d, 64, "%s", PQgetvalue(r, n - 1, 0));
        snprintf(last_id, 24, "%s", PQgetvalue(r, n - 1, 1));
    }
    int rc = n < 0 || (rows.n > 0 && s_update(run, c, clear, &rows) != 0) ? -1 : 0;
    s_rows_free(&rows);
    PQclear(r);
    if (rc != 0 || db_run(run->db, "COMMIT", 0, NULL) != 0) {
        db_run(run->db, "ROLLBACK", 0, NULL);
        return -1;
    }
    *done += (long) rows.n;
    return n;
}

/* ---- one column ------------------------------------------------------------------------ */

static long s_count(run_t *run, const sealcol_t *c, int clear, const char *prefix_hex)
{
    char sql[SQL_MAX];
    const char *p[1] = {prefix_hex};
    s_sql_count(c, clear, sql, sizeof sql);
    PGresult *r = db_exec(run->db, sql, 1, p);
    long n = r && PQntuples(r) == 1 ? strtol(PQgetvalue(r, 0, 0), NULL, 10) : -1;
    PQclear(r);
    return n;
}

/* Seals (clear) or re-seals every due value of column `col`. 0, 1 when
 * --max-batches stopped it, -1 on an SQL error. */
static int s_column(run_t *run, int col, int clear, const char *prefix_hex)
{
    const sealcol_t *c = &sealcols[col];
    const char *what = clear ? "to seal from" : "to re-seal";
    char last_d[64] = "", last_id[24] = "-9223372036854775808";
    long due = s_count(run, c, clear, prefix_hex), done = 0;
    if (due < 0)
        return -1;
    if (due > 0 || !run->quiet)
        printf("%s.%s: %ld %s%s%s\n", c->table, c->column, due, what, clear ? " " : "",
           clear ? c->clear : "");
    while (due > 0) {
        if (run->max_batches > 0 && run->batches >= run->max_batches)
            return 1;
        int n = s_batch(run, col, clear, prefix_hex, last_d, last_id, &done);
        if (n < 0)
            return -1;
        if (n == 0)
            break;
        run->batches++;
        printf("%s.%s: %ld/%ld done\n", c->table, c->column, done, due);
        fflush(stdout);
    }
    return 0;
}

/* ---- the commands ------------------------------------------------------------------------ */

static int s_run(run_t *run, int clear_only)
{
    uint8_t prefix[SEAL_HEADER_LEN];
    char hex[2 * SEAL_HEADER_LEN + 3] = "\\x";
    int stopped = 0;
    seal_ring_prefix(run->ring, prefix);
    crypto_hex(prefix, SEAL_HEADER_LEN, hex + 2);
    for (int pass = 0; pass < (clear_only ? 1 : 2); pass++)
        for (int col = 0; col < SEALCOL_COUNT && !stopped; col++) {
            if (pass == 0 && !sealcols[col].clear)
                continue;
            int rc = s_column(run, col, pass == 0, hex);
            if (rc < 0) {
                log_error("rekey failed", "table=%s error=\"%s\"", sealcols[col].table,
                          db_error(run->db));
                return ADMIN_ERROR;
            }
            stopped = rc == 1;
        }
    if (stopped)
        printf("stopped after %ld batches: run rekey again to go on\n", run->batches);
    if (run->failed > 0) {
        fprintf(stderr, "rekey: %ld values open with no key of the ring: keep the old keys"
                " in crypto.keys\n", run->failed);
        return ADMIN_REFUSED;
    }
    if (!stopped && !clear_only)
        printf("every sealed value is under key %d (%s)\n", seal_ring_current(run->ring),
               seal_ring_suite(run->ring) == SEAL_SUITE_SM4 ? "sm4" : "aes-256-gcm");
    return ADMIN_OK;
}

/* A positive integer option within [1, max], or `dflt` when absent; -1 when bad. */
static long s_opt(const char *v, long dflt, long max)
{
    char *end = NULL;
    if (!v)
        return dflt;
    long n = strtol(v, &end, 10);
    return *v && end && *end == '\0' && n >= 1 && n <= max ? n : -1;
}

int rekey_cmd(db_t *db, const admin_opts_t *o)
{
    run_t run = {.db = db};
    run.batch = (int) s_opt(o->batch, REKEY_BATCH_DEFAULT, REKEY_BATCH_MAX);
    run.max_batches = s_opt(o->max_batches, 0, 1000000000L);
    if (run.batch < 0 || run.max_batches < 0) {
        fprintf(stderr, "rekey: --batch is 1..%d, --max-batches a positive number\n",
                REKEY_BATCH_MAX);
        return ADMIN_ERROR;
    }
    seal_ring_t *ring = seal_ring_from_config(o->cfg);
    if (!ring)
        return ADMIN_ERROR;
    run.ring = ring;
    int rc = s_run(&run, 0);
    seal_ring_destroy(&ring);
    return rc;
}

/* The clear values due for sealing, over every column; -1 on an SQL error. */
static long s_clear_due(run_t *run)
{
    long due = 0;
    for (int col = 0; col < SEALCOL_COUNT; col++) {
        long n = sealcols[col].clear ? s_count(run, &sealcols[col], 1, "\\x00") : 0;
        if (n < 0)
            return -1;
        due += n;
    }
    return due;
}

int rekey_seal_clear(db_t *db, const config_t *cfg)
{
    if (!config_get(cfg, "crypto.key", NULL)) {
        run_t probe = {.db = db};
        long due = s_clear_due(&probe);
        if (due != 0)
            printf("crypto.key not set: %ld clear values due for sealing are left to"
                   " `lianxin-admin rekey`\n", due);
        return due < 0 ? ADMIN_ERROR : ADMIN_OK;
    }
    seal_ring_t *ring = seal_ring_from_config(cfg);
    if (!ring)
        return ADMIN_ERROR;
    run_t run = {.db = db, .ring = ring, .batch = REKEY_BATCH_DEFAULT, .quiet = 1};
    int rc = s_run(&run, 1);
    seal_ring_destroy(&ring);
    return rc;
}
