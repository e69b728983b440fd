/* roles: the platform's one role set. A user holds one role (auth.users.role:
 * "admin", "office", "leader", "member", "unit", "partner"); a rule admits a
 * set of roles as a mask of ROLE_* bits. The gateway's route table and the
 * command servers' handler rows both read these bits, so a role means the
 * same everywhere. Pure: no I/O, no state. "system" (the actor of a
 * service's own timers) is not a role: it maps to no bit and is admitted by
 * no mask. */
#ifndef LIANXIN_ROLES_H
#define LIANXIN_ROLES_H

#include <stddef.h>

#define ROLE_COUNT 6

enum {
    ROLE_ADMIN = 1u << 0,
    ROLE_OFFICE = 1u << 1,
    ROLE_LEADER = 1u << 2,
    ROLE_MEMBER = 1u << 3,
    ROLE_UNIT = 1u << 4,
    ROLE_PARTNER = 1u << 5,
    ROLES_ANY = (1u << ROLE_COUNT) - 1
};

/* The bit of a role name ("office" -> ROLE_OFFICE); 0 for NULL or an unknown
 * name (names are case-sensitive, as stored). */
unsigned role_bit(const char *name);

/* The name of one role bit ("office"); NULL unless `bit` is exactly one of
 * the ROLE_* bits. */
const char *role_name(unsigned bit);

/* 1 when the role called `name` is in `mask`, else 0 (also for unknown names). */
int role_in(unsigned mask, const char *name);

/* Parses a list of role names separated by commas and/or blanks ("office,
 * admin") into *mask. Returns 0, or -1 for an unknown name or an empty list
 * (*mask is then left unchanged). */
int roles_parse(const char *text, unsigned *mask);

/* The names of the roles in `mask` in ROLE_* order, joined by ", "
 * ("admin, office"; "" for 0; bits beyond ROLES_ANY are ignored) into `out`.
 * Returns 0, or -1 when it did not fit (`out` then holds "" if outsz > 0). */
int roles_format(unsigned mask, char *out, size_t outsz);

#endif
