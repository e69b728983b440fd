/* inbox: writes the visit.recorded items of notify.items and marks items
 * read (notify.reads: the recipient's own row, or the reader's for a role
 * item). apply runs on the worker inside the consumer's transaction, one
 * INSERT for all the visits of a run of events; validate on the loop (no
 * I/O); execute on the worker inside the command batch. Never logs titles,
 * bodies or payloads. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "intake.pb-c.h"
#include "notify.pb-c.h"
#include "log.h"
#include "timeutil.h"
#include "recipients.h"
#include "inbox.h"
#include "inbox_addr.h"

/* One row per visit carrying its recipients (migration 060), in event order,
 * so that inbox ids grow in the order the events happened. The cursor, moved
 * in the same transaction, is what makes each event take effect once; the
 * event key (items_by_event) is the safety net. The batched form inserts
 * plainly (a duplicate, which the cursor rules out, fails it with 23505 and
 * the consumer falls back to one event at a time); the one-event form skips
 * duplicates ON CONFLICT. The business time is read once per statement (a
 * scalar subquery), not parsed again for every row. */
#define S_INSERT \
    "INSERT INTO notify.items (district_code, id, recipient_kind, recipient_ids, kind," \
    "  title, body, object_type, object_id, source_producer, source_seq, created_at)" \
    " SELECT d, nextval('notify.inbox_ids'), 'member', r::bigint[], 'visit.recorded', $1, b," \
    "  'visit', o, p, s, (SELECT core.clock_now())" \
    " FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[]," \
    "  $7::bigint[]) WITH ORDINALITY AS u(d, r, b, o, p, s, n) ORDER BY n"

static const char *s_insert_sql = S_INSERT;
static const char *s_insert_skip_sql = S_INSERT
    " ON CONFLICT (district_code, source_producer, source_seq, recipient_kind) DO NOTHING";

/* Marks item $2 read for the caller, in one statement: either the caller's
 * own item ($3 = its recipient kind, $4 among its recipients: the reader is
 * the recipient), or an item addressed to the caller's role in the district
 * ($5 = 'role:<role>', NULL when the caller has none here; $6 = the user id:
 * the reader is ('user', $6)), so that the other holders of the role keep
 * their own read state. An item is one or the other, so at most one row;
 * none: not the caller's. DO UPDATE (a no-op) rather than DO NOTHING so that
 * a second MarkRead, even a concurrent one, returns the first read_at. */
static const char *s_read_sql =
    "INSERT INTO notify.reads AS x (district_code, item_id, reader_kind, reader_id, read_at)"
    " SELECT district_code, id,"
    "  CASE WHEN recipient_kind = $3 THEN $3 ELSE 'user' END,"
    "  CASE WHEN recipient_kind = $3 THEN $4::bigint ELSE $6::bigint END, core.clock_now()"
    " FROM notify.items"
    " WHERE district_code = $1 AND id = $2::bigint"
    "  AND ((recipient_kind = $3 AND recipient_ids @> ARRAY[$4::bigint])"
    "   OR (recipient_kind = $5::text AND $6::bigint > 0))"
    " ON CONFLICT (district_code, item_id, reader_kind, reader_id)"
    "  DO UPDATE SET read_at = x.read_at"
    " RETURNING item_id, (extract(epoch FROM read_at) * 1000000)::bigint";

/* ---- apply (worker, consumer transaction) ---------------------------------------- */

/* The INSERT's array parameters, one element per row. */
enum { C_DISTRICT, C_RECIPIENT, C_BODY, C_OBJECT, C_PRODUCER, C_SEQ, C_COUNT };

typedef struct inbox_rows {
    db_array_t a[C_COUNT];
    size_t n;
} inbox_rows_t;

/* The row of one visit.recorded: its recipients as one array, none for a
 * visit with nobody to tell. */
static void s_rows_add_visit(inbox_rows_t *rows, const Lianxin__V1__Event *ev,
                             const Lianxin__V1__VisitRecorded *vr)
{
    int64_t to[RECIPIENTS_MAX];
    char body[512], object_id[24];
    size_t n = recipients_of_visit(vr->rota_member_ids, vr->n_rota_member_ids,
                                   vr->head_member_id, to, RECIPIENTS_MAX);
    char *ids = n > 0 ? db_ids_text(to, n) : NULL;

    if (!ids) {
        rows->a[C_RECIPIENT].failed |= n > 0;   /* out of memory: the run fails */
        return;
    }
    if (recipients_visit_body(vr->workroom_name, vr->received_at, (int)vr->category,
                              body, sizeof body) != 0)
        snprintf(body, sizeof body, "%s", RECIPIENTS_TITLE_VISIT);
    db_num(object_id, vr->visit_id);
    db_array_text(&rows->a[C_DISTRICT], ev->district);
    db_array_text(&rows->a[C_RECIPIENT], ids);
    db_array_text(&rows->a[C_BODY], body);
    db_array_text(&rows->a[C_OBJECT], object_id);
    db_array_text(&rows->a[C_PRODUCER], ev->producer);
    db_array_int8(&rows->a[C_SEQ], ev->seq);
    rows->n++;
    free(ids);
}

