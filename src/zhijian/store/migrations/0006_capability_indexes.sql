-- Fewer b-trees per capability row (the import writes every one of them for every row):
-- capabilities_institution (institution_id) is the prefix of capabilities_inst_item, and
-- capabilities_standard_key (standard_key) the prefix of capabilities_standard_key_item; each
-- query that used them is served as well by the longer index.
DROP INDEX capabilities_institution;
DROP INDEX capabilities_standard_key;
