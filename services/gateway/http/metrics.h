/* metrics: the gateway's counters and their Prometheus text exposition.
 * Recording and rendering are pure (values in, text out), so the format is
 * tested without a server. Never records anything that names a person: the
 * labels are route patterns, methods, statuses, services and districts. */
#ifndef GW_METRICS_H
#define GW_METRICS_H

#include <stddef.h>
#include <stdint.h>

#define METRICS_BUCKETS 12          /* 1 ms .. 5 s, then +Inf */
#define METRICS_MAX_SERIES 512      /* (route, method, status) combinations */
#define METRICS_MAX_ROUTES 64
#define METRICS_MAX_LAG 256         /* (district, consumer, producer) rows */
#define METRICS_MAX_SAMPLES 128     /* rows of the services' counter views */

typedef struct metrics metrics_t;

/* The upper bounds of the duration histogram, in seconds. */
extern const double metrics_buckets[METRICS_BUCKETS];

typedef struct metrics_lag {
    char district[17];
    char consumer[32];
    char producer[32];
    int64_t lag;
} metrics_lag_t;

/* Whether the calendar of the current and the next year has data, as the
 * last sample (ops.c, every 5 s) found it. */
typedef struct metrics_calendar {
    int n;                          /* 0: not sampled yet */
    int year[2];
    int present[2];
} metrics_calendar_t;

/* A row of the services' counters (metrics.sample(), migration 062): a
 * metric name ([a-z0-9_]), its labels as Prometheus text ('a="x",b="y"')
 * and a value, exposed as a gauge. */
typedef struct metrics_sample {
    char metric[64];
    char labels[160];
    int64_t value;
} metrics_sample_t;

/* What the registry does not own, sampled when rendering. */
typedef struct metrics_gauges {
    size_t commands_in_flight;
    int pg_pool_ready;
    int64_t resident_bytes;         /* -1: unknown */
    int64_t clock_offset_s;         /* business clock minus real time (0 unless moved) */
    int nservices;
    struct {
        const char *service;
        uint64_t timeouts;
    } services[8];
} metrics_gauges_t;

/* NULL when out of memory. */
metrics_t *metrics_new(void);
void metrics_destroy(metrics_t **self_p);

/* Counts one answered request. `route` is the route's pattern (or a fixed
 * word for requests no route matched); series beyond the limits are folded
 * into route "other". */
void metrics_request(metrics_t *self, const char *route, const char *method, int status,
                     double seconds);

/* Replaces the bus lag rows (at most METRICS_MAX_LAG are kept). */
void metrics_set_lag(metrics_t *self, const metrics_lag_t *rows, int n);

/* Replaces the services' counter rows (at most METRICS_MAX_SAMPLES; rows
 * of one metric are expected together). A row whose name or labels do not
 * fit the exposition format is dropped when rendering. */
void metrics_set_samples(metrics_t *self, const metrics_sample_t *rows, int n);

/* Replaces / reads the calendar sample (lianxin_calendar_year_present). */
void metrics_set_calendar(metrics_t *self, const metrics_calendar_t *cal);
void metrics_get_calendar(const metrics_t *self, metrics_calendar_t *out);

/* The exposition text (malloc'd, NUL-terminated), NULL when out of memory. */
char *metrics_render(const metrics_t *self, const metrics_gauges_t *g);

/* Resident memory of this process from /proc/self/statm, -1 when unknown.
 * The only function here that does I/O. */
int64_t metrics_resident_bytes(void);

#endif
