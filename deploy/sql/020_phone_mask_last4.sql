-- 020: a masked phone shows at most its last four digits (common/mask.c,
-- mask_phone): "138****5678" becomes "*******5678". Masking the old masked
-- form by the new rule gives what masking the number gives (the hidden
-- positions only grow), so the stored masks and the masks in the edit
-- history are re-masked here without the key. Never edit once landed.

-- mask_phone in SQL: separators (+ - space ( ) .) stay, every other
-- character is a digit position; more than 7 positions keep the last 4,
-- fewer keep the last 2. Temporary: the services mask in C.
CREATE FUNCTION pg_temp.mask_phone_last4(p text) RETURNS text
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    n int := length(regexp_replace(coalesce(p, ''), '[-+ ().]', '', 'g'));
    keep int := CASE WHEN n > 7 THEN 4 ELSE 2 END;
    out text := '';
    idx int := 0;
    c text;
BEGIN
    IF p IS NULL THEN
        RETURN NULL;
    END IF;
    FOREACH c IN ARRAY regexp_split_to_array(p, '') LOOP
        IF c IN ('+', '-', ' ', '(', ')', '.') THEN
            out := out || c;
        ELSE
            out := out || CASE WHEN idx >= n - keep THEN c ELSE '*' END;
            idx := idx + 1;
        END IF;
    END LOOP;
    RETURN out;
END $$;

UPDATE intake.visits
   SET visitor_phone_masked = pg_temp.mask_phone_last4(visitor_phone_masked)
 WHERE visitor_phone_masked <> ''
   AND visitor_phone_masked <> pg_temp.mask_phone_last4(visitor_phone_masked);

UPDATE intake.visit_history
   SET changes = jsonb_set(jsonb_set(changes,
         '{visitor.phone,from}', to_jsonb(pg_temp.mask_phone_last4(changes #>> '{visitor.phone,from}'))),
         '{visitor.phone,to}', to_jsonb(pg_temp.mask_phone_last4(changes #>> '{visitor.phone,to}')))
 WHERE changes ? 'visitor.phone'
   AND jsonb_typeof(changes -> 'visitor.phone') = 'object';
