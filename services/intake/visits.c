/* visits: recording visits (接待/走访) into the public-opinion log. The
 * validate half runs on the loop and never does I/O; the execute half runs on
 * the worker inside the batch's transaction, ONE statement for all the visits
 * of a batch. The visitor's name and phone, and a home visit's location,
 * are sealed before they leave this file and are never logged. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "jsonpb.h"
#include "log.h"
#include "mask.h"
#include "timeutil.h"
#include "visit_rules.h"
#include "intake_app.h"
#include "visits.h"
#include "visit_seal.h"

#define ID_BLOCK 256                /* visit ids fetched at least per round trip */
#define ID_CAP (CMD_MAX_BATCH + ID_BLOCK)
#define SEALED_MAX (VISIT_MAX_LOCATION * 4 + SEAL_OVERHEAD_MAX)
#define ROTA_MAX 256

struct visits {
    int64_t ids[ID_CAP];            /* touched only on the worker thread */
    size_t nids, next;
};

/* The array parameters of s_sql, one element per visit, in this order. */
enum { A_DISTRICT, A_ID, A_ROOM, A_MEMBERS, A_KIND, A_RECEIVED, A_NAME, A_PHONE,
       A_NAME_MASKED, A_PHONE_MASKED, A_SUMMARY, A_CATEGORY, A_LOCATION, A_ACTION,
       A_PROMISED, A_CREATED_BY, A_MONTH, A_LOCATION_SEALED, A_COUNT };

/* The result columns of s_sql, one row per visit in input order. */
enum { R_ORD, R_ROOM_FOUND, R_ROOM_NAME, R_HEAD, R_MISSING, R_INSERTED, R_ROTA };

/* One round trip for n visits: each row's room and members are checked (all
 * the batch's member ids in one join), the rows that pass are inserted, and
 * every row comes back, in input order, with what its reply and event need:
 * whether the room exists (its name and head), the indexes of unknown
 * members, whether it was inserted, and the room's rota for the month of its
 * received_at (looked up once per distinct room and month). Member ids travel
 * as '{1,2}' texts cast per row. */
static const char *s_sql =
    "WITH v AS ("
    "  SELECT * FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::text[], $5::text[],"
    "    $6::bigint[], $7::bytea[], $8::bytea[], $9::text[], $10::text[], $11::text[],"
    "    $12::text[], $13::text[], $14::text[], $15::text[], $16::bigint[], $17::text[],"
    "    $18::bytea[])"
    "  WITH ORDINALITY AS u(district, id, room, members, kind, received, name, phone,"
    "    name_masked, phone_masked, summary, category, location, action, promised,"
    "    created_by, month, location_sealed, ord)),"
    " missing AS ("
    "  SELECT v.ord, array_agg(e.pos - 1 ORDER BY e.pos) AS idx"
    "  FROM v CROSS JOIN unnest(v.members::bigint[]) WITH ORDINALITY AS e(mid, pos)"
    "  LEFT JOIN core.members x ON x.district_code = v.district AND x.id = e.mid"
    "  WHERE x.id IS NULL GROUP BY v.ord),"
    " c AS ("
    "  SELECT v.*, r.name AS room_name, coalesce(r.head_member_id, 0) AS head,"
    "    r.id IS NOT NULL AS room_found, coalesce(missing.idx, '{}') AS missing"
    "  FROM v LEFT JOIN core.workrooms r ON r.district_code = v.district AND r.id = v.room"
    "  LEFT JOIN missing ON missing.ord = v.ord),"
    " ins AS ("
    "  INSERT INTO intake.visits (district_code, id, workroom_id, kind, received_at,"
    "    member_ids, visitor_name, visitor_phone, visitor_name_masked,"
    "    visitor_phone_masked, summary, category, location, on_spot_action, promised,"
    "    created_by, created_at, location_sealed)"
    "  SELECT district, id, room, kind,"
    "    'epoch'::timestamptz + received * interval '1 microsecond', members::bigint[],"
    "    name, phone, name_masked, phone_masked, summary, category, location, action,"
    "    promised, created_by, 'epoch'::timestamptz + $19::bigint * interval '1 microsecond',"
    "    location_sealed"
    "  FROM c WHERE room_found AND cardinality(missing) = 0"
    "  RETURNING id),"
    " rota AS ("
    "  SELECT d.district, d.room, d.month,"
    "    ARRAY(SELECT DISTINCT t.member_id FROM intake.rota t"
    "          WHERE t.district_code = d.district AND t.workroom_id = d.room"
    "            AND t.duty_date >= d.month::date"
    "            AND t.duty_date < d.month::date + interval '1 month'"
    "            AND t.status NOT IN ('draft', 'excused') ORDER BY 1) AS ids"
    "  FROM (SELECT DISTINCT district, room, month FROM v) d)"
    " SELECT c.ord, c.room_found, c.room_name, c.head, c.missing,"
    "  c.id IN (SELECT id FROM ins), rota.ids"
    " FROM c JOIN rota"
    "  ON rota.district = c.district AND rota.room = c.room AND rota.month = c.month"
    " ORDER BY c.ord";

