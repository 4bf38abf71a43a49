#include "zhijian/checks/quality.h"

#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <set>
#include <string>

#include "zhijian/base/digest.h"
#include "zhijian/base/uscc.h"

namespace zhijian::checks {
namespace {

using registry::CertStatus;
using registry::StandardStatus;

const char* kToday = "2026-06-30";

Day D(const char* iso) { return ToDay(iso); }

// A USCC with correct check characters from its type, region and 8-character body.
std::string MakeUscc(const std::string& type, const std::string& region, const std::string& body) {
  const std::string first17 = type + region + body + *Uscc::ComputeOrgCheckChar(body);
  return first17 + *Uscc::ComputeCheckChar(first17);
}

std::string Hash(char c) { return Sha256Hex(std::string(1, c)); }

// A small registry with no defect at all on kToday; each test breaks one thing.
Snapshot Baseline() {
  Snapshot s;
  auto std_row = [&](const char* number, const char* name, StandardStatus st, const char* eff,
                     const char* abol, std::vector<std::string> by = {}) {
    SnapStandard v;
    v.id = static_cast<int64_t>(s.standards.size()) + 1;
    v.number = number;
    v.name = name;
    v.status = st;
    v.effective = eff ? D(eff) : kNoDay;
    v.abolished = abol ? D(abol) : kNoDay;
    v.replaced_by = std::move(by);
    s.standards.push_back(std::move(v));
  };
  std_row("GB 5009.12-2017", "食品中铅的测定", StandardStatus::kCurrent, "2017-10-06", nullptr);
  std_row("GB 5009.12-2010", "食品中铅的测定", StandardStatus::kAbolished, "2010-06-01",
          "2017-10-06", {"GB 5009.12-2017"});
  std_row("GB/T 5750.6-2023", "生活饮用水标准检验方法 第6部分", StandardStatus::kCurrent,
          "2023-10-01", nullptr);
  // Still marked current, but replaced by an edition in force: replaced.
  std_row("GB/T 5750.6-2006", "生活饮用水标准检验方法 金属指标", StandardStatus::kCurrent,
          "2007-07-01", nullptr, {"GB/T 5750.6-2023"});
  std_row("HJ 9001-2027", "新方法", StandardStatus::kUpcoming, "2027-01-01", nullptr);
  // Replaced by a standard not yet in force: still in force.
  std_row("HJ 9001-2010", "旧方法", StandardStatus::kCurrent, "2010-01-01", nullptr,
          {"HJ 9001-2027"});

  auto inst = [&](int64_t id, const std::string& uscc, const char* name, const char* region) {
    SnapInstitution v;
    v.id = id;
    v.uscc = uscc;
    v.name = name;
    v.region_code = region;
    v.address = "山东省济南市历下区经十路1号";
    v.legal_rep = "张三";
    v.legal_form = "企业法人";
    v.domains = {"食品"};
    v.last_updated = D("2026-06-20");
    s.institutions.push_back(std::move(v));
  };
  inst(11, MakeUscc("91", "370102", "MA000001"), "济南甲乙检测有限公司", "370102");
  inst(12, MakeUscc("91", "370103", "MA000002"), "济南丙丁水质检测有限公司", "370103");

  auto cert = [&](int64_t id, uint32_t i, const char* no, const char* issued, const char* expires) {
    SnapCertificate c;
    c.id = id;
    c.inst = i;
    c.number = no;
    c.issuer = "山东省市场监督管理局";
    c.issued = D(issued);
    c.expires = D(expires);
    c.history = {{CertStatus::kValid, D(issued)}};
    s.certificates.push_back(std::move(c));
  };
  cert(21, 0, "211500000001", "2021-03-01", "2027-03-01");
  cert(22, 1, "221513130002", "2022-05-10", "2028-05-09");  // 6 years less one day

  auto cap = [&](int64_t id, uint32_t c, const char* cat, const char* obj, const char* item,
                 const char* std_no) {
    SnapCapability k;
    k.id = id;
    k.cert = c;
    k.category = s.strings.Intern(cat);
    k.object = s.strings.Intern(obj);
    k.item = s.strings.Intern(item);
    k.standard_no = s.strings.Intern(std_no);
    k.flags = SnapCapability::kHasStandardName | SnapCapability::kHasApprovedOn;
    k.valid_from = s.certificates[c].issued;
    s.capabilities.push_back(k);
  };
  cap(31, 0, "食品", "粮食", "铅", "GB 5009.12-2017");
  cap(32, 1, "水质", "生活饮用水", "铅", "GB/T 5750.6-2023");
  cap(33, 1, "水质", "地表水", "化学需氧量", "HJ 9001-2010");

  auto person = [&](int64_t id, uint32_t i, const char* name, char hash, const char* title,
                    std::vector<std::string> roles, std::vector<std::string> fields = {}) {
    SnapPerson p;
    p.id = id;
    p.inst = i;
    p.name = name;
    p.id_hash = Hash(hash);
    p.title = title;
    p.roles = std::move(roles);
    for (auto& f : fields) p.signatory_fields.push_back({f, D("2021-04-01"), kNoDay});
    s.people.push_back(std::move(p));
  };
  person(41, 0, "李四", 'a', "高级工程师", {"技术负责人", "授权签字人"}, {"食品"});
  person(42, 0, "王五", 'b', "工程师", {"质量负责人"});
  person(43, 0, "赵六", 'c', "助理工程师", {"检测人员"});
  person(44, 1, "孙七", 'd', "工程师", {"技术负责人"});
  person(45, 1, "周八", 'e', "正高级工程师", {"授权签字人", "质量负责人"}, {"水质"});

  auto equipment = [&](int64_t id, uint32_t i, const char* name, const char* model,
                       const char* serial, const char* due) {
    SnapEquipment e;
    e.id = id;
    e.inst = i;
    e.name = s.strings.Intern(name);
    e.model = s.strings.Intern(model);
    e.serial = s.texts.Add(serial);
    e.calibration_due = D(due);
    s.equipment.push_back(std::move(e));
  };
  equipment(51, 0, "原子吸收光谱仪", "AA-7000", "AA2100001", "2026-12-31");
  equipment(52, 1, "电感耦合等离子体质谱仪", "ICPMS-2030", "MS2200001", "2026-07-01");
  s.Finish();
  return s;
}

QualityResult Check(const Snapshot& s, std::vector<ParamOverride> overrides = {}) {
  QualityOptions o;
  o.today = kToday;
  o.overrides = std::move(overrides);
  auto r = Evaluate(s, RuleCatalogue::Quality(), o);
  EXPECT_TRUE(r.ok()) << r.error().ToString();
  return r.ok() ? std::move(*r) : QualityResult{};
}

std::map<std::string, int> CountByRule(const QualityResult& r) {
  std::map<std::string, int> m;
  for (const auto& f : r.findings) ++m[f.rule->id];
  return m;
}

std::string Describe(const QualityResult& r) {
  std::string s;
  for (const auto& f : r.findings) {
    s += f.rule->id + " " + EntityName(f.entity) + "#" + std::to_string(f.record_id) + "." +
         f.field + "\n";
  }
  return s;
}

TEST(QualityRulesTest, BaselineHasNoFinding) {
  const QualityResult r = Check(Baseline());
  EXPECT_TRUE(r.findings.empty()) << Describe(r);
  EXPECT_EQ(r.institutions, 2);
  EXPECT_EQ(r.records.at("capability"), 3);
  EXPECT_EQ(r.records.at("standard"), 6);
  for (const auto& [id, n] : r.by_rule) EXPECT_EQ(n, 0) << id;
  EXPECT_EQ(r.by_rule.size(), RuleCatalogue::Quality().rules().size());
}

struct Case {
  std::string name;
  std::function<void(Snapshot&)> mutate;
  std::map<std::string, int> expected;  // rule id -> findings
};

std::vector<Case> Cases() {
  std::vector<Case> K;
  auto intern = [](Snapshot& s, const char* t) { return s.strings.Intern(t); };
  K = {
      {"region empty",
       [](Snapshot& s) { s.institutions[0].region_code = ""; },
       {{"completeness.institution.region", 1}}},
      {"address empty",
       [](Snapshot& s) { s.institutions[0].address = ""; },
       {{"completeness.institution.address", 1}}},
      {"legal rep empty",
       [](Snapshot& s) { s.institutions[1].legal_rep = ""; },
       {{"completeness.institution.legal-rep", 1}}},
      {"legal form empty",
       [](Snapshot& s) { s.institutions[1].legal_form = ""; },
       {{"completeness.institution.legal-form", 1}}},
      {"domains empty",
       [](Snapshot& s) { s.institutions[0].domains.clear(); },
       {{"completeness.institution.domains", 1}}},
      {"no certificate",
       [](Snapshot& s) {
         // Institution 0 loses its certificate and capability; its signatory's field (食品)
         // is then outside any capability category too.
         s.certificates.erase(s.certificates.begin());
         s.capabilities.erase(s.capabilities.begin());
         for (auto& k : s.capabilities) k.cert -= 1;
       },
       {{"completeness.institution.certificate", 1},
        {"consistency.person.signatory-field-not-covered", 1}}},
      {"issuer empty",
       [](Snapshot& s) { s.certificates[0].issuer = ""; },
       {{"completeness.certificate.issuer", 1}}},
      {"issued empty",
       [](Snapshot& s) { s.certificates[0].issued = kNoDay; },
       {{"completeness.certificate.issued-on", 1}}},
      {"expires empty",
       [](Snapshot& s) { s.certificates[1].expires = kNoDay; },
       {{"completeness.certificate.expires-on", 1}}},
      {"category empty",
       [](Snapshot& s) { s.capabilities[0].category = 0; },
       {{"completeness.capability.category", 1},
        {"consistency.person.signatory-field-not-covered", 1}}},
      {"object empty",
       [](Snapshot& s) { s.capabilities[1].object = 0; },
       {{"completeness.capability.object", 1}}},
      {"item empty",
       [](Snapshot& s) { s.capabilities[1].item = 0; },
       {{"completeness.capability.item", 1}}},
      {"standard no empty",
       [](Snapshot& s) { s.capabilities[1].standard_no = 0; },
       {{"completeness.capability.standard-no", 1}}},
      {"standard name empty",
       [](Snapshot& s) { s.capabilities[2].flags = 2; },
       {{"completeness.capability.standard-name", 1}}},
      {"approved empty",
       [](Snapshot& s) { s.capabilities[2].flags = 1; },
       {{"completeness.capability.approved-on", 1}}},
      {"person name empty",
       [](Snapshot& s) { s.people[2].name = ""; },
       {{"completeness.person.name", 1}}},
      {"title empty",
       [](Snapshot& s) { s.people[2].title = ""; },
       {{"completeness.person.title", 1}}},
      {"roles empty",
       [](Snapshot& s) { s.people[2].roles.clear(); },
       {{"completeness.person.roles", 1}}},
      {"signatory without field",
       [](Snapshot& s) { s.people[0].signatory_fields.clear(); },
       {{"completeness.person.signatory-fields", 1}}},
      {"equipment name empty",
       [](Snapshot& s) { s.equipment[0].name = 0; },
       {{"completeness.equipment.name", 1}}},
      {"model empty",
       [](Snapshot& s) { s.equipment[0].model = 0; },
       {{"completeness.equipment.model", 1}}},
      {"serial empty",
       [](Snapshot& s) { s.equipment[1].serial = {}; },
       {{"completeness.equipment.serial", 1}}},
      {"calibration due empty",
       [](Snapshot& s) { s.equipment[1].calibration_due = kNoDay; },
       {{"completeness.equipment.calibration-due", 1}}},
      {"standard name",
       [](Snapshot& s) { s.standards[0].name = ""; },
       {{"completeness.standard.name", 1}}},
      {"standard effective",
       [](Snapshot& s) { s.standards[2].effective = kNoDay; },
       {{"completeness.standard.effective-on", 1}}},
      {"uscc malformed",
       [](Snapshot& s) { s.institutions[0].uscc = "91370102MA0000"; },
       {{"format.institution.uscc", 1}}},
      {"uscc check",
       [](Snapshot& s) {
         std::string& u = s.institutions[0].uscc;
         u.back() = u.back() == '0' ? '1' : '0';
       },
       {{"format.institution.uscc-check", 1}}},
      {"uscc type",
       [](Snapshot& s) { s.institutions[0].uscc = MakeUscc("A5", "370102", "MA000001"); },
       {{"format.institution.uscc-type", 1}}},
      {"uscc region",
       [](Snapshot& s) { s.institutions[0].uscc = MakeUscc("91", "999999", "MA000001"); },
       {{"format.institution.uscc-region", 1}}},
      {"region unknown",
       [](Snapshot& s) { s.institutions[0].region_code = "379999"; },
       {{"format.institution.region-code", 1}}},
      {"certificate legacy number",
       [](Snapshot& s) { s.certificates[0].number = "（2017）（鲁）质监认字002号"; },
       {{"format.certificate.number", 1}}},
      {"certificate number year",
       [](Snapshot& s) { s.certificates[0].number = "201500000001"; },
       {{"format.certificate.number-year", 1}}},
      {"certificate number issuer",
       [](Snapshot& s) { s.certificates[0].number = "210100000001"; },
       {{"format.certificate.number-issuer", 1}}},
      {"capability standard unparseable",
       [intern](Snapshot& s) { s.capabilities[0].standard_no = intern(s, "国标第12号"); },
       {{"format.capability.standard-no", 1}}},
      {"expired but valid",
       [](Snapshot& s) {
         auto& c = s.certificates[0];
         c.number = "201500000001";
         c.issued = D("2020-06-01");
         c.history = {{CertStatus::kValid, c.issued}};
         c.expires = D("2026-06-01");
       },
       // ... and its capability row is in scope under a certificate that is not valid.
       {{"consistency.certificate.expired-but-valid", 1},
        {"consistency.capability.no-valid-certificate", 1}}},
      {"validity not six years",
       [](Snapshot& s) { s.certificates[0].expires = D("2027-03-05"); },
       {{"consistency.certificate.validity-period", 1}}},
      {"abolished standard",
       [intern](Snapshot& s) { s.capabilities[0].standard_no = intern(s, "GB 5009.12-2010"); },
       {{"consistency.capability.abolished-standard", 1}}},
      {"replaced standard",
       [intern](Snapshot& s) { s.capabilities[1].standard_no = intern(s, "GB/T 5750.6-2006"); },
       {{"consistency.capability.abolished-standard", 1}}},
      {"unknown standard",
       [intern](Snapshot& s) { s.capabilities[0].standard_no = intern(s, "GB 9999-2020"); },
       {{"consistency.capability.unknown-standard", 1}}},
      {"certificate suspended",
       [](Snapshot& s) {
         s.certificates[1].status = CertStatus::kSuspended;
         s.certificates[1].history.push_back({CertStatus::kSuspended, D("2026-01-10")});
       },
       {{"consistency.capability.no-valid-certificate", 2}}},
      {"signatory field not covered",
       [](Snapshot& s) {
         s.people[0].signatory_fields.push_back({"水质", kNoDay, kNoDay});
       },
       {{"consistency.person.signatory-field-not-covered", 1}}},
      {"person at two institutions",
       [](Snapshot& s) { s.people[3].id_hash = Hash('a'); },
       {{"consistency.person.two-institutions", 2}}},
      {"signatory junior title",
       [](Snapshot& s) { s.people[0].title = "助理工程师"; },
       {{"consistency.person.signatory-title", 1}}},
      {"duplicate organisation code",
       [](Snapshot& s) { s.institutions[1].uscc = MakeUscc("91", "370103", "MA000001"); },
       {{"consistency.institution.duplicate-uscc", 2}}},
      {"near-identical names",
       [](Snapshot& s) { s.institutions[1].name = "济南 甲乙检测股份有限公司"; },
       {{"consistency.institution.duplicate-name", 2}}},
      {"no quality manager",
       [](Snapshot& s) { s.people[1].roles = {"内审员"}; },
       {{"consistency.institution.key-position", 1}}},
      {"no key people at all",
       [](Snapshot& s) {
         s.people[3].roles = {"检测人员"};
         s.people[4].roles = {"授权签字人"};
       },
       {{"consistency.institution.key-position", 2}}},
      {"calibration overdue",
       [](Snapshot& s) { s.equipment[0].calibration_due = D("2026-06-29"); },
       {{"consistency.equipment.calibration-overdue", 1}}},
      {"standard status vs dates",
       [](Snapshot& s) { s.standards[2].status = StandardStatus::kUpcoming; },
       {{"consistency.standard.status-dates", 1}}},
      {"expiring soon",
       [](Snapshot& s) {
         auto& c = s.certificates[1];
         c.number = "201513130002";
         c.issued = D("2020-08-01");
         c.history = {{CertStatus::kValid, c.issued}};
         c.expires = D("2026-08-01");
       },
       {{"timeliness.certificate.expiring-soon", 1}}},
      {"stale",
       [](Snapshot& s) { s.institutions[1].last_updated = D("2025-06-29"); },
       {{"timeliness.institution.stale", 1}}},
  };
  return K;
}

TEST(QualityRulesTest, EachDefectFiresExactlyItsRules) {
  for (const Case& c : Cases()) {
    Snapshot s = Baseline();
    c.mutate(s);
    s.Finish();
    const QualityResult r = Check(s);
    EXPECT_EQ(CountByRule(r), c.expected) << c.name << ":\n" << Describe(r);
  }
}

// Every rule with code is exercised by a case above (so none is untested).
TEST(QualityRulesTest, EveryRuleHasACase) {
  std::set<std::string> covered;
  for (const Case& c : Cases()) {
    for (const auto& [id, n] : c.expected) covered.insert(id);
  }
  for (const auto& id : QualityRuleIdsWithCode()) {
    EXPECT_TRUE(covered.count(id)) << "no test case for " << id;
  }
}

const Finding* FindRule(const QualityResult& r, std::string_view id) {
  for (const auto& f : r.findings) {
    if (f.rule->id == id) return &f;
  }
  return nullptr;
}

std::string Evidence(const Finding& f, std::string_view key) {
  for (const auto& [k, v] : f.evidence) {
    if (k == key) return v;
  }
  return "<none>";
}

TEST(QualityRulesTest, FindingsCarryRecordRegionEvidenceAndFingerprint) {
  Snapshot s = Baseline();
  s.equipment[1].calibration_due = D("2026-06-20");
  s.people[3].id_hash = Hash('a');
  s.Finish();
  const QualityResult r = Check(s);
  const Finding* f = FindRule(r, "consistency.equipment.calibration-overdue");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->entity, Entity::kEquipment);
  EXPECT_EQ(f->record_id, 52);
  EXPECT_EQ(f->institution_id, 12);
  EXPECT_EQ(f->region_code, "370103");
  EXPECT_EQ(f->field, "calibration_due");
  EXPECT_EQ(f->record_key, "电感耦合等离子体质谱仪 · MS2200001");
  EXPECT_EQ(Evidence(*f, "calibration_due"), "2026-06-20");
  EXPECT_EQ(Evidence(*f, "days_overdue"), "10");
  EXPECT_EQ(f->fingerprint, Fingerprint("consistency.equipment.calibration-overdue",
                                        Entity::kEquipment, 52, "calibration_due"));
  EXPECT_EQ(f->rule->severity, Severity::kError);
  // The two records of the same person name each other's institution.
  int seen = 0;
  for (const auto& g : r.findings) {
    if (g.rule->id != "consistency.person.two-institutions") continue;
    ++seen;
    const std::string other = g.record_id == 41 ? s.institutions[1].uscc : s.institutions[0].uscc;
    EXPECT_NE(Evidence(g, "other_institutions").find(other), std::string::npos);
  }
  EXPECT_EQ(seen, 2);
}

TEST(QualityRulesTest, ParametersAndOverrides) {
  Snapshot s = Baseline();
  s.institutions[1].last_updated = D("2026-01-01");  // 180 days ago
  s.certificates[1].expires = D("2026-10-31");       // 123 days left
  s.certificates[1].issued = D("2020-10-31");
  s.certificates[1].number = "201513130002";
  s.Finish();
  EXPECT_TRUE(Check(s).findings.empty());
  const QualityResult r = Check(s, {{"timeliness.institution.stale", "days", 90},
                                    {"timeliness.certificate.expiring-soon", "days", 180}});
  EXPECT_EQ(CountByRule(r), (std::map<std::string, int>{{"timeliness.certificate.expiring-soon", 1},
                                                        {"timeliness.institution.stale", 1}}));
  bool found = false;
  for (const auto& p : r.params) {
    if (p.rule_id == "timeliness.institution.stale" && p.name == "days") {
      EXPECT_EQ(p.value, 90);
      found = true;
    }
  }
  EXPECT_TRUE(found);
  QualityOptions o;
  o.today = kToday;
  o.overrides = {{"timeliness.institution.stale", "weeks", 3}};
  auto bad = Evaluate(s, RuleCatalogue::Quality(), o);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code(), "quality.bad-param");
  o.overrides.clear();
  o.today = "2026-02-30";
  EXPECT_EQ(Evaluate(s, RuleCatalogue::Quality(), o).error().code(), "quality.bad-date");
}

