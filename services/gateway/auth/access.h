/* access: who the caller is (the principal) and the rules of what they may
 * address: a route's roles as a mask of the common ROLE_* bits (roles.h),
 * the district rule (a city-wide user, district "", may address any
 * district; everybody else only their own) and the copy of principal
 * fields. Pure: decisions only, no I/O and no logging. */
#ifndef GW_ACCESS_H
#define GW_ACCESS_H

#include <stddef.h>
#include <stdint.h>
#include "roles.h"

enum {
    /* Not a role but a route flag, set in the route table beside the roles
     * (above ROLES_ANY): the route also admits, without Authorization, the
     * feed token of the member its path names (the principal of role "feed",
     * see feeds.h). No role name maps to it, so it never admits a user. */
    ACCESS_FEED_TOKEN = 1u << 8
};

/* An authenticated caller, as the session or API key says. */
typedef struct principal {
    int64_t user_id;
    char username[65];
    char role[16];                  /* admin, office, leader, member, unit, partner */
    char district[17];              /* "" for city-wide users */
    int64_t member_id;              /* 0 when not a member */
    int64_t unit_id;                /* 0 when not a unit's contact */
    char display_name[129];
    int via_api_key;                /* 1: X-Api-Key, 0: bearer session */
    int password_expired;           /* 1: only the routes that change it are open */
} principal_t;

/* 1 when a caller of district `user_district` may address `path_district`. */
int access_district_ok(const char *user_district, const char *path_district);

/* The HTTP answer for `p` on a route open to `allowed` addressing
 * `path_district` (NULL: the route is not under a district): 200 when
 * allowed, 403 when the role or the district is not. A feed principal (role
 * "feed") is allowed only on a route with ACCESS_FEED_TOKEN and only in its
 * own district; that it names the path's member is the look-up's job. */
int access_check(unsigned allowed, const principal_t *p, const char *path_district);

/* Copies `src` into `dst` (size `dstsz` > 0), cutting it at a UTF-8
 * character boundary when it does not fit. */
void access_copy_utf8(char *dst, size_t dstsz, const char *src);

#endif
