-- 004: feed tokens (issue 3): the capability in the URL of a member's duty
-- calendar (GET /v1/districts/{d}/members/{id}/duties.ics?token=...), for
-- calendar apps that cannot send a bearer token. One per member: a new one
-- replaces the old. Only the token's SHA-256 is stored. Never edit once
-- landed.

CREATE TABLE auth.feed_tokens (
    district_code text NOT NULL,
    member_id     bigint NOT NULL,
    token_hash    bytea NOT NULL CHECK (length(token_hash) = 32),  -- SHA-256 of the token
    created_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (district_code, member_id),
    FOREIGN KEY (district_code, member_id) REFERENCES core.members ON DELETE CASCADE
);
