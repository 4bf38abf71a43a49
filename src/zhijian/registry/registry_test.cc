#include "zhijian/registry/registry.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <string>
#include <vector>

#include "tests/support/backend_fixture.h"
#include "tests/support/principals.h"
#include "zhijian/audit/audit.h"
#include "zhijian/base/digest.h"
#include "zhijian/base/uscc.h"
#include "zhijian/registry/query/query.h"
#include "zhijian/store/db.h"

namespace zhijian::registry {
namespace {

using zhijian::testing::Admin;
using zhijian::testing::Inspector;
using zhijian::testing::InstitutionUser;
using zhijian::testing::Regulator;

using store::Row;
using store::Value;

const TimePoint kT0 = FromUnixMillis(1'767'225'600'000);  // 2026-01-01T00:00:00.000Z (08:00 CST)

// A USCC with correct check characters: "91" + region + an 8-character body + both checks.
std::string MakeUscc(const std::string& region, int serial) {
  std::string digits = std::to_string(serial);
  const std::string body = "MA" + std::string(6 - digits.size(), '0') + digits;
  const char org = *Uscc::ComputeOrgCheckChar(body);
  const std::string first17 = "91" + region + body + org;
  return first17 + *Uscc::ComputeCheckChar(first17);
}

// A stand-in for an IdHasher result: 64 lowercase hex digits, one per `c`.
std::string Hash64(char c) { return Sha256Hex(std::string(1, c)); }

class RegistryTest : public testing::BackendTest {
 protected:
  void SetUp() override {
    testing::BackendTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    db_ = OpenDb();
    ASSERT_TRUE(db_);
    registry_ = std::make_unique<Registry>(*db_, clock_);
  }
  void TearDown() override {
    registry_.reset();
    db_.reset();
    testing::BackendTest::TearDown();
  }

  // Runs one upsert in its own write transaction.
  template <typename T>
  Upserted Up(Result<Upserted> (Registry::*fn)(store::Connection&, const T&), const T& v) {
    auto conn = db_->Acquire();
    EXPECT_TRUE(conn);
    Upserted out;
    Result<void> r =
        store::WithTransaction(conn->get(), [&](store::Connection& tx) -> Result<void> {
          ZJ_ASSIGN_OR_RETURN(out, ((*registry_).*fn)(tx, v));
          return Ok();
        });
    EXPECT_TRUE(r) << r.error().ToString();
    return out;
  }
  template <typename T>
  Error UpError(Result<Upserted> (Registry::*fn)(store::Connection&, const T&), const T& v) {
    auto conn = db_->Acquire();
    Result<void> r =
        store::WithTransaction(conn->get(), [&](store::Connection& tx) -> Result<void> {
          ZJ_TRY(((*registry_).*fn)(tx, v));
          return Ok();
        });
    EXPECT_FALSE(r);
    return r ? Error::Internal("test", "no error") : r.error();
  }

