/* sinks: the loopback receivers of the delivery tests (notify_sinks.py: an
 * SMTP server, an HTTP receiver, a partner endpoint that checks signatures
 * with docs/examples/verify_signature.py), each a child process in its own
 * folder under the harness's, logging one JSON line per message. */
#ifndef TESTS_SINKS_H
#define TESTS_SINKS_H

#include <sys/types.h>
#include "harness.h"

typedef struct sink {
    pid_t pid;
    char dir[512];
    int port;
} sink_t;

/* Starts notify_sinks.py `mode` `arg` in <harness dir>/sink-<name> and waits
 * for its port (k->port). 0, or -1 when it did not start within 10 s. */
int sink_start(harness_t *h, sink_t *k, const char *name, const char *mode, const char *arg);

/* Stops the receiver (SIGTERM, reaped); idempotent. */
void sink_stop(sink_t *k);

/* Lines of the receiver's log holding `text`. */
int sink_count(const sink_t *k, const char *text);

/* Lines of the receiver's log holding both `text` and `also` (NULL: any). */
int sink_count_with(const sink_t *k, const char *text, const char *also);

/* sink_count once it reaches `want`, or after `wait_ms`. */
int sink_wait(const sink_t *k, const char *text, int want, int wait_ms);

#endif