/* ---- state ------------------------------------------------------------------ */

int visits_init(const config_t *cfg, void **app)
{
    visits_t *v = calloc(1, sizeof *v);

    (void) cfg;
    if (!v)
        return -1;
    *app = v;
    return 0;
}

void visits_fini(void *app)
{
    visits_t *v = app;

    free(v);
}

/* ---- validate (loop, no I/O) -------------------------------------------------- */

int visits_validate(const cmd_ctx_t *ctx, cmd_result_t *res)
{
    const Lianxin__V1__RecordVisit *rv = (const Lianxin__V1__RecordVisit *)ctx->req;
    visit_errors_t errs;
    int64_t received_us;

    if (visit_rules_member_ok(ctx->cmd->actor, rv->member_ids, rv->n_member_ids) != 0)
        return cmd_fail(res, 403, "forbidden", "not allowed to record this visit");
    if (visit_rules_check(rv, time_now_us(), &errs, &received_us) == 0)
        return 0;
    for (int i = 0; i < errs.n; i++)
        cmd_field_error(res, errs.e[i].field, errs.e[i].code);
    return -1;
}

/* ---- execute helpers (worker) -------------------------------------------------- */

/* Sets `n` results for a failed statement as cmd_db_fail sets one (503 when
 * the connection went away: the whole batch fails; else 500, logged once,
 * never the parameters). Returns -1. */
static int s_db_fail(tx_t *tx, cmd_result_t *const *res, size_t n, const char *what)
{
    if (n == 0)
        return -1;
    cmd_db_fail(tx, res[0], what);
    for (size_t i = 1; i < n; i++)
        cmd_fail(res[i], res[0]->status, res[0]->error_code, res[0]->message);
    return -1;
}

/* Takes `n` visit ids, fetching at least ID_BLOCK more from the sequence in
 * one round trip when the block runs short. Ids of commands that end up
 * refused or rolled back are simply unused. 0 or -1. */
static int s_take_ids(visits_t *v, db_t *db, size_t n, int64_t *out)
{
    static const char *sql = "SELECT nextval('intake.visit_ids') FROM generate_series(1, $1::int)";
    size_t have = v->nids - v->next, want = n > have + ID_BLOCK ? n - have : ID_BLOCK;
    char count[24];
    const char *params[] = { count };
    PGresult *r;

    if (have < n) {
        memmove(v->ids, v->ids + v->next, have * sizeof *v->ids);
        snprintf(count, sizeof count, "%zu", want);
        if (!(r = db_exec(db, sql, 1, params)))
            return -1;
        for (int i = 0; i < PQntuples(r) && have < ID_CAP; i++)
            v->ids[have++] = strtoll(PQgetvalue(r, i, 0), NULL, 10);
        PQclear(r);
        v->nids = have;
        v->next = 0;
        if (have < n)
            return -1;
    }
    memcpy(out, v->ids + v->next, n * sizeof *out);
    v->next += n;
    return 0;
}

/* Seals `pt` as column `col` of visit (`district`, `id`) into a bytea
 * element; an empty value is NULL. 0 or -1. */
static int s_seal(int col, const char *district, int64_t id, const char *pt, db_array_t *a)
{
    uint8_t sealed[SEALED_MAX];
    size_t len = pt ? strlen(pt) : 0, slen = 0;

    if (len == 0) {
        db_array_null(a);
        return 0;
    }
    if (visit_seal(col, district, id, pt, sealed, sizeof sealed, &slen) != 0)
        return -1;
    db_array_bytes(a, sealed, slen);
    memset(sealed, 0, sizeof sealed);
    return 0;
}

/* The visitor block: name and phone sealed to this visit, and their masked
 * forms. Anonymous visits get NULL and "". 0 or -1. */
