-- 030: lianxin-proposal's schema `proposal`: proposals (提案) from the draft
-- to the proposer's verdict and the look-back, numbered 2026-0123 per
-- district and year with no gap, their co-signers, units, contacts, co-unit
-- opinions, replies, verdicts, their own timeline and the service's timers;
-- core.unit_heads, the unit accounts that sign replies off; and the role
-- lianxin_proposal. Every key starts with district_code. Never edit once
-- landed.

CREATE SCHEMA proposal;

-- The unit accounts with the head flag (单位负责人): they sign replies off.
-- Written by lianxin-admin (seed, user management); read by the services.
CREATE TABLE core.unit_heads (
    district_code text NOT NULL,
    unit_id       bigint NOT NULL,
    user_id       bigint NOT NULL,
    PRIMARY KEY (district_code, unit_id, user_id),
    FOREIGN KEY (district_code, unit_id) REFERENCES core.units
);

CREATE SEQUENCE proposal.proposal_ids;

-- A proposal's human number, "2026-0123" (more digits past 9999; "" before
-- it has one): the one definition the service and the gateway's reads share.
CREATE FUNCTION proposal.number_text(year int, number int) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT CASE WHEN number IS NULL THEN '' ELSE year || '-' ||
          lpad(number::text, greatest(4, length(number::text)), '0') END $$;

-- The next number per district and year: taken in the accepting transaction
-- under the row lock, so numbers are gap-free and in commit order.
CREATE TABLE proposal.numbers (
    district_code text NOT NULL,
    year          int NOT NULL,
    next          int NOT NULL,
    PRIMARY KEY (district_code, year)
);

