-- Indexes from the query benchmark at province scale (bench/registry_queries.sh; 4.7 M
-- capability rows).
-- The abolished-standards listing (query.h InstitutionsListingAbolished) reads every capability
-- row that cites an abolished or replaced standard (about 21,000) with its institution and
-- validity dates. Covering those columns answers it from the index alone, with a range seek on
-- the institution id for a page. It replaces the index on standard_no alone (its prefix).
DROP INDEX capabilities_standard_no;
CREATE INDEX capabilities_standard_no_inst ON capabilities (standard_no, institution_id, valid_to,
  valid_from, approved_on);
-- The capability cross-search by item and standard: one seek on both instead of the walk over
-- every row of the item (48,000 for 铅) checking the standard of each.
CREATE INDEX capabilities_standard_key_item ON capabilities (standard_key, item);
