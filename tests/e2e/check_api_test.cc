// End-to-end tests of the report compliance checks (api/check_routes.cc, issue 5) on the real
// server, on SQLite and PostgreSQL: a report registered through the ledger is checked on arrival
// and its findings show on GET of the report to regulators and the institution; regulators check
// JSON reports and registered codes with POST /api/v1/checks (scoped, stored, audited) and read
// stored checks back; documents are refused until intake is wired in.
#include <gtest/gtest.h>

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "tests/e2e/platform.h"
#include "tests/support/pg_cluster.h"
#include "zhijian/base/date.h"
#include "zhijian/base/digest.h"
#include "zhijian/checks/compliance.h"
#include "zhijian/checks/snapshot.h"
#include "zhijian/intake/gen/report_gen.h"
#include "zhijian/registry/registry.h"
#include "zhijian/server/multipart.h"

namespace zhijian::test {
namespace {

namespace json = boost::json;
using store::Value;

class CheckApiTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "postgres") {
      ZJ_REQUIRE_PG_CLUSTER(pg);
    }
    auto p = Platform::Start(GetParam());
    ASSERT_TRUE(p.ok()) << p.error().ToString();
    platform_ = std::move(*p);
    P().StartArrivalChecks();
    jinan_ = P().InstitutionIn("370102");  // the inst-demo account's institution
    qingdao_ = P().InstitutionIn("370202");
    // Jinan: a valid certificate with 铅 by GB 5009.12-2017 in scope, one signatory (张明, 食品)
    // and one tester (李华); Qingdao: a valid certificate.
    registry::Registry reg(P().db(), SystemClock::Instance());
    auto conn = P().db().Acquire();
    ASSERT_TRUE(conn.ok());
    auto r = store::WithTransaction(conn->get(), [&](store::Connection& tx) -> Result<void> {
      registry::Standard s;
      s.number = "GB 5009.12-2017";
      s.effective_on = "2017-10-06";
      ZJ_TRY(reg.UpsertStandard(tx, s));
      int n = 0;
      for (int64_t inst : {jinan_, qingdao_}) {
        registry::Certificate c;
        c.institution_id = inst;
        c.number = "21153411000" + std::to_string(++n);
        c.issued_on = "2021-03-01";
        c.expires_on = "2027-02-28";
        ZJ_ASSIGN_OR_RETURN(auto cert, reg.UpsertCertificate(tx, c));
        registry::Capability k;
        k.certificate_id = cert.id;
        k.category = "食品";
        k.object = "蔬菜";
        k.item = "铅";
        k.standard_no = "GB 5009.12-2017";
        k.valid_from = "2021-03-01";
        ZJ_TRY(reg.UpsertCapability(tx, k));
      }
      registry::Person zhang;
      zhang.institution_id = jinan_;
      zhang.name = "张明";
      zhang.id_hash = Sha256Hex("zhang");
      zhang.roles = {"授权签字人"};
      zhang.signatory_fields = {{"食品", "2021-03-01", std::nullopt}};
      ZJ_TRY(reg.UpsertPerson(tx, zhang));
      registry::Person li;
      li.institution_id = jinan_;
      li.name = "李华";
      li.id_hash = Sha256Hex("li");
      li.roles = {"检测人员"};
      ZJ_TRY(reg.UpsertPerson(tx, li));
      return Ok();
    });
    ASSERT_TRUE(r.ok()) << r.error().ToString();
    jinan_uscc_ = Uscc(jinan_);
    qingdao_uscc_ = Uscc(qingdao_);
    for (const char* who : {"admin", "regulator-sd", "regulator-jn", "inspector-sd", "inst-demo"}) {
      cookies_[who] = P().Login(who);
    }
  }
  Platform& P() { return *platform_; }

  std::string Uscc(int64_t id) {
    auto conn = P().db().Acquire();
    std::vector<Value> p{id};
    auto row = (*conn)->QueryOne("SELECT uscc FROM institutions WHERE id = ?", p);
    return row.ok() && row->has_value() ? (*row)->Text(0) : "";
  }

  json::object Report(const std::string& uscc, const std::string& no, const std::string& signer,
                      const std::string& item = "铅") {
    return json::object{{"institution", uscc},
                        {"report_no", no},
                        {"issue_date", "2025-11-20"},
                        {"sampling_date", "2025-11-01"},
                        {"receipt_date", "2025-11-02"},
                        {"test_start_date", "2025-11-04"},
                        {"test_end_date", "2025-11-10"},
                        {"document_sha256", Sha256Hex("pdf " + no)},
                        {"client", "济南某食品有限公司"},
                        {"sample", "菠菜"},
                        {"conclusion", "所检项目符合GB 2762-2022的要求。"},
                        {"signatories", json::array{json::value(signer)}},
                        {"test_lines", json::array{json::object{{"item", item},
                                                                {"standard", "GB 5009.12-2017"},
                                                                {"result", "0.05"},
                                                                {"unit", "mg/kg"},
                                                                {"limit", "≤0.3"},
                                                                {"verdict", "合格"}}}}};
  }

  static std::vector<std::string> Rules(const json::value& findings) {
    std::vector<std::string> out;
    for (const auto& f : findings.as_array()) out.emplace_back(f.at("rule").as_string());
    return out;
  }

  std::unique_ptr<Platform> platform_;
  int64_t jinan_ = 0, qingdao_ = 0;
  std::string jinan_uscc_, qingdao_uscc_;
  std::map<std::string, std::string> cookies_;
};