  std::vector<Row> Rows(const std::string& sql, std::vector<Value> params = {}) {
    auto conn = db_->Acquire();
    auto rows = conn->get().Query(sql, params);
    EXPECT_TRUE(rows) << rows.error().ToString();
    return rows ? *rows : std::vector<Row>{};
  }
  int64_t CountOf(const std::string& table) {
    auto conn = db_->Acquire();
    return Count(conn->get(), table);
  }
  std::string UpdatedAt(const std::string& table, int64_t id) {
    auto rows = Rows("SELECT updated_at FROM " + table + " WHERE id = ?", {id});
    return rows.empty() ? "" : rows[0].Text(0);
  }
  void Tick() { clock_.Advance(std::chrono::milliseconds(60'000)); }

  Institution Inst(const std::string& region, int serial, const std::string& name) {
    Institution v;
    v.uscc = MakeUscc(region, serial);
    v.name = name;
    v.region_code = region;
    v.address = "地址" + std::to_string(serial);
    v.legal_rep = "张三";
    v.legal_form = "企业法人";
    v.domains = {"食品", "机动车"};
    return v;
  }

  // Three institutions: A (济南历下), B (济南历下), C (青岛市南).
  void Seed() {
    a_ = Up(&Registry::UpsertInstitution, Inst("370102", 1, "济南甲检测有限公司")).id;
    b_ = Up(&Registry::UpsertInstitution, Inst("370102", 2, "济南乙检测有限公司")).id;
    c_ = Up(&Registry::UpsertInstitution, Inst("370202", 3, "青岛丙检测有限公司")).id;
    Person p;
    p.institution_id = b_;
    p.name = "李四";
    p.id_hash = Hash64('b');
    b_person_ = Up(&Registry::UpsertPerson, p).id;
    Equipment e;
    e.institution_id = b_;
    e.name = "气相色谱仪";
    e.serial = "B-001";
    b_equipment_ = Up(&Registry::UpsertEquipment, e).id;
  }

  audit::VerifyReport VerifyAudit() {
    auto conn = db_->Acquire();
    auto rep = audit::Verify(conn->get());
    EXPECT_TRUE(rep) << rep.error().ToString();
    return rep ? *rep : audit::VerifyReport{};
  }

  FakeClock clock_{kT0};
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<Registry> registry_;
  int64_t a_ = 0, b_ = 0, c_ = 0, b_person_ = 0, b_equipment_ = 0;
};

// ---------------------------------------------------------------- upserts

TEST_P(RegistryTest, InstitutionInsertedUnchangedUpdated) {
  Institution v = Inst("370102", 1, "济南甲检测有限公司");
  Upserted first = Up(&Registry::UpsertInstitution, v);
  EXPECT_EQ(first.outcome, Outcome::kInserted);
  EXPECT_GT(first.id, 0);
  const std::string stamp = UpdatedAt("institutions", first.id);

  Tick();
  Institution same = v;
  same.uscc = "  " + v.uscc.substr(0, 4) + " " + v.uscc.substr(4) + " ";  // spacing is folded
  same.name = " " + v.name + " ";
  same.domains = {"机动车", "食品", "食品", " "};  // order and duplicates do not matter
  Upserted again = Up(&Registry::UpsertInstitution, same);
  EXPECT_EQ(again.outcome, Outcome::kUnchanged);
  EXPECT_EQ(again.id, first.id);
  EXPECT_EQ(UpdatedAt("institutions", first.id), stamp);

  Tick();
  Institution changed = v;
  changed.national_centre = true;
  Upserted updated = Up(&Registry::UpsertInstitution, changed);
  EXPECT_EQ(updated.outcome, Outcome::kUpdated);
  EXPECT_EQ(updated.id, first.id);
  EXPECT_NE(UpdatedAt("institutions", first.id), stamp);
  EXPECT_EQ(CountOf("institutions"), 1);

  auto rows = Rows("SELECT domains, national_centre, uscc FROM institutions");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].Text(0), "|机动车|食品|");  // byte order: 机 (E6 9C) < 食 (E9 A3)
  EXPECT_EQ(rows[0].Int(1), 1);
  EXPECT_EQ(rows[0].Text(2), v.uscc);

  Result<std::optional<int64_t>> id = [&] {
    auto conn = db_->Acquire();
    return registry_->InstitutionIdByUscc(conn->get(), " " + v.uscc);
  }();
  ASSERT_TRUE(id);
  EXPECT_EQ(*id, first.id);

  Institution bad = v;
  bad.uscc = "91370102";
  EXPECT_EQ(UpError(&Registry::UpsertInstitution, bad).code(), "uscc.bad-length");
  bad = v;
  bad.name = "  ";
  EXPECT_EQ(UpError(&Registry::UpsertInstitution, bad).code(), "registry.missing-field");
  bad = v;
  bad.region_code = "3701";
  EXPECT_EQ(UpError(&Registry::UpsertInstitution, bad).code(), "registry.bad-region");
}

TEST_P(RegistryTest, CertificateHistory) {
  Seed();
  Certificate c;
  c.institution_id = a_;
  c.number = "２３１５０１０５０１２３";  // full-width digits fold to the canonical form
  c.issuer = "山东省市场监督管理局";
  c.issued_on = "2023-03-01";
  c.expires_on = "2029-02-28";
  Upserted first = Up(&Registry::UpsertCertificate, c);
  EXPECT_EQ(first.outcome, Outcome::kInserted);
  auto history = [&] {
    return Rows(
        "SELECT status, effective_on FROM certificate_status_history WHERE "
        "certificate_id = ? ORDER BY effective_on, id",
        {first.id});
  };
  ASSERT_EQ(history().size(), 1u);
  EXPECT_EQ(history()[0].Text(0), "valid");
  EXPECT_EQ(history()[0].Text(1), "2023-03-01");

  Tick();
  c.number = "231501050123";
  const std::string stamp = UpdatedAt("certificates", first.id);
  EXPECT_EQ(Up(&Registry::UpsertCertificate, c).outcome, Outcome::kUnchanged);
  EXPECT_EQ(UpdatedAt("certificates", first.id), stamp);
  EXPECT_EQ(history().size(), 1u);

  // A status change appends an entry effective today (China time: 2026-01-01 08:01).
  c.status = CertStatus::kSuspended;
  EXPECT_EQ(Up(&Registry::UpsertCertificate, c).outcome, Outcome::kUpdated);
  ASSERT_EQ(history().size(), 2u);
  EXPECT_EQ(history()[1].Text(0), "suspended");
  EXPECT_EQ(history()[1].Text(1), "2026-01-01");
  EXPECT_EQ(Up(&Registry::UpsertCertificate, c).outcome, Outcome::kUnchanged);
  EXPECT_EQ(history().size(), 2u);

  // Given history: missing entries are added, then a repeat changes nothing.
  c.status = CertStatus::kValid;
  c.history = {{CertStatus::kValid, "2023-03-01", ""},
               {CertStatus::kSuspended, "2026-01-01", ""},
               {CertStatus::kValid, "2026-02-01", "整改完成"}};
  EXPECT_EQ(Up(&Registry::UpsertCertificate, c).outcome, Outcome::kUpdated);
  ASSERT_EQ(history().size(), 3u);
  EXPECT_EQ(history()[2].Text(0), "valid");
  EXPECT_EQ(history()[2].Text(1), "2026-02-01");
  EXPECT_EQ(Up(&Registry::UpsertCertificate, c).outcome, Outcome::kUnchanged);
  // Only a reason changed: updated.
  c.history[2].reason = "整改完成，恢复";
  EXPECT_EQ(Up(&Registry::UpsertCertificate, c).outcome, Outcome::kUpdated);
  EXPECT_EQ(history().size(), 3u);

  auto conn = db_->Acquire();
  auto ids = registry_->CertificateIdsByNumber(conn->get(), " 231501050123");
  ASSERT_TRUE(ids && *ids);
  EXPECT_EQ((*ids)->first, first.id);
  EXPECT_EQ((*ids)->second, a_);
  auto none = registry_->CertificateIdsByNumber(conn->get(), "999999999999");
  ASSERT_TRUE(none);
  EXPECT_FALSE(*none);
}

TEST_P(RegistryTest, CertificateWithoutIssueDateStartsToday) {
  Seed();
  Certificate c;
  c.institution_id = a_;
  c.number = "（2014）（鲁）质监认字0001号";  // legacy form, kept as given
  c.status = CertStatus::kExpired;
  Upserted u = Up(&Registry::UpsertCertificate, c);
  EXPECT_EQ(u.outcome, Outcome::kInserted);
  auto rows = Rows(
      "SELECT c.number, h.status, h.effective_on FROM certificates c JOIN "
      "certificate_status_history h ON h.certificate_id = c.id");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].Text(0), c.number);
  EXPECT_EQ(rows[0].Text(1), "expired");
  EXPECT_EQ(rows[0].Text(2), "2026-01-01");
  c.issued_on = "2014-13-01";
  EXPECT_EQ(UpError(&Registry::UpsertCertificate, c).code(), "registry.bad-date");
}

// An imported certificate marked 过期 (or revoked) was valid while it ran: "as of" questions
// about its validity period must find it valid (today is 2026-01-01 in this fixture).
TEST_P(RegistryTest, ImportedExpiredOrRevokedCertificateWasValidBefore) {
  Seed();
  auto history = [&](int64_t id) {
    std::vector<std::string> out;
    for (const auto& r : Rows("SELECT status, effective_on FROM certificate_status_history "
                              "WHERE certificate_id = ? ORDER BY effective_on, id",
                              {id})) {
      out.push_back(r.Text(0) + "@" + r.Text(1));
    }
    return out;
  };
  using V = std::vector<std::string>;
  Certificate c;
  c.institution_id = a_;
  c.number = "171501050014";
  c.issued_on = "2017-05-26";
  c.expires_on = "2023-05-26";
  c.status = CertStatus::kExpired;
  EXPECT_EQ(history(Up(&Registry::UpsertCertificate, c).id),
            (V{"valid@2017-05-26", "expired@2023-05-27"}));

  // Marked expired before its expiry date has passed: it expired when we learned of it.
  c.number = "241501050015";
  c.issued_on = "2024-01-10";
  c.expires_on = "2030-01-09";
  EXPECT_EQ(history(Up(&Registry::UpsertCertificate, c).id),
            (V{"valid@2024-01-10", "expired@2026-01-01"}));

  // Revoked on an unknown date: valid until today, when the registry learned of it.
  c.number = "211501050016";
  c.issued_on = "2021-03-01";
  c.expires_on = "2027-02-28";
  c.status = CertStatus::kRevoked;
  const int64_t revoked = Up(&Registry::UpsertCertificate, c).id;
  EXPECT_EQ(history(revoked), (V{"valid@2021-03-01", "revoked@2026-01-01"}));
  // A repeat changes nothing.
  EXPECT_EQ(Up(&Registry::UpsertCertificate, c).outcome, Outcome::kUnchanged);
  EXPECT_EQ(history(revoked).size(), 2u);

  // A valid certificate that later expires on the books: effective the day after expiry.
  c.number = "191501050017";
  c.issued_on = "2019-01-01";
  c.expires_on = "2025-06-30";
  c.status = CertStatus::kValid;
  const int64_t later = Up(&Registry::UpsertCertificate, c).id;
  c.status = CertStatus::kExpired;
  EXPECT_EQ(Up(&Registry::UpsertCertificate, c).outcome, Outcome::kUpdated);
  EXPECT_EQ(history(later), (V{"valid@2019-01-01", "expired@2025-07-01"}));
}
TEST_P(RegistryTest, CapabilityStandardKeyAndOutcomes) {
  Seed();
  Certificate cert;
  cert.institution_id = a_;
  cert.number = "231501050123";
  const int64_t cert_id = Up(&Registry::UpsertCertificate, cert).id;

  Capability v;
  v.certificate_id = cert_id;
  v.institution_id = 0;  // derived from the certificate
  v.category = "水质";
  v.object = "生活饮用水";
  v.item = "铅";
  v.standard_no = "GB/T5750.6—2023";
  v.standard_name = "生活饮用水标准检验方法 第6部分：金属和类金属指标";
  v.approved_on = "2024-05-01";
  Upserted first = Up(&Registry::UpsertCapability, v);
  EXPECT_EQ(first.outcome, Outcome::kInserted);
  auto rows = Rows(
      "SELECT standard_no, standard_key, institution_id, valid_from, valid_to FROM "
      "capabilities WHERE id = ?",
      {first.id});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].Text(0), "GB/T 5750.6-2023");
  EXPECT_EQ(rows[0].Text(1), "GB/T 5750.6");
  EXPECT_EQ(rows[0].Int(2), a_);
  EXPECT_EQ(rows[0].Text(3), "2024-05-01");  // valid_from defaults to approved_on
  EXPECT_TRUE(rows[0].IsNull(4));

  Tick();
  const std::string stamp = UpdatedAt("capabilities", first.id);
  Capability same = v;
  same.standard_no = "GB/T 5750.6-2023";  // the canonical spelling is the same key
  same.institution_id = a_;
  same.item = " 铅 ";
  Upserted again = Up(&Registry::UpsertCapability, same);
  EXPECT_EQ(again.outcome, Outcome::kUnchanged);
  EXPECT_EQ(again.id, first.id);
  EXPECT_EQ(UpdatedAt("capabilities", first.id), stamp);

  Capability changed = v;
  changed.limitation = "只测原子吸收法";
  Upserted updated = Up(&Registry::UpsertCapability, changed);
  EXPECT_EQ(updated.outcome, Outcome::kUpdated);
  EXPECT_EQ(updated.id, first.id);
  EXPECT_NE(UpdatedAt("capabilities", first.id), stamp);

  // Another edition of the same standard is another row with the same key.
  Capability older = v;
  older.standard_no = "GB/T 5750.6-2006";
  EXPECT_EQ(Up(&Registry::UpsertCapability, older).outcome, Outcome::kInserted);
  // A text that is no standard number is kept trimmed, as its own key.
  Capability own = v;
  own.standard_no = "  作业指导书 ZY-01  ";
  Upserted own_u = Up(&Registry::UpsertCapability, own);
  auto own_rows =
      Rows("SELECT standard_no, standard_key FROM capabilities WHERE id = ?", {own_u.id});
  ASSERT_EQ(own_rows.size(), 1u);
  EXPECT_EQ(own_rows[0].Text(0), "作业指导书 ZY-01");
  EXPECT_EQ(own_rows[0].Text(1), "作业指导书 ZY-01");
  EXPECT_EQ(CountOf("capabilities"), 3);
  EXPECT_EQ(
      Rows("SELECT COUNT(*) FROM capabilities WHERE standard_key = ?", {Value("GB/T 5750.6")})[0]
          .Int(0),
      2);

  Capability orphan = v;
  orphan.certificate_id = cert_id + 1000;
  EXPECT_EQ(UpError(&Registry::UpsertCapability, orphan).code(), "registry.certificate-not-found");
}

