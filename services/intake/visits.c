/* visits: recording a visit (接待/走访) into the public-opinion log. The
 * validate half runs on the loop and never does I/O; the execute half runs on
 * the worker inside the batch's transaction. The visitor's name and phone are
 * sealed before they leave this file and are never logged. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "crypto.h"
#include "jsonpb.h"
#include "log.h"
#include "mask.h"
#include "timeutil.h"
#include "visit_rules.h"
#include "visits.h"

#define ID_BLOCK 64                 /* visit ids fetched per round trip */
#define SEALED_HEX_MAX (2 * (VISIT_MAX_NAME * 4 + CRYPTO_SEAL_OVERHEAD) + 3)

#define STMT_NAME "intake_record_visit"

struct visits {
    uint8_t key[CRYPTO_KEY_LEN];
    int64_t ids[ID_BLOCK];          /* touched only on the worker thread */
    int nids, next;
    int prepared;                   /* STMT_NAME exists on connection generation `gen` */
    unsigned gen;
};

/* The text parameters of the insert statement (see s_sql). */
enum { P_DISTRICT, P_ROOM, P_MEMBERS, P_ID, P_KIND, P_RECEIVED, P_NAME, P_PHONE,
       P_NAME_MASKED, P_PHONE_MASKED, P_SUMMARY, P_CATEGORY, P_LOCATION, P_ACTION,
       P_PROMISED, P_CREATED_BY, P_CREATED_AT, P_MONTH_FROM, P_MONTH_TO, P_COUNT };

typedef struct visit_params {
    const char *v[P_COUNT];
    char room[24], id[24], received[24], created_by[24], created_at[24];
    char month_from[32], month_to[32];
    char kind[32], category[48], action[48];
    char name_masked[VISIT_MAX_NAME * 4 + 1], phone_masked[VISIT_MAX_PHONE + 1];
    char name_hex[SEALED_HEX_MAX], phone_hex[SEALED_HEX_MAX];
    char *members;                  /* "{1,2,3}", malloc'd */
} visit_params_t;

/* One round trip: the room and the members are checked and the visit is
 * inserted only when all exist; the room's head and its rota for the month
 * of received_at come back for the event. */
static const char *s_sql =
    "WITH room AS ("
    "  SELECT name, head_member_id FROM core.workrooms"
    "  WHERE district_code = $1 AND id = $2::bigint),"
    " missing AS ("
    "  SELECT coalesce(array_agg(u.ord - 1 ORDER BY u.ord), '{}'::bigint[]) AS idx"
    "  FROM unnest($3::bigint[]) WITH ORDINALITY AS u(mid, ord)"
    "  WHERE NOT EXISTS (SELECT 1 FROM core.members m"
    "                    WHERE m.district_code = $1 AND m.id = u.mid)),"
    " ins AS ("
    "  INSERT INTO intake.visits (district_code, id, workroom_id, kind, received_at,"
    "    member_ids, visitor_name, visitor_phone, visitor_name_masked,"
    "    visitor_phone_masked, summary, category, location, on_spot_action, promised,"
    "    created_by, created_at)"
    "  SELECT $1, $4::bigint, $2::bigint, $5,"
    "    'epoch'::timestamptz + $6::bigint * interval '1 microsecond', $3::bigint[],"
    "    $7::bytea, $8::bytea, $9, $10, $11, $12, $13, $14, $15, $16::bigint,"
    "    'epoch'::timestamptz + $17::bigint * interval '1 microsecond'"
    "  WHERE EXISTS (SELECT 1 FROM room)"
    "    AND cardinality((SELECT idx FROM missing)) = 0"
    "  RETURNING id)"
    " SELECT (SELECT count(*) FROM room), (SELECT name FROM room),"
    "  coalesce((SELECT head_member_id FROM room), 0), (SELECT idx FROM missing),"
    "  (SELECT count(*) FROM ins),"
    "  ARRAY(SELECT DISTINCT r.member_id FROM intake.rota r"
    "        WHERE r.district_code = $1 AND r.workroom_id = $2::bigint"
    "          AND r.duty_date >= $18::date AND r.duty_date < $19::date"
    "          AND r.status NOT IN ('draft', 'excused') ORDER BY 1)";

/* ---- state ------------------------------------------------------------------ */

int visits_init(const config_t *cfg, void **app)
{
    visits_t *v = calloc(1, sizeof *v);
    const char *hex = config_get(cfg, "crypto.key", NULL);

    if (!v)
        return -1;
    if (!hex || crypto_key_from_hex(hex, v->key) != 0) {
        log_error("crypto.key missing or not 64 hex digits", "service=intake");
        free(v);
        return -1;
    }
    *app = v;
    return 0;
}

