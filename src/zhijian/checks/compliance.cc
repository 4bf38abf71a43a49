#include "zhijian/checks/compliance.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <set>

#include "zhijian/base/date.h"
#include "zhijian/base/digest.h"
#include "zhijian/base/standard_no.h"
#include "zhijian/base/utf8.h"
#include "zhijian/checks/limits.h"

namespace zhijian::checks {

namespace {

using registry::CertStatus;

constexpr std::string_view kSignatoryRole = "授权签字人";

// ---- text keys --------------------------------------------------------------------------------

// The comparison key of an item, parameter, category or name (limits.h normalisation).
std::string Key(std::string_view s) { return NormalizeReportText(s); }

// The key without one trailing parenthesised annotation ("铅(以pb计)" -> "铅"); "" when the key
// has none (the base is the key itself).
std::string_view BaseKey(std::string_view key) {
  if (key.empty() || key.back() != ')') return {};
  int depth = 0;
  for (size_t i = key.size(); i-- > 0;) {
    if (key[i] == ')') ++depth;
    if (key[i] == '(' && --depth == 0) return key.substr(0, i);
  }
  return {};
}

// A key and its base (BaseKey, "" = the key).
std::string_view BaseOf(std::string_view key, std::string_view base) {
  return base.empty() ? key : base;
}

bool Contains(std::string_view s, std::string_view p) {
  return !p.empty() && s.find(p) != std::string_view::npos;
}

// See compliance.h (CitedStandard).
std::optional<StandardNo> FirstStandard(std::string_view text) {
  std::string t;
  size_t i = 0;
  while (i < text.size()) {
    const size_t at = i;
    auto cp = DecodeUtf8(text, &i);
    if (!cp) break;
    const char32_t c = *cp;
    const bool keep = c < 0x80 || (c >= 0xFF01 && c <= 0xFF5E) || c == 0x3000 || c == U'—' ||
                      c == U'–' || c == U'－';
    if (!keep) break;
    if (c == U',' || c == U';' || c == U'(' || c == U'（' || c == U'，' || c == U'；') break;
    t.append(text.substr(at, i - at));
  }
  auto parsed = StandardNo::Parse(t);
  if (parsed) return *parsed;
  // "GB 5009.12-2017 GB 2762-2022": cut at the last space before a letter and retry once.
  const size_t sp = t.find(' ', t.find_first_of("0123456789"));
  if (sp != std::string::npos) {
    auto first = StandardNo::Parse(t.substr(0, sp));
    if (first) return *first;
  }
  return std::nullopt;
}

std::string Join(const std::vector<std::string>& v, std::string_view sep) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) {
    if (i) out += sep;
    out += v[i];
  }
  return out;
}

std::string Period(Day from, Day to) {
  return (from == kNoDay ? std::string("…") : DayText(from)) + ".." +
         (to == kNoDay ? std::string("…") : DayText(to));
}

// "valid", "suspended", …, or "not-yet-issued" / "expired" by the certificate's dates.
std::string CertStateOn(const SnapCertificate& c, Day d) {
  if (c.issued != kNoDay && d < c.issued) return "not-yet-issued";
  const CertStatus s = CertificateStatusOn(c, d);
  if (s == CertStatus::kValid && c.expires != kNoDay && d > c.expires) return "expired";
  return registry::CertStatusName(s);
}

std::string CertFact(const SnapCertificate& c, Day d) {
  return CertStateOn(c, d) + " on " + DayText(d) + " (" + Period(c.issued, c.expires) + ")";
}

Day RegulationDay(std::string_view date) {
  if (date.size() == 4) return ToDay(std::string(date) + "-01-01");
  return ToDay(date);
}

// The institutions with the report's USCC (the first) and with its printed name.
void FindInstitution(const ReportFacts& r, const RegistryFacts& f, std::optional<uint32_t>* by_uscc,
                     std::vector<uint32_t>* by_name) {
  const std::string uscc = Key(r.report.institution);
  const std::string name_key =
      r.institution_name.empty() ? std::string() : NormalizeInstitutionName(r.institution_name);
  for (uint32_t i = 0; i < f.institutions.size(); ++i) {
    if (!uscc.empty() && Key(f.institutions[i].uscc) == uscc && !*by_uscc) *by_uscc = i;
    if (!name_key.empty() && NormalizeInstitutionName(f.institutions[i].name) == name_key) {
      by_name->push_back(i);
    }
  }
}

// ---- the context of one check -----------------------------------------------------------------

struct DateField {
  const char* name;
  const std::string* text;
};

enum class Scope { kUnjudged, kIn, kOutItem, kOutMethod, kOutLimitation, kEdition };

// Comparison keys are views: into the report's or the facts' own texts when those are already
// normal (IsNormalReportText), else into Ctx::owned_.
struct LineInfo {
  std::string_view item, item_base, param, param_base;
  std::array<size_t, 4> hash{};  // of item, param, BaseOf(item), BaseOf(param); 0 when empty
  std::optional<StandardNo> standard;
  Scope scope = Scope::kUnjudged;
  EvidenceList scope_evidence;
  std::vector<std::string> categories;  // of the matching in-scope rows
};

struct RowInfo {
  std::string_view item, item_base, param, param_base;
  std::array<size_t, 4> hash{};  // as LineInfo::hash
  bool active = false;           // certificate valid and row in scope on the test date
};

// The hashes of a key set (LineInfo::hash).
template <typename T>
void HashKeys(T* info) {
  const std::hash<std::string_view> h;
  const std::string_view keys[4] = {info->item, info->param, BaseOf(info->item, info->item_base),
                                    BaseOf(info->param, info->param_base)};
  for (size_t i = 0; i < 4; ++i) info->hash[i] = keys[i].empty() ? 0 : h(keys[i]) | 1;
}

class Ctx {
 public:
  Ctx(const ReportFacts& r, const RegistryFacts& f, const CheckOptions& o,
      const RuleCatalogue& rules, const DurationTable& durations,
      std::vector<ComplianceFinding>* out)
      : r(r),
        f(f),
        rules(rules),
        durations(durations),
        today(o.today),
        min_confidence_(o.min_confidence),
        out_(out) {
    Prepare();
  }

  // The next Add also rests on these cells (by column name) of these test lines (0-based),
  // besides its own field and evidence.
  void RestsOnLines(std::vector<size_t> lines, std::vector<std::string> columns) {
    rests_on_lines_ = std::move(lines);
    rests_on_columns_ = std::move(columns);
  }

