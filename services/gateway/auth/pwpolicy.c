/* pwpolicy: the password rules (see pwpolicy.h). Pure: never logs, never
 * keeps a password, never looks at a clock. */

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "auth/pwpolicy.h"

#define PW_PREFIX "pbkdf2-sha256$"

/* The length of the UTF-8 sequence starting with byte `c`, 0 when `c`
 * cannot start one (overlong leads C0/C1 and F5..FF included). */
static int s_seq_len(unsigned char c)
{
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        return 2;
    if (c >= 0xE0 && c <= 0xEF)
        return 3;
    if (c >= 0xF0 && c <= 0xF4)
        return 4;
    return 0;
}

long pwpolicy_chars(const char *s)
{
    long n = 0;
    const unsigned char *p = (const unsigned char *) s;
    while (*p) {
        int len = s_seq_len(*p);
        if (len == 0)
            return -1;
        for (int i = 1; i < len; i++)
            if ((p[i] & 0xC0) != 0x80)
                return -1;
        if ((len == 3 && p[0] == 0xE0 && p[1] < 0xA0) ||     /* overlong */
            (len == 3 && p[0] == 0xED && p[1] >= 0xA0) ||    /* surrogates */
            (len == 4 && p[0] == 0xF0 && p[1] < 0x90) ||
            (len == 4 && p[0] == 0xF4 && p[1] >= 0x90))
            return -1;
        p += len;
        n++;
    }
    return n;
}

unsigned pwpolicy_classes(const char *password)
{
    unsigned c = 0;
    for (const unsigned char *p = (const unsigned char *) password; *p; p++) {
        if (*p >= 'a' && *p <= 'z')
            c |= 1u;
        else if (*p >= 'A' && *p <= 'Z')
            c |= 2u;
        else if (*p >= '0' && *p <= '9')
            c |= 4u;
        else
            c |= 8u;
    }
    return c;
}

static int s_popcount(unsigned v)
{
    int n = 0;
    for (; v; v &= v - 1)
        n++;
    return n;
}

static int s_has_control(const char *s)
{
    for (const unsigned char *p = (const unsigned char *) s; *p; p++)
        if (*p < 0x20 || *p == 0x7F)
            return 1;
    return 0;
}

const char *pwpolicy_check(const char *password, const char *username)
{
    if (!password)
        return "required";
    if (strlen(password) > PWPOLICY_MAX_BYTES)
        return "too_long";
    long chars = pwpolicy_chars(password);
    if (chars < 0 || s_has_control(password))
        return "invalid";
    if (chars < PWPOLICY_MIN_CHARS)
        return "too_short";
    if (chars < PWPOLICY_LONG_CHARS && s_popcount(pwpolicy_classes(password)) < PWPOLICY_MIN_CLASSES)
        return "too_weak";
    if (username && strcasecmp(password, username) == 0)
        return "same_as_username";
    return NULL;
}

unsigned pwpolicy_iterations(const char *stored)
{
    size_t n = strlen(PW_PREFIX);
    if (!stored || strncmp(stored, PW_PREFIX, n) != 0)
        return 0;
    char *end = NULL;
    unsigned long v = strtoul(stored + n, &end, 10);
    if (end == stored + n || *end != '$' || v == 0 || v > 100000000UL)
        return 0;
    return (unsigned) v;
}

int pwpolicy_needs_rehash(const char *stored, unsigned want)
{
    return pwpolicy_iterations(stored) < want;
}

int pwpolicy_expired(int64_t changed_us, int64_t now_us, int days)
{
    if (days <= 0)
        return 0;
    return now_us - changed_us >= (int64_t) days * 86400 * 1000000;
}