TEST(QualityRulesTest, RenewalOnFileSilencesExpiringSoon) {
  Snapshot s = Baseline();
  auto& c = s.certificates[1];
  c.number = "201513130002";
  c.issued = D("2020-08-01");
  c.history = {{CertStatus::kValid, c.issued}};
  c.expires = D("2026-08-01");
  SnapCertificate renewal = c;
  renewal.id = 23;
  renewal.number = "261513130003";
  renewal.issued = D("2026-06-01");
  renewal.expires = D("2032-06-01");
  renewal.history = {{CertStatus::kValid, renewal.issued}};
  s.certificates.push_back(renewal);
  s.Finish();
  EXPECT_TRUE(Check(s).findings.empty()) << Describe(Check(s));
}

TEST(QualityRulesTest, RegionScopedSnapshot) {
  Snapshot s = Baseline();
  // Scope 370102: institution 12 (370103) is outside; its records are not loaded, but its
  // person with the same ID hash is known as an external person.
  s.region_prefix = "370102";
  s.institutions[1].in_scope = false;
  s.institutions[1].legal_rep = "";  // outside: not reported
  s.certificates.pop_back();
  s.capabilities.resize(1);
  s.people.resize(3);
  s.equipment.resize(1);
  s.external_people.push_back(ExternalPerson{Hash('a'), 1});
  s.standards[0].name = "";  // catalogue rules run for whole-registry snapshots only
  s.Finish();
  const QualityResult r = Check(s);
  EXPECT_EQ(CountByRule(r),
            (std::map<std::string, int>{{"consistency.person.two-institutions", 1}}))
      << Describe(r);
  EXPECT_EQ(r.institutions, 1);
  EXPECT_EQ(r.records.at("standard"), 0);
  EXPECT_EQ(r.findings[0].record_id, 41);
}

