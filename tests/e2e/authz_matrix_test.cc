// The authorization matrix: every route × every role × in/out of scope → the expected status.
//
// The test enumerates the router's routes and fails when one has no row here, so a new route
// cannot ship without its access rules being stated and checked.
#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "tests/e2e/platform.h"
#include "zhijian/base/uscc.h"
#include "zhijian/checks/compliance_json.h"
#include "zhijian/checks/compliance_store.h"
#include "zhijian/checks/quality_store.h"
#include "zhijian/ledger/registration.h"
#include "zhijian/registry/identity.h"
#include "zhijian/server/multipart.h"

namespace zhijian::test {
namespace {

namespace json = boost::json;

// The callers: anonymous plus one signed-in demo account per role and scope.
const std::vector<std::string> kCallers = {"public",       "admin",        "regulator-sd",
                                           "regulator-jn", "inspector-sd", "inst-demo"};

struct Case {
  std::string method;
  std::string target;  // may contain {jinan}, {qingdao}, {beijing}, {own_key}, {other_key}
  json::value body;    // null = no body
  std::map<std::string, unsigned> expect;  // caller -> status
  std::string multipart = {};  // a multipart/form-data body (boundary "zjmatrix") instead of JSON
};

class AuthzMatrixTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto p = Platform::Start("sqlite");
    ASSERT_TRUE(p.ok()) << p.error().ToString();
    platform_ = std::move(*p);
    for (const auto& c : kCallers) {
      if (c != "public") cookies_[c] = platform_->Login(c);
    }
    // A bystander whose password the users.password cases change.
    HttpResponse u = platform_->Send("POST", "/api/v1/users",
                                     json::object{{"username", "bystander"},
                                                  {"role", "inspector"},
                                                  {"region_prefix", "37"},
                                                  {"password", "Quiet-observer-1"}},
                                     cookies_.at("admin"));
    ASSERT_EQ(u.status, 201u) << u.body;
    vars_["{jinan}"] = std::to_string(platform_->InstitutionIn("370102"));
    vars_["{qingdao}"] = std::to_string(platform_->InstitutionIn("370202"));
    vars_["{beijing}"] = std::to_string(platform_->InstitutionIn("110105"));
    for (const std::string place : {"jinan", "qingdao", "beijing"}) {
      vars_["{people_" + place + "}"] = NewMember("people", place);
      vars_["{equipment_" + place + "}"] = NewMember("equipment", place);
    }
  }

  // The stored institution at `target` (…/institutions/ID) as an update body (unchanged).
  json::object InstitutionBody(const std::string& target) {
    const std::string id = target.substr(target.rfind('/') + 1);
    auto conn = platform_->db().Acquire();
    auto row = (*conn)->QueryOne("SELECT uscc, name, region_code FROM institutions WHERE id = ?",
                                 std::vector<store::Value>{int64_t{std::stoll(id)}});
    EXPECT_TRUE(row.ok() && row->has_value());
    if (!row.ok() || !row->has_value()) return {};
    return json::object{
        {"uscc", (*row)->Text(0)}, {"name", (*row)->Text(1)}, {"region_code", (*row)->Text(2)}};
  }

  // A fresh, valid 身份证号 (fictional; check character by GB 11643).
  std::string NewIdNumber() {
    const std::string first17 = "37010219900101" + std::to_string(100 + ++id_counter_);
    auto check = registry::IdCheckChar(first17);
    EXPECT_TRUE(check.ok());
    return first17 + std::string(1, check.ok() ? *check : '0');
  }
  json::object PersonBody() {
    return json::object{{"name", "矩阵测试人员"}, {"id_number", NewIdNumber()}};
  }
  json::object EquipmentBody() {
    return json::object{{"name", "电子天平"},
                        {"serial", "SN" + std::to_string(++id_counter_)},
                        {"calibration_due", "2027-06-30"}};
  }

