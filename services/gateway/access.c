/* access: role and district rules, and the inbox recipient mapping. Pure;
 * the route table says which roles each route admits, this file decides. */

#include <stddef.h>
#include <string.h>
#include "access.h"

static const struct { const char *name; unsigned bit; } s_roles[] = {
    {"admin", ROLE_ADMIN},   {"office", ROLE_OFFICE}, {"leader", ROLE_LEADER},
    {"member", ROLE_MEMBER}, {"unit", ROLE_UNIT},     {"partner", ROLE_PARTNER},
};

unsigned access_role_bit(const char *role)
{
    for (size_t i = 0; role && i < sizeof s_roles / sizeof s_roles[0]; i++)
        if (strcmp(s_roles[i].name, role) == 0)
            return s_roles[i].bit;
    return 0;
}

int access_role_ok(unsigned allowed, const char *role)
{
    unsigned bit = access_role_bit(role);
    return bit != 0 && (allowed & bit) != 0;
}

int access_district_ok(const char *user_district, const char *path_district)
{
    if (!user_district || !path_district)
        return 0;
    if (user_district[0] == '\0')
        return 1;
    return strcmp(user_district, path_district) == 0;
}

int access_check(unsigned allowed, const principal_t *p, const char *path_district)
{
    if (p && strcmp(p->role, "feed") == 0)
        return (allowed & ACCESS_FEED_TOKEN) && path_district && p->district[0] &&
               strcmp(p->district, path_district) == 0 ? 200 : 403;
    if (!p || !access_role_ok(allowed, p->role))
        return 403;
    if (path_district && !access_district_ok(p->district, path_district))
        return 403;
    return 200;
}

void access_copy_utf8(char *dst, size_t dstsz, const char *src)
{
    size_t n = src ? strlen(src) : 0;
    if (n >= dstsz) {
        n = dstsz - 1;
        while (n > 0 && ((unsigned char) src[n] & 0xC0) == 0x80)
            n--;                    /* do not split a multi-byte character */
    }
    if (n)
        memcpy(dst, src, n);
    dst[n] = '\0';
}
