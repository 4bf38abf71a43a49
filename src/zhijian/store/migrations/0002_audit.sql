-- The append-only, hash-chained audit trail (audit/audit.h documents the hash format).
-- audit_head holds the last seq and hash; it is the one row every append locks.

CREATE TABLE audit_log (
  seq BIGINT PRIMARY KEY,
  at TEXT NOT NULL,
  actor_user_id BIGINT,
  actor TEXT NOT NULL DEFAULT '',
  actor_role TEXT NOT NULL DEFAULT '',
  via TEXT NOT NULL DEFAULT '',
  action TEXT NOT NULL,
  target_type TEXT NOT NULL DEFAULT '',
  target_id TEXT NOT NULL DEFAULT '',
  region_code TEXT NOT NULL DEFAULT '',
  institution_id BIGINT,
  ip TEXT NOT NULL DEFAULT '',
  detail TEXT NOT NULL DEFAULT '{}',
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX audit_log_region_code ON audit_log (region_code);
CREATE INDEX audit_log_institution_id ON audit_log (institution_id);
CREATE INDEX audit_log_at ON audit_log (at);

CREATE TABLE audit_head (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  seq BIGINT NOT NULL,
  hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
