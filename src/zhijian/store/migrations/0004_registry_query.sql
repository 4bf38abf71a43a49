-- Indexes for the registry query engine (registry/query/query.h). The institution search tests
-- capability, credit and certificate conditions with correlated EXISTS sub-queries per
-- institution; these composite indexes turn each into one index seek instead of a walk over
-- the institution's capability rows (about 1,260 per institution at province scale).
CREATE INDEX capabilities_inst_item ON capabilities (institution_id, item);
CREATE INDEX capabilities_inst_parameter ON capabilities (institution_id, parameter);
CREATE INDEX capabilities_inst_standard_key ON capabilities (institution_id, standard_key);
-- The cross-search by parameter alone (item and standard already have single-column indexes).
CREATE INDEX capabilities_parameter ON capabilities (parameter);
CREATE INDEX credit_flags_institution ON credit_flags (institution_id, kind);
CREATE INDEX certificates_number_institution ON certificates (institution_id, status, expires_on);
