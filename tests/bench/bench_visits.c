/* bench_visits: the write path's benchmark (make bench; not part of make
 * test). Starts the stack on a fresh database with the integration harness and
 * drives POST /visits with wrk (-t2 -c64 -d10s) twice: with intake as
 * configured (group commit) and with intake.max_batch=1 (one transaction per
 * command), so the table shows what group commit buys. Then it measures
 * pgbench's single-row INSERT tps on the same cluster and prints both rows
 * against the targets (>= 2x pgbench, p99 <= 25 ms, 0 errors), with the CPU
 * time each process spent per visit (a shared machine makes req/s noisy; CPU
 * per visit much less so) and each process's RSS. Only ever talks to
 * 127.0.0.1. Exit 0 when it ran (1 when LIANXIN_BENCH_STRICT=1 and a target
 * of the group-commit run was missed), 2 when it could not run. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "timeutil.h"
#include "fixtures.h"
#include "harness.h"

#define D "330303"
#define VISITS "/v1/districts/" D "/visits"
#define DURATION "10s"
#define MAX_BACKENDS 16

typedef struct wrk_result {
    double rps;
    long long requests, p50_us, p99_us, status_errors, socket_errors;
} wrk_result_t;

/* Where the CPU time goes: our processes, the PostgreSQL backends of intake
 * and notify, and the whole machine (which includes anything else running). */
enum { C_GATEWAY, C_INTAKE, C_NOTIFY, C_BUS, C_PG_INTAKE, C_PG_NOTIFY, C_MACHINE, C_COUNT };
static const char *s_cpu_names[C_COUNT] = { "gateway", "intake", "notify", "bus",
                                            "pg (intake)", "pg (notify)", "machine" };

typedef struct run {
    const char *label;
    wrk_result_t w;
    double cpu_us[C_COUNT];         /* CPU microseconds per request */
    long long lag;                  /* notify's lag right after the load */
} run_t;

/* The pids whose CPU time is counted; backends as found before the load. */
typedef struct pids {
    pid_t proc[C_BUS + 1];
    pid_t pg[2][MAX_BACKENDS];
    int npg[2];
} pids_t;

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
        "  return wrk.format(\"POST\", \"" VISITS "\", headers, body)\n"
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

    snprintf(cmd, sizeof cmd, "wrk -t2 -c64 -d" DURATION " --latency -s %s %s" VISITS " 2>&1",
             lua, harness_base_url(h));
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
    if (!(line = s_run_grep(cmd, "tps = ", log))) {
        snprintf(cmd, sizeof cmd, "tail -n 3 %s >&2", log);
        if (system(cmd) != 0)
            fprintf(stderr, "bench: no pgbench output\n");
        return -1;
    }
    sscanf(line, "tps = %lf", &tps);
    free(line);
    return tps;
}

/* ---- CPU time ------------------------------------------------------------------ */

/* Busy ticks of the whole machine (every CPU), from /proc/stat. */
static long long s_machine_ticks(void)
{
    unsigned long long v[8] = { 0 };
    FILE *f = fopen("/proc/stat", "r");
    int got = 0;

    if (f) {
        got = fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2],
                     &v[3], &v[4], &v[5], &v[6], &v[7]);
        fclose(f);
    }
    if (got != 8)
        return 0;
    return (long long)(v[0] + v[1] + v[2] + v[5] + v[6] + v[7]);    /* all but idle, iowait */
}

static void s_find_pids(harness_t *h, pids_t *p)
{
    static const char *names[] = { "gateway", "intake", "notify", "bus" };

    for (int i = 0; i <= C_BUS; i++)
        p->proc[i] = harness_pid(h, names[i]);
    p->npg[0] = fixture_backends(h, "lianxin-intake", p->pg[0], MAX_BACKENDS);
    p->npg[1] = fixture_backends(h, "lianxin-notify", p->pg[1], MAX_BACKENDS);
}

static void s_cpu_sample(const pids_t *p, long long *ticks)
{
    for (int i = 0; i <= C_BUS; i++)
        ticks[i] = fixture_cpu_ticks(p->proc[i]);
    for (int k = 0; k < 2; k++) {
        ticks[C_PG_INTAKE + k] = 0;
        for (int i = 0; i < p->npg[k]; i++)
            ticks[C_PG_INTAKE + k] += fixture_cpu_ticks(p->pg[k][i]);
    }
    ticks[C_MACHINE] = s_machine_ticks();
}

