// The rule catalogue of the checks module: rules declared as reviewed data, bound to code by id.
//
// Purpose: every rule of a rule set (registry data quality: data/rules/quality.tsv; report
// compliance: data/rules/compliance.tsv) is one row of a TSV file compiled into the binary. A row
// carries what a reviewer must be able to read and change without touching code: the stable id,
// category, severity, the entity and field(s) concerned, default parameters, the legal or standard
// basis as (regulation, version, article) entries resolved against data/rules/regulations.tsv, a
// confidence tag for that basis, the finding code of compliance-rules.md §6 and the messages in
// Chinese and English. The rule logic lives in C++ (quality.h, compliance.h) as pure functions
// bound to the rows by id; a test fails when a row has no code or code has no row.
//
// File format (tab-separated, UTF-8): lines starting with '#' are comments; the first other line
// is the header naming the columns (any order; unknown columns are refused):
//   id category severity entity fields params basis confidence taxonomy message_zh message_en
//   - id: [a-z0-9.-]+, unique, starting with "<category>."; never renamed (stored findings and
//     their fingerprints refer to it).
//   - category / entity: one of the rule set's (RuleSetSpec); severity: error, warning, suspect
//     (a check failed that real, legal data may fail too; verify before acting), info.
//   - fields: comma-separated field names (at least one); findings name one of them.
//   - params: NAME=INTEGER entries separated by ';' ("days=90"), "" for none.
//   - basis: KEY@VERSION[:ARTICLE] entries separated by ';' ("SAMR-39@2021:7;SAMR-39@2025:8"),
//     each (KEY, VERSION) a row of the regulations table; "" when no regulation applies.
//   - confidence: S, S3, M or I (compliance-rules.md tags); taxonomy: free ("D1", "R9", "").
// The regulations table (data/rules/regulations.tsv) has the header
//   key version title_zh title_en instrument date confidence source
// with (key, version) unique.
//
// Version: the lowercase hex SHA-256 of the rule file's bytes, then "\n", then the regulations
// file's bytes; stored with every run so that a result names exactly the rules that made it.
//
// Ownership: RuleCatalogue is a value; Quality() and Compliance() return process-wide immutable
// instances built from the embedded files on first use (a malformed embedded file aborts: it is a
// build defect that checks_test catches). Thread-safety: immutable after construction; Quality()
// and Compliance() are thread-safe. Errors (kInvalidArgument, detail "FILE:LINE: ..."):
// "rules.bad-file" (no header, unknown or missing column, wrong number of cells), "rules.bad-row"
// (a bad id, category, severity, entity, field list, parameter, confidence or basis entry),
// "rules.duplicate" (an id or a regulation key+version given twice), "rules.unknown-regulation" (a
// basis entry naming no row).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "zhijian/base/result.h"

namespace zhijian::checks {

enum class Severity { kError, kWarning, kSuspect, kInfo };
// "error", "warning", "suspect", "info".
const char* SeverityName(Severity s);
std::optional<Severity> ParseSeverity(std::string_view text);

// One regulation or standard, in one version.
struct Regulation {
  std::string key;         // "SAMR-39"
  std::string version;     // "2021"
  std::string title_zh;    // 检验检测机构监督管理办法
  std::string title_en;    // Measures for the Supervision and Administration of ...
  std::string instrument;  // 国家市场监督管理总局令第39号
  std::string date;        // in force / published ("2021-06-01", or a year)
  std::string confidence;  // S, S3, M, I
  std::string source;      // where it was read
};

// One entry of a rule's basis: KEY@VERSION[:ARTICLE].
struct LegalBasis {
  std::string regulation;  // key
  std::string version;
  std::string article;  // "7", "14(4)", "" (the whole document)
  // "SAMR-39@2021:7" (the spelling of the rule file).
  std::string ToString() const;
};

struct RuleDef {
  std::string id;        // "consistency.person.two-institutions"
  std::string category;  // "consistency"
  Severity severity = Severity::kWarning;
  std::string entity;                                   // "person"
  std::vector<std::string> fields;                      // {"id_hash"}
  std::vector<std::pair<std::string, int64_t>> params;  // defaults, in file order
  std::vector<LegalBasis> basis;
  std::string confidence;  // S, S3, M, I
  std::string taxonomy;    // "D3", ""
  std::string message_zh;
  std::string message_en;

  // The default of parameter `name`, or `fallback` when the row has none.
  int64_t Param(std::string_view name, int64_t fallback) const;
  bool HasField(std::string_view field) const;
};

// What a rule set allows in its rows.
struct RuleSetSpec {
  std::string name;  // "quality"
  std::vector<std::string> categories;
  std::vector<std::string> entities;
};

// The quality set: categories completeness, format, consistency, timeliness; entities
// institution, certificate, capability, person, equipment, standard.
const RuleSetSpec& QualityRuleSet();
// The compliance set (compliance.h): the 11 finding categories (institution-mismatch,
// no-valid-certificate, out-of-scope, standard-obsolete, signatory-unauthorized, date-order,
// implausible-duration, verdict-inconsistent, mark-misuse, missing-content,
// duplicate-report-number); entities report, test_line, signatory.
const RuleSetSpec& ComplianceRuleSet();

class RuleCatalogue {
 public:
  // Parses a rule file of `spec`'s set against a regulations table (formats above).
  // `file_name` only labels error details.
  static Result<RuleCatalogue> FromTsv(std::string_view rules_tsv, std::string_view regulations_tsv,
                                       const RuleSetSpec& spec,
                                       std::string_view file_name = "rules.tsv");
  // The embedded data/rules/quality.tsv with data/rules/regulations.tsv.
  static const RuleCatalogue& Quality();
  // The embedded data/rules/compliance.tsv with data/rules/regulations.tsv.
  static const RuleCatalogue& Compliance();

  const std::string& set_name() const { return set_name_; }
  // Rows in file order.
  const std::vector<RuleDef>& rules() const { return rules_; }
  const RuleDef* Find(std::string_view id) const;
  const std::vector<Regulation>& regulations() const { return regulations_; }
  const Regulation* FindRegulation(std::string_view key, std::string_view version) const;
  // See "Version" above (64 lowercase hex digits).
  const std::string& version() const { return version_; }

 private:
  std::string set_name_;
  std::vector<RuleDef> rules_;
  std::vector<Regulation> regulations_;
  std::string version_;
};

// The minimum test periods of the compliance rule implausible-duration
// (data/rules/durations.tsv; format in its header comment and docs/compliance-checks.md):
// columns standard, item, min_days, confidence, source.
struct DurationRow {
  std::string standard;  // canonical number without the year ("GB 4789.2"), "" = any
  std::string item;      // text contained in the item or parameter, "" = any
  int64_t min_days = 0;  // >= 1
  std::string confidence;
  std::string source;
};

class DurationTable {
 public:
  // Errors as for rule files: "rules.bad-file", "rules.bad-row" (a standard that does not parse
  // or carries a year, both standard and item empty, min_days not a positive integer, an
  // unknown confidence, an empty source).
  static Result<DurationTable> FromTsv(std::string_view tsv,
                                       std::string_view file_name = "durations.tsv");
  // The embedded data/rules/durations.tsv.
  static const DurationTable& Embedded();

  const std::vector<DurationRow>& rows() const { return rows_; }
  // The lowercase hex SHA-256 of the file's bytes.
  const std::string& version() const { return version_; }

 private:
  std::vector<DurationRow> rows_;
  std::string version_;
};

}  // namespace zhijian::checks
