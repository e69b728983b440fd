/* query: the query string of a request, parsed by rules rather than trust:
 * percent-decoding, '+' as space, at most QUERY_MAX_PARAMS parameters, each
 * key declared by the route (with its type) and given once, values of
 * bounded length that are well-formed UTF-8 without control characters and
 * of the declared type; plus the parsers of the values the API takes (limit,
 * booleans, ids). Pure: no I/O. A value that reaches a handler can never be
 * what PostgreSQL refuses as text (22021) nor cut short by a NUL. */
#ifndef GW_QUERY_H
#define GW_QUERY_H

#include <stddef.h>
#include <stdint.h>
#include <protobuf-c/protobuf-c.h>

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

/* The type of a query parameter, checked by query_parse before any handler
 * sees the value (the handler may check more: ranges, dates that exist).
 * Every value is first well-formed UTF-8 (no overlong forms, surrogates or
 * code points above U+10FFFF) without control characters. */
typedef enum query_type {
    QP_TEXT = 0,    /* free text; "" allowed */
    QP_ID,          /* a positive decimal id (query_id) */
    QP_LIMIT,       /* "" (the default) or a plain decimal: else out_of_range */
    QP_BOOL,        /* true/false/1/0 */
    QP_DATE,        /* YYYY-MM-DD */
    QP_MONTH,       /* YYYY-MM */
    QP_TIME,        /* a date or an RFC 3339 instant: [0-9T:.+-Z] only */
    QP_ENUM,        /* one of `values` (or of `pb_enum`'s names but the zero one):
                     * else unknown_value */
    QP_CURSOR,      /* an opaque page cursor: [A-Za-z0-9_-] only */
    QP_TOKEN,       /* a credential: printable ASCII without spaces; "" allowed */
    QP_TYPE_COUNT
} query_type_t;

/* One parameter a route takes; a route's list ends with {NULL}. */
typedef struct query_param {
    const char *key;
    query_type_t type;
    const char *const *values;                  /* QP_ENUM: NULL-terminated */
    const ProtobufCEnumDescriptor *pb_enum;     /* QP_ENUM: or a protobuf enum's JSON
                                                 * names (jsonpb), but the zero one */
} query_param_t;

/* Rows of a route's list, designated so that later members stay zero. */
#define QP(k, t) {.key = (k), .type = (t)}
#define QP_ONE_OF(k, vals) {.key = (k), .type = QP_ENUM, .values = (vals)}
#define QP_PB_ENUM(k, desc) {.key = (k), .type = QP_ENUM, .pb_enum = (desc)}
#define QP_END {.key = NULL}

/* Parses `raw` (the text after '?', NULL or "" for none). `params` is the
 * route's {NULL}-terminated list of parameters (NULL: none). Empty pieces
 * ("a=1&&b=2") are skipped; "key" alone has the value "". Returns 0, or -1
 * with `bad` set to the offending key (cut to fit, "" when the raw text
 * itself is at fault) and *code to one of: unknown_parameter, duplicate,
 * too_long, too_many, invalid (a bad escape, a NUL, bad UTF-8, a control
 * character, not of the declared type), unknown_value (QP_ENUM),
 * out_of_range (QP_LIMIT). */
int query_parse(const char *raw, const query_param_t *params, query_t *out,
                char *bad, size_t badsz, const char **code);

/* The check query_parse makes of one decoded value of type `p`: NULL when
 * it is acceptable, else the error code. */
const char *query_check(const query_param_t *p, const char *value);

/* 1 when `s` (`len` bytes) is well-formed UTF-8 (RFC 3629: no overlong
 * forms, no surrogates, nothing above U+10FFFF) without control characters
 * (C0, DEL, C1), else 0. */
int query_utf8_ok(const char *s, size_t len);

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
