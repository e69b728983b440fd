/* assess_publish: see assess_publish.h. A snapshot is one statement: the
 * rows built from assess.files and assess.acts and inserted as JSON, unique
 * per (kind, year, period): publishing twice is 409. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "assess.pb-c.h"
#include "assess_publish.h"
#include "assess_rules.h"
#include "assess_store.h"
#include "db.h"
#include "timeutil.h"

#define RULES_MAX 16384

static const char *const s_snapshot_sql =
    "WITH per AS (SELECT member_id, jsonb_object_agg(kind, n) AS counts, sum(n)::int AS total"
    "  FROM (SELECT member_id, kind, count(*) AS n FROM assess.acts WHERE district_code = $1"
    "   AND year = $2::int AND status IN ('done', 'present') AND on_date >= $3::date"
    "   AND on_date < $4::date GROUP BY 1, 2) k GROUP BY 1),"
    " r AS (SELECT m.id AS member_id, m.name, coalesce(p.counts, '{}') AS counts,"
    "  coalesce(p.total, 0) AS total, coalesce(f.points, 0) AS points,"
    "  coalesce(f.missing, 5) AS missing FROM core.members m"
    "  LEFT JOIN per p ON p.member_id = m.id LEFT JOIN assess.files f"
    "  ON f.district_code = $1 AND f.year = $2::int AND f.member_id = m.id"
    "  WHERE m.district_code = $1 AND m.active),"
    " ranked AS (SELECT r.*, rank() OVER (ORDER BY CASE WHEN $5 = 'year' THEN points"
    "  ELSE total END DESC) AS rnk FROM r)"
    " INSERT INTO assess.snapshots (district_code, id, kind, year, period, published_at,"
    "  published_by, rows) SELECT $1, nextval('assess.snapshot_ids'), $5, $2::int, $6::int,"
    "  core.clock_now(), $7::bigint, coalesce(jsonb_agg(jsonb_build_object('member_id',"
    "  member_id::text, 'name', name, 'rank', rnk, 'points', points, 'total', total,"
    "  'missing', missing, 'counts', counts) ORDER BY rnk, member_id), '[]') FROM ranked"
    " ON CONFLICT (district_code, kind, year, period) DO NOTHING"
    " RETURNING id, jsonb_array_length(rows), published_at";

/* The first day of the period and the first day after it. */
static int s_bounds(const char *kind, int year, int period, char from[32], char to[32])
{
    int months = strcmp(kind, "quarter") == 0 ? 3 : strcmp(kind, "half") == 0 ? 6 : 12;
    int count = 12 / months;
    if (period < 1 || period > count)
        return -1;
    int m0 = (period - 1) * months + 1, m1 = m0 + months;
    snprintf(from, 32, "%04d-%02d-01", year, m0);
    if (m1 > 12)
        snprintf(to, 32, "%04d-01-01", year + 1);
    else
        snprintf(to, 32, "%04d-%02d-01", year, m1);
    return 0;
}

static int s_snapshot_check(const Lianxin__V1__PublishSnapshot *s, char from[32], char to[32],
                            cmd_result_t *res)
{
    const char *k = s->kind ? s->kind : "";
    if (strcmp(k, "quarter") != 0 && strcmp(k, "half") != 0 && strcmp(k, "year") != 0)
        return cmd_field_error(res, "kind", *k ? "unknown_value" : "required");
    if (s->year < 2000 || s->year > 2200)
        return cmd_field_error(res, "year", "out_of_range");
    if (s_bounds(k, s->year, strcmp(k, "year") == 0 && s->period == 0 ? 1 : s->period, from,
                 to) != 0)
        return cmd_field_error(res, "period", "out_of_range");
    return 0;
}

int assess_publish_snapshot_execute(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res)
{
    const Lianxin__V1__PublishSnapshot *s = (const Lianxin__V1__PublishSnapshot *) ctx->req;
    char from[32], to[32], y[12], per[12], by[24], today[16];
    int period = strcmp(s->kind ? s->kind : "", "year") == 0 && s->period == 0 ? 1 : s->period;
    if (s_snapshot_check(s, from, to, res) != 0)
        return -1;
    time_date(tx_now_us(tx), today, sizeof today);
    if (strcmp(today, from) < 0)
        return cmd_fail(res, 409, "conflict", "该期尚未开始，不能发布");
    snprintf(y, sizeof y, "%d", s->year);
    snprintf(per, sizeof per, "%d", period);
    const char *p[7] = {ctx->cmd->district, y, from, to, s->kind, per,
                        db_num(by, ctx->cmd->actor->user_id)};
    PGresult *r = db_exec(tx_db(tx), s_snapshot_sql, 7, p);
    if (!r)
        return cmd_db_fail(tx, res, "assess.snapshot");
    if (PQntuples(r) == 0) {
        PQclear(r);
        return cmd_fail(res, 409, "conflict", "该期已发布，已发布的内容不可更改");
    }
    Lianxin__V1__SnapshotRef ref = LIANXIN__V1__SNAPSHOT_REF__INIT;
    char at[40];
    int64_t us;
    ref.id = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
    ref.kind = s->kind;
    ref.year = s->year;
    ref.period = period;
    ref.members = atoi(PQgetvalue(r, 0, 1));
    if (time_parse(PQgetvalue(r, 0, 2), &us) == 0 && time_format(us, at, sizeof at) == 0)
        ref.published_at = at;
    PQclear(r);
    if (cmd_record(tx, ctx, res, "snapshot.published", &ref.base, "assess.snapshot", "snapshot",
                   ref.id) != 0)
        return -1;
    return cmd_ok(res, 201, &ref.base);
}

int assess_publish_rules_execute(tx_t *tx, const cmd_ctx_t *ctx, cmd_result_t *res)
{
    const Lianxin__V1__PutRules *pr = (const Lianxin__V1__PutRules *) ctx->req;
    assess_rules_t rules;
    char err[64], y[12];
    int members = 0;
    if (pr->year < 2000 || pr->year > 2200)
        return cmd_field_error(res, "year", "out_of_range");
    if (!pr->rules || strlen(pr->rules) > RULES_MAX)
        return cmd_field_error(res, "rules", pr->rules ? "too_long" : "required");
    if (assess_rules_parse(pr->rules, &rules, err, sizeof err) != 0) {
        char field[80];
        snprintf(field, sizeof field, "rules.%.*s", (int) strcspn(err, ":"), err);
        return cmd_field_error(res, field, "invalid");
    }
    snprintf(y, sizeof y, "%d", pr->year);
    const char *p[3] = {ctx->cmd->district, y, pr->rules};
    if (db_run(tx_db(tx), "INSERT INTO assess.rules (district_code, year, doc, updated_at)"
               " VALUES ($1, $2::int, $3::jsonb, core.clock_now()) ON CONFLICT (district_code,"
               " year) DO UPDATE SET doc = EXCLUDED.doc, updated_at = EXCLUDED.updated_at",
               3, p) != 0)
        return cmd_db_fail(tx, res, "assess.rules");
    if (assess_store_refresh_year(tx, ctx->cmd->district, pr->year, &members) != 0)
        return cmd_db_fail(tx, res, "assess.rules.refresh");
    Lianxin__V1__RulesRef ref = LIANXIN__V1__RULES_REF__INIT;
    ref.year = pr->year;
    ref.members = members;
    if (cmd_record(tx, ctx, res, NULL, &pr->base, "assess.rules", "rules", pr->year) != 0)
        return -1;
    return cmd_ok(res, 200, &ref.base);
}