void visits_fini(void *app)
{
    visits_t *v = app;

    if (!v)
        return;
    memset(v->key, 0, sizeof v->key);
    free(v);
}

/* ---- validate (loop, no I/O) -------------------------------------------------- */

int visits_validate(const cmd_ctx_t *ctx, cmd_result_t *res)
{
    const Lianxin__V1__RecordVisit *rv = (const Lianxin__V1__RecordVisit *)ctx->req;
    visit_errors_t errs;
    int64_t received_us;

    if (visit_rules_allowed(ctx->cmd->actor, ctx->cmd->district,
                            rv->member_ids, rv->n_member_ids) != 0)
        return cmd_fail(res, 403, "forbidden", "not allowed to record this visit");
    if (visit_rules_check(rv, time_now_us(), &errs, &received_us) == 0)
        return 0;
    for (int i = 0; i < errs.n; i++)
        cmd_field_error(res, errs.e[i].field, errs.e[i].code);
    return -1;
}

/* ---- execute helpers (worker) -------------------------------------------------- */

/* A failed statement: 503 when the connection went away (the whole batch
 * fails), 500 otherwise. The SQLSTATE is logged, never the parameters. */
static int s_db_fail(tx_t *tx, cmd_result_t *res, const char *what, const char *sqlstate)
{
    db_t *db = tx_db(tx);

    if (db_broken(db))
        return cmd_fail(res, 503, "unavailable", "database unavailable");
    log_error("statement failed", "what=%s sqlstate=%s", what, sqlstate ? sqlstate : db_sqlstate(db));
    return cmd_fail(res, 500, "internal", "internal error");
}

/* Takes the next visit id, fetching a block of ID_BLOCK from the sequence
 * when the block is used up. Ids of rolled-back commands are simply unused. */
static int s_next_id(visits_t *v, db_t *db, int64_t *id)
{
    static const char *sql = "SELECT nextval('intake.visit_ids') FROM generate_series(1, 64)";
    PGresult *r;

    if (v->next >= v->nids) {
        if (!(r = db_exec(db, sql, 0, NULL)))
            return -1;
        v->nids = PQntuples(r) < ID_BLOCK ? PQntuples(r) : ID_BLOCK;
        for (int i = 0; i < v->nids; i++)
            v->ids[i] = strtoll(PQgetvalue(r, i, 0), NULL, 10);
        v->next = 0;
        PQclear(r);
        if (v->nids == 0)
            return -1;
    }
    *id = v->ids[v->next++];
    return 0;
}

/* Seals `pt` for record `aad` and writes it as bytea hex text ("\x...").
 * An empty value stays NULL (*out_p = NULL). 0 or -1. */
static int s_seal_hex(const uint8_t *key, const char *aad, const char *pt,
                      char *hex, size_t hexsz, const char **out_p)
{
    uint8_t sealed[VISIT_MAX_NAME * 4 + CRYPTO_SEAL_OVERHEAD];
    size_t len = pt ? strlen(pt) : 0, slen = 0;

    *out_p = NULL;
    if (len == 0)
        return 0;
    if (len + CRYPTO_SEAL_OVERHEAD > sizeof sealed || 2 * (len + CRYPTO_SEAL_OVERHEAD) + 3 > hexsz)
        return -1;
    if (crypto_seal(key, aad, pt, len, sealed, &slen) != 0)
        return -1;
    hex[0] = '\\';
    hex[1] = 'x';
    crypto_hex(sealed, slen, hex + 2);
    memset(sealed, 0, sizeof sealed);
    *out_p = hex;
    return 0;
}

/* The visitor block: sealed name and phone bound to this visit, and their
 * masked forms. Anonymous visits leave both NULL and "". */
static int s_visitor(const visits_t *v, const char *district, int64_t id,
                     const Lianxin__V1__RecordVisit *rv, visit_params_t *p)
{
    const Lianxin__V1__Visitor *vis = rv->visitor;
    char aad[96];

    p->name_masked[0] = p->phone_masked[0] = '\0';
    p->v[P_NAME] = p->v[P_PHONE] = NULL;
    if (!visit_has_visitor(rv))
        return 0;
    snprintf(aad, sizeof aad, "%s/visit/%lld/name", district, (long long)id);
    if (s_seal_hex(v->key, aad, vis->name, p->name_hex, sizeof p->name_hex, &p->v[P_NAME]))
        return -1;
    snprintf(aad, sizeof aad, "%s/visit/%lld/phone", district, (long long)id);
    if (s_seal_hex(v->key, aad, vis->phone, p->phone_hex, sizeof p->phone_hex, &p->v[P_PHONE]))
        return -1;
    if (vis->name && vis->name[0] && mask_name(vis->name, p->name_masked, sizeof p->name_masked))
        return -1;
    if (vis->phone && vis->phone[0] && mask_phone(vis->phone, p->phone_masked, sizeof p->phone_masked))
        return -1;
    return 0;
}

