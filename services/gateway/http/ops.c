/* ops: health, metrics, the bus lag and calendar samplers and the session
 * purge. The lag of a stream is bus.streams.next - 1 (the last number given)
 * minus the consumer's cursor; a stream nobody has a cursor for yet counts
 * from 0 for the consumer that follows its producer. The calendar sample
 * says whether the current and the next year (UTC+8, time_now_us) have data.
 * Never blocks a request on them. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "calendar.h"
#include "forward.h"
#include "log.h"
#include "http/metrics.h"
#include "http/ops.h"
#include "pgtext.h"
#include "timeutil.h"

#define OPS_LAG_INTERVAL_MS 5000
#define OPS_PURGE_EVERY 720         /* ticks: expired sessions are purged hourly */

/* auth.sessions is the gateway's own table: sessions a day past their end
 * are of no use to anyone (a revoked or expired token is refused anyway). */
static const char *const SQL_PURGE =
    "DELETE FROM auth.sessions WHERE expires_at < now() - interval '1 day'";

/* Every (consumer, producer) pair that has a cursor somewhere follows that
 * producer's stream in every district: a district whose consumer has not
 * run yet shows its whole stream as lag. Streams nobody consumes are left
 * out rather than reported as growing lag. No service is named here. */
static const char *const SQL_LAG =
    "SELECT s.district_code, k.consumer, s.producer, s.next - 1 - coalesce(c.seq, 0)"
    " FROM (SELECT DISTINCT consumer, producer FROM bus.cursors) k"
    " JOIN bus.streams s ON s.producer = k.producer"
    " LEFT JOIN bus.cursors c ON c.district_code = s.district_code"
    "   AND c.consumer = k.consumer AND c.producer = s.producer"
    " ORDER BY 1, 2, 3 LIMIT 256";

/* Whether the current year ($1) and the next have a calendar_years row. */
static const char *const SQL_CALENDAR =
    "SELECT y, EXISTS (SELECT 1 FROM core.calendar_years c WHERE c.year = y)"
    " FROM unnest(ARRAY[$1::int, $1::int + 1]) AS y ORDER BY y";

/* The services' counters: every view of schema metrics (migration 062), so
 * no service is named here. */
static const char *const SQL_SAMPLES =
    "SELECT metric, labels, value FROM metrics.sample() ORDER BY 1, 2 LIMIT 128";

struct ops {
    gw_t *gw;
    uv_timer_t timer;
    int timer_open;
    int querying;                   /* queries out: the lag sample and the purge */
    int closing;
    unsigned ticks;
};

/* Freed when both the timer is closed and no query is out. */
static void s_maybe_free(ops_t *self)
{
    if (self->closing && !self->timer_open && !self->querying)
        free(self);
}

static void s_on_purge(PGresult *res, void *arg)
{
    ops_t *self = arg;
    self->querying--;
    if (res && PQresultStatus(res) == PGRES_COMMAND_OK && atoi(PQcmdTuples(res)) > 0)
        log_info("expired sessions purged", "n=%s", PQcmdTuples(res));
    s_maybe_free(self);
}

/* A sampler's query came back: 1 when its rows are to be used; 0 when the
 * ops are closing (freed here once nothing is out) or the query failed (the
 * last sample is kept). */
static int s_sample_back(ops_t *self, PGresult *res)
{
    self->querying--;
    if (self->closing) {
        s_maybe_free(self);
        return 0;
    }
    if (res && PQresultStatus(res) == PGRES_TUPLES_OK)
        return 1;
    log_warn("ops sample failed", "sqlstate=%s",
             res ? (PQresultErrorField(res, PG_DIAG_SQLSTATE) ? PQresultErrorField(res,
                    PG_DIAG_SQLSTATE) : "none") : "no result");
    return 0;
}

static void s_on_lag(PGresult *res, void *arg)
{
    ops_t *self = arg;
    if (!s_sample_back(self, res))
        return;
    int n = PQntuples(res);
    metrics_lag_t *rows = calloc((size_t) (n ? n : 1), sizeof *rows);
    if (!rows)
        return;
    for (int i = 0; i < n; i++) {
        snprintf(rows[i].district, sizeof rows[i].district, "%s", PQgetvalue(res, i, 0));
        snprintf(rows[i].consumer, sizeof rows[i].consumer, "%s", PQgetvalue(res, i, 1));
        snprintf(rows[i].producer, sizeof rows[i].producer, "%s", PQgetvalue(res, i, 2));
        pgtext_int64(PQgetvalue(res, i, 3), &rows[i].lag);
    }
    metrics_set_lag(self->gw->metrics, rows, n);
    free(rows);
}

static void s_on_calendar(PGresult *res, void *arg)
{
    ops_t *self = arg;
    if (!s_sample_back(self, res) || PQntuples(res) != 2)
        return;
    metrics_calendar_t c = {.n = 2};
    for (int i = 0; i < 2; i++) {
        c.year[i] = atoi(PQgetvalue(res, i, 0));
        c.present[i] = PQgetvalue(res, i, 1)[0] == 't';
    }
    metrics_set_calendar(self->gw->metrics, &c);
}

