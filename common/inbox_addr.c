/* inbox_addr: the addressing rules of inbox items (see inbox_addr.h).
 * Never allocates; never trusts a role longer than the address can hold. */
#include <stdio.h>
#include <string.h>
#include "inbox_addr.h"

int inbox_addr_own(const char *role, int64_t user_id, int64_t member_id, int64_t unit_id,
                   inbox_addr_t *out)
{
    if (!role || !out)
        return -1;
    if (strcmp(role, "member") == 0) {
        snprintf(out->kind, sizeof out->kind, "member");
        out->id = member_id;
    } else if (strcmp(role, "unit") == 0) {
        snprintf(out->kind, sizeof out->kind, "unit");
        out->id = unit_id;
    } else {
        snprintf(out->kind, sizeof out->kind, "user");
        out->id = user_id;
    }
    return out->id > 0 ? 0 : -1;
}

int inbox_addr_role(const char *role, int64_t user_id, const char *user_district,
                    const char *district, inbox_addr_t *out)
{
    if (!role || !role[0] || strlen(role) > sizeof out->kind - 6 || user_id <= 0 ||
        !user_district || !user_district[0] || !district || strcmp(user_district, district) != 0)
        return -1;
    snprintf(out->kind, sizeof out->kind, "role:%s", role);
    out->id = 0;
    return 0;
}
