/* inbox_addr: how an inbox item is addressed. notify writes and marks items
 * by these rules and the gateway lists them by the same rules, so the two
 * sides cannot disagree about whose item is whose. Pure, no I/O. */
#ifndef LIANXIN_INBOX_ADDR_H
#define LIANXIN_INBOX_ADDR_H

#include <stdint.h>

typedef struct inbox_addr {
    char kind[24];                  /* "member", "unit", "user" or "role:<role>" */
    int64_t id;                     /* member, unit or user id; 0 for a role */
} inbox_addr_t;

/* A user's own address: a member's is ("member", member_id), a unit user's
 * ("unit", unit_id), anybody else's ("user", user_id). 0, or -1 when the id
 * it needs is not positive or `role` is NULL. */
int inbox_addr_own(const char *role, int64_t user_id, int64_t member_id, int64_t unit_id,
                   inbox_addr_t *out);

/* The address of the items sent to a role of a district: ("role:<role>", 0).
 * Only a user of `district` itself reads them (a city-wide user, whose
 * user_district is "", reads none). 0, or -1 when the user may not. */
int inbox_addr_role(const char *role, int64_t user_id, const char *user_district,
                    const char *district, inbox_addr_t *out);

#endif
