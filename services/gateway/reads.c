/* reads: runs a read handler's query through the pool and answers with its
 * rows. Pure glue: no SQL of its own. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "exports.h"
#include "http/cursor.h"
#include "log.h"
#include "pgpool.h"
#include "pgtext.h"
#include "reads.h"

typedef struct read_ctx {
    gw_call_t *call;
    const reads_spec_t *spec;
    int limit;
} read_ctx_t;

static void s_set(json_t *obj, const char *key, json_t *v)
{
    json_object_set_new(obj, key, v ? v : json_null());
}

static json_t *s_row(const PGresult *res, int row)
{
    json_error_t e;
    return json_loads(PQgetvalue(res, row, 0), 0, &e);
}

const char *reads_district(const gw_call_t *call)
{
    return call->district ? call->district : "";
}

void reads_caller(const gw_call_t *call, char mem[24], char unit[24], const char **member,
                  const char **unit_id)
{
    *member = *unit_id = NULL;
    if (strcmp(call->who.role, "member") == 0) {
        snprintf(mem, 24, "%lld", (long long) call->who.member_id);
        *member = mem;
    } else if (strcmp(call->who.role, "unit") == 0) {
        snprintf(unit, 24, "%lld", (long long) call->who.unit_id);
        *unit_id = unit;
    }
}

const char *reads_label(const char *const map[][2], const char *v)
{
    for (size_t i = 0; map[i][0]; i++)
        if (strcmp(map[i][0], v) == 0)
            return map[i][1];
    return v;
}

static json_t *s_items(const read_ctx_t *rc, const PGresult *res, int *count)
{
    int n = PQntuples(res);
    if (rc->limit > 0 && n > rc->limit)
        n = rc->limit;
    json_t *items = json_array();
    for (int i = 0; items && i < n; i++) {
        json_t *o = s_row(res, i);
        if (!o || json_array_append_new(items, o) != 0) {
            json_decref(items);
            return NULL;
        }
    }
    *count = n;
    return items;
}

static void s_answer_list(gw_call_t *call, const read_ctx_t *rc, const PGresult *res)
{
    int n = 0;
    json_t *items = s_items(rc, res, &n);
    json_t *body = json_object();
    if (!items || !body) {
        json_decref(items);
        json_decref(body);
        log_error("read rows malformed", "route=\"%s\"", call->route->at.pattern);
        gw_reply_error(call, 500, "internal", "internal error", NULL);
        return;
    }
    s_set(body, "items", items);
    if (rc->spec->key) {
        char cur[CURSOR_MAX];
        int64_t a, b;
        json_t *next = NULL;
        if (PQntuples(res) > rc->limit && n > 0) {
            rc->spec->key(res, n - 1, &a, &b);
            if (cursor_encode(rc->spec->cursor_tag, a, b, cur, sizeof cur) == 0)
                next = json_string(cur);
        }
        s_set(body, "next_cursor", next);
    }
    gw_reply_json(call, 200, body);
}

static void s_on_rows(PGresult *res, void *arg)
{
    read_ctx_t *rc = arg;
    gw_call_t *call = rc->call;
    const reads_spec_t *spec = rc->spec;
    if (!gw_call_release(call)) {
        free(rc);
        return;
    }
    if (!res || PQresultStatus(res) != PGRES_TUPLES_OK) {
        const char *st = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
        /* connection classes (08, 57 admin shutdown) are outages, the rest bugs */
        int outage = !st || strncmp(st, "08", 2) == 0 || strncmp(st, "57", 2) == 0;
        if (res)
            log_warn("read failed", "route=\"%s\" sqlstate=%s", call->route->at.pattern,
                     st ? st : "-");
        if (outage)
            gw_reply_error(call, 503, NULL, "database unavailable", NULL);
        else
            gw_reply_error(call, 500, "internal", "internal error", NULL);
    } else if (spec->single) {
        json_t *o = PQntuples(res) > 0 ? s_row(res, 0) : NULL;
        if (o)
            gw_reply_json(call, 200, o);
        else
            gw_reply_error(call, 404, NULL, NULL, NULL);
    } else {
        s_answer_list(call, rc, res);
    }
    free(rc);
}