  void Begin(const RuleDef& rule) {
    rule_ = &rule;
    basis_resolved_ = false;
    rests_on_lines_.clear();
    rests_on_columns_.clear();
  }

  void Add(std::string field, int line, std::string value, EvidenceList report,
           EvidenceList registry) {
    ComplianceFinding fnd;
    fnd.rule = rule_;
    fnd.field = std::move(field);
    fnd.line = line;
    fnd.value = std::move(value);
    fnd.report = std::move(report);
    fnd.registry = std::move(registry);
    Certainty(&fnd);
    fnd.basis_date = DayText(basis_day);
    if (!basis_resolved_) {
      basis_ = ResolveBasis(rules, *rule_, basis_day);
      basis_resolved_ = true;
    }
    fnd.basis = basis_;
    out_->push_back(std::move(fnd));
  }

  const ReportFacts& r;
  const RegistryFacts& f;
  const RuleCatalogue& rules;
  const DurationTable& durations;
  Day today;
  Day issue = kNoDay, test_day = kNoDay, basis_day = kNoDay;
  std::optional<uint32_t> by_uscc;
  std::vector<uint32_t> by_name;
  std::optional<uint32_t> subject;
  std::vector<uint32_t> subject_certs;
  bool valid_on_issue = false;  // some certificate of the subject
  bool valid_on_test = false;
  std::optional<uint32_t> cited_cert;  // the certificate with the cited number
  std::vector<LineInfo> lines;
  std::vector<RowInfo> rows;  // per capability (only the subject's are filled)
  std::set<std::string> categories;
  std::vector<std::string> signers;  // names as printed, deduplicated by key
  std::string sample_key;

  const RuleDef& Rule() const { return *rule_; }
  const FactsInstitution& Inst(uint32_t i) const { return f.institutions[i]; }
  std::string InstText(uint32_t i) const {
    return f.institutions[i].name + " (" + f.institutions[i].uscc + ")";
  }
  bool SubjectOwns(const FactsCapability& c) const {
    return subject && c.cert < f.certificates.size() && f.certificates[c.cert].inst == *subject;
  }

 private:
  void Prepare();
  void JudgeScope(LineInfo& line);

  // compliance.h "Certainty": a reading that is exactly one of the registry's identifiers is
  // corroborated (certain), unless intake corrected it to that identifier.
  bool Corroborated(const std::string& name, const std::string& value) const;
  double FieldConfidence(const std::string& name, const std::string& value = {}) const {
    auto it = r.confidence.find(name);
    if (it == r.confidence.end()) return 1.0;
    return it->second < 1 && Corroborated(name, value) ? 1.0 : it->second;
  }
  // The lowest confidence of `columns` of test line i (0-based): by cell where intake gave
  // cells, else the line's; 1 past the lines read.
  double LineConfidence(size_t i, const std::vector<std::string>& columns) const {
    if (i < r.cell_confidence.size()) {
      double c = 1;
      bool any = false;
      for (const std::string& col : columns) {
        auto it = r.cell_confidence[i].find(col);
        if (it == r.cell_confidence[i].end()) continue;
        c = std::min(c, it->second);
        any = true;
      }
      if (any) return c;
    }
    return i < r.line_confidence.size() ? r.line_confidence[i] : 1.0;
  }
  // compliance.h "Certainty": the lowest confidence of what the finding rests on, and the
  // readings of those fields that intake corrected.
  void Certainty(ComplianceFinding* fnd) {
    double c = FieldConfidence(fnd->field, fnd->value);
    std::vector<std::string> columns{fnd->field};
    for (const auto& [name, value] : fnd->report) {
      c = std::min(c, FieldConfidence(name, value));
      columns.push_back(name);
    }
    if (fnd->line > 0) {
      const size_t i = static_cast<size_t>(fnd->line - 1);
      c = std::min(c, LineConfidence(i, columns));
      // An empty cell of a line read by OCR ("missing method") was not read at all: unsure.
      if (fnd->value.empty() && i < r.cell_confidence.size() &&
          !r.cell_confidence[i].count(fnd->field)) {
        c = 0;
      }
    }
    for (size_t i : rests_on_lines_) c = std::min(c, LineConfidence(i, rests_on_columns_));
    rests_on_lines_.clear();
    rests_on_columns_.clear();
    fnd->confidence = c;
    fnd->confirmed = c >= min_confidence_;
    for (const Correction& k : r.corrections) {
      const bool same = k.field == "standard" ? fnd->line == k.line && fnd->field == "standard"
                        : k.field == "approver"
                            ? fnd->field == "signatories" && fnd->value == k.corrected
                            : fnd->field == k.field;
      if (same) fnd->report.emplace_back(k.field + "_as_read", k.read);
    }
  }
  std::string_view KeyView(const std::string& raw) {
    if (IsNormalReportText(raw)) return raw;
    owned_.push_back(NormalizeReportText(raw));
    return owned_.back();
  }

  std::deque<std::string> owned_;  // keys that differ from their texts (stable addresses)
  double min_confidence_;
  std::vector<size_t> rests_on_lines_;
  std::vector<std::string> rests_on_columns_;

  const RuleDef* rule_ = nullptr;
  std::vector<LegalBasis> basis_;
  bool basis_resolved_ = false;
  std::vector<ComplianceFinding>* out_;
};

