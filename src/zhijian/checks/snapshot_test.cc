#include "zhijian/checks/snapshot.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "tests/support/backend_fixture.h"
#include "zhijian/checks/quality.h"
#include "zhijian/checks/test_registry_internal.h"

namespace zhijian::checks {
namespace {

const TimePoint kSeedTime = FromUnixMillis(1'781'913'600'000);  // 2026-06-20T00:00:00Z

class SnapshotTest : public zhijian::testing::BackendTest {
 protected:
  void SetUp() override {
    zhijian::testing::BackendTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    db_ = OpenDb();
    ASSERT_TRUE(db_);
    registry::Registry reg(*db_, clock_);
    t_ = testing::SeedRegistry(*db_, reg);
  }

  Snapshot Load(const std::string& prefix, int page_rows = 2) {
    auto conn = db_->Acquire();
    EXPECT_TRUE(conn.ok());
    LoadOptions o;
    o.region_prefix = prefix;
    o.page_rows = page_rows;
    o.progress = [&](const LoadProgress& p) { phases_.insert(std::string(p.phase)); };
    auto s = LoadSnapshot(conn->get(), o);
    EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().ToString());
    return s.ok() ? std::move(*s) : Snapshot();
  }

  const SnapInstitution* Inst(const Snapshot& s, int64_t id) {
    for (const auto& i : s.institutions) {
      if (i.id == id) return &i;
    }
    return nullptr;
  }

  FakeClock clock_{kSeedTime};
  std::unique_ptr<store::Database> db_;
  testing::TestRegistry t_;
  std::set<std::string> phases_;
};

TEST_P(SnapshotTest, LoadsTheWholeRegistryInPages) {
  const Snapshot s = Load("");
  EXPECT_EQ(s.region_prefix, "");
  ASSERT_EQ(s.institutions.size(), 3u);
  EXPECT_EQ(s.InScopeInstitutions(), 3);
  EXPECT_EQ(s.certificates.size(), 3u);
  EXPECT_EQ(s.capabilities.size(), 4u);  // page size 2: three pages
  EXPECT_EQ(s.people.size(), 6u);
  EXPECT_EQ(s.equipment.size(), 4u);
  EXPECT_EQ(s.standards.size(), 2u);
  EXPECT_EQ(s.credit.size(), 1u);
  EXPECT_TRUE(s.external_people.empty());
  for (const char* phase : {"institutions", "standards", "certificates", "capabilities", "people",
                            "signatory fields", "equipment"}) {
    EXPECT_TRUE(phases_.count(phase)) << phase;
  }

  const SnapInstitution* a = Inst(s, t_.a);
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->uscc, t_.uscc_a);
  EXPECT_EQ(a->name, "济南甲检测有限公司");
  EXPECT_EQ(a->region_code, "370102");
  EXPECT_EQ(a->address, "济南市历下区1号");
  EXPECT_EQ(a->legal_rep, "张三");
  EXPECT_EQ(a->domains, (std::vector<std::string>{"食品"}));
  EXPECT_EQ(a->last_updated, ToDay("2026-06-20"));  // 08:00 in China
  EXPECT_EQ(Inst(s, t_.b)->address, "");

  // Certificates with history, capabilities with interned texts and day numbers.
  const SnapCertificate* cb = nullptr;
  for (const auto& c : s.certificates) {
    if (c.id == t_.cert_b) cb = &c;
  }
  ASSERT_NE(cb, nullptr);
  EXPECT_EQ(s.institutions[cb->inst].id, t_.b);
  EXPECT_EQ(cb->number, "201500000002");
  EXPECT_EQ(cb->issued, ToDay("2020-03-01"));
  EXPECT_EQ(cb->expires, ToDay("2026-03-01"));
  EXPECT_EQ(cb->status, registry::CertStatus::kValid);
  ASSERT_EQ(cb->history.size(), 1u);
  EXPECT_EQ(cb->history[0].effective, ToDay("2020-03-01"));

  const SnapCapability* k = nullptr;
  for (const auto& c : s.capabilities) {
    if (c.id == t_.cap_a_abolished) k = &c;
  }
  ASSERT_NE(k, nullptr);
  EXPECT_EQ(s.strings[k->category], "食品");
  EXPECT_EQ(s.strings[k->object], "粮食");
  EXPECT_EQ(s.strings[k->item], "镉");
  EXPECT_EQ(s.strings[k->standard_no], "GB 5009.12-2010");
  EXPECT_EQ(s.certificates[k->cert].id, t_.cert_a);
  EXPECT_EQ(s.institutions[s.InstOf(*k)].id, t_.a);
  EXPECT_EQ(k->valid_from, ToDay("2022-01-10"));  // from approved_on
  EXPECT_EQ(k->valid_to, kNoDay);
  EXPECT_EQ(k->flags, SnapCapability::kHasStandardName | SnapCapability::kHasApprovedOn);
  // Interning: "食品" once, shared by all four rows.
  EXPECT_EQ(std::count_if(s.capabilities.begin(), s.capabilities.end(),
                          [&](const SnapCapability& c) { return c.category == k->category; }),
            4);
  ASSERT_GE(s.StandardOfString(k->standard_no), 0);
  const SnapStandard& st = s.standards[s.StandardOfString(k->standard_no)];
  EXPECT_EQ(st.status, registry::StandardStatus::kAbolished);
  EXPECT_EQ(st.abolished, ToDay("2017-10-06"));
  EXPECT_EQ(st.replaced_by, (std::vector<std::string>{"GB 5009.12-2017"}));