TEST_P(RegistryTest, PersonSignatoryFieldsReplaced) {
  Seed();
  Person v;
  v.institution_id = a_;
  v.name = "王五";
  v.id_hash = Hash64('a');
  v.title = "高级工程师";
  v.roles = {"授权签字人", "技术负责人"};
  v.signatory_fields = {{"食品", "2024-01-01", "2027-12-31"}, {"水质", "2024-01-01", {}}};
  Upserted first = Up(&Registry::UpsertPerson, v);
  EXPECT_EQ(first.outcome, Outcome::kInserted);
  EXPECT_EQ(Rows("SELECT COUNT(*) FROM signatory_fields WHERE person_id = ?", {first.id})[0].Int(0),
            2);

  Tick();
  const std::string stamp = UpdatedAt("people", first.id);
  Person reordered = v;
  std::swap(reordered.signatory_fields[0], reordered.signatory_fields[1]);
  std::swap(reordered.roles[0], reordered.roles[1]);
  EXPECT_EQ(Up(&Registry::UpsertPerson, reordered).outcome, Outcome::kUnchanged);
  EXPECT_EQ(UpdatedAt("people", first.id), stamp);

  Person new_field = v;
  new_field.signatory_fields[1].authorized_to = "2026-06-30";
  EXPECT_EQ(Up(&Registry::UpsertPerson, new_field).outcome, Outcome::kUpdated);
  EXPECT_NE(UpdatedAt("people", first.id), stamp);
  auto fields = Rows(
      "SELECT field, authorized_to FROM signatory_fields WHERE person_id = ? AND "
      "field = ?",
      {first.id, Value("水质")});
  ASSERT_EQ(fields.size(), 1u);
  EXPECT_EQ(fields[0].Text(1), "2026-06-30");

  Person fewer = v;
  fewer.signatory_fields = {{"机动车", {}, {}}};
  EXPECT_EQ(Up(&Registry::UpsertPerson, fewer).outcome, Outcome::kUpdated);
  fields = Rows("SELECT field FROM signatory_fields WHERE person_id = ?", {first.id});
  ASSERT_EQ(fields.size(), 1u);
  EXPECT_EQ(fields[0].Text(0), "机动车");
  EXPECT_EQ(Up(&Registry::UpsertPerson, fewer).outcome, Outcome::kUnchanged);

  // The same person (same hash) at another institution is another row.
  Person elsewhere = v;
  elsewhere.institution_id = b_;
  EXPECT_EQ(Up(&Registry::UpsertPerson, elsewhere).outcome, Outcome::kInserted);
  Person bad = v;
  bad.signatory_fields = {{"食品", "2024/01/01", {}}};
  EXPECT_EQ(UpError(&Registry::UpsertPerson, bad).code(), "registry.bad-date");
}