void Ctx::Prepare() {
  const ledger::ReportInput& in = r.report;
  issue = ToDay(in.issue_date);
  for (const std::string* d : {&in.test_start_date, &in.test_end_date, &in.receipt_date,
                               &in.sampling_date, &in.issue_date}) {
    if (test_day == kNoDay) test_day = ToDay(*d);
  }
  basis_day = BasisDate(r, today);

  // The institution.
  FindInstitution(r, f, &by_uscc, &by_name);
  subject = SubjectOf(r, f);

  // Certificates.
  const std::string cited = Key(in.certificate);
  for (uint32_t c = 0; c < f.certificates.size(); ++c) {
    const SnapCertificate& cert = f.certificates[c];
    if (!cited.empty() && Key(cert.number) == cited && !cited_cert) cited_cert = c;
    if (!subject || cert.inst != *subject) continue;
    subject_certs.push_back(c);
    if (issue != kNoDay && CertificateValidOn(cert, issue)) valid_on_issue = true;
    if (test_day != kNoDay && CertificateValidOn(cert, test_day)) valid_on_test = true;
  }

  // Capability rows of the subject.
  std::vector<uint8_t> cert_valid_on_test(f.certificates.size(), 0);
  for (uint32_t c : subject_certs) {
    cert_valid_on_test[c] =
        test_day != kNoDay && CertificateValidOn(f.certificates[c], test_day) ? 1 : 0;
  }
  rows.resize(f.capabilities.size());
  for (size_t k = 0; k < f.capabilities.size(); ++k) {
    const FactsCapability& c = f.capabilities[k];
    if (!SubjectOwns(c)) continue;
    RowInfo& ri = rows[k];
    ri.item = KeyView(c.item);
    ri.item_base = BaseKey(ri.item);
    ri.param = KeyView(c.parameter);
    ri.param_base = BaseKey(ri.param);
    HashKeys(&ri);
    ri.active = test_day != kNoDay && cert_valid_on_test[c.cert] &&
                PeriodContains(c.valid_from, c.valid_to, test_day);
  }

  // Test lines.
  sample_key = Key(in.sample);
  lines.resize(in.test_lines.size());
  for (size_t i = 0; i < in.test_lines.size(); ++i) {
    const ledger::TestLine& t = in.test_lines[i];
    LineInfo& li = lines[i];
    li.item = KeyView(t.item);
    li.item_base = BaseKey(li.item);
    li.param = KeyView(t.parameter);
    li.param_base = BaseKey(li.param);
    HashKeys(&li);
    li.standard = FirstStandard(t.standard);
    JudgeScope(li);
    for (const auto& c : li.categories) categories.insert(c);
  }

  // Signers: 授权签字人 as registered, and the 批准 of a document.
  std::set<std::string> seen;
  std::vector<std::string> names = in.signatories;
  if (!r.approver.empty()) names.push_back(r.approver);
  for (const auto& n : names) {
    const std::string k = Key(n);
    if (!k.empty() && seen.insert(k).second) signers.push_back(n);
  }
}

// A line names a capability row when one of the line's item/parameter keys equals one of the
// row's, or the base (BaseOf) of one equals the base of one of the row's. Hashes first.
bool NameMatches(const LineInfo& l, const RowInfo& r) {
  const std::string_view lk[4] = {l.item, l.param, BaseOf(l.item, l.item_base),
                                  BaseOf(l.param, l.param_base)};
  const std::string_view rk[4] = {r.item, r.param, BaseOf(r.item, r.item_base),
                                  BaseOf(r.param, r.param_base)};
  for (size_t a = 0; a < 4; ++a) {
    if (l.hash[a] == 0) continue;
    const size_t from = a < 2 ? 0 : 2;  // keys with keys, bases with bases
    for (size_t b = from; b < from + 2; ++b) {
      if (l.hash[a] == r.hash[b] && lk[a] == rk[b]) return true;
    }
  }
  return false;
}

// Whether a 限制范围 text excludes a line: it says 不测/不做/不含/不包括/不检/除…外 and names the
// line's item or parameter, or the report's sample ("不测婴幼儿配方食品").
bool Excludes(const std::string& limitation, const LineInfo& l, const std::string& sample) {
  if (limitation.empty()) return false;
  const std::string k = Key(limitation);
  bool negative = false;
  for (std::string_view w : {"不测", "不做", "不含", "不包括", "不检", "除外", "除"}) {
    negative = negative || Contains(k, w);
  }
  if (!negative) return false;
  return Contains(k, BaseOf(l.item, l.item_base)) || Contains(k, BaseOf(l.param, l.param_base)) ||
         Contains(k, sample);
}

void Ctx::JudgeScope(LineInfo& line) {
  if (!subject || test_day == kNoDay || !valid_on_test) return;  // no-valid-certificate judges
  if (line.item.empty() && line.param.empty()) return;           // missing-content judges
  std::vector<size_t> named, named_inactive;
  for (size_t k = 0; k < rows.size(); ++k) {
    if (!SubjectOwns(f.capabilities[k]) || !NameMatches(line, rows[k])) continue;
    (rows[k].active ? named : named_inactive).push_back(k);
  }
  auto row_text = [&](size_t k) {
    const FactsCapability& c = f.capabilities[k];
    return f.certificates[c.cert].number + " · " + c.category + " · " + c.object + " · " + c.item +
           (c.parameter.empty() ? "" : " · " + c.parameter) + " · " + c.standard_no;
  };
  if (named.empty()) {
    line.scope = Scope::kOutItem;
    for (size_t k : named_inactive) {
      const FactsCapability& c = f.capabilities[k];
      const SnapCertificate& cert = f.certificates[c.cert];
      line.scope_evidence.emplace_back(
          "capability", row_text(k) + " — in scope " + Period(c.valid_from, c.valid_to) +
                            ", certificate " + CertFact(cert, test_day));
    }
    if (line.scope_evidence.empty()) {
      line.scope_evidence.emplace_back("capability",
                                       "no capability row of the institution names this item");
    }
    return;
  }
  for (size_t k : named) {
    const std::string& c = f.capabilities[k].category;
    if (!c.empty() &&
        std::find(line.categories.begin(), line.categories.end(), c) == line.categories.end()) {
      line.categories.push_back(c);
    }
  }
  if (!line.standard) {
    line.scope = Scope::kIn;
    return;
  }
  const std::string cited = line.standard->str();
  const std::string cited_key = line.standard->WithoutYear();
  std::vector<size_t> exact, edition;
  for (size_t k : named) {
    const FactsCapability& c = f.capabilities[k];
    // Registry numbers are canonical when they parse: most rows compare as stored.
    if (c.standard_no == cited) {
      exact.push_back(k);
      continue;
    }
    auto no = StandardNo::Parse(c.standard_no);
    if (no && no->str() == cited) {
      exact.push_back(k);
    } else if (no && no->WithoutYear() == cited_key) {
      edition.push_back(k);
    }
  }
  if (!exact.empty()) {
    const bool all_exclude = std::all_of(exact.begin(), exact.end(), [&](size_t k) {
      return Excludes(f.capabilities[k].limitation, line, sample_key);
    });
    if (all_exclude) {
      line.scope = Scope::kOutLimitation;
      for (size_t k : exact) {
        line.scope_evidence.emplace_back(
            "capability", row_text(k) + " — 限制范围: " + f.capabilities[k].limitation);
      }
    } else {
      line.scope = Scope::kIn;
    }
    return;
  }
  const std::vector<size_t>& shown = edition.empty() ? named : edition;
  line.scope = edition.empty() ? Scope::kOutMethod : Scope::kEdition;
  for (size_t k : shown) line.scope_evidence.emplace_back("capability", row_text(k));
  // A row with the cited method outside its period (or its certificate's) explains why.
  for (size_t k : named_inactive) {
    const FactsCapability& c = f.capabilities[k];
    auto no = StandardNo::Parse(c.standard_no);
    if ((no && no->str() == cited) || c.standard_no == cited) {
      line.scope_evidence.emplace_back(
          "capability", row_text(k) + " — in scope " + Period(c.valid_from, c.valid_to) +
                            ", certificate " + CertFact(f.certificates[c.cert], test_day));
    }
  }
}

