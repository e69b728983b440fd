-- 052: check-in (签到) at a supervision activity by its signed QR code, as
-- at a consultation: a scheduled activity has its times (starts_at, ends_at:
-- both or neither), an attendance row records when the member checked in.
-- Never edit once landed.

ALTER TABLE supervise.activities
    ADD COLUMN starts_at timestamptz,
    ADD COLUMN ends_at   timestamptz,
    ADD CONSTRAINT activities_times CHECK ((starts_at IS NULL) = (ends_at IS NULL)
                                           AND (starts_at IS NULL OR starts_at < ends_at));

ALTER TABLE supervise.attendance
    ADD COLUMN checked_in_at timestamptz;       -- NULL: recorded or corrected by the office
