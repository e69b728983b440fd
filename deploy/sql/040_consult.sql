-- 040: lianxin-consult's schema `consult`: topics (议题) and their screening,
-- the annual consultation plan (年度协商计划) with its amendments, venues,
-- consultations of every form with their participants (6+X), research
-- tasks, opinions, outcomes (协商成果); the copy of intake's reception duties
-- the scheduler needs (filled from rota events only); and the role
-- lianxin_consult. Every key starts with district_code. Never edit once landed.

CREATE SCHEMA consult;

CREATE SEQUENCE consult.topic_ids;
CREATE SEQUENCE consult.venue_ids;
CREATE SEQUENCE consult.consultation_ids;
CREATE SEQUENCE consult.outcome_ids;

CREATE TABLE consult.topics (
    district_code      text NOT NULL REFERENCES core.districts,
    id                 bigint NOT NULL,
    year               int NOT NULL,
    title              text NOT NULL,
    description        text NOT NULL DEFAULT '',
    proposer_kind      text NOT NULL CHECK (proposer_kind IN ('member', 'workroom', 'unit',
                                                               'party_committee')),
    proposer_member_id bigint,
    proposer_ref       bigint,                  -- the work room or the unit
    state              text NOT NULL DEFAULT 'proposed',
    kind               text CHECK (kind IN ('policy', 'public_affairs', 'difficulty',
                                            'party_request')),
    refuse_kind        text CHECK (refuse_kind IN ('against_law', 'higher_mandate', 'unfair')),
    refuse_reason      text,
    created_by         bigint NOT NULL,
    created_at         timestamptz NOT NULL,
    screened_at        timestamptz,
    updated_at         timestamptz NOT NULL,
    PRIMARY KEY (district_code, id)
);
CREATE INDEX topics_by_year ON consult.topics (district_code, year, state);

CREATE TABLE consult.plans (                   -- 年度协商计划, one per district and year
    district_code text NOT NULL REFERENCES core.districts,
    year          int NOT NULL,
    state         text NOT NULL DEFAULT 'draft' CHECK (state IN ('draft', 'issued')),
    issued_on     date,
    issued_by     bigint,
    PRIMARY KEY (district_code, year)
);

CREATE TABLE consult.plan_items (
    district_code text NOT NULL,
    year          int NOT NULL,
    topic_id      bigint NOT NULL,
    quarter       text NOT NULL DEFAULT '',
    added_on      date NOT NULL,
    amended       boolean NOT NULL DEFAULT false,   -- added after the issue
    removed_on    date,                             -- an amendment removed it
    PRIMARY KEY (district_code, year, topic_id),
    FOREIGN KEY (district_code, year) REFERENCES consult.plans,
    FOREIGN KEY (district_code, topic_id) REFERENCES consult.topics
);

CREATE TABLE consult.plan_amendments (
    district_code text NOT NULL,
    year          int NOT NULL,
    seq           int NOT NULL,
    action        text NOT NULL CHECK (action IN ('add', 'remove')),
    topic_id      bigint NOT NULL,
    reason        text NOT NULL,
    made_on       date NOT NULL,
    made_by       bigint NOT NULL,
    PRIMARY KEY (district_code, year, seq),
    FOREIGN KEY (district_code, year) REFERENCES consult.plans
);

CREATE TABLE consult.venues (
    district_code text NOT NULL REFERENCES core.districts,
    id            bigint NOT NULL,
    name          text NOT NULL,
    capacity      int NOT NULL CHECK (capacity > 0),
    workroom_id   bigint,
    address       text NOT NULL DEFAULT '',
    PRIMARY KEY (district_code, id),
    FOREIGN KEY (district_code, workroom_id) REFERENCES core.workrooms
);

CREATE TABLE consult.consultations (
    district_code   text NOT NULL REFERENCES core.districts,
    id              bigint NOT NULL,
    topic_id        bigint,
    title           text NOT NULL,
    summary         text NOT NULL DEFAULT '',
    form            text NOT NULL CHECK (form IN ('meeting', 'communication', 'dialogue',
                                                  'written', 'online')),
    series          text NOT NULL DEFAULT '' CHECK (series IN ('', 'qingni', 'minsheng',
                                                               'micro')),
    state           text NOT NULL DEFAULT 'collecting',
    workroom_id     bigint,
    venue_id        bigint,
    starts_at       timestamptz,
    ends_at         timestamptz,
    opinion_until   timestamptz,                -- online: the window for written opinions
    minutes         text,
    minutes_at      timestamptz,
    notice_from     date,                       -- 公示
    notice_until    date,
    cancel_reason   text,
    source_issue_id bigint,                     -- born from intake's class-3 issue
    created_by      bigint NOT NULL,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    PRIMARY KEY (district_code, id),
    UNIQUE (district_code, source_issue_id),
    FOREIGN KEY (district_code, topic_id) REFERENCES consult.topics,
    FOREIGN KEY (district_code, venue_id) REFERENCES consult.venues
);
CREATE INDEX consultations_by_time ON consult.consultations (district_code, starts_at)
    WHERE starts_at IS NOT NULL;

