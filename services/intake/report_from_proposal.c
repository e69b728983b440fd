/* report_from_proposal: see report_from_proposal.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "intake_app.h"
#include "log.h"
#include "proposal.pb-c.h"
#include "report_from_proposal.h"
#include "timers.h"

/* The report, its number of the year, its authors and its log row, in one
 * statement; nothing when this proposal already has its report. */
static const char *const s_sql =
    "WITH n AS (INSERT INTO intake.report_numbers (district_code, year, next)"
    "  SELECT $1, $2::int, 2 WHERE NOT EXISTS (SELECT 1 FROM intake.reports WHERE"
    "  district_code = $1 AND source_proposal_id = $7::bigint)"
    "  ON CONFLICT (district_code, year) DO UPDATE SET next = intake.report_numbers.next + 1"
    "  RETURNING next - 1 AS num),"
    " r AS (INSERT INTO intake.reports (district_code, id, year, number, title, facts,"
    "  suggestions, category, state, created_by, created_at, submitted_at, updated_at,"
    "  source_proposal_id) SELECT $1, nextval('intake.report_ids'), $2::int, n.num, $3, $4, $5,"
    "  $6, 'submitted', 0, core.clock_now(), core.clock_now(), core.clock_now(), $7::bigint"
    "  FROM n RETURNING id),"
    " a AS (INSERT INTO intake.report_authors SELECT $1, r.id, u.m, u.o FROM r,"
    "  unnest($8::bigint[]) WITH ORDINALITY u(m, o) RETURNING 1)"
    " INSERT INTO intake.report_log SELECT $1, r.id, 1, 'create', 'draft', 'submitted', 0,"
    "  'system', 'proposal ' || $9, core.clock_now() FROM r RETURNING report_id";

int report_from_proposal_converted(tx_t *tx, const Lianxin__V1__Event *ev,
                                   const ProtobufCMessage *msg, void *app)
{
    const Lianxin__V1__ProposalChanged *m = (const Lianxin__V1__ProposalChanged *) msg;
    char year[8], today[11], pid[24];
    (void) app;
    if (!m->converted_to || strcmp(m->converted_to, "report") != 0 || m->n_proposer_ids == 0)
        return 0;
    calendar_day_format(intake_today(tx), today, sizeof today);
    snprintf(year, sizeof year, "%.4s", today);
    char *authors = db_ids_text(m->proposer_ids, m->n_proposer_ids);
    const char *p[9] = {ev->district, year, m->title ? m->title : "", m->reasons ? m->reasons : "",
                        m->measures ? m->measures : "",
                        m->category && *m->category ? m->category : "other",
                        db_num(pid, m->proposal_id), authors,
                        m->number && *m->number ? m->number : pid};
    PGresult *r = authors ? db_exec(tx_db(tx), s_sql, 9, p) : NULL;
    free(authors);
    if (!r) {
        log_warn("report from proposal failed", "district=%s seq=%lld sqlstate=%s", ev->district,
                 (long long) ev->seq, db_sqlstate(tx_db(tx)));
        return -1;
    }
    int rc = 0;
    if (PQntuples(r) == 1) {
        Lianxin__V1__Actor sys = timers_actor(ev->district);
        const char *id = PQgetvalue(r, 0, 0);
        rc = tx_audit(tx, ev->district, &sys, "report.from_proposal", "report", id, pid,
                      strlen(pid));
    }
    PQclear(r);
    return rc;
}
