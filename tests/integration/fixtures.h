/* fixtures: what the integration tests and the benchmarks share: the demo
 * users' sessions, visit request bodies, the SQL checks of notify's inbox
 * against the rota (who should have been told), and dates on the stack's
 * clock. Test code only; never used by a service. */
#ifndef LIANXIN_FIXTURES_H
#define LIANXIN_FIXTURES_H

#include <stddef.h>
#include <stdint.h>
#include "calendar.h"
#include "harness.h"

/* Sessions of the demo users (password lianxin-demo), NULL until logged in. */
typedef struct fixture_users {
    char *admin, *office, *office2, *leader, *unit1, *unit1head, *unit2, *unit3;
    char *member1, *member2, *member3, *member4, *member15;
} fixture_users_t;

/* Logs in the demo users named in `names` (blank-separated: "office
 * member1"). 0 when every one of them got a session, -1 otherwise (an
 * unknown name or a failed login, printed). */
int fixture_login(harness_t *h, fixture_users_t *u, const char *names);

/* Frees the sessions' tokens and NULLs them. Idempotent. */
void fixture_logout(fixture_users_t *u);

/* The member id of the demo user `username` ("member1"), or -1 (no such
 * user, or the user is no member). */
long long fixture_member_of(harness_t *h, const char *username);

/* A RecordVisit JSON body (malloc'd): room `room`, members `members[n]`,
 * `category` ("transport"), received `ago_s` seconds before now (UTC+8 text);
 * with the visitor 张三 / 13812345678 when `visitor`, else anonymous. */
char *fixture_visit(int64_t room, const int64_t *members, size_t n, const char *category,
                    int ago_s, int visitor);

/* Events of district's intake stream not yet applied by notify: the stream's
 * last seq minus notify's cursor (0 when caught up), -1 on error. */
long long fixture_notify_lag(harness_t *h, const char *district);

/* Waits until fixture_notify_lag is 0 (polling), at most `timeout_ms`.
 * 0 when caught up, -1 otherwise (the lag is printed). */
int fixture_wait_caught_up(harness_t *h, const char *district, int timeout_ms);

/* Compares, for every visit of `district`, notify.inbox's recipients with
 * the expected set (the room's rota in the month of received_at, UTC+8, and
 * the room's head): counts of expected rows missing, rows not expected, and
 * (visit, recipient) pairs with more than one row. 0, or -1 on SQL error. */
int fixture_recipients_check(harness_t *h, const char *district, long long *missing,
                             long long *extra, long long *doubled);

/* Members (ids) of a room's expected recipients for a visit, from SQL, as
 * "{1,3,4,5}" (sorted) into `out`. 0 or -1. */
int fixture_expected(harness_t *h, const char *district, const char *visit_id,
                     char *out, size_t outsz);

/* Counts rows of intake.visits, bus.events and audit.trail (all districts). */
typedef struct fixture_counts { long long visits, events, audit; } fixture_counts_t;
void fixture_counts(harness_t *h, fixture_counts_t *out);

/* ---- proposals in bulk (chaos test, bench) -------------------------------------------- */

typedef char fixture_id_t[24];

/* What a phase of a proposal load did: answers with the status wanted,
 * others, the wall time and the 99th percentile of the answers' latency. */
typedef struct fixture_phase {
    size_t ok, failed;
    double secs, p99_ms;
} fixture_phase_t;

/* One step for each of `n` proposals of `district`, sent as a concurrent
 * load (`concurrency` connections, paced at `per_s` a second when > 0):
 * POST /proposals with `body` when `event` is NULL (the new ids into ids[]),
 * else POST /proposals/{ids[i]}/<event> with `body` (may be NULL). An id
 * whose answer was not `want` is emptied, so later phases skip it. When
 * `mid` is not NULL it is called once, with `arg`, after half the answers
 * (the chaos test kills a service there). 0, or -1 when the load could not
 * run. */
int fixture_proposal_phase(harness_t *h, const char *district, fixture_id_t *ids, size_t n,
                           const char *event, const char *token, const char *body, long want,
                           int concurrency, int per_s, void (*mid)(void *arg), void *arg,
                           fixture_phase_t *out);

/* VmRSS and VmHWM (kB) of the stack's process `name`; -1 each when unknown. */
void fixture_rss(harness_t *h, const char *name, long *rss_kb, long *hwm_kb);
/* utime + stime of process `pid` (all its threads), in clock ticks; 0 when
 * it cannot be read. */
long long fixture_cpu_ticks(pid_t pid);
/* The PostgreSQL backends of the test database whose application_name is
 * `app` ("lianxin-notify"), at most `max`, into out. Their count. */
int fixture_backends(harness_t *h, const char *app, pid_t *out, int max);
/* Appends `n` audit rows to `district`'s chain through common/tx, connected
 * as program `program`'s own role (its <program>.pg_dsn), each a
 * "test.append" by user 9 as office. 0 when committed, -1 otherwise (the
 * database's error printed). */
int fixture_audit_append(harness_t *h, const char *program, const char *district, int n);

/* ---- lianxin-assess ------------------------------------------------------------------- */

/* Waits until assess has applied every event of `district`'s streams it
 * follows (intake, proposal, consult, supervise, assess), at most `ms`.
 * 0 when caught up, -1 otherwise. */
int fixture_assess_caught_up(harness_t *h, const char *district, int ms);

/* A fingerprint of `district`'s member files of `year`: every act (member,
 * kind, source, id, date, status, title) and every file (points, missing,
 * five, counts, absences), hashed; equal files give equal numbers. */
long long fixture_assess_fingerprint(harness_t *h, const char *district, const char *year);

/* ---- dates on the stack's clock ----------------------------------------------------
 * Tests derive every date from the harness's clock (never a literal month or
 * day), so they pass on any day of the year and at the pinned instants. */

/* Today (UTC+8) on the business clock. */
calendar_day_t fixture_today(void);

/* The month `k` months after the month of `day`: "YYYY-MM" into out (8
 * bytes); *year and *month may be NULL. */
void fixture_month_after(calendar_day_t day, int k, char out[8], int *year, int *month);

/* The working-day calendar the services use, read from core.calendar_days
 * and core.calendar_years now; NULL on error. Free with calendar_destroy. */
calendar_t *fixture_calendar(harness_t *h);

/* The first working day on or after `day`, by that calendar. 0 or -1. */
int fixture_workday_from(harness_t *h, calendar_day_t day, calendar_day_t *out);

/* "YYYY-MM-DD" of a day (out: 11 bytes). Returns out. */
const char *fixture_date(calendar_day_t day, char out[11]);

#endif
