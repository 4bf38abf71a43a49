// Test support (not a public header): a small registry with known defects, written through
// registry::Registry upserts, shared by the checks storage tests.
//
//   A 济南甲检测有限公司 (370102): complete; one capability row on an abolished standard, its
//     technical manager is also registered at C, one instrument past calibration.
//   B 济南乙检测有限公司 (370102): no address; its certificate expired on 2026-03-01 but is still
//     marked valid (so its capability row is outside a valid certificate).
//   C 青岛丙检测有限公司 (370202): a USCC whose check character is wrong; shares a person with A.
// On kRegistryToday (2026-06-30) the quality rules find exactly the 8 findings of
// ExpectedFindings().
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "zhijian/base/digest.h"
#include "zhijian/base/uscc.h"
#include "zhijian/registry/registry.h"
#include "zhijian/store/db.h"

namespace zhijian::checks::testing {

inline constexpr const char* kRegistryToday = "2026-06-30";

inline std::string TestUscc(const std::string& region, const std::string& body, bool bad = false) {
  const std::string first17 = "91" + region + body + *Uscc::ComputeOrgCheckChar(body);
  const char check = *Uscc::ComputeCheckChar(first17);
  return first17 + (bad ? (check == '0' ? '1' : '0') : check);
}

inline std::string TestHash(char c) { return Sha256Hex(std::string(1, c)); }

struct TestRegistry {
  int64_t a = 0, b = 0, c = 0;                 // institution ids
  int64_t cert_a = 0, cert_b = 0, cert_c = 0;  // certificate ids
  int64_t cap_a_ok = 0, cap_a_abolished = 0, cap_b = 0, cap_c = 0;
  int64_t person_a_tech = 0, person_c_tech = 0;
  int64_t equipment_a_overdue = 0;
  std::string uscc_a, uscc_b, uscc_c;
};

// rule id -> findings on kRegistryToday.
inline std::map<std::string, int> ExpectedFindings() {
  return {{"completeness.institution.address", 1},
          {"consistency.certificate.expired-but-valid", 1},
          {"consistency.capability.no-valid-certificate", 1},
          {"consistency.capability.abolished-standard", 1},
          {"consistency.person.two-institutions", 2},
          {"consistency.equipment.calibration-overdue", 1},
          {"format.institution.uscc-check", 1}};
}

// Writes the registry above (one transaction). Fails the current test on an error.
inline TestRegistry SeedRegistry(store::Database& db, registry::Registry& reg) {
  using namespace registry;
  TestRegistry t;
  auto conn = db.Acquire();
  EXPECT_TRUE(conn.ok());
  if (!conn.ok()) return t;
  auto r = store::WithTransaction(conn->get(), [&](store::Connection& tx) -> Result<void> {
    Standard s1;
    s1.number = "GB 5009.12-2017";
    s1.name = "食品安全国家标准 食品中铅的测定";
    s1.effective_on = "2017-10-06";
    ZJ_TRY(reg.UpsertStandard(tx, s1));
    Standard s0;
    s0.number = "GB 5009.12-2010";
    s0.name = "食品安全国家标准 食品中铅的测定";
    s0.status = StandardStatus::kAbolished;
    s0.effective_on = "2010-06-01";
    s0.abolished_on = "2017-10-06";
    s0.replaced_by = {"GB 5009.12-2017"};
    ZJ_TRY(reg.UpsertStandard(tx, s0));

    auto inst = [&](const std::string& uscc, const char* name, const char* region,
                    const char* address) -> Result<int64_t> {
      Institution v;
      v.uscc = uscc;
      v.name = name;
      v.region_code = region;
      v.address = address;
      v.legal_rep = "张三";
      v.legal_form = "企业法人";
      v.domains = {"食品"};
      ZJ_ASSIGN_OR_RETURN(auto u, reg.UpsertInstitution(tx, v));
      return u.id;
    };
    t.uscc_a = TestUscc("370102", "MA000001");
    t.uscc_b = TestUscc("370102", "MA000002");
    t.uscc_c = TestUscc("370202", "MA000003", /*bad=*/true);
    ZJ_ASSIGN_OR_RETURN(t.a, inst(t.uscc_a, "济南甲检测有限公司", "370102", "济南市历下区1号"));
    ZJ_ASSIGN_OR_RETURN(t.b, inst(t.uscc_b, "济南乙检测有限公司", "370102", ""));
    ZJ_ASSIGN_OR_RETURN(t.c, inst(t.uscc_c, "青岛丙检测有限公司", "370202", "青岛市市南区2号"));

    auto cert = [&](int64_t i, const char* no, const char* issued,
                    const char* expires) -> Result<int64_t> {
      Certificate v;
      v.institution_id = i;
      v.number = no;
      v.issuer = "山东省市场监督管理局";
      v.issued_on = issued;
      v.expires_on = expires;
      ZJ_ASSIGN_OR_RETURN(auto u, reg.UpsertCertificate(tx, v));
      return u.id;
    };
    ZJ_ASSIGN_OR_RETURN(t.cert_a, cert(t.a, "211500000001", "2021-03-01", "2027-03-01"));
    ZJ_ASSIGN_OR_RETURN(t.cert_b, cert(t.b, "201500000002", "2020-03-01", "2026-03-01"));
    ZJ_ASSIGN_OR_RETURN(t.cert_c, cert(t.c, "221500000003", "2022-01-01", "2028-01-01"));

    auto cap = [&](int64_t cert_id, const char* object, const char* item,
                   const char* std_no) -> Result<int64_t> {
      Capability v;
      v.certificate_id = cert_id;
      v.category = "食品";
      v.object = object;
      v.item = item;
      v.standard_no = std_no;
      v.standard_name = "食品中铅的测定";
      v.approved_on = "2022-01-10";
      ZJ_ASSIGN_OR_RETURN(auto u, reg.UpsertCapability(tx, v));
      return u.id;
    };
    ZJ_ASSIGN_OR_RETURN(t.cap_a_ok, cap(t.cert_a, "粮食", "铅", "GB 5009.12-2017"));
    ZJ_ASSIGN_OR_RETURN(t.cap_a_abolished, cap(t.cert_a, "粮食", "镉", "GB 5009.12-2010"));
    ZJ_ASSIGN_OR_RETURN(t.cap_b, cap(t.cert_b, "肉制品", "铅", "GB 5009.12-2017"));
    ZJ_ASSIGN_OR_RETURN(t.cap_c, cap(t.cert_c, "乳制品", "铅", "GB 5009.12-2017"));

    auto person = [&](int64_t i, const char* name, char hash, std::vector<std::string> roles,
                      std::vector<std::string> fields) -> Result<int64_t> {
      Person v;
      v.institution_id = i;
      v.name = name;
      v.id_hash = TestHash(hash);
      v.title = "高级工程师";
      v.roles = std::move(roles);
      for (auto& f : fields) v.signatory_fields.push_back(SignatoryField{f, "2022-01-10", {}});
      ZJ_ASSIGN_OR_RETURN(auto u, reg.UpsertPerson(tx, v));
      return u.id;
    };
    ZJ_ASSIGN_OR_RETURN(t.person_a_tech,
                        person(t.a, "李四", 'a', {"技术负责人", "授权签字人"}, {"食品"}));
    ZJ_TRY(person(t.a, "王五", 'b', {"质量负责人"}, {}));
    ZJ_TRY(person(t.b, "赵六", 'c', {"技术负责人"}, {}));
    ZJ_TRY(person(t.b, "孙七", 'd', {"质量负责人"}, {}));
    ZJ_ASSIGN_OR_RETURN(t.person_c_tech, person(t.c, "李四", 'a', {"技术负责人"}, {}));
    ZJ_TRY(person(t.c, "周八", 'e', {"质量负责人"}, {}));

    auto equipment = [&](int64_t i, const char* serial, const char* due) -> Result<int64_t> {
      Equipment v;
      v.institution_id = i;
      v.name = "原子吸收光谱仪";
      v.model = "AA-7000";
      v.serial = serial;
      v.calibration_due = due;
      ZJ_ASSIGN_OR_RETURN(auto u, reg.UpsertEquipment(tx, v));
      return u.id;
    };
    ZJ_ASSIGN_OR_RETURN(t.equipment_a_overdue, equipment(t.a, "AA21001", "2026-06-01"));
    ZJ_TRY(equipment(t.a, "AA21002", "2026-12-01"));
    ZJ_TRY(equipment(t.b, "AA22001", "2026-12-01"));
    ZJ_TRY(equipment(t.c, "AA23001", "2027-01-01"));

    CreditFlag f;
    f.institution_id = t.a;
    f.kind = CreditKind::kAbnormalOperation;
    f.listed_on = "2025-01-01";
    f.authority = "济南市市场监督管理局";
    ZJ_TRY(reg.UpsertCreditFlag(tx, f));
    return Ok();
  });
  EXPECT_TRUE(r.ok()) << r.error().ToString();
  return t;
}

}  // namespace zhijian::checks::testing
