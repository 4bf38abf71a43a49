-- The institution registry (一库尽览): institutions in full, CMA certificates with status history,
-- capability scope rows with validity periods, people and signatory fields, equipment, the
-- standards catalogue with replacement links, credit-list entries and penalties.
-- Dates are TEXT 'YYYY-MM-DD'; instants TEXT RFC 3339 UTC. Business keys are UNIQUE so that
-- imports upsert by them.

ALTER TABLE institutions ADD COLUMN legal_rep TEXT;
ALTER TABLE institutions ADD COLUMN legal_form TEXT;
ALTER TABLE institutions ADD COLUMN national_centre INTEGER NOT NULL DEFAULT 0;
-- Domains (检验检测领域) as one searchable text: '|食品|机动车|' (leading and trailing bars, so
-- that LIKE '%|食品|%' matches a whole domain).
ALTER TABLE institutions ADD COLUMN domains TEXT NOT NULL DEFAULT '';
CREATE INDEX institutions_name ON institutions (name);

CREATE TABLE certificates (
  id {{PK}},
  institution_id BIGINT NOT NULL REFERENCES institutions (id),
  number TEXT NOT NULL UNIQUE,          -- 12 digits, or a legacy number (warned, not refused)
  issuer TEXT NOT NULL DEFAULT '',      -- 发证机关
  issued_on TEXT,
  expires_on TEXT,
  status TEXT NOT NULL CHECK (status IN ('valid', 'suspended', 'revoked', 'cancelled', 'expired')),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX certificates_institution ON certificates (institution_id);

-- Every status a certificate has had, with the date it took effect (so "valid on date D" has an
-- exact answer).
CREATE TABLE certificate_status_history (
  id {{PK}},
  certificate_id BIGINT NOT NULL REFERENCES certificates (id),
  status TEXT NOT NULL CHECK (status IN ('valid', 'suspended', 'revoked', 'cancelled', 'expired')),
  effective_on TEXT NOT NULL,
  reason TEXT NOT NULL DEFAULT '',
  recorded_at TEXT NOT NULL
);
CREATE INDEX certificate_status_history_cert ON certificate_status_history (certificate_id, effective_on);

CREATE TABLE standards (
  id {{PK}},
  number TEXT NOT NULL UNIQUE,          -- canonical, base/standard_no.h: 'GB/T 5750.6-2023'
  number_key TEXT NOT NULL,             -- without the year: 'GB/T 5750.6'
  name TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL CHECK (status IN ('current', 'upcoming', 'abolished')),  -- 现行/即将实施/废止
  published_on TEXT,
  effective_on TEXT,
  abolished_on TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX standards_by_number_key ON standards (number_key);

-- 'replaced' replaced by 'replacement' (a graph: one standard may replace several and be
-- replaced by several, across prefixes).
CREATE TABLE standard_replacements (
  replaced TEXT NOT NULL,
  replacement TEXT NOT NULL,
  PRIMARY KEY (replaced, replacement)
);
CREATE INDEX standard_replacements_replacement ON standard_replacements (replacement);

-- 能力附表 rows. institution_id is copied from the certificate for scoped queries.
CREATE TABLE capabilities (
  id {{PK}},
  certificate_id BIGINT NOT NULL REFERENCES certificates (id),
  institution_id BIGINT NOT NULL REFERENCES institutions (id),
  category TEXT NOT NULL DEFAULT '',    -- 类别 (食品, 水质, 机动车, ...)
  object TEXT NOT NULL DEFAULT '',      -- 产品/对象
  item TEXT NOT NULL DEFAULT '',        -- 项目/参数
  parameter TEXT NOT NULL DEFAULT '',   -- 参数
  standard_no TEXT NOT NULL,            -- canonical when it parses, else as given
  standard_key TEXT NOT NULL,           -- without the year, for matching across editions
  standard_name TEXT NOT NULL DEFAULT '',
  limitation TEXT NOT NULL DEFAULT '',  -- 限制范围
  approved_on TEXT,                     -- 批准日期
  valid_from TEXT,                      -- in scope from (default: approved_on)
  valid_to TEXT,                        -- in scope until (NULL: open)
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  UNIQUE (certificate_id, category, object, item, parameter, standard_no)
);
CREATE INDEX capabilities_institution ON capabilities (institution_id);
CREATE INDEX capabilities_standard_key ON capabilities (standard_key);
CREATE INDEX capabilities_standard_no ON capabilities (standard_no);
CREATE INDEX capabilities_item ON capabilities (item);

CREATE TABLE people (
  id {{PK}},
  institution_id BIGINT NOT NULL REFERENCES institutions (id),
  name TEXT NOT NULL,
  id_hash TEXT NOT NULL,                -- keyed hash of the 身份证号 (registry/identity.h), never the number
  title TEXT NOT NULL DEFAULT '',       -- 职称
  roles TEXT NOT NULL DEFAULT '',       -- '|技术负责人|授权签字人|'
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  UNIQUE (institution_id, id_hash)
);
CREATE INDEX people_id_hash ON people (id_hash);

-- 授权签字领域 with the period of the authorisation.
CREATE TABLE signatory_fields (
  id {{PK}},
  person_id BIGINT NOT NULL REFERENCES people (id),
  field TEXT NOT NULL,
  authorized_from TEXT,
  authorized_to TEXT,
  UNIQUE (person_id, field)
);

CREATE TABLE equipment (
  id {{PK}},
  institution_id BIGINT NOT NULL REFERENCES institutions (id),
  name TEXT NOT NULL,
  model TEXT NOT NULL DEFAULT '',       -- 型号规格
  serial TEXT NOT NULL,                 -- 出厂编号
  calibration_due TEXT,                 -- 检定/校准有效期至
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  UNIQUE (institution_id, name, serial)
);
CREATE INDEX equipment_calibration_due ON equipment (calibration_due);

-- 严重违法失信名单 ('serious-dishonesty') and 经营异常名录 ('abnormal-operation').
CREATE TABLE credit_flags (
  id {{PK}},
  institution_id BIGINT NOT NULL REFERENCES institutions (id),
  kind TEXT NOT NULL CHECK (kind IN ('serious-dishonesty', 'abnormal-operation')),
  listed_on TEXT NOT NULL,
  removed_on TEXT,
  authority TEXT NOT NULL DEFAULT '',
  reason TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  UNIQUE (institution_id, kind, listed_on)
);

CREATE TABLE penalties (
  id {{PK}},
  institution_id BIGINT NOT NULL REFERENCES institutions (id),
  decision_no TEXT NOT NULL UNIQUE,     -- 行政处罚决定书文号
  decided_on TEXT NOT NULL,
  authority TEXT NOT NULL DEFAULT '',
  violation TEXT NOT NULL DEFAULT '',
  legal_basis TEXT NOT NULL DEFAULT '',
  amount_yuan DOUBLE PRECISION,
  created_at TEXT NOT NULL
);
CREATE INDEX penalties_institution ON penalties (institution_id, decided_on);
