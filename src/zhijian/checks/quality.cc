#include "zhijian/checks/quality.h"

#include <algorithm>
#include <array>
#include <numeric>
#include <unordered_map>
#include <unordered_set>

#include "zhijian/base/cma.h"
#include "zhijian/base/date.h"
#include "zhijian/base/digest.h"
#include "zhijian/base/region.h"
#include "zhijian/base/standard_no.h"
#include "zhijian/base/uscc.h"
#include "zhijian/base/utf8.h"

namespace zhijian::checks {

using registry::CertStatus;
using registry::StandardStatus;

// ---- names and shared semantics ---------------------------------------------------------------

namespace {
double Share(int64_t bad, int64_t records) {
  return records > 0 ? static_cast<double>(records - bad) / static_cast<double>(records) : 1.0;
}
}  // namespace

double CompletenessRate(const RateCounts& c) { return Share(c.incomplete, c.records); }
double CorrectnessRate(const RateCounts& c) { return Share(c.incorrect, c.records); }
double TimelinessRate(const RateCounts& c) { return Share(c.untimely, c.records); }

const char* EntityName(Entity e) {
  switch (e) {
    case Entity::kInstitution:
      return "institution";
    case Entity::kCertificate:
      return "certificate";
    case Entity::kCapability:
      return "capability";
    case Entity::kPerson:
      return "person";
    case Entity::kEquipment:
      return "equipment";
    case Entity::kStandard:
      return "standard";
  }
  return "institution";
}

std::optional<Entity> ParseEntity(std::string_view name) {
  for (int i = 0; i < kEntityCount; ++i) {
    if (name == EntityName(static_cast<Entity>(i))) return static_cast<Entity>(i);
  }
  return std::nullopt;
}

CertStatus CertificateStatusOn(const SnapCertificate& c, Day d) {
  // History is ordered by effective date, then id: the last entry on or before d wins.
  std::optional<CertStatus> s;
  for (const auto& h : c.history) {
    if (h.effective != kNoDay && h.effective <= d) s = h.status;
  }
  return s.value_or(c.status);
}

bool PeriodContains(Day from, Day to, Day d) {
  if (from != kNoDay && d < from) return false;
  if (to != kNoDay && d > to) return false;
  return true;
}

bool CertificateValidOn(const SnapCertificate& c, Day d) {
  if (CertificateStatusOn(c, d) != CertStatus::kValid) return false;
  return PeriodContains(c.issued, c.expires, d);
}

bool CapabilityInScopeOn(const SnapCapability& c, Day d) {
  return PeriodContains(c.valid_from, c.valid_to, d);
}

const char* StandardStateName(StandardState s) {
  switch (s) {
    case StandardState::kInForce:
      return "in-force";
    case StandardState::kUpcoming:
      return "upcoming";
    case StandardState::kAbolished:
      return "abolished";
    case StandardState::kReplaced:
      return "replaced";
    case StandardState::kUnknown:
      return "unknown";
  }
  return "unknown";
}

namespace {

// Whether a catalogued standard itself is in force on d (used for replacements).
bool InForceOn(const SnapStandard& s, Day d) {
  if (s.abolished != kNoDay && s.abolished <= d) return false;
  if (s.status == StandardStatus::kAbolished && s.abolished == kNoDay) return false;
  if (s.effective != kNoDay) return s.effective <= d;
  return s.status != StandardStatus::kUpcoming;
}

}  // namespace

StandardState StandardStateOf(const SnapStandard& s,
                              const std::function<const SnapStandard*(std::string_view)>& find,
                              Day d) {
  if ((s.abolished != kNoDay && s.abolished <= d) ||
      (s.status == StandardStatus::kAbolished && s.abolished == kNoDay)) {
    return StandardState::kAbolished;
  }
  for (const auto& r : s.replaced_by) {
    const SnapStandard* replacement = find(r);
    if (replacement != nullptr && InForceOn(*replacement, d)) return StandardState::kReplaced;
  }
  if (s.effective != kNoDay ? s.effective > d : s.status == StandardStatus::kUpcoming) {
    return StandardState::kUpcoming;
  }
  return StandardState::kInForce;
}

StandardState StandardStateOn(const Snapshot& snap, int32_t standard_index, Day d) {
  if (standard_index < 0 || static_cast<size_t>(standard_index) >= snap.standards.size()) {
    return StandardState::kUnknown;
  }
  return StandardStateOf(
      snap.standards[standard_index],
      [&snap](std::string_view number) -> const SnapStandard* {
        const int32_t ri = snap.StandardIndex(number);
        return ri >= 0 ? &snap.standards[ri] : nullptr;
      },
      d);
}

namespace {

// The code point at s[*i] (advancing *i); U+FFFD for a malformed byte, which is skipped.
char32_t NextCodePoint(std::string_view s, size_t* i) {
  if (const std::optional<char32_t> cp = DecodeUtf8(s, i)) return *cp;
  ++*i;
  return 0xFFFD;
}

}  // namespace

std::string NormalizeInstitutionName(std::string_view name) {
  std::string out;
  out.reserve(name.size());
  size_t i = 0;
  while (i < name.size()) {
    char32_t cp = NextCodePoint(name, &i);
    if (cp >= 0xFF01 && cp <= 0xFF5E) cp -= 0xFEE0;  // full-width ASCII forms
    if (cp < 0x80) {
      const char c = static_cast<char>(cp);
      if ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z')) {
        out.push_back(c);
      } else if (c >= 'a' && c <= 'z') {
        out.push_back(static_cast<char>(c - 'a' + 'A'));
      }
      continue;  // whitespace, punctuation, control characters
    }
    const bool punctuation = cp == 0x00A0 || cp == 0x00B7 || (cp >= 0x2000 && cp <= 0x206F) ||
                             (cp >= 0x3000 && cp <= 0x303F) || (cp >= 0xFE30 && cp <= 0xFE4F) ||
                             (cp >= 0xFF00 && cp <= 0xFFEF) || cp == 0x30FB || cp == 0xFFFD;
    if (!punctuation) AppendUtf8(cp, &out);
  }
  for (std::string_view suffix : {"股份有限公司", "有限责任公司", "有限公司", "公司"}) {
    if (out.size() > suffix.size() && out.ends_with(suffix)) {
      out.resize(out.size() - suffix.size());
      break;
    }
  }
  return out;
}

