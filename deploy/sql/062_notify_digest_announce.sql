-- 062: notify's daily digest (the e-mails recorded as 'digest' gathered
-- into one e-mail per recipient per day), the office's announcements
-- (通知公告) with their read receipts, and the counters notify offers to
-- /metrics. Never edit once landed.

-- The contacts as shown (common/mask.c), written with them by
-- notify.SetContact: the gateway reads these, never the clear values.
ALTER TABLE notify.contacts ADD COLUMN email_masked text NOT NULL DEFAULT '',
                            ADD COLUMN phone_masked text NOT NULL DEFAULT '';

-- A gathered row points at the digest delivery that carried it; a row still
-- 'digest' with no digest_id waits for the next digest.
ALTER TABLE notify.deliveries ADD COLUMN digest_id bigint;
CREATE INDEX deliveries_digest_waiting ON notify.deliveries (district_code, recipient_kind,
    recipient_id, id) WHERE status = 'digest' AND digest_id IS NULL;

-- An announcement of the office to a group: the recipients are resolved once,
-- when it is sent, from core (members of a sector or a liaison group, every
-- active member, every unit) or given by the office (member ids), and kept.
-- Its inbox items are notify.items with object ('announcement', id) and
-- source_producer 'announce:<id>' (one item per 256 recipients, source_seq
-- the chunk; a reminder's items 'announce:<id>:r<n>'); read receipts are the
-- notify.reads rows of those items.
CREATE SEQUENCE notify.announcement_ids;
CREATE TABLE notify.announcements (
    district_code   text NOT NULL,
    id              bigint NOT NULL,
    title           text NOT NULL CHECK (length(title) BETWEEN 1 AND 40),
    body            text NOT NULL CHECK (length(body) BETWEEN 1 AND 2000),
    audience        text NOT NULL
                    CHECK (audience IN ('members', 'sector', 'liaison_group', 'units', 'list')),
    group_id        bigint NOT NULL DEFAULT 0,      -- the sector or liaison group
    recipient_kind  text NOT NULL CHECK (recipient_kind IN ('member', 'unit')),
    recipient_ids   bigint[] NOT NULL,
    sent_by         bigint NOT NULL,                -- the office user
    created_at      timestamptz NOT NULL,
    reminders       int NOT NULL DEFAULT 0,
    reminded_at     timestamptz,
    PRIMARY KEY (district_code, id),
    CHECK (cardinality(recipient_ids) BETWEEN 1 AND 5000)
);

-- /metrics: each service may expose counters as a view of schema metrics
-- with columns (metric text, labels text, value bigint); labels in the
-- Prometheus form 'a="x",b="y"'. metrics.sample() gathers every view of the
-- schema, so the gateway names none of them.
CREATE SCHEMA IF NOT EXISTS metrics;
GRANT USAGE ON SCHEMA metrics TO lianxin_gateway;

CREATE FUNCTION metrics.sample() RETURNS TABLE (metric text, labels text, value bigint)
LANGUAGE plpgsql STABLE AS $$
DECLARE v record;
BEGIN
    FOR v IN SELECT table_name FROM information_schema.views
              WHERE table_schema = 'metrics' ORDER BY table_name LOOP
        RETURN QUERY EXECUTE format('SELECT metric::text, labels::text, value::bigint'
                                    ' FROM metrics.%I', v.table_name);
    END LOOP;
END $$;
GRANT EXECUTE ON FUNCTION metrics.sample() TO lianxin_gateway;

-- notify's deliveries by channel and outcome; the digest e-mails apart;
-- deferred: an SMS waiting for the end of the quiet hours (its first try
-- moved past its creation). Counts, never addresses or texts. No
-- core.clock_now() here: the gateway's sessions have no business clock.
CREATE VIEW metrics.notify_deliveries AS
SELECT 'lianxin_notify_deliveries'::text AS metric,
       format('channel="%s",status="%s"', channel, status) AS labels,
       count(*)::bigint AS value
  FROM notify.deliveries GROUP BY channel, status
UNION ALL
SELECT 'lianxin_notify_retried_deliveries', format('channel="%s"', channel), count(*)
  FROM notify.deliveries WHERE attempts > 1 OR (status IN ('pending', 'dead') AND attempts > 0)
 GROUP BY channel
UNION ALL
SELECT 'lianxin_notify_deferred_deliveries', format('channel="%s"', channel), count(*)
  FROM notify.deliveries WHERE status = 'pending' AND attempts = 0 AND channel = 'sms'
   AND next_at > created_at
 GROUP BY channel
UNION ALL
SELECT 'lianxin_notify_digest_emails', format('status="%s"', status), count(*)
  FROM notify.deliveries WHERE channel = 'email' AND item_id IS NULL
 GROUP BY status;
GRANT SELECT ON metrics.notify_deliveries TO lianxin_gateway;

SELECT public.lianxin_grant_service('notify');
