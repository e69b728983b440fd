/* router: pattern matching of request paths, first match wins. Pure. The
 * route tables are data (api/<service>.c, joined by routes.c); this file
 * only knows patterns. */

#include <string.h>
#include "http/router.h"

/* Length of the segment starting at `s` (up to '/' or the end). */
static size_t s_seglen(const char *s)
{
    size_t n = 0;
    while (s[n] && s[n] != '/')
        n++;
    return n;
}

static int s_digits(const char *s, size_t n)
{
    if (n == 0 || n > ROUTER_MAX_PARAM_LEN)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

static int s_add_param(router_params_t *out, const char *name, size_t nlen,
                       const char *val, size_t vlen)
{
    if (!out)
        return 1;
    if (out->n >= ROUTER_MAX_PARAMS || nlen >= sizeof out->p[0].name)
        return 0;
    memcpy(out->p[out->n].name, name, nlen);
    out->p[out->n].name[nlen] = '\0';
    memcpy(out->p[out->n].value, val, vlen);
    out->p[out->n].value[vlen] = '\0';
    out->n++;
    return 1;
}

int router_match(const char *pattern, const char *path, router_params_t *out)
{
    if (out)
        out->n = 0;
    if (!pattern || !path || pattern[0] != '/' || path[0] != '/' ||
        strlen(path) > ROUTER_MAX_PATH)
        return 0;
    const char *p = pattern + 1, *u = path + 1;
    for (;;) {
        size_t pl = s_seglen(p), ul = s_seglen(u);
        if (pl == 1 && p[0] == '*' && p[1] == '\0')
            return 1;
        if (pl >= 2 && p[0] == '{' && p[pl - 1] == '}') {
            if (!s_digits(u, ul) || !s_add_param(out, p + 1, pl - 2, u, ul))
                return 0;
        } else if (pl != ul || memcmp(p, u, pl) != 0) {
            return 0;
        }
        p += pl;
        u += ul;
        if (*p == '\0' || *u == '\0')
            return *p == '\0' && *u == '\0';
        p++;                        /* both are at '/' */
        u++;
    }
}

static int s_method_ok(const char *route_method, const char *method)
{
    return strcmp(route_method, method) == 0 ||
           (strcmp(method, "HEAD") == 0 && strcmp(route_method, "GET") == 0);
}

static int s_is_wildcard(const char *pattern)
{
    size_t n = strlen(pattern);
    return n >= 1 && pattern[n - 1] == '*';
}

static void s_allow_add(char *allow, size_t allowsz, const char *method)
{
    if (!allow || allowsz == 0 || strstr(allow, method))
        return;
    size_t len = strlen(allow);
    size_t need = strlen(method) + (len ? 2 : 0);
    if (len + need + 1 > allowsz)
        return;
    if (len)
        strcat(allow, ", ");
    strcat(allow, method);
}

int router_find_in(const router_table_t *tables, size_t ntables, const char *method,
                   const char *path, router_params_t *params, size_t *table, int *status,
                   char *allow, size_t allowsz)
{
    int other_method = 0;
    if (allow && allowsz)
        allow[0] = '\0';
    for (size_t t = 0; t < ntables; t++) {
        for (size_t i = 0; i < tables[t].n; i++) {
            const router_entry_t *e =
                (const router_entry_t *) ((const char *) tables[t].entries + i * tables[t].stride);
            if (!router_match(e->pattern, path, NULL))
                continue;
            if (s_method_ok(e->method, method)) {
                router_match(e->pattern, path, params);
                *table = t;
                *status = 200;
                return (int) i;
            }
            if (!s_is_wildcard(e->pattern)) {
                other_method = 1;
                s_allow_add(allow, allowsz, e->method);
            }
        }
    }
    *status = other_method ? 405 : 404;
    return -1;
}

int router_find(const void *entries, size_t n, size_t stride, const char *method,
                const char *path, router_params_t *params, int *status,
                char *allow, size_t allowsz)
{
    const router_table_t one = {.entries = entries, .n = n, .stride = stride};
    size_t table;
    return router_find_in(&one, 1, method, path, params, &table, status, allow, allowsz);
}

const char *router_param(const router_params_t *params, const char *name)
{
    for (int i = 0; params && i < params->n; i++)
        if (strcmp(params->p[i].name, name) == 0)
            return params->p[i].value;
    return NULL;
}
