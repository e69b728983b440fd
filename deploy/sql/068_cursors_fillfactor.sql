-- 068: bus.cursors is a few dozen rows, each updated by its consumer once
-- per run (hundreds of times a second under load), all on one or two heap
-- pages. At the default fillfactor a page is pruned only when nearly full,
-- so each UPDATE first walked a HOT chain of up to a hundred dead versions
-- of its row (~25 us per cursor UPDATE seen in pg_stat_statements under the
-- visit bench, three consumers following intake). At fillfactor 10 a page
-- is pruned whenever less than 90% of it is free: chains stay short. Takes
-- effect at once (pruning reads the table's setting); rows keep their place.
-- Never edit once landed.

ALTER TABLE bus.cursors SET (fillfactor = 10);
