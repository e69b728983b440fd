/* authtx: the one way the gateway records what happens to accounts. Each
 * job is one transaction on a worker thread (common/txq): an optional
 * change (open a session, store a new password hash, create a key...), a
 * row of auth.login_history with the client's address, and an audit.trail
 * row, both through common/authlog. The change and its record commit
 * together or not at all. Never records a password, a token or a key: only
 * who, what, when, from where. */
#ifndef GW_AUTHTX_H
#define GW_AUTHTX_H

#include <stddef.h>
#include <stdint.h>
#include <uv.h>
#include "auth/access.h"
#include "authlog.h"
#include "db.h"

typedef struct authtx authtx_t;

/* What happened (common/authlog), copied at submission. The apply step may
 * fill in what it learns (a new user's id). */
typedef authlog_event_t authtx_event_t;

/* Fills `ev` for `event` by `actor` (NULL: nobody signed in) from `client`;
 * the account concerned defaults to the actor, the object to the user. */
void authtx_event_init(authtx_event_t *ev, const char *event, const principal_t *actor,
                       const char *client);

/* Sets the account concerned (and the chain: its district). */
void authtx_event_user(authtx_event_t *ev, const char *district, int64_t user_id,
                       const char *username);

/* Runs on the worker inside the transaction, before the records. Returns
 * 0 to go on and commit, or any other code to roll back (handed to done). */
typedef int (authtx_apply_fn)(db_t *db, authtx_event_t *ev, void *arg);

/* On the loop after the job: 0 committed, -1 the database failed, or the
 * apply step's own code. */
typedef void (authtx_done_fn)(int rc, void *arg);

/* NULL on failure. */
authtx_t *authtx_new(uv_loop_t *loop, const char *conninfo);

/* Finishes the queued jobs (their done callbacks run), then frees.
 * Idempotent; sets *self_p to NULL. */
void authtx_destroy(authtx_t **self_p);

/* Queues `ev` with its change `apply` (NULL: only the records). 0, or -1
 * when it could not be queued (done is then not called). */
int authtx_run(authtx_t *self, const authtx_event_t *ev, authtx_apply_fn *apply,
               authtx_done_fn *done, void *arg);

/* Queues the removal of history rows older than `days` of business time. */
int authtx_prune(authtx_t *self, int days);

#endif
