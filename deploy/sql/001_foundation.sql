-- 001: the foundation. Shared schemas (core, bus, audit), the gateway's auth,
-- and the first slice of intake and notify. Every primary key starts with
-- district_code and no foreign key crosses districts, so the schema can be
-- distributed or partitioned by district. Never edit once landed.

CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE SCHEMA core;
CREATE SCHEMA bus;
CREATE SCHEMA audit;
CREATE SCHEMA auth;
CREATE SCHEMA intake;
CREATE SCHEMA notify;

-- ---- core: read by every service, written by lianxin-admin -----------------
CREATE TABLE core.districts (
    district_code text PRIMARY KEY,            -- GB/T 2260 code, "330303"
    name          text NOT NULL                -- 龙湾区
);

CREATE TABLE core.sectors (                    -- 界别
    district_code text NOT NULL REFERENCES core.districts,
    id            bigint NOT NULL,
    name          text NOT NULL,
    PRIMARY KEY (district_code, id)
);

CREATE TABLE core.liaison_groups (             -- 联络组
    district_code text NOT NULL REFERENCES core.districts,
    id            bigint NOT NULL,
    name          text NOT NULL,
    PRIMARY KEY (district_code, id)
);

CREATE TABLE core.members (                    -- 委员
    district_code    text NOT NULL REFERENCES core.districts,
    id               bigint NOT NULL,
    name             text NOT NULL,
    sector_id        bigint,
    party            text NOT NULL DEFAULT '',
    special_committee text NOT NULL DEFAULT '',
    liaison_group_id bigint,
    active           boolean NOT NULL DEFAULT true,
    PRIMARY KEY (district_code, id),
    FOREIGN KEY (district_code, sector_id) REFERENCES core.sectors,
    FOREIGN KEY (district_code, liaison_group_id) REFERENCES core.liaison_groups
);

CREATE TABLE core.units (                      -- 承办单位
    district_code text NOT NULL REFERENCES core.districts,
    id            bigint NOT NULL,
    name          text NOT NULL,
    kind          text NOT NULL DEFAULT 'department',   -- department, township
    PRIMARY KEY (district_code, id)
);

CREATE TABLE core.workrooms (                  -- 委员工作室 / 民生议事堂 ...
    district_code  text NOT NULL REFERENCES core.districts,
    id             bigint NOT NULL,
    name           text NOT NULL,
    kind           text NOT NULL DEFAULT 'workroom',    -- workroom, council_hall, cppcc_home, member_lounge
    township       text NOT NULL DEFAULT '',
    head_member_id bigint,
    reception_day  int NOT NULL DEFAULT 25 CHECK (reception_day BETWEEN 1 AND 28),
    staffs_saturday boolean NOT NULL DEFAULT false,
    PRIMARY KEY (district_code, id),
    FOREIGN KEY (district_code, head_member_id) REFERENCES core.members
);

CREATE TABLE core.workroom_members (           -- the 4-7 members of a room
    district_code text NOT NULL,
    workroom_id   bigint NOT NULL,
    member_id     bigint NOT NULL,
    PRIMARY KEY (district_code, workroom_id, member_id),
    FOREIGN KEY (district_code, workroom_id) REFERENCES core.workrooms,
    FOREIGN KEY (district_code, member_id) REFERENCES core.members
);

-- ---- bus: the event log and its per-stream counters -------------------------
-- One stream per (district, producer); `next` is the next number to assign.
-- Writers take numbers with UPDATE ... RETURNING in their own transaction: the
-- row lock makes commit order equal number order, so there are no gaps.
CREATE TABLE bus.streams (
    district_code text NOT NULL,
    producer      text NOT NULL,
    next          bigint NOT NULL,
    PRIMARY KEY (district_code, producer)
);

CREATE TABLE bus.events (
    district_code text NOT NULL,
    producer      text NOT NULL,
    seq           bigint NOT NULL,
    type          text NOT NULL,
    occurred_at   timestamptz NOT NULL,
    envelope      bytea NOT NULL,              -- the packed lianxin.v1.Event
    PRIMARY KEY (district_code, producer, seq)
);

-- ---- audit: append-only, hash-chained per district --------------------------
CREATE TABLE audit.heads (
    district_code text PRIMARY KEY,
    seq           bigint NOT NULL,
    hash          bytea NOT NULL
);

CREATE TABLE audit.trail (
    district_code text NOT NULL,
    seq           bigint NOT NULL,
    at            timestamptz NOT NULL,
    at_us         bigint NOT NULL,             -- the exact time the hash covers
    actor_user_id bigint NOT NULL,
    actor_role    text NOT NULL,
    action        text NOT NULL,
    object_type   text NOT NULL,
    object_id     text NOT NULL,
    digest        bytea NOT NULL,              -- SHA-256 of the new state
    prev_hash     bytea NOT NULL,
    hash          bytea NOT NULL,
    PRIMARY KEY (district_code, seq)
);