TEST_P(RegistryTest, EquipmentCreditPenaltyOutcomes) {
  Seed();
  Equipment e;
  e.institution_id = a_;
  e.name = "原子吸收分光光度计";
  e.model = "AA-7000";
  e.serial = "SN123";
  e.calibration_due = "2026-03-01";
  Upserted eu = Up(&Registry::UpsertEquipment, e);
  EXPECT_EQ(eu.outcome, Outcome::kInserted);
  Tick();
  EXPECT_EQ(Up(&Registry::UpsertEquipment, e).outcome, Outcome::kUnchanged);
  e.calibration_due = std::nullopt;
  EXPECT_EQ(Up(&Registry::UpsertEquipment, e).outcome, Outcome::kUpdated);
  EXPECT_EQ(Up(&Registry::UpsertEquipment, e).outcome, Outcome::kUnchanged);
  e.calibration_due = "";  // empty = unknown, same as absent
  EXPECT_EQ(Up(&Registry::UpsertEquipment, e).outcome, Outcome::kUnchanged);

  CreditFlag f;
  f.institution_id = a_;
  f.kind = CreditKind::kSeriousDishonesty;
  f.listed_on = "2025-04-01";
  f.authority = "山东省市场监督管理局";
  EXPECT_EQ(Up(&Registry::UpsertCreditFlag, f).outcome, Outcome::kInserted);
  EXPECT_EQ(Up(&Registry::UpsertCreditFlag, f).outcome, Outcome::kUnchanged);
  f.removed_on = "2025-10-01";
  EXPECT_EQ(Up(&Registry::UpsertCreditFlag, f).outcome, Outcome::kUpdated);
  EXPECT_EQ(Up(&Registry::UpsertCreditFlag, f).outcome, Outcome::kUnchanged);
  f.kind = CreditKind::kAbnormalOperation;  // another key
  EXPECT_EQ(Up(&Registry::UpsertCreditFlag, f).outcome, Outcome::kInserted);
  f.listed_on = "";
  EXPECT_EQ(UpError(&Registry::UpsertCreditFlag, f).code(), "registry.missing-field");

  Penalty p;
  p.institution_id = a_;
  p.decision_no = "鲁市监处罚〔2025〕12号";
  p.decided_on = "2025-06-18";
  p.violation = "出具虚假检验检测报告";
  p.amount_yuan = 30000.5;
  EXPECT_EQ(Up(&Registry::UpsertPenalty, p).outcome, Outcome::kInserted);
  EXPECT_EQ(Up(&Registry::UpsertPenalty, p).outcome, Outcome::kUnchanged);
  p.amount_yuan = 0.1 + 0.2;  // not 0.3 in binary: exact comparison must see a change
  EXPECT_EQ(Up(&Registry::UpsertPenalty, p).outcome, Outcome::kUpdated);
  EXPECT_EQ(Up(&Registry::UpsertPenalty, p).outcome, Outcome::kUnchanged);
  p.amount_yuan = std::nullopt;
  EXPECT_EQ(Up(&Registry::UpsertPenalty, p).outcome, Outcome::kUpdated);
  EXPECT_EQ(Up(&Registry::UpsertPenalty, p).outcome, Outcome::kUnchanged);
  EXPECT_EQ(CountOf("penalties"), 1);
}

TEST_P(RegistryTest, StandardsAndReplacementLinks) {
  Standard old_std;
  old_std.number = "GB 5749-2006";
  old_std.name = "生活饮用水卫生标准";
  old_std.status = StandardStatus::kAbolished;
  old_std.abolished_on = "2023-04-01";
  old_std.replaced_by = {"GB 5749—2022"};
  Upserted a = Up(&Registry::UpsertStandard, old_std);
  EXPECT_EQ(a.outcome, Outcome::kInserted);

  Standard new_std;
  new_std.number = "gb 5749-2022";
  new_std.name = "生活饮用水卫生标准";
  new_std.published_on = "2022-03-15";
  new_std.effective_on = "2023-04-01";
  new_std.replaces = {"GB 5749-2006"};  // the same link again: added once
  Upserted b = Up(&Registry::UpsertStandard, new_std);
  EXPECT_EQ(b.outcome, Outcome::kInserted);
  EXPECT_EQ(CountOf("standard_replacements"), 1);
  auto rows = Rows("SELECT replaced, replacement FROM standard_replacements");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].Text(0), "GB 5749-2006");
  EXPECT_EQ(rows[0].Text(1), "GB 5749-2022");
  auto keys = Rows("SELECT number, number_key FROM standards WHERE id = ?", {b.id});
  ASSERT_EQ(keys.size(), 1u);
  EXPECT_EQ(keys[0].Text(0), "GB 5749-2022");
  EXPECT_EQ(keys[0].Text(1), "GB 5749");

  EXPECT_EQ(Up(&Registry::UpsertStandard, old_std).outcome, Outcome::kUnchanged);
  EXPECT_EQ(Up(&Registry::UpsertStandard, new_std).outcome, Outcome::kUnchanged);
  // A new link alone makes the standard updated; links are never removed by an upsert.
  Standard more = old_std;
  more.replaced_by = {"GB/T 5750.1-2023"};
  EXPECT_EQ(Up(&Registry::UpsertStandard, more).outcome, Outcome::kUpdated);
  EXPECT_EQ(CountOf("standard_replacements"), 2);
  EXPECT_EQ(Up(&Registry::UpsertStandard, more).outcome, Outcome::kUnchanged);
  more.status = StandardStatus::kCurrent;
  EXPECT_EQ(Up(&Registry::UpsertStandard, more).outcome, Outcome::kUpdated);
}

TEST_P(RegistryTest, ReimportInOneTransactionIsAllUnchanged) {
  // A small "import": every kind, twice, in one transaction each; the second pass must report
  // only kUnchanged and touch no updated_at.
  auto pass = [&](std::vector<Outcome>* outcomes) {
    auto conn = db_->Acquire();
    Result<void> r =
        store::WithTransaction(conn->get(), [&](store::Connection& tx) -> Result<void> {
          auto note = [&](const Result<Upserted>& u) -> Result<int64_t> {
            if (!u) return u.error();
            outcomes->push_back(u->outcome);
            return u->id;
          };
          for (int i = 0; i < 5; ++i) {
            Institution inst = Inst("370102", 100 + i, "机构" + std::to_string(i));
            ZJ_ASSIGN_OR_RETURN(int64_t inst_id, note(registry_->UpsertInstitution(tx, inst)));
            Certificate c;
            c.institution_id = inst_id;
            c.number = "2415010501" + std::to_string(10 + i);
            c.issued_on = "2024-01-0" + std::to_string(1 + i);
            ZJ_ASSIGN_OR_RETURN(int64_t cert_id, note(registry_->UpsertCertificate(tx, c)));
            for (int k = 0; k < 20; ++k) {
              Capability cap;
              cap.certificate_id = cert_id;
              cap.institution_id = inst_id;
              cap.category = "食品";
              cap.item = "项目" + std::to_string(k);
              cap.standard_no = "GB 5009." + std::to_string(k + 1) + "-2016";
              ZJ_TRY(note(registry_->UpsertCapability(tx, cap)));
            }
            Person p;
            p.institution_id = inst_id;
            p.name = "人员" + std::to_string(i);
            p.id_hash = Hash64(static_cast<char>('0' + i));
            p.signatory_fields = {{"食品", {}, {}}};
            ZJ_TRY(note(registry_->UpsertPerson(tx, p)));
            Equipment e;
            e.institution_id = inst_id;
            e.name = "天平";
            e.serial = "T" + std::to_string(i);
            ZJ_TRY(note(registry_->UpsertEquipment(tx, e)));
          }
          return Ok();
        });
    ASSERT_TRUE(r) << r.error().ToString();
  };
  std::vector<Outcome> first, second;
  pass(&first);
  for (Outcome o : first) EXPECT_EQ(o, Outcome::kInserted);
  auto stamps = [&] {
    return Rows(
        "SELECT MAX(updated_at) FROM institutions UNION ALL SELECT MAX(updated_at) FROM "
        "certificates UNION ALL SELECT MAX(updated_at) FROM capabilities UNION ALL "
        "SELECT MAX(updated_at) FROM people UNION ALL SELECT MAX(updated_at) FROM "
        "equipment");
  };
  std::vector<std::string> before;
  for (const auto& r : stamps()) before.push_back(r.Text(0));
  Tick();
  pass(&second);
  ASSERT_EQ(second.size(), first.size());
  for (Outcome o : second) EXPECT_EQ(o, Outcome::kUnchanged);
  std::vector<std::string> after;
  for (const auto& r : stamps()) after.push_back(r.Text(0));
  EXPECT_EQ(after, before);
  EXPECT_EQ(CountOf("capabilities"), 100);
  EXPECT_EQ(CountOf("certificate_status_history"), 5);
}