void ExpectProblem(const HttpResponse& r, unsigned status, const std::string& code) {
  EXPECT_EQ(r.status, status) << r.body;
  json::value v = Json(r);
  ASSERT_TRUE(v.is_object()) << r.body;
  EXPECT_EQ(v.at("code").as_string(), code) << r.body;
}

TEST_P(CheckApiTest, RegisteredReportsAreCheckedOnArrivalAndShownOnTheReport) {
  HttpResponse reg = P().Send("POST", "/api/v1/reports", Report(jinan_uscc_, "E2E-1", "李华"),
                              cookies_.at("admin"));
  ASSERT_EQ(reg.status, 201u) << reg.body;
  const std::string code(Json(reg).at("code").as_string());
  // The checker runs in the background: wait until the report shows its check.
  json::value report;
  for (int i = 0; i < 250; ++i) {
    HttpResponse r = P().Get("/api/v1/reports/" + code, cookies_.at("regulator-sd"));
    ASSERT_EQ(r.status, 200u) << r.body;
    report = Json(r);
    if (report.at("compliance").at("state").as_string() == "checked") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(40));
  }
  ASSERT_EQ(report.at("compliance").at("state").as_string(), "checked") << report;
  const json::value& check = report.at("compliance").at("check");
  EXPECT_EQ(check.at("origin").as_string(), "arrival");
  EXPECT_EQ(check.at("report_code").as_string(), code);
  EXPECT_EQ(Rules(check.at("findings")),
            std::vector<std::string>{"signatory-unauthorized.not-signatory"});
  const json::value& f = check.at("findings").at(0);
  EXPECT_EQ(f.at("value").as_string(), "李华");
  EXPECT_EQ(f.at("severity").as_string(), "error");
  EXPECT_FALSE(f.at("message_zh").as_string().empty());
  // Issued 2025-11-20: Order 39 in its 2025 numbering.
  EXPECT_EQ(f.at("basis").at(0).at("version").as_string(), "2025");
  EXPECT_EQ(f.at("basis").at(0).at("article").as_string(), "12");
  EXPECT_NE(std::string(f.at("basis").at(0).at("citation_zh").as_string()).find("第12条"),
            std::string::npos);

  // The institution sees its own report's findings, and the city's regulator too.
  for (const char* who : {"inst-demo", "regulator-jn", "inspector-sd", "admin"}) {
    HttpResponse r = P().Get("/api/v1/reports/" + code, cookies_.at(who));
    ASSERT_EQ(r.status, 200u) << who << r.body;
    EXPECT_EQ(Json(r).at("compliance").at("state").as_string(), "checked") << who;
  }
  // The public never: the route is for signed-in callers, and verification shows no findings.
  EXPECT_EQ(P().Get("/api/v1/reports/" + code).status, 401u);
  HttpResponse pub = P().Get("/api/v1/public/verify/" + code);
  ASSERT_EQ(pub.status, 200u);
  EXPECT_EQ(pub.body.find("signatory-unauthorized"), std::string::npos);
  EXPECT_FALSE(Json(pub).as_object().contains("compliance"));

  // A clean report: checked, no findings.
  HttpResponse clean = P().Send("POST", "/api/v1/reports", Report(jinan_uscc_, "E2E-2", "张明"),
                                cookies_.at("admin"));
  ASSERT_EQ(clean.status, 201u) << clean.body;
  const std::string clean_code(Json(clean).at("code").as_string());
  json::value c;
  for (int i = 0; i < 250; ++i) {
    c = Json(P().Get("/api/v1/reports/" + clean_code, cookies_.at("admin")));
    if (c.at("compliance").at("state").as_string() == "checked") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(40));
  }
  ASSERT_EQ(c.at("compliance").at("state").as_string(), "checked");
  EXPECT_TRUE(c.at("compliance").at("check").at("findings").as_array().empty());
  EXPECT_GE(P().Count("SELECT COUNT(*) FROM audit_log WHERE action = 'report.check-arrivals'"), 1);

  // The institution's portrait: counts per category over the latest check of each report and
  // the latest findings linking to the report — for admin and regulators in scope only.
  const std::string portrait = "/api/v1/registry/institutions/" + std::to_string(jinan_);
  for (const char* who : {"regulator-sd", "regulator-jn", "admin"}) {
    HttpResponse r = P().Get(portrait, cookies_.at(who));
    ASSERT_EQ(r.status, 200u) << who << r.body;
    const json::value body = Json(r);
    const json::value& k = body.at("compliance");
    ASSERT_TRUE(k.is_object()) << who << r.body;
    EXPECT_EQ(k.at("reports").as_int64(), 2) << who;
    EXPECT_EQ(k.at("findings").as_int64(), 1) << who;
    ASSERT_EQ(k.at("by_category").as_array().size(), 1u);
    EXPECT_EQ(k.at("by_category").at(0).at("category").as_string(), "signatory-unauthorized");
    EXPECT_EQ(k.at("by_category").at(0).at("count").as_int64(), 1);
    EXPECT_EQ(k.at("by_severity").at("error").as_int64(), 1);
    ASSERT_EQ(k.at("latest").as_array().size(), 1u);
    EXPECT_EQ(k.at("latest").at(0).at("report_code").as_string(), code);
    EXPECT_EQ(k.at("latest").at(0).at("report_no").as_string(), "E2E-1");
    EXPECT_EQ(k.at("latest").at(0).at("basis").at(0).at("article").as_string(), "12");
  }
  for (const char* who : {"inst-demo", "inspector-sd"}) {
    HttpResponse r = P().Get(portrait, cookies_.at(who));
    ASSERT_EQ(r.status, 200u) << who << r.body;
    EXPECT_TRUE(Json(r).at("compliance").is_null()) << who;
  }
  // Qingdao's portrait has no checks: an empty section (the UI hides it).
  HttpResponse q = P().Get("/api/v1/registry/institutions/" + std::to_string(qingdao_),
                           cookies_.at("regulator-sd"));
  ASSERT_EQ(q.status, 200u);
  EXPECT_EQ(Json(q).at("compliance").at("reports").as_int64(), 0);
}

