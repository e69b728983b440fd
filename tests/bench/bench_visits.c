/* bench_visits: the write path's benchmark (make bench; not part of make
 * test). Starts the stack on a fresh database with the integration harness,
 * drives POST /visits with wrk (-t2 -c64 -d10s), then measures pgbench's
 * single-row INSERT tps on the same cluster, and prints a table against the
 * targets (>= 2x pgbench, p99 <= 25 ms, 0 errors) with each process's RSS.
 * Only ever talks to 127.0.0.1. Exit 0 when it ran (1 when
 * LIANXIN_BENCH_STRICT=1 and a target was missed), 2 when it could not run. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "timeutil.h"
#include "harness.h"

#define D "330303"
#define DURATION "10s"

typedef struct wrk_result {
    double rps;
    long long requests, p50_us, p99_us, status_errors, socket_errors;
} wrk_result_t;

/* The wrk script: each request a visit to one of the 8 rooms, with a bearer
 * token; done() prints one parseable line. */
static int s_write_lua(const char *path, const char *token)
{
    char received[40];
    FILE *f = fopen(path, "w");

    if (!f)
        return -1;
    time_format(time_now_us() - 60LL * 1000000, received, sizeof received);
    fprintf(f,
        "-- written by bench_visits: POST a visit per request\n"
        "local token = \"%s\"\n"
        "local received = \"%s\"\n"
        "local n = 0\n"
        "local headers = { [\"Content-Type\"] = \"application/json\",\n"
        "                  [\"Authorization\"] = \"Bearer \" .. token }\n"
        "request = function()\n"
        "  n = n + 1\n"
        "  local room = (n %% 8) + 1\n"
        "  local body = string.format('{\"workroom_id\":\"%%d\",\"received_at\":\"%%s\","
        "\"member_ids\":[\"%%d\"],\"visitor\":{\"name\":\"张三\",\"phone\":\"13812345678\"},"
        "\"summary\":\"路灯不亮，夜间出行不便\",\"category\":\"urban_construction\"}', room, received, room * 5 - 4)\n"
        "  return wrk.format(\"POST\", \"/v1/districts/" D "/visits\", headers, body)\n"
        "end\n"
        "done = function(summary, latency, requests)\n"
        "  local e = summary.errors\n"
        "  io.write(string.format(\"BENCH requests=%%d duration_us=%%d p50_us=%%d p99_us=%%d "
        "status_errors=%%d socket_errors=%%d\\n\", summary.requests, summary.duration,\n"
        "    latency:percentile(50), latency:percentile(99), e.status,\n"
        "    e.connect + e.read + e.write + e.timeout))\n"
        "end\n", token, received);
    return fclose(f);
}

/* Runs `cmd` and returns the first line starting with `prefix` (malloc'd). */
static char *s_run_grep(const char *cmd, const char *prefix, const char *logpath)
{
    FILE *p = popen(cmd, "r"), *log = fopen(logpath, "a");
    char line[1024], *hit = NULL;

    if (!p) {
        if (log)
            fclose(log);
        return NULL;
    }
    while (fgets(line, sizeof line, p)) {
        if (log)
            fputs(line, log);
        if (!hit && strncmp(line, prefix, strlen(prefix)) == 0)
            hit = strdup(line);
    }
    pclose(p);
    if (log)
        fclose(log);
    return hit;
}

static int s_wrk(harness_t *h, const char *lua, wrk_result_t *out)
{
    char cmd[1024], log[256];
    char *line;
    long long dur = 0;

    snprintf(cmd, sizeof cmd, "wrk -t2 -c64 -d" DURATION " --latency -s %s %s/v1/districts/" D
             "/visits 2>&1", lua, harness_base_url(h));
    snprintf(log, sizeof log, "%s/wrk.out", harness_dir(h));
    if (!(line = s_run_grep(cmd, "BENCH ", log)))
        return -1;
    memset(out, 0, sizeof *out);
    sscanf(line, "BENCH requests=%lld duration_us=%lld p50_us=%lld p99_us=%lld "
           "status_errors=%lld socket_errors=%lld", &out->requests, &dur, &out->p50_us,
           &out->p99_us, &out->status_errors, &out->socket_errors);
    free(line);
    out->rps = dur > 0 ? (double)out->requests * 1e6 / (double)dur : 0;
    return dur > 0 ? 0 : -1;
}

