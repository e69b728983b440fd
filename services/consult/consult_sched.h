/* consult_sched: conflict detection and slot suggestion for consultations,
 * pure. A booking is one party (a member, a CPPCC leader, a venue) busy over
 * [start, end) in microseconds: a consultation it takes part in, or a
 * member's reception duty (a whole duty day's hours). Intervals that only
 * touch (one ends when the other starts) do not conflict. A consultation
 * lies within one day in UTC+8: one across midnight is refused. Slots lie
 * within the working hours of working days of the calendar. */
#ifndef LIANXIN_CONSULT_SCHED_H
#define LIANXIN_CONSULT_SCHED_H

#include <stddef.h>
#include <stdint.h>
#include "calendar.h"

typedef enum { SCHED_MEMBER = 0, SCHED_LEADER = 1, SCHED_VENUE = 2 } sched_kind_t;

typedef struct sched_booking {
    sched_kind_t kind;
    int64_t who;                    /* member id, leader's user id, venue id */
    int64_t start_us, end_us;       /* [start, end) */
    int64_t ref;                    /* the consultation id, or the rota id of a duty */
    int duty;                       /* 1: a reception duty */
} sched_booking_t;

typedef struct sched_party {
    sched_kind_t kind;
    int64_t who;
} sched_party_t;

/* Working hours: windows of the day in minutes after midnight (UTC+8); a
 * slot fits inside one window. */
typedef struct sched_hours {
    int nwin;
    struct { int from_min, to_min; } win[4];
    int step_min;                   /* slot starts are multiples of this */
} sched_hours_t;

/* 08:30-12:00 and 14:00-17:30, starts every 30 minutes. */
extern const sched_hours_t sched_default_hours;

/* A reception duty's hours on its day (as intake's duties.ics: 09:00-17:00). */
#define SCHED_DUTY_FROM_MIN (9 * 60)
#define SCHED_DUTY_TO_MIN (17 * 60)

typedef enum {
    SCHED_OK = 0,
    SCHED_EORDER = -1,              /* end not after start */
    SCHED_EMIDNIGHT = -2,           /* start and end on different days (UTC+8) */
    SCHED_ETOOLONG = -3,            /* longer than SCHED_MAX_MINUTES */
} sched_err_t;

#define SCHED_MAX_MINUTES (12 * 60)

/* Whether [start, end) is a usable span: SCHED_OK or a sched_err_t. */
int sched_span_check(int64_t start_us, int64_t end_us);

/* The booking [start, end) of a duty on `day`. */
void sched_duty_span(calendar_day_t day, int64_t *start_us, int64_t *end_us);

/* The first booking (in array order) of one of `parties` that overlaps
 * [start, end), ignoring those of consultation `self_ref` (0: none; a duty
 * is never ignored). Its index, or -1 when there is none. */
long sched_conflict(const sched_booking_t *b, size_t nb, const sched_party_t *parties,
                    size_t np, int64_t start_us, int64_t end_us, int64_t self_ref);

/* The earliest `max` starts of free slots of `minutes` for all `parties`,
 * from `from_us` (no start before it) through the day `last`, on working
 * days of `cal` (NULL: Monday to Friday) within `hours`, into out (starts in
 * microseconds). Returns how many (0..max), or -1 for bad arguments. */
long sched_suggest(const calendar_t *cal, const sched_hours_t *hours, const sched_booking_t *b,
                   size_t nb, const sched_party_t *parties, size_t np, int64_t from_us,
                   calendar_day_t last, int minutes, int64_t *out, size_t max);

#endif
