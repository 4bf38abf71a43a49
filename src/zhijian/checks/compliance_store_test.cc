// The compliance checks over the database, on SQLite and PostgreSQL: the query layer loads the
// same facts as the golden files state (every golden case gives the same findings through the
// store), stored checks are scoped and audited, and registered reports are checked on arrival.
#include "zhijian/checks/compliance_store.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include "tests/support/backend_fixture.h"
#include "tests/support/principals.h"
#include "zhijian/audit/audit.h"
#include "zhijian/checks/compliance_golden.h"
#include "zhijian/checks/compliance_json.h"
#include "zhijian/checks/document_hints.h"
#include "zhijian/ledger/log_store.h"
#include "zhijian/ledger/report_ledger.h"
#include "zhijian/registry/registry.h"

namespace zhijian::checks {
namespace {

namespace fs = std::filesystem;
using store::Value;

const TimePoint kNow = FromUnixMillis(1'764'000'000'000);  // 2025-11-24 (China)

using testing::InstitutionUser;
using testing::Regulator;

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

class ComplianceStoreTest : public zhijian::testing::BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    db_ = OpenDb();
    ASSERT_TRUE(db_);
  }

  // Empties the registry and the checks, then writes `g` through the registry's upserts (and the
  // registered reports as rows).
  void Seed(const GoldenRegistry& g) {
    auto conn = db_->Acquire();
    ASSERT_TRUE(conn.ok());
    for (const char* table :
         {"report_findings", "report_checks", "reports", "capabilities", "institution_standards",
          "signatory_fields", "people", "certificate_status_history", "certificates",
          "standard_replacements", "standards", "institutions"}) {
      ASSERT_TRUE((*conn)->Exec(std::string("DELETE FROM ") + table).ok()) << table;
    }
    registry::Registry reg(*db_, clock_);
    auto r = store::WithTransaction(conn->get(), [&](store::Connection& tx) -> Result<void> {
      std::map<std::string, int64_t> inst;
      for (const auto& i : g.institutions) {
        ZJ_ASSIGN_OR_RETURN(auto u, reg.UpsertInstitution(tx, i));
        inst[i.uscc] = u.id;
      }
      for (const auto& s : g.standards) ZJ_TRY(reg.UpsertStandard(tx, s));
      for (const auto& c : g.certificates) {
        registry::Certificate v = c.certificate;
        v.institution_id = inst.at(c.uscc);
        ZJ_TRY(reg.UpsertCertificate(tx, v));
      }
      for (const auto& c : g.capabilities) {
        ZJ_ASSIGN_OR_RETURN(auto ids, reg.CertificateIdsByNumber(tx, c.certificate));
        registry::Capability v = c.capability;
        v.certificate_id = ids->first;
        ZJ_TRY(reg.UpsertCapability(tx, v));
      }
      for (const auto& m : g.people) {
        registry::Person v = m.person;
        v.institution_id = inst.at(m.uscc);
        ZJ_TRY(reg.UpsertPerson(tx, v));
      }
      int64_t leaf = 0;
      for (const auto& rep : g.reports) {
        std::string digest(32, '\0');
        for (size_t k = 0; k < 32; ++k) {
          digest[k] =
              static_cast<char>(std::stoi(rep.document_sha256.substr(2 * k, 2), nullptr, 16));
        }
        ZJ_TRY(tx.Exec(
            "INSERT INTO reports (code, institution_id, institution_uscc, report_no, "
            "certificate_no, issue_date, document_sha256, salt, client, sample, results, "
            "leaf_index, registered_at, status) VALUES (?, ?, ?, ?, '', ?, ?, ?, '', '', '{}', ?, "
            "'2025-01-01T00:00:00.000Z', ?)",
            std::vector<Value>{rep.code, inst.at(rep.uscc), rep.uscc, rep.report_no, rep.issue_date,
                               store::Blob{digest}, store::Blob{std::string(16, 's')}, leaf++,
                               rep.status}));
      }
      return Ok();
    });
    ASSERT_TRUE(r.ok()) << r.error().ToString();
  }

  FakeClock clock_{kNow};
  std::unique_ptr<store::Database> db_;
};

