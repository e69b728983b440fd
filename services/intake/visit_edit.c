/* visit_edit: see visit_edit.h. The edit is validated as the whole visit
 * it produces (visit_rules_check on the merged record), so an edit can
 * never make a visit that could not have been recorded. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include "intake_app.h"
#include "jsonpb.h"
#include "mask.h"
#include "timeutil.h"
#include "visit_edit.h"
#include "visit_seal.h"
#include "visit_edit.pb-c.h"
#include "visit_rules.h"

typedef struct cur {
    int64_t room, received_us, members[VISIT_MAX_MEMBERS];
    size_t nmembers;
    char name_masked[VISIT_MAX_NAME * 4 + 1], phone_masked[VISIT_MAX_PHONE + 1];
    char *summary, *category, *action, *promised, *kind;
    const char *location;           /* in clear: loc, or the row's when not sealed */
    const char *location_shown;     /* the row's location column (masked when sealed) */
    char loc[VISIT_MAX_LOCATION * 4 + 1];
    int version;
    PGresult *res;                  /* owns the strings */
} cur_t;

static int s_present(const Lianxin__V1__EditVisit *e, const char *field)
{
    for (size_t i = 0; i < e->n_present; i++)
        if (strcmp(e->present[i], field) == 0)
            return 1;
    return 0;
}

/* Loads and locks the visit. 1 found, 0 not, -1 error (res set). */
static int s_load(tx_t *tx, const cmd_ctx_t *ctx, int64_t id, cur_t *c, cmd_result_t *res)
{
    char ids[24];
    const char *p[2] = {ctx->cmd->district, db_num(ids, id)};
    PGresult *r = db_exec(tx_db(tx),
        "SELECT workroom_id, (extract(epoch FROM received_at) * 1000000)::bigint, member_ids,"
        " visitor_name_masked, visitor_phone_masked, summary, category, location, on_spot_action,"
        " promised, kind, version, location_sealed FROM intake.visits WHERE district_code = $1"
        " AND id = $2::bigint FOR UPDATE", 2, p);
    if (!r)
        return cmd_db_fail(tx, res, "visit.edit.load");
    if (PQntuples(r) == 0) {
        PQclear(r);
        return 0;
    }
    c->res = r;
    c->room = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
    c->received_us = strtoll(PQgetvalue(r, 0, 1), NULL, 10);
    c->nmembers = db_parse_ids(PQgetvalue(r, 0, 2), c->members, VISIT_MAX_MEMBERS);
    snprintf(c->name_masked, sizeof c->name_masked, "%s", PQgetvalue(r, 0, 3));
    snprintf(c->phone_masked, sizeof c->phone_masked, "%s", PQgetvalue(r, 0, 4));
    c->summary = PQgetvalue(r, 0, 5);
    c->category = PQgetvalue(r, 0, 6);
    c->location_shown = PQgetvalue(r, 0, 7);
    c->location = c->location_shown;
    c->action = PQgetvalue(r, 0, 8);
    c->promised = PQgetvalue(r, 0, 9);
    c->kind = PQgetvalue(r, 0, 10);
    c->version = atoi(PQgetvalue(r, 0, 11));
    if (!PQgetisnull(r, 0, 12)) {
        if (visit_seal_open(r, 0, 12, SEALCOL_VISIT_LOCATION, ctx->cmd->district, ids, c->loc,
                            sizeof c->loc) != 0)
            return cmd_fail(res, 500, "internal", "visit data cannot be opened");
        c->location = c->loc;
    }
    return 1;
}

static int s_enum(const ProtobufCEnumDescriptor *d, const char *name)
{
    int v = 0;
    return name && *name && jsonpb_enum_value(d, name, &v) == 0 ? v : 0;
}

static void s_enum_name(const ProtobufCEnumDescriptor *d, int v, char *out, size_t n)
{
    if (v == 0 || jsonpb_enum_name(d, v, out, n) != 0)
        out[0] = '\0';
}

/* ---- the merged record ------------------------------------------------------------ */

typedef struct merged {
    Lianxin__V1__RecordVisit rv;
    char received[48], category[48], action[48], kind[32];
    char members_text[VISIT_MAX_MEMBERS * 21 + 3];
} merged_t;