// The batch upsert gives, row by row, what the per-row upsert gives for the same sequence:
// certificate A takes the per-row path, certificate B the batch path, with the same rows.
// UpsertCapability is a batch of one: row-by-row batches must agree with one large batch
// (repeats within a batch, splits at kBatchRows, stored and fresh keys mixed).
TEST_P(RegistryTest, CapabilityBatchMatchesPerRowUpserts) {
  Seed();
  Certificate ca, cb;
  ca.institution_id = a_;
  ca.number = "231501050123";
  cb.institution_id = b_;
  cb.number = "231501050124";
  const int64_t cert_a = Up(&Registry::UpsertCertificate, ca).id;
  const int64_t cert_b = Up(&Registry::UpsertCertificate, cb).id;

  // The item as stored: the test's padded spelling without its spaces.
  auto Plain = [](std::string item) {
    while (!item.empty() && item.front() == ' ') item.erase(0, 1);
    const std::string ideographic_space = "\u3000";
    if (item.ends_with(ideographic_space)) item.resize(item.size() - ideographic_space.size());
    return item;
  };
  auto cap = [](int k) {
    Capability v;
    v.category = "食品";
    v.object = "粮食";
    v.item = "项目" + std::to_string(k);
    v.standard_no = "GB 5009." + std::to_string(k + 1) + "-2016";
    v.standard_name = "标准" + std::to_string(k);
    v.approved_on = "2024-05-01";
    return v;
  };
  // Runs `rows` on certificate A one by one and on certificate B as one batch; returns the
  // outcomes (or error codes) of both, which must agree.
  auto run = [&](std::vector<Capability> rows) {
    std::vector<std::string> per_row, batch;
    auto describe = [](const Result<Upserted>& u) {
      if (!u) return u.error().code();
      return std::string(u->outcome == Outcome::kInserted  ? "inserted"
                         : u->outcome == Outcome::kUpdated ? "updated"
                                                           : "unchanged");
    };
    auto conn = db_->Acquire();
    Result<void> r =
        store::WithTransaction(conn->get(), [&](store::Connection& tx) -> Result<void> {
          for (Capability v : rows) {
            if (v.certificate_id == 0) v.certificate_id = cert_a;
            Result<Upserted> u = registry_->UpsertCapability(tx, v);
            if (u || u.error().kind() == Error::Kind::kInvalidArgument) {
              per_row.push_back(describe(u));
            } else {
              per_row.push_back(u.error().code());
            }
          }
          std::vector<Capability> b = rows;
          for (Capability& v : b) {
            if (v.certificate_id == 0) v.certificate_id = cert_b;
          }
          ZJ_ASSIGN_OR_RETURN(auto results, registry_->UpsertCapabilities(tx, b));
          EXPECT_EQ(results.size(), b.size());
          for (size_t i = 0; i < results.size(); ++i) {
            batch.push_back(describe(results[i]));
            if (!results[i]) continue;
            // The id is the stored row of that key.
            ZJ_ASSIGN_OR_RETURN(
                auto id, tx.QueryOne("SELECT id FROM capabilities WHERE certificate_id = ? AND "
                                     "item = ?",
                                     std::vector<Value>{b[i].certificate_id, Plain(b[i].item)}));
            EXPECT_TRUE(id);
            if (id) {
              EXPECT_EQ(results[i]->id, id->Int(0)) << i;
            }
          }
          return Ok();
        });
    EXPECT_TRUE(r) << r.error().ToString();
    EXPECT_EQ(batch, per_row);
    return batch;
  };
  // Everything the two certificates hold, without ids and certificates.
  auto contents = [&](int64_t cert) {
    std::vector<std::string> out;
    for (const Row& r : Rows("SELECT category, object, item, parameter, standard_no, "
                             "institution_id, standard_key, standard_name, limitation, "
                             "approved_on, valid_from, valid_to, created_at, updated_at FROM "
                             "capabilities WHERE certificate_id = ? ORDER BY item, standard_no",
                             {cert})) {
      std::string line;
      for (size_t i = 0; i < r.size(); ++i) {
        // The institution differs by construction (A vs B): compare it as "the certificate's".
        if (i == 5) {
          line += r.Int(i) == (cert == cert_a ? a_ : b_) ? "own" : "other";
        } else {
          line += r.IsNull(i) ? "NULL" : r.Text(i);
        }
        line += '|';
      }
      out.push_back(line);
    }
    return out;
  };

  std::vector<Capability> first;
  for (int k = 0; k < 5; ++k) first.push_back(cap(k));
  first[4].institution_id = 0;  // derived from the certificate
  EXPECT_EQ(run(first), std::vector<std::string>(5, "inserted"));

  Tick();
  std::vector<Capability> second;
  second.push_back(cap(0));  // unchanged
  Capability changed = cap(1);
  changed.limitation = "只做仪器法";
  second.push_back(changed);  // updated
  second.push_back(cap(5));   // inserted
  second.push_back(cap(5));   // the same key again, same values: unchanged
  second.push_back(cap(6));   // inserted
  Capability changed6 = cap(6);
  changed6.valid_to = "2029-12-31";
  second.push_back(changed6);  // the same key again, other values: updated
  Capability spaced = cap(2);
  spaced.item = "  " + spaced.item + "\u3000";
  spaced.standard_no = "GB5009.3—2016";  // the canonical key of cap(2)
  second.push_back(spaced);              // unchanged
  second.push_back(cap(1));              // back to the first values: updated
  Capability bad = cap(7);
  bad.approved_on = "2024-13-01";
  second.push_back(bad);  // its own error
  Capability orphan = cap(8);
  orphan.certificate_id = cert_b + 1000;
  second.push_back(orphan);  // no such certificate
  second.push_back(cap(3));  // unchanged
  const std::vector<std::string> expected{
      "unchanged", "updated",   "inserted", "unchanged",         "inserted",
      "updated",   "unchanged", "updated",  "registry.bad-date", "registry.certificate-not-found",
      "unchanged"};
  // The orphan has no institution: give both paths the same reason to look the certificate up.
  second[9].institution_id = 0;
  EXPECT_EQ(run(second), expected);
  EXPECT_EQ(contents(cert_a), contents(cert_b));
  EXPECT_EQ(contents(cert_b).size(), 7u);

  // A batch whose first key is new and the others stored (the INSERT comes first).
  Tick();
  Capability changed0 = cap(0);
  changed0.standard_name = "新名称";
  EXPECT_EQ(
      run({cap(9), cap(0), changed0, cap(9), cap(3)}),
      (std::vector<std::string>{"inserted", "unchanged", "updated", "unchanged", "unchanged"}));
  EXPECT_EQ(contents(cert_a), contents(cert_b));

  // A batch beyond one statement's rows; then the same again: all unchanged, nothing written.
  std::vector<Capability> many;
  for (int k = 0; k < 1200; ++k) many.push_back(cap(100 + k));
  auto again = run(many);
  EXPECT_EQ(std::count(again.begin(), again.end(), "inserted"), 1200);
  Tick();
  const std::string stamp = Rows("SELECT MAX(updated_at) FROM capabilities")[0].Text(0);
  again = run(many);
  EXPECT_EQ(std::count(again.begin(), again.end(), "unchanged"), 1200);
  EXPECT_EQ(Rows("SELECT MAX(updated_at) FROM capabilities")[0].Text(0), stamp);
  EXPECT_EQ(contents(cert_a), contents(cert_b));
  // The stored per-institution counts (0009) equal the rows, after inserts, updates, repeats
  // within a batch and re-imports.
  for (int64_t inst : {a_, b_}) {
    EXPECT_EQ(Rows("SELECT capability_count FROM institutions WHERE id = ?", {inst})[0].Int(0),
              Rows("SELECT COUNT(*) FROM capabilities WHERE institution_id = ?", {inst})[0].Int(0))
        << inst;
  }
  EXPECT_GT(Rows("SELECT capability_count FROM institutions WHERE id = ?", {a_})[0].Int(0), 1000);
}