TEST_P(CheckApiTest, RegulatorsCheckReportsAndCodes) {
  const std::string& sd = cookies_.at("regulator-sd");
  // One JSON report with an item outside the scope: the finding, its evidence and its basis.
  HttpResponse one =
      P().Send("POST", "/api/v1/checks",
               json::object{{"report", Report(jinan_uscc_, "E2E-3", "张明", "汞")}}, sd);
  ASSERT_EQ(one.status, 200u) << one.body;
  json::value o = Json(one);
  EXPECT_EQ(Rules(o.at("findings")), std::vector<std::string>{"out-of-scope.item"});
  const json::value& f = o.at("findings").at(0);
  EXPECT_EQ(f.at("line").as_int64(), 1);
  EXPECT_EQ(f.at("value").as_string(), "汞");
  EXPECT_EQ(f.at("basis").at(0).at("regulation").as_string(), "AQSIQ-163");
  EXPECT_EQ(f.at("basis").at(0).at("article").as_string(), "19");
  EXPECT_FALSE(f.at("evidence").at("registry").as_array().empty());
  EXPECT_EQ(o.at("institution").at("id").as_int64(), jinan_);
  EXPECT_EQ(o.at("counts").at("error").as_int64(), 1);
  const int64_t check_id = o.at("check_id").as_int64();

  // The stored check, scoped.
  for (const char* who : {"regulator-sd", "regulator-jn", "inspector-sd", "inst-demo", "admin"}) {
    HttpResponse r = P().Get("/api/v1/checks/" + std::to_string(check_id), cookies_.at(who));
    ASSERT_EQ(r.status, 200u) << who << r.body;
    EXPECT_EQ(Rules(Json(r).at("findings")), std::vector<std::string>{"out-of-scope.item"});
  }
  EXPECT_EQ(P().Get("/api/v1/checks/" + std::to_string(check_id)).status, 401u);
  ExpectProblem(P().Get("/api/v1/checks/999999", sd), 404, "checks.not-found");
  EXPECT_EQ(P().Count("SELECT COUNT(*) FROM audit_log WHERE action = 'report.check'"), 1);

  // Jinan's regulator may not check a Qingdao report.
  ExpectProblem(P().Send("POST", "/api/v1/checks",
                         json::object{{"report", Report(qingdao_uscc_, "E2E-4", "张明")}},
                         cookies_.at("regulator-jn")),
                404, "checks.out-of-scope");
  // Institutions do not call the checks route.
  ExpectProblem(P().Send("POST", "/api/v1/checks",
                         json::object{{"report", Report(jinan_uscc_, "E2E-5", "张明")}},
                         cookies_.at("inst-demo")),
                403, "auth.forbidden");

  // Several reports: one result per item, a malformed one refused alone; store:false keeps
  // nothing.
  json::object bad = Report(jinan_uscc_, "E2E-6", "张明");
  bad.erase("report_no");
  HttpResponse many =
      P().Send("POST", "/api/v1/checks",
               json::object{{"reports", json::array{Report(jinan_uscc_, "E2E-7", "张明"), bad}},
                            {"store", false}},
               sd);
  ASSERT_EQ(many.status, 200u) << many.body;
  json::value m = Json(many);
  EXPECT_EQ(m.at("checked").as_int64(), 1);
  EXPECT_EQ(m.at("refused").as_int64(), 1);
  EXPECT_TRUE(m.at("results").at(0).at("ok").as_bool());
  EXPECT_TRUE(m.at("results").at(0).at("check_id").is_null());
  EXPECT_TRUE(m.at("results").at(0).at("findings").as_array().empty());
  EXPECT_FALSE(m.at("results").at(1).at("ok").as_bool());
  EXPECT_EQ(m.at("results").at(1).at("error").at("code").as_string(), "registration.missing-field");

  // A registered report by its code, and codes with one unknown.
  HttpResponse reg = P().Send("POST", "/api/v1/reports", Report(jinan_uscc_, "E2E-8", "李华"),
                              cookies_.at("admin"));
  ASSERT_EQ(reg.status, 201u) << reg.body;
  const std::string code(Json(reg).at("code").as_string());
  // Its arrival check first (so that the re-check below is the latest one).
  for (int i = 0; i < 250; ++i) {
    const json::value r = Json(P().Get("/api/v1/reports/" + code, sd));
    if (r.at("compliance").at("state").as_string() == "checked") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(40));
  }
  HttpResponse by_code = P().Send("POST", "/api/v1/checks", json::object{{"code", code}}, sd);
  ASSERT_EQ(by_code.status, 200u) << by_code.body;
  EXPECT_EQ(Json(by_code).at("report").at("code").as_string(), code);
  EXPECT_EQ(Rules(Json(by_code).at("findings")),
            std::vector<std::string>{"signatory-unauthorized.not-signatory"});
  HttpResponse codes = P().Send(
      "POST", "/api/v1/checks",
      json::object{{"codes", json::array{json::value(code), json::value("37A25XXXXXXXXXXXXXXX")}}},
      sd);
  ASSERT_EQ(codes.status, 200u) << codes.body;
  EXPECT_TRUE(Json(codes).at("results").at(0).at("ok").as_bool());
  EXPECT_FALSE(Json(codes).at("results").at(1).at("ok").as_bool());
  // The re-check on request is the report's latest check.
  HttpResponse got = P().Get("/api/v1/reports/" + code, sd);
  ASSERT_EQ(got.status, 200u);
  const json::value latest = Json(got);
  ASSERT_EQ(latest.at("compliance").at("state").as_string(), "checked");
  EXPECT_EQ(latest.at("compliance").at("check").at("origin").as_string(), "request");

  // Bad requests.
  ExpectProblem(P().Send("POST", "/api/v1/checks", json::object{}, sd), 400, "checks.bad-request");
  ExpectProblem(
      P().Send("POST", "/api/v1/checks",
               json::object{{"code", code}, {"report", Report(jinan_uscc_, "X", "张明")}}, sd),
      400, "checks.bad-request");
  // A malformed multipart body is the request's problem.
  HttpResponse doc = Request(P().port(), "POST", "/api/v1/checks", "--b\r\n\r\n--b--\r\n",
                             {{"Content-Type", "multipart/form-data; boundary=b"}, {"Cookie", sd}});
  ExpectProblem(doc, 400, "request.multipart-malformed");
}