static void s_merge(const Lianxin__V1__EditVisit *e, const cur_t *c, merged_t *m)
{
    lianxin__v1__record_visit__init(&m->rv);
#define PICK(f, cur) (s_present(e, #f) ? e->f : (cur))
    m->rv.workroom_id = PICK(workroom_id, c->room);
    time_format(c->received_us, m->received, sizeof m->received);
    m->rv.received_at = s_present(e, "received_at") ? e->received_at : m->received;
    if (s_present(e, "member_ids")) {
        m->rv.member_ids = e->member_ids;
        m->rv.n_member_ids = e->n_member_ids;
    } else {
        m->rv.member_ids = (int64_t *) c->members;
        m->rv.n_member_ids = c->nmembers;
    }
    m->rv.visitor = s_present(e, "visitor") ? e->visitor : NULL;
    m->rv.summary = PICK(summary, c->summary);
    m->rv.location = s_present(e, "location") ? e->location : (char *) c->location;
    m->rv.promised = PICK(promised, c->promised);
#define PICK_ENUM(f, d, cur) (s_present(e, #f) ? (int) e->f : s_enum(&d, cur))
    m->rv.category = (Lianxin__V1__VisitCategory) PICK_ENUM(
        category, lianxin__v1__visit_category__descriptor, c->category);
    m->rv.on_spot_action = (Lianxin__V1__OnSpotAction) PICK_ENUM(
        on_spot_action, lianxin__v1__on_spot_action__descriptor, c->action);
    m->rv.kind = (Lianxin__V1__VisitKind) PICK_ENUM(kind, lianxin__v1__visit_kind__descriptor,
                                                    c->kind);
#undef PICK_ENUM
#undef PICK
    if (m->rv.kind == 0)
        m->rv.kind = LIANXIN__V1__VISIT_KIND__VISIT_KIND_RECEPTION;
    s_enum_name(&lianxin__v1__visit_category__descriptor, m->rv.category, m->category,
                sizeof m->category);
    s_enum_name(&lianxin__v1__on_spot_action__descriptor, m->rv.on_spot_action, m->action,
                sizeof m->action);
    s_enum_name(&lianxin__v1__visit_kind__descriptor, m->rv.kind, m->kind, sizeof m->kind);
    char *t = db_ids_text(m->rv.member_ids, m->rv.n_member_ids);
    snprintf(m->members_text, sizeof m->members_text, "%s", t ? t : "{}");
    free(t);
}

/* {"field": {"from": .., "to": ..}} for every field whose text changed. */
static void s_diff(json_t *ch, const char *field, const char *from, const char *to)
{
    if (strcmp(from, to) != 0)
        json_object_set_new(ch, field, json_pack("{s:s, s:s}", "from", from, "to", to));
}

/* The location change as the history shows it: detected on the clear
 * texts, recorded in the forms the row shows (masked when sealed). */
static void s_diff_location(json_t *ch, const cur_t *c, const merged_t *m, const char *shown)
{
    const char *to = m->rv.location ? m->rv.location : "";
    if (strcmp(c->location, to) != 0)
        json_object_set_new(ch, "location", json_pack("{s:s, s:s}", "from", c->location_shown,
                                                      "to", shown));
}

static json_t *s_changes(const cur_t *c, const merged_t *m, int64_t received_us,
                         const char *name_m, const char *phone_m, int visitor,
                         const char *location_shown)
{
    json_t *ch = json_object();
    char room[24], was_room[24], was_received[48], received[48];
    char *was_members = db_ids_text(c->members, c->nmembers);
    s_diff(ch, "workroom_id", db_num(was_room, c->room), db_num(room, m->rv.workroom_id));
    time_format(c->received_us, was_received, sizeof was_received);
    time_format(received_us, received, sizeof received);
    s_diff(ch, "received_at", was_received, received);
    s_diff(ch, "member_ids", was_members ? was_members : "", m->members_text);
    s_diff(ch, "summary", c->summary, m->rv.summary);
    s_diff(ch, "category", c->category, m->category);
    s_diff_location(ch, c, m, location_shown);
    s_diff(ch, "on_spot_action", c->action, m->action);
    s_diff(ch, "promised", c->promised, m->rv.promised ? m->rv.promised : "");
    s_diff(ch, "kind", c->kind, m->kind);
    if (visitor) {
        s_diff(ch, "visitor.name", c->name_masked, name_m);
        s_diff(ch, "visitor.phone", c->phone_masked, phone_m);
    }
    free(was_members);
    return ch;
}

