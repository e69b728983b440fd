/* router: matches a request's method and path against route patterns such as
 * "/v1/districts/{d}/visits/{id}". Pure: no I/O, no allocation. Parameters
 * are 1 to 18 ASCII digits (district codes and ids), so a path that carries
 * anything else in their place matches no route. */
#ifndef GW_ROUTER_H
#define GW_ROUTER_H

#include <stddef.h>

#define ROUTER_MAX_PARAMS 4
#define ROUTER_MAX_PARAM_LEN 18
#define ROUTER_MAX_PATH 1024

typedef struct router_params {
    int n;
    struct {
        char name[16];
        char value[ROUTER_MAX_PARAM_LEN + 1];
    } p[ROUTER_MAX_PARAMS];
} router_params_t;

/* What the router needs of a route: a method ("GET") and a pattern made of
 * '/'-separated literal segments, "{name}" parameters and, as the last
 * segment only, "*" (any rest of the path, possibly empty). */
typedef struct router_entry {
    const char *method;
    const char *pattern;
} router_entry_t;

/* 1 when `path` matches `pattern` (parameters written to `out`, which may be
 * NULL), 0 when not. A trailing '/' in the path is not ignored. */
int router_match(const char *pattern, const char *path, router_params_t *out);

/* A table of routes: `n` entries laid out `stride` bytes apart, each
 * beginning with a router_entry_t. */
typedef struct router_table {
    const void *entries;
    size_t n;
    size_t stride;
} router_table_t;

/* Finds the route for `method` `path` among the entries of `ntables` tables
 * taken in order, first match wins. Returns its index within its table, the
 * table's index in *table, with *status 200; or -1 with *status 404 (no
 * pattern matches) or 405 (a non-wildcard pattern matches with another
 * method; `allow` then lists the methods that would match, "GET, POST").
 * HEAD matches GET routes. */
int router_find_in(const router_table_t *tables, size_t ntables, const char *method,
                   const char *path, router_params_t *params, size_t *table, int *status,
                   char *allow, size_t allowsz);

/* The same over one table of `n` entries laid out `stride` bytes apart. */
int router_find(const void *entries, size_t n, size_t stride, const char *method,
                const char *path, router_params_t *params, int *status,
                char *allow, size_t allowsz);

/* The value of parameter `name`, NULL when absent. */
const char *router_param(const router_params_t *params, const char *name);

#endif
