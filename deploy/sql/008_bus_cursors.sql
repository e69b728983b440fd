-- 008: every consumer's cursors in one table of the bus schema, beside the
-- streams they follow, so that the lag (bus.streams.next - 1 - seq) is one
-- query whatever the services (the gateway's lianxin_bus_lag_events) and a
-- new consuming service needs no cursor table of its own. The cursor still
-- moves in the consumer's own transaction, with the rows it wrote, so an
-- event still takes effect exactly once (common/consumer.c). notify's
-- cursors move over with their positions. Never edit once landed.

CREATE TABLE bus.cursors (
    district_code text NOT NULL,
    consumer      text NOT NULL,             -- the consuming service's name
    producer      text NOT NULL,             -- the stream's producer
    seq           bigint NOT NULL,           -- the last event applied
    PRIMARY KEY (district_code, consumer, producer)
);

INSERT INTO bus.cursors (district_code, consumer, producer, seq)
    SELECT district_code, consumer, producer, seq FROM notify.cursors;

DROP TABLE notify.cursors;
