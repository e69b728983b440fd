/* authtx: account events recorded in one transaction with their change
 * (see authtx.h). Runs on the worker thread of a txq: a job touches only
 * its own copy of the event and the connection, never loop state. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "auth/authtx.h"
#include "log.h"
#include "tx.h"
#include "txq.h"

struct authtx {
    txq_t *q;
    tx_t *tx;                       /* the worker's only */
};

typedef struct job {
    authtx_t *self;
    authtx_event_t ev;
    authtx_apply_fn *apply;
    authtx_done_fn *done;
    void *arg;
    int prune_days;                 /* > 0: a prune job */
} job_t;

static const char *const SQL_PRUNE =
    "DELETE FROM auth.login_history"
    " WHERE at < 'epoch'::timestamptz + $1::bigint * interval '1 microsecond'";

/* ---- pure ------------------------------------------------------------------------- */

void authtx_event_init(authtx_event_t *ev, const char *event, const principal_t *actor,
                       const char *client)
{
    memset(ev, 0, sizeof *ev);
    snprintf(ev->event, sizeof ev->event, "%s", event);
    snprintf(ev->client, sizeof ev->client, "%s", client ? client : "");
    snprintf(ev->object_type, sizeof ev->object_type, "user");
    if (actor) {
        ev->actor_id = actor->user_id;
        snprintf(ev->actor_role, sizeof ev->actor_role, "%s", actor->role);
        authtx_event_user(ev, actor->district, actor->user_id, actor->username);
    }
}

void authtx_event_user(authtx_event_t *ev, const char *district, int64_t user_id,
                       const char *username)
{
    snprintf(ev->district, sizeof ev->district, "%s", district ? district : "");
    ev->user_id = user_id;
    snprintf(ev->username, sizeof ev->username, "%s", username ? username : "");
    snprintf(ev->object_id, sizeof ev->object_id, "%lld", (long long) user_id);
}

/* ---- on the worker ------------------------------------------------------------------- */

static int s_prune(tx_t *tx, db_t *db, int days)
{
    char before[24];
    const char *p[1] = {db_num(before, tx_now_us(tx) - (int64_t) days * 86400 * 1000000)};
    return db_run(db, SQL_PRUNE, 1, p);
}

/* One attempt of the job's transaction. */
static int s_attempt(job_t *j, db_t *db)
{
    tx_t *tx = j->self->tx;
    if (tx_begin(tx, db) != 0)
        return -1;
    int rc = 0;
    if (j->prune_days > 0)
        rc = s_prune(tx, db, j->prune_days);
    else if (j->apply)
        rc = j->apply(db, &j->ev, j->arg);
    if (rc == 0 && j->prune_days == 0 && authlog_record(tx, &j->ev) != 0)
        rc = -1;
    if (rc != 0) {
        tx_rollback(tx);
        return rc;
    }
    return tx_commit(tx) == 0 ? 0 : -1;
}

static int s_job(db_t *db, void *arg)
{
    job_t *j = arg;
    int rc = s_attempt(j, db);
    if (rc == -1 && db_broken(db))  /* a connection lost since the last job */
        rc = s_attempt(j, db);
    if (rc == -1)
        log_error("auth record failed", "event=%s sqlstate=%s", j->ev.event,
                  db_sqlstate(db));
    return rc;
}

/* ---- on the loop ---------------------------------------------------------------------- */

static void s_done(int rc, void *arg)
{
    job_t *j = arg;
    if (j->done)
        j->done(rc, j->arg);
    free(j);
}

static int s_submit(authtx_t *self, job_t *j)
{
    j->self = self;
    if (!self || txq_submit(self->q, s_job, s_done, j) != 0) {
        free(j);
        return -1;
    }
    return 0;
}

int authtx_run(authtx_t *self, const authtx_event_t *ev, authtx_apply_fn *apply,
               authtx_done_fn *done, void *arg)
{
    job_t *j = calloc(1, sizeof *j);
    if (!j)
        return -1;
    j->ev = *ev;
    j->apply = apply;
    j->done = done;
    j->arg = arg;
    return s_submit(self, j);
}

int authtx_prune(authtx_t *self, int days)
{
    job_t *j = calloc(1, sizeof *j);
    if (!j || days <= 0) {
        free(j);
        return -1;
    }
    j->prune_days = days;
    return s_submit(self, j);
}

authtx_t *authtx_new(uv_loop_t *loop, const char *conninfo)
{
    authtx_t *self = calloc(1, sizeof *self);
    if (!self)
        return NULL;
    self->tx = tx_new("gateway");
    self->q = self->tx ? txq_new(loop, conninfo) : NULL;
    if (!self->q) {
        tx_destroy(&self->tx);
        free(self);
        return NULL;
    }
    return self;
}

void authtx_destroy(authtx_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    authtx_t *self = *self_p;
    *self_p = NULL;
    txq_destroy(&self->q);          /* runs what is queued, then the done callbacks */
    tx_destroy(&self->tx);
    free(self);
}
