/* consult_rules: the pure rules of lianxin-consult: the allowed values
 * (forms, series, participant roles, the four topic kinds and the three
 * refused ones), the limits, the research gate and the outcome's due dates
 * in calendar months. No I/O. */
#ifndef LIANXIN_CONSULT_RULES_H
#define LIANXIN_CONSULT_RULES_H

#include <stddef.h>
#include "calendar.h"

#define CONSULT_TITLE_MAX 600           /* bytes: 200 CJK characters */
#define CONSULT_TEXT_MAX 20000
#define CONSULT_REASON_MAX 1500
#define CONSULT_NAME_MAX 120
#define CONSULT_PARTICIPANTS_MAX 200
#define CONSULT_TASKS_MAX 50
#define CONSULT_SLOT_PARTIES_MAX 60     /* members and leaders in one suggest-slots */
#define CONSULT_ANSWER_MONTHS 2         /* a unit answers an outcome within two months */
#define CONSULT_CLOSE_MONTHS 3          /* and closes it within three */
#define CONSULT_NOTICE_DAYS 7           /* the public notice's default display period */
#define CONSULT_NOTICE_DAYS_MAX 90

extern const char *const consult_forms[];           /* meeting, communication, ... */
extern const char *const consult_series[];          /* "", qingni, minsheng, micro */
extern const char *const consult_roles[];           /* member, expert, ... leader */
extern const char *const consult_topic_kinds[];     /* the four */
extern const char *const consult_refuse_kinds[];    /* the three */
extern const char *const consult_proposer_kinds[];
extern const char *const consult_attendance[];      /* present, absent, leave */

/* 1 when `v` is one of the NULL-terminated `set`. */
int consult_in(const char *v, const char *const *set);

/* The outcome's due dates from the day it is assigned: the answer in
 * CONSULT_ANSWER_MONTHS, the closure in CONSULT_CLOSE_MONTHS calendar
 * months (clamped to the month's end). 0 or -1. */
int consult_outcome_dues(calendar_day_t assigned, calendar_day_t *answer, calendar_day_t *close);

/* The research gate: 1 when a meeting may be held, i.e. no research task is
 * still open (done or waived count as closed) and there was research to
 * do (a meeting with no task at all has to waive the step with a task
 * waived). Lighter forms pass with no task. */
int consult_research_done(int meeting, int tasks_total, int tasks_open);

#endif
