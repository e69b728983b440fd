-- 066: the inbox's event key made cheaper to maintain. items_by_event
-- (district_code, source_producer, source_seq, recipient_kind) compared three
-- texts in the database's collation on every insert; it is rebuilt with the
-- event's number first and the texts in the "C" collation (byte order), so an
-- insert mostly compares one bigint. Still UNIQUE on the same four columns:
-- ON CONFLICT (district_code, source_producer, source_seq, recipient_kind)
-- infers it (the collation is not named there), and a lookup by event uses
-- its leading source_seq. Never edit once landed.

DROP INDEX notify.items_by_event;
CREATE UNIQUE INDEX items_by_event ON notify.items
    (source_seq, district_code COLLATE "C", source_producer COLLATE "C",
     recipient_kind COLLATE "C");