CREATE TABLE proposal.proposals (
    district_code   text NOT NULL,
    id              bigint NOT NULL,
    year            int,                       -- the number's year, set on accept (or merge)
    number          int,
    kind            text NOT NULL CHECK (kind IN ('individual', 'joint', 'collective')),
    collective_kind text,                      -- sector, party, liaison_group
    collective_ref  text,                      -- the sector or group id, or the party's name
    session         text NOT NULL DEFAULT 'between' CHECK (session IN ('plenary', 'between')),
    title           text NOT NULL,
    reasons         text NOT NULL DEFAULT '',  -- 案由
    measures        text NOT NULL DEFAULT '',  -- 办法
    category        text NOT NULL,
    unit_ids        bigint[] NOT NULL DEFAULT '{}',  -- the units it concerns (the proposer's view)
    state           text NOT NULL DEFAULT 'draft',
    flags           int NOT NULL DEFAULT 0,    -- 1 second round, 2 key proposal
    refuse_reason   text,
    converted_to    text,                      -- report, letter
    merged_into     bigint,
    key_leader      text,                      -- 领导督办
    lead_unit_id    bigint,
    assigned_on     date,
    due_on          date,
    resp_leader     text,
    round           int NOT NULL DEFAULT 1,
    reply_class     text,                      -- a, b, c: the last reply's
    promised_on     date,
    verdict         text,                      -- satisfied, basically_satisfied, unsatisfied
    created_by      bigint NOT NULL,
    created_at      timestamptz NOT NULL,
    submitted_at    timestamptz,
    accepted_at     timestamptz,
    replied_at      timestamptz,
    closed_at       timestamptz,
    updated_at      timestamptz NOT NULL,
    PRIMARY KEY (district_code, id),
    UNIQUE (district_code, year, number)
);
CREATE INDEX proposals_by_state ON proposal.proposals (district_code, state, id);
CREATE INDEX proposals_merged ON proposal.proposals (district_code, merged_into)
    WHERE merged_into IS NOT NULL;

-- The proposers: ord 1 is the first proposer (the one verdict is theirs);
-- joint co-signers are invited, confirm (附议) or drop off at the deadline.
CREATE TABLE proposal.proposers (
    district_code text NOT NULL,
    proposal_id   bigint NOT NULL,
    member_id     bigint NOT NULL,
    ord           int NOT NULL,
    status        text NOT NULL CHECK (status IN ('first', 'invited', 'confirmed', 'dropped')),
    answered_at   timestamptz,
    PRIMARY KEY (district_code, proposal_id, member_id),
    FOREIGN KEY (district_code, proposal_id) REFERENCES proposal.proposals,
    FOREIGN KEY (district_code, member_id) REFERENCES core.members
);
CREATE INDEX proposers_by_member ON proposal.proposers (district_code, member_id);

-- Every assignment of a unit, lead or co, in every round; ended_at when
-- handed back or replaced.
CREATE TABLE proposal.assignments (
    district_code text NOT NULL,
    proposal_id   bigint NOT NULL,
    seq           int NOT NULL,
    unit_id       bigint NOT NULL,
    lead          boolean NOT NULL,
    assigned_on   date NOT NULL,
    due_on        date NOT NULL,
    leader        text NOT NULL DEFAULT '',
    ended_at      timestamptz,
    end_reason    text,
    PRIMARY KEY (district_code, proposal_id, seq),
    FOREIGN KEY (district_code, proposal_id) REFERENCES proposal.proposals,
    FOREIGN KEY (district_code, unit_id) REFERENCES core.units
);
CREATE INDEX assignments_by_unit ON proposal.assignments (district_code, unit_id)
    WHERE ended_at IS NULL;

CREATE TABLE proposal.contacts (               -- 办前/办中/办后 联系
    district_code text NOT NULL,
    proposal_id   bigint NOT NULL,
    seq           int NOT NULL,
    unit_id       bigint NOT NULL,
    stage         text NOT NULL CHECK (stage IN ('before', 'during', 'after')),
    form          text NOT NULL CHECK (form IN ('visit', 'phone', 'meeting')),
    contact_on    date NOT NULL,
    note          text NOT NULL DEFAULT '',
    recorded_by   bigint NOT NULL,
    PRIMARY KEY (district_code, proposal_id, seq)
);

CREATE TABLE proposal.opinions (               -- co-units' opinions to the lead unit
    district_code text NOT NULL,
    proposal_id   bigint NOT NULL,
    seq           int NOT NULL,
    unit_id       bigint NOT NULL,
    text          text NOT NULL,
    sent_at       timestamptz NOT NULL,
    PRIMARY KEY (district_code, proposal_id, seq)
);

CREATE TABLE proposal.replies (                -- 答复, one per round
    district_code text NOT NULL,
    proposal_id   bigint NOT NULL,
    round         int NOT NULL,
    unit_id       bigint NOT NULL,
    class         text NOT NULL CHECK (class IN ('a', 'b', 'c')),
    text          text NOT NULL,
    promised_on   date,                        -- B
    reason        text,                        -- C
    signed_by     bigint NOT NULL,             -- the unit head's user id
    replied_at    timestamptz NOT NULL,
    PRIMARY KEY (district_code, proposal_id, round)
);

CREATE TABLE proposal.verdicts (               -- the proposer's feedback, one per round
    district_code text NOT NULL,
    proposal_id   bigint NOT NULL,
    round         int NOT NULL,
    member_id     bigint NOT NULL,
    verdict       text NOT NULL CHECK (verdict IN ('satisfied', 'basically_satisfied',
                                                   'unsatisfied')),
    reasons       text NOT NULL DEFAULT '',
    given_at      timestamptz NOT NULL,
    PRIMARY KEY (district_code, proposal_id, round)
);

-- Every transition: the proposal's timeline (audit.trail holds the chain).
CREATE TABLE proposal.log (
    district_code text NOT NULL,
    proposal_id   bigint NOT NULL,
    seq           int NOT NULL,
    event         text NOT NULL,
    from_state    text NOT NULL,
    to_state      text NOT NULL,
    actor_user_id bigint NOT NULL,
    actor_role    text NOT NULL,
    note          text NOT NULL DEFAULT '',
    at            timestamptz NOT NULL,
    PRIMARY KEY (district_code, proposal_id, seq)
);

-- Timers fired by lianxin-proposal under the lease proposal/<district>:
-- cosign.deadline (co-signers' confirmation), lookback.due (a B promise).
CREATE TABLE proposal.timers (
    district_code text NOT NULL,
    kind          text NOT NULL,
    proposal_id   bigint NOT NULL,
    due_at        timestamptz NOT NULL,
    fired_at      timestamptz,
    PRIMARY KEY (district_code, kind, proposal_id)
);
CREATE INDEX proposal_timers_due ON proposal.timers (district_code, due_at)
    WHERE fired_at IS NULL;

-- ---- its PostgreSQL role (009): lianxin_proposal reads core (core.unit_heads
-- included), owns proposal, appends to the outbox and the audit chain; the
-- gateway reads proposal. --------------------------------------------------------
SELECT public.lianxin_grant_service('proposal');
