-- 005: inbox items addressed to a role of a district, so that notify never
-- reads auth (the gateway's schema) to find who holds the role. Such an item
-- has recipient_kind 'role:<role>' (e.g. 'role:leader') and recipient_id 0;
-- the unique key (district, recipient_kind, recipient_id, producer, seq)
-- then stays one item per recipient (user, member, unit or role) per event,
-- and inbox_by_recipient serves the role's items as it serves anybody's.
-- Never edit once landed.

-- A role item is read per user: its own read_at stays NULL, each holder of
-- the role who marks it read gets a row in notify.inbox_reads. NOT VALID:
-- checked for new rows only, no scan of the existing ones (none is a role
-- item).
ALTER TABLE notify.inbox ADD CONSTRAINT inbox_role_items
    CHECK (recipient_kind NOT LIKE 'role:%' OR (recipient_id = 0 AND read_at IS NULL))
    NOT VALID;

-- Who has read which role item. user_id is the reader's auth.users id,
-- taken from the command's actor; no foreign key to auth (the gateway's).
CREATE TABLE notify.inbox_reads (
    district_code text NOT NULL,
    inbox_id      bigint NOT NULL,
    user_id       bigint NOT NULL,
    read_at       timestamptz NOT NULL,
    PRIMARY KEY (district_code, inbox_id, user_id),
    FOREIGN KEY (district_code, inbox_id) REFERENCES notify.inbox ON DELETE CASCADE
);
