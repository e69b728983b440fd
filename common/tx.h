/* tx: one transaction on a worker's connection, with the events and audit
 * rows it produces. Events go to bus.events and audit rows to audit.trail in
 * the same transaction as the change itself (see common/README.md, "No event
 * is lost"); events are published only after COMMIT. A tx never publishes what
 * was not committed. */
#ifndef LIANXIN_TX_H
#define LIANXIN_TX_H

#include <stddef.h>
#include <stdint.h>
#include <protobuf-c/protobuf-c.h>
#include "common.pb-c.h"
#include "envelope.pb-c.h"
#include "db.h"
#include "bus.h"

typedef struct tx tx_t;

/* A transaction context for `producer` (the service name that numbers the
 * events: "intake", "notify"). Reusable: tx_begin ... tx_commit, again. */
tx_t *tx_new(const char *producer);
void tx_destroy(tx_t **self_p);

/* BEGIN on `db` (connecting if needed). 0, or -1 when PostgreSQL is unreachable. */
int tx_begin(tx_t *self, db_t *db);

/* The connection of the open transaction. */
db_t *tx_db(tx_t *self);

/* The transaction's clock: business time (time_now_us) taken at tx_begin,
 * in microseconds since the epoch. tx_begin also hands it to SQL
 * (`SET LOCAL lianxin.now`, millisecond precision), where core.clock_now()
 * reads it: statements take business time from there, never from now(). */
int64_t tx_now_us(const tx_t *self);

/* Buffers an event of `type` for `district`, its payload packed from `payload`.
 * Numbered and written at tx_commit. 0 or -1. */
int tx_event(tx_t *self, const char *district, const char *type,
             const Lianxin__V1__Actor *actor, const ProtobufCMessage *payload);

/* Buffers an audit row: `actor` did `action` ("visit.record") to
 * `object_type`/`object_id`; `state` is the new state (e.g. the packed
 * message), of which only the SHA-256 digest is kept. `district` names the
 * chain: a district code, or "" for the installation's own chain (a
 * city-wide admin acting on installation-wide data). 0 or -1. */
int tx_audit(tx_t *self, const char *district, const Lianxin__V1__Actor *actor,
             const char *action, const char *object_type, const char *object_id,
             const void *state, size_t len);

/* The audit row `action` on `object_type`/`object_id` with the SHA-256 of
 * the packed `msg`, then, when `type` is not NULL, the event `type` with
 * `msg` as payload, both in `district` by `actor`: what one change records,
 * from a command (cmd_record), a timer or a consumed event. 0 or -1. */
int tx_record(tx_t *self, const char *district, const Lianxin__V1__Actor *actor,
              const char *type, const ProtobufCMessage *msg, const char *action,
              const char *object_type, int64_t object_id);

/* A position in the buffers of events and audit rows, and the way back to
 * it without SQL: for a command refused after it buffered some, on the fast
 * path of a group commit (no savepoint). */
typedef struct tx_mark {
    size_t events, audits;
} tx_mark_t;
void tx_mark(const tx_t *self, tx_mark_t *mark);
/* Drops what was buffered since `mark` (nothing when the buffers are shorter). */
void tx_rewind(tx_t *self, const tx_mark_t *mark);

/* SAVEPOINT for one command of a group commit; tx_rollback_to undoes its SQL
 * and drops the events and audit rows buffered since. 0 or -1. */
int tx_savepoint(tx_t *self);
int tx_release(tx_t *self);
int tx_rollback_to(tx_t *self);

/* Numbers the buffered events per (district, producer) stream from
 * bus.streams (one INSERT ... ON CONFLICT DO UPDATE ... RETURNING per stream, districts in sorted
 * order), inserts them into bus.events, chains the audit rows onto
 * audit.heads/audit.trail, then COMMITs. 0 on commit; -1 when anything failed
 * (the transaction is rolled back, nothing buffered survives). */
int tx_commit(tx_t *self);

/* tx_commit for consumers: when the transaction buffered no events, the
 * COMMIT returns before its WAL reaches the disk (synchronous_commit off for
 * this transaction only), so the worker does not wait for the flush. A crash
 * may then lose the last such transactions, whole: a consumer's cursor moves
 * in the same transaction as its effects, so it re-applies those events from
 * bus.events. A transaction with events commits durably (they are published
 * after COMMIT and must never be taken back). Same results as tx_commit. */
int tx_commit_relaxed(tx_t *self);

/* ROLLBACK and drop everything buffered. */
void tx_rollback(tx_t *self);

/* After a successful tx_commit: publishes the committed events on the bus
 * (call on the loop thread, which owns `pub`) and forgets them. 0 or -1. */
int tx_publish(tx_t *self, bus_pub_t *pub);

/* Numbering, exposed for unit tests: given events of `n` streams in buffer
 * order (stream index per event) and the first free number of each stream,
 * writes each event's seq. Numbers are consecutive per stream, in buffer order. */
void tx_number(const int *stream_of_event, size_t nevents, const int64_t *first_of_stream,
               int64_t *seq_out);

#endif