bool TitleBelowIntermediate(std::string_view title) {
  return title.starts_with("助理") || title == "技术员" ||
         title.find("员级") != std::string_view::npos ||
         title.find("初级") != std::string_view::npos;
}

std::string Fingerprint(std::string_view rule_id, Entity entity, int64_t record_id,
                        std::string_view field) {
  std::string bytes = "zhijian-quality-v1\x1f";
  bytes += rule_id;
  bytes += '\x1f';
  bytes += EntityName(entity);
  bytes += '\x1f';
  bytes += std::to_string(record_id);
  bytes += '\x1f';
  bytes += field;
  return Sha256Hex(bytes).substr(0, 32);
}

namespace {

constexpr std::string_view kTechnicalManager = "技术负责人";
constexpr std::string_view kQualityManager = "质量负责人";
constexpr std::string_view kSignatory = "授权签字人";

bool HasRole(const SnapPerson& p, std::string_view role) {
  return std::find(p.roles.begin(), p.roles.end(), role) != p.roles.end();
}

// Facts computed once per evaluation and shared by the rules.
struct Derived {
  std::vector<uint8_t> cert_valid;                // per certificate, on today
  std::vector<StandardState> standard_state;      // per standard, on today
  std::vector<std::vector<uint32_t>> categories;  // per institution: current capability categories
  std::vector<int32_t> certificates;              // per institution: certificate count
  std::vector<std::vector<uint32_t>> certs_of;    // per institution: certificate indexes
};

using Evidence = std::vector<std::pair<std::string, std::string>>;

class Ctx {
 public:
  Ctx(const Snapshot& s, const RuleDef& rule, Day today, const Derived& d,
      const std::vector<ParamOverride>& overrides, std::vector<Finding>* out)
      : s(s), rule(rule), today(today), d(d), overrides_(overrides), out_(out) {}

  int64_t Param(std::string_view name, int64_t fallback) const {
    for (const auto& o : overrides_) {
      if (o.rule_id == rule.id && o.name == name) return o.value;
    }
    return rule.Param(name, fallback);
  }

  void Add(Entity e, uint32_t index, std::string_view field, Evidence evidence = {}) {
    if (!rule.HasField(field)) bad_field_ = std::string(field);
    Finding f;
    f.rule = &rule;
    f.entity = e;
    f.index = index;
    f.field = std::string(field);
    f.evidence = std::move(evidence);
    out_->push_back(std::move(f));
  }
  const std::string& bad_field() const { return bad_field_; }

  const Snapshot& s;
  const RuleDef& rule;
  const Day today;
  const Derived& d;

