/* mask: shows personal data of the public partly hidden. Pure functions on
 * UTF-8 text, no I/O, no allocation. Never returns more of the input than the
 * rules below keep, whatever the input (invalid UTF-8 becomes a lone "*"). */
#include "mask.h"

#include <string.h>

/* ---- UTF-8 ------------------------------------------------------------- */

/* The length in bytes of the well-formed UTF-8 sequence at `s` (at most `n`
 * bytes are read), or 0 when it is not well-formed: overlong forms,
 * surrogates and code points above U+10FFFF are refused. */
static size_t
s_utf8_len(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    size_t len;
    unsigned cp, min;
    if (c < 0x80)
        return 1;
    else if ((c & 0xE0) == 0xC0) { len = 2; cp = c & 0x1F; min = 0x80; }
    else if ((c & 0xF0) == 0xE0) { len = 3; cp = c & 0x0F; min = 0x800; }
    else if ((c & 0xF8) == 0xF0) { len = 4; cp = c & 0x07; min = 0x10000; }
    else
        return 0;
    if (len > n)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return len;
}

/* Writes "*" (the answer for input that is not UTF-8). */
static int
s_star(char *out, size_t outsz)
{
    if (outsz < 2)
        return -1;
    memcpy(out, "*", 2);
    return 0;
}

/* ---- names ------------------------------------------------------------- */

int
mask_name(const char *name, char *out, size_t outsz)
{
    if (!name || !out || outsz == 0)
        return -1;
    const unsigned char *s = (const unsigned char *) name;
    size_t n = strlen(name), pos = 0, used = 0;
    while (pos < n) {
        size_t len = s_utf8_len(s + pos, n - pos);
        if (len == 0)
            return s_star(out, outsz);
        size_t add = pos == 0 ? len : 1;
        if (used + add >= outsz)
            return -1;
        if (pos == 0)
            memcpy(out, name, len);
        else
            out[used] = '*';
        used += add;
        pos += len;
    }
    out[used] = '\0';
    return 0;
}

/* ---- phone numbers ------------------------------------------------------- */

/* Separators are shown as they are; every other character is a "digit". */
static int
s_is_separator(unsigned char c)
{
    return c == '+' || c == '-' || c == ' ' || c == '(' || c == ')' || c == '.';
}

/* Counts the digit positions of `phone`; -1 when it is not UTF-8. */
static long
s_count_digits(const unsigned char *s, size_t n)
{
    long count = 0;
    for (size_t pos = 0; pos < n;) {
        size_t len = s_utf8_len(s + pos, n - pos);
        if (len == 0)
            return -1;
        if (!(len == 1 && s_is_separator(s[pos])))
            count++;
        pos += len;
    }
    return count;
}

int
mask_phone(const char *phone, char *out, size_t outsz)
{
    if (!phone || !out || outsz == 0)
        return -1;
    const unsigned char *s = (const unsigned char *) phone;
    size_t n = strlen(phone), used = 0;
    long digits = s_count_digits(s, n);
    if (digits < 0)
        return s_star(out, outsz);
    long keep_tail = digits > 7 ? 4 : 2;
    long idx = 0;
    for (size_t pos = 0; pos < n;) {
        size_t len = s_utf8_len(s + pos, n - pos);
        int sep = len == 1 && s_is_separator(s[pos]);
        int keep = sep || idx >= digits - keep_tail;
        size_t add = keep ? len : 1;
        if (used + add >= outsz)
            return -1;
        if (keep)
            memcpy(out + used, phone + pos, len);
        else
            out[used] = '*';
        used += add;
        idx += !sep;
        pos += len;
    }
    out[used] = '\0';
    return 0;
}

/* ---- locations ------------------------------------------------------------ */

int
mask_location(const char *location, char *out, size_t outsz)
{
    if (!location || !out || outsz == 0)
        return -1;
    size_t n = strlen(location);
    if (n == 0) {
        out[0] = '\0';
        return 0;
    }
    size_t len = s_utf8_len((const unsigned char *) location, n);
    if (len == 0)
        return s_star(out, outsz);
    if (len + 4 > outsz)
        return -1;
    memcpy(out, location, len);
    memcpy(out + len, "***", 4);
    return 0;
}

/* ---- e-mail addresses --------------------------------------------------------- */

int
mask_email(const char *email, char *out, size_t outsz)
{
    if (!email || !out || outsz == 0)
        return -1;
    const unsigned char *s = (const unsigned char *) email;
    size_t n = strlen(email);
    if (n == 0) {
        out[0] = '\0';
        return 0;
    }
    const char *at = strrchr(email, '@');
    size_t first = s_utf8_len(s, n);
    if (first == 0 || !at || (size_t) (at - email) < first)
        return s_star(out, outsz);
    for (size_t pos = (size_t) (at - email); pos < n;) {
        size_t len = s_utf8_len(s + pos, n - pos);
        if (len == 0)
            return s_star(out, outsz);
        pos += len;
    }
    size_t domain = n - (size_t) (at - email);
    if (first + 3 + domain >= outsz)
        return -1;
    memcpy(out, email, first);
    memcpy(out + first, "***", 3);
    memcpy(out + first + 3, at, domain + 1);
    return 0;
}