TEST(QualityRulesTest, Rates) {
  Snapshot s = Baseline();
  s.people[2].title = "";                            // incomplete title (institution 11)
  s.people[2].roles.clear();                         // incomplete roles, same record
  s.equipment[0].calibration_due = D("2026-01-01");  // incorrect (institution 11)
  s.institutions[0].last_updated = D("2024-01-01");  // untimely
  s.Finish();
  const QualityResult r = Check(s);
  auto at = [&](const char* region, int64_t inst, const char* entity, const char* field) {
    auto it = r.rates.find(RateKey{region, inst, entity, field});
    EXPECT_NE(it, r.rates.end()) << region << " " << inst << " " << entity << " " << field;
    return it == r.rates.end() ? RateCounts{} : it->second;
  };
  // County cells: one per field of the entity, and "" for the record.
  EXPECT_EQ(at("370102", 0, "person", "title"), (RateCounts{3, 1, 0, 0, 0}));
  EXPECT_EQ(at("370102", 0, "person", "roles"), (RateCounts{3, 1, 0, 0, 0}));
  EXPECT_EQ(at("370102", 0, "person", "name"), (RateCounts{3, 0, 0, 0, 0}));
  EXPECT_EQ(at("370102", 0, "person", ""), (RateCounts{3, 1, 0, 0, 2}));
  EXPECT_EQ(at("370103", 0, "person", ""), (RateCounts{2, 0, 0, 0, 0}));
  EXPECT_EQ(at("370102", 0, "equipment", "calibration_due"), (RateCounts{1, 0, 1, 0, 0}));
  EXPECT_EQ(at("370102", 0, "institution", "updated_at"), (RateCounts{1, 0, 0, 1, 0}));
  // Institution cells: field "" only.
  EXPECT_EQ(at("370102", 11, "person", ""), (RateCounts{3, 1, 0, 0, 2}));
  EXPECT_EQ(at("370102", 11, "equipment", ""), (RateCounts{1, 0, 1, 0, 1}));
  EXPECT_EQ(at("370103", 12, "capability", ""), (RateCounts{2, 0, 0, 0, 0}));
  EXPECT_EQ(r.rates.count(RateKey{"370102", 11, "person", "title"}), 0u);
  // The catalogue: region "" and institution 0.
  EXPECT_EQ(at("", 0, "standard", ""), (RateCounts{6, 0, 0, 0, 0}));
  EXPECT_EQ(r.rates.count(RateKey{"", 0, "person", ""}), 0u);
}

