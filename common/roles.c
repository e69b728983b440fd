/* roles: the role names and their bits (see roles.h). The one table of
 * roles: nothing else may spell the list out. */
#include <stdio.h>
#include <string.h>
#include "roles.h"

static const char *const s_names[ROLE_COUNT] = {
    [0] = "admin", [1] = "office", [2] = "leader", [3] = "member", [4] = "unit", [5] = "partner",
};

unsigned role_bit(const char *name)
{
    for (int i = 0; name && i < ROLE_COUNT; i++)
        if (strcmp(s_names[i], name) == 0)
            return 1u << i;
    return 0;
}

const char *role_name(unsigned bit)
{
    for (int i = 0; i < ROLE_COUNT; i++)
        if (bit == 1u << i)
            return s_names[i];
    return NULL;
}

int role_in(unsigned mask, const char *name)
{
    unsigned bit = role_bit(name);
    return bit != 0 && (mask & bit) != 0;
}

int roles_parse(const char *text, unsigned *mask)
{
    unsigned out = 0;
    const char *p = text;
    while (p && *p) {
        size_t skip = strspn(p, ", \t"), len;
        p += skip;
        len = strcspn(p, ", \t");
        if (len == 0)
            break;
        char name[16];
        if (len >= sizeof name)
            return -1;
        memcpy(name, p, len);
        name[len] = '\0';
        unsigned bit = role_bit(name);
        if (!bit)
            return -1;
        out |= bit;
        p += len;
    }
    if (!out)
        return -1;
    *mask = out;
    return 0;
}

int roles_format(unsigned mask, char *out, size_t outsz)
{
    size_t used = 0;
    if (!out || outsz == 0)
        return -1;
    out[0] = '\0';
    for (int i = 0; i < ROLE_COUNT; i++) {
        if (!(mask & (1u << i)))
            continue;
        int k = snprintf(out + used, outsz - used, "%s%s", used ? ", " : "", s_names[i]);
        if (k < 0 || (size_t) k >= outsz - used) {
            out[0] = '\0';
            return -1;
        }
        used += (size_t) k;
    }
    return 0;
}
