/* tx: a transaction with its outbox (bus.events) and audit rows (see tx.h),
 * numbered, written and chained at commit, published only after COMMIT.
 * Never publishes what was rolled back; never logs payloads or parameters. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "crypto.h"
#include "log.h"
#include "timeutil.h"
#include "tx.h"

#define TX_NAME_MAX 64              /* district codes and event types */
#define TX_FAST_STREAMS 256         /* tx_number keeps counters for these */

typedef struct {
    char *district, *type;
    int64_t occurred_at, seq;
    int has_actor;
    Lianxin__V1__Actor actor;       /* strings owned */
    uint8_t *payload;
    size_t payload_len;
    uint8_t *packed;                /* the Event with its seq, set at commit */
    size_t packed_len;
} s_event_t;

typedef struct {
    char *district, *actor_role, *action, *object_type, *object_id;
    int64_t at_us, actor_user_id;
    uint8_t digest[32];
} s_audit_t;

typedef struct {
    void *items;
    size_t n, cap, size;
} s_vec_t;

struct tx {
    char *producer;
    db_t *db;
    int open;                       /* BEGIN done, no COMMIT/ROLLBACK yet */
    int64_t now_us;
    s_vec_t events;                 /* s_event_t, buffered in this transaction */
    s_vec_t audits;                 /* s_audit_t */
    s_vec_t committed;              /* s_event_t, committed, not yet published */
    int in_savepoint;
    size_t sp_events, sp_audits;    /* buffer marks at SAVEPOINT */
};

/* ---- buffers ------------------------------------------------------------ */

static void *
s_vec_push(s_vec_t *v)
{
    if (v->n == v->cap) {
        size_t cap = v->cap ? v->cap * 2 : 16;
        void *items = realloc(v->items, cap * v->size);
        if (!items)
            return NULL;
        v->items = items;
        v->cap = cap;
    }
    void *slot = (char *) v->items + v->n * v->size;
    memset(slot, 0, v->size);
    v->n++;
    return slot;
}

#define S_AT(v, type, i) (&((type *) (v).items)[i])

static void
s_event_free(s_event_t *e)
{
    free(e->district);
    free(e->type);
    if (e->has_actor) {         /* without one, the strings are protobuf-c's static "" */
        free(e->actor.username);
        free(e->actor.role);
        free(e->actor.district);
    }
    free(e->payload);
    free(e->packed);
}

static void
s_audit_free(s_audit_t *a)
{
    free(a->district);
    free(a->actor_role);
    free(a->action);
    free(a->object_type);
    free(a->object_id);
}

/* Drops buffered events and audit rows from index `ev` and `au` on. */
static void
s_truncate(tx_t *self, size_t ev, size_t au)
{
    for (size_t i = ev; i < self->events.n; i++)
        s_event_free(S_AT(self->events, s_event_t, i));
    for (size_t i = au; i < self->audits.n; i++)
        s_audit_free(S_AT(self->audits, s_audit_t, i));
    if (ev < self->events.n)
        self->events.n = ev;
    if (au < self->audits.n)
        self->audits.n = au;
}

static char *
s_dup(const char *s)
{
    return strdup(s ? s : "");
}

static int
s_name_ok(const char *s)
{
    return s && *s && strlen(s) < TX_NAME_MAX && !strchr(s, '/');
}

/* An audit chain: a district, or "" for the installation's own chain (a
 * city-wide admin changing installation-wide data, e.g. the calendar). */
static int
s_chain_ok(const char *s)
{
    return s && strlen(s) < TX_NAME_MAX && !strchr(s, '/');
}

/* ---- lifecycle ---------------------------------------------------------- */

tx_t *
tx_new(const char *producer)
{
    if (!s_name_ok(producer))
        return NULL;
    tx_t *self = calloc(1, sizeof *self);
    if (!self || !(self->producer = strdup(producer))) {
        free(self);
        return NULL;
    }
    self->events.size = self->committed.size = sizeof(s_event_t);
    self->audits.size = sizeof(s_audit_t);
    return self;
}

void
tx_destroy(tx_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    tx_t *self = *self_p;
    *self_p = NULL;
    if (self->open)
        tx_rollback(self);
    s_truncate(self, 0, 0);
    for (size_t i = 0; i < self->committed.n; i++)
        s_event_free(S_AT(self->committed, s_event_t, i));
    free(self->events.items);
    free(self->audits.items);
    free(self->committed.items);
    free(self->producer);
    free(self);
}

