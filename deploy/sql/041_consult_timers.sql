-- 041: lianxin-consult's timers (common/timers, under the lease
-- consult/<district>): the end of a public notice (notice.ended) and a
-- research task's due date passing (task.due). Keyed by the consultation and
-- the item (the task's number; 0 for the notice). Never edit once landed.

CREATE TABLE consult.timers (
    district_code   text NOT NULL,
    kind            text NOT NULL,
    consultation_id bigint NOT NULL,
    item            bigint NOT NULL DEFAULT 0,
    due_at          timestamptz NOT NULL,
    fired_at        timestamptz,
    PRIMARY KEY (district_code, kind, consultation_id, item)
);
CREATE INDEX consult_timers_due ON consult.timers (district_code, due_at)
    WHERE fired_at IS NULL;
