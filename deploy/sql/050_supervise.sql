-- 050: lianxin-supervise's schema `supervise`: the tracked items (every
-- promise another service hands over: a proposal's reply, a look-back
-- promise, a forwarded issue, a consultation outcome) with the chase ladder
-- (登记 → 催办 → 跟办 → 督办) as timer rows, their own timeline, the
-- referrals to the partner offices (纪委监委, 政府督查室) and the binding of a
-- partner account to its office; the role lianxin_supervise. Every key
-- starts with district_code. Never edit once landed.

CREATE SCHEMA supervise;

-- A district's chase ladder in working days; a district without a row uses
-- the installation's defaults (supervise.urge_workdays, .escalate_workdays).
CREATE TABLE supervise.ladders (
    district_code     text PRIMARY KEY REFERENCES core.districts,
    urge_workdays     int NOT NULL CHECK (urge_workdays BETWEEN 1 AND 250),
    escalate_workdays int NOT NULL CHECK (escalate_workdays BETWEEN 1 AND 250),
    updated_at        timestamptz NOT NULL
);

CREATE SEQUENCE supervise.item_ids;

-- One row per source promise: (source, source_id) is unique in a district,
-- however often the event that hands it over arrives.
CREATE TABLE supervise.items (
    district_code text NOT NULL,
    id            bigint NOT NULL,
    source        text NOT NULL CHECK (source IN ('proposal', 'lookback', 'issue', 'outcome',
                                                  'letter', 'milestone')),
    source_id     bigint NOT NULL,
    source_ref    text NOT NULL DEFAULT '',     -- a human number (2026-0123) or ""
    title         text NOT NULL,
    unit_id       bigint NOT NULL,
    due_on        date NOT NULL,
    leader        text NOT NULL DEFAULT '',     -- the responsible leader
    concerns      text NOT NULL DEFAULT '' CHECK (concerns IN ('', 'discipline', 'government')),
    state         text NOT NULL DEFAULT 'open', -- open, answered, closed (item_fsm)
    step          text NOT NULL DEFAULT 'registered'
                  CHECK (step IN ('registered', 'urged', 'followed', 'supervised')),
    flags         int NOT NULL DEFAULT 0,       -- 1 referred, 2 look-back scheduled
    answer        text NOT NULL DEFAULT '',
    reopened      int NOT NULL DEFAULT 0,       -- how often (再调研、再协商、再监督)
    lookback_on   date,
    registered_on date NOT NULL,
    answered_on   date,
    closed_on     date,
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL,
    PRIMARY KEY (district_code, id),
    UNIQUE (district_code, source, source_id),
    FOREIGN KEY (district_code, unit_id) REFERENCES core.units
);
CREATE INDEX items_by_state ON supervise.items (district_code, state, step, id);
CREATE INDEX items_by_unit ON supervise.items (district_code, unit_id, state);

-- Every step of an item: the ladder's, the unit's answer, the office's.
CREATE TABLE supervise.item_log (
    district_code text NOT NULL,
    item_id       bigint NOT NULL,
    seq           int NOT NULL,
    event         text NOT NULL,
    step          text NOT NULL,
    state         text NOT NULL,
    actor_role    text NOT NULL,
    actor_id      bigint NOT NULL DEFAULT 0,
    note          text NOT NULL DEFAULT '',
    at            timestamptz NOT NULL,
    PRIMARY KEY (district_code, item_id, seq),
    FOREIGN KEY (district_code, item_id) REFERENCES supervise.items
);

-- The ladder's timers: one row per item and step (kind ladder.urged,
-- ladder.followed, ladder.supervised, lookback.due); re-armed (fired_at
-- NULL) when the due date moves or the item is reopened.
CREATE TABLE supervise.timers (
    district_code text NOT NULL,
    kind          text NOT NULL,
    item_id       bigint NOT NULL,
    due_at        timestamptz NOT NULL,
    fired_at      timestamptz,
    PRIMARY KEY (district_code, kind, item_id)
);
CREATE INDEX supervise_timers_due ON supervise.timers (district_code, due_at)
    WHERE fired_at IS NULL;

-- A partner account (role partner) and the office it speaks for.
CREATE TABLE supervise.partner_accounts (
    district_code text NOT NULL,
    user_id       bigint NOT NULL,
    partner       text NOT NULL CHECK (partner IN ('discipline', 'government')),
    PRIMARY KEY (district_code, user_id)
);

CREATE SEQUENCE supervise.referral_ids;

-- An item referred to a partner office; the partner reports its status.
CREATE TABLE supervise.referrals (
    district_code text NOT NULL,
    id            bigint NOT NULL,
    item_id       bigint NOT NULL,
    partner       text NOT NULL CHECK (partner IN ('discipline', 'government')),
    status        text NOT NULL DEFAULT 'sent'
                  CHECK (status IN ('sent', 'acknowledged', 'in_progress', 'closed')),
    summary       text NOT NULL,
    note          text NOT NULL DEFAULT '',
    delivery_key  text NOT NULL,                -- the idempotency key of the webhook
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL,
    PRIMARY KEY (district_code, id),
    UNIQUE (district_code, item_id, partner),
    FOREIGN KEY (district_code, item_id) REFERENCES supervise.items
);

CREATE TABLE supervise.referral_log (
    district_code text NOT NULL,
    referral_id   bigint NOT NULL,
    seq           int NOT NULL,
    status        text NOT NULL,
    note          text NOT NULL DEFAULT '',
    actor_role    text NOT NULL,
    at            timestamptz NOT NULL,
    PRIMARY KEY (district_code, referral_id, seq),
    FOREIGN KEY (district_code, referral_id) REFERENCES supervise.referrals
);

-- ---- its PostgreSQL role (009): lianxin_supervise reads core, owns
-- supervise, appends to the outbox and the audit chain; the gateway reads
-- supervise. ---------------------------------------------------------------------
SELECT public.lianxin_grant_service('supervise');