/* ---- apply -------------------------------------------------------------------------- */

typedef struct vis {
    char name_hex[2 * (VISIT_MAX_NAME * 4 + SEAL_OVERHEAD_MAX) + 8];
    char phone_hex[2 * (VISIT_MAX_PHONE + SEAL_OVERHEAD_MAX) + 8];
    char loc_hex[2 * (VISIT_MAX_LOCATION * 4 + SEAL_OVERHEAD_MAX) + 8];
    char name_m[VISIT_MAX_NAME * 4 + 1], phone_m[VISIT_MAX_PHONE + 1], loc_m[16];
    const char *name, *phone, *loc_sealed, *loc_shown;
    int failed;                     /* a value could not be sealed */
} vis_t;

/* The merged location: sealed with its masked form shown for a home visit,
 * else shown in clear. */
static void s_location(const cmd_ctx_t *ctx, int64_t id, const merged_t *m, vis_t *o)
{
    const char *loc = m->rv.location ? m->rv.location : "";
    o->loc_shown = loc;
    if (!visit_seal_location_kind(m->kind))
        return;
    if (mask_location(loc, o->loc_m, sizeof o->loc_m) != 0)
        o->failed = 1;
    o->loc_shown = o->loc_m;
    o->loc_sealed = visit_seal_hex(SEALCOL_VISIT_LOCATION, ctx->cmd->district, id, loc,
                                   o->loc_hex, sizeof o->loc_hex, &o->failed);
}

static void s_visitor(const cmd_ctx_t *ctx, int64_t id, const Lianxin__V1__Visitor *v, vis_t *o)
{
    if (!v)
        return;
    o->name = visit_seal_hex(SEALCOL_VISIT_NAME, ctx->cmd->district, id, v->name, o->name_hex,
                             sizeof o->name_hex, &o->failed);
    o->phone = visit_seal_hex(SEALCOL_VISIT_PHONE, ctx->cmd->district, id, v->phone,
                              o->phone_hex, sizeof o->phone_hex, &o->failed);
    if (v->name && *v->name)
        mask_name(v->name, o->name_m, sizeof o->name_m);
    if (v->phone && *v->phone)
        mask_phone(v->phone, o->phone_m, sizeof o->phone_m);
}

static int s_update(tx_t *tx, const cmd_ctx_t *ctx, int64_t id, const merged_t *m,
                    int64_t received_us, const vis_t *v, int visitor, const char *changes,
                    int *version, cmd_result_t *res)
{
    char ids[24], room[24], rec[24], by[24];
    const char *p[19] = {ctx->cmd->district, db_num(ids, id),
                         db_num(room, m->rv.workroom_id), db_num(rec, received_us),
                         m->members_text, m->rv.summary, m->category,
                         v->loc_shown, m->action,
                         m->rv.promised ? m->rv.promised : "", m->kind,
                         db_num(by, ctx->cmd->actor->user_id), visitor ? "t" : "f",
                         v->name, v->phone, v->name_m, v->phone_m, changes, v->loc_sealed};
    PGresult *r = db_exec(tx_db(tx),
        "WITH up AS (UPDATE intake.visits SET workroom_id = $3::bigint,"
        "  received_at = 'epoch'::timestamptz + $4::bigint * interval '1 microsecond',"
        "  member_ids = $5::bigint[], summary = $6, category = $7, location = $8,"
        "  on_spot_action = $9, promised = $10, kind = $11, version = version + 1,"
        "  updated_at = core.clock_now(), updated_by = $12::bigint,"
        "  visitor_name = CASE WHEN $13::bool THEN $14::bytea ELSE visitor_name END,"
        "  visitor_phone = CASE WHEN $13::bool THEN $15::bytea ELSE visitor_phone END,"
        "  visitor_name_masked = CASE WHEN $13::bool THEN $16 ELSE visitor_name_masked END,"
        "  visitor_phone_masked = CASE WHEN $13::bool THEN $17 ELSE visitor_phone_masked END,"
        "  location_sealed = $19::bytea"
        "  WHERE district_code = $1 AND id = $2::bigint RETURNING version)"
        " INSERT INTO intake.visit_history (district_code, visit_id, version, changed_at,"
        "  changed_by, changed_by_role, changes)"
        " SELECT $1, $2::bigint, version, core.clock_now(), $12::bigint, '', $18::jsonb FROM up"
        " RETURNING version", 19, p);
    if (!r) {
        if (strcmp(db_sqlstate(tx_db(tx)), "23503") == 0) {
            cmd_fail(res, 422, "unprocessable", "no such work room");
            return cmd_field_error(res, "workroom_id", "not_found");
        }
        return cmd_db_fail(tx, res, "visit.edit");
    }
    *version = atoi(PQgetvalue(r, 0, 0));
    PQclear(r);
    const char *q[4] = {ctx->cmd->district, ids, ctx->cmd->actor->role, NULL};
    char ver[24];
    q[3] = db_num(ver, *version);
    if (db_run(tx_db(tx), "UPDATE intake.visit_history SET changed_by_role = $3"
                          " WHERE district_code = $1 AND visit_id = $2::bigint"
                          " AND version = $4::int", 4, q) != 0)
        return cmd_db_fail(tx, res, "visit.edit.history");
    return 0;
}