-- ---- auth: owned by lianxin-gateway -----------------------------------------
-- City-wide users (admin) have district_code '' (the installation itself).
CREATE TABLE auth.users (
    district_code text NOT NULL,
    id            bigint NOT NULL,
    username      text NOT NULL UNIQUE,
    password_hash text NOT NULL,
    role          text NOT NULL CHECK (role IN ('admin','office','leader','member','unit','partner')),
    display_name  text NOT NULL DEFAULT '',
    member_id     bigint,
    unit_id       bigint,
    disabled      boolean NOT NULL DEFAULT false,
    failed_logins int NOT NULL DEFAULT 0,
    locked_until  timestamptz,
    created_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (district_code, id)
);
CREATE SEQUENCE auth.user_ids;

CREATE TABLE auth.sessions (
    district_code text NOT NULL,
    token_hash    bytea NOT NULL,              -- SHA-256 of the bearer token
    user_id       bigint NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    last_seen     timestamptz NOT NULL DEFAULT now(),
    expires_at    timestamptz NOT NULL,        -- absolute limit
    revoked       boolean NOT NULL DEFAULT false,
    PRIMARY KEY (district_code, token_hash)
);
CREATE INDEX sessions_by_token ON auth.sessions (token_hash);

CREATE TABLE auth.api_keys (
    district_code text NOT NULL,
    key_hash      bytea NOT NULL,              -- SHA-256 of the key
    user_id       bigint NOT NULL,
    name          text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    revoked       boolean NOT NULL DEFAULT false,
    PRIMARY KEY (district_code, key_hash)
);
CREATE INDEX api_keys_by_hash ON auth.api_keys (key_hash);

-- ---- intake: visits and the rota (first slice) ------------------------------
CREATE SEQUENCE intake.visit_ids;

CREATE TABLE intake.visits (                   -- 民情日志
    district_code   text NOT NULL,
    id              bigint NOT NULL,
    workroom_id     bigint NOT NULL,
    kind            text NOT NULL,             -- reception, home_visit
    received_at     timestamptz NOT NULL,
    member_ids      bigint[] NOT NULL,
    visitor_name    bytea,                     -- AEAD-sealed, NULL when anonymous
    visitor_phone   bytea,
    visitor_name_masked  text NOT NULL DEFAULT '',
    visitor_phone_masked text NOT NULL DEFAULT '',
    summary         text NOT NULL,
    category        text NOT NULL,
    location        text NOT NULL DEFAULT '',
    on_spot_action  text NOT NULL DEFAULT '',
    promised        text NOT NULL DEFAULT '',
    created_by      bigint NOT NULL,
    created_at      timestamptz NOT NULL,
    PRIMARY KEY (district_code, id),
    FOREIGN KEY (district_code, workroom_id) REFERENCES core.workrooms
);
CREATE INDEX visits_by_room ON intake.visits (district_code, workroom_id, received_at);
CREATE INDEX visits_by_time ON intake.visits (district_code, received_at);

-- The rota of a month: who is on duty at which room on which day.
CREATE TABLE intake.rota (
    district_code text NOT NULL,
    workroom_id   bigint NOT NULL,
    duty_date     date NOT NULL,
    member_id     bigint NOT NULL,
    status        text NOT NULL DEFAULT 'published',
    PRIMARY KEY (district_code, workroom_id, duty_date, member_id),
    FOREIGN KEY (district_code, workroom_id) REFERENCES core.workrooms,
    FOREIGN KEY (district_code, member_id) REFERENCES core.members
);
CREATE UNIQUE INDEX rota_one_room_a_day ON intake.rota (district_code, member_id, duty_date);

-- ---- notify: cursors and the inbox ------------------------------------------
CREATE TABLE notify.cursors (
    district_code text NOT NULL,
    consumer      text NOT NULL,
    producer      text NOT NULL,
    seq           bigint NOT NULL,
    PRIMARY KEY (district_code, consumer, producer)
);

CREATE SEQUENCE notify.inbox_ids;

CREATE TABLE notify.inbox (
    district_code  text NOT NULL,
    id             bigint NOT NULL,
    recipient_kind text NOT NULL,              -- member, unit, user
    recipient_id   bigint NOT NULL,
    kind           text NOT NULL,              -- visit.recorded ...
    title          text NOT NULL,
    body           text NOT NULL,
    object_type    text NOT NULL,
    object_id      text NOT NULL,
    source_producer text NOT NULL,
    source_seq     bigint NOT NULL,
    created_at     timestamptz NOT NULL,
    read_at        timestamptz,
    PRIMARY KEY (district_code, id),
    -- one item per recipient per event: a redelivered event cannot double it
    UNIQUE (district_code, recipient_kind, recipient_id, source_producer, source_seq)
);
CREATE INDEX inbox_by_recipient ON notify.inbox (district_code, recipient_kind, recipient_id, id);

