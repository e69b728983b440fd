/* auth_int: what auth.c (resolving callers, logging out) and login.c
 * (logging in) share: the object and the row and digest helpers. Never
 * included outside services/gateway/auth/. */
#ifndef GW_AUTH_INT_H
#define GW_AUTH_INT_H

#include <libpq-fe.h>
#include "auth/auth.h"
#include "auth/authcache.h"
#include "auth/authtx.h"

struct auth {
    uv_loop_t *loop;
    pgpool_t *pool;
    authtx_t *tx;
    auth_opts_t o;
    authcache_t *cache;
    int logins_running;             /* in the thread pool */
    int destroyed;                  /* freed when the last login returns */
};

/* The columns every principal query returns, in this order. */
#define AUTH_PRINCIPAL_COLS                                                      \
    "u.id, u.username, u.role, u.district_code, coalesce(u.member_id, 0), "     \
    "coalesce(u.unit_id, 0), u.display_name"

/* The cache key and the bytea parameter of a token: `kind` + hex. */
void auth_digest(char kind, const char *token, char key[AUTHCACHE_KEY], char param[67]);

/* Reads columns 0..6 (AUTH_PRINCIPAL_COLS) of `row`. 0, or -1 when malformed. */
int auth_principal_row(const PGresult *res, int row, principal_t *p);

/* Caches the session of `token` for `who` until `expires_us`. */
void auth_cache_session(auth_t *self, const char *token, const principal_t *who,
                        int64_t expires_us);

/* Frees the object (after the last login in the thread pool returned). */
void auth_free(auth_t *self);

#endif