// Report documents uploaded as multipart/form-data: a text PDF and a scan drawn by the corpus
// generator (intake/gen) from this registry with an unauthorised approver, next to an empty,
// a damaged, an encrypted file and a picture that is not a report.
TEST_P(CheckApiTest, RegulatorsCheckUploadedDocuments) {
  namespace fs = std::filesystem;
  const std::string today = ChinaDate(SystemClock::Instance().Now());
  // The generator draws from an institution with three people and two scope rows in a domain.
  {
    registry::Registry reg(P().db(), SystemClock::Instance());
    auto conn = P().db().Acquire();
    ASSERT_TRUE(conn.ok());
    auto r = store::WithTransaction(conn->get(), [&](store::Connection& tx) -> Result<void> {
      registry::Standard s;
      s.number = "GB 5009.15-2014";
      s.effective_on = "2015-09-21";
      ZJ_TRY(reg.UpsertStandard(tx, s));
      std::vector<Value> p{jinan_};
      ZJ_ASSIGN_OR_RETURN(auto cert,
                          tx.QueryOne("SELECT id FROM certificates WHERE institution_id = ?", p));
      registry::Capability k;
      k.certificate_id = cert->Int(0);
      k.category = "食品";
      k.object = "蔬菜";
      k.item = "镉";
      k.standard_no = "GB 5009.15-2014";
      k.valid_from = "2021-03-01";
      ZJ_TRY(reg.UpsertCapability(tx, k));
      registry::Person zhao;
      zhao.institution_id = jinan_;
      zhao.name = "赵敏";
      zhao.id_hash = Sha256Hex("zhao");
      zhao.roles = {"检测人员"};
      ZJ_TRY(reg.UpsertPerson(tx, zhao));
      return Ok();
    });
    ASSERT_TRUE(r.ok()) << r.error().ToString();
  }
  checks::Snapshot snap;
  {
    auto conn = P().db().Acquire();
    ASSERT_TRUE(conn.ok());
    auto loaded = checks::LoadSnapshot(conn->get(), {});
    ASSERT_TRUE(loaded.ok()) << loaded.error().ToString();
    snap = std::move(*loaded);
  }
  intake::gen::Options go;
  go.seed = 5;
  go.count = 1;
  go.today = today;
  go.defect_share = 0;
  auto plan = intake::gen::Plan(snap, go);
  ASSERT_TRUE(plan.ok()) << plan.error().ToString();
  intake::gen::PlannedReport report = (*plan)[0];
  ASSERT_EQ(report.facts.report.institution, jinan_uscc_);
  report.facts.approver = "王五";
  report.facts.report.signatories = {"王五"};
  const fs::path dir =
      fs::temp_directory_path() / ("zj_doc_e2e_" + std::to_string(::getpid()) + "_" + GetParam());
  fs::create_directories(dir);
  ASSERT_TRUE(intake::gen::RenderPdf(&report, (dir / "r.pdf").string()).ok());
  auto pngs =
      intake::gen::RenderScan(&report, 200, 7, (dir / "s").string(), (dir / "s.pdf").string());
  ASSERT_TRUE(pngs.ok()) << pngs.error().ToString();
  auto read = [](const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream b;
    b << in.rdbuf();
    return b.str();
  };
  const std::string pdf = read(dir / "r.pdf");
  const std::string scan = read(dir / "s.pdf");  // image-only pages
  const std::string page_png = read((*pngs)[0]);
  const std::string encrypted =
      read(fs::path(ZJ_SOURCE_DIR) / "src/zhijian/intake/testdata/encrypted.pdf");
  fs::remove_all(dir);
  ASSERT_GT(pdf.size(), 1000u);
  ASSERT_GT(encrypted.size(), 100u);
  auto file = [](std::string name, std::string type, std::string body) {
    return server::MultipartPart{"file", std::move(name), true, std::move(type), std::move(body)};
  };
  const std::string boundary = "----zhijianE2E";
  auto upload = [&](const std::vector<server::MultipartPart>& parts, const std::string& who) {
    return Request(P().port(), "POST", "/api/v1/checks", server::BuildMultipart(parts, boundary),
                   {{"Content-Type", "multipart/form-data; boundary=" + boundary},
                    {"Cookie", cookies_.at(who)}});
  };
  const std::vector<server::MultipartPart> batch{
      file("报告.pdf", "application/pdf", pdf),
      file("scan.pdf", "application/pdf", scan),
      file("empty.pdf", "application/pdf", ""),
      file("damaged.pdf", "application/pdf", pdf.substr(0, pdf.size() / 3)),
      file("encrypted.pdf", "application/pdf", encrypted),
      file("notes.txt", "text/plain", "not a report at all"),
      file("cover.png", "image/png", page_png),
  };
  HttpResponse r = upload(batch, "regulator-sd");
  ASSERT_EQ(r.status, 200u) << r.body;
  json::value v = Json(r);
  EXPECT_EQ(v.at("checked").as_int64(), 3) << r.body;
  EXPECT_EQ(v.at("refused").as_int64(), 4);
  EXPECT_FALSE(v.at("stored").as_bool());
  const json::array& results = v.at("results").as_array();
  ASSERT_EQ(results.size(), 7u);
  for (size_t i : {0u, 1u}) {
    const json::value& d = results[i];
    ASSERT_TRUE(d.at("ok").as_bool()) << json::serialize(d);
    EXPECT_EQ(d.at("index").as_int64(), static_cast<int64_t>(i));
    EXPECT_EQ(d.at("file").at("name").as_string(), batch[i].filename);
    EXPECT_EQ(d.at("document").at("source").as_string(), i == 0 ? "text-pdf" : "scan");
    EXPECT_EQ(d.at("document").at("report_no").as_string(), report.facts.report.report_no);
    EXPECT_GT(d.at("document").at("confidence").at("report_no").as_double(), 0.5);
    EXPECT_EQ(d.at("institution").at("id").as_int64(), jinan_);
    EXPECT_TRUE(d.at("check_id").is_null());
    // Every finding says how sure it is: a text layer's always (confidence 1); a scan's is
    // unconfirmed exactly when a reading it rests on is below the threshold.
    EXPECT_TRUE(d.at("document").at("corrections").is_array());
    int64_t unconfirmed = 0;
    for (const auto& f : d.at("findings").as_array()) {
      const double c = f.at("confidence").to_number<double>();
      const bool sure = f.at("certainty").as_string() == "confirmed";
      EXPECT_EQ(sure, c >= checks::kDefaultMinConfidence) << json::serialize(f);
      if (i == 0) {
        EXPECT_EQ(c, 1.0) << json::serialize(f);
      }
      unconfirmed += sure ? 0 : 1;
    }
    EXPECT_EQ(d.at("counts").at("unconfirmed").as_int64(), unconfirmed);
    // The planted defect, with its evidence and its basis cited by the report's date.
    bool found = false;
    for (const auto& f : d.at("findings").as_array()) {
      if (f.at("rule").as_string() != "signatory-unauthorized.not-signatory") continue;
      found = true;
      EXPECT_EQ(f.at("value").as_string(), "王五");
      EXPECT_EQ(f.at("field").as_string(), "signatories");
      EXPECT_FALSE(f.at("basis").as_array().empty());
      EXPECT_EQ(f.at("basis").as_array()[0].at("regulation").as_string(), "SAMR-39");
      EXPECT_EQ(f.at("basis_date").as_string(), report.facts.report.issue_date);
    }
    EXPECT_TRUE(found) << json::serialize(d.at("findings"));
  }
  const std::vector<std::string> codes{"intake.empty", "intake.damaged", "intake.encrypted",
                                       "intake.unknown-format"};
  for (size_t i = 2; i < 6; ++i) {
    const json::value& d = results[i];
    EXPECT_FALSE(d.at("ok").as_bool()) << json::serialize(d);
    EXPECT_EQ(d.at("error").at("code").as_string(), codes[i - 2]) << json::serialize(d);
    EXPECT_EQ(d.at("file").at("name").as_string(), batch[i].filename);
    EXPECT_FALSE(d.at("error").at("message_zh").as_string().empty());
  }
  // The cover page as a PNG image is OCR'd too (the rest of the report is not on it).
  ASSERT_TRUE(results[6].at("ok").as_bool()) << json::serialize(results[6]);
  EXPECT_EQ(results[6].at("document").at("source").as_string(), "scan");
  EXPECT_EQ(results[6].at("document").at("report_no").as_string(), report.facts.report.report_no);
  EXPECT_EQ(P().Count("SELECT COUNT(*) FROM report_checks"), 0);

  // store=true keeps the check and audits it; the stored check reads back.
  const int64_t audits = P().Count("SELECT COUNT(*) FROM audit_log WHERE action = 'report.check'");
  HttpResponse kept = upload({server::MultipartPart{"store", "", false, "", "true"},
                              file("r.pdf", "application/pdf", pdf)},
                             "regulator-jn");
  ASSERT_EQ(kept.status, 200u) << kept.body;
  json::value k = Json(kept);
  ASSERT_TRUE(k.at("stored").as_bool());
  const int64_t id = k.at("results").at(0).at("check_id").as_int64();
  EXPECT_EQ(P().Count("SELECT COUNT(*) FROM audit_log WHERE action = 'report.check'"), audits + 1);
  HttpResponse got = P().Get("/api/v1/checks/" + std::to_string(id), cookies_.at("regulator-jn"));
  ASSERT_EQ(got.status, 200u) << got.body;
  EXPECT_EQ(Json(got).at("source").as_string(), "text-pdf") << got.body;

  // Who may upload: administrators and regulators; the rest get 403, the public 401.
  EXPECT_EQ(upload({file("r.pdf", "application/pdf", pdf)}, "inst-demo").status, 403u);
  EXPECT_EQ(upload({file("r.pdf", "application/pdf", pdf)}, "inspector-sd").status, 403u);
  EXPECT_EQ(Request(P().port(), "POST", "/api/v1/checks",
                    server::BuildMultipart({file("r.pdf", "application/pdf", pdf)}, boundary),
                    {{"Content-Type", "multipart/form-data; boundary=" + boundary}})
                .status,
            401u);

  // Request problems: no file, an unknown part, a bad store value.
  ExpectProblem(upload({server::MultipartPart{"store", "", false, "", "true"}}, "admin"), 400,
                "checks.no-documents");
  ExpectProblem(upload({server::MultipartPart{"other", "", false, "", "x"}}, "admin"), 400,
                "request.unknown-field");
  ExpectProblem(upload({server::MultipartPart{"store", "", false, "", "yes"},
                        file("r.pdf", "application/pdf", pdf)},
                       "admin"),
                400, "request.field-type");
}