/* Members of the merged record must exist in the district (422 otherwise). */
static int s_members_exist(tx_t *tx, const cmd_ctx_t *ctx, const merged_t *m, cmd_result_t *res)
{
    const char *p[2] = {ctx->cmd->district, m->members_text};
    PGresult *r = db_exec(tx_db(tx), "SELECT count(*) = cardinality($2::bigint[]) FROM"
                                     " core.members WHERE district_code = $1"
                                     " AND id = ANY ($2::bigint[])", 2, p);
    if (!r)
        return cmd_db_fail(tx, res, "visit.edit.members");
    int ok = PQgetvalue(r, 0, 0)[0] == 't';
    PQclear(r);
    if (ok)
        return 0;
    cmd_fail(res, 422, "unprocessable", "unknown member");
    return cmd_field_error(res, "member_ids", "not_found");
}

static int s_may_edit(const cmd_ctx_t *ctx, const cur_t *c, const merged_t *m, cmd_result_t *res)
{
    const Lianxin__V1__Actor *a = ctx->cmd->actor;
    int in_old = 0;
    if (strcmp(a->role, "member") != 0)
        return 0;
    for (size_t i = 0; i < c->nmembers; i++)
        in_old |= c->members[i] == a->member_id;
    if (!in_old || visit_rules_member_ok(a, m->rv.member_ids, m->rv.n_member_ids) != 0)
        return cmd_fail(res, 403, "forbidden", "only a member of the visit may edit it");
    return 0;
}

