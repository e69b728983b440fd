/* metrics: fixed-size tables of request counters and duration histograms,
 * rendered in the Prometheus text format (version 0.0.4). Pure except
 * metrics_resident_bytes. */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "http/metrics.h"

const double metrics_buckets[METRICS_BUCKETS] = {
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
};

typedef struct series {
    char route[80];
    char method[8];
    int status;
    uint64_t count;
} series_t;

typedef struct hist {
    char route[80];
    uint64_t buckets[METRICS_BUCKETS];   /* cumulative counts */
    uint64_t count;
    double sum;
} hist_t;

struct metrics {
    int nseries, nhist, nlag, nsamples;
    series_t series[METRICS_MAX_SERIES];
    hist_t hist[METRICS_MAX_ROUTES];
    metrics_lag_t lag[METRICS_MAX_LAG];
    metrics_calendar_t cal;
    metrics_sample_t samples[METRICS_MAX_SAMPLES];
};

metrics_t *metrics_new(void)
{
    return calloc(1, sizeof(metrics_t));
}

void metrics_destroy(metrics_t **self_p)
{
    if (self_p && *self_p) {
        free(*self_p);
        *self_p = NULL;
    }
}

static hist_t *s_hist(metrics_t *self, const char *route)
{
    for (int i = 0; i < self->nhist; i++)
        if (strcmp(self->hist[i].route, route) == 0)
            return &self->hist[i];
    /* the last slot is kept for "other", so the fold always has a home */
    if (self->nhist >= METRICS_MAX_ROUTES - 1 && strcmp(route, "other") != 0)
        return s_hist(self, "other");
    hist_t *h = &self->hist[self->nhist++];
    snprintf(h->route, sizeof h->route, "%s", route);
    return h;
}

static series_t *s_series(metrics_t *self, const char *route, const char *method, int status)
{
    for (int i = 0; i < self->nseries; i++) {
        series_t *s = &self->series[i];
        if (s->status == status && strcmp(s->method, method) == 0 && strcmp(s->route, route) == 0)
            return s;
    }
    if (self->nseries >= METRICS_MAX_SERIES - 1 && strcmp(route, "other") != 0)
        return s_series(self, "other", "other", 0);
    series_t *s = &self->series[self->nseries++];
    snprintf(s->route, sizeof s->route, "%s", route);
    snprintf(s->method, sizeof s->method, "%s", method);
    s->status = status;
    return s;
}

void metrics_request(metrics_t *self, const char *route, const char *method, int status,
                     double seconds)
{
    if (!self)
        return;
    s_series(self, route, method, status)->count++;
    hist_t *h = s_hist(self, route);
    for (int i = 0; i < METRICS_BUCKETS; i++)
        if (seconds <= metrics_buckets[i])
            h->buckets[i]++;
    h->count++;
    h->sum += seconds;
}

void metrics_set_lag(metrics_t *self, const metrics_lag_t *rows, int n)
{
    if (!self)
        return;
    if (n > METRICS_MAX_LAG)
        n = METRICS_MAX_LAG;
    if (n > 0)
        memcpy(self->lag, rows, (size_t) n * sizeof *rows);
    self->nlag = n < 0 ? 0 : n;
}

void metrics_set_samples(metrics_t *self, const metrics_sample_t *rows, int n)
{
    if (!self)
        return;
    if (n > METRICS_MAX_SAMPLES)
        n = METRICS_MAX_SAMPLES;
    if (n > 0)
        memcpy(self->samples, rows, (size_t) n * sizeof *rows);
    self->nsamples = n < 0 ? 0 : n;
}

void metrics_set_calendar(metrics_t *self, const metrics_calendar_t *cal)
{
    if (self && cal && cal->n >= 0 && cal->n <= 2)
        self->cal = *cal;
}

void metrics_get_calendar(const metrics_t *self, metrics_calendar_t *out)
{
    memset(out, 0, sizeof *out);
    if (self)
        *out = self->cal;
}

/* ---- rendering ---------------------------------------------------------------- */

typedef struct out {
    char *buf;
    size_t len, cap;
    int failed;
} out_t;

static void s_printf(out_t *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void s_printf(out_t *o, const char *fmt, ...)
{
    for (int attempt = 0; attempt < 2 && !o->failed; attempt++) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(o->buf + o->len, o->cap - o->len, fmt, ap);
        va_end(ap);
        if (n < 0) {
            o->failed = 1;
            return;
        }
        if ((size_t) n < o->cap - o->len) {
            o->len += (size_t) n;
            return;
        }
        size_t cap = (o->cap + (size_t) n) * 2;
        char *b = realloc(o->buf, cap);
        if (!b) {
            o->failed = 1;
            return;
        }
        o->buf = b;
        o->cap = cap;
    }
}

/* A label value with \, " and newlines escaped as the format requires. */
static const char *s_label(const char *v, char *buf, size_t bufsz)
{
    size_t o = 0;
    for (; *v && o + 3 < bufsz; v++) {
        if (*v == '\\' || *v == '"') {
            buf[o++] = '\\';
            buf[o++] = *v;
        } else if (*v == '\n') {
            buf[o++] = '\\';
            buf[o++] = 'n';
        } else {
            buf[o++] = *v;
        }
    }
    buf[o] = '\0';
    return buf;
}

