-- 010: the audit trail's anchor (issue 8). A role that can append to
-- audit.trail (or the owner, who can disable triggers) could delete the last
-- k rows of a district and rewind audit.heads: the chain alone stays whole.
-- So `lianxin-admin audit-checkpoint`, run as lianxin_auditor every 15
-- minutes (deploy/systemd/lianxin-audit-checkpoint.timer), records each
-- district's head here with an HMAC-SHA256 under audit.checkpoint_key, a key
-- that only the auditor holds. `lianxin-admin audit-verify` then requires
-- every checkpoint to carry a valid MAC and to name a row of the trail with
-- exactly that hash: a trail cut below a checkpoint, or a checkpoint forged
-- or edited without the key, fails verification. Every run writes a row per
-- district, moved or not (a signed heartbeat): with audit.checkpoint_max_age_s
-- set, audit-verify also fails when a district's newest checkpoint is older,
-- which is what removing the recent checkpoints (to cut further back) looks
-- like. Never edit once landed.
--
-- `at` in the hash: the hash input has always held at_us (the microseconds
-- of the row's time), and every writer stored `at` as exactly at_us
-- microseconds past the epoch. audit-verify now takes the hash input from
-- `at` itself and requires at_us to agree, so a changed `at` breaks the
-- chain. Rows already written verify unchanged: no re-hash, no version field.

CREATE TABLE audit.checkpoints (
    district_code text NOT NULL,
    seq           bigint NOT NULL,         -- the head's seq when checkpointed
    hash          bytea NOT NULL CHECK (length(hash) = 32),   -- the head's hash
    at            timestamptz NOT NULL,    -- when (real time, covered by the MAC)
    mac           bytea NOT NULL CHECK (length(mac) = 32),    -- HMAC-SHA256, common/audit_anchor.h
    PRIMARY KEY (district_code, at)
);

-- Only the auditor writes here; nobody, the owner included, rewrites a row.
REVOKE ALL ON audit.checkpoints FROM PUBLIC;
GRANT SELECT, INSERT ON audit.checkpoints TO lianxin_auditor;
-- POST /v1/audit/verify checks them too (without the key: not their MACs)
GRANT SELECT ON audit.checkpoints TO lianxin_gateway;

CREATE TRIGGER checkpoints_append_only BEFORE UPDATE OR DELETE ON audit.checkpoints
    FOR EACH ROW EXECUTE FUNCTION audit.refuse_change();
CREATE TRIGGER checkpoints_no_truncate BEFORE TRUNCATE ON audit.checkpoints
    FOR EACH STATEMENT EXECUTE FUNCTION audit.refuse_change();