/* ---- one load run ----------------------------------------------------------------- */

/* One visit through the whole stack, so that intake's worker has connected
 * (its backend exists) and its statements are prepared. After a restart the
 * gateway may need a moment to reach intake again: retried for up to 10 s. */
static int s_warm_up(harness_t *h, const char *token)
{
    int64_t members[1] = { 1 };
    char *body = fixture_visit(1, members, 1, "transport", 60, 1);
    http_resp_t resp;
    long status = 0;

    for (int i = 0; body && i < 100 && status != 201; i++) {
        memset(&resp, 0, sizeof resp);
        if (i > 0)
            harness_sleep_ms(100);
        harness_post(h, VISITS, token, body, &resp);
        status = resp.status;
        http_resp_clear(&resp);
    }
    free(body);
    return status == 201 ? 0 : -1;
}

/* Warms up, runs wrk and charges each process's CPU time to its requests;
 * then lets notify catch up (its lag right after the load is kept). */
static int s_run_load(harness_t *h, const char *lua, const char *token, run_t *run)
{
    long long before[C_COUNT], after[C_COUNT];
    double us_per_tick = 1e6 / (double)sysconf(_SC_CLK_TCK);
    pids_t pids;

    if (s_warm_up(h, token) != 0) {
        fprintf(stderr, "bench: warm-up visit failed (%s)\n", run->label);
        return -1;
    }
    memset(&pids, 0, sizeof pids);
    s_find_pids(h, &pids);
    s_cpu_sample(&pids, before);
    if (s_wrk(h, lua, &run->w) != 0)
        return -1;
    s_cpu_sample(&pids, after);
    for (int i = 0; i < C_COUNT; i++)
        run->cpu_us[i] = run->w.requests > 0
            ? (double)(after[i] - before[i]) * us_per_tick / (double)run->w.requests : 0;
    run->lag = fixture_notify_lag(h, D);
    if (fixture_wait_caught_up(h, D, 60000) != 0)
        fprintf(stderr, "bench: notify did not catch up within 60 s (%s)\n", run->label);
    return 0;
}

/* ---- report -------------------------------------------------------------------------- */

static void s_rss(harness_t *h, const char *name)
{
    long rss, hwm;
    fixture_rss(h, name, &rss, &hwm);
    printf("  rss %-8s   VmRSS %7ld kB   VmHWM %7ld kB\n", name, rss, hwm);
}

static long long s_errors(const wrk_result_t *w)
{
    return w->status_errors + w->socket_errors;
}

/* One line of the table: `a` and `b` are the two runs' values. */
static void s_row(const char *measure, const char *fmt, double a, double b, const char *target,
                  int met)
{
    char va[32], vb[32];

    snprintf(va, sizeof va, fmt, a);
    snprintf(vb, sizeof vb, fmt, b);
    printf("  %-28s %12s %14s   %-10s %s\n", measure, va, vb, target ? target : "",
           target ? (met ? "yes" : "NO") : "");
}

static void s_table(const run_t *g, const run_t *one, double tps)
{
    double ratio = tps > 0 ? g->w.rps / tps : 0, ratio1 = tps > 0 ? one->w.rps / tps : 0;

    printf("\nbench_visits: POST " VISITS ", wrk -t2 -c64 -d" DURATION "\n");
    printf("  %-28s %12s %14s   %-10s %s\n", "measure", g->label, one->label, "target", "met");
    s_row("visits req/s", "%.0f", g->w.rps, one->w.rps, NULL, 0);
    s_row("visits requests", "%.0f", (double)g->w.requests, (double)one->w.requests, NULL, 0);
    s_row("ratio visits/pgbench", "%.2f", ratio, ratio1, ">= 2.00", ratio >= 2.0);
    s_row("latency p50 (ms)", "%.2f", g->w.p50_us / 1000.0, one->w.p50_us / 1000.0, NULL, 0);
    s_row("latency p99 (ms)", "%.2f", g->w.p99_us / 1000.0, one->w.p99_us / 1000.0, "<= 25 ms",
          g->w.p99_us <= 25000);
    s_row("errors (non-2xx + socket)", "%.0f", (double)s_errors(&g->w), (double)s_errors(&one->w),
          "0", s_errors(&g->w) == 0);
    s_row("notify lag after load", "%.0f", (double)g->lag, (double)one->lag, NULL, 0);
    for (int i = 0; i < C_COUNT; i++) {
        char name[48];
        snprintf(name, sizeof name, "cpu us/visit %s", s_cpu_names[i]);
        s_row(name, "%.1f", g->cpu_us[i], one->cpu_us[i], NULL, 0);
    }
    printf("  %-28s %12.0f\n", "pgbench tps (1-row insert)", tps);
}

