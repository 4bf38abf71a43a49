// Report compliance checks (智识, issue 5): pure rules over one test report and what the registry
// knew about its institution as of the report's dates; every finding cites its legal basis.
//
// Purpose: `Check` runs every rule of the compliance catalogue (rules.h,
// data/rules/compliance.tsv) over a report (report_facts.h: from a registration or read from a
// document by intake) and its `RegistryFacts`, and returns the findings. Each catalogue row is
// bound to its C++ function by id (ComplianceRuleIdsWithCode); the row gives the category (one of
// the 11 codes of ComplianceRuleSet), severity, fields, basis and messages. Nothing here reads the
// clock or the database: `today` is injected, the facts are loaded by compliance_store.h (from
// the store) or read from golden files (compliance_golden.h). docs/compliance-checks.md describes
// every rule, its evidence and its basis.
//
// The facts "as of" the report (a superset is fine: Check picks what it needs):
//   - institutions: the one with the report's USCC, every one whose name (compared as
//     NormalizeInstitutionName, quality.h) is the printed name, the owner of the cited
//     certificate, and every institution of a person below;
//   - certificates: every one of the report's institution, with status history (SnapCertificate,
//     `inst` indexing `institutions`), and the cited one whoever holds it;
//   - capabilities: every capability-scope row of the institution's certificates;
//   - people: every person of the institution with roles and signatory fields (SnapPerson,
//     `inst` indexing `institutions`), and every registration of the same ID hash elsewhere;
//   - standards: every cited method standard (canonical number) and every standard replacing one;
//   - reports: the institution's registered reports with the report's number.
// The report's institution ("subject") is the one with its USCC; without a USCC, or with one the
// registry does not know, the only institution with the printed name. When the USCC belongs to
// one institution but the printed name and the cited certificate both to another (the only one
// of that name), two identifiers outweigh one: the subject is the other institution.
//
// Dates. The checks use, from the report: the issue date (certificates, signatories, the basis);
// the test date = test start, else test end, receipt, sampling or issue date (capability scope,
// method standards); all five for their order. Semantics shared with the data-quality rules
// (quality.h): a certificate is valid on D (CertificateValidOn), a scope row or authorisation
// period contains D (PeriodContains), a standard's state on D (StandardStateOf).
//
// Legal basis by date: a rule's basis may list a renumbered regulation under several versions
// (SAMR-39@2021:11;SAMR-39@2025:12); a finding cites, per regulation, only the version in force
// on the basis date — the latest version whose date (regulations.tsv) is on or before it, or
// the earliest when the date precedes them all. The basis date is the issue date, else the test
// end, test start, receipt or sampling date, else `today`.
//
// Certainty. A document read by OCR carries a confidence per field and per test line
// (report_facts.h). A finding rests on its own field (and test line) and on the report facts its
// evidence names (a date order on both dates, a mark misused for out-of-scope lines on those
// lines); its `confidence` is the lowest of theirs (1 for registrations and text layers). A
// reading that is exactly one of the registry's identifiers is corroborated and counts as
// certain: a USCC the registry knows, a name of a registered institution, a registered
// certificate number, a signer's name of a person of the report's institution (a misreading
// that happens to give another registered identifier is improbable) — unless intake corrected
// the reading to it (hints: the correction is the unsure part). Below
// CheckOptions::min_confidence the finding is `unconfirmed` ("请人工核对 / verify by eye"): same
// rule, category, evidence and basis, but a reading OCR was unsure of may be the whole defect.
// A reading intake corrected against the registry (report_facts.h Correction) is shown in the
// finding's report evidence as "<field>_as_read" with the text OCR read.
//
// Thread-safety: pure functions; Check may run concurrently (the embedded catalogue and duration
// table are immutable).
// Errors: none; a catalogue row without code is a build defect caught by checks_test (Check
// skips it).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "zhijian/base/standard_no.h"
#include "zhijian/checks/quality.h"
#include "zhijian/checks/report_facts.h"
#include "zhijian/checks/rules.h"
#include "zhijian/checks/snapshot.h"

