/* proposal_rules: the pure rules of proposal handling, with no I/O so unit
 * tests call them directly: the human number (2026-0123), the reply's due
 * date in working days, the hand-back window (10 working days), the
 * closed lists of values (refusal reasons, contact stages and forms, reply
 * classes, verdicts) and a reply's own consistency. Never logs. */
#ifndef LIANXIN_PROPOSAL_RULES_H
#define LIANXIN_PROPOSAL_RULES_H

#include <stddef.h>
#include "calendar.h"

#define PROPOSAL_REPLY_WORKDAYS 63       /* about three months of working days */
#define PROPOSAL_HANDBACK_WORKDAYS 10    /* a unit may hand it back within these */
#define PROPOSAL_COSIGN_WORKDAYS 5       /* co-signers confirm within these */
#define PROPOSAL_WORKDAYS_MAX 250
#define PROPOSAL_REASONS_MAX 16
#define PROPOSAL_REPLY_TEXT_MAX 20000    /* bytes of a reply's text */
#define PROPOSAL_REPLY_REASON_MAX 4000   /* bytes of a C reply's reason */

/* "2026-0123" into out (at least 16 bytes): the year and the number padded
 * to four digits (more digits when it grows past 9999). 0, or -1 for a
 * number below 1 or a year outside 1970..9999. */
int proposal_number_format(int year, int number, char *out, size_t outsz);

/* The reply's due date: the `workdays`-th working day strictly after
 * `assigned_on` (common/calendar). 0, or -1 when workdays is outside
 * 1..PROPOSAL_WORKDAYS_MAX or the calendar cannot say. */
int proposal_due_date(const calendar_t *cal, calendar_day_t assigned_on, int workdays,
                      calendar_day_t *due);

/* 1 when a unit assigned on `assigned_on` may still hand the proposal back
 * on `today`: at most PROPOSAL_HANDBACK_WORKDAYS working days have passed
 * (the day of assignment itself counts as none). */
int proposal_handback_open(const calendar_t *cal, calendar_day_t assigned_on,
                           calendar_day_t today);

/* The configurable refusal reasons: `text` a comma-separated list of codes
 * ([a-z0-9_], 1..32 bytes each, at most PROPOSAL_REASONS_MAX), or NULL/""
 * for the defaults. Returns how many were put into `out` (codes copied,
 * 33 bytes each), or -1 when the text is malformed. */
int proposal_reasons_parse(const char *text, char out[][33], int max);

/* Whether `v` is one of `set` (NULL-terminated). */
int proposal_in(const char *v, const char *const *set);

extern const char *const proposal_stages[];     /* before, during, after */
extern const char *const proposal_forms[];      /* visit, phone, meeting */
extern const char *const proposal_classes[];    /* a, b, c */
extern const char *const proposal_verdicts[];   /* satisfied, basically_satisfied, unsatisfied */
extern const char *const proposal_convert_to[]; /* report, letter */

/* A reply's own consistency: class a, b or c; text present; b needs a
 * promised date after `today`; c needs a reason. 0, or -1 with *field and
 * *code naming the first fault (class/unknown_value, text/required|too_long,
 * promised_date/required|invalid|out_of_range, reason/required|too_long). */
int proposal_reply_check(const char *cls, const char *text, const char *promised,
                         const char *reason, calendar_day_t today, const char **field,
                         const char **code);

#endif