TEST_P(ComplianceStoreTest, GoldenFilesGiveTheSameFindingsThroughTheStore) {
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(ZJ_GOLDEN_DIR)) {
    if (e.path().extension() == ".txt") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  ASSERT_FALSE(files.empty());
  int cases = 0;
  for (const auto& file : files) {
    auto parsed = ParseGolden(ReadFile(file), file.filename().string());
    ASSERT_TRUE(parsed.ok()) << parsed.error().ToString();
    int seeded = -1;
    std::unique_ptr<FactsCache> cache;
    for (const GoldenCase& c : *parsed) {
      if (c.registry_index != seeded) {
        Seed(c.registry);
        if (HasFatalFailure()) return;
        seeded = c.registry_index;
        cache = std::make_unique<FactsCache>();  // one batch per registry
      }
      auto conn = db_->Acquire();
      ASSERT_TRUE(conn.ok());
      CheckOptions o;
      o.today = ToDay(c.today);
      // Without and with the batch cache of institution facts.
      for (FactsCache* use : {static_cast<FactsCache*>(nullptr), cache.get()}) {
        auto facts = LoadRegistryFacts(conn->get(), Principal::Cli(), c.report, use);
        ASSERT_TRUE(facts.ok()) << c.file << ":" << c.line << " " << facts.error().ToString();
        const std::string diff = CompareFindings(c, Check(c.report, *facts, o));
        EXPECT_TRUE(diff.empty()) << c.file << ":" << c.line << " (" << c.label << ")"
                                  << (use ? " cached" : "") << "\n"
                                  << diff;
      }
      ++cases;
    }
  }
  EXPECT_GT(cases, 50);
}

// A small registry: 济南 (370102) with one signatory, 青岛 (370202).
constexpr const char* kRegistry = R"(registry
institution uscc=91370102MA3C4Q5X8T name=济南正信检测技术有限公司 region=370102
institution uscc=91370202MA3D7K2P42 name=青岛海正检测有限公司 region=370202
certificate number=221500110321 uscc=91370102MA3C4Q5X8T issued=2022-01-01 expires=2027-12-31
capability cert=221500110321 category=食品 object=蔬菜 item=铅 standard="GB 5009.12-2017" from=2022-01-01
person uscc=91370102MA3C4Q5X8T name=张明 roles=授权签字人
field uscc=91370102MA3C4Q5X8T name=张明 field=食品 from=2022-01-01 to=2027-12-31
person uscc=91370102MA3C4Q5X8T name=李华 roles=检测人员

report
institution 91370102MA3C4Q5X8T
report_no ZX-2025-0001
certificate 221500110321
issue_date 2025-03-20
sampling_date 2025-03-01
receipt_date 2025-03-02
test_start_date 2025-03-04
test_end_date 2025-03-15
client 济南鲁丰食品有限公司
sample 菠菜
conclusion 所检项目符合GB 2762-2022的要求。
signatories 李华
line 铅 |  | GB 5009.12-2017 | 0.08 | mg/kg | ≤0.3 | 合格

check 2025-11-24
----
signatory-unauthorized signatory-unauthorized.not-signatory signatories value=李华
)";

GoldenCase SmallCase() {
  auto parsed = ParseGolden(kRegistry, "inline");
  EXPECT_TRUE(parsed.ok() && parsed->size() == 1u);
  return (*parsed)[0];
}

int64_t InstitutionId(store::Database& db, const std::string& uscc) {
  auto conn = db.Acquire();
  auto row =
      (*conn)->QueryOne("SELECT id FROM institutions WHERE uscc = ?", std::vector<Value>{uscc});
  return row.ok() && row->has_value() ? (*row)->Int(0) : 0;
}

