/* inbox: writes and marks notify.inbox rows. apply runs on the worker inside
 * the consumer's transaction; validate on the loop (no I/O); execute on the
 * worker inside the command batch. Never logs titles, bodies or payloads. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "intake.pb-c.h"
#include "notify.pb-c.h"
#include "log.h"
#include "timeutil.h"
#include "recipients.h"
#include "inbox.h"
#include "intake_events.h"

/* The service's state: nothing yet beyond a marker that init ran. */
typedef struct inbox {
    int ready;
} inbox_t;

static const char *s_insert_sql =
    "INSERT INTO notify.inbox (district_code, id, recipient_kind, recipient_id, kind,"
    "  title, body, object_type, object_id, source_producer, source_seq, created_at)"
    " SELECT $1, nextval('notify.inbox_ids'), 'member', r, 'visit.recorded', $3, $4,"
    "  'visit', $5, $6, $7::bigint, now()"
    " FROM unnest($2::bigint[]) AS r"
    " ON CONFLICT (district_code, recipient_kind, recipient_id, source_producer, source_seq)"
    " DO NOTHING";

static const char *s_read_sql =
    "UPDATE notify.inbox SET read_at = coalesce(read_at, now())"
    " WHERE district_code = $1 AND id = $2::bigint"
    "   AND recipient_kind = $3 AND recipient_id = $4::bigint"
    " RETURNING id, (extract(epoch FROM read_at) * 1000000)::bigint";

int inbox_init(const config_t *cfg, void **app)
{
    inbox_t *self = calloc(1, sizeof *self);

    (void)cfg;
    if (!self)
        return -1;
    self->ready = 1;
    *app = self;
    return 0;
}

void inbox_fini(void *app)
{
    free(app);
}

/* ---- apply (worker, consumer transaction) ---------------------------------------- */

/* "{1,2,3}" for a bigint[] parameter, into `out`. */
static void s_int_array(const int64_t *ids, size_t n, char *out, size_t outsz)
{
    size_t used = 0;

    used += (size_t)snprintf(out, outsz, "{");
    for (size_t i = 0; i < n && used < outsz; i++)
        used += (size_t)snprintf(out + used, outsz - used, i ? ",%lld" : "%lld",
                                 (long long)ids[i]);
    if (used < outsz)
        snprintf(out + used, outsz - used, "}");
}

static int s_apply_visit(tx_t *tx, const Lianxin__V1__Event *ev,
                         const Lianxin__V1__VisitRecorded *vr)
{
    int64_t to[RECIPIENTS_MAX];
    char ids[RECIPIENTS_MAX * 21 + 3], body[512], object_id[24], seq[24];
    size_t n = recipients_of_visit(vr->rota_member_ids, vr->n_rota_member_ids,
                                   vr->head_member_id, to, RECIPIENTS_MAX);
    const char *params[7];

    if (n == 0)
        return 0;
    s_int_array(to, n, ids, sizeof ids);
    if (recipients_visit_body(vr->workroom_name, vr->received_at, (int)vr->category,
                              body, sizeof body) != 0)
        snprintf(body, sizeof body, "%s", RECIPIENTS_TITLE_VISIT);
    snprintf(object_id, sizeof object_id, "%lld", (long long)vr->visit_id);
    snprintf(seq, sizeof seq, "%lld", (long long)ev->seq);
    params[0] = ev->district;
    params[1] = ids;
    params[2] = RECIPIENTS_TITLE_VISIT;
    params[3] = body;
    params[4] = object_id;
    params[5] = ev->producer;
    params[6] = seq;
    if (db_run(tx_db(tx), s_insert_sql, 7, params) != 0) {
        log_warn("inbox insert failed", "district=%s producer=%s seq=%lld sqlstate=%s",
                 ev->district, ev->producer, (long long)ev->seq, db_sqlstate(tx_db(tx)));
        return -1;
    }
    return 0;
}

int inbox_apply(tx_t *tx, const Lianxin__V1__Event *ev, void *arg)
{
    Lianxin__V1__VisitRecorded *vr;
    int rc;

    (void)arg;
    if (!ev->type || strcmp(ev->type, "visit.recorded") != 0)
        return intake_events_apply(tx, ev);
    vr = lianxin__v1__visit_recorded__unpack(NULL, ev->payload.len, ev->payload.data);
    if (!vr) {
        log_error("malformed event skipped", "district=%s producer=%s seq=%lld type=%s",
                  ev->district, ev->producer, (long long)ev->seq, ev->type);
        return 0;
    }
    rc = s_apply_visit(tx, ev, vr);
    lianxin__v1__visit_recorded__free_unpacked(vr, NULL);
    return rc;
}

/* ---- MarkRead ------------------------------------------------------------------------ */

/* The inbox id of the path: a positive decimal integer, else -1. */
static long long s_object_id(const char *text)
{
    char *end;
    long long id;

    if (!text || *text < '0' || *text > '9')
        return -1;
    errno = 0;
    id = strtoll(text, &end, 10);
    return (errno || *end || id <= 0) ? -1 : id;
}

static int s_district_ok(const Lianxin__V1__Actor *a, const char *district)
{
    if (!a || !district || !district[0])
        return 0;
    if (!a->district || !a->district[0])
        return a->role && strcmp(a->role, "admin") == 0;
    return strcmp(a->district, district) == 0;
}

int inbox_mark_read_validate(const cmd_ctx_t *ctx, cmd_result_t *res)
{
    const char *kind;
    int64_t id;

    if (!s_district_ok(ctx->cmd->actor, ctx->cmd->district) ||
        recipients_of_actor(ctx->cmd->actor, &kind, &id) != 0)
        return cmd_fail(res, 403, "forbidden", "not allowed");
    if (s_object_id(ctx->cmd->object_id) < 0)
        return cmd_fail(res, 404, "not_found", "no such inbox item");
    return 0;
}

int inbox_mark_read_execute(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res)
{
    Lianxin__V1__InboxRef ref = LIANXIN__V1__INBOX_REF__INIT;
    const char *kind, *params[4];
    char rid[24], read_at[40];
    int64_t id;
    PGresult *r;

    if (recipients_of_actor(ctx->cmd->actor, &kind, &id) != 0)
        return cmd_fail(res, 403, "forbidden", "not allowed");
    snprintf(rid, sizeof rid, "%lld", (long long)id);
    params[0] = ctx->cmd->district;
    params[1] = ctx->cmd->object_id;
    params[2] = kind;
    params[3] = rid;
    if (!(r = db_exec(tx_db(tx), s_read_sql, 4, params))) {
        if (db_broken(tx_db(tx)))
            return cmd_fail(res, 503, "unavailable", "database unavailable");
        log_error("statement failed", "what=mark_read sqlstate=%s", db_sqlstate(tx_db(tx)));
        return cmd_fail(res, 500, "internal", "internal error");
    }
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
