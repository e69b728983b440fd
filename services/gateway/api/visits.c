/* visits: GET /v1/districts/{d}/visits[/{id}]. The SQL takes every value
 * as a parameter, never request text; times cross as integer microseconds so
 * no server setting changes their meaning, and the keyset (received_at, id)
 * is exact. */

#include <stdio.h>
#include <string.h>
#include "http/cursor.h"
#include "intake.pb-c.h"
#include "jsonpb.h"
#include "pgtext.h"
#include "reads.h"
#include "timeutil.h"
#include "api/visits.h"

#define VISIT_COLUMNS                                                              \
    "SELECT v.id, v.workroom_id, w.name, v.kind,"                                  \
    " (extract(epoch from v.received_at) * 1000000)::bigint, v.member_ids,"        \
    " (v.visitor_name IS NULL AND v.visitor_phone IS NULL),"                       \
    " v.visitor_name_masked, v.visitor_phone_masked, v.summary, v.category,"       \
    " v.location, v.on_spot_action, v.promised,"                                   \
    " (extract(epoch from v.created_at) * 1000000)::bigint"                        \
    " FROM intake.visits v JOIN core.workrooms w"                                  \
    " ON w.district_code = v.district_code AND w.id = v.workroom_id"

/* 'epoch' + n microseconds is exact, unlike to_timestamp(double). */
#define US(p) "('epoch'::timestamptz + " p "::bigint * interval '1 microsecond')"

static const char *const SQL_VISIT =
    VISIT_COLUMNS " WHERE v.district_code = $1 AND v.id = $2::bigint";

static const char *const SQL_VISITS =
    VISIT_COLUMNS " WHERE v.district_code = $1"
    " AND ($2::bigint IS NULL OR v.workroom_id = $2::bigint)"
    " AND ($3::bigint IS NULL OR v.received_at >= " US("$3") ")"
    " AND ($4::bigint IS NULL OR v.received_at < " US("$4") ")"
    " AND ($5::text IS NULL OR v.category = $5::text)"
    " AND ($6::bigint IS NULL OR (v.received_at, v.id) < (" US("$6") ", $7::bigint))"
    " ORDER BY v.received_at DESC, v.id DESC LIMIT $8::int";

const char *const visits_list_keys[] = {"workroom_id", "from", "to", "category",
                                        "limit",       "cursor", NULL};

/* ---- rows -------------------------------------------------------------------- */

static json_t *s_visitor(const PGresult *res, int row)
{
    if (strcmp(PQgetvalue(res, row, 6), "t") == 0)
        return json_null();         /* anonymous */
    return json_pack("{s:s, s:s}", "name", PQgetvalue(res, row, 7), "phone",
                     PQgetvalue(res, row, 8));
}

static json_t *s_visit_row(const PGresult *res, int row)
{
    json_t *members = pgtext_id_array(PQgetvalue(res, row, 5));
    json_t *o = json_object();
    if (!members || !o) {
        json_decref(members);
        json_decref(o);
        return NULL;
    }
    reads_set(o, "id", pgtext_string_or_null(res, row, 0));
    reads_set(o, "workroom_id", pgtext_string_or_null(res, row, 1));
    reads_set(o, "workroom_name", pgtext_string_or_null(res, row, 2));
    reads_set(o, "kind", pgtext_string_or_null(res, row, 3));
    reads_set(o, "received_at", pgtext_time_or_null(res, row, 4));
    reads_set(o, "member_ids", members);
    reads_set(o, "visitor", s_visitor(res, row));
    reads_set(o, "summary", pgtext_string_or_null(res, row, 9));
    reads_set(o, "category", pgtext_string_or_null(res, row, 10));
    reads_set(o, "location", pgtext_string_or_null(res, row, 11));
    reads_set(o, "on_spot_action", pgtext_string_or_null(res, row, 12));
    reads_set(o, "promised", pgtext_string_or_null(res, row, 13));
    reads_set(o, "created_at", pgtext_time_or_null(res, row, 14));
    return o;
}