  // A new person or equipment record at {jinan}, {qingdao} or {beijing}, created by the
  // administrator; returns its id.
  // Records regulators keep, each with a fresh business key.
  json::object CertificateBody() {
    return json::object{{"number", "2115" + std::to_string(10000000 + ++id_counter_)},
                        {"issuer", "山东省市场监督管理局"},
                        {"issued_on", "2021-01-01"},
                        {"expires_on", "2099-12-31"},
                        {"status", "valid"}};
  }
  json::object KeptBody(const std::string& kind, const std::string& place) {
    const int n = ++id_counter_;
    if (kind == "capabilities") {
      return json::object{{"certificate_number", vars_.at("{cert_" + place + "}")},
                          {"category", "食品"},
                          {"object", "小麦粉"},
                          {"item", "矩阵项目" + std::to_string(n)},
                          {"standard_no", "GB 5009.12-2017"}};
    }
    if (kind == "credit-flags") {  // a fresh listing date for each call
      const std::string month = std::to_string(101 + n / 28 % 12).substr(1);
      const std::string day = std::to_string(101 + n % 28).substr(1);
      return json::object{{"kind", "abnormal-operation"},
                          {"listed_on", std::to_string(2000 + n / 336) + "-" + month + "-" + day}};
    }
    return json::object{{"decision_no", "鲁市监罚〔2025〕" + std::to_string(n) + "号"},
                        {"decided_on", "2025-03-01"},
                        {"amount_yuan", 5000}};
  }

  std::string NewMember(const std::string& kind, const std::string& place) {
    const json::value body = kind == "people"      ? PersonBody()
                             : kind == "equipment" ? EquipmentBody()
                                                   : KeptBody(kind, place);
    HttpResponse r = platform_->Send(
        "POST", "/api/v1/registry/institutions/" + vars_.at("{" + place + "}") + "/" + kind, body,
        cookies_.at("admin"));
    EXPECT_EQ(r.status, 201u) << r.body;
    return std::to_string(Json(r).at("id").as_int64());
  }

  // A fresh API key of `username`, for revoke cases (each case revokes its own key).
  std::string NewKeyOf(const std::string& username) {
    HttpResponse r = platform_->Send("POST", "/api/v1/apikeys", json::object{{"name", "matrix"}},
                                     cookies_.at(username));
    EXPECT_EQ(r.status, 201u) << r.body;
    return std::to_string(Json(r).at("id").as_int64());
  }

  std::string Expand(std::string target, const std::string& caller) {
    for (const auto& [k, v] : vars_) {
      for (size_t pos; (pos = target.find(k)) != std::string::npos;)
        target.replace(pos, k.size(), v);
    }
    // {fresh_people_jinan}, {fresh_equipment_qingdao}, ...: a new record for each call.
    for (size_t pos; (pos = target.find("{fresh_")) != std::string::npos;) {
      const size_t end = target.find('}', pos);
      const std::string token = target.substr(pos + 7, end - pos - 7);
      const size_t us = token.rfind('_');
      target.replace(pos, end - pos + 1, NewMember(token.substr(0, us), token.substr(us + 1)));
    }
    // {qfp_jinan}, {qfp_qingdao}: an unmarked data-quality finding of that institution, a
    // different one for the administrator and the institution user (the callers that reach
    // the handler), so that each mark is a first one.
    for (const std::string place : {"jinan", "qingdao"}) {
      const std::string token = "{qfp_" + place + "}";
      const size_t pos = target.find(token);
      if (pos == std::string::npos) continue;
      const auto& fps = fingerprints_.at(place);
      const size_t i = caller == "admin" ? 0 : caller == "inst-demo" ? 1 : 2;
      target.replace(pos, token.size(), fps.at(i));
    }
    for (const std::string k : {"{own_key}", "{other_key}"}) {
      size_t pos = target.find(k);
      if (pos == std::string::npos) continue;
      const std::string owner = k == "{own_key}"
                                    ? (caller == "public" ? "admin" : caller)
                                    : (caller == "inst-demo" ? "regulator-sd" : "inst-demo");
      target.replace(pos, k.size(), NewKeyOf(owner));
    }
    return target;
  }

  std::unique_ptr<Platform> platform_;
  std::map<std::string, std::string> cookies_;
  std::map<std::string, std::string> vars_;
  std::map<std::string, std::vector<std::string>> fingerprints_;  // data-quality findings
  int id_counter_ = 0;
};

// Shorthands for expectation rows.
std::map<std::string, unsigned> All(unsigned s) {
  std::map<std::string, unsigned> m;
  for (const auto& c : kCallers) m[c] = s;
  return m;
}
std::map<std::string, unsigned> SignedIn(unsigned s) {
  auto m = All(s);
  m["public"] = 401;
  return m;
}
std::map<std::string, unsigned> With(
    std::map<std::string, unsigned> m,
    std::initializer_list<std::pair<const std::string, unsigned>> o) {
  for (const auto& [k, v] : o) m[k] = v;
  return m;
}