static int s_edit(tx_t *tx, const cmd_ctx_t *ctx, int64_t id, cur_t *c, cmd_result_t *res)
{
    const Lianxin__V1__EditVisit *e = (const Lianxin__V1__EditVisit *) ctx->req;
    merged_t m;
    visit_errors_t errs;
    int64_t received_us;
    vis_t v;
    int visitor = s_present(e, "visitor"), version = c->version;
    s_merge(e, c, &m);
    if (s_may_edit(ctx, c, &m, res) != 0)
        return -1;
    if (visit_rules_check(&m.rv, tx_now_us(tx), &errs, &received_us) != 0) {
        for (int i = 0; i < errs.n; i++)
            cmd_field_error(res, errs.e[i].field, errs.e[i].code);
        return -1;
    }
    if (s_present(e, "member_ids") && s_members_exist(tx, ctx, &m, res) != 0)
        return -1;
    memset(&v, 0, sizeof v);
    s_visitor(ctx, id, visitor ? e->visitor : NULL, &v);
    s_location(ctx, id, &m, &v);
    json_t *ch = v.failed ? NULL
                          : s_changes(c, &m, received_us, v.name_m, v.phone_m, visitor, v.loc_shown);
    char *text = ch ? json_dumps(ch, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    Lianxin__V1__VisitEdited out = LIANXIN__V1__VISIT_EDITED__INIT;
    const char *key;
    json_t *val;
    char *names[32];
    size_t n = 0;
    int rc = text ? 0 : cmd_fail(res, 500, "internal", "internal error");
    if (rc == 0 && json_object_size(ch) > 0)
        rc = s_update(tx, ctx, id, &m, received_us, &v, visitor, text, &version, res);
    json_object_foreach(ch, key, val)
        if (n < 32)
            names[n++] = (char *) key;
    out.id = id;
    out.version = version;
    out.changed = names;
    out.n_changed = n;
    if (rc == 0 && n > 0)
        rc = cmd_record(tx, ctx, res, "visit.edited", &out.base, "visit.edit", "visit", id);
    if (rc == 0)
        rc = cmd_ok(res, 200, &out.base);
    free(text);
    json_decref(ch);
    memset(&v, 0, sizeof v);
    return rc;
}

int visit_edit_execute(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res)
{
    int64_t id;
    cur_t c;
    memset(&c, 0, sizeof c);
    if (cmd_object_id(ctx, &id) != 0)
        return cmd_fail(res, 404, "not_found", "no such visit");
    int found = s_load(tx, ctx, id, &c, res);
    if (found <= 0)
        return found == 0 ? cmd_fail(res, 404, "not_found", "no such visit") : -1;
    int rc = s_edit(tx, ctx, id, &c, res);
    PQclear(c.res);
    memset(c.loc, 0, sizeof c.loc);
    return rc;
}

/* ---- reveal ----------------------------------------------------------------------------- */

/* The location in clear: opened when sealed, else the row's text. 0 or -1. */
static int s_reveal_location(const PGresult *r, const char *district, const char *id, char *out,
                             size_t outsz)
{
    if (PQgetisnull(r, 0, 2)) {
        snprintf(out, outsz, "%s", PQgetvalue(r, 0, 3));
        return 0;
    }
    return visit_seal_open(r, 0, 2, SEALCOL_VISIT_LOCATION, district, id, out, outsz);
}

int visit_reveal_execute(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res)
{
    int64_t id;
    char ids[24], name[VISIT_MAX_NAME * 4 + 1], phone[VISIT_MAX_PHONE + 1];
    char loc[VISIT_MAX_LOCATION * 4 + 1];
    const char *d = ctx->cmd->district;
    if (cmd_object_id(ctx, &id) != 0)
        return cmd_fail(res, 404, "not_found", "no such visit");
    const char *p[2] = {d, db_num(ids, id)};
    PGresult *r = db_exec(tx_db(tx), "SELECT visitor_name, visitor_phone, location_sealed,"
                                     " location FROM intake.visits"
                                     " WHERE district_code = $1 AND id = $2::bigint", 2, p);
    if (!r)
        return cmd_db_fail(tx, res, "visit.reveal");
    if (PQntuples(r) == 0) {
        PQclear(r);
        return cmd_fail(res, 404, "not_found", "no such visit");
    }
    int bad = visit_seal_open(r, 0, 0, SEALCOL_VISIT_NAME, d, ids, name, sizeof name);
    bad |= visit_seal_open(r, 0, 1, SEALCOL_VISIT_PHONE, d, ids, phone, sizeof phone);
    bad |= s_reveal_location(r, d, ids, loc, sizeof loc);
    PQclear(r);
    if (bad)
        return cmd_fail(res, 500, "internal", "visitor data cannot be opened");
    Lianxin__V1__RevealVisitor audit = LIANXIN__V1__REVEAL_VISITOR__INIT;
    Lianxin__V1__RevealedVisitor out = LIANXIN__V1__REVEALED_VISITOR__INIT;
    out.name = name;
    out.phone = phone;
    out.location = loc;
    int rc = cmd_record(tx, ctx, res, NULL, &audit.base, "visit.reveal_visitor", "visit", id);
    if (rc == 0)
        rc = cmd_ok(res, 200, &out.base);
    memset(name, 0, sizeof name);
    memset(phone, 0, sizeof phone);
    memset(loc, 0, sizeof loc);
    return rc;
}