/* A BEGIN that fails on a connection PostgreSQL dropped (a restart) is tried
 * once more on a fresh connection, so one restart costs no command. */
int
tx_begin(tx_t *self, db_t *db)
{
    if (!self || !db)
        return -1;
    if (self->open) {
        log_warn("tx begin while open, rolling back", "producer=%s", self->producer);
        tx_rollback(self);
    }
    self->db = db;
    for (int attempt = 0; attempt < 2; attempt++) {
        if (db_connect(db) != 0)
            return -1;
        if (PQtransactionStatus(db_conn(db)) != PQTRANS_IDLE)
            db_run(db, "ROLLBACK", 0, NULL);    /* a job left one open: never join it */
        /* business time enters SQL with the transaction (core.clock_now(),
         * migration 007): same round trip as a bare BEGIN */
        char begin[96], text[40];
        int64_t now = time_now_us();
        time_format(now, text, sizeof text);
        snprintf(begin, sizeof begin, "BEGIN; SET LOCAL lianxin.now = '%s'", text);
        if (db_run_script(db, begin) == 0) {
            self->open = 1;
            self->in_savepoint = 0;
            self->now_us = now;
            return 0;
        }
        if (!db_broken(db))
            return -1;
    }
    return -1;
}

db_t *
tx_db(tx_t *self)
{
    return self ? self->db : NULL;
}

int64_t
tx_now_us(const tx_t *self)
{
    return self ? self->now_us : 0;
}

/* ---- buffering ---------------------------------------------------------- */

static int
s_copy_actor(s_event_t *e, const Lianxin__V1__Actor *actor)
{
    lianxin__v1__actor__init(&e->actor);
    if (!actor)
        return 0;
    e->has_actor = 1;
    e->actor.user_id = actor->user_id;
    e->actor.member_id = actor->member_id;
    e->actor.unit_id = actor->unit_id;
    e->actor.username = s_dup(actor->username);
    e->actor.role = s_dup(actor->role);
    e->actor.district = s_dup(actor->district);
    return e->actor.username && e->actor.role && e->actor.district ? 0 : -1;
}

int
tx_event(tx_t *self, const char *district, const char *type,
         const Lianxin__V1__Actor *actor, const ProtobufCMessage *payload)
{
    if (!self || !self->open || !s_name_ok(district) || !s_name_ok(type))
        return -1;
    s_event_t *e = s_vec_push(&self->events);
    if (!e)
        return -1;
    e->occurred_at = self->now_us;
    e->district = s_dup(district);
    e->type = s_dup(type);
    int rc = e->district && e->type ? s_copy_actor(e, actor) : -1;
    if (rc == 0 && payload) {
        e->payload_len = protobuf_c_message_get_packed_size(payload);
        e->payload = malloc(e->payload_len ? e->payload_len : 1);
        if (e->payload)
            protobuf_c_message_pack(payload, e->payload);
        else
            rc = -1;
    }
    if (rc != 0)
        s_truncate(self, self->events.n - 1, self->audits.n);
    return rc;
}

int
tx_audit(tx_t *self, const char *district, const Lianxin__V1__Actor *actor,
         const char *action, const char *object_type, const char *object_id,
         const void *state, size_t len)
{
    if (!self || !self->open || !s_chain_ok(district) || !action || (!state && len))
        return -1;
    s_audit_t *a = s_vec_push(&self->audits);
    if (!a)
        return -1;
    a->at_us = self->now_us;
    a->actor_user_id = actor ? actor->user_id : 0;
    a->district = s_dup(district);
    a->actor_role = s_dup(actor ? actor->role : "");
    a->action = s_dup(action);
    a->object_type = s_dup(object_type);
    a->object_id = s_dup(object_id);
    crypto_sha256(state ? state : "", len, a->digest);
    if (!a->district || !a->actor_role || !a->action || !a->object_type || !a->object_id) {
        s_truncate(self, self->events.n, self->audits.n - 1);
        return -1;
    }
    return 0;
}

/* ---- marks and savepoints ----------------------------------------------- */

void
tx_mark(const tx_t *self, tx_mark_t *mark)
{
    if (!mark)
        return;
    mark->events = self ? self->events.n : 0;
    mark->audits = self ? self->audits.n : 0;
}

void
tx_rewind(tx_t *self, const tx_mark_t *mark)
{
    if (self && mark)
        s_truncate(self, mark->events, mark->audits);
}