 private:
  const std::vector<ParamOverride>& overrides_;
  std::vector<Finding>* out_;
  std::string bad_field_;
};

using RuleFn = void (*)(Ctx&);

// ---- helpers for rules over one entity ----

template <typename Fn>
void EachInstitution(Ctx& c, Fn fn) {
  for (uint32_t i = 0; i < c.s.institutions.size(); ++i) {
    if (c.s.institutions[i].in_scope) fn(i, c.s.institutions[i]);
  }
}

template <typename Fn>
void EachStandard(Ctx& c, Fn fn) {
  if (!c.s.region_prefix.empty()) return;  // the catalogue belongs to whole-registry runs
  for (uint32_t i = 0; i < c.s.standards.size(); ++i) fn(i, c.s.standards[i]);
}

std::string Text(const Snapshot& s, uint32_t string_index) { return s.strings[string_index]; }

// ---- completeness ----

template <std::string SnapInstitution::*member>
void InstitutionText(Ctx& c) {
  const std::string field = c.rule.fields.front();
  EachInstitution(c, [&](uint32_t i, const SnapInstitution& v) {
    if ((v.*member).empty()) c.Add(Entity::kInstitution, i, field);
  });
}

void InstitutionDomains(Ctx& c) {
  EachInstitution(c, [&](uint32_t i, const SnapInstitution& v) {
    if (v.domains.empty()) c.Add(Entity::kInstitution, i, "domains");
  });
}

void InstitutionCertificate(Ctx& c) {
  EachInstitution(c, [&](uint32_t i, const SnapInstitution&) {
    if (c.d.certificates[i] == 0) c.Add(Entity::kInstitution, i, "certificates");
  });
}

void CertificateIssuer(Ctx& c) {
  for (uint32_t i = 0; i < c.s.certificates.size(); ++i) {
    if (c.s.certificates[i].issuer.empty()) c.Add(Entity::kCertificate, i, "issuer");
  }
}

template <Day SnapCertificate::*member>
void CertificateDate(Ctx& c) {
  const std::string field = c.rule.fields.front();
  for (uint32_t i = 0; i < c.s.certificates.size(); ++i) {
    if (c.s.certificates[i].*member == kNoDay) c.Add(Entity::kCertificate, i, field);
  }
}

template <uint32_t SnapCapability::*member>
void CapabilityText(Ctx& c) {
  const std::string field = c.rule.fields.front();
  for (uint32_t i = 0; i < c.s.capabilities.size(); ++i) {
    if (c.s.capabilities[i].*member == 0) c.Add(Entity::kCapability, i, field);
  }
}

template <uint8_t flag>
void CapabilityFlag(Ctx& c) {
  const std::string field = c.rule.fields.front();
  for (uint32_t i = 0; i < c.s.capabilities.size(); ++i) {
    if (!(c.s.capabilities[i].flags & flag)) c.Add(Entity::kCapability, i, field);
  }
}

template <std::string SnapPerson::*member>
void PersonText(Ctx& c) {
  const std::string field = c.rule.fields.front();
  for (uint32_t i = 0; i < c.s.people.size(); ++i) {
    if ((c.s.people[i].*member).empty()) c.Add(Entity::kPerson, i, field);
  }
}

void PersonRoles(Ctx& c) {
  for (uint32_t i = 0; i < c.s.people.size(); ++i) {
    if (c.s.people[i].roles.empty()) c.Add(Entity::kPerson, i, "roles");
  }
}

void PersonSignatoryFields(Ctx& c) {
  for (uint32_t i = 0; i < c.s.people.size(); ++i) {
    const SnapPerson& p = c.s.people[i];
    if (HasRole(p, kSignatory) && p.signatory_fields.empty()) {
      c.Add(Entity::kPerson, i, "signatory_fields", {{"roles", std::string(kSignatory)}});
    }
  }
}

template <uint32_t SnapEquipment::*member>
void EquipmentPooled(Ctx& c) {
  const std::string field = c.rule.fields.front();
  for (uint32_t i = 0; i < c.s.equipment.size(); ++i) {
    if (c.s.equipment[i].*member == 0) c.Add(Entity::kEquipment, i, field);
  }
}

void EquipmentSerial(Ctx& c) {
  for (uint32_t i = 0; i < c.s.equipment.size(); ++i) {
    if (c.s.equipment[i].serial.size == 0) c.Add(Entity::kEquipment, i, "serial");
  }
}

void EquipmentCalibrationDue(Ctx& c) {
  for (uint32_t i = 0; i < c.s.equipment.size(); ++i) {
    if (c.s.equipment[i].calibration_due == kNoDay) c.Add(Entity::kEquipment, i, "calibration_due");
  }
}

void StandardName(Ctx& c) {
  EachStandard(c, [&](uint32_t i, const SnapStandard& s) {
    if (s.name.empty()) c.Add(Entity::kStandard, i, "name");
  });
}

void StandardEffectiveOn(Ctx& c) {
  EachStandard(c, [&](uint32_t i, const SnapStandard& s) {
    if (s.effective == kNoDay) c.Add(Entity::kStandard, i, "effective_on");
  });
}

// ---- format ----

void InstitutionUscc(Ctx& c) {
  EachInstitution(c, [&](uint32_t i, const SnapInstitution& v) {
    if (v.uscc.empty()) return;
    auto u = Uscc::Parse(v.uscc);
    if (!u) c.Add(Entity::kInstitution, i, "uscc", {{"uscc", v.uscc}, {"error", u.error().code()}});
  });
}

void InstitutionUsccCheck(Ctx& c) {
  EachInstitution(c, [&](uint32_t i, const SnapInstitution& v) {
    auto u = Uscc::Parse(v.uscc);
    if (!u || !u->suspect()) return;
    Evidence ev{{"uscc", v.uscc}};
    if (!u->checks().org_check_ok) {
      ev.emplace_back("expected_pos17", std::string(1, u->checks().expected_org_check));
    }
    if (!u->checks().check_ok) {
      ev.emplace_back("expected_pos18", std::string(1, u->checks().expected_check));
    }
    c.Add(Entity::kInstitution, i, "uscc", std::move(ev));
  });
}

void InstitutionUsccType(Ctx& c) {
  EachInstitution(c, [&](uint32_t i, const SnapInstitution& v) {
    auto u = Uscc::Parse(v.uscc);
    if (u && !u->checks().type_known) {
      c.Add(Entity::kInstitution, i, "uscc",
            {{"uscc", v.uscc}, {"type_code", std::string(u->type_code())}});
    }
  });
}

void InstitutionUsccRegion(Ctx& c) {
  const RegionTable& regions = RegionTable::Get();
  EachInstitution(c, [&](uint32_t i, const SnapInstitution& v) {
    auto u = Uscc::Parse(v.uscc);
    if (!u) return;
    const std::string_view region = u->region_code();
    if (region != "100000" && !regions.IsKnown(region)) {
      c.Add(Entity::kInstitution, i, "uscc",
            {{"uscc", v.uscc}, {"region_digits", std::string(region)}});
    }
  });
}

void InstitutionRegionCode(Ctx& c) {
  const RegionTable& regions = RegionTable::Get();
  EachInstitution(c, [&](uint32_t i, const SnapInstitution& v) {
    if (v.region_code.empty() || regions.IsValid(v.region_code)) return;
    c.Add(Entity::kInstitution, i, "region_code",
          {{"region_code", v.region_code},
           {"status", regions.IsKnown(v.region_code) ? "retired" : "unknown"}});
  });
}

void CertificateNumber(Ctx& c) {
  for (uint32_t i = 0; i < c.s.certificates.size(); ++i) {
    const SnapCertificate& v = c.s.certificates[i];
    auto n = CmaCertNo::Parse(v.number);
    if (!n) {
      c.Add(Entity::kCertificate, i, "number", {{"number", v.number}, {"error", n.error().code()}});
    }
  }
}

void CertificateNumberYear(Ctx& c) {
  for (uint32_t i = 0; i < c.s.certificates.size(); ++i) {
    const SnapCertificate& v = c.s.certificates[i];
    if (v.issued == kNoDay) continue;
    auto n = CmaCertNo::Parse(v.number);
    if (!n) continue;
    const int year = CivilFromDays(v.issued).year;
    if (n->year() != year) {
      c.Add(Entity::kCertificate, i, "number",
            {{"number", v.number},
             {"number_year", std::to_string(n->year())},
             {"issued_on", DayText(v.issued)}});
    }
  }
}

void CertificateNumberIssuer(Ctx& c) {
  for (uint32_t i = 0; i < c.s.certificates.size(); ++i) {
    const SnapCertificate& v = c.s.certificates[i];
    auto n = CmaCertNo::Parse(v.number);
    if (!n || n->national()) continue;
    const std::string& region = c.s.institutions[v.inst].region_code;
    if (region.size() < 2) continue;
    if (n->issuer_region_prefix() != std::string_view(region).substr(0, 2)) {
      c.Add(Entity::kCertificate, i, "number",
            {{"number", v.number},
             {"issuer_code", std::string(n->issuer_code())},
             {"issuer", std::string(n->issuer_name())},
             {"institution_region", region}});
    }
  }
}

void CapabilityStandardNoFormat(Ctx& c) {
  std::vector<int8_t> parses(c.s.strings.size(), -1);
  for (uint32_t i = 0; i < c.s.capabilities.size(); ++i) {
    const uint32_t sn = c.s.capabilities[i].standard_no;
    if (sn == 0) continue;
    if (parses[sn] < 0) {
      auto n = StandardNo::Parse(c.s.strings[sn]);
      parses[sn] = n.ok() ? 1 : 0;
    }
    if (!parses[sn]) c.Add(Entity::kCapability, i, "standard_no", {{"standard_no", Text(c.s, sn)}});
  }
}

// ---- consistency ----

void CertificateExpiredButValid(Ctx& c) {
  for (uint32_t i = 0; i < c.s.certificates.size(); ++i) {
    const SnapCertificate& v = c.s.certificates[i];
    if (v.status == CertStatus::kValid && v.expires != kNoDay && v.expires < c.today) {
      c.Add(Entity::kCertificate, i, "status",
            {{"status", "valid"}, {"expires_on", DayText(v.expires)}, {"today", DayText(c.today)}});
    }
  }
}

void CertificateValidityPeriod(Ctx& c) {
  const int years = static_cast<int>(c.Param("years", 6));
  for (uint32_t i = 0; i < c.s.certificates.size(); ++i) {
    const SnapCertificate& v = c.s.certificates[i];
    if (v.issued == kNoDay || v.expires == kNoDay) continue;
    const auto full = static_cast<Day>(DaysFromCivil(AddYears(CivilFromDays(v.issued), years)));
    if (v.expires != full && v.expires != full - 1) {
      c.Add(Entity::kCertificate, i, "expires_on",
            {{"issued_on", DayText(v.issued)},
             {"expires_on", DayText(v.expires)},
             {"expected", DayText(full)}});
    }
  }
}

void CapabilityAbolishedStandard(Ctx& c) {
  for (uint32_t i = 0; i < c.s.capabilities.size(); ++i) {
    const SnapCapability& v = c.s.capabilities[i];
    if (v.standard_no == 0 || !CapabilityInScopeOn(v, c.today)) continue;
    const int32_t si = c.s.StandardOfString(v.standard_no);
    if (si < 0) continue;
    const StandardState st = c.d.standard_state[si];
    if (st != StandardState::kAbolished && st != StandardState::kReplaced) continue;
    Evidence ev{{"standard_no", Text(c.s, v.standard_no)}, {"state", StandardStateName(st)}};
    const SnapStandard& s = c.s.standards[si];
    if (s.abolished != kNoDay) ev.emplace_back("abolished_on", DayText(s.abolished));
    if (!s.replaced_by.empty()) {
      std::string by;
      for (const auto& r : s.replaced_by) by += (by.empty() ? "" : ";") + r;
      ev.emplace_back("replaced_by", by);
    }
    c.Add(Entity::kCapability, i, "standard_no", std::move(ev));
  }
}

void CapabilityUnknownStandard(Ctx& c) {
  std::vector<int8_t> parses(c.s.strings.size(), -1);
  for (uint32_t i = 0; i < c.s.capabilities.size(); ++i) {
    const SnapCapability& v = c.s.capabilities[i];
    if (v.standard_no == 0 || !CapabilityInScopeOn(v, c.today)) continue;
    if (c.s.StandardOfString(v.standard_no) >= 0) continue;
    if (parses[v.standard_no] < 0) {
      parses[v.standard_no] = StandardNo::Parse(c.s.strings[v.standard_no]).ok() ? 1 : 0;
    }
    if (parses[v.standard_no]) {
      c.Add(Entity::kCapability, i, "standard_no", {{"standard_no", Text(c.s, v.standard_no)}});
    }
  }
}

void CapabilityNoValidCertificate(Ctx& c) {
  for (uint32_t i = 0; i < c.s.capabilities.size(); ++i) {
    const SnapCapability& v = c.s.capabilities[i];
    if (c.d.cert_valid[v.cert] || !CapabilityInScopeOn(v, c.today)) continue;
    const SnapCertificate& cert = c.s.certificates[v.cert];
    c.Add(Entity::kCapability, i, "certificate",
          {{"certificate_no", cert.number},
           {"status", registry::CertStatusName(CertificateStatusOn(cert, c.today))},
           {"expires_on", DayText(cert.expires)}});
  }
}

void PersonSignatoryNotCovered(Ctx& c) {
  for (uint32_t i = 0; i < c.s.people.size(); ++i) {
    const SnapPerson& p = c.s.people[i];
    if (p.signatory_fields.empty()) continue;
    const auto& cats = c.d.categories[p.inst];
    std::string uncovered;
    for (const auto& f : p.signatory_fields) {
      if (f.to != kNoDay && f.to < c.today) continue;  // an expired authorisation
      auto idx = c.s.strings.Find(f.field);
      if (idx && std::binary_search(cats.begin(), cats.end(), *idx)) continue;
      uncovered += (uncovered.empty() ? "" : ";") + f.field;
    }
    if (uncovered.empty()) continue;
    std::string categories;
    for (uint32_t k : cats) categories += (categories.empty() ? "" : ";") + c.s.strings[k];
    c.Add(Entity::kPerson, i, "signatory_fields",
          {{"uncovered", uncovered}, {"capability_categories", categories}});
  }
}

void PersonTwoInstitutions(Ctx& c) {
  // Everyone with an ID hash: in-scope people (index >= 0) and external ones (-1 - index).
  struct Ref {
    std::string_view hash;
    uint32_t inst;
    int64_t person;
  };
  std::vector<Ref> refs;
  refs.reserve(c.s.people.size() + c.s.external_people.size());
  for (uint32_t i = 0; i < c.s.people.size(); ++i) {
    if (!c.s.people[i].id_hash.empty())
      refs.push_back({c.s.people[i].id_hash, c.s.people[i].inst, i});
  }
  for (uint32_t i = 0; i < c.s.external_people.size(); ++i) {
    refs.push_back({c.s.external_people[i].id_hash, c.s.external_people[i].inst, -1 - int64_t{i}});
  }
  std::sort(refs.begin(), refs.end(), [](const Ref& a, const Ref& b) {
    return a.hash != b.hash ? a.hash < b.hash : a.person < b.person;
  });
  for (size_t lo = 0; lo < refs.size();) {
    size_t hi = lo + 1;
    while (hi < refs.size() && refs[hi].hash == refs[lo].hash) ++hi;
    bool several = false;
    for (size_t k = lo + 1; k < hi; ++k) several |= refs[k].inst != refs[lo].inst;
    if (several) {
      for (size_t k = lo; k < hi; ++k) {
        if (refs[k].person < 0) continue;
        std::string others;
        int n = 0;
        for (size_t m = lo; m < hi; ++m) {
          if (refs[m].inst == refs[k].inst) continue;
          const SnapInstitution& o = c.s.institutions[refs[m].inst];
          if (++n <= 5) others += (others.empty() ? "" : ";") + o.uscc + " " + o.name;
        }
        c.Add(Entity::kPerson, static_cast<uint32_t>(refs[k].person), "id_hash",
              {{"name", c.s.people[refs[k].person].name},
               {"other_institutions", others},
               {"institutions", std::to_string(n + 1)}});
      }
    }
    lo = hi;
  }
}

void PersonSignatoryTitle(Ctx& c) {
  for (uint32_t i = 0; i < c.s.people.size(); ++i) {
    const SnapPerson& p = c.s.people[i];
    if (HasRole(p, kSignatory) && !p.title.empty() && TitleBelowIntermediate(p.title)) {
      c.Add(Entity::kPerson, i, "title", {{"title", p.title}, {"role", std::string(kSignatory)}});
    }
  }
}

// Groups institutions by `key` (empty keys skipped) and flags every in-scope member of a group
// of two or more.
template <typename KeyFn>
void DuplicateInstitutions(Ctx& c, std::string_view field, KeyFn key) {
  std::vector<std::pair<std::string, uint32_t>> keys;
  keys.reserve(c.s.institutions.size());
  for (uint32_t i = 0; i < c.s.institutions.size(); ++i) {
    std::string k = key(c.s.institutions[i]);
    if (!k.empty()) keys.emplace_back(std::move(k), i);
  }
  std::sort(keys.begin(), keys.end());
  for (size_t lo = 0; lo < keys.size();) {
    size_t hi = lo + 1;
    while (hi < keys.size() && keys[hi].first == keys[lo].first) ++hi;
    if (hi - lo >= 2) {
      for (size_t k = lo; k < hi; ++k) {
        const SnapInstitution& v = c.s.institutions[keys[k].second];
        if (!v.in_scope) continue;
        std::string others;
        for (size_t m = lo; m < hi; ++m) {
          if (m == k) continue;
          const SnapInstitution& o = c.s.institutions[keys[m].second];
          others +=
              (others.empty() ? "" : ";") + o.uscc + " " + o.name + " (" + o.region_code + ")";
        }
        c.Add(Entity::kInstitution, keys[k].second, field,
              {{std::string(field), field == "uscc" ? v.uscc : v.name}, {"others", others}});
      }
    }
    lo = hi;
  }
}

void InstitutionDuplicateUscc(Ctx& c) {
  DuplicateInstitutions(c, "uscc", [](const SnapInstitution& v) {
    return v.uscc.size() == 18 ? v.uscc.substr(8, 9) : std::string();
  });
}

void InstitutionDuplicateName(Ctx& c) {
  DuplicateInstitutions(c, "name", [](const SnapInstitution& v) {
    if (v.region_code.size() < 4) return std::string();
    std::string n = NormalizeInstitutionName(v.name);
    return n.empty() ? n : v.region_code.substr(0, 4) + "|" + n;
  });
}

void InstitutionKeyPosition(Ctx& c) {
  std::vector<uint8_t> has(c.s.institutions.size(), 0);  // bit 0 technical, bit 1 quality
  for (const SnapPerson& p : c.s.people) {
    if (HasRole(p, kTechnicalManager)) has[p.inst] |= 1;
    if (HasRole(p, kQualityManager)) has[p.inst] |= 2;
  }
  EachInstitution(c, [&](uint32_t i, const SnapInstitution&) {
    if (!(has[i] & 1)) {
      c.Add(Entity::kInstitution, i, "technical_manager",
            {{"role", std::string(kTechnicalManager)}});
    }
    if (!(has[i] & 2)) {
      c.Add(Entity::kInstitution, i, "quality_manager", {{"role", std::string(kQualityManager)}});
    }
  });
}

void EquipmentCalibrationOverdue(Ctx& c) {
  for (uint32_t i = 0; i < c.s.equipment.size(); ++i) {
    const SnapEquipment& e = c.s.equipment[i];
    if (e.calibration_due != kNoDay && e.calibration_due < c.today) {
      c.Add(Entity::kEquipment, i, "calibration_due",
            {{"calibration_due", DayText(e.calibration_due)},
             {"days_overdue", std::to_string(c.today - e.calibration_due)}});
    }
  }
}

void StandardStatusDates(Ctx& c) {
  EachStandard(c, [&](uint32_t i, const SnapStandard& s) {
    const char* why = nullptr;
    if (s.status == StandardStatus::kCurrent && s.abolished != kNoDay && s.abolished <= c.today) {
      why = "current-but-abolished-date-passed";
    } else if (s.status == StandardStatus::kCurrent && s.effective != kNoDay &&
               s.effective > c.today) {
      why = "current-before-effective-date";
    } else if (s.status == StandardStatus::kUpcoming && s.effective != kNoDay &&
               s.effective <= c.today) {
      why = "upcoming-after-effective-date";
    } else if (s.status == StandardStatus::kAbolished && s.abolished != kNoDay &&
               s.abolished > c.today) {
      why = "abolished-before-abolition-date";
    }
    if (why) {
      c.Add(Entity::kStandard, i, "status",
            {{"status", registry::StandardStatusName(s.status)},
             {"effective_on", DayText(s.effective)},
             {"abolished_on", DayText(s.abolished)},
             {"problem", why}});
    }
  });
}

// ---- timeliness ----

void CertificateExpiringSoon(Ctx& c) {
  const int64_t days = c.Param("days", 90);
  for (uint32_t i = 0; i < c.s.certificates.size(); ++i) {
    const SnapCertificate& v = c.s.certificates[i];
    if (v.expires == kNoDay || v.expires < c.today || v.expires > c.today + days) continue;
    if (v.status != CertStatus::kValid || !c.d.cert_valid[i]) continue;
    bool renewed = false;
    for (uint32_t k : c.d.certs_of[v.inst]) {
      const SnapCertificate& o = c.s.certificates[k];
      if (k != i && o.status == CertStatus::kValid && o.expires != kNoDay &&
          o.expires > v.expires) {
        renewed = true;
      }
    }
    if (!renewed) {
      c.Add(
          Entity::kCertificate, i, "expires_on",
          {{"expires_on", DayText(v.expires)}, {"days_left", std::to_string(v.expires - c.today)}});
    }
  }
}

void InstitutionStale(Ctx& c) {
  const int64_t days = c.Param("days", 365);
  EachInstitution(c, [&](uint32_t i, const SnapInstitution& v) {
    if (v.last_updated != kNoDay && v.last_updated < c.today - days) {
      c.Add(Entity::kInstitution, i, "updated_at",
            {{"last_updated", DayText(v.last_updated)},
             {"days", std::to_string(c.today - v.last_updated)}});
    }
  });
}

struct Binding {
  const char* id;
  RuleFn fn;
};

const std::vector<Binding>& Bindings() {
  static const std::vector<Binding> b = {
      {"completeness.institution.region", &InstitutionText<&SnapInstitution::region_code>},
      {"completeness.institution.address", &InstitutionText<&SnapInstitution::address>},
      {"completeness.institution.legal-rep", &InstitutionText<&SnapInstitution::legal_rep>},
      {"completeness.institution.legal-form", &InstitutionText<&SnapInstitution::legal_form>},
      {"completeness.institution.domains", &InstitutionDomains},
      {"completeness.institution.certificate", &InstitutionCertificate},
      {"completeness.certificate.issuer", &CertificateIssuer},
      {"completeness.certificate.issued-on", &CertificateDate<&SnapCertificate::issued>},
      {"completeness.certificate.expires-on", &CertificateDate<&SnapCertificate::expires>},
      {"completeness.capability.category", &CapabilityText<&SnapCapability::category>},
      {"completeness.capability.object", &CapabilityText<&SnapCapability::object>},
      {"completeness.capability.item", &CapabilityText<&SnapCapability::item>},
      {"completeness.capability.standard-no", &CapabilityText<&SnapCapability::standard_no>},
      {"completeness.capability.standard-name", &CapabilityFlag<SnapCapability::kHasStandardName>},
      {"completeness.capability.approved-on", &CapabilityFlag<SnapCapability::kHasApprovedOn>},
      {"completeness.person.name", &PersonText<&SnapPerson::name>},
      {"completeness.person.title", &PersonText<&SnapPerson::title>},
      {"completeness.person.roles", &PersonRoles},
      {"completeness.person.signatory-fields", &PersonSignatoryFields},
      {"completeness.equipment.name", &EquipmentPooled<&SnapEquipment::name>},
      {"completeness.equipment.model", &EquipmentPooled<&SnapEquipment::model>},
      {"completeness.equipment.serial", &EquipmentSerial},
      {"completeness.equipment.calibration-due", &EquipmentCalibrationDue},
      {"completeness.standard.name", &StandardName},
      {"completeness.standard.effective-on", &StandardEffectiveOn},
      {"format.institution.uscc", &InstitutionUscc},
      {"format.institution.uscc-check", &InstitutionUsccCheck},
      {"format.institution.uscc-type", &InstitutionUsccType},
      {"format.institution.uscc-region", &InstitutionUsccRegion},
      {"format.institution.region-code", &InstitutionRegionCode},
      {"format.certificate.number", &CertificateNumber},
      {"format.certificate.number-year", &CertificateNumberYear},
      {"format.certificate.number-issuer", &CertificateNumberIssuer},
      {"format.capability.standard-no", &CapabilityStandardNoFormat},
      {"consistency.certificate.expired-but-valid", &CertificateExpiredButValid},
      {"consistency.certificate.validity-period", &CertificateValidityPeriod},
      {"consistency.capability.abolished-standard", &CapabilityAbolishedStandard},
      {"consistency.capability.unknown-standard", &CapabilityUnknownStandard},
      {"consistency.capability.no-valid-certificate", &CapabilityNoValidCertificate},
      {"consistency.person.signatory-field-not-covered", &PersonSignatoryNotCovered},
      {"consistency.person.two-institutions", &PersonTwoInstitutions},
      {"consistency.person.signatory-title", &PersonSignatoryTitle},
      {"consistency.institution.duplicate-uscc", &InstitutionDuplicateUscc},
      {"consistency.institution.duplicate-name", &InstitutionDuplicateName},
      {"consistency.institution.key-position", &InstitutionKeyPosition},
      {"consistency.equipment.calibration-overdue", &EquipmentCalibrationOverdue},
      {"consistency.standard.status-dates", &StandardStatusDates},
      {"timeliness.certificate.expiring-soon", &CertificateExpiringSoon},
      {"timeliness.institution.stale", &InstitutionStale},
  };
  return b;
}

RuleFn FindBinding(std::string_view id) {
  for (const auto& b : Bindings()) {
    if (id == b.id) return b.fn;
  }
  return nullptr;
}

Derived Derive(const Snapshot& s, Day today) {
  Derived d;
  d.cert_valid.resize(s.certificates.size());
  d.certificates.assign(s.institutions.size(), 0);
  d.certs_of.resize(s.institutions.size());
  for (uint32_t i = 0; i < s.certificates.size(); ++i) {
    d.cert_valid[i] = CertificateValidOn(s.certificates[i], today) ? 1 : 0;
    ++d.certificates[s.certificates[i].inst];
    d.certs_of[s.certificates[i].inst].push_back(i);
  }
  d.standard_state.resize(s.standards.size());
  for (size_t i = 0; i < s.standards.size(); ++i) {
    d.standard_state[i] = StandardStateOn(s, static_cast<int32_t>(i), today);
  }
  d.categories.resize(s.institutions.size());
  for (const SnapCapability& c : s.capabilities) {
    if (c.category == 0 || !CapabilityInScopeOn(c, today)) continue;
    auto& v = d.categories[s.InstOf(c)];
    if (std::find(v.begin(), v.end(), c.category) == v.end()) v.push_back(c.category);
  }
  for (auto& v : d.categories) std::sort(v.begin(), v.end());
  return d;
}

// Where a record belongs: (institution index or -1, record id, display key).
struct Located {
  int64_t inst = -1;
  int64_t id = 0;
};

Located Locate(const Snapshot& s, Entity e, uint32_t i) {
  switch (e) {
    case Entity::kInstitution:
      return {i, s.institutions[i].id};
    case Entity::kCertificate:
      return {s.certificates[i].inst, s.certificates[i].id};
    case Entity::kCapability:
      return {s.InstOf(s.capabilities[i]), s.capabilities[i].id};
    case Entity::kPerson:
      return {s.people[i].inst, s.people[i].id};
    case Entity::kEquipment:
      return {s.equipment[i].inst, s.equipment[i].id};
    case Entity::kStandard:
      return {-1, s.standards[i].id};
  }
  return {};
}

std::string RecordKey(const Snapshot& s, Entity e, uint32_t i) {
  switch (e) {
    case Entity::kInstitution:
      return s.institutions[i].name + " (" + s.institutions[i].uscc + ")";
    case Entity::kCertificate:
      return s.certificates[i].number;
    case Entity::kCapability: {
      const SnapCapability& c = s.capabilities[i];
      return s.certificates[c.cert].number + " · " + s.strings[c.item] + " · " +
             s.strings[c.standard_no];
    }
    case Entity::kPerson:
      return s.people[i].name;
    case Entity::kEquipment:
      return s.strings[s.equipment[i].name] + " · " + std::string(s.texts[s.equipment[i].serial]);
    case Entity::kStandard:
      return s.standards[i].number;
  }
  return {};
}

}  // namespace

