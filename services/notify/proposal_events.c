/* proposal_events: see proposal_events.h. Texts are Chinese and short; the
 * events carry no personal data beyond member and unit ids. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "db.h"
#include "items.h"
#include "proposal.pb-c.h"
#include "proposal_events.h"
#include "textfmt.h"

#define IDS_MAX 128

#define TITLE(m) (int) textfmt_utf8_prefix((m)->title, 120), (m)->title ? (m)->title : ""

/* Members (or units) `a` then `b`, as one id array text (malloc'd). */
static char *s_ids(const int64_t *a, size_t na, const int64_t *b, size_t nb)
{
    int64_t all[IDS_MAX];
    size_t n = 0;
    for (size_t i = 0; i < na && n < IDS_MAX; i++)
        all[n++] = a[i];
    for (size_t i = 0; i < nb && n < IDS_MAX; i++)
        all[n++] = b[i];
    return db_ids_text(all, n);
}

static int s_tell(tx_t *tx, const Lianxin__V1__Event *ev, const char *rkind, char *ids,
                  const char *kind, const char *title, const char *body, long long id)
{
    if (!ids)
        return -1;
    int rc = items_insert(tx, ev, rkind, ITEMS_MEMBERS, ids, kind, title, body, "proposal", id);
    free(ids);
    return rc;
}

int proposal_events_assigned(tx_t *tx, const Lianxin__V1__Event *ev,
                             const ProtobufCMessage *msg, void *app)
{
    const Lianxin__V1__ProposalChanged *m = (const Lianxin__V1__ProposalChanged *) msg;
    char body[600], md[32];
    (void) app;
    items_md(m->due_date, md, sizeof md);
    snprintf(body, sizeof body, "提案%s《%.*s》已交办贵单位，请于%s前答复（责任领导：%.*s）。",
             m->number ? m->number : "", TITLE(m), md,
             (int) textfmt_utf8_prefix(m->leader, 60), m->leader ? m->leader : "");
    return s_tell(tx, ev, "unit", s_ids(&m->lead_unit_id, 1, m->co_unit_ids, m->n_co_unit_ids),
                  "proposal.assigned", "提案交办", body, (long long) m->proposal_id);
}

int proposal_events_replied(tx_t *tx, const Lianxin__V1__Event *ev,
                            const ProtobufCMessage *msg, void *app)
{
    const Lianxin__V1__ProposalChanged *m = (const Lianxin__V1__ProposalChanged *) msg;
    char body[600];
    (void) app;
    const char *cls = !m->class_ ? "" : strcmp(m->class_, "a") == 0 ? "A"
                      : strcmp(m->class_, "b") == 0 ? "B" : "C";
    snprintf(body, sizeof body, "提案%s《%.*s》已收到承办单位答复（%s类），请查看并反馈满意度。",
             m->number ? m->number : "", TITLE(m), cls);
    return s_tell(tx, ev, "member", s_ids(m->proposer_ids, m->n_proposer_ids, m->told_ids,
                                          m->n_told_ids),
                  "proposal.replied", "提案已答复", body, (long long) m->proposal_id);
}

int proposal_events_reopened(tx_t *tx, const Lianxin__V1__Event *ev,
                             const ProtobufCMessage *msg, void *app)
{
    const Lianxin__V1__ProposalChanged *m = (const Lianxin__V1__ProposalChanged *) msg;
    char body[600];
    (void) app;
    if (m->lead_unit_id <= 0)
        return 0;
    snprintf(body, sizeof body, "提案%s《%.*s》的提案人对答复不满意，请再次办理并重新答复。",
             m->number ? m->number : "", TITLE(m));
    return s_tell(tx, ev, "unit", s_ids(&m->lead_unit_id, 1, NULL, 0), "proposal.reopened",
                  "提案需再次办理", body, (long long) m->proposal_id);
}

int proposal_events_merged(tx_t *tx, const Lianxin__V1__Event *ev,
                           const ProtobufCMessage *msg, void *app)
{
    const Lianxin__V1__ProposalChanged *m = (const Lianxin__V1__ProposalChanged *) msg;
    char body[600];
    (void) app;
    snprintf(body, sizeof body, "您的提案%s《%.*s》已并案办理，答复将一并送达。",
             m->number ? m->number : "", TITLE(m));
    return s_tell(tx, ev, "member", s_ids(m->proposer_ids, m->n_proposer_ids, NULL, 0),
                  "proposal.merged", "提案已并案", body, (long long) m->proposal_id);
}

int proposal_events_cosign_closed(tx_t *tx, const Lianxin__V1__Event *ev,
                                  const ProtobufCMessage *msg, void *app)
{
    const Lianxin__V1__ProposalChanged *m = (const Lianxin__V1__ProposalChanged *) msg;
    char body[600];
    (void) app;
    if (m->n_dropped_ids == 0 || m->n_proposer_ids == 0)
        return 0;
    snprintf(body, sizeof body, "提案《%.*s》附议截止，%zu位委员未确认附议，已不再列为提案人。",
             TITLE(m), m->n_dropped_ids);
    return s_tell(tx, ev, "member", s_ids(m->proposer_ids, 1, NULL, 0), "proposal.cosign_closed",
                  "附议截止", body, (long long) m->proposal_id);
}

int proposal_events_lookback_due(tx_t *tx, const Lianxin__V1__Event *ev,
                                 const ProtobufCMessage *msg, void *app)
{
    const Lianxin__V1__ProposalChanged *m = (const Lianxin__V1__ProposalChanged *) msg;
    char body[600], md[32];
    (void) app;
    items_md(m->promised_date, md, sizeof md);
    snprintf(body, sizeof body, "提案%s《%.*s》的B类答复承诺于%s解决，请组织回头看。",
             m->number ? m->number : "", TITLE(m), md);
    return items_insert(tx, ev, "role:office", ITEMS_ROLE, "{}", "proposal.lookback_due",
                        "提案回头看到期", body, "proposal", (long long) m->proposal_id);
}
