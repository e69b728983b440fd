/* contact: the checks of a person's phone number and e-mail address as a
 * user types them (a visitor's phone, a consultation contact's phone and
 * e-mail). Pure functions on C strings; no I/O. */
#ifndef LIANXIN_CONTACT_H
#define LIANXIN_CONTACT_H

#define CONTACT_PHONE_MIN 5         /* characters */
#define CONTACT_PHONE_MAX 20
#define CONTACT_EMAIL_MAX 100       /* bytes */

/* 1 when `phone` is CONTACT_PHONE_MIN..CONTACT_PHONE_MAX characters of
 * digits, '+', '-' and ' ' with at least one digit; 0 otherwise. Sets
 * *too_long (when not NULL) when it is only the length that exceeds the
 * limit. */
int contact_phone_ok(const char *phone, int *too_long);

/* 1 when `email` is at most CONTACT_EMAIL_MAX bytes of printable ASCII
 * without spaces, one '@' with something before it and a domain after it
 * that has a '.' neither first nor last; 0 otherwise. Sets *too_long (when
 * not NULL) when it is longer than the limit. */
int contact_email_ok(const char *email, int *too_long);

#endif