static void s_on_samples(PGresult *res, void *arg)
{
    ops_t *self = arg;
    if (!s_sample_back(self, res))
        return;
    int n = PQntuples(res);
    metrics_sample_t *rows = calloc((size_t) (n ? n : 1), sizeof *rows);
    if (!rows)
        return;
    for (int i = 0; i < n; i++) {
        snprintf(rows[i].metric, sizeof rows[i].metric, "%s", PQgetvalue(res, i, 0));
        snprintf(rows[i].labels, sizeof rows[i].labels, "%s", PQgetvalue(res, i, 1));
        pgtext_int64(PQgetvalue(res, i, 2), &rows[i].value);
    }
    metrics_set_samples(self->gw->metrics, rows, n);
    free(rows);
}

static void s_on_timer(uv_timer_t *t)
{
    ops_t *self = t->data;
    if (self->querying || !self->gw->pool)
        return;
    if (pgpool_query(self->gw->pool, SQL_LAG, 0, NULL, s_on_lag, self) == 0)
        self->querying++;
    if (pgpool_query(self->gw->pool, SQL_SAMPLES, 0, NULL, s_on_samples, self) == 0)
        self->querying++;
    int year;
    char y[16];
    calendar_day_to_ymd(calendar_day_of_us(time_now_us()), &year, NULL, NULL);
    snprintf(y, sizeof y, "%d", year);
    const char *p[1] = {y};
    if (pgpool_query(self->gw->pool, SQL_CALENDAR, 1, p, s_on_calendar, self) == 0)
        self->querying++;
    if (++self->ticks % OPS_PURGE_EVERY == 1 &&
        pgpool_query(self->gw->pool, SQL_PURGE, 0, NULL, s_on_purge, self) == 0)
        self->querying++;
}

ops_t *ops_new(gw_t *gw)
{
    ops_t *self = calloc(1, sizeof *self);
    if (!self)
        return NULL;
    self->gw = gw;
    uv_timer_init(gw->loop, &self->timer);
    self->timer.data = self;
    self->timer_open = 1;
    uv_timer_start(&self->timer, s_on_timer, 1000, OPS_LAG_INTERVAL_MS);
    return self;
}

static void s_on_closed(uv_handle_t *h)
{
    ops_t *self = h->data;
    self->timer_open = 0;
    s_maybe_free(self);
}

void ops_destroy(ops_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    ops_t *self = *self_p;
    *self_p = NULL;
    self->closing = 1;
    uv_close((uv_handle_t *) &self->timer, s_on_closed);
}

/* "calendar": {"2026": true, "2027": false} from the last sample, and a
 * warning "calendar_missing:<year>" for each year due today without data. */
static void s_calendar_health(json_t *body, const metrics_calendar_t *c)
{
    json_t *years = json_object(), *warnings = json_array();
    int due[2];
    int ndue = calendar_years_due(calendar_day_of_us(time_now_us()), due);
    for (int i = 0; i < c->n; i++) {
        char y[16];
        snprintf(y, sizeof y, "%d", c->year[i]);
        json_object_set_new(years, y, json_boolean(c->present[i]));
        for (int k = 0; !c->present[i] && k < ndue; k++)
            if (due[k] == c->year[i])
                json_array_append_new(warnings, json_sprintf("calendar_missing:%d", due[k]));
    }
    if (c->n > 0)
        json_object_set_new(body, "calendar", years);
    else
        json_decref(years);
    json_object_set_new(body, "warnings", warnings);
}

void ops_healthz(gw_call_t *call)
{
    int up = pgpool_ready(call->gw->pool) > 0;
    int64_t offset = 0;
    int moved = time_clock_moved(&offset);
    char now[40] = "";
    metrics_calendar_t c;
    time_format(time_now_us(), now, sizeof now);
    /* a moved clock is said here as loudly as at start: never in production */
    json_t *body = json_pack("{s:s, s:s, s:{s:s, s:b, s:I}}", "status", "ok", "db",
                             up ? "ok" : "down", "clock", "now", now, "moved", moved,
                             "offset_s", (json_int_t) (offset / 1000000));
    metrics_get_calendar(call->gw->metrics, &c);
    if (body)
        s_calendar_health(body, &c);
    gw_reply_json(call, 200, body);
}

void ops_metrics(gw_call_t *call)
{
    gw_t *gw = call->gw;
    metrics_gauges_t g;
    const char *names[8];
    uint64_t counts[8];
    memset(&g, 0, sizeof g);
    g.commands_in_flight = forward_in_flight(gw->fwd);
    g.pg_pool_ready = pgpool_ready(gw->pool);
    g.resident_bytes = metrics_resident_bytes();
    time_clock_moved(&g.clock_offset_s);
    g.clock_offset_s /= 1000000;
    g.nservices = forward_timeouts(gw->fwd, names, counts, 8);
    for (int i = 0; i < g.nservices; i++) {
        g.services[i].service = names[i];
        g.services[i].timeouts = counts[i];
    }
    char *text = metrics_render(gw->metrics, &g);
    if (!text) {
        gw_reply_error(call, 500, "internal", "internal error", NULL);
        return;
    }
    static const char *const headers[] = {"Cache-Control", "no-store", NULL};
    http_respond(call->req, 200, "text/plain; version=0.0.4; charset=utf-8", text,
                 strlen(text), headers);
    free(text);
}
