/* bench_assess_rebuild: the member files' rebuild (make bench; not part of
 * make test). A fresh database from the integration harness gets 1,000,000
 * events of one district's year in bus.events (visits, reports, proposals,
 * duties served and missed, office meeting attendance, over 1,000 members),
 * written with COPY; then `lianxin-assess rebuild --district 330303 --year Y`
 * replays them: events/s and the rebuild's peak RSS. The events are packed
 * protobuf envelopes as the services write them. Exit 0 when it ran, 2 when
 * it could not. LIANXIN_BENCH_EVENTS overrides the count. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <libpq-fe.h>
#include "assess.pb-c.h"
#include "calendar.h"
#include "envelope.pb-c.h"
#include "fixtures.h"
#include "harness.h"
#include "intake.pb-c.h"
#include "proposal.pb-c.h"
#include "reports.pb-c.h"
#include "rota.pb-c.h"

#define D "330303"
#define MEMBERS 1000
#define KINDS 5

static const char *const s_producers[KINDS] = {"intake", "intake", "proposal", "intake", "assess"};
static const char *const s_types[KINDS] = {"visit.recorded", "report.submitted",
                                           "proposal.submitted", "rota.changed",
                                           "meeting.attended"};

/* The payload of event i (kind k) into buf; its length. */
static size_t s_payload(int k, long i, const char *date, uint8_t *buf)
{
    int64_t m[3] = {1 + i % MEMBERS, 1 + (i * 7) % MEMBERS, 1 + (i * 13) % MEMBERS};
    if (k == 0) {
        Lianxin__V1__VisitRecorded v = LIANXIN__V1__VISIT_RECORDED__INIT;
        v.visit_id = i + 1; v.workroom_id = 1; v.n_member_ids = 2; v.member_ids = m;
        return protobuf_c_message_pack(&v.base, buf);
    }
    if (k == 1) {
        Lianxin__V1__ReportChanged r = LIANXIN__V1__REPORT_CHANGED__INIT;
        r.report_id = i + 1; r.event = "submitted"; r.state = "submitted"; r.title = "社情民意";
        r.n_author_ids = 1; r.author_ids = m;
        return protobuf_c_message_pack(&r.base, buf);
    }
    if (k == 2) {
        Lianxin__V1__ProposalChanged p = LIANXIN__V1__PROPOSAL_CHANGED__INIT;
        p.proposal_id = i + 1; p.event = "submit"; p.state = "submitted"; p.title = "提案";
        p.n_proposer_ids = 3; p.proposer_ids = m;
        return protobuf_c_message_pack(&p.base, buf);
    }
    if (k == 3) {
        Lianxin__V1__RotaChanged c = LIANXIN__V1__ROTA_CHANGED__INIT;
        c.rota_id = i + 1; c.workroom_id = 1; c.duty_date = (char *) date; c.member_id = m[0];
        c.status = "served"; c.change = "served";
        return protobuf_c_message_pack(&c.base, buf);
    }
    Lianxin__V1__MeetingAttendance a = LIANXIN__V1__MEETING_ATTENDANCE__INIT;
    a.meeting_id = i / MEMBERS + 1; a.member_id = m[0]; a.date = (char *) date;
    a.kind = i % 3 ? "inspection" : "plenary"; a.status = i % 10 ? "present" : "absent";
    a.title = "会议";
    return protobuf_c_message_pack(&a.base, buf);
}