const ledger::TestLine& TL(const Ctx& c, size_t i) { return c.r.report.test_lines[i]; }

EvidenceList LineEvidence(const Ctx& c, size_t i) {
  const ledger::TestLine& t = TL(c, i);
  EvidenceList e{{"item", t.item}};
  if (!t.parameter.empty()) e.emplace_back("parameter", t.parameter);
  e.emplace_back("standard", t.standard);
  return e;
}

// ---- rules ------------------------------------------------------------------------------------

using RuleFn = void (*)(Ctx&);

void UnknownInstitution(Ctx& c) {
  const auto& in = c.r.report;
  if (in.institution.empty() && c.r.institution_name.empty()) return;
  if (c.by_uscc || !c.by_name.empty()) return;
  EvidenceList report;
  if (!in.institution.empty()) report.emplace_back("institution", in.institution);
  if (!c.r.institution_name.empty()) report.emplace_back("institution_name", c.r.institution_name);
  const bool uscc = !in.institution.empty();
  c.Add(uscc ? "institution" : "institution_name", 0, uscc ? in.institution : c.r.institution_name,
        std::move(report),
        {{"institution", "no institution with this USCC or name in the registry"}});
}

void InstitutionName(Ctx& c) {
  const auto& in = c.r.report;
  if (c.by_uscc && !c.r.institution_name.empty()) {
    const FactsInstitution& inst = c.Inst(*c.by_uscc);
    if (NormalizeInstitutionName(inst.name) == NormalizeInstitutionName(c.r.institution_name)) {
      return;
    }
    EvidenceList reg{{"registered_name", inst.name}, {"uscc", inst.uscc}};
    for (uint32_t i : c.by_name) reg.emplace_back("name_registered_to", c.InstText(i));
    c.Add("institution_name", 0, c.r.institution_name, {{"institution", in.institution}},
          std::move(reg));
  } else if (!c.by_uscc && !in.institution.empty() && !c.by_name.empty()) {
    EvidenceList reg{{"uscc", "not in the registry"}};
    for (uint32_t i : c.by_name) reg.emplace_back("name_registered_to", c.InstText(i));
    c.Add("institution", 0, in.institution, {{"institution_name", c.r.institution_name}},
          std::move(reg));
  }
}

void CertificateOwner(Ctx& c) {
  if (!c.cited_cert || !c.subject) return;
  const SnapCertificate& cert = c.f.certificates[*c.cited_cert];
  if (cert.inst == *c.subject) return;
  c.Add("certificate", 0, c.r.report.certificate, {{"institution", c.InstText(*c.subject)}},
        {{"certificate_holder", c.InstText(cert.inst)}});
}

void UnknownCertificate(Ctx& c) {
  if (c.r.report.certificate.empty() || c.cited_cert) return;
  EvidenceList reg{{"certificate", "not in the registry"}};
  if (c.subject) {
    std::vector<std::string> numbers;
    for (uint32_t k : c.subject_certs) numbers.push_back(c.f.certificates[k].number);
    reg.emplace_back("institution_certificates", numbers.empty() ? "none" : Join(numbers, ", "));
  }
  c.Add("certificate", 0, c.r.report.certificate, {}, std::move(reg));
}

void NoValidCertificate(Ctx& c) {
  if (!c.subject || c.issue == kNoDay || c.valid_on_issue) return;
  EvidenceList reg{{"institution", c.InstText(*c.subject)}};
  for (uint32_t k : c.subject_certs) {
    reg.emplace_back("certificate " + c.f.certificates[k].number,
                     CertFact(c.f.certificates[k], c.issue));
  }
  if (c.subject_certs.empty()) reg.emplace_back("certificates", "none");
  c.Add("issue_date", 0, c.r.report.issue_date, {}, std::move(reg));
}

void CitedNotValid(Ctx& c) {
  if (!c.subject || c.issue == kNoDay || !c.valid_on_issue || !c.cited_cert) return;
  const SnapCertificate& cited = c.f.certificates[*c.cited_cert];
  if (cited.inst != *c.subject || CertificateValidOn(cited, c.issue)) return;
  EvidenceList reg{{"certificate " + cited.number, CertFact(cited, c.issue)}};
  for (uint32_t k : c.subject_certs) {
    if (CertificateValidOn(c.f.certificates[k], c.issue)) {
      reg.emplace_back("valid_certificate", c.f.certificates[k].number);
    }
  }
  c.Add("certificate", 0, c.r.report.certificate, {{"issue_date", c.r.report.issue_date}},
        std::move(reg));
}

template <Scope kScope>
void OutOfScope(Ctx& c) {
  for (size_t i = 0; i < c.lines.size(); ++i) {
    const LineInfo& l = c.lines[i];
    if (l.scope != kScope) continue;
    const ledger::TestLine& t = TL(c, i);
    const bool on_standard = kScope == Scope::kOutMethod || kScope == Scope::kEdition;
    EvidenceList report = LineEvidence(c, i);
    report.emplace_back("test_date", DayText(c.test_day));
    c.Add(on_standard ? "standard" : "item", static_cast<int>(i) + 1,
          on_standard ? t.standard : t.item, std::move(report), l.scope_evidence);
  }
}

template <StandardState kState>
void StandardObsolete(Ctx& c) {
  if (c.test_day == kNoDay) return;
  auto find = [&c](std::string_view number) -> const SnapStandard* {
    for (const SnapStandard& s : c.f.standards) {
      if (s.number == number) return &s;
    }
    return nullptr;
  };
  for (size_t i = 0; i < c.lines.size(); ++i) {
    const LineInfo& l = c.lines[i];
    if (!l.standard || !l.standard->year()) continue;
    const SnapStandard* s = find(l.standard->str());
    if (s == nullptr || StandardStateOf(*s, find, c.test_day) != kState) continue;
    EvidenceList reg{{"standard", s->number + (s->name.empty() ? "" : " " + s->name)},
                     {"status", registry::StandardStatusName(s->status)}};
    if (s->effective != kNoDay) reg.emplace_back("effective_on", DayText(s->effective));
    if (s->abolished != kNoDay) reg.emplace_back("abolished_on", DayText(s->abolished));
    for (const auto& by : s->replaced_by) {
      const SnapStandard* rs = find(by);
      reg.emplace_back("replaced_by", by + (rs && rs->effective != kNoDay
                                                ? " (effective " + DayText(rs->effective) + ")"
                                                : std::string()));
    }
    c.Add("standard", static_cast<int>(i) + 1, TL(c, i).standard,
          {{"item", TL(c, i).item}, {"test_date", DayText(c.test_day)}}, std::move(reg));
  }
}

