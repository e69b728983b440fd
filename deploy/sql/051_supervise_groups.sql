-- 051: lianxin-supervise's democratic supervision: the year's topics through
-- the closed chain (征题 → 选题 → 破题 → 解题 → 结题), the dispatched groups
-- (派驻监督小组) attached to units with their members, the groups' activities
-- with attendance (counted in the member files), the recommendation letters
-- (监督建议书) and the units' rectification plans (整改) whose milestones are
-- tracked items. Every key starts with district_code. Never edit once landed.

CREATE SEQUENCE supervise.topic_ids;
CREATE TABLE supervise.topics (
    district_code text NOT NULL,
    id            bigint NOT NULL,
    year          int NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    title         text NOT NULL,
    description   text NOT NULL DEFAULT '',
    stage         text NOT NULL DEFAULT 'proposed'
                  CHECK (stage IN ('proposed', 'selected', 'analysed', 'solving', 'concluded',
                                   'dropped')),
    raised_by     bigint[] NOT NULL DEFAULT '{}',   -- the members who raised it
    unit_ids      bigint[] NOT NULL DEFAULT '{}',
    result        text NOT NULL DEFAULT '',
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL,
    PRIMARY KEY (district_code, id)
);
CREATE INDEX topics_by_year ON supervise.topics (district_code, year, id);

CREATE SEQUENCE supervise.group_ids;
CREATE TABLE supervise.groups (
    district_code text NOT NULL,
    id            bigint NOT NULL,
    year          int NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    name          text NOT NULL,
    unit_id       bigint NOT NULL,
    topic_id      bigint,
    created_at    timestamptz NOT NULL,
    PRIMARY KEY (district_code, id),
    FOREIGN KEY (district_code, unit_id) REFERENCES core.units
);

CREATE TABLE supervise.group_members (
    district_code text NOT NULL,
    group_id      bigint NOT NULL,
    member_id     bigint NOT NULL,
    leads         boolean NOT NULL DEFAULT false,
    PRIMARY KEY (district_code, group_id, member_id),
    FOREIGN KEY (district_code, group_id) REFERENCES supervise.groups,
    FOREIGN KEY (district_code, member_id) REFERENCES core.members
);

CREATE SEQUENCE supervise.activity_ids;
CREATE TABLE supervise.activities (
    district_code text NOT NULL,
    id            bigint NOT NULL,
    group_id      bigint NOT NULL,
    kind          text NOT NULL CHECK (kind IN ('inspection', 'unannounced', 'hearing',
                                                'research')),
    held_on       date NOT NULL,
    title         text NOT NULL,
    recorded_at   timestamptz NOT NULL,
    PRIMARY KEY (district_code, id),
    FOREIGN KEY (district_code, group_id) REFERENCES supervise.groups
);

CREATE TABLE supervise.attendance (
    district_code text NOT NULL,
    activity_id   bigint NOT NULL,
    member_id     bigint NOT NULL,
    status        text NOT NULL CHECK (status IN ('present', 'absent', 'leave')),
    PRIMARY KEY (district_code, activity_id, member_id),
    FOREIGN KEY (district_code, activity_id) REFERENCES supervise.activities
);

CREATE SEQUENCE supervise.letter_ids;
CREATE TABLE supervise.letters (
    district_code text NOT NULL,
    id            bigint NOT NULL,
    group_id      bigint NOT NULL,
    unit_id       bigint NOT NULL,
    title         text NOT NULL,
    body          text NOT NULL,
    plan_due_on   date NOT NULL,                -- the rectification plan's deadline
    plan_note     text,
    planned_at    timestamptz,
    issued_at     timestamptz NOT NULL,
    PRIMARY KEY (district_code, id),
    FOREIGN KEY (district_code, group_id) REFERENCES supervise.groups
);

CREATE SEQUENCE supervise.milestone_ids;
CREATE TABLE supervise.milestones (
    district_code text NOT NULL,
    id            bigint NOT NULL,
    letter_id     bigint NOT NULL,
    seq           int NOT NULL,
    title         text NOT NULL,
    due_on        date NOT NULL,
    PRIMARY KEY (district_code, id),
    UNIQUE (district_code, letter_id, seq),
    FOREIGN KEY (district_code, letter_id) REFERENCES supervise.letters
);