int
tx_savepoint(tx_t *self)
{
    if (!self || !self->open || self->in_savepoint)
        return -1;
    if (db_run(self->db, "SAVEPOINT c", 0, NULL) != 0)
        return -1;
    self->in_savepoint = 1;
    self->sp_events = self->events.n;
    self->sp_audits = self->audits.n;
    return 0;
}

/* Keeps the command's work. A no-op when no savepoint is open, so that
 * tx_rollback_to followed by tx_release is harmless. */
int
tx_release(tx_t *self)
{
    if (!self || !self->open)
        return -1;
    if (!self->in_savepoint)
        return 0;
    self->in_savepoint = 0;
    return db_run(self->db, "RELEASE SAVEPOINT c", 0, NULL);
}

/* Undoes the command's SQL and buffers, and ends the savepoint (one level
 * only: the next command opens a fresh one). The buffers are dropped even
 * when the SQL fails: the caller then gives up the transaction. */
int
tx_rollback_to(tx_t *self)
{
    if (!self || !self->open || !self->in_savepoint)
        return -1;
    self->in_savepoint = 0;
    s_truncate(self, self->sp_events, self->sp_audits);
    if (db_run(self->db, "ROLLBACK TO SAVEPOINT c", 0, NULL) != 0)
        return -1;
    return db_run(self->db, "RELEASE SAVEPOINT c", 0, NULL);
}

/* ---- numbering ---------------------------------------------------------- */

/* Counters for the first TX_FAST_STREAMS streams; a higher stream index (no
 * caller has one today) counts its earlier events instead. */
void
tx_number(const int *stream_of_event, size_t nevents, const int64_t *first_of_stream,
          int64_t *seq_out)
{
    int64_t used[TX_FAST_STREAMS] = { 0 };
    for (size_t i = 0; i < nevents; i++) {
        int s = stream_of_event[i];
        if (s < 0) {
            seq_out[i] = 0;
            continue;
        }
        int64_t before = 0;
        if (s < TX_FAST_STREAMS)
            before = used[s]++;
        else
            for (size_t j = 0; j < i; j++)
                before += stream_of_event[j] == s;
        seq_out[i] = first_of_stream[s] + before;
    }
}

/* ---- commit ------------------------------------------------------------- */

/* Runs `sql` with `n` parameters; `arrs[i]` non-NULL makes parameter i
 * binary (an array or raw bytes), else `text[i]` is its text. 0 or -1. */
static int
s_exec_mixed(tx_t *self, const char *step, const char *sql, int n,
             const char *const *text, db_array_t *const *arrs)
{
    const char *vals[16];
    int lens[16], fmts[16];
    for (int i = 0; i < n; i++) {
        if (arrs[i] && arrs[i]->failed)
            return -1;
        vals[i] = arrs[i] ? (const char *) arrs[i]->buf : text[i];
        lens[i] = arrs[i] ? (int) arrs[i]->len : 0;
        fmts[i] = arrs[i] ? 1 : 0;
    }
    PGresult *res = db_exec_params(self->db, sql, n, vals, lens, fmts);
    if (!res) {
        log_warn("tx write failed", "producer=%s step=%s sqlstate=%s", self->producer, step,
                 db_broken(self->db) ? "none" : db_sqlstate(self->db));
        return -1;
    }
    PQclear(res);
    return 0;
}

/* The distinct districts of `n` strings at `stride` apart, sorted, into a
 * new array of borrowed pointers. */
static int
s_cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *) a, *(const char *const *) b);
}

static const char **
s_districts(const void *items, size_t n, size_t stride, size_t *nd)
{
    const char **d = malloc((n ? n : 1) * sizeof *d);
    if (!d)
        return NULL;
    for (size_t i = 0; i < n; i++)
        d[i] = *(const char *const *) ((const char *) items + i * stride);
    qsort(d, n, sizeof *d, s_cmp_str);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (k == 0 || strcmp(d[k - 1], d[i]) != 0)
            d[k++] = d[i];
    *nd = k;
    return d;
}

static int
s_index_of(const char **sorted, size_t n, const char *key)
{
    const char **hit = bsearch(&key, sorted, n, sizeof *sorted, s_cmp_str);
    return hit ? (int) (hit - sorted) : -1;
}

/* Takes `count` numbers from the stream's counter row; the row lock is held
 * to COMMIT, so the stream's commit order is its number order. */