TEST_P(ComplianceStoreTest, RequestedChecksAreStoredScopedAndAudited) {
  const GoldenCase c = SmallCase();
  Seed(c.registry);
  if (HasFatalFailure()) return;
  const int64_t jinan = InstitutionId(*db_, "91370102MA3C4Q5X8T");
  const int64_t qingdao = InstitutionId(*db_, "91370202MA3D7K2P42");

  // Who may run checks.
  std::vector<CheckInput> in{CheckInput{c.report, 0}};
  in[0].report.report.document_sha256 = Sha256("ZX-2025-0001.pdf");
  for (const Principal& p : {InstitutionUser(jinan), Principal{}}) {
    auto r = RunChecks(*db_, clock_, p, "10.0.0.1", in);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code(), "auth.forbidden");
  }
  // A regulator of Beijing: the Jinan institution is outside its scope (the item fails alone).
  auto outside = RunChecks(*db_, clock_, Regulator("11"), "10.0.0.1", in);
  ASSERT_TRUE(outside.ok()) << outside.error().ToString();
  ASSERT_FALSE((*outside)[0].ok());
  EXPECT_EQ((*outside)[0].error().code(), "checks.out-of-scope");

  // Shandong's regulator: stored with its finding, the basis as cited on 2025-03-20.
  auto done = RunChecks(*db_, clock_, Regulator("37"), "10.0.0.1", in);
  ASSERT_TRUE(done.ok()) << done.error().ToString();
  ASSERT_TRUE((*done)[0].ok()) << (*done)[0].error().ToString();
  const CheckOutcome& o = *(*done)[0];
  ASSERT_GT(o.check_id, 0);
  EXPECT_EQ(CompareFindings(c, o.findings), "");
  ASSERT_TRUE(o.institution);
  EXPECT_EQ(o.institution->id, jinan);

  auto conn = db_->Acquire();
  ASSERT_TRUE(conn.ok());
  auto stored = GetCheck(conn->get(), Regulator("3701"), o.check_id);
  ASSERT_TRUE(stored.ok()) << stored.error().ToString();
  EXPECT_EQ(stored->origin, "request");
  EXPECT_EQ(stored->source, "registration");
  EXPECT_EQ(stored->report_no, "ZX-2025-0001");
  EXPECT_EQ(stored->region_code, "370102");
  EXPECT_EQ(stored->as_of, "2025-11-25");  // the clock's date in China
  EXPECT_EQ(stored->errors, 1);
  ASSERT_EQ(stored->findings.size(), 1u);
  const StoredReportFinding& f = stored->findings[0];
  EXPECT_EQ(f.rule_id, "signatory-unauthorized.not-signatory");
  EXPECT_EQ(f.category, "signatory-unauthorized");
  EXPECT_EQ(f.severity, "error");
  EXPECT_EQ(f.value, "李华");
  EXPECT_EQ(f.basis_date, "2025-03-20");
  auto basis = boost::json::parse(f.basis).as_array();
  ASSERT_EQ(basis.size(), 2u);
  EXPECT_EQ(basis[0].at("version").as_string(), "2025");
  EXPECT_EQ(basis[0].at("article").as_string(), "12");
  auto evidence = boost::json::parse(f.evidence).as_object();
  EXPECT_TRUE(evidence.contains("registry"));
  EXPECT_EQ(stored->document_sha256.size(), 64u);

  // Scope of the stored check.
  EXPECT_TRUE(GetCheck(conn->get(), Principal::Cli(), o.check_id).ok());
  EXPECT_TRUE(GetCheck(conn->get(), InstitutionUser(jinan), o.check_id).ok());
  for (const Principal& p :
       {Regulator("3702"), Regulator("11"), InstitutionUser(qingdao), Principal{}}) {
    auto r = GetCheck(conn->get(), p, o.check_id);
    ASSERT_FALSE(r.ok()) << p.username;
    EXPECT_EQ(r.error().code(), "checks.not-found");
  }

  // One audit record for the call, visible to the regulator who made it.
  auto page = audit::List(conn->get(), Regulator("37"), audit::ListFilter{});
  ASSERT_TRUE(page.ok());
  int checks = 0;
  for (const auto& rec : page->records) {
    if (rec.action == "report.check") {
      ++checks;
      EXPECT_EQ(rec.target_id, std::to_string(o.check_id));
      EXPECT_EQ(rec.DetailObject().at("findings").as_int64(), 1);
    }
  }
  EXPECT_EQ(checks, 1);

  // Without storing: nothing is written.
  RunChecksOptions dry;
  dry.store = false;
  auto before = Count(conn->get(), "report_checks");
  auto nothing = RunChecks(*db_, clock_, Regulator("37"), "10.0.0.1", in, dry);
  ASSERT_TRUE(nothing.ok());
  EXPECT_EQ((*(*nothing)[0]).check_id, 0);
  EXPECT_EQ(Count(conn->get(), "report_checks"), before);
}