// ---------------------------------------------------------------- scoped reads

TEST_P(RegistryTest, GetInstitutionIsScoped) {
  Seed();
  auto sees = [&](const Principal& p, int64_t id) {
    Result<Institution> r = registry_->GetInstitution(p, id);
    if (!r) {
      EXPECT_EQ(r.error().kind(), Error::Kind::kNotFound) << r.error().ToString();
    }
    return r.ok();
  };
  EXPECT_TRUE(sees(Admin(), a_));
  EXPECT_TRUE(sees(Admin(), c_));
  EXPECT_TRUE(sees(Regulator(""), c_));
  EXPECT_TRUE(sees(Regulator("37"), a_));
  EXPECT_TRUE(sees(Regulator("37"), c_));
  EXPECT_TRUE(sees(Regulator("3701"), a_));
  EXPECT_FALSE(sees(Regulator("3701"), c_));
  EXPECT_FALSE(sees(Regulator("3702"), a_));
  EXPECT_TRUE(sees(Inspector("3702"), c_));
  EXPECT_FALSE(sees(Inspector("3702"), a_));
  EXPECT_TRUE(sees(InstitutionUser(a_), a_));
  EXPECT_FALSE(sees(InstitutionUser(a_), b_));
  EXPECT_FALSE(sees(Principal{}, a_));  // public
  EXPECT_FALSE(sees(Admin(), c_ + 1000));

  Result<Institution> got = registry_->GetInstitution(Regulator("37"), a_);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->name, "济南甲检测有限公司");
  EXPECT_EQ(got->uscc, MakeUscc("370102", 1));
  EXPECT_EQ(got->region_code, "370102");
  EXPECT_EQ(got->legal_form, "企业法人");
  EXPECT_EQ(got->domains, (std::vector<std::string>{"机动车", "食品"}));
  EXPECT_FALSE(got->national_centre);
}

TEST_P(RegistryTest, ProfileHoldsEverySection) {
  Seed();
  Certificate cert;
  cert.institution_id = b_;
  cert.number = "231501050123";
  cert.issued_on = "2023-03-01";
  const int64_t cert_id = Up(&Registry::UpsertCertificate, cert).id;
  cert.status = CertStatus::kSuspended;
  Up(&Registry::UpsertCertificate, cert);
  for (int k = 0; k < 3; ++k) {
    Capability cap;
    cap.certificate_id = cert_id;
    cap.institution_id = b_;
    cap.item = "项目" + std::to_string(k);
    cap.standard_no = "GB 5009.12-2017";
    Up(&Registry::UpsertCapability, cap);
  }
  Person p;
  p.institution_id = b_;
  p.name = "赵六";
  p.id_hash = Hash64('c');
  p.signatory_fields = {{"食品", {}, {}}, {"化妆品", "2025-01-01", {}}};
  Up(&Registry::UpsertPerson, p);
  CreditFlag f;
  f.institution_id = b_;
  f.listed_on = "2025-01-01";
  Up(&Registry::UpsertCreditFlag, f);
  Penalty pen;
  pen.institution_id = b_;
  pen.decision_no = "济市监罚〔2025〕1号";
  pen.decided_on = "2025-02-02";
  pen.amount_yuan = 5000;
  Up(&Registry::UpsertPenalty, pen);

  // What was stored, as the portrait (query::GetPortrait, the one read of a whole institution)
  // shows it.
  auto portrait = [&](const Principal& viewer, int64_t id) {
    auto conn = db_->Acquire();
    EXPECT_TRUE(conn.ok());
    return query::GetPortrait(conn->get(), viewer, id, "2025-06-01");
  };
  Result<query::Portrait> profile = portrait(Regulator("3701"), b_);
  ASSERT_TRUE(profile) << profile.error().ToString();
  EXPECT_EQ(profile->id, b_);
  ASSERT_EQ(profile->certificates.size(), 1u);
  EXPECT_EQ(profile->certificates[0].status, "suspended");
  ASSERT_EQ(profile->certificates[0].history.size(), 2u);
  EXPECT_EQ(profile->certificates[0].history[0].status, "valid");
  EXPECT_EQ(profile->certificates[0].history[0].effective_on, "2023-03-01");
  EXPECT_EQ(profile->certificates[0].history[1].status, "suspended");
  EXPECT_EQ(profile->capability_rows, 3);
  ASSERT_EQ(profile->people.size(), 2u);  // 李四 (seed) and 赵六
  EXPECT_EQ(profile->people[1].name, "赵六");
  ASSERT_EQ(profile->people[1].signatory_fields.size(), 2u);
  // Fields in byte order: 化妆品 (E5 8C 96) before 食品 (E9 A3 9F).
  EXPECT_EQ(profile->people[1].signatory_fields[0].field, "化妆品");
  EXPECT_EQ(profile->people[1].signatory_fields[0].from, "2025-01-01");
  EXPECT_EQ(profile->people[1].signatory_fields[1].field, "食品");
  ASSERT_EQ(profile->equipment.size(), 1u);
  EXPECT_EQ(profile->equipment[0].serial, "B-001");
  ASSERT_EQ(profile->credit_flags.size(), 1u);
  EXPECT_EQ(profile->credit_flags[0].kind, "abnormal-operation");
  ASSERT_EQ(profile->penalties.size(), 1u);
  ASSERT_TRUE(profile->penalties[0].amount_yuan);
  EXPECT_DOUBLE_EQ(*profile->penalties[0].amount_yuan, 5000.0);

  // A's portrait holds none of B's rows; out of scope is not found; the public is refused.
  Result<query::Portrait> a_profile = portrait(InstitutionUser(a_), a_);
  ASSERT_TRUE(a_profile);
  EXPECT_TRUE(a_profile->people.empty());
  EXPECT_EQ(a_profile->capability_rows, 0);
  EXPECT_EQ(portrait(InstitutionUser(a_), b_).error().kind(), Error::Kind::kNotFound);
  EXPECT_EQ(portrait(Regulator("3702"), b_).error().kind(), Error::Kind::kNotFound);
  EXPECT_EQ(portrait(Principal{}, b_).error().kind(), Error::Kind::kPermissionDenied);
}

// ---------------------------------------------------------------- audited edits

struct Snapshot {
  int64_t people, fields, equipment, institutions, audit;
  bool operator==(const Snapshot&) const = default;
};

