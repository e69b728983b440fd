-- 031: a public-opinion report made from a converted proposal (lianxin-
-- proposal's proposal.converted, applied by lianxin-intake's consumer) links
-- back to it; one report per proposal. Never edit once landed.

ALTER TABLE intake.reports ADD COLUMN source_proposal_id bigint;
CREATE UNIQUE INDEX reports_by_source_proposal ON intake.reports (district_code, source_proposal_id)
    WHERE source_proposal_id IS NOT NULL;