/* One COPY line: district, producer, seq, type, occurred_at, envelope. */
static int s_line(PGconn *c, int k, long seq, long i, int year, char *line, size_t cap)
{
    uint8_t payload[256], env[512];
    char date[11], at[40];
    calendar_day_t day0, day;
    calendar_day_from_ymd(year, 1, 1, &day0);
    day = day0 + (calendar_day_t) (i % 365);
    calendar_day_format(day, date, sizeof date);
    Lianxin__V1__Event ev = LIANXIN__V1__EVENT__INIT;
    ev.district = D; ev.producer = (char *) s_producers[k]; ev.seq = seq;
    ev.type = (char *) s_types[k];
    ev.occurred_at = calendar_day_start_us(day) + 10LL * 3600 * 1000000;
    ev.payload.len = s_payload(k, i, date, payload);
    ev.payload.data = payload;
    size_t n = protobuf_c_message_pack(&ev.base, env);
    snprintf(at, sizeof at, "%sT10:00:00+08:00", date);
    int o = snprintf(line, cap, "%s\t%s\t%ld\t%s\t%s\t\\\\x", D, s_producers[k], seq, s_types[k], at);
    for (size_t b = 0; b < n; b++)
        o += snprintf(line + o, cap - (size_t) o, "%02x", env[b]);
    line[o++] = '\n';
    return PQputCopyData(c, line, o) == 1 ? 0 : -1;
}

/* Writes `n` events of `year` with COPY. 0 or -1. */
static int s_fill(harness_t *h, long n, int year)
{
    static char line[2048];
    long seq[3] = {0, 0, 0};                  /* intake, proposal, assess */
    static const int stream[KINDS] = {0, 0, 1, 0, 2};
    PGconn *c = PQconnectdb(harness_dsn(h));
    int rc = -1;
    if (PQstatus(c) != CONNECTION_OK)
        goto done;
    PGresult *r = PQexec(c, "COPY bus.events (district_code, producer, seq, type, occurred_at,"
                            " envelope) FROM STDIN");
    int ok = PQresultStatus(r) == PGRES_COPY_IN;
    PQclear(r);
    if (!ok)
        goto done;
    for (long i = 0; i < n; i++) {
        int k = (int) (i % KINDS);
        if (s_line(c, k, ++seq[stream[k]], i, year, line, sizeof line) != 0)
            goto done;
    }
    if (PQputCopyEnd(c, NULL) != 1)
        goto done;
    r = PQgetResult(c);
    rc = PQresultStatus(r) == PGRES_COMMAND_OK ? 0 : -1;
    if (rc != 0)
        fprintf(stderr, "bench: copy failed: %s", PQerrorMessage(c));
    PQclear(r);
done:
    PQfinish(c);
    return rc;
}

int main(void)
{
    const char *env = getenv("LIANXIN_BENCH_EVENTS");
    long n = env ? atol(env) : 1000000;
    char out[8192], year[8];
    int y, m, d;
    struct rusage ru;
    harness_t *h = harness_new("bench_assess_rebuild");
    if (!h || n <= 0)
        return 2;
    calendar_day_to_ymd(fixture_today(), &y, &m, &d);
    snprintf(year, sizeof year, "%d", y);
    int64_t t0 = harness_now_ms();
    if (s_fill(h, n, y) != 0) {
        harness_destroy(&h);
        return 2;
    }
    printf("bench_assess_rebuild: %ld events written with COPY in %.1f s\n", n,
           (double) (harness_now_ms() - t0) / 1000.0);
    t0 = harness_now_ms();
    int rc = harness_run(h, out, sizeof out, "assess", "rebuild", "--district", D, "--year", year,
                         NULL);
    double secs = (double) (harness_now_ms() - t0) / 1000.0;
    getrusage(RUSAGE_CHILDREN, &ru);
    long long acts = harness_sql_ll(h, "SELECT count(*) FROM assess.acts", 0, NULL);
    long long files = harness_sql_ll(h, "SELECT count(*) FROM assess.files", 0, NULL);
    printf("%s", out);
    printf("bench_assess_rebuild: rebuild exit %d, %ld events in %.1f s = %.0f events/s;"
           " %lld acts, %lld files; peak RSS %ld KiB\n", rc, n, secs, secs > 0 ? n / secs : 0.0,
           acts, files, ru.ru_maxrss);
    harness_destroy(&h);
    return rc == 0 ? 0 : 2;
}