class RegistryEditTest : public RegistryTest {
 protected:
  Snapshot Snap() {
    return {CountOf("people"), CountOf("signatory_fields"), CountOf("equipment"),
            CountOf("institutions"), CountOf("audit_log")};
  }
  Person NewPerson(int64_t institution, char hash) {
    Person p;
    p.institution_id = institution;
    p.name = "新人员";
    p.id_hash = Hash64(hash);
    p.signatory_fields = {{"食品", "2025-01-01", {}}};
    return p;
  }
  Equipment NewEquipment(int64_t institution, const std::string& serial) {
    Equipment e;
    e.institution_id = institution;
    e.name = "电子天平";
    e.serial = serial;
    e.calibration_due = "2026-06-30";
    return e;
  }
  std::vector<audit::AuditRecord> AuditRecords() {
    auto conn = db_->Acquire();
    audit::ListFilter f;
    f.limit = 200;
    auto page = audit::List(conn->get(), Admin(), f);
    EXPECT_TRUE(page);
    return page ? page->records : std::vector<audit::AuditRecord>{};
  }
};

TEST_P(RegistryEditTest, InstitutionUserEditsOnlyOwnPeopleAndEquipment) {
  Seed();
  const Principal lab_a = InstitutionUser(a_);
  // Own institution: create, update, delete.
  Result<Person> created = registry_->SavePerson(lab_a, NewPerson(a_, 'd'), "192.0.2.7");
  ASSERT_TRUE(created) << created.error().ToString();
  EXPECT_GT(created->id, 0);
  EXPECT_EQ(created->institution_id, a_);
  ASSERT_EQ(created->signatory_fields.size(), 1u);
  Person edit = *created;
  edit.title = "工程师";
  edit.id_hash = "";  // keep the stored one
  Result<Person> updated = registry_->SavePerson(lab_a, edit, "192.0.2.7");
  ASSERT_TRUE(updated) << updated.error().ToString();
  EXPECT_EQ(updated->title, "工程师");
  EXPECT_EQ(updated->id_hash, Hash64('d'));
  Result<Equipment> eq = registry_->SaveEquipment(lab_a, NewEquipment(a_, "A-1"), "192.0.2.7");
  ASSERT_TRUE(eq) << eq.error().ToString();
  EXPECT_EQ(eq->calibration_due, "2026-06-30");

  // Another institution's records: not found, and nothing written.
  const Snapshot before = Snap();
  Person theirs = NewPerson(b_, 'e');
  EXPECT_EQ(registry_->SavePerson(lab_a, theirs, "ip").error().kind(), Error::Kind::kNotFound);
  Person hijack = NewPerson(a_, 'f');
  hijack.id = b_person_;  // B's person moved into A
  EXPECT_EQ(registry_->SavePerson(lab_a, hijack, "ip").error().kind(), Error::Kind::kNotFound);
  hijack.institution_id = b_;
  EXPECT_EQ(registry_->SavePerson(lab_a, hijack, "ip").error().kind(), Error::Kind::kNotFound);
  EXPECT_EQ(registry_->DeletePerson(lab_a, b_person_, "ip").error().kind(), Error::Kind::kNotFound);
  Equipment their_eq = NewEquipment(b_, "X");
  EXPECT_EQ(registry_->SaveEquipment(lab_a, their_eq, "ip").error().kind(), Error::Kind::kNotFound);
  their_eq.id = b_equipment_;
  their_eq.institution_id = a_;
  EXPECT_EQ(registry_->SaveEquipment(lab_a, their_eq, "ip").error().kind(), Error::Kind::kNotFound);
  EXPECT_EQ(registry_->DeleteEquipment(lab_a, b_equipment_, "ip").error().kind(),
            Error::Kind::kNotFound);
  // Moving an own person to another institution is refused too.
  Person away = *updated;
  away.institution_id = b_;
  EXPECT_EQ(registry_->SavePerson(lab_a, away, "ip").error().kind(), Error::Kind::kNotFound);
  // The institution record itself is the regulators'.
  Institution self = *registry_->GetInstitution(lab_a, a_);
  self.name = "改名";
  Result<Institution> renamed = registry_->SaveInstitution(lab_a, self, "ip");
  ASSERT_FALSE(renamed);
  EXPECT_EQ(renamed.error().kind(), Error::Kind::kPermissionDenied);
  EXPECT_EQ(renamed.error().code(), "auth.forbidden");
  EXPECT_EQ(Snap(), before);
  auto b_people = Rows("SELECT institution_id, name FROM people WHERE id = ?", {b_person_});
  ASSERT_EQ(b_people.size(), 1u);
  EXPECT_EQ(b_people[0].Int(0), b_);
  EXPECT_EQ(b_people[0].Text(1), "李四");

  ASSERT_TRUE(registry_->DeleteEquipment(lab_a, eq->id, "192.0.2.7"));
  ASSERT_TRUE(registry_->DeletePerson(lab_a, created->id, "192.0.2.7"));
  EXPECT_EQ(Rows("SELECT COUNT(*) FROM people WHERE institution_id = ?", {a_})[0].Int(0), 0);
  EXPECT_EQ(
      Rows("SELECT COUNT(*) FROM signatory_fields WHERE person_id = ?", {created->id})[0].Int(0),
      0);
  EXPECT_EQ(registry_->DeletePerson(lab_a, created->id, "ip").error().kind(),
            Error::Kind::kNotFound);

  // Audit: five records by lab A, all carrying A's id and region.
  std::vector<std::string> actions;
  for (const audit::AuditRecord& r : AuditRecords()) {
    actions.push_back(r.action);
    EXPECT_EQ(r.institution_id, a_);
    EXPECT_EQ(r.region_code, "370102");
    EXPECT_EQ(r.actor, lab_a.username);
    EXPECT_EQ(r.ip, "192.0.2.7");
  }
  EXPECT_EQ(actions, (std::vector<std::string>{"person.delete", "equipment.delete",
                                               "equipment.save", "person.save", "person.save"}));
  audit::VerifyReport rep = VerifyAudit();
  EXPECT_TRUE(rep.ok) << rep.code << " " << rep.message;
  EXPECT_EQ(rep.records_checked, 5);
}