// The upload limits (ApiOptions::uploads): one file, all files, the number of files; a body
// beyond the route's limit is refused by the server before the handler runs.
TEST_P(CheckApiTest, UploadLimitsAre413) {
  platform_.reset();
  api::UploadLimits limits;
  limits.max_file_bytes = 1000;
  limits.max_total_bytes = 1500;
  limits.max_files = 3;
  auto p = Platform::Start(GetParam(), {}, limits);
  ASSERT_TRUE(p.ok()) << p.error().ToString();
  platform_ = std::move(*p);
  const std::string cookie = P().Login("regulator-sd");
  const std::string boundary = "lim";
  auto upload = [&](std::vector<size_t> sizes) {
    std::vector<server::MultipartPart> parts;
    for (size_t n : sizes) parts.push_back({"file", "f.pdf", true, "", std::string(n, 'x')});
    return Request(
        P().port(), "POST", "/api/v1/checks", server::BuildMultipart(parts, boundary),
        {{"Content-Type", "multipart/form-data; boundary=" + boundary}, {"Cookie", cookie}});
  };
  HttpResponse fine = upload({1000, 500});
  ASSERT_EQ(fine.status, 200u) << fine.body;
  EXPECT_EQ(Json(fine).at("results").at(0).at("error").at("code").as_string(),
            "intake.unknown-format");
  ExpectProblem(upload({1001}), 413, "checks.file-too-large");
  ExpectProblem(upload({1000, 501}), 413, "checks.too-large");
  ExpectProblem(upload({10, 10, 10, 10}), 413, "checks.too-many");
  // The route's body limit: 1500 + 64 KiB + 3 KiB of framing.
  ExpectProblem(upload({40000, 40000}), 413, "request.too-large");
}

INSTANTIATE_TEST_SUITE_P(Backends, CheckApiTest, ::testing::Values("sqlite", "postgres"),
                         [](const ::testing::TestParamInfo<std::string>& param_info) {
                           return param_info.param;
                         });

}  // namespace
}  // namespace zhijian::test