TEST(QualitySemanticsTest, CertificateStatusFollowsHistory) {
  SnapCertificate c;
  c.status = CertStatus::kValid;
  c.issued = D("2021-01-01");
  c.expires = D("2027-01-01");
  c.history = {{CertStatus::kValid, D("2021-01-01")},
               {CertStatus::kSuspended, D("2024-03-01")},
               {CertStatus::kValid, D("2024-09-01")}};
  EXPECT_EQ(CertificateStatusOn(c, D("2024-05-01")), CertStatus::kSuspended);
  EXPECT_FALSE(CertificateValidOn(c, D("2024-05-01")));
  EXPECT_TRUE(CertificateValidOn(c, D("2025-01-01")));
  EXPECT_FALSE(CertificateValidOn(c, D("2020-12-31")));  // before issue
  EXPECT_FALSE(CertificateValidOn(c, D("2027-01-02")));  // after expiry
  c.history.clear();
  c.status = CertStatus::kRevoked;
  EXPECT_EQ(CertificateStatusOn(c, D("2025-01-01")), CertStatus::kRevoked);
}

TEST(QualitySemanticsTest, StandardStates) {
  const Snapshot s = Baseline();
  const Day today = D(kToday);
  EXPECT_EQ(StandardStateOn(s, 0, today), StandardState::kInForce);
  EXPECT_EQ(StandardStateOn(s, 1, today), StandardState::kAbolished);
  // Before its abolition date and before its replacement took effect: in force.
  EXPECT_EQ(StandardStateOn(s, 1, D("2016-01-01")), StandardState::kInForce);
  EXPECT_EQ(StandardStateOn(s, 1, D("2017-10-06")), StandardState::kAbolished);
  EXPECT_EQ(StandardStateOn(s, 3, today), StandardState::kReplaced);
  EXPECT_EQ(StandardStateOn(s, 3, D("2023-09-30")), StandardState::kInForce);
  EXPECT_EQ(StandardStateOn(s, 4, today), StandardState::kUpcoming);
  EXPECT_EQ(StandardStateOn(s, 5, today), StandardState::kInForce);
  EXPECT_EQ(StandardStateOn(s, 5, D("2027-01-01")), StandardState::kReplaced);
  EXPECT_EQ(StandardStateOn(s, -1, today), StandardState::kUnknown);
}

