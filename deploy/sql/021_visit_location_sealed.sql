-- 021: a home visit's location is the visitor's address: personal data,
-- sealed as the visitor's name is (common/sealcols.c). `location_sealed`
-- holds it sealed (aad "<district>/visit/<id>/location"); `location` then
-- keeps only its masked form ("永***", common/mask.c mask_location). A
-- reception's location (the work room) stays in clear, location_sealed NULL.
-- SQL has no key: the home visits recorded before this migration are sealed
-- by `lianxin-admin migrate` (when crypto.key is configured) or
-- `lianxin-admin rekey`, which pick the rows with kind 'home_visit',
-- location_sealed NULL and location <> ''. The edit history's location
-- changes of home visits are masked here. Never edit once landed.

ALTER TABLE intake.visits ADD COLUMN location_sealed bytea;

-- The clear home-visit locations still to seal (rekey's look-up).
CREATE INDEX visits_location_unsealed ON intake.visits (district_code, id)
    WHERE kind = 'home_visit' AND location_sealed IS NULL AND location <> '';

CREATE FUNCTION pg_temp.mask_location(p text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN p IS NULL OR p = '' THEN p ELSE left(p, 1) || '***' END
$$;

UPDATE intake.visit_history h
   SET changes = jsonb_set(jsonb_set(h.changes,
         '{location,from}', to_jsonb(pg_temp.mask_location(h.changes #>> '{location,from}'))),
         '{location,to}', to_jsonb(pg_temp.mask_location(h.changes #>> '{location,to}')))
  FROM intake.visits v
 WHERE v.district_code = h.district_code AND v.id = h.visit_id
   AND h.changes ? 'location' AND jsonb_typeof(h.changes -> 'location') = 'object'
   AND (v.kind = 'home_visit' OR h.changes -> 'kind' ? 'from'
        AND 'home_visit' IN (h.changes #>> '{kind,from}', h.changes #>> '{kind,to}'));
