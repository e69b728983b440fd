/* txq: a worker thread that owns one db_t and runs jobs one at a time, in the
 * order submitted, so the event loop never waits on PostgreSQL. Completion is
 * signalled back to the loop through uv_async. Jobs must not touch loop state;
 * done callbacks run on the loop and must not touch the db. */
#ifndef LIANXIN_TXQ_H
#define LIANXIN_TXQ_H

#include <uv.h>
#include "db.h"

typedef struct txq txq_t;

/* Runs on the worker thread with the queue's connection (not yet connected:
 * call db_connect). Returns a code handed to the done callback. */
typedef int (txq_job_fn)(db_t *db, void *arg);

/* Runs on the loop thread after the job, with the job's return code. */
typedef void (txq_done_fn)(int rc, void *arg);

/* Starts the worker thread for `conninfo`. NULL on failure. */
txq_t *txq_new(uv_loop_t *loop, const char *conninfo);

/* Queues a job. 0, or -1 when the queue is stopping (nothing will be called). */
int txq_submit(txq_t *self, txq_job_fn *job, txq_done_fn *done, void *arg);

/* Jobs submitted and not yet done. */
int txq_pending(const txq_t *self);

/* Lets queued jobs finish, stops the thread, closes the connection and frees
 * the queue in the uv_async close callback. Idempotent; sets *self_p to NULL.
 * Done callbacks of jobs still queued are called before it returns control
 * to the loop. */
void txq_destroy(txq_t **self_p);

#endif
