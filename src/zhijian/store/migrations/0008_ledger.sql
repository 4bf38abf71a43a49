-- 一码通查 (issue 4): registered reports, their events, and the transparency log that commits
-- to every event (src/zhijian/ledger/report_ledger.h, log_store.h; docs/transparency-log.md).
-- Append-only by design: rows of reports, report_events, log_entries and log_checkpoints are
-- never updated or deleted. The exceptions are derived data that the auditor (`zhijian log
-- audit`) recomputes: reports.status (from report_events), the one partial tile per level in
-- log_tiles (it grows until full) and the log_head row.
-- Instants are TEXT RFC 3339 UTC; dates TEXT 'YYYY-MM-DD'; hashes and digests are BLOBs.

-- The deployment's secret for report codes and salts (HMAC key, 32 random bytes, created on
-- first use). It never leaves the database: codes and salts are stored as well.
CREATE TABLE ledger_settings (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  code_secret {{BLOB}} NOT NULL,
  created_at TEXT NOT NULL
);

-- One row per registered report, as registered (the log entry of its creating event carries
-- the same values; the auditor checks that they agree). Ids are assigned by the ledger under the
-- log head lock (MAX(id) + 1, …), never by the identity default: nothing else inserts reports.
CREATE TABLE reports (
  id {{PK}},
  code TEXT NOT NULL UNIQUE,                 -- national report code, canonical 20 characters
  institution_id BIGINT NOT NULL REFERENCES institutions (id),
  institution_uscc TEXT NOT NULL,            -- the USCC as registered
  report_no TEXT NOT NULL,                   -- the institution's own number
  certificate_id BIGINT REFERENCES certificates (id),
  certificate_no TEXT NOT NULL,              -- CMA certificate number as registered
  issue_date TEXT NOT NULL,
  document_sha256 {{BLOB}} NOT NULL,         -- 32 bytes
  salt {{BLOB}} NOT NULL,                    -- 16 bytes: the verification secret
  client TEXT NOT NULL,                      -- committed as SHA-256(salt ‖ client)
  sample TEXT NOT NULL,                      -- committed as SHA-256(salt ‖ sample)
  results TEXT NOT NULL,                     -- canonical JSON (registration.h), salted digest
  leaf_index BIGINT NOT NULL,                -- the entry of the event that created it
  registered_at TEXT NOT NULL,
  -- Derived from report_events: 'corrected' once a correction names it, 'revoked' once revoked.
  status TEXT NOT NULL CHECK (status IN ('valid', 'corrected', 'revoked')),
  UNIQUE (institution_id, report_no)
);

-- Issue, correction and revocation events; leaf_index is the event's log entry.
CREATE TABLE report_events (
  leaf_index {{PK}},
  type TEXT NOT NULL CHECK (type IN ('issue', 'correct', 'revoke')),
  report_id BIGINT NOT NULL REFERENCES reports (id),  -- the report the entry is about
  original_report_id BIGINT REFERENCES reports (id),  -- correct: the replaced; revoke: = report_id
  reason TEXT NOT NULL DEFAULT '',
  registered_at_ms BIGINT NOT NULL
);
CREATE INDEX report_events_original ON report_events (original_report_id)
  WHERE original_report_id IS NOT NULL;

-- The log's leaves: the canonical entry bytes (ledger/entry.h) and H(0x00 ‖ entry).
CREATE TABLE log_entries (
  leaf_index {{PK}},
  entry {{BLOB}} NOT NULL,
  leaf_hash {{BLOB}} NOT NULL
);
CREATE INDEX log_entries_leaf_hash ON log_entries (leaf_hash);

-- C2SP tlog-tiles hash tiles: the tree-level 8·level hashes idx·256 … idx·256 + width − 1
-- (served as they are), and the complete tree-level 8·level + 4 nodes under them ("mids", one
-- per 16 hashes; not served: they let a proof hash at most 8 stored hashes per node).
CREATE TABLE log_tiles (
  level INTEGER NOT NULL,
  idx BIGINT NOT NULL,
  hashes {{BLOB}} NOT NULL,
  mids {{BLOB}} NOT NULL,
  PRIMARY KEY (level, idx)
);

-- The head: tree size and compact range (hex of the CompactRangeNodes(size) hashes).
CREATE TABLE log_head (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  size BIGINT NOT NULL,
  compact TEXT NOT NULL,
  hash_alg TEXT NOT NULL
);
INSERT INTO log_head (id, size, compact, hash_alg) VALUES (1, 0, '', 'sha256');

-- Every published checkpoint (C2SP signed note), one per tree size.
CREATE TABLE log_checkpoints (
  id {{PK}},
  size BIGINT NOT NULL UNIQUE,
  root {{BLOB}} NOT NULL,
  note TEXT NOT NULL,
  published_at TEXT NOT NULL
);
