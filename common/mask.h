/* mask: how personal data of the public is shown to those who may not read
 * it in full. Pure functions on UTF-8 text; no I/O. */
#ifndef LIANXIN_MASK_H
#define LIANXIN_MASK_H

#include <stddef.h>

/* Keeps the first character of a name and replaces every other character by
 * '*': "张三" -> "张*", "欧阳娜娜" -> "欧***", "" -> "". Works on UTF-8 code
 * points; invalid UTF-8 yields "*". 0, or -1 when `out` is too small. */
int mask_name(const char *name, char *out, size_t outsz);

/* Keeps at most the last four digits of a phone number and masks the rest,
 * separators shown as they are: "13812345678" -> "*******5678". Numbers of 7
 * characters or fewer keep only their last two: "5551234" -> "*****34".
 * 0, or -1 when `out` is too small. */
int mask_phone(const char *phone, char *out, size_t outsz);

/* A sealed location (a home visit's address) as shown to everyone: its first
 * character and "***", whatever its length: "永中街道幸福小区3幢" -> "永***",
 * "" -> "". Invalid UTF-8 yields "*". 0, or -1 when `out` is too small. */
int mask_location(const char *location, char *out, size_t outsz);

/* An e-mail address as shown to those who may not read it: the first
 * character of its local part, "***" and the domain as it is:
 * "wang.li@example.com" -> "w***@example.com". Without an '@' after a first
 * character, or on invalid UTF-8: "*". "" -> "". 0, or -1 when `out` is too
 * small. */
int mask_email(const char *email, char *out, size_t outsz);

#endif
