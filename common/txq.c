/* txq: one dedicated worker thread (never the libuv threadpool) running
 * database jobs in order on the connection it owns (see txq.h). The worker
 * never touches loop state; the loop never touches the db. */
#include <pthread.h>
#include <stdlib.h>

#include "log.h"
#include "txq.h"

typedef struct s_job {
    txq_job_fn *job;
    txq_done_fn *done;
    void *arg;
    int rc;
    struct s_job *next;
} s_job_t;

typedef struct {
    s_job_t *head, *tail;
} s_list_t;

struct txq {
    uv_loop_t *loop;
    uv_async_t async;               /* worker -> loop: jobs are done */
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    s_list_t queue;                 /* guarded by lock */
    s_list_t done;                  /* guarded by lock */
    int stopping;                   /* guarded by lock */
    int pending;                    /* submitted, done callback not yet run (loop only) */
    db_t *db;                       /* the worker's; closed after the join */
};

static void
s_push(s_list_t *list, s_job_t *job)
{
    job->next = NULL;
    if (list->tail)
        list->tail->next = job;
    else
        list->head = job;
    list->tail = job;
}

static s_job_t *
s_take_all(s_list_t *list)
{
    s_job_t *all = list->head;
    list->head = list->tail = NULL;
    return all;
}

/* ---- the worker ------------------------------------------------------------ */

static void *
s_worker(void *arg)
{
    txq_t *self = arg;
    pthread_mutex_lock(&self->lock);
    for (;;) {
        while (!self->queue.head && !self->stopping)
            pthread_cond_wait(&self->wake, &self->lock);
        s_job_t *job = self->queue.head;
        if (!job)
            break;                  /* stopping and nothing left */
        self->queue.head = job->next;
        if (!self->queue.head)
            self->queue.tail = NULL;
        pthread_mutex_unlock(&self->lock);
        job->rc = job->job(self->db, job->arg);
        pthread_mutex_lock(&self->lock);
        s_push(&self->done, job);
        uv_async_send(&self->async);
    }
    pthread_mutex_unlock(&self->lock);
    return NULL;
}

/* ---- the loop side ----------------------------------------------------------- */

/* Runs the done callbacks of finished jobs, in job order. */
static void
s_deliver(txq_t *self)
{
    pthread_mutex_lock(&self->lock);
    s_job_t *job = s_take_all(&self->done);
    pthread_mutex_unlock(&self->lock);
    while (job) {
        s_job_t *next = job->next;
        self->pending--;
        if (job->done)
            job->done(job->rc, job->arg);
        free(job);
        job = next;
    }
}

static void
s_on_async(uv_async_t *handle)
{
    s_deliver(handle->data);
}

static void
s_on_close(uv_handle_t *handle)
{
    txq_t *self = handle->data;
    pthread_mutex_destroy(&self->lock);
    pthread_cond_destroy(&self->wake);
    free(self);
}

txq_t *
txq_new(uv_loop_t *loop, const char *conninfo)
{
    if (!loop)
        return NULL;
    txq_t *self = calloc(1, sizeof *self);
    if (!self)
        return NULL;
    self->loop = loop;
    self->db = db_new(conninfo);
    if (!self->db || uv_async_init(loop, &self->async, s_on_async) != 0) {
        db_destroy(&self->db);
        free(self);
        return NULL;
    }
    self->async.data = self;
    pthread_mutex_init(&self->lock, NULL);
    pthread_cond_init(&self->wake, NULL);
    if (pthread_create(&self->thread, NULL, s_worker, self) != 0) {
        log_error("txq thread failed", "");
        db_destroy(&self->db);
        uv_close((uv_handle_t *) &self->async, s_on_close);
        return NULL;
    }
    return self;
}

int
txq_submit(txq_t *self, txq_job_fn *job, txq_done_fn *done, void *arg)
{
    if (!self || !job)
        return -1;
    s_job_t *j = calloc(1, sizeof *j);
    if (!j)
        return -1;
    j->job = job;
    j->done = done;
    j->arg = arg;
    pthread_mutex_lock(&self->lock);
    if (self->stopping) {
        pthread_mutex_unlock(&self->lock);
        free(j);
        return -1;
    }
    s_push(&self->queue, j);
    self->pending++;
    pthread_cond_signal(&self->wake);
    pthread_mutex_unlock(&self->lock);
    return 0;
}

int
txq_pending(const txq_t *self)
{
    return self ? self->pending : 0;
}

/* Blocks the loop while the queued jobs finish: a shutdown finishes the
 * batch in flight rather than dropping it. */
void
txq_destroy(txq_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    txq_t *self = *self_p;
    *self_p = NULL;
    pthread_mutex_lock(&self->lock);
    self->stopping = 1;
    pthread_cond_signal(&self->wake);
    pthread_mutex_unlock(&self->lock);
    pthread_join(self->thread, NULL);
    s_deliver(self);
    db_destroy(&self->db);
    uv_close((uv_handle_t *) &self->async, s_on_close);
}
