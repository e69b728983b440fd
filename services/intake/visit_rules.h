/* visit_rules: the pure rules of a RecordVisit command (a member records
 * only visits they took part in, and what a well-formed visit looks like). No I/O and no clock: the
 * caller passes "now". Never looks at the database; existence of rooms and
 * members is the execute step's business (visits.c). */
#ifndef LIANXIN_VISIT_RULES_H
#define LIANXIN_VISIT_RULES_H

#include <stddef.h>
#include <stdint.h>
#include "common.pb-c.h"
#include "contact.h"
#include "intake.pb-c.h"

#define VISIT_MAX_SUMMARY   4000        /* code points */
#define VISIT_MAX_LOCATION  200
#define VISIT_MAX_PROMISED  1000
#define VISIT_MAX_NAME      50
#define VISIT_MIN_PHONE     CONTACT_PHONE_MIN   /* characters */
#define VISIT_MAX_PHONE     CONTACT_PHONE_MAX
#define VISIT_MAX_MEMBERS   20
#define VISIT_MAX_FUTURE_US (24LL * 3600 * 1000000)
#define VISIT_MAX_ERRORS    16

/* The field errors found in one request, in the order found. `code` points
 * to a static string: required, invalid, too_long, too_many, out_of_range,
 * duplicate. */
typedef struct visit_errors {
    int n;
    struct { char field[64]; const char *code; } e[VISIT_MAX_ERRORS];
} visit_errors_t;

/* Number of code points in the `len` bytes at `s`, or -1 when they are not
 * valid UTF-8 (overlong forms, surrogates, values above U+10FFFF and
 * truncated sequences are all invalid). */
long visit_utf8_chars(const char *s, size_t len);

/* 1 when `phone` is 5..20 characters of digits, '+', '-' and ' ' with at
 * least one digit; 0 otherwise. Sets *too_long when it is only the length
 * that exceeds the limit. */
int visit_phone_ok(const char *phone, int *too_long);

/* What RecordVisit's row cannot say (it admits admin, office and member in
 * their district): a member records only visits they took part in, i.e.
 * their member id is among member_ids. 0 when allowed (any other role, or
 * such a member), -1 when forbidden (also for a NULL actor or a member user
 * with no member id). */
int visit_rules_member_ok(const Lianxin__V1__Actor *actor, const int64_t *member_ids,
                          size_t n_member_ids);

/* Checks the request's own content as of `now_us` and records every
 * problem in `errs` (zeroed first). On success *received_us holds the
 * parsed received_at. 0 when valid, -1 when any error was recorded. */
int visit_rules_check(const Lianxin__V1__RecordVisit *rv, int64_t now_us,
                      visit_errors_t *errs, int64_t *received_us);

/* True when a visitor block carries a name or a phone (else: anonymous). */
int visit_has_visitor(const Lianxin__V1__RecordVisit *rv);

#endif
