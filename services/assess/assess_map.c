/* assess_map: see assess_map.h. One small function per source; the
 * dispatch is a table of event types. Pure. */
#include <string.h>
#include "assess_map.h"
#include "assess.pb-c.h"
#include "consult.pb-c.h"
#include "intake.pb-c.h"
#include "proposal.pb-c.h"
#include "reports.pb-c.h"
#include "rota.pb-c.h"
#include "supervise.pb-c.h"
#include "timeutil.h"

typedef size_t (s_map_fn)(const ProtobufCMessage *msg, calendar_day_t day, assess_fact_t *out,
                          size_t max);

static const char *s_str(const char *s)
{
    return s ? s : "";
}

/* The day of a payload's "YYYY-MM-DD" or RFC 3339 text, else `dflt`. */
static calendar_day_t s_day(const char *text, calendar_day_t dflt)
{
    calendar_day_t d;
    int64_t us;
    if (text && strlen(text) == 10 && calendar_day_parse(text, &d) == 0)
        return d;
    if (text && *text && time_parse(text, &us) == 0)
        return calendar_day_of_us(us);
    return dflt;
}

static size_t s_put(assess_fact_t *out, size_t n, size_t max, int64_t member, const char *kind,
                    const char *source, int64_t id, calendar_day_t day, const char *status,
                    const char *title)
{
    if (n >= max || member <= 0)
        return n;
    out[n] = (assess_fact_t){member, kind, source, id, day, status, s_str(title)};
    return n + 1;
}

/* An attendance status of another service: present, absent, leave. */
static const char *s_status(const char *s)
{
    static const char *const ok[] = {"present", "absent", "leave"};
    for (size_t i = 0; s && i < 3; i++)
        if (strcmp(s, ok[i]) == 0)
            return ok[i];
    return NULL;
}

/* ---- per source ------------------------------------------------------------------------- */

static size_t s_visit(const ProtobufCMessage *msg, calendar_day_t day, assess_fact_t *out,
                      size_t max)
{
    const Lianxin__V1__VisitRecorded *m = (const Lianxin__V1__VisitRecorded *) msg;
    size_t n = 0;
    day = s_day(m->received_at, day);
    for (size_t i = 0; i < m->n_member_ids; i++)
        n = s_put(out, n, max, m->member_ids[i], "visit", "visit", m->visit_id, day, "done", "");
    return n;
}

static size_t s_served(const ProtobufCMessage *msg, calendar_day_t day, assess_fact_t *out,
                       size_t max)
{
    const Lianxin__V1__RotaChanged *m = (const Lianxin__V1__RotaChanged *) msg;
    if (!m->change || strcmp(m->change, "served") != 0)
        return 0;
    return s_put(out, 0, max, m->member_id, "duty", "rota", m->rota_id,
                 s_day(m->duty_date, day), "done", "");
}

static size_t s_absent(const ProtobufCMessage *msg, calendar_day_t day, assess_fact_t *out,
                       size_t max)
{
    const Lianxin__V1__RotaAbsent *m = (const Lianxin__V1__RotaAbsent *) msg;
    return s_put(out, 0, max, m->member_id, "duty", "rota", m->rota_id,
                 s_day(m->duty_date, day), "absent", "");
}

static size_t s_report(const ProtobufCMessage *msg, calendar_day_t day, assess_fact_t *out,
                       size_t max, const char *kind)
{
    const Lianxin__V1__ReportChanged *m = (const Lianxin__V1__ReportChanged *) msg;
    size_t n = 0;
    for (size_t i = 0; i < m->n_author_ids; i++)
        n = s_put(out, n, max, m->author_ids[i], kind, "report", m->report_id, day, "done",
                  m->title);
    return n;
}

static size_t s_report_submitted(const ProtobufCMessage *msg, calendar_day_t day,
                                 assess_fact_t *out, size_t max)
{
    return s_report(msg, day, out, max, "report");
}

static size_t s_report_adopted(const ProtobufCMessage *msg, calendar_day_t day,
                               assess_fact_t *out, size_t max)
{
    return s_report(msg, day, out, max, "report_adopted");
}

/* A proposal submitted (alone, or at the close of co-signing): the first
 * proposer leads, the confirmed co-signers are joint proposers. A proposal
 * in a liaison group's name (collective liaison_group) is also the group's
 * suggestion (意见建议, the six at least), an act of its first proposer,
 * who belongs to the group (proposal checks it). */
