/* auth: who is calling. Bearer tokens of sessions and partner API keys are
 * resolved through an in-memory cache (SHA-256 of the token -> principal),
 * refreshed from auth.sessions / auth.api_keys on a miss and at most once a
 * minute per entry (which also writes the session's last_seen back and drops
 * sessions revoked elsewhere); a failed look-up is remembered for
 * negative_ttl_s. Logins (login.c) count the attempt and check the lock in
 * one statement, check the password off the loop (uv_queue_work) and record
 * every outcome (authtx). Never stores, logs or compares a token or
 * password in clear: only their hashes. */
#ifndef GW_AUTH_H
#define GW_AUTH_H

#include <stddef.h>
#include <stdint.h>
#include <uv.h>
#include "auth/access.h"
#include "auth/authtx.h"
#include "pgpool.h"

#define AUTH_PASSWORD_MAX 1024     /* bytes; longer passwords are refused, never cut */
#define AUTH_USERNAME_MAX 64

typedef struct auth auth_t;

typedef struct auth_opts {
    int session_idle_s;             /* default 1800 */
    int session_max_s;              /* default 43200 */
    int login_max_failures;         /* default 5 */
    int lockout_s;                  /* default 600 */
    int sync_s;                     /* cache entries are re-checked after this; default 60 */
    size_t max_entries;             /* cache size; default 100000 */
    unsigned password_iterations;   /* PBKDF2 of new hashes; older ones upgraded at login */
    int password_expiry_days;       /* 0: passwords never expire */
    int negative_ttl_s;             /* a failed token look-up is refused this long; 10 */
} auth_opts_t;

/* NULL on failure. The pool and the recorder must outlive the auth. */
auth_t *auth_new(uv_loop_t *loop, pgpool_t *pool, authtx_t *tx, const auth_opts_t *opts);

/* The options in force (defaults filled in). */
const auth_opts_t *auth_opts(const auth_t *self);

/* Idempotent; sets *self_p to NULL. Logins still running in the thread pool
 * finish later and are answered 503. */
void auth_destroy(auth_t **self_p);

/* ---- resolving a caller ------------------------------------------------- */

typedef void (auth_fn)(int status, const principal_t *who, void *arg);

/* Resolves `bearer` (the token of "Authorization: Bearer <token>", or NULL)
 * or else `api_key` (X-Api-Key, or NULL). Returns 200 with *out filled, 401
 * or 503 when it can decide at once (fn is not called), or 0 when it asked
 * the database: fn is then called exactly once, later, with 200, 401 or 503
 * (and the principal for 200). */
int auth_resolve(auth_t *self, const char *bearer, const char *api_key, principal_t *out,
                 auth_fn *fn, void *arg);

/* ---- logging in and out ----------------------------------------------------- */

typedef struct auth_login_result {
    int status;                     /* 201, 401, 423, 503 */
    int password_expired;           /* for 201: the session may only change it */
    int retry_after_s;              /* for 423 */
    char token[65];                 /* for 201 */
    int64_t expires_us;
    principal_t who;
} auth_login_result_t;

typedef void (auth_login_fn)(const auth_login_result_t *r, void *arg);

/* Checks `password` (at most AUTH_PASSWORD_MAX bytes: the caller refuses
 * longer ones) for `username` from `client` and opens a session. An unknown
 * user, a disabled one and a wrong password all end as 401 after the same
 * work. Each attempt is counted before its password is checked, in the same
 * statement that checks the lock, so parallel guesses cannot all be checked:
 * past `login_max_failures` attempts since the last success the account is
 * locked for `lockout_s` (423, the password not even checked). A stored hash
 * weaker than `password_iterations` is re-hashed on success. Every outcome
 * is recorded (authtx) before fn is called. 0, or -1 when the attempt could
 * not be started (fn is then not called). */
int auth_login(auth_t *self, const char *username, const char *password, const char *client,
               auth_login_fn *fn, void *arg);

typedef void (auth_done_fn)(int status, void *arg);

/* Revokes the session of `bearer` of `who` from `client`: it leaves the
 * cache at once and is marked revoked in auth.sessions, and the logout is
 * recorded; fn gets 204, or 503 when the database did not answer. 0, or -1
 * (fn not called). */
int auth_logout(auth_t *self, const char *bearer, const principal_t *who, const char *client,
                auth_done_fn *fn, void *arg);

/* Forgets the cached API key whose SHA-256 is `hash_hex` (64 hex digits), so
 * a revocation holds at once on this gateway. */
void auth_forget_key(auth_t *self, const char *hash_hex);

/* Failed look-ups of other credentials (kind 'f': feed tokens) keyed by
 * the SHA-256 of `text`: auth_miss_remember keeps one for
 * negative_ttl_s, auth_miss_cached says 1 while it holds. */
int auth_miss_cached(auth_t *self, char kind, const char *text);
void auth_miss_remember(auth_t *self, char kind, const char *text);

/* Forgets every cached session and key of a user (disabled). */
void auth_forget_user(auth_t *self, const char *district, int64_t user_id);

/* ---- pure helpers ------------------------------------------------------------ */

/* The token of an Authorization header "Bearer <token>" (scheme
 * case-insensitive) into `out`. 0, or -1 when the header is not that. */
int auth_parse_bearer(const char *header, char *out, size_t outsz);

/* 1 when `t` looks like a token or key: 16 to 128 characters of
 * [A-Za-z0-9_-]. Anything else is refused without a database look-up. */
int auth_token_ok(const char *t);

#endif
