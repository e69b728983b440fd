/* grading: the four-class rules and due dates of grading.h. Pure: the caller
 * supplies the calendar and the day; nothing here reads a clock, a file or
 * the database, and bad scores are answered with a code, never asserted. */
#include "grading.h"

#include <stddef.h>
#include <string.h>
#include "textfmt.h"

void grading_rules_default(grading_rules_t *rules)
{
    rules->important_min = 4;
    rules->hard_min = 4;
    rules->class1_workdays = 1;
    rules->class2_workdays = 15;
    rules->class3_workdays = 10;
}

static int s_in_scale(int v)
{
    return v >= GRADING_SCALE_MIN && v <= GRADING_SCALE_MAX;
}

static int s_days_ok(int n)
{
    return n >= 0 && n <= GRADING_MAX_WORKDAYS;
}

int grading_rules_check(const grading_rules_t *r)
{
    if (!r)
        return GRADING_EINVAL;
    if (!s_in_scale(r->important_min) || !s_in_scale(r->hard_min) || !s_days_ok(r->class1_workdays)
        || !s_days_ok(r->class2_workdays) || !s_days_ok(r->class3_workdays))
        return GRADING_ERULES;
    return 0;
}

/* The rules to use: the caller's when valid, the defaults for NULL. */
static int s_rules(const grading_rules_t *in, grading_rules_t *out)
{
    if (!in) {
        grading_rules_default(out);
        return 0;
    }
    if (grading_rules_check(in) < 0)
        return GRADING_ERULES;
    *out = *in;
    return 0;
}

int grading_class(const grading_rules_t *rules, const grading_input_t *in)
{
    grading_rules_t r;
    if (!in)
        return GRADING_EINVAL;
    if (s_rules(rules, &r) < 0)
        return GRADING_ERULES;
    if (!s_in_scale(in->importance))
        return GRADING_EIMPORTANCE;
    if (!s_in_scale(in->difficulty))
        return GRADING_EDIFFICULTY;
    int important = in->importance >= r.important_min, hard = in->difficulty >= r.hard_min;
    if (important && hard)
        return 1;
    if (in->resolved_on_spot)
        return 4;
    if (important || !in->local)
        return 2;
    return 3;
}

int grading_route(const grading_rules_t *rules, const calendar_t *cal, int grade,
                  calendar_day_t from, grading_result_t *out)
{
    grading_rules_t r;
    if (!out)
        return GRADING_EINVAL;
    if (s_rules(rules, &r) < 0)
        return GRADING_ERULES;
    if (grade < 1 || grade > 4)
        return GRADING_ECLASS;
    int year;
    calendar_day_to_ymd(from, &year, NULL, NULL);
    if (from < 0 || year > CALENDAR_YEAR_MAX)
        return GRADING_EDATE;
    const int days[5] = {0, r.class1_workdays, r.class2_workdays, r.class3_workdays, 0};
    calendar_day_t due = from;
    if (grade != 4 && calendar_add_workdays(cal, from, days[grade], &due) < 0)
        return GRADING_EDATE;
    out->grade = grade;
    out->route = (grading_route_t) grade;
    out->due = due;
    out->due_before_us = calendar_day_start_us(due + 1);
    return 0;
}

int grading_grade(const grading_rules_t *rules, const calendar_t *cal,
                  const grading_input_t *in, calendar_day_t raised_on, grading_result_t *out)
{
    int grade = grading_class(rules, in);
    if (grade < 0)
        return grade;
    return grading_route(rules, cal, grade, raised_on, out);
}

int grading_override(const grading_rules_t *rules, const calendar_t *cal, int grade,
                     const char *reason, calendar_day_t on, grading_result_t *out)
{
    if (grade < 1 || grade > 4)
        return GRADING_ECLASS;
    if (!reason || strlen(reason) > GRADING_REASON_MAX || !textfmt_has_text(reason))
        return GRADING_EREASON;
    return grading_route(rules, cal, grade, on, out);
}

const char *grading_route_name(grading_route_t route)
{
    switch (route) {
    case GRADING_ROUTE_LEADERSHIP:
        return "leadership";
    case GRADING_ROUTE_UNIT:
        return "unit";
    case GRADING_ROUTE_MICRO_CONSULTATION:
        return "micro_consultation";
    case GRADING_ROUTE_CLOSED:
        return "closed";
    }
    return NULL;
}

const char *grading_event_type(grading_route_t route)
{
    switch (route) {
    case GRADING_ROUTE_LEADERSHIP:
        return "issue.escalated";
    case GRADING_ROUTE_UNIT:
        return "issue.forwarded";
    case GRADING_ROUTE_MICRO_CONSULTATION:
        return "issue.micro_consultation_requested";
    case GRADING_ROUTE_CLOSED:
        break;
    }
    return NULL;
}

const char *grading_error_field(int err)
{
    switch (err) {
    case GRADING_EIMPORTANCE:
        return "importance";
    case GRADING_EDIFFICULTY:
        return "difficulty";
    case GRADING_ECLASS:
        return "grade";
    case GRADING_EREASON:
        return "reason";
    case GRADING_ERULES:
        return "rules";
    case GRADING_EDATE:
        return "date";
    }
    return NULL;
}
