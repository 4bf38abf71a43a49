-- The number of capability rows per institution, kept by registry/registry.cc (every insert of a
-- capability row and every move between institutions goes through UpsertCapabilities). The
-- institution search shows it and sorts by it; counting 4.7 M index entries for that sort took
-- 300 ms at province scale (docs/performance.md).
ALTER TABLE institutions ADD COLUMN capability_count BIGINT NOT NULL DEFAULT 0;
UPDATE institutions SET capability_count =
  (SELECT COUNT(*) FROM capabilities k WHERE k.institution_id = institutions.id);
CREATE INDEX institutions_capability_count ON institutions (capability_count, id);
