-- 003: intake complete (issue 3): the duty rota's life (draft, publish,
-- confirm, swap, excuse, served/absent), members' unavailable dates, the
-- intake timers, visit edit history, graded issues, and public-opinion
-- reports with their authors, visits, merges, forwards and outcomes.
-- Every primary key starts with district_code; no foreign key crosses
-- districts. Never edit once landed.

CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- ---- core: members per duty of a room (0: the district's default) -----------
ALTER TABLE core.workrooms ADD COLUMN members_per_duty int NOT NULL DEFAULT 0
    CHECK (members_per_duty BETWEEN 0 AND 7);

-- ---- the rota ------------------------------------------------------------------
-- A row is one member on duty in one room on one day. `month` is the month
-- whose plan the row belongs to (a reception day moved past a month's end
-- still belongs to that month's plan).
CREATE SEQUENCE intake.rota_ids;
ALTER TABLE intake.rota
    ADD COLUMN id bigint NOT NULL DEFAULT nextval('intake.rota_ids'),
    ADD COLUMN month text,
    ADD COLUMN reason text NOT NULL DEFAULT '',           -- an excuse's reason
    ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now(),
    ADD COLUMN updated_by bigint NOT NULL DEFAULT 0;
UPDATE intake.rota SET month = to_char(duty_date, 'YYYY-MM');
ALTER TABLE intake.rota ALTER COLUMN month SET NOT NULL;
ALTER TABLE intake.rota ADD CONSTRAINT rota_status_known
    CHECK (status IN ('draft', 'published', 'confirmed', 'excused', 'served', 'absent'));
CREATE UNIQUE INDEX rota_by_id ON intake.rota (district_code, id);
CREATE INDEX rota_by_month ON intake.rota (district_code, month);

CREATE FUNCTION intake.rota_default_month() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.month IS NULL THEN
        NEW.month := to_char(NEW.duty_date, 'YYYY-MM');
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER rota_default_month BEFORE INSERT ON intake.rota
    FOR EACH ROW EXECUTE FUNCTION intake.rota_default_month();

-- A swap: the member of rota row `rota_id` asks the member of `with_rota_id`
-- to trade duties; that member accepts (or declines).
CREATE SEQUENCE intake.swap_ids;
CREATE TABLE intake.rota_swaps (
    district_code text NOT NULL,
    id            bigint NOT NULL,
    rota_id       bigint NOT NULL,
    with_rota_id  bigint NOT NULL,
    requested_by  bigint NOT NULL,             -- member id
    status        text NOT NULL DEFAULT 'pending'
                  CHECK (status IN ('pending', 'accepted', 'declined', 'cancelled')),
    created_at    timestamptz NOT NULL DEFAULT now(),
    decided_at    timestamptz,
    PRIMARY KEY (district_code, id)
);
CREATE UNIQUE INDEX rota_swaps_one_pending ON intake.rota_swaps (district_code, with_rota_id)
    WHERE status = 'pending';

-- Dates a member declared they cannot serve.
CREATE TABLE intake.member_unavailable (
    district_code text NOT NULL,
    member_id     bigint NOT NULL,
    day           date NOT NULL,
    reason        text NOT NULL DEFAULT '',
    PRIMARY KEY (district_code, member_id, day),
    FOREIGN KEY (district_code, member_id) REFERENCES core.members
);

-- ---- timers: fired by lianxin-intake's loop under the district's lease --------
-- kind: duty.upcoming (the day before a duty day), rota.absent_check (the
-- day after). One per (kind, room, day).
CREATE TABLE intake.timers (
    district_code text NOT NULL,
    kind          text NOT NULL,
    workroom_id   bigint NOT NULL,
    duty_date     date NOT NULL,
    due_at        timestamptz NOT NULL,
    fired_at      timestamptz,
    PRIMARY KEY (district_code, kind, workroom_id, duty_date)
);
CREATE INDEX timers_due ON intake.timers (district_code, due_at) WHERE fired_at IS NULL;

-- ---- visits: edits keep history ---------------------------------------------------
ALTER TABLE intake.visits
    ADD COLUMN version int NOT NULL DEFAULT 1,
    ADD COLUMN updated_at timestamptz,
    ADD COLUMN updated_by bigint;

-- One row per edit: who changed which fields from what to what. The visitor's
-- name and phone appear only as masked text, never in clear.
CREATE TABLE intake.visit_history (
    district_code   text NOT NULL,
    visit_id        bigint NOT NULL,
    version         int NOT NULL,              -- the version this edit produced
    changed_at      timestamptz NOT NULL,
    changed_by      bigint NOT NULL,
    changed_by_role text NOT NULL,
    changes         jsonb NOT NULL,            -- {"field": {"from": .., "to": ..}}
    PRIMARY KEY (district_code, visit_id, version)
);

-- ---- graded issues (四类, 分级处置) ---------------------------------------------------
CREATE SEQUENCE intake.issue_ids;
CREATE TABLE intake.issues (
    district_code    text NOT NULL,
    id               bigint NOT NULL,
    visit_id         bigint NOT NULL,
    summary          text NOT NULL,
    importance       int NOT NULL CHECK (importance BETWEEN 1 AND 5),
    difficulty       int NOT NULL CHECK (difficulty BETWEEN 1 AND 5),
    resolved_on_spot boolean NOT NULL DEFAULT false,
    local            boolean NOT NULL DEFAULT false,
    grade            int NOT NULL CHECK (grade BETWEEN 1 AND 4),
    route            text NOT NULL,            -- leadership, unit, micro_consultation, closed
    unit_id          bigint,                   -- class 2: the handling unit
    due_on           date NOT NULL,
    status           text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    override_reason  text NOT NULL DEFAULT '',
    graded_by        bigint NOT NULL,
    graded_at        timestamptz NOT NULL,
    PRIMARY KEY (district_code, id),
    FOREIGN KEY (district_code, visit_id) REFERENCES intake.visits
);
CREATE INDEX issues_by_visit ON intake.issues (district_code, visit_id);

-- ---- public-opinion reports (社情民意信息) ------------------------------------------
CREATE SEQUENCE intake.report_ids;
CREATE TABLE intake.report_numbers (           -- 社情-<year>-<n>, per district and year
    district_code text NOT NULL,
    year          int NOT NULL,
    next          int NOT NULL,
    PRIMARY KEY (district_code, year)
);

CREATE TABLE intake.reports (
    district_code  text NOT NULL,
    id             bigint NOT NULL,
    year           int,                        -- the number's year, set at first submit
    number         int,                        -- set at first submit
    title          text NOT NULL,
    facts          text NOT NULL DEFAULT '',
    analysis       text NOT NULL DEFAULT '',
    suggestions    text NOT NULL DEFAULT '',
    category       text NOT NULL,
    workroom_id    bigint,                     -- the room it came from, for statistics
    state          text NOT NULL DEFAULT 'draft'
                   CHECK (state IN ('draft', 'submitted', 'returned', 'merged', 'accepted',
                                    'forwarded', 'authors_told')),
    outcomes       int NOT NULL DEFAULT 0,     -- bit 1 adopted, bit 2 instructed
    comments       text NOT NULL DEFAULT '',   -- the office's, when returned
    merged_into    bigint,
    forwarded_to   text,                       -- party_committee, government, next_cppcc
    forwarded_on   date,
    adopted_level  text,                       -- district, city, province, national
    adopted_on     date,
    created_by     bigint NOT NULL,
    created_at     timestamptz NOT NULL,
    submitted_at   timestamptz,
    accepted_at    timestamptz,
    told_at        timestamptz,
    updated_at     timestamptz NOT NULL,
    PRIMARY KEY (district_code, id),
    UNIQUE (district_code, year, number)
);
CREATE INDEX reports_by_state ON intake.reports (district_code, state, id);
CREATE INDEX reports_trgm ON intake.reports
    USING gin ((title || ' ' || facts || ' ' || analysis || ' ' || suggestions) gin_trgm_ops);

CREATE TABLE intake.report_authors (
    district_code text NOT NULL,
    report_id     bigint NOT NULL,
    member_id     bigint NOT NULL,
    ord           int NOT NULL,                -- 1: the first author
    PRIMARY KEY (district_code, report_id, member_id),
    FOREIGN KEY (district_code, report_id) REFERENCES intake.reports,
    FOREIGN KEY (district_code, member_id) REFERENCES core.members
);
CREATE INDEX report_authors_by_member ON intake.report_authors (district_code, member_id);

CREATE TABLE intake.report_visits (
    district_code text NOT NULL,
    report_id     bigint NOT NULL,
    visit_id      bigint NOT NULL,
    PRIMARY KEY (district_code, report_id, visit_id),
    FOREIGN KEY (district_code, report_id) REFERENCES intake.reports,
    FOREIGN KEY (district_code, visit_id) REFERENCES intake.visits
);

CREATE TABLE intake.report_instructions (      -- 批示
    district_code text NOT NULL,
    report_id     bigint NOT NULL,
    seq           int NOT NULL,
    leader        text NOT NULL,
    given_on      date NOT NULL,
    text          text NOT NULL,
    recorded_at   timestamptz NOT NULL,
    PRIMARY KEY (district_code, report_id, seq),
    FOREIGN KEY (district_code, report_id) REFERENCES intake.reports
);

-- Every transition, with the office's comments: the report's own trail.
CREATE TABLE intake.report_log (
    district_code text NOT NULL,
    report_id     bigint NOT NULL,
    seq           int NOT NULL,
    event         text NOT NULL,               -- submit, return, accept ...
    from_state    text NOT NULL,
    to_state      text NOT NULL,
    actor_user_id bigint NOT NULL,
    actor_role    text NOT NULL,
    note          text NOT NULL DEFAULT '',
    at            timestamptz NOT NULL,
    PRIMARY KEY (district_code, report_id, seq)
);