/* "{1,2,3}" for a bigint[] parameter. NULL on allocation failure. */
static char *s_int_array(const int64_t *ids, size_t n)
{
    char *out = malloc(n * 21 + 3), *p = out;

    if (!out)
        return NULL;
    *p++ = '{';
    for (size_t i = 0; i < n; i++)
        p += sprintf(p, i ? ",%lld" : "%lld", (long long)ids[i]);
    *p++ = '}';
    *p = '\0';
    return out;
}

/* Parses PostgreSQL's text form of a bigint[] ("{3,5}") into `out`.
 * Returns the count stored (at most `max`). */
static size_t s_parse_ids(const char *text, int64_t *out, size_t max)
{
    size_t n = 0;
    char *end;

    if (*text == '{')
        text++;
    while (*text && *text != '}' && n < max) {
        out[n++] = strtoll(text, &end, 10);
        if (end == text)
            break;
        text = *end == ',' ? end + 1 : end;
    }
    return n;
}

/* The first day of the month (UTC+8) of `us` and of the month after. */
static void s_month(int64_t us, char *from, size_t fromsz, char *to, size_t tosz)
{
    int y, m, d;

    time_ymd(us, &y, &m, &d);
    snprintf(from, fromsz, "%04d-%02d-01", y, m);
    if (++m > 12) {
        m = 1;
        y++;
    }
    snprintf(to, tosz, "%04d-%02d-01", y, m);
}

static void s_enum_text(const ProtobufCEnumDescriptor *desc, int value, char *out, size_t outsz)
{
    if (value == 0 || jsonpb_enum_name(desc, value, out, outsz) != 0)
        out[0] = '\0';
}

/* Fills every parameter but the visitor's. 0 or -1 (allocation). */
static int s_params(const cmd_ctx_t *ctx, tx_t *tx, int64_t id, int64_t received_us,
                    visit_params_t *p)
{
    const Lianxin__V1__RecordVisit *rv = (const Lianxin__V1__RecordVisit *)ctx->req;
    const Lianxin__V1__Actor *actor = ctx->cmd->actor;
    int kind = rv->kind ? (int)rv->kind : LIANXIN__V1__VISIT_KIND__VISIT_KIND_RECEPTION;

    snprintf(p->room, sizeof p->room, "%lld", (long long)rv->workroom_id);
    snprintf(p->id, sizeof p->id, "%lld", (long long)id);
    snprintf(p->received, sizeof p->received, "%lld", (long long)received_us);
    snprintf(p->created_by, sizeof p->created_by, "%lld", (long long)(actor ? actor->user_id : 0));
    snprintf(p->created_at, sizeof p->created_at, "%lld", (long long)tx_now_us(tx));
    s_month(received_us, p->month_from, sizeof p->month_from, p->month_to, sizeof p->month_to);
    s_enum_text(&lianxin__v1__visit_kind__descriptor, kind, p->kind, sizeof p->kind);
    s_enum_text(&lianxin__v1__visit_category__descriptor, (int)rv->category,
                p->category, sizeof p->category);
    s_enum_text(&lianxin__v1__on_spot_action__descriptor, (int)rv->on_spot_action,
                p->action, sizeof p->action);
    if (!(p->members = s_int_array(rv->member_ids, rv->n_member_ids)))
        return -1;
    p->v[P_DISTRICT] = ctx->cmd->district;
    p->v[P_ROOM] = p->room;
    p->v[P_MEMBERS] = p->members;
    p->v[P_ID] = p->id;
    p->v[P_KIND] = p->kind;
    p->v[P_RECEIVED] = p->received;
    p->v[P_NAME_MASKED] = p->name_masked;
    p->v[P_PHONE_MASKED] = p->phone_masked;
    p->v[P_SUMMARY] = rv->summary;
    p->v[P_CATEGORY] = p->category;
    p->v[P_LOCATION] = rv->location ? rv->location : "";
    p->v[P_ACTION] = p->action;
    p->v[P_PROMISED] = rv->promised ? rv->promised : "";
    p->v[P_CREATED_BY] = p->created_by;
    p->v[P_CREATED_AT] = p->created_at;
    p->v[P_MONTH_FROM] = p->month_from;
    p->v[P_MONTH_TO] = p->month_to;
    return 0;
}

