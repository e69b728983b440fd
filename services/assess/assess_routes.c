/* assess_routes: see assess_routes.h. */
#include "assess.pb-c.h"
#include "assess_map.h"
#include "assess_routes.h"
#include "assess_store.h"
#include "consult.pb-c.h"
#include "intake.pb-c.h"
#include "proposal.pb-c.h"
#include "reports.pb-c.h"
#include "rota.pb-c.h"
#include "supervise.pb-c.h"

#define R(t, d) {.type = t, .payload = &lianxin__v1__##d##__descriptor, .apply = assess_routes_apply}

const evroute_t assess_routes[] = {
    R("visit.recorded", visit_recorded),
    R("rota.changed", rota_changed),
    R("rota.absent", rota_absent),
    R("report.submitted", report_changed),
    R("report.adopted", report_changed),
    R("proposal.submitted", proposal_changed),
    R("proposal.cosign_closed", proposal_changed),
    R("consultation.attended", consultation_attendance),
    R("supervision.attended", supervision_attendance),
    R("meeting.attended", meeting_attendance),
};
const size_t assess_nroutes = sizeof assess_routes / sizeof assess_routes[0];
_Static_assert(sizeof assess_routes / sizeof assess_routes[0] == ASSESS_NROUTES, "ASSESS_NROUTES");

int assess_routes_apply(tx_t *tx, const Lianxin__V1__Event *ev, const ProtobufCMessage *msg,
                        void *app)
{
    assess_fact_t facts[ASSESS_FACTS_MAX];
    size_t n = assess_map_event(ev->type, msg, ev->occurred_at, facts, ASSESS_FACTS_MAX);
    (void) app;
    for (size_t i = 0; i < n; i++) {
        if (assess_store_put(tx, ev, &facts[i]) != 0
            || assess_store_refresh(tx, ev->district, facts[i].member_id,
                                    assess_year_of(facts[i].day), facts[i].kind) != 0)
            return -1;
    }
    return 0;
}