std::vector<std::string> QualityRuleIdsWithCode() {
  std::vector<std::string> out;
  for (const auto& b : Bindings()) out.emplace_back(b.id);
  return out;
}

std::vector<std::string> EntityFields(const RuleCatalogue& rules, Entity e) {
  std::vector<std::string> out;
  for (const auto& r : rules.rules()) {
    if (r.entity != EntityName(e)) continue;
    for (const auto& f : r.fields) {
      if (std::find(out.begin(), out.end(), f) == out.end()) out.push_back(f);
    }
  }
  return out;
}

namespace {

enum Class { kIncomplete = 0, kIncorrect = 1, kUntimely = 2 };

int ClassOf(const RuleDef& r) {
  if (r.category == "completeness") return kIncomplete;
  if (r.category == "timeliness") return kUntimely;
  return kIncorrect;
}

// Builds the rate cells from the records in scope and the findings (see quality.h).
void ComputeRates(const Snapshot& s, const RuleCatalogue& rules, QualityResult* out) {
  // Fields per entity, and the counting units: counties (+ the standards pseudo-unit).
  std::vector<std::vector<std::string>> fields(kEntityCount);
  for (int e = 0; e < kEntityCount; ++e) fields[e] = EntityFields(rules, static_cast<Entity>(e));
  const size_t max_fields = 64;
  std::unordered_map<std::string, uint32_t> unit_of_region;
  std::vector<std::string> unit_region;
  std::vector<uint32_t> unit_of_inst(s.institutions.size(), 0);
  for (uint32_t i = 0; i < s.institutions.size(); ++i) {
    if (!s.institutions[i].in_scope) continue;
    auto [it, added] = unit_of_region.emplace(s.institutions[i].region_code,
                                              static_cast<uint32_t>(unit_region.size()));
    if (added) unit_region.push_back(s.institutions[i].region_code);
    unit_of_inst[i] = it->second;
  }
  const auto standards_unit = static_cast<uint32_t>(unit_region.size());
  unit_region.emplace_back();
  const size_t units = unit_region.size();

  // Record counts per (institution, entity) and per (unit, entity).
  std::vector<std::array<RateCounts, kEntityCount>> inst_counts(s.institutions.size());
  std::vector<std::array<int64_t, kEntityCount>> unit_records(units);
  for (auto& u : unit_records) u.fill(0);
  auto count = [&](Entity e, int64_t inst) {
    const int ei = static_cast<int>(e);
    if (inst < 0) {
      ++unit_records[standards_unit][ei];
    } else {
      ++inst_counts[inst][ei].records;
      ++unit_records[unit_of_inst[inst]][ei];
    }
  };
  for (uint32_t i = 0; i < s.institutions.size(); ++i) {
    if (s.institutions[i].in_scope) count(Entity::kInstitution, i);
  }
  for (const auto& c : s.certificates) count(Entity::kCertificate, c.inst);
  for (const auto& c : s.capabilities) count(Entity::kCapability, s.InstOf(c));
  for (const auto& p : s.people) count(Entity::kPerson, p.inst);
  for (const auto& e : s.equipment) count(Entity::kEquipment, e.inst);
  if (s.region_prefix.empty()) {
    for (size_t i = 0; i < s.standards.size(); ++i) count(Entity::kStandard, -1);
  }

  // Finding marks per (unit, entity, field, class); field index max_fields-1 = any field.
  const size_t cells = units * kEntityCount * max_fields * 3;
  std::vector<int64_t> marks(cells, 0);
  auto cell = [&](size_t unit, int e, size_t f, int cls) -> int64_t& {
    return marks[((unit * kEntityCount + e) * max_fields + f) * 3 + cls];
  };
  std::unordered_set<uint64_t> seen;
  seen.reserve(out->findings.size() * 2);
  std::vector<std::array<int64_t, kEntityCount>> unit_findings(units);
  for (auto& u : unit_findings) u.fill(0);
  for (const Finding& f : out->findings) {
    const int e = static_cast<int>(f.entity);
    const Located loc = Locate(s, f.entity, f.index);
    const size_t unit = loc.inst < 0 ? standards_unit : unit_of_inst[loc.inst];
    const auto& fl = fields[e];
    const auto field_index =
        static_cast<size_t>(std::find(fl.begin(), fl.end(), f.field) - fl.begin());
    const int cls = ClassOf(*f.rule);
    const uint64_t record = (static_cast<uint64_t>(e) << 40) | f.index;
    for (size_t fi : {field_index, max_fields - 1}) {
      if (seen.insert((record * max_fields + fi) * 3 + cls).second) {
        ++cell(unit, e, fi, cls);
        if (fi == max_fields - 1 && loc.inst >= 0) {
          RateCounts& rc = inst_counts[loc.inst][e];
          (cls == kIncomplete ? rc.incomplete : cls == kIncorrect ? rc.incorrect : rc.untimely)++;
        }
      }
    }
    if (loc.inst >= 0) ++inst_counts[loc.inst][e].findings;
    ++unit_findings[unit][e];
  }

  for (size_t u = 0; u < units; ++u) {
    for (int e = 0; e < kEntityCount; ++e) {
      const int64_t records = unit_records[u][e];
      if (records == 0) continue;
      const std::string entity = EntityName(static_cast<Entity>(e));
      for (size_t fi = 0; fi <= fields[e].size(); ++fi) {
        const bool any = fi == fields[e].size();
        const size_t idx = any ? max_fields - 1 : fi;
        RateCounts rc;
        rc.records = records;
        rc.incomplete = cell(u, e, idx, kIncomplete);
        rc.incorrect = cell(u, e, idx, kIncorrect);
        rc.untimely = cell(u, e, idx, kUntimely);
        if (any) rc.findings = unit_findings[u][e];
        out->rates[RateKey{unit_region[u], 0, entity, any ? std::string() : fields[e][fi]}] = rc;
      }
    }
  }
  for (uint32_t i = 0; i < s.institutions.size(); ++i) {
    if (!s.institutions[i].in_scope) continue;
    for (int e = 0; e < kEntityCount; ++e) {
      const RateCounts& rc = inst_counts[i][e];
      if (rc.records == 0) continue;
      out->rates[RateKey{s.institutions[i].region_code, s.institutions[i].id,
                         EntityName(static_cast<Entity>(e)), ""}] = rc;
    }
  }
}

}  // namespace