static void s_render_requests(const metrics_t *self, out_t *o)
{
    char r[200];
    s_printf(o, "# HELP lianxin_http_requests_total HTTP requests answered.\n"
                "# TYPE lianxin_http_requests_total counter\n");
    for (int i = 0; i < self->nseries; i++) {
        const series_t *s = &self->series[i];
        s_printf(o, "lianxin_http_requests_total{route=\"%s\",method=\"%s\",status=\"%d\"} %llu\n",
                 s_label(s->route, r, sizeof r), s->method, s->status,
                 (unsigned long long) s->count);
    }
    s_printf(o, "# HELP lianxin_http_request_duration_seconds Time from request headers to answer.\n"
                "# TYPE lianxin_http_request_duration_seconds histogram\n");
    for (int i = 0; i < self->nhist; i++) {
        const hist_t *h = &self->hist[i];
        s_label(h->route, r, sizeof r);
        for (int b = 0; b < METRICS_BUCKETS; b++)
            s_printf(o, "lianxin_http_request_duration_seconds_bucket{route=\"%s\",le=\"%g\"} %llu\n",
                     r, metrics_buckets[b], (unsigned long long) h->buckets[b]);
        s_printf(o, "lianxin_http_request_duration_seconds_bucket{route=\"%s\",le=\"+Inf\"} %llu\n"
                    "lianxin_http_request_duration_seconds_sum{route=\"%s\"} %.6f\n"
                    "lianxin_http_request_duration_seconds_count{route=\"%s\"} %llu\n",
                 r, (unsigned long long) h->count, r, h->sum, r, (unsigned long long) h->count);
    }
}

static void s_render_gauges(const metrics_t *self, const metrics_gauges_t *g, out_t *o)
{
    char a[64], b[64], c[64];
    s_printf(o, "# HELP lianxin_command_timeouts_total Commands that got no reply in time.\n"
                "# TYPE lianxin_command_timeouts_total counter\n");
    for (int i = 0; i < g->nservices && i < 8; i++)
        s_printf(o, "lianxin_command_timeouts_total{service=\"%s\"} %llu\n",
                 s_label(g->services[i].service, a, sizeof a),
                 (unsigned long long) g->services[i].timeouts);
    s_printf(o, "# HELP lianxin_commands_in_flight Commands sent and not yet answered.\n"
                "# TYPE lianxin_commands_in_flight gauge\nlianxin_commands_in_flight %zu\n",
             g->commands_in_flight);
    s_printf(o, "# HELP lianxin_pg_pool_ready PostgreSQL connections of the read pool that are up.\n"
                "# TYPE lianxin_pg_pool_ready gauge\nlianxin_pg_pool_ready %d\n",
             g->pg_pool_ready);
    s_printf(o, "# HELP lianxin_clock_offset_seconds Business clock minus real time; non-zero"
                " only on a test stack whose clock was moved.\n"
                "# TYPE lianxin_clock_offset_seconds gauge\nlianxin_clock_offset_seconds %lld\n",
             (long long) g->clock_offset_s);
    s_printf(o, "# HELP lianxin_bus_lag_events Events of a stream not yet applied by a consumer.\n"
                "# TYPE lianxin_bus_lag_events gauge\n");
    for (int i = 0; i < self->nlag; i++)
        s_printf(o, "lianxin_bus_lag_events{district=\"%s\",consumer=\"%s\",producer=\"%s\"} %lld\n",
                 s_label(self->lag[i].district, a, sizeof a),
                 s_label(self->lag[i].consumer, b, sizeof b),
                 s_label(self->lag[i].producer, c, sizeof c), (long long) self->lag[i].lag);
    if (self->cal.n > 0)
        s_printf(o, "# HELP lianxin_calendar_year_present 1 when the year has working-day"
                    " calendar data.\n# TYPE lianxin_calendar_year_present gauge\n");
    for (int i = 0; i < self->cal.n; i++)
        s_printf(o, "lianxin_calendar_year_present{year=\"%d\"} %d\n", self->cal.year[i],
                 self->cal.present[i] ? 1 : 0);
    if (g->resident_bytes >= 0)
        s_printf(o, "# HELP process_resident_memory_bytes Resident memory size in bytes.\n"
                    "# TYPE process_resident_memory_bytes gauge\n"
                    "process_resident_memory_bytes %lld\n", (long long) g->resident_bytes);
}

/* 1 when the row can be written as it is: a name of [a-z0-9_], labels
 * without a line break or backslash. */
static int s_sample_ok(const metrics_sample_t *r)
{
    if (!r->metric[0] || strpbrk(r->labels, "\n\r\\"))
        return 0;
    for (const char *c = r->metric; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '_'))
            return 0;
    return 1;
}

static void s_render_samples(const metrics_t *self, out_t *o)
{
    const char *last = "";
    for (int i = 0; i < self->nsamples; i++) {
        const metrics_sample_t *r = &self->samples[i];
        if (!s_sample_ok(r))
            continue;
        if (strcmp(last, r->metric) != 0)
            s_printf(o, "# TYPE %s gauge\n", r->metric);
        last = r->metric;
        s_printf(o, "%s{%s} %lld\n", r->metric, r->labels, (long long) r->value);
    }
}

char *metrics_render(const metrics_t *self, const metrics_gauges_t *g)
{
    out_t o = {malloc(4096), 0, 4096, 0};
    if (!o.buf)
        return NULL;
    o.buf[0] = '\0';
    s_render_requests(self, &o);
    s_render_gauges(self, g, &o);
    s_render_samples(self, &o);
    if (o.failed) {
        free(o.buf);
        return NULL;
    }
    return o.buf;
}

int64_t metrics_resident_bytes(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    long long size, resident;
    if (!f)
        return -1;
    int n = fscanf(f, "%lld %lld", &size, &resident);
    fclose(f);
    long page = sysconf(_SC_PAGESIZE);
    return n == 2 && page > 0 ? (int64_t) resident * page : -1;
}
