/* pwpolicy: the password rules, pure (no I/O, times are arguments): what a
 * new password must be (long, or of several character classes; not the
 * username; not over the limit, which is refused and never cut), whether a
 * stored hash is weaker than the configured iterations (then it is re-hashed
 * at the next login), and whether a password has expired. */
#ifndef GW_PWPOLICY_H
#define GW_PWPOLICY_H

#include <stddef.h>
#include <stdint.h>

#define PWPOLICY_MAX_BYTES 1024     /* longer passwords are refused, never cut */
#define PWPOLICY_MIN_CHARS 8        /* the floor, even with every class */
#define PWPOLICY_LONG_CHARS 12      /* this long needs no classes */
#define PWPOLICY_MIN_CLASSES 3      /* of lower, upper, digit, other */
#define PWPOLICY_HISTORY 5          /* the last passwords that may not come back */

/* NULL when `password` may be the new password of `username`, else the
 * field error code: "too_long" (over PWPOLICY_MAX_BYTES bytes), "invalid"
 * (not UTF-8, or a control character), "too_short" (under
 * PWPOLICY_MIN_CHARS characters), "too_weak" (under PWPOLICY_LONG_CHARS
 * characters and under PWPOLICY_MIN_CLASSES classes), "same_as_username"
 * (equal to the username, ignoring ASCII case). Reuse of an old password is
 * checked against the hashes by the caller ("reused"). */
const char *pwpolicy_check(const char *password, const char *username);

/* The character classes of `password`: bit 0 lower, 1 upper, 2 digit, 3
 * other (any non-ASCII character counts as other). */
unsigned pwpolicy_classes(const char *password);

/* The UTF-8 characters of `s`, or -1 when it is not valid UTF-8. */
long pwpolicy_chars(const char *s);

/* The iterations of a stored "pbkdf2-sha256$<n>$..." hash, 0 when it has
 * another shape. */
unsigned pwpolicy_iterations(const char *stored);

/* 1 when `stored` should be re-hashed with `want` iterations (it has fewer,
 * or another shape); 0 otherwise. */
int pwpolicy_needs_rehash(const char *stored, unsigned want);

/* 1 when a password changed at `changed_us` has expired at `now_us` under
 * an expiry of `days` (0: passwords never expire); 0 otherwise. */
int pwpolicy_expired(int64_t changed_us, int64_t now_us, int days);

#endif
