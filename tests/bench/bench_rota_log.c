/* bench_rota_log: the rota and the log export (make bench; not part of make test): the rota
 * generation for 40 rooms x 12 months through the real stack (POST
 * /rota/generate per month, 40 rooms and 120 members added to the demo
 * district), and the CSV export of 100,000 visits of one room (GET
 * /workrooms/{id}/log.csv): times, sizes, and the peak memory (VmHWM) of
 * intake and the gateway. Only ever talks to 127.0.0.1. Exit 0 when it ran,
 * 2 when it could not. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "harness.h"
#include "timeutil.h"

#define D "/v1/districts/330303"
#define VISITS 100000

static long s_hwm(harness_t *h, const char *name)
{
    char path[64], line[256];
    long hwm = -1;
    snprintf(path, sizeof path, "/proc/%d/status", (int) harness_pid(h, name));
    FILE *f = fopen(path, "r");
    while (f && fgets(line, sizeof line, f))
        sscanf(line, "VmHWM: %ld kB", &hwm);
    if (f)
        fclose(f);
    return hwm;
}

static int s_sql(harness_t *h, const char *sql)
{
    PGresult *r = harness_sql(h, sql, 0, NULL);
    int ok = r != NULL;
    PQclear(r);
    return ok ? 0 : -1;
}

/* 32 more rooms (40 in all) and 80 more members (120 in all). */
static int s_grow(harness_t *h)
{
    return s_sql(h, "INSERT INTO core.members (district_code, id, name)"
                    " SELECT '330303', g, '委员' || g FROM generate_series(41, 120) g")
           || s_sql(h, "INSERT INTO core.workrooms (district_code, id, name, reception_day,"
                       " staffs_saturday) SELECT '330303', g, '测试工作室' || g,"
                       " 10 + g % 18, g % 5 = 0 FROM generate_series(9, 40) g");
}

static int s_rota(harness_t *h, const char *office)
{
    long hwm0 = s_hwm(h, "intake");
    double total = 0, worst = 0;
    long long rows = 0;
    int year;                       /* all of next year, on the stack's clock */
    time_ymd(time_now_us(), &year, NULL, NULL);
    year++;
    for (int m = 1; m <= 12; m++) {
        char path[96];
        http_resp_t r;
        http_req_t q = {.method = "POST", .path = path, .token = office};
        snprintf(path, sizeof path, D "/rota/generate?month=%d-%02d", year, m);
        if (harness_http(h, &q, &r) != 0 || r.status != 200) {
            fprintf(stderr, "bench_rota_log: generate %d-%02d: %ld %s\n", year, m, r.status, r.raw);
            http_resp_clear(&r);
            return -1;
        }
        total += r.secs;
        worst = r.secs > worst ? r.secs : worst;
        http_resp_clear(&r);
        snprintf(path, sizeof path, D "/rota/publish?month=%d-%02d", year, m);
        q.path = path;
        if (harness_http(h, &q, &r) != 0 || r.status != 200) {
            http_resp_clear(&r);
            return -1;
        }
        http_resp_clear(&r);
    }
    char like[16];
    snprintf(like, sizeof like, "%d-%%", year);
    const char *p[1] = { like };
    rows = harness_sql_ll(h, "SELECT count(*) FROM intake.rota WHERE month LIKE $1", 1, p);
    printf("  %-34s %10.1f ms\n", "rota generate, 40 rooms, per month", total * 1000 / 12);
    printf("  %-34s %10.1f ms\n", "rota generate, worst month", worst * 1000);
    printf("  %-34s %10.1f ms\n", "rota generate, 12 months", total * 1000);
    printf("  %-34s %10lld\n", "duties written (12 months)", rows);
    printf("  %-34s %7ld kB -> %ld kB\n", "intake VmHWM", hwm0, s_hwm(h, "intake"));
    printf("BENCH_ROTA months=12 rooms=40 total_ms=%.1f worst_ms=%.1f duties=%lld intake_hwm_kb=%ld\n",
           total * 1000, worst * 1000, rows, s_hwm(h, "intake"));
    return 0;
}

static int s_csv(harness_t *h, const char *office)
{
    if (s_sql(h, "INSERT INTO intake.visits (district_code, id, workroom_id, kind, received_at,"
                 " member_ids, visitor_name_masked, visitor_phone_masked, summary, category,"
                 " location, on_spot_action, promised, created_by, created_at)"
                 " SELECT '330303', nextval('intake.visit_ids'), 1, 'reception',"
                 " timestamptz '2025-01-01 09:00+08' + g * interval '5 minutes', '{1,2}',"
                 " '张*', '138****5678', '路口红绿灯时间太短，老人过马路困难，希望延长绿灯时间，'"
                 " || g, 'transport', '永中街道文化礼堂', 'answered', '', 1, now()"
                 " FROM generate_series(1, " "100000" ") g") != 0)
        return -1;
    long hwm0 = s_hwm(h, "gateway");
    char cmd[1024], out[512];
    double secs = 0;
    long long bytes = 0;
    int status = 0;
    /* curl, not the harness client: that one caps bodies at 16 MiB */
    snprintf(out, sizeof out, "%s/log.csv", harness_dir(h));
    snprintf(cmd, sizeof cmd, "curl -s -o %s -w '%%{http_code} %%{size_download} %%{time_total}'"
             " -H 'Authorization: Bearer %s' '%s" D "/workrooms/1/log.csv'", out, office,
             harness_base_url(h));
    FILE *p = popen(cmd, "r");
    if (!p || fscanf(p, "%d %lld %lf", &status, &bytes, &secs) != 3 || status != 200) {
        fprintf(stderr, "bench_rota_log: log.csv: status %d\n", status);
        if (p)
            pclose(p);
        return -1;
    }
    pclose(p);
    long lines = 0;
    int ch;
    FILE *f = fopen(out, "r");
    while (f && (ch = fgetc(f)) != EOF)
        lines += ch == '\n';
    if (f)
        fclose(f);
    printf("  %-34s %10.1f ms\n", "log.csv, 100,000 visits", secs * 1000);
    printf("  %-34s %10.1f MB\n", "log.csv size", bytes / 1e6);
    printf("  %-34s %10ld\n", "log.csv records (with header)", lines);
    printf("  %-34s %7ld kB -> %ld kB\n", "gateway VmHWM", hwm0, s_hwm(h, "gateway"));
    printf("BENCH_CSV visits=%d ms=%.1f bytes=%lld records=%ld gateway_hwm_kb=%ld\n", VISITS,
           secs * 1000, bytes, lines, s_hwm(h, "gateway"));
    return 0;
}

int main(void)
{
    harness_t *h = harness_new("bench_rota_log");
    char *office = NULL;
    int rc = 2;
    if (h && harness_start_all(h) == 0 && (office = harness_login(h, "office", "lianxin-demo"))
        && s_grow(h) == 0) {
        printf("\nbench_rota_log: rota generation and the public-opinion log export\n");
        rc = s_rota(h, office) == 0 && s_csv(h, office) == 0 ? 0 : 2;
    }
    free(office);
    harness_stop_all(h);
    harness_destroy(&h);
    return rc;
}
