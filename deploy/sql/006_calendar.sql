-- 006: the working-day calendar (public holidays and make-up working days,
-- 调休) kept by the office in the database instead of deploy/calendar files,
-- and intake's record of the notices it sent when a year was missing.
-- Never edit once landed.

-- ---- core: the calendar -------------------------------------------------------
-- Installation-wide reference data, like core.districts: one State Council
-- calendar serves every district of the city, so these keys do NOT start
-- with district_code (the exception to the rule of 001). Written by
-- lianxin-intake (PUT /v1/calendar/{year}, until a core service exists) and
-- seeded by `lianxin-admin migrate` from deploy/calendar/<year>.txt for the
-- years that have no row yet; read by every service through common/calsync.

-- A row per year that has data. A year with a row and no day is still
-- present: the office confirmed it has no holiday. A year without a row
-- falls back to plain weekends, and /healthz and the office's inbox say so.
CREATE TABLE core.calendar_years (
    year       int PRIMARY KEY CHECK (year BETWEEN 1970 AND 9999),
    version    bigint NOT NULL DEFAULT 1,            -- +1 at every change of the year
    source     text NOT NULL CHECK (source IN ('file', 'api')),
    updated_at timestamptz NOT NULL,
    updated_by bigint NOT NULL DEFAULT 0              -- auth.users id; 0 for the seeding
);

-- The days that differ from plain weekends. `year` is derived from the day,
-- so a day can only exist in a present year.
CREATE TABLE core.calendar_days (
    day  date PRIMARY KEY,
    kind text NOT NULL CHECK (kind IN ('holiday', 'workday')),
    name text NOT NULL DEFAULT '',
    year int NOT NULL GENERATED ALWAYS AS (extract(year FROM day)::int) STORED
         REFERENCES core.calendar_years ON DELETE CASCADE,
    -- a make-up working day is always a Saturday or a Sunday
    CHECK (kind <> 'workday' OR extract(isodow FROM day) >= 6)
);
CREATE INDEX calendar_days_by_year ON core.calendar_days (year);

-- ---- intake: one notice per district and missing year -----------------------
-- The office of each district is told once that a year's calendar is missing
-- (event calendar.missing, emitted only when this insert made a row).
CREATE TABLE intake.calendar_notices (
    district_code text NOT NULL REFERENCES core.districts,
    year          int NOT NULL,
    noticed_at    timestamptz NOT NULL,
    PRIMARY KEY (district_code, year)
);