TEST(QualitySemanticsTest, NearIdenticalNames) {
  EXPECT_EQ(NormalizeInstitutionName("济南 华测检测（山东）有限公司"), "济南华测检测山东");
  EXPECT_EQ(NormalizeInstitutionName("济南华测检测(山东)股份有限公司"), "济南华测检测山东");
  EXPECT_EQ(NormalizeInstitutionName("ＳＧＳ通标标准技术服务有限责任公司"), "SGS通标标准技术服务");
  EXPECT_EQ(NormalizeInstitutionName("sgs-通标·标准技术服务有限公司"), "SGS通标标准技术服务");
  EXPECT_NE(NormalizeInstitutionName("济南华测检测有限公司"),
            NormalizeInstitutionName("济南华策检测有限公司"));  // one character is a new name
  EXPECT_EQ(NormalizeInstitutionName("公司"), "公司");          // nothing left to compare
  EXPECT_EQ(NormalizeInstitutionName(""), "");
}

TEST(QualitySemanticsTest, Titles) {
  EXPECT_TRUE(TitleBelowIntermediate("助理工程师"));
  EXPECT_TRUE(TitleBelowIntermediate("技术员"));
  EXPECT_TRUE(TitleBelowIntermediate("初级职称"));
  EXPECT_FALSE(TitleBelowIntermediate("工程师"));
  EXPECT_FALSE(TitleBelowIntermediate("高级工程师"));
  EXPECT_FALSE(TitleBelowIntermediate("主管技师"));
}

