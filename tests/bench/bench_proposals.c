/* bench_proposals: lianxin-proposal's benchmark (make bench; not part of
 * make test). On a fresh stack from the integration harness, 5,000
 * proposals go through submit -> accept -> assign -> reply -> verdict over
 * HTTP, each step a concurrent load of all of them (32 connections,
 * unpaced): per step the commands answered, commands/s and the p99 latency,
 * then the whole run's commands/s and lianxin-proposal's RSS. Only ever
 * talks to 127.0.0.1. Exit 0 when it ran (1 when LIANXIN_BENCH_STRICT=1
 * and a step lost a command), 2 when it could not run. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fixtures.h"
#include "harness.h"

#define D "330303"
#define N 5000
#define CONC 32

typedef struct step {
    const char *label, *event, *who, *body;
    long want;
} step_t;

static const step_t s_steps[] = {
    {"create", NULL, "member1", "{\"title\":\"关于完善社区养老服务的建议\",\"reasons\":\"老龄化加快\","
     "\"measures\":\"建设嵌入式养老服务站\",\"category\":\"social_security\"}", 201},
    {"submit", "submit", "member1", NULL, 200},
    {"accept", "accept", "office", NULL, 200},
    {"assign", "assign", "office", "{\"lead_unit_id\":\"1\",\"co_unit_ids\":[\"2\"],"
     "\"leader\":\"张副区长\"}", 200},
    {"reply", "reply", "unit1head", "{\"class\":\"a\",\"text\":\"已纳入年度民生实事\"}", 200},
    {"verdict", "verdict", "member1", "{\"verdict\":\"satisfied\"}", 200},
};
#define NSTEPS (sizeof s_steps / sizeof s_steps[0])

int main(void)
{
    static fixture_id_t ids[N];
    fixture_phase_t ph[NSTEPS];
    char *tokens[NSTEPS] = {0};
    const char *strict_env = getenv("LIANXIN_BENCH_STRICT");
    int strict = strict_env && !strcmp(strict_env, "1"), lost = 0, rc = 0;
    double secs = 0;
    size_t total = 0;
    harness_t *h = harness_new("bench_proposals");
    if (!h)
        return 2;
    harness_set(h, "gateway.rate_per_s", "10000000");
    harness_set(h, "gateway.rate_burst", "10000000");
    harness_set(h, "log.level", "warn");
    if (harness_start_all(h) != 0)
        rc = 2;
    for (size_t i = 0; rc == 0 && i < NSTEPS; i++)
        if (!(tokens[i] = harness_login(h, s_steps[i].who, "lianxin-demo")))
            rc = 2;
    for (size_t i = 0; rc == 0 && i < NSTEPS; i++) {
        const step_t *s = &s_steps[i];
        if (fixture_proposal_phase(h, D, ids, N, s->event, tokens[i], s->body, s->want, CONC, 0,
                                   NULL, NULL, &ph[i]) != 0)
            rc = 2;
        secs += ph[i].secs;
        total += ph[i].ok;
        lost |= ph[i].failed > 0;
    }
    if (rc == 0) {
        long rss, hwm;
        fixture_rss(h, "proposal", &rss, &hwm);
        printf("\nbench_proposals: %d proposals, %d connections, one load per step\n", N, CONC);
        printf("  %-10s %8s %8s %12s %10s\n", "step", "ok", "failed", "commands/s", "p99 ms");
        for (size_t i = 0; i < NSTEPS; i++)
            printf("  %-10s %8zu %8zu %12.0f %10.2f\n", s_steps[i].label, ph[i].ok, ph[i].failed,
                   ph[i].secs > 0 ? ph[i].ok / ph[i].secs : 0, ph[i].p99_ms);
        printf("  %-10s %8zu %8s %12.0f\n", "all", total, "", secs > 0 ? total / secs : 0);
        printf("  rss proposal   VmRSS %7ld kB   VmHWM %7ld kB\n", rss, hwm);
        if (harness_stop_all(h) != 0)
            fprintf(stderr, "bench: a process did not exit 0 on SIGTERM\n");
    }
    for (size_t i = 0; i < NSTEPS; i++)
        free(tokens[i]);
    harness_destroy(&h);
    return rc ? rc : (strict && lost) ? 1 : 0;
}
