/* test_gateway_metrics: the Prometheus text: counters by route, method and
 * status; cumulative histogram buckets with +Inf = count; gauges; label
 * escaping; series folded into "other" past the limits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "http/metrics.h"

static void s_has(const char *text, const char *line)
{
    if (!strstr(text, line))
        fail_msg("missing line: %s", line);
}

static void test_counters_and_histogram(void **state)
{
    (void) state;
    metrics_t *m = metrics_new();
    metrics_gauges_t g = {0};
    g.resident_bytes = -1;
    metrics_request(m, "/v1/districts/{d}/visits", "POST", 201, 0.0004);
    metrics_request(m, "/v1/districts/{d}/visits", "POST", 201, 0.003);
    metrics_request(m, "/v1/districts/{d}/visits", "POST", 400, 7.0);
    char *t = metrics_render(m, &g);
    assert_non_null(t);
    s_has(t, "# TYPE lianxin_http_requests_total counter\n");
    s_has(t, "lianxin_http_requests_total{route=\"/v1/districts/{d}/visits\",method=\"POST\","
             "status=\"201\"} 2\n");
    s_has(t, "status=\"400\"} 1\n");
    s_has(t, "# TYPE lianxin_http_request_duration_seconds histogram\n");
    s_has(t, "lianxin_http_request_duration_seconds_bucket{route=\"/v1/districts/{d}/visits\","
             "le=\"0.001\"} 1\n");
    s_has(t, "le=\"0.005\"} 2\n");
    s_has(t, "le=\"5\"} 2\n");
    s_has(t, "le=\"+Inf\"} 3\n");
    s_has(t, "lianxin_http_request_duration_seconds_count{route=\"/v1/districts/{d}/visits\"} 3\n");
    s_has(t, "lianxin_http_request_duration_seconds_sum{route=\"/v1/districts/{d}/visits\"} "
             "7.003400\n");
    assert_null(strstr(t, "process_resident_memory_bytes"));   /* unknown: not written */
    free(t);
    metrics_destroy(&m);
    assert_null(m);
}

static void test_gauges_and_lag(void **state)
{
    (void) state;
    metrics_t *m = metrics_new();
    metrics_gauges_t g = {0};
    g.commands_in_flight = 3;
    g.pg_pool_ready = 4;
    g.resident_bytes = 123456;
    g.nservices = 2;
    g.services[0].service = "intake";
    g.services[0].timeouts = 5;
    g.services[1].service = "notify";
    metrics_lag_t lag[2] = {{"330303", "notify", "intake", 12}, {"330304", "notify", "intake", 0}};
    metrics_set_lag(m, lag, 2);
    char *t = metrics_render(m, &g);
    s_has(t, "lianxin_command_timeouts_total{service=\"intake\"} 5\n");
    s_has(t, "lianxin_command_timeouts_total{service=\"notify\"} 0\n");
    s_has(t, "lianxin_commands_in_flight 3\n");
    s_has(t, "lianxin_pg_pool_ready 4\n");
    s_has(t, "lianxin_bus_lag_events{district=\"330303\",consumer=\"notify\",producer=\"intake\"} 12\n");
    s_has(t, "process_resident_memory_bytes 123456\n");
    free(t);
    metrics_set_lag(m, NULL, 0);
    t = metrics_render(m, &g);
    assert_null(strstr(t, "lianxin_bus_lag_events{"));
    free(t);
    metrics_destroy(&m);
}

static void test_escaping_and_folding(void **state)
{
    (void) state;
    metrics_t *m = metrics_new();
    metrics_gauges_t g = {0};
    metrics_request(m, "a\"b\\c\nd", "GET", 200, 0.1);
    char name[32];
    for (int i = 0; i < METRICS_MAX_SERIES + 10; i++) {
        snprintf(name, sizeof name, "/r%d", i);
        metrics_request(m, name, "GET", 200, 0.1);
    }
    metrics_calendar_t cal = {.n = 2, .year = {2031, 2032}, .present = {1, 0}}, got;
    metrics_set_calendar(m, &cal);
    metrics_get_calendar(m, &got);
    assert_int_equal(got.year[1], 2032);
    char *t = metrics_render(m, &g);
    s_has(t, "lianxin_calendar_year_present{year=\"2031\"} 1");
    s_has(t, "lianxin_calendar_year_present{year=\"2032\"} 0");
    s_has(t, "route=\"a\\\"b\\\\c\\nd\"");
    s_has(t, "lianxin_http_requests_total{route=\"other\",method=\"other\",status=\"0\"}");
    s_has(t, "lianxin_http_request_duration_seconds_count{route=\"other\"}");
    /* every line is a comment or "name{labels} value" or "name value" */
    for (char *line = strtok(t, "\n"); line; line = strtok(NULL, "\n"))
        assert_true(line[0] == '#' || strchr(line, ' ') != NULL);
    free(t);
    metrics_destroy(&m);
    assert_true(metrics_resident_bytes() > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_counters_and_histogram), cmocka_unit_test(test_gauges_and_lag),
        cmocka_unit_test(test_escaping_and_folding),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
