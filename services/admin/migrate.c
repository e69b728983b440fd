/* migrate: applies deploy/sql/NNN_*.sql in version order, each in its own
 * transaction together with its row in public.schema_migrations, under an
 * advisory lock so two migrators never interleave. Never re-applies a file and
 * never applies anything when an applied file was edited afterwards. */
#include <ctype.h>
#include <dirent.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "admin.h"
#include "crypto.h"
#include "lease.h"
#include "log.h"

#define MIGRATE_MAX 1000
#define MIGRATE_MAX_BYTES (16 * 1024 * 1024)

typedef struct applied {
    int version;
    char sha256[65];
} applied_t;

/* ---- files ------------------------------------------------------------------ */

int migrate_parse_name(const char *name)
{
    size_t len = strlen(name), digits = 0;
    while (isdigit((unsigned char) name[digits]))
        digits++;
    if (digits == 0 || digits > 6 || name[digits] != '_' || len < digits + 6
        || strcmp(name + len - 4, ".sql") != 0)
        return -1;
    int version = atoi(name);
    return version > 0 ? version : -1;
}

static int s_by_version(const void *a, const void *b)
{
    return ((const migration_t *) a)->version - ((const migration_t *) b)->version;
}

int migrate_list(const char *dir, migration_t *out, int max)
{
    DIR *d = opendir(dir);
    if (!d) {
        log_error("cannot open the sql directory", "dir=%s", dir);
        return -1;
    }
    int n = 0, rc = 0;
    struct dirent *e;
    while (rc == 0 && (e = readdir(d)) != NULL) {
        int v = migrate_parse_name(e->d_name);
        if (v < 0)
            continue;
        if (n == max || strlen(e->d_name) >= sizeof out[0].name) {
            log_error("too many or too long migration names", "file=%s", e->d_name);
            rc = -1;
            break;
        }
        out[n].version = v;
        snprintf(out[n].name, sizeof out[n].name, "%s", e->d_name);
        n++;
    }
    closedir(d);
    qsort(out, (size_t) n, sizeof *out, s_by_version);
    for (int i = 1; rc == 0 && i < n; i++)
        if (out[i].version == out[i - 1].version) {
            log_error("two migrations share a version", "file=%s other=%s", out[i].name,
                      out[i - 1].name);
            rc = -1;
        }
    return rc == 0 ? n : -1;
}

int migrate_default_dir(const char *explicit_dir, const char *exe, char *out, size_t outsz)
{
    if (explicit_dir && *explicit_dir) {
        snprintf(out, outsz, "%s", explicit_dir);
        return 0;
    }
    if (!exe)
        return -1;
    char copy[PATH_MAX], joined[PATH_MAX + 32];
    snprintf(copy, sizeof copy, "%s", exe);
    snprintf(joined, sizeof joined, "%s/../../deploy/sql", dirname(copy));
    char *real = realpath(joined, NULL);
    snprintf(out, outsz, "%s", real ? real : joined);
    free(real);
    return 0;
}

/* Reads a whole file into a NUL-terminated malloc'd buffer; NULL on failure. */
static char *s_read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = NULL;
    long size = -1;
    if (fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) >= 0 && size <= MIGRATE_MAX_BYTES
        && fseek(f, 0, SEEK_SET) == 0 && (buf = malloc((size_t) size + 1)) != NULL) {
        if (fread(buf, 1, (size_t) size, f) != (size_t) size) {
            free(buf);
            buf = NULL;
        } else {
            buf[size] = '\0';
        }
    }
    fclose(f);
    return buf;
}

/* ---- database --------------------------------------------------------------------- */

/* NOTICEs ("schema exists, skipping") are noise here; warnings are not. */
static void s_notice(void *arg, const char *message)
{
    (void) arg;
    if (strncmp(message, "NOTICE", 6) != 0)
        fprintf(stderr, "%s", message);
}

/* Takes the migrators' advisory lock (waiting for another migrator) and makes
 * sure the bookkeeping table exists. 0 or -1. */
static int s_prepare(db_t *db)
{
    char key[24];
    snprintf(key, sizeof key, "%lld", lease_key("lianxin/migrate"));
    const char *p[] = {key};
    PGresult *r = db_exec(db, "SELECT pg_try_advisory_lock($1::bigint)", 1, p);
    if (!r)
        return -1;
    int got = PQgetvalue(r, 0, 0)[0] == 't';
    PQclear(r);
    if (!got) {
        printf("waiting for another migrator to finish\n");
        if (db_run(db, "SELECT pg_advisory_lock($1::bigint)", 1, p) != 0)
            return -1;
    }
    return db_run(db,
        "CREATE TABLE IF NOT EXISTS public.schema_migrations ("
        " version int PRIMARY KEY, name text NOT NULL, sha256 text NOT NULL,"
        " applied_at timestamptz NOT NULL DEFAULT now())", 0, NULL);
}

/* Loads the applied versions into a malloc'd array (*out), returns the count or -1. */
static int s_load_applied(db_t *db, applied_t **out)
{
    PGresult *r = db_exec(db, "SELECT version, sha256 FROM public.schema_migrations"
                              " ORDER BY version", 0, NULL);
    if (!r)
        return -1;
    int n = PQntuples(r);
    *out = calloc((size_t) n + 1, sizeof **out);
    if (!*out) {
        PQclear(r);
        return -1;
    }
    for (int i = 0; i < n; i++) {
        (*out)[i].version = atoi(PQgetvalue(r, i, 0));
        snprintf((*out)[i].sha256, sizeof (*out)[i].sha256, "%s", PQgetvalue(r, i, 1));
    }
    PQclear(r);
    return n;
}