// The subject's people named `signer`.
std::vector<const SnapPerson*> PeopleNamed(const Ctx& c, const std::string& signer) {
  std::vector<const SnapPerson*> out;
  const std::string k = Key(signer);
  for (const SnapPerson& p : c.f.people) {
    if (c.subject && p.inst == *c.subject && Key(p.name) == k) out.push_back(&p);
  }
  return out;
}

bool Ctx::Corroborated(const std::string& name, const std::string& value) const {
  for (const Correction& k : r.corrections) {
    if (k.field == name || (name == "signatories" && k.field == "approver")) return false;
  }
  if (name == "institution") return by_uscc.has_value();
  if (name == "institution_name") return !by_name.empty();
  if (name == "certificate") return cited_cert.has_value();
  if (name == "signatories" || name == "approver") {
    return !value.empty() && !PeopleNamed(*this, value).empty();
  }
  return false;
}

bool IsSignatory(const SnapPerson& p) {
  return std::find(p.roles.begin(), p.roles.end(), kSignatoryRole) != p.roles.end() ||
         !p.signatory_fields.empty();
}

std::string FieldsText(const SnapPerson& p) {
  std::vector<std::string> v;
  for (const auto& fld : p.signatory_fields)
    v.push_back(fld.field + " " + Period(fld.from, fld.to));
  return v.empty() ? "none" : Join(v, "; ");
}

void NotSignatory(Ctx& c) {
  if (!c.subject) return;
  for (const std::string& s : c.signers) {
    const auto people = PeopleNamed(c, s);
    if (std::any_of(people.begin(), people.end(), [](auto* p) { return IsSignatory(*p); })) {
      continue;
    }
    EvidenceList reg{{"institution", c.InstText(*c.subject)}};
    if (people.empty()) {
      reg.emplace_back("person", "not registered at the institution");
    } else {
      for (const SnapPerson* p : people) {
        reg.emplace_back(
            "person", p->name + " (" + (p->roles.empty() ? "no role" : Join(p->roles, "、")) + ")");
      }
    }
    c.Add("signatories", 0, s, {}, std::move(reg));
  }
}

void SignatoryPeriod(Ctx& c) {
  if (!c.subject || c.issue == kNoDay) return;
  for (const std::string& s : c.signers) {
    bool any_field = false, in_period = false;
    EvidenceList reg;
    for (const SnapPerson* p : PeopleNamed(c, s)) {
      if (!IsSignatory(*p)) continue;
      for (const auto& fld : p->signatory_fields) {
        any_field = true;
        in_period = in_period || PeriodContains(fld.from, fld.to, c.issue);
      }
      reg.emplace_back("authorised_fields", FieldsText(*p));
    }
    if (!any_field || in_period) continue;
    c.Add("signatories", 0, s, {{"issue_date", c.r.report.issue_date}}, std::move(reg));
  }
}

bool Covers(const std::string& field, const std::string& category) {
  const std::string a = Key(field), b = Key(category);
  return !a.empty() && !b.empty() && (Contains(a, b) || Contains(b, a));
}

void SignatoryField(Ctx& c) {
  if (!c.subject || c.issue == kNoDay || c.categories.empty()) return;
  for (const std::string& s : c.signers) {
    std::vector<const SnapSignatoryField*> active;
    EvidenceList reg;
    for (const SnapPerson* p : PeopleNamed(c, s)) {
      if (!IsSignatory(*p)) continue;
      for (const auto& fld : p->signatory_fields) {
        if (PeriodContains(fld.from, fld.to, c.issue)) active.push_back(&fld);
      }
      reg.emplace_back("authorised_fields", FieldsText(*p));
    }
    if (active.empty()) continue;  // not-signatory or period judge it
    const bool covered = std::any_of(active.begin(), active.end(), [&](auto* fld) {
      return std::any_of(c.categories.begin(), c.categories.end(),
                         [&](const std::string& cat) { return Covers(fld->field, cat); });
    });
    if (covered) continue;
    c.Add("signatories", 0, s,
          {{"categories",
            Join(std::vector<std::string>(c.categories.begin(), c.categories.end()), "、")}},
          std::move(reg));
  }
}

void TwoInstitutions(Ctx& c) {
  if (!c.subject) return;
  for (const std::string& s : c.signers) {
    std::set<uint32_t> elsewhere;
    for (const SnapPerson* p : PeopleNamed(c, s)) {
      if (p->id_hash.empty()) continue;
      for (const SnapPerson& q : c.f.people) {
        if (q.id_hash == p->id_hash && q.inst != *c.subject) elsewhere.insert(q.inst);
      }
    }
    if (elsewhere.empty()) continue;
    EvidenceList reg{{"institution", c.InstText(*c.subject)}};
    for (uint32_t i : elsewhere) reg.emplace_back("also_registered_at", c.InstText(i));
    c.Add("signatories", 0, s, {}, std::move(reg));
  }
}

std::vector<DateField> Dates(const Ctx& c) {
  const auto& in = c.r.report;
  return {{"sampling_date", &in.sampling_date},
          {"receipt_date", &in.receipt_date},
          {"test_start_date", &in.test_start_date},
          {"test_end_date", &in.test_end_date},
          {"issue_date", &in.issue_date}};
}

void DateSequence(Ctx& c) {
  const DateField* prev = nullptr;
  Day prev_day = kNoDay;
  for (const DateField& d : Dates(c)) {
    const Day day = ToDay(*d.text);
    if (day == kNoDay) continue;
    if (prev != nullptr && prev_day > day) {
      c.Add(d.name, 0, *d.text, {{prev->name, *prev->text}}, {});
    }
    prev = &d;
    prev_day = day;
  }
}

void DateFuture(Ctx& c) {
  if (c.today == kNoDay) return;
  for (const DateField& d : Dates(c)) {
    const Day day = ToDay(*d.text);
    if (day != kNoDay && day > c.today)
      c.Add(d.name, 0, *d.text, {{"today", DayText(c.today)}}, {});
  }
}

