-- 065: notify's reminders (a unit's deadline in 7 and in 1 working days,
-- overdue), armed by the events the consumer reads and fired by common's
-- timers under the lease notify/<district>; and which sender connection
-- claimed a delivery, so that one instance's start never puts back what
-- another instance is sending. Never edit once landed.

-- One row per (reminder kind, source): the text and recipients are rendered
-- when the reminder is armed (from the arming event's payload), the item is
-- written when due_at comes (business time), once: fired_at moves in the
-- transaction that writes it. An arming event with another due date re-arms
-- the row under a new id (a new item); one with the same date changes
-- nothing that has fired. A disarming event (the proposal replied, the item
-- closed) deletes the rows not fired yet.
CREATE SEQUENCE notify.reminder_ids;

CREATE TABLE notify.reminders (
    district_code   text NOT NULL,
    kind            text NOT NULL,          -- proposal.due_in_7, item.overdue, ...
    source_type     text NOT NULL,          -- proposal, item, outcome
    source_id       bigint NOT NULL,
    id              bigint NOT NULL,        -- the item's source_seq (producer 'notify')
    due_on          date NOT NULL,          -- the source's due date
    due_at          timestamptz NOT NULL,   -- when the reminder fires
    fired_at        timestamptz,
    recipient_kind  text NOT NULL,
    recipient_ids   bigint[] NOT NULL,
    title           text NOT NULL,
    body            text NOT NULL,
    PRIMARY KEY (district_code, kind, source_type, source_id),
    CHECK (cardinality(recipient_ids) BETWEEN 1 AND 256)
);
-- what common/timers claims next
CREATE INDEX reminders_due ON notify.reminders (district_code, due_at) WHERE fired_at IS NULL;

-- The backend pid of the sender connection that claimed a 'sending' row:
-- at start (and when idle) a sender puts back to 'pending' only the rows
-- whose claiming connection is gone (its instance died or reconnected).
ALTER TABLE notify.deliveries ADD COLUMN claimed_pid int;