// The registry hints of an OCR reading (document_hints.h) through the store, as the caller sees
// the registry: a misread institution name and signer are corrected for Shandong's regulator,
// left alone (with a warning) for Beijing's; the corrected, unsure reading's finding is stored
// as unconfirmed and reads back so.
TEST_P(ComplianceStoreTest, RegistryHintsOfScansAreScopedAndCertaintyIsStored) {
  const GoldenCase c = SmallCase();
  Seed(c.registry);
  if (HasFatalFailure()) return;
  intake::Extraction scan;
  scan.facts = c.report;
  scan.facts.source = FactsSource::kScan;
  scan.facts.institution_name = "滩南正信检测技术有限公司";  // 济 read as 滩
  scan.facts.approver = "张眀";                              // 明 read as 眀
  scan.facts.report.signatories = {"张眀"};
  scan.confidence = {
      {"institution_name", 0.9}, {"approver", 0.9}, {"signatories", 0.9}, {"issue_date", 0.62}};

  intake::Extraction outside = scan;
  auto beijing = Regulator("11");
  EXPECT_EQ(ApplyRegistryHints(*db_, beijing, &outside), 0);
  EXPECT_EQ(outside.facts.institution_name, "滩南正信检测技术有限公司");
  ASSERT_EQ(outside.warnings.size(), 1u);
  EXPECT_NE(outside.warnings[0].find("registry hints"), std::string::npos);

  EXPECT_EQ(ApplyRegistryHints(*db_, Regulator("37"), &scan), 2);
  EXPECT_EQ(scan.facts.institution_name, "济南正信检测技术有限公司");
  EXPECT_EQ(scan.facts.approver, "张明");
  EXPECT_EQ(scan.facts.report.signatories, std::vector<std::string>{"张明"});
  ASSERT_EQ(scan.facts.corrections.size(), 2u);
  EXPECT_EQ(scan.facts.corrections[0].read, "滩南正信检测技术有限公司");

  // Checked with its confidences: no signatory finding any more (张明 is authorised); the
  // issue date was read unsurely, so a finding resting on it is unconfirmed. Make one: the
  // issue date before the test ended.
  scan.facts.report.issue_date = "2025-03-10";
  ReportFacts facts = scan.facts;
  facts.confidence = scan.confidence;
  std::vector<CheckInput> in{CheckInput{facts, 0}};
  in[0].report.report.document_sha256 = Sha256("scan.pdf");
  auto done = RunChecks(*db_, clock_, Regulator("37"), "10.0.0.1", in);
  ASSERT_TRUE(done.ok()) << done.error().ToString();
  ASSERT_TRUE((*done)[0].ok()) << (*done)[0].error().ToString();
  const CheckOutcome& o = *(*done)[0];
  ASSERT_EQ(o.findings.size(), 1u);
  EXPECT_EQ(o.findings[0].rule->id, "date-order.sequence");
  EXPECT_FALSE(o.findings[0].confirmed);
  EXPECT_NEAR(o.findings[0].confidence, 0.62, 1e-9);
  auto conn = db_->Acquire();
  ASSERT_TRUE(conn.ok());
  auto stored = GetCheck(conn->get(), Regulator("37"), o.check_id);
  ASSERT_TRUE(stored.ok()) << stored.error().ToString();
  ASSERT_EQ(stored->findings.size(), 1u);
  const boost::json::object j = StoredFindingJson(stored->findings[0]);
  EXPECT_EQ(j.at("certainty").as_string(), "unconfirmed");
  EXPECT_NEAR(j.at("confidence").as_double(), 0.62, 1e-9);
  EXPECT_EQ(FindingJson(o.findings[0], RuleCatalogue::Compliance()).at("certainty").as_string(),
            "unconfirmed");
}