/* Runs the INSERT over the rows, skipping duplicates when `skip`. 0 or -1. */
static int s_rows_exec(inbox_rows_t *rows, tx_t *tx, int skip)
{
    const char *vals[C_COUNT + 1] = { RECIPIENTS_TITLE_VISIT };
    int lens[C_COUNT + 1] = { 0 }, fmts[C_COUNT + 1] = { 0 };
    PGresult *r;

    for (int i = 0; i < C_COUNT; i++) {
        if (rows->a[i].failed)
            return -1;
        vals[i + 1] = (const char *)rows->a[i].buf;
        lens[i + 1] = (int)rows->a[i].len;
        fmts[i + 1] = 1;
    }
    r = db_exec_params(tx_db(tx), skip ? s_insert_skip_sql : s_insert_sql, C_COUNT + 1,
                       vals, lens, fmts);
    if (!r)
        return -1;
    PQclear(r);
    return 0;
}

/* The rows of `n` visit.recorded events in one INSERT. 0 or -1. */
static int s_apply(tx_t *tx, const Lianxin__V1__Event *const *evs,
                   const ProtobufCMessage *const *msgs, size_t n, int skip)
{
    static const uint32_t oids[C_COUNT] = { DB_OID_TEXT, DB_OID_TEXT, DB_OID_TEXT,
                                            DB_OID_TEXT, DB_OID_TEXT, DB_OID_INT8 };
    inbox_rows_t rows;
    int rc = 0;

    memset(&rows, 0, sizeof rows);
    for (int i = 0; i < C_COUNT; i++)
        db_array_begin(&rows.a[i], oids[i]);
    for (size_t i = 0; i < n; i++)
        s_rows_add_visit(&rows, evs[i], (const Lianxin__V1__VisitRecorded *)msgs[i]);
    if (rows.n > 0 && s_rows_exec(&rows, tx, skip) != 0) {
        log_warn("inbox insert failed", "district=%s producer=%s seq=%lld n=%zu sqlstate=%s",
                 evs[0]->district, evs[0]->producer, (long long)evs[0]->seq, n,
                 db_sqlstate(tx_db(tx)));
        rc = -1;
    }
    for (int i = 0; i < C_COUNT; i++)
        db_array_free(&rows.a[i]);
    return rc;
}

int inbox_visits_recorded(tx_t *tx, const Lianxin__V1__Event *const *evs,
                          const ProtobufCMessage *const *msgs, size_t n, void *app)
{
    (void)app;
    return s_apply(tx, evs, msgs, n, 0);
}

int inbox_visit_recorded(tx_t *tx, const Lianxin__V1__Event *ev, const ProtobufCMessage *msg,
                         void *app)
{
    (void)app;
    return s_apply(tx, &ev, &msg, 1, 1);
}

/* ---- MarkRead ------------------------------------------------------------------------ */

/* The actor's own inbox address (inbox_addr_own). 0 or -1. */
static int s_own_addr(const Lianxin__V1__Actor *a, inbox_addr_t *out)
{
    return a ? inbox_addr_own(a->role, a->user_id, a->member_id, a->unit_id, out) : -1;
}

int inbox_mark_read_validate(const cmd_ctx_t *ctx, cmd_result_t *res)
{
    inbox_addr_t own;
    int64_t id;

    if (s_own_addr(ctx->cmd->actor, &own) != 0)
        return cmd_fail(res, 403, "forbidden", "not allowed");
    if (cmd_object_id(ctx, &id) != 0)
        return cmd_fail(res, 404, "not_found", "no such inbox item");
    return 0;
}

int inbox_mark_read_execute(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res)
{
    Lianxin__V1__InboxRef ref = LIANXIN__V1__INBOX_REF__INIT;
    const Lianxin__V1__Actor *a = ctx->cmd->actor;
    const char *params[6];
    char rid[24], read_at[40], uid[24];
    inbox_addr_t own, role;
    int has_role;
    PGresult *r;

    if (s_own_addr(a, &own) != 0)
        return cmd_fail(res, 403, "forbidden", "not allowed");
    db_num(rid, own.id);
    has_role = inbox_addr_role(a->role, a->user_id, a->district, ctx->cmd->district, &role) == 0;
    db_num(uid, a->user_id);
    params[0] = ctx->cmd->district;
    params[1] = ctx->cmd->object_id;
    params[2] = own.kind;
    params[3] = rid;
    params[4] = has_role ? role.kind : NULL;
    params[5] = has_role ? uid : NULL;
    if (!(r = db_exec(tx_db(tx), s_read_sql, 6, params)))
        return cmd_db_fail(tx, res, "mark_read");
    if (PQntuples(r) != 1) {
        PQclear(r);
        return cmd_fail(res, 404, "not_found", "no such inbox item");
    }
    ref.id = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
    time_format(strtoll(PQgetvalue(r, 0, 1), NULL, 10), read_at, sizeof read_at);
    ref.read_at = read_at;
    PQclear(r);
    return cmd_ok(res, 200, &ref.base) ? cmd_fail(res, 500, "internal", "reply") : 0;
}
