-- Core identity tables: institutions (a stub the registry extends), users, sessions, API keys.
-- Instants are TEXT RFC 3339 UTC written by the application (base/clock.h FormatInstant).

CREATE TABLE institutions (
  id {{PK}},
  uscc TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  region_code TEXT NOT NULL,
  address TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX institutions_region_code ON institutions (region_code);

CREATE TABLE users (
  id {{PK}},
  username TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('admin', 'regulator', 'institution', 'inspector')),
  region_prefix TEXT NOT NULL DEFAULT '',
  institution_id BIGINT REFERENCES institutions (id),
  password_hash TEXT,
  disabled INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX users_region_prefix ON users (region_prefix);
CREATE INDEX users_institution_id ON users (institution_id);

-- Only the SHA-256 of a session token is stored, never the token.
CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  user_id BIGINT NOT NULL REFERENCES users (id),
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  ip TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user_id ON sessions (user_id);
CREATE INDEX sessions_expires_at ON sessions (expires_at);

-- Only the public prefix and the SHA-256 of the whole key are stored, never the secret.
CREATE TABLE api_keys (
  id {{PK}},
  user_id BIGINT NOT NULL REFERENCES users (id),
  name TEXT NOT NULL,
  prefix TEXT NOT NULL UNIQUE,
  key_hash TEXT NOT NULL,
  created_at TEXT NOT NULL,
  last_used_at TEXT,
  revoked_at TEXT
);
CREATE INDEX api_keys_user_id ON api_keys (user_id);
