-- 070: lianxin-assess's schema `assess`: the member files (履职档案), a read
-- model built from every service's events (assess.acts, one row per member
-- and countable act with its source; assess.files, the per-year summary the
-- rules compute), the rules per district and year, the members flagged for
-- the leadership's review, the frozen published snapshots, and the office's
-- own meetings with their attendance, leave requests and check-in. Every key
-- starts with district_code. Never edit once landed.

CREATE SCHEMA assess;

-- One countable act of a member: a duty, a visit, a report, a proposal, an
-- attendance. Keyed by its source so an event applied again (a rebuild, a
-- correction) replaces the row instead of adding one; (producer, seq) is the
-- event that wrote it last.
CREATE TABLE assess.acts (
    district_code text NOT NULL,
    member_id     bigint NOT NULL,
    kind          text NOT NULL,           -- plenary, proposal_lead, report, duty, ...
    source        text NOT NULL,           -- proposal, report, visit, rota, meeting, consultation, supervision
    source_id     bigint NOT NULL,
    year          int NOT NULL,            -- of on_date
    on_date       date NOT NULL,           -- UTC+8
    status        text NOT NULL CHECK (status IN ('done', 'present', 'absent', 'leave')),
    title         text NOT NULL DEFAULT '',
    producer      text NOT NULL,
    seq           bigint NOT NULL,
    PRIMARY KEY (district_code, member_id, kind, source, source_id)
);
CREATE INDEX assess_acts_year ON assess.acts (district_code, year, member_id);

-- A member's year as the rules judge it; rewritten whenever one of its acts
-- changes (and by a rebuild).
CREATE TABLE assess.files (
    district_code    text NOT NULL,
    year             int NOT NULL,
    member_id        bigint NOT NULL,
    points           int NOT NULL DEFAULT 0,
    missing          int NOT NULL DEFAULT 0,            -- needs of the five ones not met
    five             jsonb NOT NULL DEFAULT '[]',       -- [{key, label, count, min}]
    counts           jsonb NOT NULL DEFAULT '{}',       -- {kind: acts that count}
    plenary_absences int NOT NULL DEFAULT 0,
    activity_absences int NOT NULL DEFAULT 0,
    PRIMARY KEY (district_code, year, member_id)
);

-- A liaison group's year against the six at least (六个至少): per need, per
-- period, the acts of the group's members and the verdict (met, missed,
-- open); rewritten with its members' files.
CREATE TABLE assess.groups (
    district_code text NOT NULL,
    year          int NOT NULL,
    group_id      bigint NOT NULL,
    six           jsonb NOT NULL,          -- [{key, label, min, periods: [{count, verdict}]}]
    missed        int NOT NULL,
    judged_on     date NOT NULL,
    PRIMARY KEY (district_code, year, group_id)
);

-- The rules of a district's year (the layout of the default rules); a year
-- without a row uses the default.
CREATE TABLE assess.rules (
    district_code text NOT NULL,
    year          int NOT NULL,
    doc           jsonb NOT NULL,
    updated_at    timestamptz NOT NULL,
    PRIMARY KEY (district_code, year)
);

-- Members flagged for the leadership's review: once per year.
CREATE TABLE assess.flags (
    district_code     text NOT NULL,
    year              int NOT NULL,
    member_id         bigint NOT NULL,
    plenary_absences  int NOT NULL,
    activity_absences int NOT NULL,
    flagged_at        timestamptz NOT NULL,
    PRIMARY KEY (district_code, year, member_id)
);

-- Published counts: a quarter, a half-year bulletin, a year's ranking. The
-- body is copied at publication: later events never change it.
CREATE SEQUENCE assess.snapshot_ids;
CREATE TABLE assess.snapshots (
    district_code text NOT NULL,
    id            bigint NOT NULL,
    kind          text NOT NULL CHECK (kind IN ('quarter', 'half', 'year')),
    year          int NOT NULL,
    period        int NOT NULL,
    published_at  timestamptz NOT NULL,
    published_by  bigint NOT NULL,
    rows          jsonb NOT NULL,          -- [{member_id, name, rank, points, counts, missing}]
    PRIMARY KEY (district_code, id),
    UNIQUE (district_code, kind, year, period)
);

-- ---- the office's meetings and activities ----------------------------------------------
CREATE SEQUENCE assess.meeting_ids;
CREATE TABLE assess.meetings (
    district_code text NOT NULL,
    id            bigint NOT NULL,
    kind          text NOT NULL CHECK (kind IN ('plenary', 'standing', 'inspection', 'research',
                  'training', 'deed', 'group_activity', 'research_report', 'practical_project')),
    title         text NOT NULL,
    starts_at     timestamptz NOT NULL,
    ends_at       timestamptz NOT NULL CHECK (ends_at > starts_at),
    venue         text NOT NULL DEFAULT '',
    group_id      bigint,
    state         text NOT NULL DEFAULT 'scheduled' CHECK (state IN ('scheduled', 'closed', 'cancelled')),
    created_by    bigint NOT NULL,
    created_at    timestamptz NOT NULL,
    PRIMARY KEY (district_code, id)
);
CREATE INDEX assess_meetings_starts ON assess.meetings (district_code, starts_at);

CREATE TABLE assess.attendance (
    district_code text NOT NULL,
    meeting_id    bigint NOT NULL,
    member_id     bigint NOT NULL,
    status        text NOT NULL DEFAULT 'invited' CHECK (status IN ('invited', 'present', 'absent', 'leave')),
    leave         text NOT NULL DEFAULT '' CHECK (leave IN ('', 'asked', 'approved', 'refused')),
    leave_reason  text NOT NULL DEFAULT '',
    checked_in_at timestamptz,
    corrected_by  bigint,
    note          text NOT NULL DEFAULT '',
    PRIMARY KEY (district_code, meeting_id, member_id),
    FOREIGN KEY (district_code, meeting_id) REFERENCES assess.meetings
);
CREATE INDEX assess_attendance_member ON assess.attendance (district_code, member_id);

-- A meeting's close (its end): who neither checked in nor has approved
-- leave is absent.
CREATE TABLE assess.timers (
    district_code text NOT NULL,
    kind          text NOT NULL,
    meeting_id    bigint NOT NULL,
    due_at        timestamptz NOT NULL,
    fired_at      timestamptz,
    PRIMARY KEY (district_code, kind, meeting_id)
);
CREATE INDEX assess_timers_due ON assess.timers (district_code, due_at) WHERE fired_at IS NULL;

-- ---- its PostgreSQL role (009): lianxin_assess reads core (members, liaison
-- groups) and bus.events (the rebuild), owns assess, appends to the outbox and
-- the audit chain; the gateway reads assess. ------------------------------------------
SELECT public.lianxin_grant_service('assess');
