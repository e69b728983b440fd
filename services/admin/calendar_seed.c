/* calendar_seed: after the migrations, `lianxin-admin migrate` copies each
 * deploy/calendar/<year>.txt into core.calendar_years/calendar_days for the
 * years the database does not have yet. It never overwrites a year already
 * there: from then on the office keeps it (PUT /v1/calendar/{year}). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include "admin.h"
#include "calsync.h"
#include "log.h"
#include "timeutil.h"

#define SEED_MAX_YEARS 256

/* Creates the year's row unless it exists. 1 when created, 0 when it was
 * there, -1 on error. */
static int s_claim_year(db_t *db, int year)
{
    char y[16], at[24];
    snprintf(y, sizeof y, "%d", year);
    snprintf(at, sizeof at, "%lld", (long long) time_now_us());
    const char *p[2] = {y, at};
    PGresult *r = db_exec(db,
        "INSERT INTO core.calendar_years (year, version, source, updated_at, updated_by)"
        " VALUES ($1::int, 1, 'file', to_timestamp($2::bigint / 1000000.0), 0)"
        " ON CONFLICT (year) DO NOTHING RETURNING year", 2, p);
    if (!r)
        return -1;
    int created = PQntuples(r) == 1;
    PQclear(r);
    return created;
}

/* Imports the file of `year` in one transaction, parsing it only when the
 * database has no such year. 1 imported, 0 skipped, -1 on error (rolled
 * back; the reason printed). */
static int s_import(db_t *db, const char *path, int year)
{
    calendar_t *cal = calendar_new();
    if (!cal || db_run(db, "BEGIN", 0, NULL) != 0) {
        calendar_destroy(&cal);
        return -1;
    }
    int rc = s_claim_year(db, year);
    if (rc == 1 && calendar_load_file(cal, path) != 0) {
        fprintf(stderr, "calendar not imported: %s\n", calendar_error(cal));
        rc = -2;
    } else if (rc == 1 && calsync_write_days(db, cal, year) != 0) {
        rc = -1;
    }
    if (rc >= 0 && db_run(db, "COMMIT", 0, NULL) != 0)
        rc = -1;
    if (rc == -1)
        fprintf(stderr, "calendar %d not imported: %s\n", year, db_error(db));
    if (rc < 0)
        db_run(db, "ROLLBACK", 0, NULL);
    calendar_destroy(&cal);
    return rc < 0 ? -1 : rc;
}

int calendar_seed(db_t *db, const char *dir)
{
    int years[SEED_MAX_YEARS];
    int n = calendar_dir_years(dir, years, SEED_MAX_YEARS);
    if (n < 0) {
        printf("calendar: no directory %s (%s), nothing imported\n", dir, strerror(errno));
        return ADMIN_OK;
    }
    int rc = ADMIN_OK;
    for (int i = 0; i < n; i++) {
        char path[PATH_MAX];
        snprintf(path, sizeof path, "%s/%04d.txt", dir, years[i]);
        int done = s_import(db, path, years[i]);
        if (done < 0)
            rc = ADMIN_ERROR;
        else if (done == 1)
            printf("calendar %d imported from %s\n", years[i], path);
    }
    return rc;
}