void DateInvalid(Ctx& c) {
  for (const DateField& d : Dates(c)) {
    if (!d.text->empty() && ToDay(*d.text) == kNoDay) c.Add(d.name, 0, *d.text, {}, {});
  }
}

// Whether a duration row applies to a line of this method (standard without year, "" when none
// parses) and item/parameter keys.
bool DurationRowMatches(const DurationRow& row, std::string_view standard_key,
                        std::string_view item, std::string_view param) {
  if (!row.standard.empty() && row.standard != standard_key) return false;
  if (!row.item.empty()) {
    const std::string k = Key(row.item);
    if (!Contains(item, k) && !Contains(param, k)) return false;
  }
  return true;
}

void Duration(Ctx& c) {
  const DateField* start = nullptr;
  const DateField* end = nullptr;
  const auto dates = Dates(c);
  for (size_t k : {2, 1, 0}) {
    if (!start && ToDay(*dates[k].text) != kNoDay) start = &dates[k];
  }
  for (size_t k : {3, 4}) {
    if (!end && ToDay(*dates[k].text) != kNoDay) end = &dates[k];
  }
  if (!start || !end) return;
  const Day window = ToDay(*end->text) - ToDay(*start->text);
  if (window < 0) return;  // date-order judges it
  const DurationRow* best = nullptr;
  size_t best_line = 0;
  for (size_t i = 0; i < c.lines.size(); ++i) {
    const LineInfo& l = c.lines[i];
    const std::string key = l.standard ? l.standard->WithoutYear() : std::string();
    for (const DurationRow& row : c.durations.rows()) {
      if (!DurationRowMatches(row, key, l.item, l.param)) continue;
      if (!best || row.min_days > best->min_days) {
        best = &row;
        best_line = i;
      }
    }
  }
  if (!best || window >= best->min_days) return;
  EvidenceList report{
      {start->name, *start->text}, {end->name, *end->text}, {"days", std::to_string(window)}};
  for (auto& e : LineEvidence(c, best_line)) report.push_back(std::move(e));
  c.Add(end->name, static_cast<int>(best_line) + 1, *end->text, std::move(report),
        {{"min_days", std::to_string(best->min_days)},
         {"durations.tsv",
          (best->standard.empty() ? "" : best->standard) +
              (best->item.empty() ? "" : (best->standard.empty() ? "" : " · ") + best->item) +
              " — " + best->source + " [" + best->confidence + "]"}});
}

template <bool kPassOutside>
void VerdictLine(Ctx& c) {
  for (size_t i = 0; i < c.lines.size(); ++i) {
    const ledger::TestLine& t = TL(c, i);
    auto limit = ParseLimit(t.limit);
    auto result = ParseResult(t.result);
    auto verdict = ParseVerdict(t.verdict);
    if (!limit || !result || !verdict) continue;
    auto ok = Satisfies(*limit, *result);
    if (!ok) continue;
    const bool hit =
        kPassOutside ? (!*ok && *verdict == Verdict::kPass) : (*ok && *verdict == Verdict::kFail);
    if (!hit) continue;
    EvidenceList report{{"item", t.item}, {"result", t.result}, {"limit", t.limit}};
    if (!t.unit.empty()) report.emplace_back("unit", t.unit);
    c.Add("verdict", static_cast<int>(i) + 1, t.verdict, std::move(report), {});
  }
}

void VerdictConclusion(Ctx& c) {
  const auto conclusion = ParseConclusion(c.r.report.conclusion);
  if (!conclusion) return;
  std::vector<std::string> failing;
  std::vector<size_t> failing_lines, judged_lines;
  for (size_t i = 0; i < c.lines.size(); ++i) {
    auto v = ParseVerdict(TL(c, i).verdict);
    if (!v) continue;
    judged_lines.push_back(i);
    if (*v == Verdict::kFail) {
      failing.push_back(std::to_string(i + 1) + ": " + TL(c, i).item + " " + TL(c, i).verdict);
      failing_lines.push_back(i);
    }
  }
  const size_t judged = judged_lines.size();
  if (judged == 0) return;
  // A pass rests on the failing lines; a fail on every judged line (one misread verdict would do).
  c.RestsOnLines(failing.empty() ? judged_lines : failing_lines, {"verdict"});
  if (*conclusion == Verdict::kPass && !failing.empty()) {
    c.Add("conclusion", 0, c.r.report.conclusion, {{"failing_lines", Join(failing, "; ")}}, {});
  } else if (*conclusion == Verdict::kFail && failing.empty()) {
    c.Add("conclusion", 0, c.r.report.conclusion,
          {{"lines_judged_passing", std::to_string(judged)}}, {});
  }
}

bool OutOfScopeError(Scope s) {
  return s == Scope::kOutItem || s == Scope::kOutMethod || s == Scope::kOutLimitation;
}

void MarkOutOfScope(Ctx& c) {
  if (c.r.cma_mark != true) return;
  std::vector<std::string> out;
  std::vector<size_t> lines;
  for (size_t i = 0; i < c.lines.size(); ++i) {
    if (OutOfScopeError(c.lines[i].scope)) {
      out.push_back(std::to_string(i + 1) + ": " + TL(c, i).item + " " + TL(c, i).standard);
      lines.push_back(i);
    }
  }
  if (out.empty()) return;
  c.RestsOnLines(std::move(lines), {"item", "parameter", "standard"});
  c.Add("cma_mark", 0, "yes", {{"out_of_scope_lines", Join(out, "; ")}}, {});
}

void MarkNoValidCertificate(Ctx& c) {
  if (c.r.cma_mark != true || !c.subject || c.issue == kNoDay || c.valid_on_issue) return;
  EvidenceList reg;
  for (uint32_t k : c.subject_certs) {
    reg.emplace_back("certificate " + c.f.certificates[k].number,
                     CertFact(c.f.certificates[k], c.issue));
  }
  if (reg.empty()) reg.emplace_back("certificates", "none");
  c.Add("cma_mark", 0, "yes", {{"issue_date", c.r.report.issue_date}}, std::move(reg));
}

