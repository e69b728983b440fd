/* intake_events: notify's inbox items for the intake events of issue 3,
 * where someone concerned must hear of it: the rostered members the day
 * before their reception day (duty.upcoming), the member asked to swap a
 * duty (rota.changed / swap_requested), the authors of an adopted report
 * (report.adopted), the district's leadership for a class-1 issue
 * (issue.escalated), and the district's office when a year's working-day
 * calendar is missing (calendar.missing). Each is an event route's apply
 * function (common/evroute.h, the table in main.c): the consumer hands it
 * the payload already unpacked. Runs inside the consumer's transaction, one
 * row per recipient per event. Never logs titles, bodies or payloads. */
#ifndef LIANXIN_NOTIFY_INTAKE_EVENTS_H
#define LIANXIN_NOTIFY_INTAKE_EVENTS_H

#include "evroute.h"

/* evroute_apply_fn of each type above, named after it; `msg` is its payload
 * (DutyUpcoming, RotaChanged, ReportChanged, IssueRouted, CalendarMissing).
 * rota.changed tells only a swap_requested change. 0, or -1 when a statement
 * failed (the run is retried). */
int intake_events_duty_upcoming(tx_t *tx, const Lianxin__V1__Event *ev,
                                const ProtobufCMessage *msg, void *app);
int intake_events_rota_changed(tx_t *tx, const Lianxin__V1__Event *ev,
                               const ProtobufCMessage *msg, void *app);
int intake_events_report_adopted(tx_t *tx, const Lianxin__V1__Event *ev,
                                 const ProtobufCMessage *msg, void *app);
int intake_events_issue_escalated(tx_t *tx, const Lianxin__V1__Event *ev,
                                  const ProtobufCMessage *msg, void *app);
int intake_events_calendar_missing(tx_t *tx, const Lianxin__V1__Event *ev,
                                   const ProtobufCMessage *msg, void *app);

#endif
