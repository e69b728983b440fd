/* assess_rules: the committee's yardsticks for a member's year, as data and
 * pure logic: the five ones (五个一), the liaison groups' six at least
 * (六个至少), points per kind of act, and the absence flags. No I/O, no
 * clock: callers pass the acts and the day that counts as "now". */
#ifndef LIANXIN_ASSESS_RULES_H
#define LIANXIN_ASSESS_RULES_H

#include <stddef.h>
#include <stdint.h>
#include "calendar.h"

#define ASSESS_KIND_MAX   24     /* bytes of a kind name, NUL included */
#define ASSESS_KINDS_MAX  12     /* kinds one need accepts */
#define ASSESS_NEEDS_MAX  8      /* needs of the five ones or of the six at least */
#define ASSESS_POINTS_MAX 32
#define ASSESS_PERIODS_MAX 12    /* months of a year */

/* One countable act of a member, reduced to what the rules read. The status
 * is "done" (a report, a proposal, a served duty), "present", "absent"
 * (without leave) or "leave" (approved). */
typedef struct assess_act {
    char kind[ASSESS_KIND_MAX];      /* plenary, proposal_lead, report, duty, ... */
    char status[12];
    calendar_day_t day;              /* the day in UTC+8 */
} assess_act_t;

/* A requirement: at least `min` acts of any of `kinds` per period. */
typedef struct assess_need {
    char key[ASSESS_KIND_MAX];       /* meeting, proposal, ... */
    char label[48];                  /* 参加一次会议 (UTF-8, shown to users) */
    char kinds[ASSESS_KINDS_MAX][ASSESS_KIND_MAX];
    int nkinds;
    int min;
    int periods;                     /* per year: 12 month, 4 quarter, 2 half-year, 1 year */
} assess_need_t;

typedef struct assess_rules {
    assess_need_t five[ASSESS_NEEDS_MAX];    /* the five ones: per year */
    int nfive;
    assess_need_t six[ASSESS_NEEDS_MAX];     /* the six at least: per period */
    int nsix;
    struct { char kind[ASSESS_KIND_MAX]; int points; } points[ASSESS_POINTS_MAX];
    int npoints;
    char plenary_kinds[ASSESS_KINDS_MAX][ASSESS_KIND_MAX];   /* absences counted apart */
    int nplenary;
    char activity_kinds[ASSESS_KINDS_MAX][ASSESS_KIND_MAX];
    int nactivity;
    int plenary_absences;            /* this many absences without leave flag a member (2) */
    int activity_absences;           /* (3) */
} assess_rules_t;

/* The rules a district has when it set none: the DOMAIN's defaults, as the
 * JSON text assess_rules_parse reads (shown by the API as a template). */
extern const char *const assess_rules_default_json;

/* Parses a rules document (JSON, the layout of assess_rules_default_json).
 * 0, or -1 with a short English reason in err (the path of the bad field). */
int assess_rules_parse(const char *json, assess_rules_t *out, char *err, size_t errsz);

/* The default rules (never fails: the text is part of the program). */
void assess_rules_default(assess_rules_t *out);

/* 1 when an act of this status counts as done (done, present). */
int assess_act_counts(const assess_act_t *a);

/* The year (UTC+8) a day belongs to. */
int assess_year_of(calendar_day_t day);

/* Per need of the five ones: how many acts of `year` count. */
typedef struct assess_five {
    int count[ASSESS_NEEDS_MAX];
    int missing;                     /* needs below their min */
} assess_five_t;

/* Counts the five ones over `acts` within `year`; returns the number of needs
 * still missing (0: a passing year). */
int assess_five_ones(const assess_rules_t *r, const assess_act_t *acts, size_t n, int year,
                     assess_five_t *out);

/* The points of `year` (acts that count, by kind). */
int assess_points(const assess_rules_t *r, const assess_act_t *acts, size_t n, int year);

/* Absences without leave in `year`: plenary and other activities. Returns 1
 * when either reaches its threshold (the member is flagged), else 0. */
int assess_absences(const assess_rules_t *r, const assess_act_t *acts, size_t n, int year,
                    int *plenary, int *activity);

/* One need of the six at least over a group's year: per period its count and
 * its verdict, judged only for periods that ended before `today`. */
typedef enum { ASSESS_OPEN = 0, ASSESS_MET, ASSESS_MISSED } assess_verdict_t;

typedef struct assess_six {
    int count[ASSESS_NEEDS_MAX][ASSESS_PERIODS_MAX];
    assess_verdict_t verdict[ASSESS_NEEDS_MAX][ASSESS_PERIODS_MAX];
    int missed;                      /* ended periods below min, all needs */
} assess_six_t;

/* The six at least over the acts of a liaison group's members in `year`;
 * returns the number of ended periods missed. */
int assess_six(const assess_rules_t *r, const assess_act_t *acts, size_t n, int year,
               calendar_day_t today, assess_six_t *out);

/* The period (0-based) of a day within its year for a need of `periods`. */
int assess_period_of(calendar_day_t day, int periods);

#endif
