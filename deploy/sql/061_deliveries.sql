-- 061: notify's external deliveries (e-mail, SMS, webhooks), the contacts
-- they go to and each recipient's preferences. A delivery is recorded in the
-- consumer's transaction, with its item, BEFORE anything is sent; its
-- idempotency key is derived from the event and the recipient, so a
-- redelivered event finds it already there and a send repeated after a crash
-- carries the same key. Never edit once landed.

-- Where a member, unit or partner is reached; kept by the office. Personal
-- data of members: never logged, never put in an event.
CREATE TABLE notify.contacts (
    district_code  text NOT NULL,
    recipient_kind text NOT NULL,               -- member, unit, partner
    recipient_id   bigint NOT NULL,             -- 0 for a partner (code below)
    partner        text NOT NULL DEFAULT '',    -- a partner's code (discipline, government)
    email          text,
    phone          text,
    PRIMARY KEY (district_code, recipient_kind, recipient_id, partner),
    CHECK (email IS NULL OR (length(email) BETWEEN 3 AND 254 AND email LIKE '%_@_%')),
    CHECK (phone IS NULL OR phone ~ '^1[0-9]{10}$')
);

-- A recipient's choices: the external channels they want (the inbox is
-- always on) and a daily digest instead of single e-mails.
CREATE TABLE notify.preferences (
    district_code  text NOT NULL,
    recipient_kind text NOT NULL,
    recipient_id   bigint NOT NULL,
    channels       text[] NOT NULL DEFAULT '{email,sms}',
    digest         boolean NOT NULL DEFAULT false,
    PRIMARY KEY (district_code, recipient_kind, recipient_id),
    CHECK (channels <@ ARRAY['email', 'sms']::text[])
);

CREATE SEQUENCE notify.delivery_ids;

-- pending -> sending (claimed by the channel's sender, the attempt counted)
-- -> sent | pending again (after a backoff) | dead (the last try failed, the
-- error kept); dead -> pending by the office's manual retry. A crash leaves
-- 'sending' rows, put back to pending at start: sent again, same key.
CREATE TABLE notify.deliveries (
    district_code   text NOT NULL,
    id              bigint NOT NULL,
    item_id         bigint,                     -- the inbox item (NULL: a digest)
    channel         text NOT NULL CHECK (channel IN ('email', 'sms', 'webhook')),
    recipient_kind  text NOT NULL,
    recipient_id    bigint NOT NULL,
    address         text NOT NULL,              -- e-mail, phone or the partner's code
    idem_key        text NOT NULL,
    subject         text NOT NULL DEFAULT '',
    body            text NOT NULL,
    status          text NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'sending', 'sent', 'dead', 'digest')),
    attempts        int NOT NULL DEFAULT 0,
    next_at         timestamptz NOT NULL,
    last_error      text NOT NULL DEFAULT '',
    created_at      timestamptz NOT NULL,
    sent_at         timestamptz,
    PRIMARY KEY (district_code, id),
    UNIQUE (idem_key)
);
-- what each channel's sender takes next
CREATE INDEX deliveries_due ON notify.deliveries (channel, next_at)
    WHERE status IN ('pending', 'sending');
-- the office's list by status
CREATE INDEX deliveries_by_status ON notify.deliveries (district_code, status, id);
