/* item_routes: a promise per event (see item_routes.h). A payload without a
 * usable unit or due date is skipped with a log line (ids only): retrying
 * cannot repair it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "consult.pb-c.h"
#include "grading.pb-c.h"
#include "item_routes.h"
#include "items.h"
#include "log.h"
#include "proposal.pb-c.h"
#include "textfmt.h"
#include "timers.h"

/* Registers `src` when its unit and due date are there. */
static int s_track(tx_t *tx, void *app, const Lianxin__V1__Event *ev, item_source_t *src,
                   const char *due)
{
    if (src->unit_id <= 0 || !due || calendar_day_parse(due, &src->due) != 0) {
        log_warn("tracked item skipped: no unit or due date", "district=%s type=%s seq=%lld",
                 ev->district, ev->type, (long long) ev->seq);
        return 0;
    }
    if (!src->ref)
        src->ref = "";
    if (!src->leader)
        src->leader = "";
    return item_register(tx, app, ev->district, src, NULL);
}

int item_routes_proposal_assigned(tx_t *tx, const Lianxin__V1__Event *ev,
                                  const ProtobufCMessage *msg, void *app)
{
    const Lianxin__V1__ProposalChanged *p = (const Lianxin__V1__ProposalChanged *) msg;
    item_source_t src = {.source = "proposal", .source_id = p->proposal_id, .ref = p->number,
                         .title = p->title, .unit_id = p->lead_unit_id, .leader = p->leader};
    return s_track(tx, app, ev, &src, p->due_date);
}

/* The promise of a B reply falls due: the unit reports within
 * supervise.lookback_workdays whether it was kept. The unit is the
 * proposal's item's. */
int item_routes_proposal_lookback(tx_t *tx, const Lianxin__V1__Event *ev,
                                  const ProtobufCMessage *msg, void *app)
{
    const Lianxin__V1__ProposalChanged *p = (const Lianxin__V1__ProposalChanged *) msg;
    supervise_app_t *a = app;
    char ids[24], due[11], title[ITEM_TITLE_MAX + 8];
    const char *q[2] = {ev->district, db_num(ids, p->proposal_id)};
    PGresult *r = db_exec(tx_db(tx), "SELECT unit_id, leader FROM supervise.items WHERE"
                                     " district_code = $1 AND source = 'proposal' AND"
                                     " source_id = $2::bigint", 2, q);
    if (!r)
        return -1;
    char leader[130] = "";
    int64_t unit = PQntuples(r) == 1 ? strtoll(PQgetvalue(r, 0, 0), NULL, 10) : p->lead_unit_id;
    if (PQntuples(r) == 1)
        snprintf(leader, sizeof leader, "%s", PQgetvalue(r, 0, 1));
    PQclear(r);
    calendar_day_t d;
    const calendar_t *cal = calsync_get(a->cal, tx_db(tx));
    if (calendar_add_workdays(cal, supervise_today(tx), a->lookback_workdays, &d) != 0)
        return -1;
    calendar_day_format(d, due, sizeof due);
    snprintf(title, sizeof title, "%s（承诺落实情况）", p->title ? p->title : "");
    item_source_t src = {.source = "lookback", .source_id = p->proposal_id, .ref = p->number,
                         .title = title, .unit_id = unit, .leader = leader};
    return s_track(tx, app, ev, &src, due);
}

/* The lead unit replied: its proposal item is answered and the ladder stops. */
int item_routes_proposal_replied(tx_t *tx, const Lianxin__V1__Event *ev,
                                 const ProtobufCMessage *msg, void *app)
{
    const Lianxin__V1__ProposalChanged *p = (const Lianxin__V1__ProposalChanged *) msg;
    Lianxin__V1__Actor sys = timers_actor(ev->district);
    return item_answer_source(tx, app, ev->district, &sys, "proposal", p->proposal_id,
                              "proposal replied");
}

/* A class-2 issue forwarded to a unit. Its summary may hold what a visitor
 * said: the title is the category's, never the summary. */
int item_routes_issue_forwarded(tx_t *tx, const Lianxin__V1__Event *ev,
                                const ProtobufCMessage *msg, void *app)
{
    const Lianxin__V1__IssueRouted *i = (const Lianxin__V1__IssueRouted *) msg;
    char title[160], ref[32], name[40] = "other";
    const ProtobufCEnumValue *v = protobuf_c_enum_descriptor_get_value(
        &lianxin__v1__visit_category__descriptor, (int) i->category);
    if (v && strncmp(v->name, "VISIT_CATEGORY_", 15) == 0 && i->category != 0) {
        snprintf(name, sizeof name, "%s", v->name + 15);
        for (char *c = name; *c; c++)
            *c = (char) (*c >= 'A' && *c <= 'Z' ? *c - 'A' + 'a' : *c);
    }
    snprintf(title, sizeof title, "来访反映问题（%s）", textfmt_category_zh(name));
    snprintf(ref, sizeof ref, "issue-%lld", (long long) i->issue_id);
    item_source_t src = {.source = "issue", .source_id = i->issue_id, .ref = ref,
                         .title = title, .unit_id = i->unit_id};
    return s_track(tx, app, ev, &src, i->due_on);
}

int item_routes_outcome_assigned(tx_t *tx, const Lianxin__V1__Event *ev,
                                 const ProtobufCMessage *msg, void *app)
{
    const Lianxin__V1__OutcomeAssigned *o = (const Lianxin__V1__OutcomeAssigned *) msg;
    char ref[32];
    snprintf(ref, sizeof ref, "consultation-%lld", (long long) o->consultation_id);
    item_source_t src = {.source = "outcome", .source_id = o->outcome_id, .ref = ref,
                         .title = o->title, .unit_id = o->unit_id, .leader = o->leader};
    return s_track(tx, app, ev, &src, o->answer_due);
}