/* pgbench's tps for a single-row INSERT into a scratch table, same cluster. */
static double s_pgbench(harness_t *h)
{
    char script[256], cmd[2048], log[256], *line;
    const char *host = getenv("LIANXIN_TEST_PGHOST"), *port = getenv("LIANXIN_TEST_PGPORT");
    PGresult *r = harness_sql(h, "CREATE TABLE IF NOT EXISTS public.bench_scratch ("
                              " id bigserial PRIMARY KEY, v int NOT NULL,"
                              " at timestamptz NOT NULL DEFAULT now())", 0, NULL);
    FILE *f;
    double tps = 0;

    PQclear(r);
    snprintf(script, sizeof script, "%s/pgbench.sql", harness_dir(h));
    if (!r || !(f = fopen(script, "w")))
        return -1;
    fputs("INSERT INTO public.bench_scratch (v) VALUES (1);\n", f);
    fclose(f);
    snprintf(cmd, sizeof cmd, "pgbench -n -c 64 -j 2 -T 10 -f %s -h %s -p %s -U lianxin %s 2>&1",
             script, host, port, harness_dbname(h));
    snprintf(log, sizeof log, "%s/pgbench.out", harness_dir(h));
    if (!(line = s_run_grep(cmd, "tps = ", log)))
        return -1;
    sscanf(line, "tps = %lf", &tps);
    free(line);
    return tps;
}

static void s_rss(harness_t *h, const char *name)
{
    char path[64], line[256];
    long rss = -1, hwm = -1;
    pid_t pid = harness_pid(h, name);
    FILE *f;

    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    if (pid > 0 && (f = fopen(path, "r"))) {
        while (fgets(line, sizeof line, f)) {
            sscanf(line, "VmRSS: %ld kB", &rss);
            sscanf(line, "VmHWM: %ld kB", &hwm);
        }
        fclose(f);
    }
    printf("  rss %-8s   VmRSS %7ld kB   VmHWM %7ld kB\n", name, rss, hwm);
}

static int s_report(harness_t *h, const wrk_result_t *w, double tps)
{
    long long errors = w->status_errors + w->socket_errors;
    double ratio = tps > 0 ? w->rps / tps : 0;
    int ok_ratio = ratio >= 2.0, ok_p99 = w->p99_us <= 25000, ok_err = errors == 0;
    static const char *names[] = { "bus", "intake", "notify", "gateway" };

    printf("\nbench_visits: POST /v1/districts/" D "/visits, wrk -t2 -c64 -d" DURATION "\n");
    printf("  %-26s %12s   %-14s %s\n", "measure", "value", "target", "met");
    printf("  %-26s %12.0f\n", "visits req/s", w->rps);
    printf("  %-26s %12lld\n", "visits requests", w->requests);
    printf("  %-26s %9.2f ms\n", "latency p50", w->p50_us / 1000.0);
    printf("  %-26s %9.2f ms   %-14s %s\n", "latency p99", w->p99_us / 1000.0, "<= 25 ms",
           ok_p99 ? "yes" : "NO");
    printf("  %-26s %12lld   %-14s %s\n", "errors (non-2xx + socket)", errors, "0",
           ok_err ? "yes" : "NO");
    printf("  %-26s %12.0f\n", "pgbench tps (1-row insert)", tps);
    printf("  %-26s %12.2f   %-14s %s\n", "ratio visits/pgbench", ratio, ">= 2.00",
           ok_ratio ? "yes" : "NO");
    printf("  %-26s %12lld\n", "visits in intake.visits",
           harness_sql_ll(h, "SELECT count(*) FROM intake.visits", 0, NULL));
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        s_rss(h, names[i]);
    printf("BENCH_SUMMARY rps=%.0f p50_ms=%.2f p99_ms=%.2f errors=%lld pgbench_tps=%.0f ratio=%.2f "
           "targets_met=%s\n", w->rps, w->p50_us / 1000.0, w->p99_us / 1000.0, errors, tps, ratio,
           ok_ratio && ok_p99 && ok_err ? "yes" : "no");
    fflush(stdout);
    return ok_ratio && ok_p99 && ok_err;
}

int main(void)
{
    harness_t *h = harness_new("bench");
    wrk_result_t w;
    char lua[256], *token;
    double tps;
    int met, strict = getenv("LIANXIN_BENCH_STRICT") && !strcmp(getenv("LIANXIN_BENCH_STRICT"), "1");

    if (!h)
        return 2;
    harness_set(h, "gateway.rate_per_s", "10000000");
    harness_set(h, "gateway.rate_burst", "10000000");
    harness_set(h, "log.level", "warn");
    if (harness_start_all(h) != 0 || !(token = harness_login(h, "office", "lianxin-demo"))) {
        harness_destroy(&h);
        return 2;
    }
    snprintf(lua, sizeof lua, "%s/post_visit.lua", harness_dir(h));
    if (s_write_lua(lua, token) != 0 || s_wrk(h, lua, &w) != 0) {
        fprintf(stderr, "bench: wrk did not run or printed no result (see %s/wrk.out)\n", harness_dir(h));
        free(token);
        harness_destroy(&h);
        return 2;
    }
    free(token);
    if ((tps = s_pgbench(h)) <= 0)
        fprintf(stderr, "bench: pgbench did not run (see %s/pgbench.out)\n", harness_dir(h));
    met = s_report(h, &w, tps);
    if (harness_stop_all(h) != 0)
        fprintf(stderr, "bench: a process did not exit 0 on SIGTERM\n");
    harness_destroy(&h);
    return tps <= 0 ? 2 : (strict && !met) ? 1 : 0;
}
