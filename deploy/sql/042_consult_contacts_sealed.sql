-- 042: a consultation's contacts (participants who are no users: experts,
-- department heads, public representatives...) are personal data, sealed as
-- a visitor is (common/sealcols.c): their name, phone and e-mail under the
-- key ring, bound to the participant by the aad
-- "<district>/participant/<id>/<field>". A participant gets its own `id`
-- (the aad's and `lianxin-admin rekey`'s key). `name` then keeps only the
-- masked name ("王**"), `phone_masked` the last four digits, `email_masked`
-- the first character and the domain. Member and leader participants have
-- none of these (their names are core's and auth's).
-- Contacts recorded before this migration have a clear name and no phone
-- or e-mail: SQL has no key, so `lianxin-admin migrate` (when crypto.key is
-- configured) or `lianxin-admin rekey` seals them, picking the contacts with
-- name_sealed NULL and name <> '' (as 021 does for a home visit's location).
-- Never edit once landed.

CREATE SEQUENCE consult.participant_ids;

ALTER TABLE consult.participants
    ADD COLUMN id bigint NOT NULL DEFAULT nextval('consult.participant_ids'),
    ADD COLUMN name_sealed bytea,
    ADD COLUMN phone_sealed bytea,
    ADD COLUMN phone_masked text NOT NULL DEFAULT '',
    ADD COLUMN email_sealed bytea,
    ADD COLUMN email_masked text NOT NULL DEFAULT '';

ALTER SEQUENCE consult.participant_ids OWNED BY consult.participants.id;

CREATE UNIQUE INDEX participants_id ON consult.participants (district_code, id);

-- The clear contact names still to seal (rekey's look-up).
CREATE INDEX participants_name_unsealed ON consult.participants (district_code, id)
    WHERE member_id IS NULL AND leader_user_id IS NULL AND name_sealed IS NULL AND name <> '';

-- the sequence was made after lianxin_grant_service('consult'): grant it as it would
GRANT USAGE, SELECT, UPDATE ON SEQUENCE consult.participant_ids TO lianxin_consult;
