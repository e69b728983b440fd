-- 060: the inbox as one row per (event, recipient kind) carrying its
-- recipients, and read state written only when someone reads. Before, a
-- visit wrote one row per recipient (3 on average) under 3 indexes, one a
-- 5-column unique key: ~45% of PostgreSQL's time per recorded visit. Now a
-- visit writes ONE row: its primary key, the event key (the exactly-once
-- safety net, one entry per event instead of one per recipient) and the
-- recipients' GIN entries (pending list: cheap to insert). notify.inbox and
-- notify.inbox_reads stay as views with their old columns (one row per
-- recipient; a role item's read state per user), so readers keep working.
-- The rows so far are folded: one item per (event, recipient kind) taking
-- the lowest id of its rows (the other ids are gone: a link to one answers
-- 404), each read_at kept as that recipient's read.
-- Never edit once landed.

CREATE TABLE notify.items (
    district_code   text NOT NULL,
    id              bigint NOT NULL,
    recipient_kind  text NOT NULL,          -- member, unit, user, role:<role>
    recipient_ids   bigint[] NOT NULL,      -- {0} for a role item
    kind            text NOT NULL,
    title           text NOT NULL,
    body            text NOT NULL,
    object_type     text NOT NULL,
    object_id       text NOT NULL,
    source_producer text NOT NULL,
    source_seq      bigint NOT NULL,
    created_at      timestamptz NOT NULL,
    PRIMARY KEY (district_code, id),
    CHECK (cardinality(recipient_ids) BETWEEN 1 AND 256),
    CHECK (recipient_kind NOT LIKE 'role:%' OR recipient_ids = '{0}')
);
-- one item per recipient kind per event: a redelivered event cannot double it
CREATE UNIQUE INDEX items_by_event
    ON notify.items (district_code, source_producer, source_seq, recipient_kind);
-- whose items: a member's, a unit's, a user's (recipient_kind filters)
CREATE INDEX items_by_recipient ON notify.items USING gin (recipient_ids);
-- a role's items (rare: never touched by a visit)
CREATE INDEX items_by_role ON notify.items (district_code, recipient_kind, id)
    WHERE recipient_kind LIKE 'role:%';

-- Who has read what, written when read. reader: the recipient itself
-- (reader_kind = recipient_kind) for an own item; ('user', auth user id)
-- for each holder of the role of a role item.
CREATE TABLE notify.reads (
    district_code text NOT NULL,
    item_id       bigint NOT NULL,
    reader_kind   text NOT NULL,
    reader_id     bigint NOT NULL,
    read_at       timestamptz NOT NULL,
    PRIMARY KEY (district_code, item_id, reader_kind, reader_id),
    FOREIGN KEY (district_code, item_id) REFERENCES notify.items ON DELETE CASCADE
);

-- ---- the rows so far: one item per (event, recipient kind), the lowest id -----
CREATE TEMP TABLE inbox_groups AS
    SELECT district_code, source_producer, source_seq, recipient_kind,
           min(id) AS item_id, array_agg(recipient_id ORDER BY id) AS ids
      FROM notify.inbox
     GROUP BY district_code, source_producer, source_seq, recipient_kind;

INSERT INTO notify.items (district_code, id, recipient_kind, recipient_ids, kind, title, body,
                          object_type, object_id, source_producer, source_seq, created_at)
SELECT i.district_code, i.id, i.recipient_kind, g.ids, i.kind, i.title, i.body,
       i.object_type, i.object_id, i.source_producer, i.source_seq, i.created_at
  FROM notify.inbox i JOIN inbox_groups g ON g.item_id = i.id
   AND g.district_code = i.district_code;

INSERT INTO notify.reads (district_code, item_id, reader_kind, reader_id, read_at)
SELECT i.district_code, g.item_id, i.recipient_kind, i.recipient_id, i.read_at
  FROM notify.inbox i JOIN inbox_groups g USING (district_code, source_producer, source_seq,
                                                 recipient_kind)
 WHERE i.read_at IS NOT NULL;

INSERT INTO notify.reads (district_code, item_id, reader_kind, reader_id, read_at)
SELECT r.district_code, g.item_id, 'user', r.user_id, r.read_at
  FROM notify.inbox_reads r
  JOIN notify.inbox i ON i.district_code = r.district_code AND i.id = r.inbox_id
  JOIN inbox_groups g ON g.district_code = i.district_code
   AND g.source_producer = i.source_producer AND g.source_seq = i.source_seq
   AND g.recipient_kind = i.recipient_kind
ON CONFLICT DO NOTHING;

DROP TABLE inbox_groups;
DROP TABLE notify.inbox_reads;
DROP TABLE notify.inbox;

-- ---- the old shapes, read-only ---------------------------------------------------
CREATE VIEW notify.inbox AS
SELECT i.district_code, i.id, i.recipient_kind, r.rid AS recipient_id, i.kind, i.title,
       i.body, i.object_type, i.object_id, i.source_producer, i.source_seq, i.created_at,
       (SELECT x.read_at FROM notify.reads x
         WHERE x.district_code = i.district_code AND x.item_id = i.id
           AND x.reader_kind = i.recipient_kind AND x.reader_id = r.rid) AS read_at
  FROM notify.items i CROSS JOIN LATERAL unnest(i.recipient_ids) AS r(rid);

CREATE VIEW notify.inbox_reads AS
SELECT x.district_code, x.item_id AS inbox_id, x.reader_id AS user_id, x.read_at
  FROM notify.reads x JOIN notify.items i
    ON i.district_code = x.district_code AND i.id = x.item_id
 WHERE i.recipient_kind LIKE 'role:%' AND x.reader_kind = 'user';
