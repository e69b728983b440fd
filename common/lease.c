/* lease: district leases as session-level advisory locks (see lease.h).
 * A lease lives exactly as long as the connection that took it; this module
 * never unlocks and never holds a lease on a connection it did not ask on. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "crypto.h"
#include "lease.h"
#include "log.h"

#define LEASE_CACHE 256
#define LEASE_NAME_MAX 96

/* Leases known held, by connection generation (unique in the process, see
 * db.c). Shared by every worker thread, hence the mutex. When full it is
 * simply emptied: a miss costs one cheap query that re-confirms the lease. */
static struct {
    unsigned generation;
    char name[LEASE_NAME_MAX];
} s_held[LEASE_CACHE];
static size_t s_nheld = 0;
static pthread_mutex_t s_lock = PTHREAD_MUTEX_INITIALIZER;

long long
lease_key(const char *name)
{
    uint8_t digest[32];
    crypto_sha256(name ? name : "", name ? strlen(name) : 0, digest);
    uint64_t key = 0;
    for (int i = 0; i < 8; i++)
        key = (key << 8) | digest[i];
    return (long long) (int64_t) key;
}

static int
s_cached(unsigned generation, const char *name)
{
    int found = 0;
    pthread_mutex_lock(&s_lock);
    for (size_t i = 0; i < s_nheld && !found; i++)
        found = s_held[i].generation == generation && strcmp(s_held[i].name, name) == 0;
    pthread_mutex_unlock(&s_lock);
    return found;
}

static void
s_remember(unsigned generation, const char *name)
{
    pthread_mutex_lock(&s_lock);
    if (s_nheld == LEASE_CACHE)
        s_nheld = 0;
    s_held[s_nheld].generation = generation;
    snprintf(s_held[s_nheld].name, LEASE_NAME_MAX, "%s", name);
    s_nheld++;
    pthread_mutex_unlock(&s_lock);
}

int
lease_hold(db_t *db, const char *name)
{
    if (!db || !name || !*name || strlen(name) >= LEASE_NAME_MAX)
        return -1;
    if (!db_conn(db) || db_broken(db))
        return -1;
    unsigned generation = db_generation(db);
    if (s_cached(generation, name))
        return 1;
    char key[24];
    snprintf(key, sizeof key, "%lld", lease_key(name));
    const char *params[] = { key };
    PGresult *res = db_exec(db, "SELECT pg_try_advisory_lock($1::bigint)", 1, params);
    if (!res) {
        log_warn("lease check failed", "lease=%s err=\"%s\"", name, db_error(db));
        return -1;
    }
    int held = PQntuples(res) == 1 && strcmp(PQgetvalue(res, 0, 0), "t") == 0;
    PQclear(res);
    if (held) {
        s_remember(generation, name);
        log_info("lease acquired", "lease=%s", name);
    }
    return held;
}
