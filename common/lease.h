/* lease: which instance runs the consumers and timers of a district. A lease
 * is a session-level pg_try_advisory_lock on a worker's connection; it lasts
 * as long as that connection, so when an instance dies another takes over. */
#ifndef LIANXIN_LEASE_H
#define LIANXIN_LEASE_H

#include "db.h"

/* The advisory lock key for a lease name ("notify/330303"): a stable 64-bit
 * hash (first 8 bytes of SHA-256), the same in every process. */
long long lease_key(const char *name);

/* Takes or confirms lease `name` on `db`'s current connection. 1 when held,
 * 0 when another session holds it, -1 on a database error. Cheap when already
 * held in this connection generation. */
int lease_hold(db_t *db, const char *name);

#endif