static void s_visit_key(const PGresult *res, int row, int64_t *a, int64_t *b)
{
    pgtext_int64(PQgetvalue(res, row, 4), a);
    pgtext_int64(PQgetvalue(res, row, 0), b);
}

static const reads_spec_t s_one = {SQL_VISIT, s_visit_row, 1, 0, NULL};
static const reads_spec_t s_list = {SQL_VISITS, s_visit_row, 0, 'v', s_visit_key};

/* ---- filters ------------------------------------------------------------------ */

static int s_fail(const char **field, const char **code, const char *f, const char *c)
{
    *field = f;
    *code = c;
    return -1;
}

/* A bound of the period: RFC 3339, or a date whose midnight (UTC+8) it is;
 * a date as the upper bound means the next midnight. */
static int s_bound(const char *v, int upper, int64_t *us)
{
    if (time_parse(v, us) != 0)
        return -1;
    if (upper && strlen(v) == 10)
        *us += (int64_t) 86400 * 1000000;
    return 0;
}

int visits_parse_filter(const query_t *q, visits_filter_t *f, const char **field,
                        const char **code)
{
    const char *v;
    int value;
    memset(f, 0, sizeof *f);
    if ((v = query_get(q, "workroom_id")) && query_id(v, &f->workroom_id) != 0)
        return s_fail(field, code, "workroom_id", "invalid");
    if ((v = query_get(q, "from")) && (f->has_from = 1) && s_bound(v, 0, &f->from_us) != 0)
        return s_fail(field, code, "from", "invalid");
    if ((v = query_get(q, "to")) && (f->has_to = 1) && s_bound(v, 1, &f->to_us) != 0)
        return s_fail(field, code, "to", "invalid");
    if (f->has_from && f->has_to && f->from_us >= f->to_us)
        return s_fail(field, code, "to", "out_of_range");
    if ((v = query_get(q, "category"))) {
        if (jsonpb_enum_value(&lianxin__v1__visit_category__descriptor, v, &value) != 0 ||
            value == 0 || strlen(v) >= sizeof f->category)
            return s_fail(field, code, "category", "unknown_value");
        strcpy(f->category, v);
    }
    if (query_limit(query_get(q, "limit"), VISITS_LIMIT_DEFAULT, VISITS_LIMIT_MAX, &f->limit))
        return s_fail(field, code, "limit", "out_of_range");
    if ((v = query_get(q, "cursor"))) {
        if (cursor_decode(v, 'v', &f->cursor_at_us, &f->cursor_id) != 0)
            return s_fail(field, code, "cursor", "invalid");
        f->has_cursor = 1;
    }
    return 0;
}

/* ---- handlers ------------------------------------------------------------------ */

void visits_get(gw_call_t *call)
{
    const char *params[2] = {reads_district(call), router_param(&call->params, "id")};
    reads_run(call, &s_one, 0, 2, params);
}

void visits_list(gw_call_t *call)
{
    visits_filter_t f;
    const char *field, *code;
    char room[24], from[24], to[24], cat[24], cid[24], lim[16];
    if (visits_parse_filter(&call->query, &f, &field, &code) != 0) {
        gw_reply_bad_field(call, field, code);
        return;
    }
    snprintf(room, sizeof room, "%lld", (long long) f.workroom_id);
    snprintf(from, sizeof from, "%lld", (long long) f.from_us);
    snprintf(to, sizeof to, "%lld", (long long) f.to_us);
    snprintf(cat, sizeof cat, "%lld", (long long) f.cursor_at_us);
    snprintf(cid, sizeof cid, "%lld", (long long) f.cursor_id);
    snprintf(lim, sizeof lim, "%d", f.limit + 1);
    const char *params[8] = {
        reads_district(call),     f.workroom_id ? room : NULL, f.has_from ? from : NULL,
        f.has_to ? to : NULL,      f.category[0] ? f.category : NULL,
        f.has_cursor ? cat : NULL, f.has_cursor ? cid : NULL,  lim,
    };
    reads_run(call, &s_list, f.limit, 8, params);
}