static int
s_take_numbers(tx_t *self, const char *district, size_t count, int64_t *first)
{
    char n[24];
    snprintf(n, sizeof n, "%zu", count);
    const char *params[] = { district, self->producer, n };
    PGresult *res = db_exec(self->db,
        "INSERT INTO bus.streams (district_code, producer, next) VALUES ($1, $2, $3::bigint + 1)"
        " ON CONFLICT (district_code, producer) DO UPDATE SET next = bus.streams.next + $3::bigint"
        " RETURNING next - $3::bigint", 3, params);
    if (!res)
        return -1;
    int ok = PQntuples(res) == 1;
    if (ok)
        *first = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
    PQclear(res);
    return ok ? 0 : -1;
}

/* Packs event `e` as a lianxin.v1.Event with its seq. 0 or -1. */
static int
s_pack_event(tx_t *self, s_event_t *e)
{
    Lianxin__V1__Event ev = LIANXIN__V1__EVENT__INIT;
    ev.district = e->district;
    ev.producer = self->producer;
    ev.seq = e->seq;
    ev.type = e->type;
    ev.occurred_at = e->occurred_at;
    ev.actor = e->has_actor ? &e->actor : NULL;
    ev.payload.data = e->payload;
    ev.payload.len = e->payload_len;
    e->packed_len = lianxin__v1__event__get_packed_size(&ev);
    e->packed = malloc(e->packed_len ? e->packed_len : 1);
    if (!e->packed)
        return -1;
    lianxin__v1__event__pack(&ev, e->packed);
    return 0;
}

/* Numbers every buffered event (streams locked in sorted district order). */
static int
s_number_events(tx_t *self)
{
    size_t n = self->events.n, nd = 0;
    s_event_t *ev = self->events.items;
    const char **ds = s_districts(ev, n, sizeof *ev, &nd);
    int *stream = malloc(n * sizeof *stream);
    int64_t *first = malloc(nd * sizeof *first), *seq = malloc(n * sizeof *seq);
    int rc = ds && stream && first && seq ? 0 : -1;
    size_t *count = rc == 0 ? calloc(nd, sizeof *count) : NULL;
    rc = count ? 0 : -1;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        stream[i] = s_index_of(ds, nd, ev[i].district);
        count[stream[i]]++;
    }
    for (size_t d = 0; rc == 0 && d < nd; d++)
        rc = s_take_numbers(self, ds[d], count[d], &first[d]);
    if (rc == 0)
        tx_number(stream, n, first, seq);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        ev[i].seq = seq[i];
        rc = s_pack_event(self, &ev[i]);
    }
    free(ds);
    free(stream);
    free(first);
    free(seq);
    free(count);
    return rc;
}

/* Writes every buffered event into bus.events in one statement. */
static int
s_insert_events(tx_t *self)
{
    size_t n = self->events.n;
    s_event_t *ev = self->events.items;
    db_array_t d = { 0 }, s = { 0 }, t = { 0 }, o = { 0 }, e = { 0 };
    db_array_begin(&d, DB_OID_TEXT);
    db_array_begin(&s, DB_OID_INT8);
    db_array_begin(&t, DB_OID_TEXT);
    db_array_begin(&o, DB_OID_INT8);
    db_array_begin(&e, DB_OID_BYTEA);
    for (size_t i = 0; i < n; i++) {
        db_array_text(&d, ev[i].district);
        db_array_int8(&s, ev[i].seq);
        db_array_text(&t, ev[i].type);
        db_array_int8(&o, ev[i].occurred_at);
        db_array_bytes(&e, ev[i].packed, ev[i].packed_len);
    }
    const char *text[] = { NULL, self->producer, NULL, NULL, NULL, NULL };
    db_array_t *arrs[] = { &d, NULL, &s, &t, &o, &e };
    int rc = s_exec_mixed(self, "events",
        "INSERT INTO bus.events (district_code, producer, seq, type, occurred_at, envelope)"
        " SELECT d, $2::text, s, t, 'epoch'::timestamptz + o * interval '1 microsecond', e"
        " FROM unnest($1::text[], $3::bigint[], $4::text[], $5::bigint[], $6::bytea[])"
        " AS u(d, s, t, o, e)", 6, text, arrs);
    free(d.buf);
    free(s.buf);
    free(t.buf);
    free(o.buf);
    free(e.buf);
    return rc;
}