-- 6+X: one role each. A member (member_id), a CPPCC leader (leader_user_id,
-- a user with the leader role) or a contact who is no user (name and
-- organisation only: no phone or e-mail is stored).
CREATE TABLE consult.participants (
    district_code   text NOT NULL,
    consultation_id bigint NOT NULL,
    seq             int NOT NULL,
    role            text NOT NULL CHECK (role IN ('member', 'expert', 'department', 'social_org',
                                                  'cadre', 'public_rep', 'topic_group', 'leader')),
    member_id       bigint,
    leader_user_id  bigint,
    name            text NOT NULL DEFAULT '',
    organisation    text NOT NULL DEFAULT '',
    grp             text NOT NULL DEFAULT '',
    invitation      text NOT NULL DEFAULT 'invited' CHECK (invitation IN ('invited', 'accepted',
                                                                          'declined')),
    decline_reason  text,
    attendance      text CHECK (attendance IN ('present', 'absent', 'leave')),
    PRIMARY KEY (district_code, consultation_id, seq),
    FOREIGN KEY (district_code, consultation_id) REFERENCES consult.consultations,
    FOREIGN KEY (district_code, member_id) REFERENCES core.members
);
CREATE UNIQUE INDEX participants_member ON consult.participants
    (district_code, consultation_id, member_id) WHERE member_id IS NOT NULL;
CREATE UNIQUE INDEX participants_leader ON consult.participants
    (district_code, consultation_id, leader_user_id) WHERE leader_user_id IS NOT NULL;
CREATE INDEX participants_by_member ON consult.participants (district_code, member_id);

CREATE TABLE consult.tasks (                    -- 议前调研
    district_code   text NOT NULL,
    consultation_id bigint NOT NULL,
    seq             int NOT NULL,
    title           text NOT NULL,
    owner           text NOT NULL,
    due_on          date NOT NULL,
    state           text NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'done', 'waived')),
    reason          text,
    PRIMARY KEY (district_code, consultation_id, seq),
    FOREIGN KEY (district_code, consultation_id) REFERENCES consult.consultations
);

CREATE TABLE consult.opinions (                 -- online: participants' written opinions
    district_code   text NOT NULL,
    consultation_id bigint NOT NULL,
    seq             int NOT NULL,
    author_user_id  bigint NOT NULL,
    text            text NOT NULL,
    at              timestamptz NOT NULL,
    PRIMARY KEY (district_code, consultation_id, seq),
    FOREIGN KEY (district_code, consultation_id) REFERENCES consult.consultations
);

CREATE TABLE consult.outcomes (                 -- 协商成果
    district_code   text NOT NULL,
    id              bigint NOT NULL,
    consultation_id bigint NOT NULL,
    title           text NOT NULL,
    unit_id         bigint NOT NULL,
    leader          text NOT NULL DEFAULT '',
    assigned_on     date NOT NULL,
    answer_due      date NOT NULL,
    close_due       date NOT NULL,
    PRIMARY KEY (district_code, id),
    FOREIGN KEY (district_code, consultation_id) REFERENCES consult.consultations,
    FOREIGN KEY (district_code, unit_id) REFERENCES core.units
);

-- Members' reception duties as intake's rota events tell them (rota.published
-- with its entries, rota.changed): the scheduler's copy. Never read from intake.
CREATE TABLE consult.duties (
    district_code text NOT NULL,
    rota_id       bigint NOT NULL,
    member_id     bigint NOT NULL,
    workroom_id   bigint NOT NULL,
    duty_date     date NOT NULL,
    status        text NOT NULL,
    PRIMARY KEY (district_code, rota_id)
);
CREATE INDEX duties_by_member ON consult.duties (district_code, member_id, duty_date);

SELECT public.lianxin_grant_service('consult');

-- A leader participant is a user with the leader role: the add_participant
-- and suggest-slots statements check it (id, role, disabled only).
GRANT USAGE ON SCHEMA auth TO lianxin_consult;
GRANT SELECT (district_code, id, role, disabled, display_name) ON auth.users TO lianxin_consult;