static int s_add_visitor(const char *district, int64_t id, const Lianxin__V1__RecordVisit *rv,
                         db_array_t *a)
{
    const Lianxin__V1__Visitor *vis = visit_has_visitor(rv) ? rv->visitor : NULL;
    char name[VISIT_MAX_NAME * 4 + 1] = "", phone[VISIT_MAX_PHONE + 1] = "";
    int rc;

    rc = s_seal(SEALCOL_VISIT_NAME, district, id, vis ? vis->name : NULL, &a[A_NAME]);
    rc |= s_seal(SEALCOL_VISIT_PHONE, district, id, vis ? vis->phone : NULL, &a[A_PHONE]);
    if (vis && vis->name && vis->name[0])
        rc |= mask_name(vis->name, name, sizeof name);
    if (vis && vis->phone && vis->phone[0])
        rc |= mask_phone(vis->phone, phone, sizeof phone);
    db_array_text(&a[A_NAME_MASKED], name);
    db_array_text(&a[A_PHONE_MASKED], phone);
    memset(name, 0, sizeof name);
    memset(phone, 0, sizeof phone);
    return rc ? -1 : 0;
}

/* The location: a home visit's (the visitor's address) sealed, with its
 * masked form in clear; any other kind's in clear, nothing sealed. 0 or -1. */
static int s_add_location(const char *district, int64_t id, int kind, const char *location,
                          db_array_t *a)
{
    char masked[16];
    const char *loc = location ? location : "";

    if (kind != LIANXIN__V1__VISIT_KIND__VISIT_KIND_HOME_VISIT) {
        db_array_text(&a[A_LOCATION], loc);
        db_array_null(&a[A_LOCATION_SEALED]);
        return 0;
    }
    if (mask_location(loc, masked, sizeof masked) != 0)
        return -1;
    db_array_text(&a[A_LOCATION], masked);
    return s_seal(SEALCOL_VISIT_LOCATION, district, id, loc, &a[A_LOCATION_SEALED]);
}

/* The first day of the month (UTC+8) of `us`, "2026-11-01". */
static void s_month(int64_t us, char *out, size_t outsz)
{
    int y, m, d;

    time_ymd(us, &y, &m, &d);
    snprintf(out, outsz, "%04d-%02d-01", y, m);
}

static void s_add_enum(db_array_t *a, const ProtobufCEnumDescriptor *desc, int value)
{
    char text[48];

    if (value == 0 || jsonpb_enum_name(desc, value, text, sizeof text) != 0)
        text[0] = '\0';
    db_array_text(a, text);
}

/* ---- the statement's rows ------------------------------------------------------------ */

typedef struct visit_rows {
    db_array_t a[A_COUNT];
    size_t n;
} visit_rows_t;

static void s_rows_begin(visit_rows_t *rows)
{
    static const uint32_t oids[A_COUNT] = {
        [A_ID] = DB_OID_INT8, [A_ROOM] = DB_OID_INT8, [A_RECEIVED] = DB_OID_INT8,
        [A_NAME] = DB_OID_BYTEA, [A_PHONE] = DB_OID_BYTEA, [A_CREATED_BY] = DB_OID_INT8,
        [A_LOCATION_SEALED] = DB_OID_BYTEA,
    };

    memset(rows, 0, sizeof *rows);
    for (int i = 0; i < A_COUNT; i++)
        db_array_begin(&rows->a[i], oids[i] ? oids[i] : DB_OID_TEXT);
}

static void s_rows_free(visit_rows_t *rows)
{
    for (int i = 0; i < A_COUNT; i++) {
        if (rows->a[i].buf)
            memset(rows->a[i].buf, 0, rows->a[i].len);     /* masked and sealed copies */
        db_array_free(&rows->a[i]);
    }
}