/* Locks the district's audit head and reads it (a new head starts at seq 0
 * and 32 zero bytes). */
static int
s_lock_head(tx_t *self, const char *district, int64_t *seq, uint8_t hash[32])
{
    const char *params[] = { district };
    PGresult *res = db_exec(self->db,
        "INSERT INTO audit.heads (district_code, seq, hash)"
        " VALUES ($1, 0, decode(repeat('00', 32), 'hex'))"
        " ON CONFLICT (district_code) DO UPDATE SET seq = audit.heads.seq"
        " RETURNING seq, encode(hash, 'hex')", 1, params);
    if (!res)
        return -1;
    int ok = PQntuples(res) == 1 && strlen(PQgetvalue(res, 0, 1)) == 64;
    if (ok) {
        *seq = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
        const char *hex = PQgetvalue(res, 0, 1);
        for (int i = 0; i < 32; i++) {
            unsigned v = 0;
            sscanf(hex + 2 * i, "%2x", &v);
            hash[i] = (uint8_t) v;
        }
    }
    PQclear(res);
    return ok ? 0 : -1;
}

typedef struct {
    db_array_t seq, at, user, role, action, otype, oid, digest, prev, hash;
} s_audit_arrs_t;

static void
s_audit_arrs_free(s_audit_arrs_t *a)
{
    db_array_t *all[] = { &a->seq, &a->at, &a->user, &a->role, &a->action,
                       &a->otype, &a->oid, &a->digest, &a->prev, &a->hash };
    for (size_t i = 0; i < sizeof all / sizeof *all; i++)
        free(all[i]->buf);
}

/* Chains the district's rows onto `hash` (updated to the last row's). */
static void
s_chain_rows(tx_t *self, const char *district, int64_t *seq, uint8_t hash[32],
             s_audit_arrs_t *a)
{
    db_array_t *all[] = { &a->seq, &a->at, &a->user, &a->digest, &a->prev, &a->hash,
                       &a->role, &a->action, &a->otype, &a->oid };
    static const uint32_t oids[] = { DB_OID_INT8, DB_OID_INT8, DB_OID_INT8, DB_OID_BYTEA,
                                     DB_OID_BYTEA, DB_OID_BYTEA, DB_OID_TEXT, DB_OID_TEXT,
                                     DB_OID_TEXT, DB_OID_TEXT };
    for (size_t i = 0; i < sizeof all / sizeof *all; i++)
        db_array_begin(all[i], oids[i]);
    for (size_t i = 0; i < self->audits.n; i++) {
        s_audit_t *r = S_AT(self->audits, s_audit_t, i);
        if (strcmp(r->district, district) != 0)
            continue;
        audit_row_t row = { district, ++*seq, r->at_us, r->actor_user_id, r->actor_role,
                            r->action, r->object_type, r->object_id, { 0 } };
        memcpy(row.digest, r->digest, 32);
        db_array_bytes(&a->prev, hash, 32);
        audit_row_hash(hash, &row, hash);
        db_array_int8(&a->seq, row.seq);
        db_array_int8(&a->at, row.at_us);
        db_array_int8(&a->user, row.actor_user_id);
        db_array_text(&a->role, row.actor_role);
        db_array_text(&a->action, row.action);
        db_array_text(&a->otype, row.object_type);
        db_array_text(&a->oid, row.object_id);
        db_array_bytes(&a->digest, row.digest, 32);
        db_array_bytes(&a->hash, hash, 32);
    }
}

/* Appends the district's buffered audit rows and moves its head. */
static int
s_write_audit(tx_t *self, const char *district)
{
    int64_t seq = 0;
    uint8_t hash[32];
    if (s_lock_head(self, district, &seq, hash) != 0)
        return -1;
    s_audit_arrs_t a;
    memset(&a, 0, sizeof a);
    s_chain_rows(self, district, &seq, hash, &a);
    char last[24];
    snprintf(last, sizeof last, "%lld", (long long) seq);
    db_array_t head = { .buf = hash, .len = 32 };
    const char *text[] = { district, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
                           NULL, last, NULL };
    db_array_t *arrs[] = { NULL, &a.seq, &a.at, &a.user, &a.role, &a.action, &a.otype, &a.oid,
                        &a.digest, &a.prev, &a.hash, NULL, &head };
    int rc = s_exec_mixed(self, "audit",
        "WITH t AS (INSERT INTO audit.trail (district_code, seq, at, at_us, actor_user_id,"
        "  actor_role, action, object_type, object_id, digest, prev_hash, hash)"
        "  SELECT $1, s, 'epoch'::timestamptz + a * interval '1 microsecond', a, u, r, ac,"
        "  ot, oi, dg, ph, h FROM unnest($2::bigint[], $3::bigint[], $4::bigint[],"
        "  $5::text[], $6::text[], $7::text[], $8::text[], $9::bytea[], $10::bytea[],"
        "  $11::bytea[]) AS x(s, a, u, r, ac, ot, oi, dg, ph, h))"
        " UPDATE audit.heads SET seq = $12::bigint, hash = $13::bytea WHERE district_code = $1",
        13, text, arrs);
    s_audit_arrs_free(&a);
    return rc;
}

