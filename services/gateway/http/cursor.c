/* cursor: base64url (no padding) of "<tag>.<a>.<b>". Decoding is strict:
 * only the exact text an encode would produce is accepted. Pure. */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "http/cursor.h"

static const char s_b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static int s_b64_value(char c)
{
    const char *p = c ? strchr(s_b64, c) : NULL;
    return p ? (int) (p - s_b64) : -1;
}

/* base64url without padding of `n` bytes; `out` has room. */
static void s_b64_encode(const unsigned char *in, size_t n, char *out)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned) in[i] << 16;
        if (i + 1 < n)
            v |= (unsigned) in[i + 1] << 8;
        if (i + 2 < n)
            v |= in[i + 2];
        out[o++] = s_b64[(v >> 18) & 63];
        out[o++] = s_b64[(v >> 12) & 63];
        if (i + 1 < n)
            out[o++] = s_b64[(v >> 6) & 63];
        if (i + 2 < n)
            out[o++] = s_b64[v & 63];
    }
    out[o] = '\0';
}

/* Decodes into `out` (room for `max` bytes); the decoded length, or -1. */
static int s_b64_decode(const char *in, unsigned char *out, size_t max)
{
    size_t len = strlen(in), o = 0;
    if (len % 4 == 1)
        return -1;
    for (size_t i = 0; i < len; i += 4) {
        size_t chunk = len - i < 4 ? len - i : 4;
        unsigned v = 0;
        for (size_t k = 0; k < 4; k++) {
            int x = k < chunk ? s_b64_value(in[i + k]) : 0;
            if (x < 0)
                return -1;
            v = v << 6 | (unsigned) x;
        }
        size_t bytes = chunk - 1;
        if (o + bytes > max)
            return -1;
        for (size_t k = 0; k < bytes; k++)
            out[o++] = (unsigned char) (v >> (16 - 8 * k));
    }
    return (int) o;
}

int cursor_encode(char tag, int64_t a, int64_t b, char *out, size_t outsz)
{
    char plain[48];
    if (tag < 'a' || tag > 'z')
        return -1;
    int n = snprintf(plain, sizeof plain, "%c.%" PRId64 ".%" PRId64, tag, a, b);
    if (n < 0 || (size_t) n >= sizeof plain)
        return -1;
    size_t need = ((size_t) n * 4 + 2) / 3 + 1;
    if (need > outsz)
        return -1;
    s_b64_encode((const unsigned char *) plain, (size_t) n, out);
    return 0;
}

int cursor_decode(const char *text, char tag, int64_t *a, int64_t *b)
{
    unsigned char plain[48];
    if (!text || strlen(text) >= CURSOR_MAX)
        return -1;
    int n = s_b64_decode(text, plain, sizeof plain - 1);
    if (n < 5)
        return -1;
    plain[n] = '\0';
    if (plain[0] != (unsigned char) tag || plain[1] != '.')
        return -1;
    char *end;
    errno = 0;
    long long x = strtoll((const char *) plain + 2, &end, 10);
    if (errno || *end != '.')
        return -1;
    long long y = strtoll(end + 1, &end, 10);
    if (errno || *end != '\0')
        return -1;
    char check[CURSOR_MAX];
    /* only the canonical text counts: no spaces, signs or zeros it would not write */
    if (cursor_encode(tag, x, y, check, sizeof check) != 0 || strcmp(check, text) != 0)
        return -1;
    *a = x;
    *b = y;
    return 0;
}