void MarkMissing(Ctx& c) {
  if (c.r.cma_mark != false || !c.subject || !c.valid_on_issue || c.lines.empty()) return;
  for (const LineInfo& l : c.lines) {
    if (l.scope != Scope::kIn) return;
  }
  for (const std::string* text : {&c.r.test_category, &c.r.report.conclusion}) {
    for (std::string_view w : {"科研", "教学", "内部质量控制", "内部质控"}) {
      if (Contains(*text, w)) return;
    }
  }
  std::vector<size_t> lines(c.lines.size());
  for (size_t i = 0; i < lines.size(); ++i) lines[i] = i;
  c.RestsOnLines(std::move(lines), {"item", "parameter", "standard"});
  c.Add("cma_mark", 0, "no", {{"lines_in_scope", std::to_string(c.lines.size())}}, {});
}

template <auto kField>
void MissingText(Ctx& c) {
  if (!(c.r.report.*kField).empty()) return;
  c.Add(c.Rule().fields.front(), 0, "", {}, {});
}

void MissingInstitutionName(Ctx& c) {
  if (c.r.source == FactsSource::kRegistration || !c.r.institution_name.empty()) return;
  c.Add("institution_name", 0, "", {}, {});
}

void MissingTestDates(Ctx& c) {
  if (!c.r.report.test_start_date.empty() || !c.r.report.test_end_date.empty()) return;
  c.Add("test_start_date", 0, "", {}, {});
}

void MissingResults(Ctx& c) {
  if (c.r.report.test_lines.empty()) c.Add("test_lines", 0, "", {}, {});
}

void MissingMethod(Ctx& c) {
  for (size_t i = 0; i < c.lines.size(); ++i) {
    if (TL(c, i).standard.empty()) {
      c.Add("standard", static_cast<int>(i) + 1, "", {{"item", TL(c, i).item}}, {});
    }
  }
}

void MissingResult(Ctx& c) {
  for (size_t i = 0; i < c.lines.size(); ++i) {
    if (TL(c, i).result.empty()) {
      c.Add("result", static_cast<int>(i) + 1, "", {{"item", TL(c, i).item}}, {});
    }
  }
}

void MissingSignatory(Ctx& c) {
  if (c.signers.empty()) c.Add("signatories", 0, "", {}, {});
}

// A report content only a document shows: judged when known (documents), not for
// registrations that do not state it.
template <std::optional<bool> ReportFacts::*kFlag>
void MissingContent(Ctx& c) {
  if ((c.r.*kFlag) != false) return;
  c.Add(c.Rule().fields.front(), 0, "no", {}, {});
}

// The test site must be named when the test was done outside the institution: a test category
// that says so (现场检测, 现场检验, 现场监测, 现场采样检测, ...).
void MissingTestSite(Ctx& c) {
  if (c.r.source == FactsSource::kRegistration || !c.r.test_site.empty()) return;
  if (!Contains(c.r.test_category, "现场")) return;
  c.Add("test_site", 0, "", {{"test_category", c.r.test_category}}, {});
}

void DuplicateNumber(Ctx& c) {
  const auto& in = c.r.report;
  if (!c.subject || in.report_no.empty()) return;
  const std::string no = Key(in.report_no);
  const bool digest_known = in.document_sha256 != Sha256Digest{};
  const std::string digest =
      digest_known
          ? HexEncode(std::string_view(reinterpret_cast<const char*>(in.document_sha256.data()),
                                       in.document_sha256.size()))
          : std::string();
  for (const FactsReport& rep : c.f.reports) {
    if (rep.inst != *c.subject || Key(rep.report_no) != no) continue;
    if (!c.r.code.empty() && rep.code == c.r.code) continue;
    if (digest_known && rep.document_sha256 == digest) continue;
    c.Add("report_no", 0, in.report_no, {{"document_sha256", digest.empty() ? "unknown" : digest}},
          {{"registered_report", rep.code},
           {"registered_issue_date", rep.issue_date},
           {"registered_document_sha256", rep.document_sha256},
           {"registered_status", rep.status}});
  }
}

struct Binding {
  const char* id;
  RuleFn fn;
};

const std::vector<Binding>& Bindings() {
  using In = ledger::ReportInput;
  static const std::vector<Binding> b = {
      {"institution-mismatch.unknown-institution", &UnknownInstitution},
      {"institution-mismatch.name", &InstitutionName},
      {"institution-mismatch.certificate-owner", &CertificateOwner},
      {"institution-mismatch.unknown-certificate", &UnknownCertificate},
      {"no-valid-certificate.none", &NoValidCertificate},
      {"no-valid-certificate.cited-not-valid", &CitedNotValid},
      {"out-of-scope.item", &OutOfScope<Scope::kOutItem>},
      {"out-of-scope.method", &OutOfScope<Scope::kOutMethod>},
      {"out-of-scope.method-edition", &OutOfScope<Scope::kEdition>},
      {"out-of-scope.limitation", &OutOfScope<Scope::kOutLimitation>},
      {"standard-obsolete.abolished", &StandardObsolete<StandardState::kAbolished>},
      {"standard-obsolete.replaced", &StandardObsolete<StandardState::kReplaced>},
      {"standard-obsolete.not-yet-effective", &StandardObsolete<StandardState::kUpcoming>},
      {"signatory-unauthorized.not-signatory", &NotSignatory},
      {"signatory-unauthorized.period", &SignatoryPeriod},
      {"signatory-unauthorized.field", &SignatoryField},
      {"signatory-unauthorized.two-institutions", &TwoInstitutions},
      {"date-order.sequence", &DateSequence},
      {"date-order.future", &DateFuture},
      {"date-order.invalid", &DateInvalid},
      {"implausible-duration.test-period", &Duration},
      {"verdict-inconsistent.pass-outside-limit", &VerdictLine<true>},
      {"verdict-inconsistent.fail-within-limit", &VerdictLine<false>},
      {"verdict-inconsistent.conclusion", &VerdictConclusion},
      {"mark-misuse.out-of-scope", &MarkOutOfScope},
      {"mark-misuse.no-valid-certificate", &MarkNoValidCertificate},
      {"mark-misuse.missing", &MarkMissing},
      {"missing-content.report-no", &MissingText<&In::report_no>},
      {"missing-content.institution-name", &MissingInstitutionName},
      {"missing-content.client", &MissingText<&In::client>},
      {"missing-content.sample", &MissingText<&In::sample>},
      {"missing-content.test-dates", &MissingTestDates},
      {"missing-content.issue-date", &MissingText<&In::issue_date>},
      {"missing-content.results", &MissingResults},
      {"missing-content.method", &MissingMethod},
      {"missing-content.result", &MissingResult},
      {"missing-content.signatory", &MissingSignatory},
      {"missing-content.conclusion", &MissingText<&In::conclusion>},
      {"missing-content.seal", &MissingContent<&ReportFacts::seal>},
      {"missing-content.page-numbering", &MissingContent<&ReportFacts::page_numbering>},
      {"missing-content.end-mark", &MissingContent<&ReportFacts::end_mark>},
      {"missing-content.sample-statement", &MissingContent<&ReportFacts::sample_statement>},
      {"missing-content.copy-statement", &MissingContent<&ReportFacts::copy_statement>},
      {"missing-content.test-site", &MissingTestSite},
      {"duplicate-report-number.registered", &DuplicateNumber},
  };
  return b;
}

