-- 智识 (issue 5): report compliance checks and their findings (src/zhijian/checks/
-- compliance_store.h; docs/compliance-checks.md). A check is one run of the compliance rules over
-- one report: a registered report (checked on arrival by the background checker, or on request)
-- or a document / JSON report a regulator submitted. Checks and findings are never updated: a
-- re-check adds a new check, and readers show the latest one of a report. Rows carry the
-- institution and its region so that reads are scoped (store/scope.h) like the registry.
-- Instants are TEXT RFC 3339 UTC; dates TEXT 'YYYY-MM-DD'.

CREATE TABLE report_checks (
  id {{PK}},
  report_id BIGINT REFERENCES reports (id),  -- the registered report; NULL for a submitted one
  report_code TEXT NOT NULL DEFAULT '',      -- its national code ('' when not registered)
  document_sha256 TEXT NOT NULL DEFAULT '',  -- 64 hex digits ('' when unknown)
  report_no TEXT NOT NULL DEFAULT '',        -- the institution's number as given
  institution_id BIGINT REFERENCES institutions (id),  -- the institution judged; NULL: unknown
  region_code TEXT NOT NULL DEFAULT '',      -- that institution's region ('' when unknown)
  source TEXT NOT NULL CHECK (source IN ('registration', 'text-pdf', 'scan')),
  origin TEXT NOT NULL CHECK (origin IN ('arrival', 'request')),
  as_of TEXT NOT NULL,                       -- the day of the check (future dates, basis fallback)
  rules_version TEXT NOT NULL,               -- checks::ComplianceVersion
  findings BIGINT NOT NULL,
  errors BIGINT NOT NULL,                    -- findings of severity error
  checked_at TEXT NOT NULL,
  actor TEXT NOT NULL DEFAULT ''             -- who asked ('' for the arrival checker)
);
CREATE INDEX report_checks_code ON report_checks (report_code, id);
CREATE INDEX report_checks_document ON report_checks (document_sha256, id);
CREATE INDEX report_checks_region ON report_checks (region_code, id);
CREATE INDEX report_checks_institution ON report_checks (institution_id, id);

CREATE TABLE report_findings (
  id {{PK}},
  check_id BIGINT NOT NULL REFERENCES report_checks (id),
  report_code TEXT NOT NULL DEFAULT '',      -- copied from the check, for direct look-ups
  document_sha256 TEXT NOT NULL DEFAULT '',
  institution_id BIGINT,                     -- copied from the check (scope)
  region_code TEXT NOT NULL DEFAULT '',      -- copied from the check (scope)
  rule_id TEXT NOT NULL,                     -- data/rules/compliance.tsv
  category TEXT NOT NULL,                    -- one of the 11 finding codes
  severity TEXT NOT NULL,
  field TEXT NOT NULL,                       -- the report field concerned
  line INTEGER NOT NULL DEFAULT 0,           -- 1-based test line; 0 = the report as a whole
  value TEXT NOT NULL DEFAULT '',            -- the report's value of the field
  evidence TEXT NOT NULL DEFAULT '{}',       -- JSON: {"report": [...], "registry": [...]}
  basis TEXT NOT NULL DEFAULT '[]',          -- JSON: the legal basis as cited on basis_date
  basis_date TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL
);
CREATE INDEX report_findings_check ON report_findings (check_id);
CREATE INDEX report_findings_code ON report_findings (report_code);
CREATE INDEX report_findings_region ON report_findings (region_code, category);
CREATE INDEX report_findings_institution ON report_findings (institution_id, category);

-- The arrival checker's position: every registered report with an id up to last_report_id has
-- been checked on arrival (reports.id grows with every registration, ledger/report_ledger.h).
CREATE TABLE report_check_cursor (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  last_report_id BIGINT NOT NULL,
  updated_at TEXT NOT NULL
);
INSERT INTO report_check_cursor (id, last_report_id, updated_at)
  VALUES (1, 0, '1970-01-01T00:00:00.000Z');
