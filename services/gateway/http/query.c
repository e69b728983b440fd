/* query: query-string parsing and the API's parameter value rules. Pure.
 * Decoded values are only ever handed on after one of the strict value
 * parsers below (or an enum lookup) accepted them. */

#include <string.h>
#include "http/query.h"

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

static int s_allowed(const char *const *allowed, const char *key)
{
    for (size_t i = 0; allowed && allowed[i]; i++)
        if (strcmp(allowed[i], key) == 0)
            return 1;
    return 0;
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
static int s_piece(const char *s, size_t len, const char *const *allowed, query_t *out,
                   char *bad, size_t badsz, const char **code)
{
    const char *eq = memchr(s, '=', len);
    size_t klen = eq ? (size_t) (eq - s) : len;
    char key[QUERY_MAX_KEY + 1];
    int rc = s_decode(s, klen, key, QUERY_MAX_KEY);
    if (rc != 0)
        return s_fail(bad, badsz, "", code, rc == -2 ? "too_long" : "invalid");
    if (!s_allowed(allowed, key))
        return s_fail(bad, badsz, key, code, "unknown_parameter");
    if (query_get(out, key))
        return s_fail(bad, badsz, key, code, "duplicate");
    if (out->n >= QUERY_MAX_PARAMS)
        return s_fail(bad, badsz, key, code, "too_many");
    const char *v = eq ? eq + 1 : s + len;
    size_t vlen = eq ? len - klen - 1 : 0;
    rc = s_decode(v, vlen, out->kv[out->n].value, QUERY_MAX_VALUE);
    if (rc != 0)
        return s_fail(bad, badsz, key, code, rc == -2 ? "too_long" : "invalid");
    strcpy(out->kv[out->n].key, key);
    out->n++;
    return 0;
}

int query_parse(const char *raw, const char *const *allowed, query_t *out,
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
        if (len > 0 && s_piece(s, len, allowed, out, bad, badsz, code) != 0)
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