/* Chains the audit rows, heads locked in sorted district order. */
static int
s_write_audits(tx_t *self)
{
    size_t nd = 0;
    s_audit_t *au = self->audits.items;
    const char **ds = s_districts(au, self->audits.n, sizeof *au, &nd);
    if (!ds)
        return -1;
    int rc = 0;
    for (size_t d = 0; rc == 0 && d < nd; d++)
        rc = s_write_audit(self, ds[d]);
    free(ds);
    return rc;
}

/* Moves the written events to the committed list, for tx_publish. */
static int
s_keep_committed(tx_t *self)
{
    for (size_t i = 0; i < self->events.n; i++) {
        s_event_t *slot = s_vec_push(&self->committed);
        if (!slot) {
            s_truncate(self, i, self->audits.n);
            log_error("committed events dropped from memory", "producer=%s",
                      self->producer);
            return -1;
        }
        *slot = *S_AT(self->events, s_event_t, i);
    }
    self->events.n = 0;
    return 0;
}

static int
s_commit(tx_t *self, int relaxed)
{
    if (!self || !self->open)
        return -1;
    int rc = 0;
    if (self->events.n > 0)
        rc = s_number_events(self);
    if (rc == 0 && self->events.n > 0)
        rc = s_insert_events(self);
    if (rc == 0 && self->audits.n > 0)
        rc = s_write_audits(self);
    if (rc == 0 && relaxed && self->events.n == 0)
        rc = db_run_script(self->db, "SET LOCAL synchronous_commit TO off; COMMIT");
    else if (rc == 0)
        rc = db_run(self->db, "COMMIT", 0, NULL);
    if (rc != 0) {
        log_warn("tx commit failed", "producer=%s events=%zu audits=%zu", self->producer,
                 self->events.n, self->audits.n);
        tx_rollback(self);
        return -1;
    }
    self->open = 0;
    self->in_savepoint = 0;
    s_truncate(self, self->events.n, 0);
    s_keep_committed(self);         /* committed either way: at worst not published */
    return 0;
}

int
tx_commit(tx_t *self)
{
    return s_commit(self, 0);
}

int
tx_commit_relaxed(tx_t *self)
{
    return s_commit(self, 1);
}

void
tx_rollback(tx_t *self)
{
    if (!self)
        return;
    if (self->open && self->db)
        db_run(self->db, "ROLLBACK", 0, NULL);
    self->open = 0;
    self->in_savepoint = 0;
    s_truncate(self, 0, 0);
}

int
tx_publish(tx_t *self, bus_pub_t *pub)
{
    if (!self)
        return -1;
    int rc = 0;
    for (size_t i = 0; i < self->committed.n; i++) {
        s_event_t *e = S_AT(self->committed, s_event_t, i);
        if (pub && bus_publish(pub, e->district, e->type, e->packed, e->packed_len) != 0)
            rc = -1;
        s_event_free(e);
    }
    self->committed.n = 0;
    return rc;
}

int
tx_record(tx_t *self, const char *district, const Lianxin__V1__Actor *actor, const char *type,
          const ProtobufCMessage *msg, const char *action, const char *object_type,
          int64_t object_id)
{
    char id[24];
    size_t len = protobuf_c_message_get_packed_size(msg);
    uint8_t *buf = malloc(len ? len : 1);
    int rc = -1;
    if (buf) {
        protobuf_c_message_pack(msg, buf);
        rc = tx_audit(self, district, actor, action, object_type, db_num(id, object_id), buf,
                      len);
        free(buf);
    }
    if (rc == 0 && type)
        rc = tx_event(self, district, type, actor, msg);
    return rc;
}
