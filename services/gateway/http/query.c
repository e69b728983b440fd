/* query: query-string parsing and the API's parameter value rules. Pure.
 * Decoded values are only ever handed on after the route's declared type
 * (query_check) accepted them: UTF-8 first, then the type's own shape. */

#include <string.h>
#include "http/query.h"
#include "jsonpb.h"

static int s_hex(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Decodes `len` bytes of `s` into `out` (room for `max` bytes plus NUL).
 * 0, -1 on a bad escape or a NUL byte, -2 when it does not fit. */
static int s_decode(const char *s, size_t len, char *out, size_t max)
{
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        int c = (unsigned char) s[i];
        if (c == '+') {
            c = ' ';
        } else if (c == '%') {
            if (i + 2 >= len)
                return -1;
            int hi = s_hex(s[i + 1]), lo = s_hex(s[i + 2]);
            if (hi < 0 || lo < 0)
                return -1;
            c = hi * 16 + lo;
            i += 2;
        }
        if (c == 0)
            return -1;
        if (o >= max)
            return -2;
        out[o++] = (char) c;
    }
    out[o] = '\0';
    return 0;
}

static const query_param_t *s_param(const query_param_t *params, const char *key)
{
    for (size_t i = 0; params && params[i].key; i++)
        if (strcmp(params[i].key, key) == 0)
            return &params[i];
    return NULL;
}

/* ---- value rules ------------------------------------------------------------------ */

/* The length of the UTF-8 sequence at `u` (at most `left` bytes), 0 when it
 * is malformed, overlong, a surrogate or above U+10FFFF. */
static size_t s_utf8_seq(const unsigned char *u, size_t left)
{
    size_t n = u[0] < 0x80 ? 1 : u[0] >= 0xC2 && u[0] <= 0xDF ? 2
             : u[0] >= 0xE0 && u[0] <= 0xEF ? 3 : u[0] >= 0xF0 && u[0] <= 0xF4 ? 4 : 0;
    if (n == 0 || n > left)
        return 0;
    for (size_t i = 1; i < n; i++)
        if ((u[i] & 0xC0) != 0x80)
            return 0;
    if ((u[0] == 0xE0 && u[1] < 0xA0) || (u[0] == 0xED && u[1] > 0x9F) ||
        (u[0] == 0xF0 && u[1] < 0x90) || (u[0] == 0xF4 && u[1] > 0x8F))
        return 0;
    return n;
}

int query_utf8_ok(const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *) s;
    for (size_t i = 0; i < len;) {
        size_t n = s_utf8_seq(u + i, len - i);
        if (n == 0 || (n == 1 && (u[i] < 0x20 || u[i] == 0x7F)) ||
            (n == 2 && u[i] == 0xC2 && u[i + 1] < 0xA0))
            return 0;
        i += n;
    }
    return 1;
}

/* 1 when every byte of `v` is in `set` (and v is not empty). */
static int s_only(const char *v, const char *set)
{
    return *v && strspn(v, set) == strlen(v);
}

/* 1 when `v` has the shape of `shape`: '9' a digit, anything else itself. */
static int s_shape(const char *v, const char *shape)
{
    if (strlen(v) != strlen(shape))
        return 0;
    for (; *shape; v++, shape++)
        if (*shape == '9' ? (*v < '0' || *v > '9') : *v != *shape)
            return 0;
    return 1;
}

static int s_enum_ok(const query_param_t *p, const char *v)
{
    for (size_t i = 0; p->values && p->values[i]; i++)
        if (strcmp(p->values[i], v) == 0)
            return 1;
    if (!p->pb_enum)
        return 0;
    int value;
    return jsonpb_enum_value(p->pb_enum, v, &value) == 0 && value != 0;
}

#define S_DIGITS "0123456789"

const char *query_check(const query_param_t *p, const char *v)
{
    int64_t id;
    int b;
    if (!query_utf8_ok(v, strlen(v)))
        return "invalid";
    switch (p->type) {
    case QP_TEXT:   return NULL;
    case QP_ID:     return query_id(v, &id) == 0 ? NULL : "invalid";
    case QP_LIMIT:  return !*v || s_only(v, S_DIGITS) ? NULL : "out_of_range";
    case QP_BOOL:   return query_bool(v, &b) == 0 ? NULL : "invalid";
    case QP_DATE:   return s_shape(v, "9999-99-99") ? NULL : "invalid";
    case QP_MONTH:  return s_shape(v, "9999-99") ? NULL : "invalid";
    case QP_TIME:   return s_only(v, S_DIGITS "T:.+-Z") ? NULL : "invalid";
    case QP_ENUM:   return s_enum_ok(p, v) ? NULL : "unknown_value";
    case QP_CURSOR:
        return s_only(v, S_DIGITS "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_-")
                   ? NULL : "invalid";
    case QP_TOKEN:
        for (const char *c = v; *c; c++)
            if (*c <= ' ' || *c > '~')
                return "invalid";
        return NULL;
    default:        return "invalid";
    }
}

