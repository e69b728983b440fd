-- 007: business time in SQL. A service's transaction begins with
-- `SET LOCAL lianxin.now = '<its time_now_us>'` (common/tx.c), and every
-- statement that needs "now" for a business purpose (due dates, timers,
-- submitted/accepted/updated times) reads it through core.clock_now(), so
-- SQL and the service's clock agree even when a test has moved that clock.
-- PostgreSQL's now() remains the time of security records only (sessions,
-- logins, API keys, feed tokens, migrations), which follow the real clock.
-- Outside such a transaction core.clock_now() fails loudly (unset or empty
-- setting): it never falls back to the server's clock. Never edit once landed.

CREATE FUNCTION core.clock_now() RETURNS timestamptz
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT current_setting('lianxin.now')::timestamptz $$;

ALTER TABLE intake.rota ALTER COLUMN updated_at SET DEFAULT core.clock_now();
ALTER TABLE intake.rota_swaps ALTER COLUMN created_at SET DEFAULT core.clock_now();