  // People with roles and signatory fields; equipment.
  const SnapPerson* p = nullptr;
  for (const auto& q : s.people) {
    if (q.id == t_.person_a_tech) p = &q;
  }
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->name, "李四");
  EXPECT_EQ(p->id_hash, testing::TestHash('a'));
  EXPECT_EQ(p->roles, (std::vector<std::string>{"技术负责人", "授权签字人"}));
  ASSERT_EQ(p->signatory_fields.size(), 1u);
  EXPECT_EQ(p->signatory_fields[0].field, "食品");
  EXPECT_EQ(p->signatory_fields[0].from, ToDay("2022-01-10"));
  const SnapEquipment* e = nullptr;
  for (const auto& q : s.equipment) {
    if (q.id == t_.equipment_a_overdue) e = &q;
  }
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(s.strings[e->name], "原子吸收光谱仪");
  EXPECT_EQ(s.strings[e->model], "AA-7000");
  EXPECT_EQ(s.texts[e->serial], "AA21001");
  EXPECT_EQ(e->calibration_due, ToDay("2026-06-01"));
  EXPECT_GT(s.ApproxBytes(), 1000u);
}

TEST_P(SnapshotTest, RegionScopeKeepsAllInstitutionsButOnlyScopedRecords) {
  const Snapshot s = Load("3701");
  EXPECT_EQ(s.region_prefix, "3701");
  ASSERT_EQ(s.institutions.size(), 3u);
  EXPECT_EQ(s.InScopeInstitutions(), 2);
  EXPECT_FALSE(Inst(s, t_.c)->in_scope);
  EXPECT_EQ(s.certificates.size(), 2u);
  EXPECT_EQ(s.capabilities.size(), 3u);
  EXPECT_EQ(s.people.size(), 4u);
  EXPECT_EQ(s.equipment.size(), 3u);
  for (const auto& c : s.capabilities) EXPECT_NE(s.institutions[s.InstOf(c)].id, t_.c);
  // C's person shares A's technical manager's ID hash.
  ASSERT_EQ(s.external_people.size(), 1u);
  EXPECT_EQ(s.external_people[0].id_hash, testing::TestHash('a'));
  EXPECT_EQ(s.institutions[s.external_people[0].inst].id, t_.c);

  const Snapshot qingdao = Load("370202", 1000);
  EXPECT_EQ(qingdao.InScopeInstitutions(), 1);
  EXPECT_EQ(qingdao.capabilities.size(), 1u);
  EXPECT_EQ(qingdao.external_people.size(), 1u);
  EXPECT_EQ(Load("11").InScopeInstitutions(), 0);
}

TEST_P(SnapshotTest, RefusesAMalformedScope) {
  auto conn = db_->Acquire();
  ASSERT_TRUE(conn.ok());
  for (const char* bad : {"3", "37010", "37a1", "3701020"}) {
    LoadOptions o;
    o.region_prefix = bad;
    auto s = LoadSnapshot(conn->get(), o);
    ASSERT_FALSE(s.ok()) << bad;
    EXPECT_EQ(s.error().code(), "quality.bad-scope");
  }
}

// The rules over a loaded snapshot find exactly the seeded defects, whole and by region.
TEST_P(SnapshotTest, SeededDefectsAreFound) {
  QualityOptions o;
  o.today = testing::kRegistryToday;
  auto whole = Evaluate(Load(""), RuleCatalogue::Quality(), o);
  ASSERT_TRUE(whole.ok()) << whole.error().ToString();
  std::map<std::string, int> by_rule;
  for (const auto& f : whole->findings) ++by_rule[f.rule->id];
  EXPECT_EQ(by_rule, testing::ExpectedFindings());

  auto jinan = Evaluate(Load("3701"), RuleCatalogue::Quality(), o);
  ASSERT_TRUE(jinan.ok());
  by_rule.clear();
  for (const auto& f : jinan->findings) {
    ++by_rule[f.rule->id];
    EXPECT_TRUE(f.region_code.starts_with("3701")) << f.rule->id;
  }
  std::map<std::string, int> expected = testing::ExpectedFindings();
  expected.erase("format.institution.uscc-check");      // C is outside
  expected["consistency.person.two-institutions"] = 1;  // only A's record, found via C
  EXPECT_EQ(by_rule, expected);
}

ZJ_INSTANTIATE_BACKENDS(SnapshotTest);

}  // namespace
}  // namespace zhijian::checks