static int s_fail(char *bad, size_t badsz, const char *key, const char **code, const char *c)
{
    if (bad && badsz) {
        strncpy(bad, key ? key : "", badsz - 1);
        bad[badsz - 1] = '\0';
    }
    *code = c;
    return -1;
}

/* Parses one "key=value" piece of `len` bytes into the next slot of `out`. */
static int s_piece(const char *s, size_t len, const query_param_t *params, query_t *out,
                   char *bad, size_t badsz, const char **code)
{
    const char *eq = memchr(s, '=', len);
    size_t klen = eq ? (size_t) (eq - s) : len;
    char key[QUERY_MAX_KEY + 1];
    int rc = s_decode(s, klen, key, QUERY_MAX_KEY);
    if (rc != 0)
        return s_fail(bad, badsz, "", code, rc == -2 ? "too_long" : "invalid");
    const query_param_t *p = s_param(params, key);
    if (!p)
        return s_fail(bad, badsz, query_utf8_ok(key, strlen(key)) ? key : "", code,
                      "unknown_parameter");
    if (query_get(out, key))
        return s_fail(bad, badsz, key, code, "duplicate");
    if (out->n >= QUERY_MAX_PARAMS)
        return s_fail(bad, badsz, key, code, "too_many");
    const char *v = eq ? eq + 1 : s + len;
    size_t vlen = eq ? len - klen - 1 : 0;
    rc = s_decode(v, vlen, out->kv[out->n].value, QUERY_MAX_VALUE);
    if (rc != 0)
        return s_fail(bad, badsz, key, code, rc == -2 ? "too_long" : "invalid");
    const char *why = query_check(p, out->kv[out->n].value);
    if (why)
        return s_fail(bad, badsz, key, code, why);
    strcpy(out->kv[out->n].key, key);
    out->n++;
    return 0;
}

int query_parse(const char *raw, const query_param_t *params, query_t *out,
                char *bad, size_t badsz, const char **code)
{
    out->n = 0;
    if (bad && badsz)
        bad[0] = '\0';
    if (!raw)
        return 0;
    if (strlen(raw) > QUERY_MAX_RAW)
        return s_fail(bad, badsz, "", code, "too_long");
    const char *s = raw;
    while (*s) {
        size_t len = strcspn(s, "&");
        if (len > 0 && s_piece(s, len, params, out, bad, badsz, code) != 0)
            return -1;
        s += len;
        if (*s == '&')
            s++;
    }
    return 0;
}

const char *query_get(const query_t *q, const char *key)
{
    for (int i = 0; i < q->n; i++)
        if (strcmp(q->kv[i].key, key) == 0)
            return q->kv[i].value;
    return NULL;
}

/* A plain decimal of 1..18 digits without sign or leading zero. */
static int s_decimal(const char *v, int64_t *out)
{
    size_t n = v ? strlen(v) : 0;
    if (n == 0 || n > 18 || v[0] == '0')
        return -1;
    int64_t x = 0;
    for (size_t i = 0; i < n; i++) {
        if (v[i] < '0' || v[i] > '9')
            return -1;
        x = x * 10 + (v[i] - '0');
    }
    *out = x;
    return 0;
}

int query_limit(const char *v, int dflt, int max, int *out)
{
    int64_t x;
    if (!v || !*v) {
        *out = dflt;
        return 0;
    }
    if (s_decimal(v, &x) != 0 || x < 1 || x > max)
        return -1;
    *out = (int) x;
    return 0;
}

int query_bool(const char *v, int *out)
{
    if (v && (strcmp(v, "true") == 0 || strcmp(v, "1") == 0)) {
        *out = 1;
        return 0;
    }
    if (v && (strcmp(v, "false") == 0 || strcmp(v, "0") == 0)) {
        *out = 0;
        return 0;
    }
    return -1;
}

int query_id(const char *v, int64_t *out)
{
    return s_decimal(v, out);
}
