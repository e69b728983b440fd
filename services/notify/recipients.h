/* recipients: who hears about an event and what they read, as pure
 * functions (no I/O, no clock), so the rules are unit-tested directly
 * (tests/unit/test_notify_recipients.c). Never touches the database. */
#ifndef LIANXIN_RECIPIENTS_H
#define LIANXIN_RECIPIENTS_H

#include <stddef.h>
#include <stdint.h>
#include "common.pb-c.h"

#define RECIPIENTS_TITLE_VISIT "新的来访记录"
#define RECIPIENTS_MAX 64

/* The recipients of a visit.recorded: every member on the room's rota and
 * the room's head, each once, in first-seen order (rota first). Ids <= 0 are
 * ignored (a room without a head has head 0). Writes at most `max` ids into
 * `out` and returns how many. */
size_t recipients_of_visit(const int64_t *rota, size_t nrota, int64_t head,
                           int64_t *out, size_t max);

/* The Chinese label of a VisitCategory value ("交通" for transport);
 * "其他" for values it does not know. */
const char *recipients_category_label(int category);

/* The inbox body of a visit.recorded, e.g.
 * "永中街道委员工作室 11月26日 收到一件交通类诉求": the room name, the day
 * of `received_at` (RFC 3339) in UTC+8 and the category. When received_at
 * cannot be parsed the date is left out. 0, or -1 when `out` is too small. */
int recipients_visit_body(const char *room_name, const char *received_at, int category,
                          char *out, size_t outsz);

#endif