/* 422 with a field per unknown room or member, from the statement's row. */
static int s_not_found(PGresult *r, cmd_result_t *res)
{
    int64_t idx[VISIT_MAX_MEMBERS];
    size_t n = s_parse_ids(PQgetvalue(r, 0, 3), idx, VISIT_MAX_MEMBERS);
    char field[64];

    cmd_fail(res, 422, "unprocessable", "unknown workroom or members");
    if (strcmp(PQgetvalue(r, 0, 0), "0") == 0)
        cmd_field_error(res, "workroom_id", "not_found");
    for (size_t i = 0; i < n; i++) {
        snprintf(field, sizeof field, "member_ids[%lld]", (long long)idx[i]);
        cmd_field_error(res, field, "not_found");
    }
    return -1;
}

/* Buffers visit.recorded and the audit row, and sets the 201 reply. */
static int s_record(tx_t *tx, const cmd_ctx_t *ctx, int64_t id, int64_t received_us,
                    PGresult *r, cmd_result_t *res)
{
    const Lianxin__V1__RecordVisit *rv = (const Lianxin__V1__RecordVisit *)ctx->req;
    Lianxin__V1__VisitRecorded ev = LIANXIN__V1__VISIT_RECORDED__INIT;
    Lianxin__V1__VisitRef ref = LIANXIN__V1__VISIT_REF__INIT;
    int64_t rota[256];
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
    ev.n_rota_member_ids = s_parse_ids(PQgetvalue(r, 0, 5), rota, 256);
    ev.rota_member_ids = rota;
    ev.head_member_id = strtoll(PQgetvalue(r, 0, 2), NULL, 10);
    ev.workroom_name = PQgetvalue(r, 0, 1);
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

/* A failed libpq call made outside db.c: keeps its SQLSTATE in `state`, and
 * on a lost connection makes db.c notice (db_broken) by touching the
 * connection through db_run. Returns NULL. */
static PGresult *s_failed(db_t *db, PGresult *r, char state[8])
{
    const char *st = PQresultErrorField(r, PG_DIAG_SQLSTATE);

    snprintf(state, 8, "%s", st ? st : "");
    PQclear(r);
    if (PQstatus(db_conn(db)) == CONNECTION_BAD)
        db_run(db, "SELECT 1", 0, NULL);
    return NULL;
}

/* Runs s_sql as a prepared statement, planned once per connection (the
 * planning is most of the statement's cost). The result, or NULL with the
 * SQLSTATE in `state` (db_broken tells a lost connection). */
static PGresult *s_exec(visits_t *v, db_t *db, const char *const *params, char state[8])
{
    PGconn *c = db_conn(db);
    PGresult *r;

    state[0] = '\0';
    if (!c)
        return db_exec(db, s_sql, P_COUNT, params);
    if (!v->prepared || v->gen != db_generation(db)) {
        r = PQprepare(c, STMT_NAME, s_sql, 0, NULL);
        if (PQresultStatus(r) != PGRES_COMMAND_OK)
            return s_failed(db, r, state);
        PQclear(r);
        v->prepared = 1;
        v->gen = db_generation(db);
    }
    r = PQexecPrepared(c, STMT_NAME, P_COUNT, params, NULL, NULL, 0);
    return PQresultStatus(r) == PGRES_TUPLES_OK ? r : s_failed(db, r, state);
}

/* ---- execute (worker, inside the transaction) ----------------------------------- */

int visits_execute(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res)
{
    visits_t *v = ctx->app;
    const Lianxin__V1__RecordVisit *rv = (const Lianxin__V1__RecordVisit *)ctx->req;
    visit_params_t p;
    PGresult *r;
    int64_t id, received_us;
    char state[8];
    int rc;

    memset(&p, 0, sizeof p);
    if (time_parse(rv->received_at, &received_us) != 0)      /* validated already */
        return cmd_field_error(res, "received_at", "invalid");
    if (s_next_id(v, tx_db(tx), &id) != 0)
        return s_db_fail(tx, res, "visit_ids", NULL);
    if (s_params(ctx, tx, id, received_us, &p) != 0 ||
        s_visitor(v, ctx->cmd->district, id, rv, &p) != 0) {
        free(p.members);
        return cmd_fail(res, 500, "internal", "visit not prepared");
    }
    r = s_exec(v, tx_db(tx), p.v, state);
    free(p.members);
    memset(&p, 0, sizeof p);        /* drops the masked and sealed copies */
    if (!r)
        return s_db_fail(tx, res, "visit_insert", state[0] ? state : NULL);
    if (strcmp(PQgetvalue(r, 0, 4), "1") != 0)
        rc = s_not_found(r, res);
    else
        rc = s_record(tx, ctx, id, received_us, r, res);
    PQclear(r);
    if (rc == 0)
        log_debug("visit recorded", "district=%s id=%lld", ctx->cmd->district, (long long)id);
    return rc;
}
