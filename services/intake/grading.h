/* grading: the four-class grading (四类, 分级处置) of an issue raised in a
 * visit: importance x difficulty -> class -> route and due date, and the
 * office's override with a reason. Pure: no I/O, no clock (the caller passes
 * the day); never decides anything the rules below do not say. */
#ifndef LIANXIN_GRADING_H
#define LIANXIN_GRADING_H

#include <stdint.h>
#include "calendar.h"

#define GRADING_SCALE_MIN 1
#define GRADING_SCALE_MAX 5
#define GRADING_REASON_MAX 2000         /* bytes of an override's reason */
#define GRADING_MAX_WORKDAYS 365

/* Who handles an issue of each class. Class n has route n. */
typedef enum {
    GRADING_ROUTE_LEADERSHIP = 1,       /* class 1: the committee's leadership */
    GRADING_ROUTE_UNIT = 2,             /* class 2: forwarded to a handling unit */
    GRADING_ROUTE_MICRO_CONSULTATION = 3, /* class 3: a 微协商 in the room */
    GRADING_ROUTE_CLOSED = 4            /* class 4: answered on the spot, closed */
} grading_route_t;

/* Errors, each tied to the input field at fault (grading_error_field). */
enum {
    GRADING_EINVAL = -1,                /* a NULL argument */
    GRADING_EIMPORTANCE = -2,
    GRADING_EDIFFICULTY = -3,
    GRADING_ECLASS = -4,
    GRADING_EREASON = -5,
    GRADING_ERULES = -6,
    GRADING_EDATE = -7                  /* the due date leaves the calendar's range */
};

/* The district's thresholds; grading_rules_default() fills the defaults. */
typedef struct grading_rules {
    int important_min;                  /* importance >= this is important (default 4) */
    int hard_min;                       /* difficulty >= this is hard (default 4) */
    int class1_workdays;                /* to the leadership within (default 1) */
    int class2_workdays;                /* the unit's reply within (default 15) */
    int class3_workdays;                /* the micro-consultation held within (default 10) */
} grading_rules_t;

/* One issue as the member or the office scored it. */
typedef struct grading_input {
    int importance;                     /* 1-5: how much it matters, to how many people */
    int difficulty;                     /* 1-5: how hard; 4-5 is beyond one department */
    int resolved_on_spot;               /* nonzero: answered or settled at the visit */
    int local;                          /* nonzero: confined to the room's area and parties */
} grading_input_t;

typedef struct grading_result {
    int grade;                          /* 1-4 */
    grading_route_t route;
    calendar_day_t due;                 /* the last day to act (class 4: the day itself) */
    int64_t due_before_us;              /* the exclusive deadline: the next day's 00:00 UTC+8 */
} grading_result_t;

void grading_rules_default(grading_rules_t *rules);

/* 0, or GRADING_ERULES when a threshold is outside 1-5 or a number of
 * working days outside 0-GRADING_MAX_WORKDAYS. */
int grading_rules_check(const grading_rules_t *rules);

/* The class of an issue (rules NULL: the defaults), first match wins:
 *   important and hard                -> 1 (even if marked resolved on the spot:
 *                                           such an issue always reaches the leadership)
 *   resolved on the spot              -> 4
 *   important (not hard)              -> 2
 *   not important, local              -> 3
 *   not important, not local          -> 2 (a department must still act)
 * 1-4, or GRADING_EIMPORTANCE / GRADING_EDIFFICULTY / GRADING_ERULES. */
int grading_class(const grading_rules_t *rules, const grading_input_t *in);

/* The route and due date of class `grade` counted from `from` (the day the
 * issue was raised, or the day of an override): class 1, 2 and 3 are due by
 * the end of calendar_add_workdays(from, classN_workdays) (0 working days:
 * the first working day from `from` on); class 4 is closed on `from`.
 * 0, or GRADING_ECLASS / GRADING_ERULES / GRADING_EDATE. */
int grading_route(const grading_rules_t *rules, const calendar_t *cal, int grade,
                  calendar_day_t from, grading_result_t *out);

/* grading_class then grading_route from `raised_on`. 0 or a GRADING_E* code. */
int grading_grade(const grading_rules_t *rules, const calendar_t *cal,
                  const grading_input_t *in, calendar_day_t raised_on, grading_result_t *out);

/* The office's override: sets class `grade` with `reason`, due dates counted
 * from `on` (the day of the override). The reason must have a character other
 * than spaces (ASCII or the ideographic U+3000) and at most GRADING_REASON_MAX
 * bytes. 0, or GRADING_ECLASS / GRADING_EREASON / GRADING_ERULES / GRADING_EDATE. */
int grading_override(const grading_rules_t *rules, const calendar_t *cal, int grade,
                     const char *reason, calendar_day_t on, grading_result_t *out);

/* "leadership", "unit", "micro_consultation", "closed"; NULL when unknown. */
const char *grading_route_name(grading_route_t route);

/* The event a route emits: "issue.escalated", "issue.forwarded",
 * "issue.micro_consultation_requested"; NULL for closed (and unknown). */
const char *grading_event_type(grading_route_t route);

/* The request field an error code blames ("importance", "difficulty",
 * "grade", "reason", "rules", "date"); NULL for 0, GRADING_EINVAL and
 * unknown codes. */
const char *grading_error_field(int err);

#endif
