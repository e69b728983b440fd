/* access: the district rule and the route check. Pure; the route table
 * says which roles each route admits (common/roles.h names them), this file
 * decides. */

#include <stddef.h>
#include <string.h>
#include "auth/access.h"

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
    if (!p || !role_in(allowed, p->role))
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