Result<QualityResult> Evaluate(const Snapshot& snap, const RuleCatalogue& rules,
                               const QualityOptions& options) {
  const Day today = ToDay(options.today);
  if (today == kNoDay) {
    return Error::Invalid("quality.bad-date", "日期无效（应为 YYYY-MM-DD）",
                          "invalid date (expected YYYY-MM-DD)", options.today);
  }
  for (const auto& o : options.overrides) {
    const RuleDef* r = rules.Find(o.rule_id);
    if (!r || std::none_of(r->params.begin(), r->params.end(),
                           [&](const auto& p) { return p.first == o.name; })) {
      return Error::Invalid("quality.bad-param", "规则参数不存在", "no such rule parameter",
                            o.rule_id + "." + o.name);
    }
  }
  QualityResult out;
  out.today = options.today;
  out.region_prefix = snap.region_prefix;
  out.rules_version = rules.version();
  out.institutions = snap.InScopeInstitutions();
  const Derived derived = Derive(snap, today);
  for (const RuleDef& rule : rules.rules()) {
    const RuleFn fn = FindBinding(rule.id);
    if (!fn) return Error::Internal("quality.unbound-rule", "no code for rule " + rule.id);
    for (const auto& [name, value] : rule.params) {
      int64_t v = value;
      for (const auto& o : options.overrides) {
        if (o.rule_id == rule.id && o.name == name) v = o.value;
      }
      out.params.push_back(ParamOverride{rule.id, name, v});
    }
    const size_t before = out.findings.size();
    Ctx ctx(snap, rule, today, derived, options.overrides, &out.findings);
    fn(ctx);
    if (!ctx.bad_field().empty()) {
      return Error::Internal("quality.bad-field",
                             "rule " + rule.id + " reported undeclared field " + ctx.bad_field());
    }
    auto begin = out.findings.begin() + static_cast<std::ptrdiff_t>(before);
    std::stable_sort(begin, out.findings.end(), [&](const Finding& a, const Finding& b) {
      if (a.entity != b.entity) return a.entity < b.entity;
      const int64_t ia = Locate(snap, a.entity, a.index).id;
      const int64_t ib = Locate(snap, b.entity, b.index).id;
      return ia != ib ? ia < ib : a.field < b.field;
    });
    out.by_rule[rule.id] = static_cast<int64_t>(out.findings.size() - before);
    out.by_category[rule.category] += static_cast<int64_t>(out.findings.size() - before);
    out.by_severity[SeverityName(rule.severity)] +=
        static_cast<int64_t>(out.findings.size() - before);
  }
  for (Finding& f : out.findings) {
    const Located loc = Locate(snap, f.entity, f.index);
    f.record_id = loc.id;
    if (loc.inst >= 0) {
      f.institution_id = snap.institutions[loc.inst].id;
      f.region_code = snap.institutions[loc.inst].region_code;
    }
    f.record_key = RecordKey(snap, f.entity, f.index);
    f.fingerprint = Fingerprint(f.rule->id, f.entity, f.record_id, f.field);
  }
  out.records["institution"] = out.institutions;
  out.records["certificate"] = static_cast<int64_t>(snap.certificates.size());
  out.records["capability"] = static_cast<int64_t>(snap.capabilities.size());
  out.records["person"] = static_cast<int64_t>(snap.people.size());
  out.records["equipment"] = static_cast<int64_t>(snap.equipment.size());
  out.records["standard"] =
      snap.region_prefix.empty() ? static_cast<int64_t>(snap.standards.size()) : 0;
  ComputeRates(snap, rules, &out);
  return out;
}

}  // namespace zhijian::checks
