-- The standards each institution's capability rows cite, one row per (institution, standard
-- number) with the number of rows citing it, kept exact by registry/registry.cc in the same
-- transaction as every write of capability rows (UpsertCapabilities: inserts and moves between
-- institutions; DeleteCapability) and of the catalogue (UpsertStandard: `retired`).
--
-- Why: at province scale a broad standard name ("食品安全", 60 standards) matched 416k capability
-- rows, read twice per search page (count and page); the abolished-standard listing read
-- 21,000 rows spread over 4,818 standards' index ranges. The same questions asked of this table
-- read one entry per (institution, standard): "which institutions cite one of these standards",
-- "which standards does this institution cover", and, through the partial index on `retired`,
-- the institutions citing a standard that is abolished or replaced on some date, in id order.
--
-- standard_no is the number as the capability rows store it (canonical when it parses), so
-- numbers missing from the catalogue are covered too. `retired` = 1 when the catalogue marks
-- the standard abolished or a replacement link names it as replaced, on any date: a superset of
-- "abolished or replaced on D" for every D, which the listing then checks per row.
CREATE TABLE institution_standards (
  institution_id BIGINT NOT NULL REFERENCES institutions (id),
  standard_no TEXT NOT NULL,
  capability_rows BIGINT NOT NULL,
  retired INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (institution_id, standard_no)
);
INSERT INTO institution_standards (institution_id, standard_no, capability_rows, retired)
  SELECT k.institution_id, k.standard_no, COUNT(*), 0 FROM capabilities k
  GROUP BY k.institution_id, k.standard_no;
UPDATE institution_standards SET retired = 1 WHERE standard_no IN
  (SELECT s.number FROM standards s WHERE s.status = 'abolished'
   UNION SELECT r.replaced FROM standard_replacements r);
CREATE INDEX institution_standards_standard ON institution_standards (standard_no, institution_id);
CREATE INDEX institution_standards_retired ON institution_standards (institution_id, standard_no)
  WHERE retired = 1;
