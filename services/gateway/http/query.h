/* query: the query string of a request, parsed by rules rather than trust:
 * percent-decoding, '+' as space, at most QUERY_MAX_PARAMS parameters, each
 * key known to the route and given once, values of bounded length without
 * NUL bytes; plus the parsers of the values the API takes (limit, booleans,
 * ids). Pure: no I/O. */
#ifndef GW_QUERY_H
#define GW_QUERY_H

#include <stddef.h>
#include <stdint.h>

#define QUERY_MAX_PARAMS 16
#define QUERY_MAX_KEY 31
#define QUERY_MAX_VALUE 256
#define QUERY_MAX_RAW 4096

typedef struct query {
    int n;
    struct {
        char key[QUERY_MAX_KEY + 1];
        char value[QUERY_MAX_VALUE + 1];
    } kv[QUERY_MAX_PARAMS];
} query_t;

/* Parses `raw` (the text after '?', NULL or "" for none). `allowed` is a
 * NULL-terminated list of the keys the route takes (NULL: none). Empty
 * pieces ("a=1&&b=2") are skipped; "key" alone has the value "". Returns 0,
 * or -1 with `bad` set to the offending key (cut to fit, "" when the raw text
 * itself is at fault) and *code to one of: unknown_parameter, duplicate,
 * too_long, too_many, invalid (a bad escape or a NUL). */
int query_parse(const char *raw, const char *const *allowed, query_t *out,
                char *bad, size_t badsz, const char **code);

/* The value of `key`, NULL when absent. */
const char *query_get(const query_t *q, const char *key);

/* A page size: NULL or "" gives `dflt`; otherwise a plain decimal in
 * 1..`max`. 0, or -1 when out of range or not a number. */
int query_limit(const char *v, int dflt, int max, int *out);

/* "true"/"false" (also "1"/"0"). 0, or -1. */
int query_bool(const char *v, int *out);

/* A positive 64-bit decimal id (no sign, no leading zeros, at most 18
 * digits). 0, or -1. */
int query_id(const char *v, int64_t *out);

#endif