TEST_P(ComplianceStoreTest, RegisteredReportsAreCheckedOnArrival) {
  const GoldenCase c = SmallCase();
  Seed(c.registry);
  if (HasFatalFailure()) return;
  auto log = ledger::LogStore::Open(*db_);
  ASSERT_TRUE(log.ok()) << log.error().ToString();
  ledger::LedgerOptions lo;
  lo.code_secret = std::string(32, 'k');
  auto ledger = ledger::ReportLedger::Open(*db_, **log, clock_, lo);
  ASSERT_TRUE(ledger.ok()) << ledger.error().ToString();
  // Three reports: signed by a tester, by the signatory, and by nobody.
  std::vector<ledger::ReportInput> inputs;
  for (const char* signer : {"李华", "张明", ""}) {
    ledger::ReportInput in = c.report.report;
    in.report_no = std::string("ZX-2025-") + std::to_string(inputs.size() + 1);
    in.document_sha256 = Sha256(in.report_no);
    in.signatories = *signer ? std::vector<std::string>{signer} : std::vector<std::string>{};
    inputs.push_back(in);
  }
  auto reg = (*ledger)->RegisterBatch(Principal::Cli(), inputs, "");
  ASSERT_TRUE(reg.ok()) << reg.error().ToString();
  std::vector<std::string> codes;
  for (const auto& r : *reg) {
    ASSERT_TRUE(r.ok()) << r.error().ToString();
    codes.push_back(r->code);
  }
  {
    auto conn = db_->Acquire();
    EXPECT_EQ(*PendingArrivals(conn->get()), 3);
    auto none = LatestCheckOfReport(conn->get(), Principal::Cli(), codes[0]);
    ASSERT_TRUE(none.ok());
    EXPECT_FALSE(none->has_value());  // not checked yet
  }
  auto first = CheckArrivals(*db_, clock_, 2);
  ASSERT_TRUE(first.ok()) << first.error().ToString();
  EXPECT_EQ(first->checked, 2);
  EXPECT_TRUE(first->more);
  auto second = CheckArrivals(*db_, clock_, 2);
  ASSERT_TRUE(second.ok()) << second.error().ToString();
  EXPECT_EQ(second->checked, 1);
  EXPECT_FALSE(second->more);
  auto third = CheckArrivals(*db_, clock_, 2);
  ASSERT_TRUE(third.ok());
  EXPECT_EQ(third->checked, 0);

  auto conn = db_->Acquire();
  EXPECT_EQ(*PendingArrivals(conn->get()), 0);
  const std::map<std::string, std::vector<std::string>> expected = {
      {codes[0], {"signatory-unauthorized.not-signatory"}},
      {codes[1], {}},
      {codes[2], {"missing-content.signatory"}}};
  for (const auto& [code, rules] : expected) {
    auto check = LatestCheckOfReport(conn->get(), Regulator("37"), code);
    ASSERT_TRUE(check.ok()) << check.error().ToString();
    ASSERT_TRUE(check->has_value()) << code;
    EXPECT_EQ((*check)->origin, "arrival");
    EXPECT_EQ((*check)->report_code, code);
    std::vector<std::string> got;
    for (const auto& f : (*check)->findings) got.push_back(f.rule_id);
    EXPECT_EQ(got, rules) << code;
    // Not for another region's regulator.
    auto hidden = LatestCheckOfReport(conn->get(), Regulator("3702"), code);
    ASSERT_TRUE(hidden.ok());
    EXPECT_FALSE(hidden->has_value());
  }

  // The background checker picks up a new registration when notified.
  ArrivalChecker::Options options;
  options.poll = std::chrono::milliseconds(60000);  // only the notification wakes it
  options.settle = std::chrono::milliseconds(10);
  ArrivalChecker checker(*db_, clock_, options);
  checker.Start();
  ledger::ReportInput late = inputs[1];
  late.report_no = "ZX-2025-9";
  late.document_sha256 = Sha256(late.report_no);
  auto one = (*ledger)->Register(Principal::Cli(), late, "");
  ASSERT_TRUE(one.ok()) << one.error().ToString();
  checker.Notify();
  for (int i = 0; i < 500 && checker.checked() < 1; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  checker.Stop();
  EXPECT_EQ(checker.checked(), 1);
  auto late_check = LatestCheckOfReport(conn->get(), Principal::Cli(), one->code);
  ASSERT_TRUE(late_check.ok());
  EXPECT_TRUE(late_check->has_value());
}

ZJ_INSTANTIATE_BACKENDS(ComplianceStoreTest);

}  // namespace
}  // namespace zhijian::checks
