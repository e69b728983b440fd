-- 009: least privilege (issue 8). A PostgreSQL role per program, granted its
-- own schema only, and audit.* append-only for everyone. Never edit once landed.
--
-- The roles (cluster-wide, created here when missing, LOGIN without a password:
-- the deployment gives each a password or maps its system user with peer
-- authentication, docs/operations.md):
--   lianxin_gateway   reads what it serves (core, intake, notify, bus lag),
--                     writes auth, appends to audit (login history, issue 8)
--                     and reads it (POST /v1/audit/verify)
--   lianxin_intake    writes intake and the calendar of core
--   lianxin_notify    writes notify
--   lianxin_auditor   reads audit.trail/heads; the only writer of
--                     audit.checkpoints (010)
-- A service role gets: SELECT on core, its own schema in full (no TRUNCATE),
-- the outbox (bus.events INSERT, bus.streams, bus.cursors) and audit INSERT.
-- Nothing else: notify cannot read intake's tables, no program reads auth but
-- the gateway, no program can UPDATE, DELETE or TRUNCATE audit.trail, and a
-- service appends only to its own event streams and moves only its own
-- cursors (row-level security on bus.events, bus.streams, bus.cursors).
--
-- The owner (the role that runs `lianxin-admin migrate`, also lianxin-admin's
-- own role) keeps everything. ALTER DEFAULT PRIVILEGES below applies to
-- objects that role creates later, so migrations must always run as the owner:
-- a table added to intake by a later migration is then granted to
-- lianxin_intake (and readable by lianxin_gateway) with no line of its own.
--
-- audit.trail and audit.heads refuse UPDATE/DELETE/TRUNCATE by trigger even
-- for the owner (a head may only move forward). The one maintenance path is a
-- superuser session with `SET session_replication_role = replica`, which
-- skips ordinary triggers; the owner can also disable them. Both leave the
-- chain to audit-verify and the signed checkpoints of 010, which is why those
-- exist. No migration needs the path today.
--
-- A new service's role is one line in its own migration (docs/adding-a-service.md):
--   SELECT public.lianxin_grant_service('proposal');

-- ---- the roles ------------------------------------------------------------------
-- Roles are global to the cluster: another database of the cluster may have
-- made them already (or a concurrent migration is making them right now).
CREATE FUNCTION public.lianxin_ensure_role(name text) RETURNS void
    LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = name) THEN
        EXECUTE format('CREATE ROLE %I LOGIN NOINHERIT', name);
    END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
    NULL;
END $$;
REVOKE EXECUTE ON FUNCTION public.lianxin_ensure_role(text) FROM PUBLIC;

-- ---- a service's standard set ---------------------------------------------------
-- The grants of service `program` (role lianxin_<program>, schema <program>):
-- read core, own schema in full, the outbox, audit append. Run by the owner.
CREATE FUNCTION public.lianxin_grant_service(program text) RETURNS void
    LANGUAGE plpgsql AS $$
DECLARE
    r text := 'lianxin_' || program;
BEGIN
    PERFORM public.lianxin_ensure_role(r);
    EXECUTE format('GRANT USAGE ON SCHEMA core, bus, audit, %I TO %I', program, r);
    EXECUTE format('GRANT SELECT ON ALL TABLES IN SCHEMA core TO %I', r);
    EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA core GRANT SELECT ON TABLES TO %I', r);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA %I TO %I',
                   program, r);
    EXECUTE format('GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA %I TO %I', program, r);
    EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA %I'
                   ' GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO %I', program, r);
    EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA %I'
                   ' GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO %I', program, r);
    -- the outbox (common/tx.c) and the consumer's cursors (common/consumer.c)
    EXECUTE format('GRANT SELECT, INSERT ON bus.events TO %I', r);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE ON bus.streams, bus.cursors TO %I', r);
    PERFORM public.lianxin_grant_audit_writer(r);
    -- the gateway serves the service's tables
    EXECUTE format('GRANT USAGE ON SCHEMA %I TO lianxin_gateway', program);
    EXECUTE format('GRANT SELECT ON ALL TABLES IN SCHEMA %I TO lianxin_gateway', program);
    EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA %I GRANT SELECT ON TABLES TO lianxin_gateway',
                   program);
END $$;

-- Append to the audit chain (common/tx.c): INSERT rows, lock and move the
-- head. No UPDATE or DELETE of audit.trail, ever.
CREATE FUNCTION public.lianxin_grant_audit_writer(r text) RETURNS void
    LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('GRANT USAGE ON SCHEMA audit TO %I', r);
    EXECUTE format('GRANT INSERT ON audit.trail TO %I', r);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE ON audit.heads TO %I', r);
END $$;
REVOKE EXECUTE ON FUNCTION public.lianxin_grant_service(text) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION public.lianxin_grant_audit_writer(text) FROM PUBLIC;