/* Appends visit `id` of command `ctx`, received at `received_us`. 0 or -1. */
static int s_rows_add(visit_rows_t *rows, const cmd_ctx_t *ctx, int64_t id, int64_t received_us)
{
    const Lianxin__V1__RecordVisit *rv = (const Lianxin__V1__RecordVisit *)ctx->req;
    const Lianxin__V1__Actor *actor = ctx->cmd->actor;
    int kind = rv->kind ? (int)rv->kind : LIANXIN__V1__VISIT_KIND__VISIT_KIND_RECEPTION;
    char month[16], *members;
    db_array_t *a = rows->a;

    if (rv->n_member_ids > VISIT_MAX_MEMBERS)                   /* validated already */
        return -1;
    if (!(members = db_ids_text(rv->member_ids, rv->n_member_ids)))
        return -1;
    s_month(received_us, month, sizeof month);
    db_array_text(&a[A_DISTRICT], ctx->cmd->district);
    db_array_int8(&a[A_ID], id);
    db_array_int8(&a[A_ROOM], rv->workroom_id);
    db_array_text(&a[A_MEMBERS], members);
    free(members);
    s_add_enum(&a[A_KIND], &lianxin__v1__visit_kind__descriptor, kind);
    db_array_int8(&a[A_RECEIVED], received_us);
    db_array_text(&a[A_SUMMARY], rv->summary ? rv->summary : "");
    s_add_enum(&a[A_CATEGORY], &lianxin__v1__visit_category__descriptor, (int)rv->category);
    s_add_enum(&a[A_ACTION], &lianxin__v1__on_spot_action__descriptor, (int)rv->on_spot_action);
    db_array_text(&a[A_PROMISED], rv->promised ? rv->promised : "");
    db_array_int8(&a[A_CREATED_BY], actor ? actor->user_id : 0);
    db_array_text(&a[A_MONTH], month);
    rows->n++;
    if (s_add_location(ctx->cmd->district, id, kind, rv->location, a) != 0)
        return -1;
    return s_add_visitor(ctx->cmd->district, id, rv, a);
}

/* 1 when every array was built (no allocation failed). */
static int s_rows_ok(const visit_rows_t *rows)
{
    for (int i = 0; i < A_COUNT; i++)
        if (rows->a[i].failed)
            return 0;
    return 1;
}

/* Runs s_sql over the rows: the result (one row per visit) or NULL. */
static PGresult *s_rows_exec(visit_rows_t *rows, tx_t *tx)
{
    const char *vals[A_COUNT + 1];
    int lens[A_COUNT + 1], fmts[A_COUNT + 1];
    char now[24];
    PGresult *r;

    for (int i = 0; i < A_COUNT; i++) {
        vals[i] = (const char *)rows->a[i].buf;
        lens[i] = (int)rows->a[i].len;
        fmts[i] = 1;
    }
    snprintf(now, sizeof now, "%lld", (long long)tx_now_us(tx));
    vals[A_COUNT] = now;
    lens[A_COUNT] = 0;
    fmts[A_COUNT] = 0;
    r = db_exec_params(tx_db(tx), s_sql, A_COUNT + 1, vals, lens, fmts);
    if (r && PQntuples(r) != (int)rows->n) {
        PQclear(r);
        return NULL;
    }
    return r;
}

/* ---- answers ------------------------------------------------------------------------- */

/* 422 with a field per unknown room or member, from the visit's row. */
static int s_not_found(PGresult *r, int row, cmd_result_t *res)
{
    int64_t idx[VISIT_MAX_MEMBERS];
    size_t n = db_parse_ids(PQgetvalue(r, row, R_MISSING), idx, VISIT_MAX_MEMBERS);
    char field[64];

    cmd_fail(res, 422, "unprocessable", "unknown workroom or members");
    if (strcmp(PQgetvalue(r, row, R_ROOM_FOUND), "t") != 0)
        cmd_field_error(res, "workroom_id", "not_found");
    for (size_t i = 0; i < n; i++) {
        snprintf(field, sizeof field, "member_ids[%lld]", (long long)idx[i]);
        cmd_field_error(res, field, "not_found");
    }
    return -1;
}

/* Buffers visit.recorded and the audit row of an inserted visit, and sets
 * the 201 reply. 0, or -1 with a 500 (the batch then falls back). */
static int s_record(tx_t *tx, const cmd_ctx_t *ctx, int64_t id, int64_t received_us,
                    PGresult *r, int row, cmd_result_t *res)
{
    const Lianxin__V1__RecordVisit *rv = (const Lianxin__V1__RecordVisit *)ctx->req;
    Lianxin__V1__VisitRecorded ev = LIANXIN__V1__VISIT_RECORDED__INIT;
    Lianxin__V1__VisitRef ref = LIANXIN__V1__VISIT_REF__INIT;
    int64_t rota[ROTA_MAX];
    char received[40], idtext[24];
    uint8_t *packed;
    size_t len;
    int rc;

    time_format(received_us, received, sizeof received);
    ev.visit_id = id;
    ev.workroom_id = rv->workroom_id;
    ev.received_at = received;
    ev.n_member_ids = rv->n_member_ids;
    ev.member_ids = rv->member_ids;
    ev.category = rv->category;
    ev.n_rota_member_ids = db_parse_ids(PQgetvalue(r, row, R_ROTA), rota, ROTA_MAX);
    ev.rota_member_ids = rota;
    ev.head_member_id = strtoll(PQgetvalue(r, row, R_HEAD), NULL, 10);
    ev.workroom_name = PQgetvalue(r, row, R_ROOM_NAME);
    if (tx_event(tx, ctx->cmd->district, "visit.recorded", ctx->cmd->actor, &ev.base))
        return cmd_fail(res, 500, "internal", "event not buffered");
    len = protobuf_c_message_get_packed_size(&ev.base);
    if (!(packed = malloc(len ? len : 1)))
        return cmd_fail(res, 500, "internal", "out of memory");
    protobuf_c_message_pack(&ev.base, packed);
    snprintf(idtext, sizeof idtext, "%lld", (long long)id);
    rc = tx_audit(tx, ctx->cmd->district, ctx->cmd->actor, "visit.record", "visit",
                  idtext, packed, len);
    free(packed);
    if (rc)
        return cmd_fail(res, 500, "internal", "audit not buffered");
    ref.id = id;
    return cmd_ok(res, 201, &ref.base) ? cmd_fail(res, 500, "internal", "reply") : 0;
}

