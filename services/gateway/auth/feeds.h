/* feeds: subscribable calendar feeds. A member's feed token is a capability
 * that calendar apps put in the feed's URL (they cannot send a bearer
 * token): it admits exactly the GET of that member's duties.ics and nothing
 * else. Only its SHA-256 is stored (auth.feed_tokens); the token itself is
 * shown once, in the answer that creates it, and never logged. */
#ifndef GW_FEEDS_H
#define GW_FEEDS_H

#include <stddef.h>
#include "gw.h"

#define FEEDS_TOKEN_LEN 64          /* hex characters */

/* The query keys of a route that admits feed tokens. */
extern const char *const feeds_query_keys[];

/* ---- pure helpers ------------------------------------------------------------- */

/* 1 when `t` has the shape of a feed token: 64 lower-case hex digits. */
int feeds_token_ok(const char *t);

/* The SHA-256 of `token` as 64 lower-case hex digits (out: 65 bytes). */
void feeds_token_hash(const char *token, char out[65]);

/* 1 when `stored_hex` and `hash_hex` are the same 64 hex digits, compared
 * in constant time; 0 otherwise, also when either is malformed. */
int feeds_hash_equal(const char *stored_hex, const char *hash_hex);

/* The feed's URL path with its token into `out`. 0, or -1 when it does not
 * fit. */
int feeds_url(char *out, size_t outsz, const char *district, const char *member,
              const char *token);

/* Fills `p` as the principal of a feed token of `member` in `district`:
 * role "feed", which no route admits unless it carries ACCESS_FEED_TOKEN. */
void feeds_principal(principal_t *p, const char *district, int64_t member);

/* ---- the look-up ---------------------------------------------------------------- */

typedef void (feeds_fn)(int status, void *arg);

/* Checks `token` against the stored token of member `member` (the path's
 * {id}) of `district`. Returns 401 when it can decide at once (a token
 * that failed within gateway.auth_negative_ttl_s, or malformed
 * token or id; fn is not called), 503 when the query could not be queued
 * (fn is not called), or 0: fn is then called exactly once, later, with 200,
 * 401 (no token, another one, an inactive member) or 503. */
int feeds_resolve(gw_t *gw, const char *district, const char *member, const char *token,
                  feeds_fn *fn, void *arg);

/* ---- handlers ------------------------------------------------------------------ */

/* POST .../members/{id}/feed-token: creates or replaces the member's token
 * (the old one stops working at once) and answers 201 {"url": ...}. The
 * member themself, office staff and admins (the route's roles); a member
 * naming another member gets 403, an unknown member 404. */
void feeds_create(gw_call_t *call);

/* DELETE .../members/{id}/feed-token: revokes it; 204 also when there was
 * none. Same callers as feeds_create. */
void feeds_revoke(gw_call_t *call);

#endif