namespace zhijian::checks {

struct FactsInstitution {
  int64_t id = 0;  // registry id (0 when the facts come from a golden file)
  std::string uscc;
  std::string name;
  std::string region_code;
};

// One capability-scope row (能力附表) of a certificate.
struct FactsCapability {
  uint32_t cert = 0;  // index into RegistryFacts::certificates
  std::string category;
  std::string object;
  std::string item;
  std::string parameter;
  std::string standard_no;  // canonical when it parses (registry), else as given
  std::string limitation;   // 限制范围
  Day valid_from = kNoDay;  // COALESCE(valid_from, approved_on)
  Day valid_to = kNoDay;
};

// A report registered in the ledger.
struct FactsReport {
  uint32_t inst = 0;  // index into institutions
  std::string code;
  std::string report_no;
  std::string issue_date;
  std::string document_sha256;  // 64 lowercase hex digits
  std::string status;           // valid, corrected, revoked
};

struct RegistryFacts {
  std::vector<FactsInstitution> institutions;
  std::vector<SnapCertificate> certificates;  // inst: index into institutions
  std::vector<FactsCapability> capabilities;
  std::vector<SnapPerson> people;  // inst: index into institutions
  std::vector<SnapStandard> standards;
  std::vector<FactsReport> reports;
};

// The default of CheckOptions::min_confidence, chosen on the generated scan corpus
// (docs/compliance-checks.md "Certainty").
inline constexpr double kDefaultMinConfidence = 0.8;

struct CheckOptions {
  Day today = kNoDay;  // the day of the check (required)
  // A finding resting on a field read with a lower confidence is unconfirmed (see "Certainty").
  double min_confidence = kDefaultMinConfidence;
  const RuleCatalogue* rules = nullptr;      // nullptr: RuleCatalogue::Compliance()
  const DurationTable* durations = nullptr;  // nullptr: DurationTable::Embedded()
};

using EvidenceList = std::vector<std::pair<std::string, std::string>>;

struct ComplianceFinding {
  const RuleDef* rule = nullptr;  // into the catalogue of the options
  std::string field;              // one of rule->fields
  int line = 0;                   // 1-based test line; 0 = the report (or a signer) as a whole
  std::string value;              // the report's value of `field` ("" when it is missing)
  EvidenceList report;            // further report facts shown as evidence (name, value)
  EvidenceList registry;          // the registry (or reference-table) facts concerned
  std::string basis_date;         // YYYY-MM-DD the basis was resolved on
  std::vector<LegalBasis> basis;  // the rule's basis, one version per regulation
  double confidence = 1.0;        // lowest confidence of the facts it rests on (see "Certainty")
  bool confirmed = true;          // confidence >= CheckOptions::min_confidence
};

// "confirmed", "unconfirmed".
const char* CertaintyName(bool confirmed);

// Runs every rule (catalogue order; within a rule by test line, then signer or field).
std::vector<ComplianceFinding> Check(const ReportFacts& report, const RegistryFacts& as_of,
                                     const CheckOptions& options);

// The rule ids that have code, in binding order.
std::vector<std::string> ComplianceRuleIdsWithCode();

// The report's institution among the facts (see "subject" above), as an index into
// as_of.institutions.
std::optional<uint32_t> SubjectOf(const ReportFacts& report, const RegistryFacts& as_of);
// The method standard a test line's text cites: the first standard number in it (the text may
// go on with a clause or a second standard: "GB 5009.12—2017 第一法"); nullopt when none parses.
std::optional<StandardNo> CitedStandard(std::string_view text);

// The minimum test period in days that `table` states for a test line (the largest min_days of
// the rows its method standard and item or parameter match; 0 when none), as the
// implausible-duration rule reads it. The corpus generator plans its dates with it.
int MinTestDays(const ledger::TestLine& line, const DurationTable& table);
// The basis date of a report (see the top comment).
Day BasisDate(const ReportFacts& report, Day today);
// `rule`'s basis as cited on `date` (see the top comment).
std::vector<LegalBasis> ResolveBasis(const RuleCatalogue& rules, const RuleDef& rule, Day date);
// A citation for people: 《检验检测机构监督管理办法》（国家市场监督管理总局令第39号）第11条 /
// "Measures for ... [2021], Art. 11" (dotted clauses: 第4.5.20条 / "§4.5.20"; "14(4)": 第14条第4项
// / "Art. 14(4)").
std::string CitationText(const RuleCatalogue& rules, const LegalBasis& basis, bool chinese);
// The version of a check: SHA-256 over the catalogue's version and the duration table's.
std::string ComplianceVersion(const CheckOptions& options);

}  // namespace zhijian::checks