// A new institution in Jinan with a valid USCC (its organisation code from `n`).
json::object NewInstitution(int n) {
  const std::string body8 = "MA" + std::to_string(100000 + n);
  auto org = Uscc::ComputeOrgCheckChar(body8);
  const std::string first17 = "91370102" + body8 + std::string(1, org.ok() ? *org : '0');
  auto check = Uscc::ComputeCheckChar(first17);
  return json::object{{"uscc", first17 + std::string(1, check.ok() ? *check : '0')},
                      {"name", "矩阵测试机构" + std::to_string(n)},
                      {"region_code", "370102"}};
}

TEST_F(AuthzMatrixTest, EveryRouteEveryRoleEveryScope) {
  int counter = 0;
  auto new_user = [&counter]() {
    return json::object{{"username", "matrix-" + std::to_string(++counter)},
                        {"role", "inspector"},
                        {"region_prefix", "37"},
                        {"password", "Matrix-password-1"}};
  };
  // route name -> cases. Statuses: 2xx allowed; 401 anonymous; 403 wrong role; 404 out of scope.
  std::map<std::string, std::vector<Case>> table;
  table["healthz"] = {{"GET", "/healthz", nullptr, All(200)}};
  table["metrics"] = {{"GET", "/metrics", nullptr, All(200)}};  // tests connect over loopback
  table["regions.list"] = {{"GET", "/api/v1/regions?parent=3701", nullptr, All(200)}};
  // Signing in is open to everyone (failures are throttled per address, see api_test).
  table["auth.login"] = {
      {"POST", "/api/v1/auth/login",
       json::object{{"username", "regulator-national"},
                    {"password", platform_->passwords().at("regulator-national")}},
       All(200)}};
  table["auth.logout"] = {{"POST", "/api/v1/auth/logout", nullptr, All(204)}};
  table["auth.me"] = {{"GET", "/api/v1/auth/me", nullptr, SignedIn(200)}};
  table["dashboard"] = {{"GET", "/api/v1/dashboard", nullptr, SignedIn(200)}};
  table["audit.list"] = {
      {"GET", "/api/v1/audit", nullptr, With(SignedIn(200), {{"inspector-sd", 403}})}};
  table["users.list"] = {
      {"GET", "/api/v1/users", nullptr,
       With(SignedIn(403), {{"admin", 200}, {"regulator-sd", 200}, {"regulator-jn", 200}})}};
  table["users.create"] = {
      {"POST", "/api/v1/users", nullptr, With(SignedIn(403), {{"admin", 201}})}};
  table["users.password"] = {
      // Someone else's password: only an administrator.
      {"PUT", "/api/v1/users/bystander/password", json::object{{"password", "Another-password-9"}},
       With(SignedIn(403), {{"admin", 204}})}};
  table["apikeys.list"] = {{"GET", "/api/v1/apikeys", nullptr, SignedIn(200)}};
  table["apikeys.create"] = {
      {"POST", "/api/v1/apikeys", json::object{{"name", "k"}}, SignedIn(201)}};
  table["apikeys.revoke"] = {
      {"DELETE", "/api/v1/apikeys/{own_key}", nullptr, SignedIn(204)},
      {"DELETE", "/api/v1/apikeys/{other_key}", nullptr, With(SignedIn(404), {{"admin", 204}})},
  };

  // The registry (registry_routes.cc): reads for every signed-in role, scoped by region and
  // own institution; the public lookup is open to everyone.
  for (const std::string name :
       {"registry.institutions.portrait", "registry.institutions.standards"}) {
    const std::string suffix = name == "registry.institutions.standards" ? "/standards" : "";
    table[name] = {
        {"GET", "/api/v1/registry/institutions/{jinan}" + suffix, nullptr, SignedIn(200)},
        {"GET", "/api/v1/registry/institutions/{qingdao}" + suffix, nullptr,
         With(SignedIn(200), {{"regulator-jn", 404}, {"inst-demo", 404}})},
        {"GET", "/api/v1/registry/institutions/{beijing}" + suffix, nullptr,
         With(SignedIn(404), {{"admin", 200}})},
    };
  }
  table["registry.institutions.search"] = {
      {"GET", "/api/v1/registry/institutions?name=%E6%BC%94%E7%A4%BA", nullptr, SignedIn(200)}};
  table["registry.capabilities.search"] = {
      {"GET", "/api/v1/registry/capabilities?item=%E9%93%85", nullptr, SignedIn(200)}};
  table["registry.abolished-standards"] = {
      {"GET", "/api/v1/registry/abolished-standards?as_of=2025-06-01", nullptr, SignedIn(200)}};
  table["public.institutions"] = {
      {"GET", "/api/v1/public/institutions?name=%E6%BC%94%E7%A4%BA", nullptr, All(200)}};

  table["registry.institutions.export"] = {
      {"GET", "/api/v1/registry/export/institutions?format=csv", nullptr, SignedIn(200)}};
  table["registry.capabilities.export"] = {
      {"GET", "/api/v1/registry/export/capabilities?item=%E9%93%85&format=xlsx", nullptr,
       SignedIn(200)}};

  // Registry edits. Institutions: administrators and regulators in scope. People and
  // equipment: also the institution's own users; inspectors never write.
  const auto edits_at = [](const std::string& place, unsigned ok) {
    auto m = With(SignedIn(ok), {{"inspector-sd", 403}});
    if (place == "qingdao") m = With(m, {{"regulator-jn", 404}, {"inst-demo", 404}});
    if (place == "beijing") {
      m = With(m, {{"regulator-sd", 404}, {"regulator-jn", 404}, {"inst-demo", 404}});
    }
    return m;
  };
  table["registry.institutions.create"] = {
      {"POST", "/api/v1/registry/institutions", nullptr,
       With(SignedIn(201), {{"inspector-sd", 403}, {"inst-demo", 403}})}};
  for (const std::string place : {"jinan", "qingdao", "beijing"}) {
    auto inst_rules = edits_at(place, 200);
    inst_rules["inst-demo"] = 403;  // institution users never edit institution records
    table["registry.institutions.update"].push_back(
        {"PUT", "/api/v1/registry/institutions/{" + place + "}", nullptr, inst_rules});
    for (const std::string kind : {"people", "equipment"}) {
      table["registry." + kind + ".create"].push_back(
          {"POST", "/api/v1/registry/institutions/{" + place + "}/" + kind, nullptr,
           edits_at(place, 201)});
      table["registry." + kind + ".update"].push_back(
          {"PUT", "/api/v1/registry/" + kind + "/{" + kind + "_" + place + "}", nullptr,
           edits_at(place, 200)});
      table["registry." + kind + ".delete"].push_back(
          {"DELETE", "/api/v1/registry/" + kind + "/{fresh_" + kind + "_" + place + "}", nullptr,
           edits_at(place, 204)});
    }
  }

  // Records regulators keep (certificates, capability rows, credit flags, penalties): saved by
  // business key by administrators and regulators in scope; institution users and inspectors
  // never (403 before any scope question). Each call saves a fresh key (201); deletes remove a
  // fresh row each. The standards catalogue: administrators only.
  for (const std::string place : {"jinan", "qingdao", "beijing"}) {
    HttpResponse cert = platform_->Send(
        "POST", "/api/v1/registry/institutions/" + vars_.at("{" + place + "}") + "/certificates",
        CertificateBody(), cookies_.at("admin"));
    ASSERT_EQ(cert.status, 201u) << cert.body;
    auto stored = platform_->db().Acquire();
    ASSERT_TRUE(stored.ok());
    auto number = (*stored)->QueryOne("SELECT number FROM certificates WHERE id = ?",
                                      std::vector<store::Value>{Json(cert).at("id").as_int64()});
    ASSERT_TRUE(number.ok() && number->has_value());
    vars_["{cert_" + place + "}"] = (*number)->Text(0);
  }
  for (const std::string place : {"jinan", "qingdao", "beijing"}) {
    auto rules = edits_at(place, 201);
    rules["inst-demo"] = 403;
    auto deletes = edits_at(place, 204);
    deletes["inst-demo"] = 403;
    const std::string inst = "/api/v1/registry/institutions/{" + place + "}/";
    table["registry.certificates.save"].push_back({"POST", inst + "certificates", nullptr, rules});
    for (const std::string kind : {"capabilities", "credit-flags", "penalties"}) {
      table["registry." + kind + ".save"].push_back({"POST", inst + kind, nullptr, rules});
      table["registry." + kind + ".delete"].push_back(
          {"DELETE", "/api/v1/registry/" + kind + "/{fresh_" + kind + "_" + place + "}", nullptr,
           deletes});
    }
  }
  table["registry.standards.save"] = {
      {"POST", "/api/v1/registry/standards", nullptr, With(SignedIn(403), {{"admin", 201}})}};

  // Reports and the transparency log (ledger_routes.cc, issue 4). Setup: a valid CMA
  // certificate for each place, reports registered directly (one per row that changes it), and
  // 300 more so that the log has a full tile. Writes: administrators and the institution's own
  // users; a repeated registration, correction or revocation is idempotent (the admin's call
  // creates, 201; the institution's identical call finds it, 200). Reads: scoped like the
  // registry's. The log, proofs, key and verification: everyone.
  std::map<std::string, std::string> uscc_of;
  for (const std::string place : {"jinan", "qingdao", "beijing"}) {
    auto conn = platform_->db().Acquire();
    ASSERT_TRUE(conn.ok());
    std::vector<store::Value> p{int64_t{std::stoll(vars_.at("{" + place + "}"))}};
    auto inst = (*conn)->QueryOne("SELECT uscc FROM institutions WHERE id = ?", p);
    ASSERT_TRUE(inst.ok() && inst->has_value());
    uscc_of[place] = (*inst)->Text(0);
    p.emplace_back("21015340009" + std::to_string(uscc_of.size()));
    auto cert = (*conn)->QueryOne(
        "INSERT INTO certificates (institution_id, number, issued_on, expires_on, status, "
        "created_at, updated_at) VALUES (?, ?, '2021-03-01', '2099-12-31', 'valid', "
        "'2021-03-01T00:00:00Z', '2021-03-01T00:00:00Z') RETURNING id",
        p);
    ASSERT_TRUE(cert.ok() && cert->has_value());
    std::vector<store::Value> h{(*cert)->Int(0)};
    ASSERT_TRUE((*conn)
                    ->Exec("INSERT INTO certificate_status_history (certificate_id, status, "
                           "effective_on, recorded_at) VALUES (?, 'valid', '2021-03-01', "
                           "'2021-03-01T00:00:00Z')",
                           h)
                    .ok());
  }
  const auto report_body = [&](const std::string& place, const std::string& no) {
    return json::object{{"institution", uscc_of.at(place)},
                        {"report_no", no},
                        {"issue_date", "2025-11-20"},
                        {"document_sha256", std::string(64, 'a')}};
  };
  const auto registered = [&](const std::string& place, const std::string& no) {
    auto in = ledger::ReportInputFromJson(report_body(place, no));
    EXPECT_TRUE(in.ok());
    auto r = platform_->ledger().reports().Register(Principal::Cli(), *in, "");
    EXPECT_TRUE(r.ok()) << r.error().ToString();
    return r.ok() ? r->code : std::string();
  };
  {
    std::vector<ledger::ReportInput> filler;
    for (int i = 0; i < 300; ++i) {
      filler.push_back(
          *ledger::ReportInputFromJson(report_body("jinan", "FILL-" + std::to_string(i))));
    }
    ASSERT_TRUE(platform_->ledger().reports().RegisterBatch(Principal::Cli(), filler, "").ok());
  }
  for (const std::string place : {"jinan", "qingdao", "beijing"}) {
    for (const std::string use : {"get", "correct", "revoke"}) {
      vars_["{report_" + use + "_" + place + "}"] = registered(place, "M-" + use + "-" + place);
    }
  }
  const auto report_reads_at = [](const std::string& place) {
    if (place == "jinan") return SignedIn(200);
    if (place == "qingdao") return With(SignedIn(200), {{"regulator-jn", 404}, {"inst-demo", 404}});
    return With(SignedIn(404), {{"admin", 200}});
  };
  const auto report_writes_at = [](const std::string& place) {
    auto m = With(SignedIn(403), {{"admin", 201}, {"inst-demo", 200}});
    if (place != "jinan") m["inst-demo"] = 404;
    return m;
  };
  table["reports.register"] = {
      {"POST", "/api/v1/reports", report_body("jinan", "MATRIX-1"),
       With(SignedIn(403), {{"admin", 201}, {"inst-demo", 200}})},
      {"POST", "/api/v1/reports", report_body("qingdao", "MATRIX-2"),
       With(SignedIn(403), {{"admin", 201}})},
  };
  table["reports.register-batch"] = {{"POST", "/api/v1/reports/batch",
                                      json::array{report_body("jinan", "MATRIX-3")},
                                      With(SignedIn(403), {{"admin", 200}, {"inst-demo", 200}})}};
  table["reports.list"] = {{"GET", "/api/v1/reports", nullptr, SignedIn(200)}};
  for (const std::string place : {"jinan", "qingdao", "beijing"}) {
    const std::string get = "/api/v1/reports/{report_get_" + place + "}";
    table["reports.get"].push_back({"GET", get, nullptr, report_reads_at(place)});
    table["reports.qr-svg"].push_back({"GET", get + "/qr.svg", nullptr, report_reads_at(place)});
    table["reports.qr-png"].push_back({"GET", get + "/qr.png", nullptr, report_reads_at(place)});
    json::object fix = report_body(place, "M-fixed-" + place);
    fix["reason"] = "data-error";
    table["reports.correct"].push_back(
        {"POST", "/api/v1/reports/{report_correct_" + place + "}/corrections", fix,
         report_writes_at(place)});
    table["reports.revoke"].push_back(
        {"POST", "/api/v1/reports/{report_revoke_" + place + "}/revocations",
         json::object{{"reason", "withdrawn"}}, report_writes_at(place)});
  }
  // Report compliance checks (check_routes.cc, issue 5). Running checks: administrators and
  // regulators; a single report or code answers with its own status, so a report outside the
  // regulator's scope is 404. Stored checks: every signed-in role, scoped like the reports
  // (one stored check per place, made by the CLI principal).
  const auto check_body = [&](const std::string& place) {
    json::object r = report_body(place, "CHECK-" + place);
    r["signatories"] = json::array{json::value("矩阵签字人")};
    return json::object{{"report", r}, {"store", false}};
  };
  const auto checks_at = [](const std::string& place) {
    auto m = With(SignedIn(403), {{"admin", 200}, {"regulator-sd", 200}, {"regulator-jn", 200}});
    if (place == "qingdao") m["regulator-jn"] = 404;
    if (place == "beijing") m["regulator-sd"] = m["regulator-jn"] = 404;
    return m;
  };
  for (const std::string place : {"jinan", "qingdao", "beijing"}) {
    table["checks.run"].push_back({"POST", "/api/v1/checks", check_body(place), checks_at(place)});
    table["checks.run"].push_back(
        {"POST", "/api/v1/checks",
         json::object{{"code", vars_.at("{report_get_" + place + "}")}, {"store", false}},
         checks_at(place)});
    auto in = checks::ReportFactsFromJson(check_body(place).at("report"));
    ASSERT_TRUE(in.ok()) << in.error().ToString();
    std::vector<checks::CheckInput> inputs{checks::CheckInput{*in, 0}};
    auto stored =
        checks::RunChecks(platform_->db(), SystemClock::Instance(), Principal::Cli(), "", inputs);
    ASSERT_TRUE(stored.ok() && (*stored)[0].ok());
    vars_["{check_" + place + "}"] = std::to_string((*stored)[0]->check_id);
    table["checks.get"].push_back(
        {"GET", "/api/v1/checks/{check_" + place + "}", nullptr, report_reads_at(place)});
  }
  // Report documents (multipart/form-data): the same roles; a document's scope is judged per
  // document inside the 200 answer (e2e/check_api_test.cc), so one row with a file intake
  // refuses (no OCR) checks who may upload at all.
  table["checks.run"].push_back(
      {"POST", "/api/v1/checks", nullptr,
       With(SignedIn(403), {{"admin", 200}, {"regulator-sd", 200}, {"regulator-jn", 200}}),
       server::BuildMultipart({{"file", "x.pdf", true, "application/pdf", "%PDF-1.4 broken"}},
                              "zjmatrix")});
  table["public.verify"] = {
      {"GET", "/api/v1/public/verify/{report_get_beijing}", nullptr, All(200)}};
  table["public.log-key"] = {{"GET", "/api/v1/public/log-key", nullptr, All(200)}};
  table["log.checkpoint"] = {{"GET", "/log/checkpoint", nullptr, All(200)}};
  table["log.proof.inclusion"] = {
      {"GET", "/api/v1/log/proof/inclusion?leaf_index=0&tree_size=1", nullptr, All(200)}};
  table["log.proof.consistency"] = {
      {"GET", "/api/v1/log/proof/consistency?from=1&to=2", nullptr, All(200)}};
  // Tiles (one route per path length): the first two exist, longer ones are beyond the tree.
  table["log.tile.2"] = {{"GET", "/log/tile/0/000", nullptr, All(200)}};
  table["log.tile.3"] = {{"GET", "/log/tile/0/001.p/1", nullptr, All(200)}};
  table["log.tile.4"] = {{"GET", "/log/tile/0/x001/000", nullptr, All(404)}};
  table["log.tile.5"] = {{"GET", "/log/tile/0/x001/x000/000", nullptr, All(404)}};
  table["log.tile.6"] = {{"GET", "/log/tile/0/x001/x000/000.p/5", nullptr, All(404)}};
  table["log.entries.1"] = {{"GET", "/log/tile/entries/000", nullptr, All(200)}};
  table["log.entries.2"] = {{"GET", "/log/tile/entries/001.p/1", nullptr, All(200)}};
  table["log.entries.3"] = {{"GET", "/log/tile/entries/x001/000", nullptr, All(404)}};
  table["log.entries.4"] = {{"GET", "/log/tile/entries/x001/x000/000", nullptr, All(404)}};
  table["log.entries.5"] = {{"GET", "/log/tile/entries/x001/x000/000.p/5", nullptr, All(404)}};

  // Data quality (quality_routes.cc, issue 6). Runs stored beforehand: the whole registry, Qingdao
  // (3702) and Beijing (11). Reads for every signed-in role, scoped like the registry (a run is
  // "not found" for a caller who sees none of its rows); per-region rates not for institution
  // users; starting runs and the runner's status for administrators and regulators (within their
  // region); marking fixed for administrators and the institution's own users.
  for (const auto& [name, region] : std::vector<std::pair<std::string, std::string>>{
           {"whole", ""}, {"qingdao", "3702"}, {"beijing", "11"}}) {
    checks::RunRequest req;
    req.region_prefix = region;
    auto run = checks::RunQuality(platform_->db(), SystemClock::Instance(), Principal::Cli(),
                                  "local", req);
    ASSERT_TRUE(run.ok()) << run.error().ToString();
    vars_["{qrun_" + name + "}"] = std::to_string(run->saved.run_id);
  }
  for (const std::string place : {"jinan", "qingdao"}) {
    auto conn = platform_->db().Acquire();
    ASSERT_TRUE(conn.ok());
    auto rows = (*conn)->Query(
        "SELECT fingerprint FROM quality_findings WHERE run_id = ? AND institution_id = ? ORDER "
        "BY id",
        std::vector<store::Value>{int64_t{std::stoll(vars_.at("{qrun_whole}"))},
                                  int64_t{std::stoll(vars_.at("{" + place + "}"))}});
    ASSERT_TRUE(rows.ok());
    for (const auto& r : *rows) fingerprints_[place].push_back(r.Text(0));
    ASSERT_GE(fingerprints_[place].size(), 3u) << place;
  }
  const auto quality_reads_of = [](const std::string& run) {
    if (run == "whole") return SignedIn(200);
    if (run == "qingdao") return With(SignedIn(200), {{"regulator-jn", 404}, {"inst-demo", 404}});
    return With(SignedIn(404), {{"admin", 200}});  // Beijing
  };
  for (const std::string run : {"whole", "qingdao", "beijing"}) {
    const std::string id = "{qrun_" + run + "}";
    table["quality.runs.get"].push_back(
        {"GET", "/api/v1/quality/runs/" + id, nullptr, quality_reads_of(run)});
    table["quality.runs.rates"].push_back(
        {"GET", "/api/v1/quality/runs/" + id + "/rates?by=field", nullptr, quality_reads_of(run)});
    table["quality.runs.report"].push_back(
        {"GET", "/api/v1/quality/runs/" + id + "/report", nullptr, quality_reads_of(run)});
    table["quality.findings.list"].push_back(
        {"GET", "/api/v1/quality/findings?run=" + id, nullptr, quality_reads_of(run)});
    table["quality.findings.export"].push_back(
        {"GET", "/api/v1/quality/export/findings?format=csv&run=" + id, nullptr,
         quality_reads_of(run)});
    table["quality.rates.export"].push_back(
        {"GET", "/api/v1/quality/export/rates?by=entity&format=xlsx&run=" + id, nullptr,
         quality_reads_of(run)});
  }
  table["quality.runs.rates"].push_back({"GET", "/api/v1/quality/runs/{qrun_whole}/rates?by=region",
                                         nullptr, With(SignedIn(200), {{"inst-demo", 403}})});
  table["quality.runs.list"] = {{"GET", "/api/v1/quality/runs", nullptr, SignedIn(200)}};
  table["quality.trend"] = {{"GET", "/api/v1/quality/trend", nullptr, SignedIn(200)}};
  const auto runners =
      With(SignedIn(403), {{"admin", 200}, {"regulator-sd", 200}, {"regulator-jn", 200}});
  table["quality.status"] = {{"GET", "/api/v1/quality/status", nullptr, runners}};
  table["quality.runs.start"] = {
      {"POST", "/api/v1/quality/runs", json::object{{"region", "3701"}},
       With(SignedIn(403), {{"admin", 202}, {"regulator-sd", 202}, {"regulator-jn", 202}})},
      {"POST", "/api/v1/quality/runs", json::object{{"region", "3702"}},
       With(SignedIn(403), {{"admin", 202}, {"regulator-sd", 202}})},
  };
  table["quality.findings.mark-fixed"] = {
      {"POST", "/api/v1/quality/findings/{qfp_jinan}/fixed", json::object{{"note", "matrix"}},
       With(SignedIn(403), {{"admin", 201}, {"inst-demo", 201}})},
      {"POST", "/api/v1/quality/findings/{qfp_qingdao}/fixed", json::object{{"note", "matrix"}},
       With(SignedIn(403), {{"admin", 201}, {"inst-demo", 404}})},
  };

  // Every route has rows, and every row names a route.
  std::set<std::string> routes;
  for (const auto& r : platform_->router().routes()) routes.insert(r.name);
  for (const auto& name : routes) EXPECT_TRUE(table.count(name)) << "route without rows: " << name;
  for (const auto& [name, cases] : table)
    EXPECT_TRUE(routes.count(name)) << "no such route: " << name;

  int checked = 0;
  for (const auto& [name, cases] : table) {
    for (const auto& c : cases) {
      for (const auto& caller : kCallers) {
        const std::string target = Expand(c.target, caller);
        json::value body = c.body;
        if (name == "users.create") body = new_user();
        if (name == "registry.institutions.create") body = NewInstitution(++counter);
        if (name == "registry.institutions.update") body = InstitutionBody(target);
        if (name == "registry.people.create" || name == "registry.people.update") {
          body = PersonBody();
        }
        if (name == "registry.equipment.create" || name == "registry.equipment.update") {
          body = EquipmentBody();
        }
        if (name == "registry.certificates.save") body = CertificateBody();
        for (const std::string kind : {"capabilities", "credit-flags", "penalties"}) {
          if (name != "registry." + kind + ".save") continue;
          for (const std::string place : {"jinan", "qingdao", "beijing"}) {
            if (c.target.find("{" + place + "}") != std::string::npos) body = KeptBody(kind, place);
          }
        }
        if (name == "registry.standards.save") {
          body = json::object{{"number", "DB37/T " + std::to_string(9000 + ++counter) + "-2024"},
                              {"name", "矩阵测试标准"},
                              {"status", "current"}};
        }
        HeaderList h;
        if (caller != "public") h.emplace_back("Cookie", cookies_.at(caller));
        std::string payload;
        if (!c.multipart.empty()) {
          h.emplace_back("Content-Type", "multipart/form-data; boundary=zjmatrix");
          payload = c.multipart;
        } else if (!body.is_null()) {
          h.emplace_back("Content-Type", "application/json");
          payload = json::serialize(body);
        }
        HttpResponse r = Request(platform_->port(), c.method, target, payload, h);
        EXPECT_EQ(r.status, c.expect.at(caller))
            << name << " " << c.method << " " << target << " as " << caller << ": " << r.body;
        ++checked;
        if (name == "quality.runs.start") {  // one run at a time: let it finish
          for (int i = 0; i < 3000 && platform_->quality().Status().busy; ++i) {
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
          }
        }
        if (name == "auth.logout" && caller != "public") {
          cookies_[caller] = platform_->Login(caller);  // signed out: sign in again
        }
      }
    }
  }
  EXPECT_GT(checked, 100);
}

// docs/openapi.yaml documents every route: its path, method and operationId (= route name).
TEST_F(AuthzMatrixTest, OpenApiDocumentsEveryRoute) {
  std::ifstream in("docs/openapi.yaml");
  ASSERT_TRUE(in.good()) << "run from the repository root";
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string doc = ss.str();
  for (const auto& r : platform_->router().routes()) {
    const size_t path_at = doc.find("\n  " + r.pattern + ":\n");
    ASSERT_NE(path_at, std::string::npos) << "path not documented: " << r.pattern;
    std::string method(boost::beast::http::to_string(r.method));
    for (auto& ch : method) ch = static_cast<char>(std::tolower(ch));
    const size_t next_path = doc.find("\n  /", path_at + 1);
    const std::string block = doc.substr(path_at, next_path - path_at);
    const size_t method_at = block.find("\n    " + method + ":\n");
    ASSERT_NE(method_at, std::string::npos) << r.pattern << " " << method;
    EXPECT_NE(block.find("operationId: " + r.name + "\n", method_at), std::string::npos)
        << r.pattern << " " << method << " should have operationId " << r.name;
  }
}

}  // namespace
}  // namespace zhijian::test