RuleFn FindBinding(std::string_view id) {
  for (const auto& b : Bindings()) {
    if (id == b.id) return b.fn;
  }
  return nullptr;
}

}  // namespace

std::vector<ComplianceFinding> Check(const ReportFacts& report, const RegistryFacts& as_of,
                                     const CheckOptions& options) {
  const RuleCatalogue& rules = options.rules ? *options.rules : RuleCatalogue::Compliance();
  const DurationTable& durations =
      options.durations ? *options.durations : DurationTable::Embedded();
  std::vector<ComplianceFinding> out;
  Ctx ctx(report, as_of, options, rules, durations, &out);
  for (const RuleDef& rule : rules.rules()) {
    const RuleFn fn = FindBinding(rule.id);
    if (fn == nullptr) continue;  // checks_test: every row has code
    ctx.Begin(rule);
    fn(ctx);
  }
  return out;
}

std::optional<uint32_t> SubjectOf(const ReportFacts& report, const RegistryFacts& as_of) {
  std::optional<uint32_t> by_uscc;
  std::vector<uint32_t> by_name;
  FindInstitution(report, as_of, &by_uscc, &by_name);
  // A printed USCC of another institution than the printed name: two of the three identifiers
  // decide when the name and the cited certificate belong to the same other institution (the
  // USCC is the misprint; institution-mismatch.name reports it, and the rest is judged against
  // the institution that issued the report).
  if (by_uscc && by_name.size() == 1 && by_name[0] != *by_uscc &&
      !report.report.certificate.empty()) {
    const std::string cited = Key(report.report.certificate);
    for (const SnapCertificate& cert : as_of.certificates) {
      if (Key(cert.number) == cited) {
        if (cert.inst == by_name[0]) return by_name[0];
        break;
      }
    }
  }
  if (by_uscc) return by_uscc;
  if (by_name.size() == 1) return by_name[0];
  return std::nullopt;
}

std::optional<StandardNo> CitedStandard(std::string_view text) { return FirstStandard(text); }

const char* CertaintyName(bool confirmed) { return confirmed ? "confirmed" : "unconfirmed"; }

int MinTestDays(const ledger::TestLine& line, const DurationTable& table) {
  const auto standard = FirstStandard(line.standard);
  const std::string key = standard ? standard->WithoutYear() : std::string();
  const std::string item = Key(line.item), param = Key(line.parameter);
  int64_t days = 0;
  for (const DurationRow& row : table.rows()) {
    if (DurationRowMatches(row, key, item, param)) days = std::max(days, row.min_days);
  }
  return static_cast<int>(days);
}

std::vector<std::string> ComplianceRuleIdsWithCode() {
  std::vector<std::string> out;
  for (const auto& b : Bindings()) out.emplace_back(b.id);
  return out;
}

Day BasisDate(const ReportFacts& report, Day today) {
  const auto& in = report.report;
  for (const std::string* d : {&in.issue_date, &in.test_end_date, &in.test_start_date,
                               &in.receipt_date, &in.sampling_date}) {
    const Day day = ToDay(*d);
    if (day != kNoDay) return day;
  }
  return today;
}

std::vector<LegalBasis> ResolveBasis(const RuleCatalogue& rules, const RuleDef& rule, Day date) {
  // Per regulation: the version chosen on `date`.
  std::map<std::string, std::string> chosen;
  std::map<std::string, std::vector<std::pair<Day, std::string>>> versions;
  for (const LegalBasis& b : rule.basis) {
    const Regulation* reg = rules.FindRegulation(b.regulation, b.version);
    const Day d = reg ? RegulationDay(reg->date) : kNoDay;
    auto& v = versions[b.regulation];
    if (std::none_of(v.begin(), v.end(), [&](const auto& p) { return p.second == b.version; })) {
      v.emplace_back(d, b.version);
    }
  }
  for (auto& [key, v] : versions) {
    std::sort(v.begin(), v.end());
    std::string pick = v.front().second;
    for (const auto& [d, version] : v) {
      if (d != kNoDay && date != kNoDay && d <= date) pick = version;
    }
    chosen[key] = pick;
  }
  std::vector<LegalBasis> out;
  for (const LegalBasis& b : rule.basis) {
    if (chosen[b.regulation] == b.version) out.push_back(b);
  }
  return out;
}

std::string CitationText(const RuleCatalogue& rules, const LegalBasis& basis, bool chinese) {
  const Regulation* reg = rules.FindRegulation(basis.regulation, basis.version);
  const std::string& a = basis.article;
  const bool numbered = !a.empty() && std::isdigit(static_cast<unsigned char>(a[0])) &&
                        a.find('.') == std::string::npos;
  if (chinese) {
    std::string title = reg ? reg->title_zh : basis.regulation;
    if (const size_t p = title.find("（"); p != std::string::npos && p > 0) title.resize(p);
    std::string s = "《" + title + "》";
    if (reg && !reg->instrument.empty() && reg->instrument != title)
      s += "（" + reg->instrument + "）";
    if (a.empty()) return s;
    if (numbered) {
      const size_t paren = a.find('(');
      if (paren == std::string::npos) return s + "第" + a + "条";
      const std::string item = a.substr(paren + 1, a.size() - paren - 2);
      return s + "第" + a.substr(0, paren) + "条第" + item + "项";
    }
    return s + "第" + a + "条";
  }
  std::string s = (reg ? reg->title_en : basis.regulation) + " [" + basis.version + "]";
  if (a.empty()) return s;
  return s + (numbered ? ", Art. " : ", §") + a;
}

std::string ComplianceVersion(const CheckOptions& options) {
  const RuleCatalogue& rules = options.rules ? *options.rules : RuleCatalogue::Compliance();
  const DurationTable& durations =
      options.durations ? *options.durations : DurationTable::Embedded();
  return Sha256Hex(rules.version() + "\n" + durations.version());
}

}  // namespace zhijian::checks
