/* assess_map: what an event of another service (or of this one) means for
 * the member files: the acts it adds or changes, each keyed by its source.
 * Pure: the same function serves the live consumer and the rebuild, so both
 * build the same file. Never does I/O; the facts point into the message. */
#ifndef LIANXIN_ASSESS_MAP_H
#define LIANXIN_ASSESS_MAP_H

#include <stddef.h>
#include <stdint.h>
#include <protobuf-c/protobuf-c.h>
#include "calendar.h"

#define ASSESS_FACTS_MAX 200

typedef struct assess_fact {
    int64_t member_id;
    const char *kind;          /* proposal_lead, report, duty, plenary, ... */
    const char *source;        /* proposal, report, visit, rota, meeting, consultation, supervision */
    int64_t source_id;
    calendar_day_t day;        /* UTC+8 */
    const char *status;        /* done, present, absent, leave */
    const char *title;         /* "" when the source has none to show */
} assess_fact_t;

/* The facts of one event of `type` whose payload unpacked as `msg`, which
 * occurred at `occurred_us`; at most `max` written to `out`. Returns how
 * many (0: the event counts for nothing, e.g. a proposal edited). */
size_t assess_map_event(const char *type, const ProtobufCMessage *msg, int64_t occurred_us,
                        assess_fact_t *out, size_t max);

/* 1 when `kind` is an office meeting kind (assess.meetings.kind). */
int assess_map_meeting_kind(const char *kind);

#endif
