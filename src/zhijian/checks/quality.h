// Registry data-quality rules (智查, issue 6): pure functions over a Snapshot, and the rates.
//
// Purpose: `Evaluate` runs every rule of the quality catalogue (rules.h, data/rules/quality.tsv)
// over a registry snapshot (snapshot.h) on an injected date `today`, and returns the findings
// and the completeness / correctness / timeliness counts per region, institution, entity and
// field. Each catalogue row is bound to its C++ function by id (QualityRuleIdsWithCode); the
// row gives category, severity, fields, parameters, basis and messages. Nothing here reads the
// clock or the database. docs/data-quality.md describes every rule and the rate denominators.
//
// Semantics shared by the rules (the same as registry/query/query.h where both define one):
//   - A certificate's status on day D is its latest history entry effective on or before D (ties:
//     the later entry); without one, its recorded status. It is valid on D when that status is
//     "valid" and issued ≤ D ≤ expires (unknown dates do not bound).
//   - A capability row is in scope on D when valid_from (or approved_on) ≤ D and D ≤ valid_to
//     (unknown bounds are open).
//   - A standard is abolished on D when its abolition date is ≤ D, or its status is "abolished"
//     without a date. It is replaced on D when a replacing standard is in force on D: catalogued
//     with effective_on ≤ D, or without an effective date and a status other than "upcoming"
//     (query.h also counts an undated "upcoming" replacement as replacing; see
//     docs/data-quality.md). A number not in the catalogue is "unknown".
// Region runs: findings are produced for in-scope records only; the duplicate rules compare
// against every institution (and against external_people), and the standards-catalogue rules
// run only when the snapshot covers the whole registry (region_prefix "").
//
// Finding identity: `Fingerprint` = the first 32 hex digits of SHA-256 over
// "zhijian-quality-v1\x1f" + rule id + "\x1f" + entity + "\x1f" + record id (decimal) + "\x1f" +
// field, so that the same defect of the same record is recognisable across runs. Record ids are
// the registry's database ids, which re-imports keep (upserts by business key).
//
// Thread-safety: pure functions; Evaluate may run concurrently on shared snapshots.
// Errors: "quality.bad-date" (today is not YYYY-MM-DD), "quality.bad-param" (an override names
// no parameter of that rule), "quality.unbound-rule" (a catalogue row without code: kInternal).
#pragma once

#include <compare>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "zhijian/base/result.h"
#include "zhijian/checks/rules.h"
#include "zhijian/checks/snapshot.h"

