/* exports: what every file export of the gateway shares: at most
 * gateway.exports_per_user exports in flight per user (a route row flagged
 * `export_file` takes a slot before its handler and gives it back when the
 * request ends, file sent or not), the 404 of an export whose room or member
 * does not exist, and the header that says a file was cut at its limit.
 * Never holds row data; the slot table is bounded by the live requests. */
#ifndef GW_EXPORTS_H
#define GW_EXPORTS_H

#include <stddef.h>
#include "gw.h"

/* The header an export cut at its row (or event) limit carries, "true". */
#define EXPORTS_TRUNCATED_HEADER "X-Lianxin-Truncated"

typedef struct exports exports_t;

/* A slot table admitting `per_user` (>= 1) exports per key. NULL on failure. */
exports_t *exports_new(int per_user);

/* Idempotent; sets *self_p to NULL. */
void exports_destroy(exports_t **self_p);

/* Takes a slot for `key` (a user or feed: "u:330303/7"). 0, or -1 when the
 * key holds `per_user` already (or no memory). */
int exports_take(exports_t *self, const char *key);

/* Gives back a slot taken for `key`. */
void exports_give(exports_t *self, const char *key);

/* Slots held by `key` (0 when none). */
int exports_held(const exports_t *self, const char *key);

/* Runs `then(call)` once `sql` (parameters: the call's district and `id`)
 * returned a row; answers 404 `not_found` (`what`: "workroom", "member")
 * when it returned none, 503 when the database failed. */
void exports_when_exists(gw_call_t *call, const char *sql, const char *id, const char *what,
                         void (*then)(gw_call_t *call));

#endif