TEST_P(RegistryEditTest, RegulatorsEditInsideTheirRegion) {
  Seed();
  const Principal jinan = Regulator("3701");
  ASSERT_TRUE(registry_->SavePerson(jinan, NewPerson(a_, 'g'), "ip"));
  ASSERT_TRUE(registry_->SaveEquipment(jinan, NewEquipment(b_, "J-1"), "ip"));
  Person moved;
  {
    auto conn = db_->Acquire();
    ASSERT_TRUE(conn.ok());
    auto p = query::GetPortrait(conn->get(), Admin(), b_, "2025-06-01");
    ASSERT_TRUE(p.ok() && !p->people.empty());
    const query::PortraitPerson& first = p->people.front();
    moved.id = first.id;  // id_hash empty: the stored one is kept
    moved.name = first.name;
    moved.title = first.title;
    moved.roles = first.roles;
    for (const auto& f : first.signatory_fields) {
      moved.signatory_fields.push_back({f.field, f.from, f.to});
    }
  }
  moved.institution_id = a_;  // within the region: allowed
  Result<Person> moved_r = registry_->SavePerson(jinan, moved, "ip");
  ASSERT_TRUE(moved_r) << moved_r.error().ToString();
  EXPECT_EQ(moved_r->institution_id, a_);

  const Snapshot before = Snap();
  EXPECT_EQ(registry_->SavePerson(jinan, NewPerson(c_, 'h'), "ip").error().kind(),
            Error::Kind::kNotFound);
  EXPECT_EQ(registry_->SaveEquipment(jinan, NewEquipment(c_, "Q-1"), "ip").error().kind(),
            Error::Kind::kNotFound);
  Institution qingdao = *registry_->GetInstitution(Admin(), c_);
  qingdao.name = "改名";
  EXPECT_EQ(registry_->SaveInstitution(jinan, qingdao, "ip").error().kind(),
            Error::Kind::kNotFound);
  // Moving an institution out of the region, or creating one outside it: forbidden.
  Institution a = *registry_->GetInstitution(Admin(), a_);
  a.region_code = "370202";
  EXPECT_EQ(registry_->SaveInstitution(jinan, a, "ip").error().kind(),
            Error::Kind::kPermissionDenied);
  EXPECT_EQ(registry_->SaveInstitution(jinan, Inst("370202", 9, "新机构"), "ip").error().kind(),
            Error::Kind::kPermissionDenied);
  // Inspectors and the public write nothing, even in their region.
  for (const Principal& p : {Inspector("37"), Principal{}}) {
    EXPECT_EQ(registry_->SavePerson(p, NewPerson(a_, 'i'), "ip").error().kind(),
              Error::Kind::kPermissionDenied);
    EXPECT_EQ(registry_->DeletePerson(p, b_person_, "ip").error().kind(),
              Error::Kind::kPermissionDenied);
    EXPECT_EQ(registry_->SaveEquipment(p, NewEquipment(a_, "I-1"), "ip").error().kind(),
              Error::Kind::kPermissionDenied);
    EXPECT_EQ(registry_->DeleteEquipment(p, b_equipment_, "ip").error().kind(),
              Error::Kind::kPermissionDenied);
    EXPECT_EQ(registry_->SaveInstitution(p, Inst("370102", 10, "x"), "ip").error().kind(),
              Error::Kind::kPermissionDenied);
  }
  EXPECT_EQ(Snap(), before);

  // Inside the region: create and update an institution.
  Result<Institution> made = registry_->SaveInstitution(jinan, Inst("370103", 11, "济南丁"), "ip");
  ASSERT_TRUE(made) << made.error().ToString();
  EXPECT_EQ(made->region_code, "370103");
  Institution rename = *made;
  rename.name = "济南丁检测有限公司";
  rename.domains = {"建设工程"};
  Result<Institution> renamed = registry_->SaveInstitution(jinan, rename, "ip");
  ASSERT_TRUE(renamed) << renamed.error().ToString();
  EXPECT_EQ(renamed->name, "济南丁检测有限公司");
  EXPECT_EQ(renamed->domains, std::vector<std::string>{"建设工程"});
  // A duplicate USCC is a conflict.
  Institution dup = Inst("370103", 1, "重复");
  dup.uscc = MakeUscc("370102", 1);
  EXPECT_EQ(registry_->SaveInstitution(jinan, dup, "ip").error().kind(), Error::Kind::kConflict);

  // Admin: anywhere.
  Institution q = *registry_->GetInstitution(Admin(), c_);
  q.address = "青岛市市南区香港中路1号";
  ASSERT_TRUE(registry_->SaveInstitution(Admin(), q, "ip"));
  ASSERT_TRUE(registry_->DeletePerson(Admin(), moved_r->id, "ip"));

  int inst_saves = 0;
  for (const audit::AuditRecord& r : AuditRecords()) {
    if (r.action == "institution.save") {
      ++inst_saves;
      EXPECT_EQ(r.target_id, std::to_string(*r.institution_id));
    }
  }
  EXPECT_EQ(inst_saves, 3);
  audit::VerifyReport rep = VerifyAudit();
  EXPECT_TRUE(rep.ok) << rep.code << " " << rep.message;
  EXPECT_EQ(rep.records_checked, 7);
}

TEST_P(RegistryEditTest, ValidationAndSuspectUscc) {
  Seed();
  const Principal admin = Admin();
  const Snapshot before = Snap();
  Institution bad = Inst("370102", 20, "x");
  bad.uscc = "91370102MA0000001";  // 17 characters
  EXPECT_EQ(registry_->SaveInstitution(admin, bad, "ip").error().code(), "uscc.bad-length");
  bad = Inst("370102", 20, "x");
  bad.region_code = "379999";
  EXPECT_EQ(registry_->SaveInstitution(admin, bad, "ip").error().code(), "registry.bad-region");
  bad = Inst("370102", 20, " ");
  EXPECT_EQ(registry_->SaveInstitution(admin, bad, "ip").error().code(), "registry.missing-field");
  Person p = NewPerson(a_, 'j');
  p.name = "";
  EXPECT_EQ(registry_->SavePerson(admin, p, "ip").error().code(), "registry.missing-field");
  p = NewPerson(a_, 'j');
  p.id_hash = "11010519491231002X";  // the number itself is never accepted
  EXPECT_EQ(registry_->SavePerson(admin, p, "ip").error().code(), "registry.bad-id-hash");
  p = NewPerson(a_, 'j');
  p.signatory_fields[0].authorized_to = "2025-02-30";
  EXPECT_EQ(registry_->SavePerson(admin, p, "ip").error().code(), "registry.bad-date");
  Equipment e = NewEquipment(a_, "V");
  e.calibration_due = "2026-6-30";
  EXPECT_EQ(registry_->SaveEquipment(admin, e, "ip").error().code(), "registry.bad-date");
  e = NewEquipment(a_, "V");
  e.name = " ";
  EXPECT_EQ(registry_->SaveEquipment(admin, e, "ip").error().code(), "registry.missing-field");
  // The same person twice at one institution is a conflict.
  EXPECT_EQ(registry_->SavePerson(admin, NewPerson(b_, 'b'), "ip").error().kind(),
            Error::Kind::kConflict);
  EXPECT_EQ(registry_->SavePerson(admin, NewPerson(c_ + 1000, 'k'), "ip").error().kind(),
            Error::Kind::kNotFound);
  EXPECT_EQ(Snap(), before);

  // A failed check character is accepted and flagged in the audit detail.
  Institution suspect = Inst("370102", 21, "可疑代码机构");
  suspect.uscc.back() = suspect.uscc.back() == '0' ? '1' : '0';
  Result<Institution> saved = registry_->SaveInstitution(admin, suspect, "ip");
  ASSERT_TRUE(saved) << saved.error().ToString();
  EXPECT_EQ(saved->uscc, suspect.uscc);
  auto records = AuditRecords();
  ASSERT_EQ(records.size(), 1u);
  boost::json::object detail = records[0].DetailObject();
  ASSERT_TRUE(detail.contains("uscc_suspect"));
  EXPECT_TRUE(detail.at("uscc_suspect").as_bool());
  EXPECT_EQ(detail.at("uscc_warnings").as_array().at(0).as_string(), "uscc.check-mismatch");
  EXPECT_EQ(detail.at("op").as_string(), "create");
  // A correct code carries no flag; saving unchanged values records changed=false.
  Institution good = *registry_->GetInstitution(admin, a_);
  ASSERT_TRUE(registry_->SaveInstitution(admin, good, "ip"));
  detail = AuditRecords()[0].DetailObject();
  EXPECT_FALSE(detail.contains("uscc_suspect"));
  EXPECT_FALSE(detail.at("changed").as_bool());
  EXPECT_TRUE(VerifyAudit().ok);
}

ZJ_INSTANTIATE_BACKENDS(RegistryTest);
ZJ_INSTANTIATE_BACKENDS(RegistryEditTest);

}  // namespace
}  // namespace zhijian::registry