TEST(SnapshotStructTest, TextArenaAndStringPool) {
  TextArena a;
  EXPECT_EQ(a[a.Add("")], "");
  const TextRef x = a.Add("AA2100001");
  std::vector<TextRef> many;
  const std::string big(70000, 'z');  // longer than a TextRef holds: cut at 65,535 bytes
  const TextRef b = a.Add(big);
  for (int i = 0; i < 200000; ++i) many.push_back(a.Add("SN" + std::to_string(i)));
  EXPECT_EQ(a[x], "AA2100001");
  EXPECT_EQ(a[b].size(), 65535u);
  EXPECT_EQ(a[many[0]], "SN0");
  EXPECT_EQ(a[many[199999]], "SN199999");  // in a later chunk
  EXPECT_GT(many[199999].chunk, 0);
  StringPool p;
  EXPECT_EQ(p.Intern(""), 0u);
  const uint32_t f = p.Intern("食品");
  EXPECT_EQ(p.Intern("食品"), f);
  EXPECT_EQ(p[f], "食品");
  EXPECT_EQ(p.Find("食品"), f);
  EXPECT_FALSE(p.Find("水质"));
}

TEST(QualitySemanticsTest, FingerprintIsStableAndSpecific) {
  const std::string a = Fingerprint("r.x.y", Entity::kPerson, 7, "name");
  EXPECT_EQ(a.size(), 32u);
  EXPECT_EQ(a, Sha256Hex(std::string("zhijian-quality-v1\x1fr.x.y\x1fperson\x1f") + "7\x1fname")
                   .substr(0, 32));
  EXPECT_NE(a, Fingerprint("r.x.y", Entity::kPerson, 7, "title"));
  EXPECT_NE(a, Fingerprint("r.x.y", Entity::kPerson, 70, "name"));
  EXPECT_NE(a, Fingerprint("r.x.y", Entity::kEquipment, 7, "name"));
}

}  // namespace
}  // namespace zhijian::checks