static size_t s_proposal(const ProtobufCMessage *msg, calendar_day_t day, assess_fact_t *out,
                         size_t max)
{
    const Lianxin__V1__ProposalChanged *m = (const Lianxin__V1__ProposalChanged *) msg;
    size_t n = 0;
    for (size_t i = 0; i < m->n_proposer_ids; i++)
        n = s_put(out, n, max, m->proposer_ids[i], i == 0 ? "proposal_lead" : "proposal_joint",
                  "proposal", m->proposal_id, day, "done", m->title);
    if (m->n_proposer_ids > 0 && m->group_id > 0 && m->collective
        && strcmp(m->collective, "liaison_group") == 0)
        n = s_put(out, n, max, m->proposer_ids[0], "suggestion", "proposal", m->proposal_id, day,
                  "done", m->title);
    return n;
}

static size_t s_consultation(const ProtobufCMessage *msg, calendar_day_t day,
                             assess_fact_t *out, size_t max)
{
    const Lianxin__V1__ConsultationAttendance *m =
        (const Lianxin__V1__ConsultationAttendance *) msg;
    const char *st = s_status(m->status);
    if (!st)
        return 0;
    return s_put(out, 0, max, m->member_id, "consultation", "consultation", m->consultation_id,
                 s_day(m->date, day), st, m->title);
}

static size_t s_supervision(const ProtobufCMessage *msg, calendar_day_t day,
                            assess_fact_t *out, size_t max)
{
    const Lianxin__V1__SupervisionAttendance *m =
        (const Lianxin__V1__SupervisionAttendance *) msg;
    const char *st = s_status(m->status);
    const char *kind = m->kind && strcmp(m->kind, "research") == 0 ? "research" : "supervision";
    if (!st)
        return 0;
    return s_put(out, 0, max, m->member_id, kind, "supervision", m->activity_id,
                 s_day(m->date, day), st, m->title);
}

static const char *const s_meeting_kinds[] = {
    "plenary", "standing", "inspection", "research", "training", "deed", "group_activity",
    "research_report", "practical_project",
};

int assess_map_meeting_kind(const char *kind)
{
    for (size_t i = 0; kind && i < sizeof s_meeting_kinds / sizeof s_meeting_kinds[0]; i++)
        if (strcmp(kind, s_meeting_kinds[i]) == 0)
            return 1;
    return 0;
}

static size_t s_meeting(const ProtobufCMessage *msg, calendar_day_t day, assess_fact_t *out,
                        size_t max)
{
    const Lianxin__V1__MeetingAttendance *m = (const Lianxin__V1__MeetingAttendance *) msg;
    const char *st = s_status(m->status);
    size_t k;
    for (k = 0; k < sizeof s_meeting_kinds / sizeof s_meeting_kinds[0]; k++)
        if (m->kind && strcmp(m->kind, s_meeting_kinds[k]) == 0)
            break;
    if (!st || k == sizeof s_meeting_kinds / sizeof s_meeting_kinds[0])
        return 0;
    return s_put(out, 0, max, m->member_id, s_meeting_kinds[k], "meeting", m->meeting_id,
                 s_day(m->date, day), st, m->title);
}

/* ---- dispatch --------------------------------------------------------------------------- */

static const struct { const char *type; s_map_fn *fn; } s_maps[] = {
    {"visit.recorded", s_visit},
    {"rota.changed", s_served},
    {"rota.absent", s_absent},
    {"report.submitted", s_report_submitted},
    {"report.adopted", s_report_adopted},
    {"proposal.submitted", s_proposal},
    {"proposal.cosign_closed", s_proposal},
    {"consultation.attended", s_consultation},
    {"supervision.attended", s_supervision},
    {"meeting.attended", s_meeting},
};

size_t assess_map_event(const char *type, const ProtobufCMessage *msg, int64_t occurred_us,
                        assess_fact_t *out, size_t max)
{
    for (size_t i = 0; type && msg && i < sizeof s_maps / sizeof s_maps[0]; i++)
        if (strcmp(type, s_maps[i].type) == 0)
            return s_maps[i].fn(msg, calendar_day_of_us(occurred_us), out, max);
    return 0;
}
