-- 002: indexes in the exact order of the visit list (民情日志), so a page of
-- GET /v1/districts/{d}/visits is an index range scan with no sort. The
-- gateway's query (services/gateway/visits.c) is
--   WHERE district_code = $1 [AND workroom_id = $2] [AND received_at >= / <]
--     [AND (received_at, id) < ($6, $7)]
--   ORDER BY received_at DESC, id DESC LIMIT n
-- and the keyset (received_at, id) comparison becomes the index's start
-- point. Never edit once landed.
--
-- Applied in one transaction by `lianxin-admin migrate`, so CREATE INDEX
-- blocks writes to intake.visits while it builds. On a large table, build
-- the two indexes by hand first with CREATE INDEX CONCURRENTLY and the same
-- names and columns: IF NOT EXISTS then leaves them as they are.

-- Every room of the district. Replaces visits_by_time: this index is the same
-- columns plus id, and a range of received_at alone (either direction) is
-- served by it as well.
CREATE INDEX IF NOT EXISTS visits_by_district_time
    ON intake.visits (district_code, received_at DESC, id DESC);
DROP INDEX IF EXISTS intake.visits_by_time;

-- One room (?workroom_id=): the same order behind the room. Replaces
-- visits_by_room, whose order lacked id and left ties to a sort.
CREATE INDEX IF NOT EXISTS visits_by_room_time
    ON intake.visits (district_code, workroom_id, received_at DESC, id DESC);
DROP INDEX IF EXISTS intake.visits_by_room;