void reads_run(gw_call_t *call, const reads_spec_t *spec, int limit, int n,
               const char *const *params)
{
    read_ctx_t *rc = malloc(sizeof *rc);
    if (!rc) {
        gw_reply_error(call, 503, NULL, NULL, NULL);
        return;
    }
    rc->call = call;
    rc->spec = spec;
    rc->limit = limit;
    gw_call_hold(call);
    if (pgpool_query(call->gw->pool, spec->sql, n, params, s_on_rows, rc) != 0) {
        gw_call_release(call);
        free(rc);
        gw_reply_error(call, 503, NULL, "database unavailable", NULL);
    }
}

/* ---- keys and exports ------------------------------------------------------------------ */

int reads_page(gw_call_t *call, char tag, char lim[16], char cur[24], const char **after,
               int *limit)
{
    int64_t a, b;
    const char *c = query_get(&call->query, "cursor");
    *after = NULL;
    if (query_limit(query_get(&call->query, "limit"), 20, 100, limit) != 0) {
        gw_reply_bad_field(call, "limit", "out_of_range");
        return -1;
    }
    if (c) {
        if (cursor_decode(c, tag, &a, &b) != 0) {
            gw_reply_bad_field(call, "cursor", "invalid");
            return -1;
        }
        snprintf(cur, 24, "%lld", (long long) a);
        *after = cur;
    }
    snprintf(lim, 16, "%d", *limit + 1);
    return 0;
}

void reads_key_id(const PGresult *res, int row, int64_t *a, int64_t *b)
{
    pgtext_int64(PQgetvalue(res, row, 1), a);
    *b = 0;
}

typedef struct export_ctx {
    gw_call_t *call;
    reads_render_fn *render;
    const char *ctype;
    int max;                        /* rows rendered at most (0: all); more is a cut */
    char filename[64];
} export_ctx_t;

static void s_on_export_rows(PGresult *res, void *arg)
{
    export_ctx_t *x = arg;
    gw_call_t *call = x->call;
    if (!gw_call_release(call)) {
        free(x);
        return;
    }
    if (!res || PQresultStatus(res) != PGRES_TUPLES_OK) {
        gw_reply_error(call, 503, NULL, "database unavailable", NULL);
        free(x);
        return;
    }
    textbuf_t out;
    char disp[96];
    textbuf_init(&out);
    x->render(call, res, &out);
    snprintf(disp, sizeof disp, "attachment; filename=\"%s\"", x->filename);
    int cut = x->max > 0 && PQntuples(res) > x->max;
    const char *h[] = {"Cache-Control", "no-store", "Content-Disposition", disp,
                       cut ? EXPORTS_TRUNCATED_HEADER : NULL, "true", NULL};
    if (out.failed)
        gw_reply_error(call, 500, "internal", "internal error", NULL);
    else
        http_respond(call->req, 200, x->ctype, out.data ? out.data : "", out.len, h);
    textbuf_free(&out);
    free(x);
}

void reads_export(gw_call_t *call, const char *sql, int n, const char *const *p,
                  reads_render_fn *render, const char *ctype, const char *filename, int max)
{
    export_ctx_t *x = calloc(1, sizeof *x);
    if (!x) {
        gw_reply_error(call, 503, NULL, NULL, NULL);
        return;
    }
    x->call = call;
    x->render = render;
    x->ctype = ctype;
    x->max = max;
    snprintf(x->filename, sizeof x->filename, "%s", filename);
    gw_call_hold(call);
    if (pgpool_query(call->gw->pool, sql, n, p, s_on_export_rows, x) != 0) {
        gw_call_release(call);
        free(x);
        gw_reply_error(call, 503, NULL, "database unavailable", NULL);
    }
}