-- ---- the gateway -----------------------------------------------------------------
SELECT public.lianxin_ensure_role('lianxin_gateway');
GRANT USAGE ON SCHEMA core, bus, auth TO lianxin_gateway;
GRANT SELECT ON ALL TABLES IN SCHEMA core TO lianxin_gateway;
ALTER DEFAULT PRIVILEGES IN SCHEMA core GRANT SELECT ON TABLES TO lianxin_gateway;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA auth TO lianxin_gateway;
GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA auth TO lianxin_gateway;
ALTER DEFAULT PRIVILEGES IN SCHEMA auth
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO lianxin_gateway;
ALTER DEFAULT PRIVILEGES IN SCHEMA auth GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO lianxin_gateway;
-- the bus lag of /metrics (bus.streams.next against bus.cursors.seq)
GRANT SELECT ON bus.streams, bus.cursors TO lianxin_gateway;
-- logins, logouts, lockouts and key changes go to the audit chain (issue 8)
SELECT public.lianxin_grant_audit_writer('lianxin_gateway');
-- POST /v1/audit/verify walks the chain (services/gateway/api/users.c)
GRANT SELECT ON audit.trail TO lianxin_gateway;

-- ---- the services -----------------------------------------------------------------
SELECT public.lianxin_grant_service('intake');
SELECT public.lianxin_grant_service('notify');
-- PUT /v1/calendar/{year} (services/intake/calendar_put.c) until a core service exists
GRANT INSERT, UPDATE, DELETE ON core.calendar_years, core.calendar_days TO lianxin_intake;

-- ---- the auditor (lianxin-admin audit-checkpoint / audit-verify) -----------------
SELECT public.lianxin_ensure_role('lianxin_auditor');
GRANT USAGE ON SCHEMA audit TO lianxin_auditor;
GRANT SELECT ON audit.trail, audit.heads TO lianxin_auditor;

-- ---- the outbox: each service writes its own streams only -------------------------
-- Grants alone would let notify append events to intake's stream (producer
-- 'intake') or move intake's cursors. Row-level security ties the rows a
-- role writes to its program: producer (bus.events, bus.streams) and consumer
-- (bus.cursors) must be the role's name without 'lianxin_'. Everyone granted
-- SELECT reads every row (consumers follow other producers; the gateway's
-- lag metric). The owner is not subject to these policies (tests, admin).
CREATE FUNCTION public.lianxin_program() RETURNS text
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT CASE WHEN current_user LIKE 'lianxin\_%' THEN substr(current_user, 9) END $$;

ALTER TABLE bus.events ENABLE ROW LEVEL SECURITY;
CREATE POLICY events_read ON bus.events FOR SELECT USING (true);
CREATE POLICY events_own ON bus.events FOR INSERT WITH CHECK (producer = public.lianxin_program());

ALTER TABLE bus.streams ENABLE ROW LEVEL SECURITY;
CREATE POLICY streams_read ON bus.streams FOR SELECT USING (true);
CREATE POLICY streams_insert ON bus.streams FOR INSERT
    WITH CHECK (producer = public.lianxin_program());
CREATE POLICY streams_update ON bus.streams FOR UPDATE
    USING (producer = public.lianxin_program()) WITH CHECK (producer = public.lianxin_program());

ALTER TABLE bus.cursors ENABLE ROW LEVEL SECURITY;
CREATE POLICY cursors_read ON bus.cursors FOR SELECT USING (true);
CREATE POLICY cursors_insert ON bus.cursors FOR INSERT
    WITH CHECK (consumer = public.lianxin_program());
CREATE POLICY cursors_update ON bus.cursors FOR UPDATE
    USING (consumer = public.lianxin_program()) WITH CHECK (consumer = public.lianxin_program());

-- ---- audit.* append-only ---------------------------------------------------------
REVOKE UPDATE, DELETE, TRUNCATE ON audit.trail FROM PUBLIC;
REVOKE DELETE, TRUNCATE ON audit.heads FROM PUBLIC;

-- Raised for any change to a row of an append-only table, whoever asks.
CREATE FUNCTION audit.refuse_change() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '%.% is append-only: % refused', TG_TABLE_SCHEMA, TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'see deploy/sql/009_program_roles.sql for the maintenance path';
END $$;

-- A head moves forward only: same district, a higher seq (or the same row,
-- the no-op update common/tx.c takes the lock with).
CREATE FUNCTION audit.head_forward() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.district_code = OLD.district_code
       AND (NEW.seq > OLD.seq OR (NEW.seq = OLD.seq AND NEW.hash = OLD.hash)) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit.heads moves forward only: % seq % -> % refused',
        OLD.district_code, OLD.seq, NEW.seq
        USING ERRCODE = 'insufficient_privilege';
END $$;

CREATE TRIGGER trail_append_only BEFORE UPDATE OR DELETE ON audit.trail
    FOR EACH ROW EXECUTE FUNCTION audit.refuse_change();
CREATE TRIGGER trail_no_truncate BEFORE TRUNCATE ON audit.trail
    FOR EACH STATEMENT EXECUTE FUNCTION audit.refuse_change();
CREATE TRIGGER heads_forward BEFORE UPDATE ON audit.heads
    FOR EACH ROW EXECUTE FUNCTION audit.head_forward();
CREATE TRIGGER heads_no_delete BEFORE DELETE ON audit.heads
    FOR EACH ROW EXECUTE FUNCTION audit.refuse_change();
CREATE TRIGGER heads_no_truncate BEFORE TRUNCATE ON audit.heads
    FOR EACH STATEMENT EXECUTE FUNCTION audit.refuse_change();