static const applied_t *s_find(const applied_t *a, int n, int version)
{
    for (int i = 0; i < n; i++)
        if (a[i].version == version)
            return &a[i];
    return NULL;
}

/* Runs one file's SQL and records it, in one transaction. 0 or -1. */
static int s_apply(db_t *db, const migration_t *m, const char *sql, const char *sha)
{
    char version[16];
    snprintf(version, sizeof version, "%d", m->version);
    const char *p[] = {version, m->name, sha};
    if (db_run(db, "BEGIN", 0, NULL) != 0)
        return -1;
    PGresult *r = PQexec(db_conn(db), sql);
    ExecStatusType st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK && st != PGRES_EMPTY_QUERY) {
        const char *msg = r ? PQresultErrorMessage(r) : PQerrorMessage(db_conn(db));
        fprintf(stderr, "migration %s failed: %s", m->name, msg);
        PQclear(r);
        db_run(db, "ROLLBACK", 0, NULL);
        return -1;
    }
    PQclear(r);
    if (db_run(db, "INSERT INTO public.schema_migrations (version, name, sha256)"
                   " VALUES ($1::int, $2, $3)", 3, p) != 0
        || db_run(db, "COMMIT", 0, NULL) != 0) {
        fprintf(stderr, "migration %s could not be recorded: %s\n", m->name, db_error(db));
        db_run(db, "ROLLBACK", 0, NULL);
        return -1;
    }
    return 0;
}

/* The SHA-256 (hex) of each file, into sums[i]; the SQL into texts[i]. 0 or -1. */
static int s_read_all(const char *dir, const migration_t *m, int n, char **texts,
                      char (*sums)[65])
{
    for (int i = 0; i < n; i++) {
        char path[PATH_MAX + 160];
        uint8_t digest[32];
        snprintf(path, sizeof path, "%s/%s", dir, m[i].name);
        texts[i] = s_read_file(path);
        if (!texts[i]) {
            fprintf(stderr, "cannot read %s\n", path);
            return -1;
        }
        crypto_sha256(texts[i], strlen(texts[i]), digest);
        crypto_hex(digest, sizeof digest, sums[i]);
    }
    return 0;
}

/* Refuses when an applied file changed; warns about applied versions whose
 * file is gone. ADMIN_OK or ADMIN_REFUSED. */
static int s_check_applied(const migration_t *m, int n, char (*sums)[65],
                           const applied_t *a, int na)
{
    int rc = ADMIN_OK;
    for (int i = 0; i < n; i++) {
        const applied_t *done = s_find(a, na, m[i].version);
        if (done && strcmp(done->sha256, sums[i]) != 0) {
            fprintf(stderr, "refusing to migrate: %s was changed after it was applied "
                            "(recorded sha256 %.12s..., file %.12s...); add a new migration "
                            "instead\n", m[i].name, done->sha256, sums[i]);
            rc = ADMIN_REFUSED;
        }
    }
    for (int j = 0; j < na; j++) {
        int present = 0;
        for (int i = 0; i < n; i++)
            present |= m[i].version == a[j].version;
        if (!present)
            log_warn("applied migration has no file", "version=%d", a[j].version);
    }
    return rc;
}

/* Applies each pending migration in order. ADMIN_OK or ADMIN_ERROR. */
static int s_apply_pending(db_t *db, const migration_t *m, int n, char **texts,
                           char (*sums)[65], const applied_t *a, int na)
{
    int applied = 0;
    for (int i = 0; i < n; i++) {
        if (s_find(a, na, m[i].version))
            continue;
        if (s_apply(db, &m[i], texts[i], sums[i]) != 0)
            return ADMIN_ERROR;
        printf("applied %s\n", m[i].name);
        applied++;
    }
    printf("schema up to date: %d migration(s), %d applied now\n", n, applied);
    return ADMIN_OK;
}

int migrate_run(db_t *db, const char *sql_dir)
{
    migration_t *m = calloc(MIGRATE_MAX, sizeof *m);
    char **texts = calloc(MIGRATE_MAX, sizeof *texts);
    char (*sums)[65] = calloc(MIGRATE_MAX, sizeof *sums);
    applied_t *a = NULL;
    int rc = ADMIN_ERROR, n = -1, na = -1;
    PQsetNoticeProcessor(db_conn(db), s_notice, NULL);
    if (m && texts && sums && (n = migrate_list(sql_dir, m, MIGRATE_MAX)) >= 0
        && s_read_all(sql_dir, m, n, texts, sums) == 0) {
        if (n == 0)
            log_warn("no migrations found", "dir=%s", sql_dir);
        if (s_prepare(db) != 0 || (na = s_load_applied(db, &a)) < 0)
            fprintf(stderr, "cannot read schema_migrations: %s\n", db_error(db));
        else if ((rc = s_check_applied(m, n, sums, a, na)) == ADMIN_OK)
            rc = s_apply_pending(db, m, n, texts, sums, a, na);
        db_run(db, "SELECT pg_advisory_unlock_all()", 0, NULL);
    }
    for (int i = 0; texts && i < MIGRATE_MAX; i++)
        free(texts[i]);
    free(texts);
    free(sums);
    free(m);
    free(a);
    return rc;
}