namespace zhijian::checks {

enum class Entity { kInstitution, kCertificate, kCapability, kPerson, kEquipment, kStandard };
inline constexpr int kEntityCount = 6;
// "institution", "certificate", "capability", "person", "equipment", "standard" (the entity
// names of the rule file).
const char* EntityName(Entity e);
std::optional<Entity> ParseEntity(std::string_view name);

// ---- shared semantics (see the top comment; the compliance rules use them too) ----
// Whether `from` <= d <= `to`, an unknown (kNoDay) bound being open.
bool PeriodContains(Day from, Day to, Day d);
registry::CertStatus CertificateStatusOn(const SnapCertificate& c, Day d);
bool CertificateValidOn(const SnapCertificate& c, Day d);
bool CapabilityInScopeOn(const SnapCapability& c, Day d);
enum class StandardState { kInForce, kUpcoming, kAbolished, kReplaced, kUnknown };
const char* StandardStateName(StandardState s);  // "in-force", "upcoming", ...
StandardState StandardStateOn(const Snapshot& snap, int32_t standard_index, Day d);
// The same for a catalogued standard `s` outside a Snapshot: `find` returns the catalogued
// standard of a canonical number (a replacement), or nullptr.
StandardState StandardStateOf(const SnapStandard& s,
                              const std::function<const SnapStandard*(std::string_view)>& find,
                              Day d);
// The comparison form of an institution name for the duplicate-name rule: full-width ASCII
// folded, ASCII upper-cased, whitespace and punctuation (ASCII and CJK: （）()【】[]·.,，、-—_ and
// the like) removed, then ONE trailing legal-form suffix removed: 股份有限公司, 有限责任公司,
// 有限公司, 公司 (longest first). Two institutions of one prefecture (first four region digits)
// with equal non-empty forms are near-identical.
std::string NormalizeInstitutionName(std::string_view name);
// Whether a professional title is below intermediate (中级): 技术员, 员级 / 初级 titles and any
// title starting with 助理 (助理工程师, ...). Unknown titles are not below.
bool TitleBelowIntermediate(std::string_view title);
// See "Finding identity" above.
std::string Fingerprint(std::string_view rule_id, Entity entity, int64_t record_id,
                        std::string_view field);

struct Finding {
  const RuleDef* rule = nullptr;  // into the catalogue passed to Evaluate
  Entity entity = Entity::kInstitution;
  uint32_t index = 0;  // the record's index in its snapshot vector
  int64_t record_id = 0;
  std::string field;                                          // one of rule->fields
  std::vector<std::pair<std::string, std::string>> evidence;  // the values concerned
  int64_t institution_id = 0;                                 // 0: none (standards)
  std::string region_code;                                    // the institution's, "" for none
  std::string record_key;   // human-readable: USCC, certificate number, "cert · item · std", ...
  std::string fingerprint;  // Fingerprint(...)
};

struct ParamOverride {
  std::string rule_id;
  std::string name;
  int64_t value = 0;
};

struct QualityOptions {
  std::string today;  // "YYYY-MM-DD", required
  std::vector<ParamOverride> overrides;
};

// Counts of one (region, institution, entity, field) cell. A record is "incomplete" on a field
// when it has a completeness finding there, "incorrect" with a format or consistency finding,
// "untimely" with a timeliness finding; field "" counts records with such a finding on any field.
struct RateCounts {
  int64_t records = 0;
  int64_t incomplete = 0;
  int64_t incorrect = 0;
  int64_t untimely = 0;
  int64_t findings = 0;  // findings (not records); field "" only
  friend bool operator==(const RateCounts&, const RateCounts&) = default;
};

// The three rates of docs/data-quality.md: (records − incomplete) / records, (records −
// incorrect) / records, (records − untimely) / records; 1 when there are no records.
double CompletenessRate(const RateCounts& c);
double CorrectnessRate(const RateCounts& c);
double TimelinessRate(const RateCounts& c);

// institution_id 0 = all institutions of the region (county); region "" with institution 0 =
// the standards catalogue. Institution cells exist for field "" only.
struct RateKey {
  std::string region_code;
  int64_t institution_id = 0;
  std::string entity;
  std::string field;
  friend auto operator<=>(const RateKey&, const RateKey&) = default;
};

struct QualityResult {
  std::string today;
  std::string region_prefix;
  std::string rules_version;
  std::vector<ParamOverride> params;  // every parameter in effect (defaults and overrides)
  std::vector<Finding> findings;      // by rule (catalogue order), entity, record id, field
  std::map<RateKey, RateCounts> rates;
  int64_t institutions = 0;                // in scope
  std::map<std::string, int64_t> records;  // per entity name
  std::map<std::string, int64_t> by_rule;  // findings per rule id (every rule, zeros too)
  std::map<std::string, int64_t> by_category;
  std::map<std::string, int64_t> by_severity;
};

Result<QualityResult> Evaluate(const Snapshot& snap, const RuleCatalogue& rules,
                               const QualityOptions& options);

// The rule ids that have code, in binding order.
std::vector<std::string> QualityRuleIdsWithCode();
// The fields of each entity that some rule of `rules` names, in first-seen order.
std::vector<std::string> EntityFields(const RuleCatalogue& rules, Entity e);

}  // namespace zhijian::checks
