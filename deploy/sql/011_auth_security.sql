-- 011: login and session security (issue 8). The login history (every
-- login, failure, logout, lockout, key and password change, with the
-- client's address; kept gateway.login_history_days, at least 180), the
-- last passwords of each user (not to be reused), when a password was last
-- changed (optional expiry), and expiry and revocation of API keys and feed
-- tokens. Each history row is also bound into the audit chain: its audit
-- row's digest is the SHA-256 of the row's canonical text (see
-- services/gateway/auth/authtx.c). Never edit once landed.

CREATE TABLE auth.login_history (
    district_code text NOT NULL,               -- the user's; '' for city-wide or unknown
    id            bigserial,
    at            timestamptz NOT NULL,
    event         text NOT NULL,               -- login, login_failed, logout, lockout, ...
    user_id       bigint NOT NULL DEFAULT 0,   -- 0: no such user
    username      text NOT NULL DEFAULT '',
    client_addr   text NOT NULL DEFAULT '',
    detail        text NOT NULL DEFAULT '',
    PRIMARY KEY (district_code, id)
);
CREATE INDEX login_history_by_at ON auth.login_history (at);
CREATE INDEX login_history_by_user ON auth.login_history (district_code, user_id, at);

ALTER TABLE auth.users ADD COLUMN password_changed_at timestamptz NOT NULL DEFAULT now();

-- The hashes a user had before the current one (the newest few are kept).
CREATE TABLE auth.password_history (
    district_code text NOT NULL,
    user_id       bigint NOT NULL,
    changed_at    timestamptz NOT NULL,
    password_hash text NOT NULL,
    PRIMARY KEY (district_code, user_id, changed_at)
);

CREATE SEQUENCE auth.api_key_ids;
ALTER TABLE auth.api_keys
    ADD COLUMN id bigint NOT NULL DEFAULT nextval('auth.api_key_ids'),
    ADD COLUMN expires_at timestamptz,          -- NULL: does not expire
    ADD COLUMN revoked_at timestamptz;
CREATE UNIQUE INDEX api_keys_by_id ON auth.api_keys (district_code, id);

ALTER TABLE auth.feed_tokens ADD COLUMN expires_at timestamptz;   -- NULL: does not expire
