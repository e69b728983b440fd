/* notify_util: helpers of notify's integration tests: an event appended to
 * the outbox as its producer would (here consultation.scheduled inviting
 * one member), and notify's delivery settings pointed at the loopback
 * receivers (sinks.h). Test code only. */
#ifndef TESTS_NOTIFY_UTIL_H
#define TESTS_NOTIFY_UTIL_H

#include "harness.h"

/* Appends consultation.scheduled (consultation 600 + member, starting in 7
 * days on the stack's clock) inviting `member` in `district` through the
 * outbox of producer consult; its seq, or -1. */
long long notify_util_invite(harness_t *h, const char *district, long long member,
                             const char *title);

/* Sets notify's e-mail relay to smtp://127.0.0.1:<smtp_port> (0: unset) and
 * the SMS gateway to http://127.0.0.1:<sms_port>/sms (0: unset), fast
 * polling and retries (3 tries, 100..400 ms), without restarting. 0 or -1. */
int notify_util_channels(harness_t *h, int smtp_port, int sms_port);

#endif