/* Answers every row of the statement's result. 0, or -1 when a visit that
 * was inserted could not be answered (its event or audit row is missing:
 * the batch must fall back). */
static int s_answer_all(tx_t *tx, const cmd_ctx_t *ctxs, cmd_result_t *const *res,
                        const size_t *cmd_of_row, const int64_t *ids,
                        const int64_t *received, PGresult *r)
{
    for (int row = 0; row < PQntuples(r); row++) {
        size_t i = cmd_of_row[row];
        if (strtol(PQgetvalue(r, row, R_ORD), NULL, 10) != row + 1)
            return cmd_fail(res[i], 500, "internal", "rows out of order");
        if (strcmp(PQgetvalue(r, row, R_INSERTED), "t") != 0)
            s_not_found(r, row, res[i]);
        else if (s_record(tx, &ctxs[i], ids[row], received[row], r, row, res[i]) != 0)
            return -1;
        else
            log_debug("visit recorded", "district=%s id=%lld", ctxs[i].cmd->district,
                      (long long)ids[row]);
    }
    return 0;
}

/* ---- execute (worker, inside the transaction) ----------------------------------- */

/* The rows of the statement: every command whose received_at parses (the
 * others were validated already; they get 400 here and no row). Returns the
 * row count, or -1 (500s set) when building failed. */
static int s_build(tx_t *tx, const cmd_ctx_t *ctxs, cmd_result_t *const *res, size_t n,
                   visit_rows_t *rows, size_t *cmd_of_row, int64_t *ids, int64_t *received)
{
    visits_t *v = ctxs[0].app;
    size_t k = 0;
    int bad = 0;

    for (size_t i = 0; i < n; i++) {
        const Lianxin__V1__RecordVisit *rv = (const Lianxin__V1__RecordVisit *)ctxs[i].req;
        if (time_parse(rv->received_at, &received[k]) != 0)
            cmd_field_error(res[i], "received_at", "invalid");
        else
            cmd_of_row[k++] = i;
    }
    if (k > 0 && s_take_ids(v, tx_db(tx), k, ids) != 0)
        return s_db_fail(tx, res, n, "visit_ids");
    s_rows_begin(rows);
    for (size_t j = 0; j < k; j++)
        bad |= s_rows_add(rows, &ctxs[cmd_of_row[j]], ids[j], received[j]) != 0;
    if (bad || !s_rows_ok(rows)) {
        for (size_t i = 0; i < n; i++)
            cmd_fail(res[i], 500, "internal", "visit not prepared");
        return -1;
    }
    return (int)k;
}

int visits_execute_many(tx_t *tx, const cmd_ctx_t *ctxs, cmd_result_t *const *res, size_t n)
{
    size_t cmd_of_row[CMD_MAX_BATCH];
    int64_t ids[CMD_MAX_BATCH], received[CMD_MAX_BATCH];
    visit_rows_t rows;
    PGresult *r;
    int k, rc;

    if (n == 0 || n > CMD_MAX_BATCH)
        return -1;
    memset(&rows, 0, sizeof rows);
    k = s_build(tx, ctxs, res, n, &rows, cmd_of_row, ids, received);
    if (k <= 0) {
        s_rows_free(&rows);
        return k;
    }
    r = s_rows_exec(&rows, tx);
    s_rows_free(&rows);
    if (!r)
        return s_db_fail(tx, res, n, "visit_insert");
    rc = s_answer_all(tx, ctxs, res, cmd_of_row, ids, received, r);
    PQclear(r);
    return rc;
}