static int s_report(harness_t *h, const run_t *g, const run_t *one, double tps)
{
    double ratio = tps > 0 ? g->w.rps / tps : 0, ratio1 = tps > 0 ? one->w.rps / tps : 0;
    int ok_ratio = ratio >= 2.0, ok_p99 = g->w.p99_us <= 25000, ok_err = s_errors(&g->w) == 0;
    static const char *names[] = { "bus", "intake", "notify", "gateway" };

    s_table(g, one, tps);
    printf("  %-28s %12lld\n", "visits in intake.visits",
           harness_sql_ll(h, "SELECT count(*) FROM intake.visits", 0, NULL));
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        s_rss(h, names[i]);
    printf("BENCH_SUMMARY rps=%.0f p50_ms=%.2f p99_ms=%.2f errors=%lld pgbench_tps=%.0f ratio=%.2f "
           "targets_met=%s rps_batch1=%.0f p99_ms_batch1=%.2f ratio_batch1=%.2f "
           "group_commit_gain=%.2f\n", g->w.rps, g->w.p50_us / 1000.0, g->w.p99_us / 1000.0,
           s_errors(&g->w), tps, ratio, ok_ratio && ok_p99 && ok_err ? "yes" : "no",
           one->w.rps, one->w.p99_us / 1000.0, ratio1, one->w.rps > 0 ? g->w.rps / one->w.rps : 0);
    fflush(stdout);
    return ok_ratio && ok_p99 && ok_err;
}

/* ---- main ------------------------------------------------------------------------------ */

/* The two load runs: intake as configured, then restarted with max_batch=1. */
static int s_runs(harness_t *h, const char *token, run_t *g, run_t *one)
{
    char lua[256];

    snprintf(lua, sizeof lua, "%s/post_visit.lua", harness_dir(h));
    if (s_write_lua(lua, token) != 0 || s_run_load(h, lua, token, g) != 0)
        return -1;
    if (harness_set(h, "intake.max_batch", "1") != 0 || harness_restart(h, "intake") != 0)
        return -1;
    return s_run_load(h, lua, token, one);
}

int main(void)
{
    harness_t *h = harness_new("bench");
    run_t g = { .label = "group commit" }, one = { .label = "max_batch=1" };
    char *token;
    double tps;
    const char *strict_env = getenv("LIANXIN_BENCH_STRICT");
    int met, strict = strict_env && !strcmp(strict_env, "1");

    if (!h)
        return 2;
    harness_set(h, "gateway.rate_per_s", "10000000");
    harness_set(h, "gateway.rate_burst", "10000000");
    harness_set(h, "log.level", "warn");
    if (harness_start_all(h) != 0 || !(token = harness_login(h, "office", "lianxin-demo"))) {
        harness_destroy(&h);
        return 2;
    }
    if (s_runs(h, token, &g, &one) != 0) {
        fprintf(stderr, "bench: a load run failed (see %s/wrk.out and the logs)\n", harness_dir(h));
        free(token);
        harness_destroy(&h);
        return 2;
    }
    free(token);
    if ((tps = s_pgbench(h)) <= 0)
        fprintf(stderr, "bench: pgbench did not run (see %s/pgbench.out)\n", harness_dir(h));
    met = s_report(h, &g, &one, tps);
    if (harness_stop_all(h) != 0)
        fprintf(stderr, "bench: a process did not exit 0 on SIGTERM\n");
    harness_destroy(&h);
    return tps <= 0 ? 2 : (strict && !met) ? 1 : 0;
}
