-- Data-quality runs (智查, issue 6; src/zhijian/checks/quality_store.h). Every run is kept with
-- its findings and its rate counts, so that trends can be shown and a defect that persists from
-- run to run is recognisable by its fingerprint (rule + entity + record id + field). An
-- institution may mark a finding fixed; the next run covering the record confirms the mark or
-- reopens it. Instants are TEXT RFC 3339 UTC; dates TEXT 'YYYY-MM-DD'.

CREATE TABLE quality_runs (
  id {{PK}},
  region_prefix TEXT NOT NULL DEFAULT '',  -- scope: '' = whole registry, '37', '3701', '370102'
  today TEXT NOT NULL,                     -- the reference date of the rules
  rules_version TEXT NOT NULL,             -- SHA-256 of the rule files (checks/rules.h)
  params TEXT NOT NULL DEFAULT '{}',       -- JSON: the rule parameters in effect
  status TEXT NOT NULL CHECK (status IN ('running', 'finished', 'failed')),
  started_at TEXT NOT NULL,
  finished_at TEXT,
  actor TEXT NOT NULL DEFAULT '',
  previous_run_id BIGINT,                  -- the run compared with (new / resolved counts)
  institutions BIGINT NOT NULL DEFAULT 0,
  findings BIGINT NOT NULL DEFAULT 0,
  new_findings BIGINT NOT NULL DEFAULT 0,
  resolved_findings BIGINT NOT NULL DEFAULT 0,
  summary TEXT NOT NULL DEFAULT '{}'       -- JSON: records per entity, findings per rule
);
CREATE INDEX quality_runs_region ON quality_runs (region_prefix, id);

CREATE TABLE quality_findings (
  id {{PK}},
  run_id BIGINT NOT NULL REFERENCES quality_runs (id),
  fingerprint TEXT NOT NULL,               -- 32 hex digits (checks/quality.h Fingerprint)
  rule_id TEXT NOT NULL,
  category TEXT NOT NULL,
  severity TEXT NOT NULL,
  entity TEXT NOT NULL,
  record_id BIGINT NOT NULL,               -- id in the entity's registry table
  record_key TEXT NOT NULL DEFAULT '',     -- human-readable key (never an ID number)
  field TEXT NOT NULL DEFAULT '',
  evidence TEXT NOT NULL DEFAULT '{}',     -- JSON object: the values concerned
  institution_id BIGINT,                   -- NULL for the standards catalogue
  region_code TEXT NOT NULL DEFAULT '',    -- the institution's ('' for the catalogue)
  first_run_id BIGINT NOT NULL,            -- the first run of an unbroken series that found it
  UNIQUE (run_id, fingerprint)
);
CREATE INDEX quality_findings_run_region ON quality_findings (run_id, region_code);
CREATE INDEX quality_findings_run_institution ON quality_findings (run_id, institution_id);
CREATE INDEX quality_findings_fingerprint ON quality_findings (fingerprint, run_id);

-- Counts per (region, institution, entity, field): institution_id 0 = all institutions of the
-- county (one row per field of the entity, and field '' for whole records); institution rows
-- have field '' only; region '' with institution 0 = the standards catalogue.
-- docs/data-quality.md defines the rates computed from them.
CREATE TABLE quality_rates (
  run_id BIGINT NOT NULL REFERENCES quality_runs (id),
  region_code TEXT NOT NULL,
  institution_id BIGINT NOT NULL,
  entity TEXT NOT NULL,
  field TEXT NOT NULL,
  records BIGINT NOT NULL,
  incomplete BIGINT NOT NULL,
  incorrect BIGINT NOT NULL,
  untimely BIGINT NOT NULL,
  findings BIGINT NOT NULL,
  PRIMARY KEY (run_id, region_code, institution_id, entity, field)
);
CREATE INDEX quality_rates_institution ON quality_rates (run_id, institution_id);

-- "Fixed" marks. outcome NULL: awaiting the next run covering the record's region, which sets
-- 'confirmed' (the finding is gone) or 'reopened' (it is still there).
CREATE TABLE quality_marks (
  id {{PK}},
  fingerprint TEXT NOT NULL,
  run_id BIGINT NOT NULL REFERENCES quality_runs (id),  -- the run whose finding was marked
  institution_id BIGINT,
  region_code TEXT NOT NULL DEFAULT '',
  marked_at TEXT NOT NULL,
  marked_by TEXT NOT NULL,
  note TEXT NOT NULL DEFAULT '',
  outcome TEXT CHECK (outcome IN ('confirmed', 'reopened')),
  outcome_run_id BIGINT
);
CREATE INDEX quality_marks_fingerprint ON quality_marks (fingerprint, id);
CREATE INDEX quality_marks_pending ON quality_marks (outcome, region_code);
