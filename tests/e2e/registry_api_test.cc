// End-to-end tests of the registry routes (registry_routes.cc) on the real server, on SQLite
// and PostgreSQL: search with filters and cursor paging, portrait, cross-search, standards of an
// institution, abolished standards, the public lookup, scope and problem+json errors.
#include <gtest/gtest.h>

#include <set>
#include <sstream>

#include "tests/e2e/platform.h"
#include "tests/support/pg_cluster.h"
#include "zhijian/base/uscc.h"
#include "zhijian/registry/identity.h"
#include "zhijian/registry/import/reader.h"

namespace zhijian::test {
namespace {

namespace json = boost::json;
using store::Value;
namespace imp = registry::import;

class RegistryApiTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "postgres") {
      ZJ_REQUIRE_PG_CLUSTER(pg);
    }
    auto p = Platform::Start(GetParam());
    ASSERT_TRUE(p.ok()) << p.error().ToString();
    platform_ = std::move(*p);
    jinan_ = P().InstitutionIn("370102");
    jinan2_ = P().InstitutionIn("370112");
    qingdao_ = P().InstitutionIn("370202");
    beijing_ = P().InstitutionIn("110105");
    Seed();
  }
  Platform& P() { return *platform_; }

  void Exec(const std::string& sql, std::vector<Value> params) {
    auto conn = P().db().Acquire();
    ASSERT_TRUE(conn.ok());
    auto r = (*conn)->Exec(sql, params);
    ASSERT_TRUE(r.ok()) << r.error().ToString();
  }

  // Certificates and capability rows for four demo institutions; one abolished standard.
  void Seed() {
    const std::string ts = "2025-01-01T00:00:00Z";
    Exec("UPDATE institutions SET domains = '|食品|', national_centre = 1 WHERE id = ?", {jinan_});
    Exec(
        "INSERT INTO standards (number, number_key, name, status, abolished_on, created_at, "
        "updated_at) VALUES ('GB 5009.12-2010', 'GB 5009.12', '食品中铅的测定', 'abolished', "
        "'2017-10-06', ?, ?)",
        {ts, ts});
    Exec(
        "INSERT INTO standards (number, number_key, name, status, created_at, updated_at) VALUES "
        "('GB 5009.12-2017', 'GB 5009.12', '食品安全国家标准 食品中铅的测定', 'current', ?, ?)",
        {ts, ts});
    int n = 0;
    for (int64_t inst : {jinan_, jinan2_, qingdao_, beijing_}) {
      ++n;
      const std::string number = "2015150000" + std::to_string(10 + n);
      Exec(
          "INSERT INTO certificates (institution_id, number, issuer, issued_on, expires_on, "
          "status, created_at, updated_at) VALUES (?, ?, '山东省市场监督管理局', '2021-03-01', "
          "?, 'valid', ?, ?)",
          {inst, number, n == 2 ? "2025-01-31" : "2027-02-28", ts, ts});
      const std::string std_no = n == 3 ? "GB 5009.12-2010" : "GB 5009.12-2017";
      Exec(
          "INSERT INTO capabilities (certificate_id, institution_id, category, object, item, "
          "parameter, standard_no, standard_key, standard_name, approved_on, created_at, "
          "updated_at) SELECT id, institution_id, '食品', '粮食', '铅', '', ?, 'GB 5009.12', "
          "'食品中铅的测定', '2021-03-01', ?, ? FROM certificates WHERE number = ?",
          {std_no, ts, ts, number});
      Exec(
          "INSERT INTO capabilities (certificate_id, institution_id, category, object, item, "
          "parameter, standard_no, standard_key, standard_name, approved_on, created_at, "
          "updated_at) SELECT id, institution_id, '食品', '粮食', '镉', '', 'GB 5009.15-2014', "
          "'GB 5009.15', '食品中镉的测定', '2021-03-01', ?, ? FROM certificates WHERE number = ?",
          {ts, ts, number});
    }
    // Rows written around the Registry: the stored counts as 0009 computes them, the cited
    // standards as 0012 does.
    Exec(
        "UPDATE institutions SET capability_count = (SELECT COUNT(*) FROM capabilities k WHERE "
        "k.institution_id = institutions.id)",
        {});
    Exec(
        "INSERT INTO institution_standards (institution_id, standard_no, capability_rows, "
        "retired) SELECT k.institution_id, k.standard_no, COUNT(*), CASE WHEN k.standard_no IN "
        "(SELECT s.number FROM standards s WHERE s.status = 'abolished' UNION SELECT r.replaced "
        "FROM standard_replacements r) THEN 1 ELSE 0 END FROM capabilities k GROUP BY "
        "k.institution_id, k.standard_no",
        {});
    Exec(
        "INSERT INTO people (institution_id, name, id_hash, title, roles, created_at, updated_at) "
        "VALUES (?, '张三', 'hash-1', '高级工程师', '|技术负责人|授权签字人|', ?, ?)",
        {jinan_, ts, ts});
    Exec(
        "INSERT INTO equipment (institution_id, name, model, serial, calibration_due, "
        "created_at, updated_at) VALUES (?, '原子吸收光谱仪', 'AA-7000', 'SN001', '2000-01-01', "
        "?, ?)",
        {jinan_, ts, ts});
    Exec(
        "INSERT INTO penalties (institution_id, decision_no, decided_on, authority, created_at) "
        "VALUES (?, '济市监罚〔2024〕1号', '2024-05-01', '济南市市场监督管理局', ?)",
        {jinan2_, ts});
    Exec(
        "INSERT INTO credit_flags (institution_id, kind, listed_on, created_at) VALUES (?, "
        "'abnormal-operation', '2024-01-01', ?)",
        {qingdao_, ts});
  }

  std::unique_ptr<Platform> platform_;
  int64_t jinan_ = 0, jinan2_ = 0, qingdao_ = 0, beijing_ = 0;
};

std::set<int64_t> Ids(const json::value& v, const char* key = "id") {
  std::set<int64_t> out;
  for (const auto& it : v.at("items").as_array()) out.insert(it.at(key).as_int64());
  return out;
}

void ExpectProblem(const HttpResponse& r, unsigned status, const std::string& code) {
  EXPECT_EQ(r.status, status) << r.body;
  EXPECT_EQ(r.Header("content-type"), "application/problem+json") << r.body;
  json::value v = Json(r);
  ASSERT_TRUE(v.is_object()) << r.body;
  EXPECT_EQ(v.at("code").as_string(), code) << r.body;
}

TEST_P(RegistryApiTest, SearchIsScopedFilteredAndPaged) {
  const std::string jn = P().Login("regulator-jn");
  const std::string sd = P().Login("regulator-sd");
  // Jinan's regulator sees exactly the institutions of 3701.
  HttpResponse r = P().Get("/api/v1/registry/institutions?limit=200", jn);
  ASSERT_EQ(r.status, 200u) << r.body;
  json::value v = Json(r);
  EXPECT_EQ(v.at("total").as_int64(),
            P().Count("SELECT COUNT(*) FROM institutions WHERE region_code LIKE '3701%'"));
  for (const auto& it : v.at("items").as_array()) {
    EXPECT_EQ(std::string(it.at("region_code").as_string()).substr(0, 4), "3701");
  }
  // Capability filter by item + standard (all editions), within Shandong.
  v = Json(P().Get("/api/v1/registry/institutions?item=%E9%93%85&standard_no=GB%205009.12", sd));
  EXPECT_EQ(Ids(v), (std::set<int64_t>{jinan_, jinan2_, qingdao_}));
  // One edition only.
  v = Json(
      P().Get("/api/v1/registry/institutions?item=%E9%93%85&standard_no=GB%205009.12-2010", sd));
  EXPECT_EQ(Ids(v), (std::set<int64_t>{qingdao_}));
  // Valid on a date: jinan2's certificate expired on 2025-01-31.
  v = Json(P().Get("/api/v1/registry/institutions?valid_on=2025-06-01", sd));
  EXPECT_EQ(Ids(v), (std::set<int64_t>{jinan_, qingdao_}));
  // Penalties, credit list, domain, national centre.
  v = Json(P().Get("/api/v1/registry/institutions?has_penalties=true", sd));
  EXPECT_EQ(Ids(v), (std::set<int64_t>{jinan2_}));
  v = Json(P().Get("/api/v1/registry/institutions?credit_list=abnormal-operation", sd));
  EXPECT_EQ(Ids(v), (std::set<int64_t>{qingdao_}));
  v = Json(
      P().Get("/api/v1/registry/institutions?domain=%E9%A3%9F%E5%93%81&national_centre=true", sd));
  EXPECT_EQ(Ids(v), (std::set<int64_t>{jinan_}));
  // Cursor paging: pages of 2 by capability count, descending, cover everything once.
  std::vector<int64_t> seen;
  std::string cursor;
  for (int guard = 0; guard < 20; ++guard) {
    std::string target = "/api/v1/registry/institutions?sort=capabilities&order=desc&limit=2";
    if (!cursor.empty()) target += "&cursor=" + cursor;
    HttpResponse page = P().Get(target, sd);
    ASSERT_EQ(page.status, 200u) << page.body;
    json::value pv = Json(page);
    for (const auto& it : pv.at("items").as_array()) seen.push_back(it.at("id").as_int64());
    if (pv.at("next_cursor").is_null()) break;
    cursor = std::string(pv.at("next_cursor").as_string());
  }
  EXPECT_EQ(static_cast<int64_t>(seen.size()),
            P().Count("SELECT COUNT(*) FROM institutions WHERE region_code LIKE '37%'"));
  EXPECT_EQ(std::set<int64_t>(seen.begin(), seen.end()).size(), seen.size());
}

TEST_P(RegistryApiTest, PortraitAndStandards) {
  const std::string jn = P().Login("regulator-jn");
  HttpResponse r = P().Get("/api/v1/registry/institutions/" + std::to_string(jinan_), jn);
  ASSERT_EQ(r.status, 200u) << r.body;
  json::value v = Json(r);
  EXPECT_EQ(v.at("national_centre").as_bool(), true);
  EXPECT_EQ(v.at("certificates").as_array().size(), 1u);
  EXPECT_EQ(v.at("capability_rows").as_int64(), 2);
  const auto& tree = v.at("capability_tree").as_array();
  ASSERT_EQ(tree.size(), 1u);
  EXPECT_EQ(tree[0].at("name").as_string(), "食品");
  EXPECT_EQ(tree[0].at("rows").as_int64(), 2);
  EXPECT_EQ(tree[0].at("children").as_array()[0].at("children").as_array().size(), 2u);
  EXPECT_EQ(v.at("people").as_array()[0].at("roles").as_array().size(), 2u);
  EXPECT_EQ(v.at("equipment").as_array()[0].at("calibration").as_string(), "overdue");
  // Another city: not found, as if absent.
  ExpectProblem(P().Get("/api/v1/registry/institutions/" + std::to_string(qingdao_), jn), 404,
                "institution.not-found");
  ExpectProblem(
      P().Get("/api/v1/registry/institutions/" + std::to_string(qingdao_) + "/standards", jn), 404,
      "institution.not-found");
  r = P().Get("/api/v1/registry/institutions/" + std::to_string(jinan_) + "/standards", jn);
  ASSERT_EQ(r.status, 200u) << r.body;
  v = Json(r);
  ASSERT_EQ(v.at("items").as_array().size(), 2u);
  EXPECT_EQ(v.at("items").as_array()[0].at("standard_no").as_string(), "GB 5009.12-2017");
  EXPECT_EQ(v.at("items").as_array()[0].at("status").as_string(), "current");
  EXPECT_EQ(v.at("items").as_array()[1].at("in_catalogue").as_bool(), false);
}

TEST_P(RegistryApiTest, CrossSearchAndAbolishedStandards) {
  const std::string sd = P().Login("regulator-sd");
  const std::string admin = P().Login("admin");
  HttpResponse r = P().Get(
      "/api/v1/registry/capabilities?item=%E9%93%85&standard_no=GB%205009.12-2017&as_of=2025-06-"
      "01",
      sd);
  ASSERT_EQ(r.status, 200u) << r.body;
  // jinan2's certificate expired; qingdao cites the 2010 edition; Beijing is outside.
  EXPECT_EQ(Ids(Json(r), "institution_id"), (std::set<int64_t>{jinan_}));
  r = P().Get("/api/v1/registry/capabilities?item=%E9%93%85&standard_no=GB%205009.12", admin);
  EXPECT_EQ(Ids(Json(r), "institution_id"),
            (std::set<int64_t>{jinan_, jinan2_, qingdao_, beijing_}));
  ExpectProblem(P().Get("/api/v1/registry/capabilities", sd), 400, "registry.bad-query");
  r = P().Get("/api/v1/registry/abolished-standards?as_of=2025-06-01", sd);
  ASSERT_EQ(r.status, 200u) << r.body;
  json::value v = Json(r);
  EXPECT_EQ(Ids(v, "institution_id"), (std::set<int64_t>{qingdao_}));
  EXPECT_EQ(v.at("items").as_array()[0].at("standards").as_array()[0].as_string(),
            "GB 5009.12-2010");
  // Before the abolition date nothing is listed.
  v = Json(P().Get("/api/v1/registry/abolished-standards?as_of=2016-01-01", sd));
  EXPECT_TRUE(v.at("items").as_array().empty());
}

TEST_P(RegistryApiTest, PublicLookupShowsPublicFieldsOnly) {
  HttpResponse r = P().Get("/api/v1/public/institutions?name=%E6%BC%94%E7%A4%BA");  // 演示
  ASSERT_EQ(r.status, 200u) << r.body;
  json::value v = Json(r);
  // Only certified institutions, all four of them.
  ASSERT_EQ(v.at("items").as_array().size(), 4u);
  for (const auto& it : v.at("items").as_array()) {
    std::set<std::string> keys;
    for (const auto& [k, val] : it.as_object()) keys.insert(std::string(k));
    EXPECT_EQ(keys,
              (std::set<std::string>{"name", "uscc", "region_name", "domains", "certificates"}));
    for (const auto& c : it.at("certificates").as_array()) {
      std::set<std::string> ck;
      for (const auto& [k, val] : c.as_object()) ck.insert(std::string(k));
      EXPECT_EQ(ck, (std::set<std::string>{"number", "status", "issued_on", "expires_on"}));
    }
  }
  EXPECT_EQ(r.body.find("张三"), std::string::npos);
  EXPECT_EQ(r.body.find("hash-1"), std::string::npos);
  // By certificate number.
  v = Json(P().Get("/api/v1/public/institutions?certificate_no=201515000011"));
  ASSERT_EQ(v.at("items").as_array().size(), 1u);
  EXPECT_NE(std::string(v.at("items").as_array()[0].at("region_name").as_string()).find("济南"),
            std::string::npos);
  ExpectProblem(P().Get("/api/v1/public/institutions"), 400, "registry.bad-query");
  // The scoped search is not public.
  ExpectProblem(P().Get("/api/v1/registry/institutions"), 401, "auth.required");
}

// A valid 身份证号 (fictional: its check character computed by the GB 11643 rule).
std::string IdNumber(const std::string& first17) {
  auto check = registry::IdCheckChar(first17);
  EXPECT_TRUE(check.ok());
  return first17 + (check.ok() ? std::string(1, *check) : "");
}

// A USCC with correct check characters: type + region (8), organisation body (8).
std::string ValidUscc(const std::string& head8, const std::string& body8) {
  auto org = Uscc::ComputeOrgCheckChar(body8);
  EXPECT_TRUE(org.ok());
  const std::string first17 = head8 + body8 + std::string(1, org.ok() ? *org : '0');
  auto check = Uscc::ComputeCheckChar(first17);
  EXPECT_TRUE(check.ok());
  return first17 + std::string(1, check.ok() ? *check : '0');
}

TEST_P(RegistryApiTest, EditsAreScopedValidatedAndAudited) {
  const std::string inst = P().Login("inst-demo");  // the Jinan (370102) demo institution
  const std::string jn = P().Login("regulator-jn");
  const std::string insp = P().Login("inspector-sd");
  const std::string id_number = IdNumber("37010219900307123");
  const std::string people = "/api/v1/registry/institutions/" + std::to_string(jinan_) + "/people";
  const int64_t audit_before = P().Count("SELECT COUNT(*) FROM audit_log");

  // The institution adds a signatory to itself; the ID number is hashed, never echoed or kept.
  json::object person{
      {"name", "李四"},
      {"id_number", id_number},
      {"title", "工程师"},
      {"roles", json::array{"授权签字人", "检测人员"}},
      {"signatory_fields", json::array{json::object{{"field", "食品"}, {"from", "2024-01-01"}}}}};
  HttpResponse r = P().Send("POST", people, person, inst);
  ASSERT_EQ(r.status, 201u) << r.body;
  json::value v = Json(r);
  const int64_t person_id = v.at("id").as_int64();
  EXPECT_EQ(v.at("institution_id").as_int64(), jinan_);
  EXPECT_EQ(v.at("signatory_fields").as_array()[0].at("field").as_string(), "食品");
  EXPECT_EQ(r.body.find(id_number), std::string::npos);
  EXPECT_EQ(P().Count("SELECT COUNT(*) FROM audit_log WHERE action = 'person.save'"), 1);
  EXPECT_EQ(P().Count("SELECT COUNT(*) FROM audit_log WHERE detail LIKE '%" + id_number + "%'"), 0);
  EXPECT_EQ(P().Count("SELECT COUNT(*) FROM people WHERE id_hash LIKE '%" + id_number + "%'"), 0);
  // The same ID number again at the same institution is a duplicate.
  ExpectProblem(P().Send("POST", people, person, inst), 409, "registry.duplicate");
  // A bad check character is refused with its reason; nothing is written.
  person["id_number"] = id_number.substr(0, 17) + (id_number.back() == '1' ? "2" : "1");
  ExpectProblem(P().Send("POST", people, person, inst), 400, "identity.bad-check");
  person.erase("id_number");
  ExpectProblem(P().Send("POST", people, person, inst), 400, "request.field-missing");

  // Update without the ID number keeps its hash; the title changes.
  json::object change{
      {"name", "李四"}, {"title", "高级工程师"}, {"roles", json::array{"检测人员"}}};
  r = P().Send("PUT", "/api/v1/registry/people/" + std::to_string(person_id), change, inst);
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(Json(r).at("title").as_string(), "高级工程师");
  EXPECT_EQ(P().Count("SELECT COUNT(*) FROM people WHERE id = " + std::to_string(person_id) +
                      " AND length(id_hash) = 64"),
            1);

  // Another institution's records: not found for the institution user and a city regulator
  // outside their city; inspectors may not write at all.
  const std::string qd_equipment =
      "/api/v1/registry/institutions/" + std::to_string(qingdao_) + "/equipment";
  json::object eq{{"name", "气相色谱仪"}, {"model", "GC-2030"}, {"calibration_due", "2027-01-31"}};
  ExpectProblem(P().Send("POST", qd_equipment, eq, inst), 404, "institution.not-found");
  ExpectProblem(P().Send("POST", qd_equipment, eq, jn), 404, "institution.not-found");
  ExpectProblem(P().Send("POST", people, person, insp), 403, "auth.forbidden");
  // A regulator in scope adds equipment to another Jinan institution; a bad date is refused.
  const std::string jn2_equipment =
      "/api/v1/registry/institutions/" + std::to_string(jinan2_) + "/equipment";
  eq["calibration_due"] = "2027-02-30";
  ExpectProblem(P().Send("POST", jn2_equipment, eq, jn), 400, "registry.bad-date");
  eq["calibration_due"] = "2027-01-31";
  r = P().Send("POST", jn2_equipment, eq, jn);
  ASSERT_EQ(r.status, 201u) << r.body;
  const std::string eq_path =
      "/api/v1/registry/equipment/" + std::to_string(Json(r).at("id").as_int64());
  // ... which the Jinan institution user cannot touch.
  ExpectProblem(P().Send("DELETE", eq_path, nullptr, inst), 404, "registry.equipment-not-found");
  r = P().Send("DELETE", eq_path, nullptr, jn);
  EXPECT_EQ(r.status, 204u) << r.body;
  ExpectProblem(P().Send("DELETE", eq_path, nullptr, jn), 404, "registry.equipment-not-found");
  r = P().Send("DELETE", "/api/v1/registry/people/" + std::to_string(person_id), nullptr, inst);
  EXPECT_EQ(r.status, 204u) << r.body;

  // Institutions: regulators only, inside their region.
  json::object org{{"uscc", ValidUscc("91370102", "MA3C4E5F")},
                   {"name", "济南新设检测有限公司"},
                   {"region_code", "370202"},
                   {"domains", json::array{"食品"}}};
  ExpectProblem(P().Send("POST", "/api/v1/registry/institutions", org, inst), 403,
                "auth.forbidden");
  ExpectProblem(P().Send("POST", "/api/v1/registry/institutions", org, jn), 403,
                "auth.forbidden");  // Qingdao is outside Jinan
  org["region_code"] = "370102";
  r = P().Send("POST", "/api/v1/registry/institutions", org, jn);
  ASSERT_EQ(r.status, 201u) << r.body;
  EXPECT_EQ(Json(r).at("region_name").as_string(), "山东省济南市历下区");
  ExpectProblem(P().Send("POST", "/api/v1/registry/institutions", org, jn), 409,
                "registry.duplicate");
  org["uscc"] = "91370102MA3C4E5F";  // too short
  ExpectProblem(P().Send("POST", "/api/v1/registry/institutions", org, jn), 400, "uscc.bad-length");

  // Every successful write left one audit record: person save ×2 and delete, equipment save
  // and delete, institution save.
  const int64_t writes = 6;
  EXPECT_EQ(P().Count("SELECT COUNT(*) FROM audit_log") - audit_before, writes);
}

// Records regulators keep: saved by business key (a repeat changes nothing), status changes
// into the certificate's history, capability rows only on the institution's own certificates,
// a decision number of another institution refused, deletes scoped, everything audited; the
// standards catalogue for administrators only.
TEST_P(RegistryApiTest, RegulatorsKeepCertificatesScopeCreditAndPenalties) {
  const std::string jn = P().Login("regulator-jn");
  const std::string admin = P().Login("admin");
  const std::string inst = P().Login("inst-demo");
  const std::string base = "/api/v1/registry/institutions/" + std::to_string(jinan2_);
  const int64_t audit_before = P().Count("SELECT COUNT(*) FROM audit_log");

  json::object cert{{"number", "211512340001"},
                    {"issuer", "山东省市场监督管理局"},
                    {"issued_on", "2021-05-01"},
                    {"expires_on", "2027-04-30"},
                    {"status", "valid"}};
  HttpResponse r = P().Send("POST", base + "/certificates", cert, jn);
  ASSERT_EQ(r.status, 201u) << r.body;
  EXPECT_EQ(Json(r).at("outcome").as_string(), "inserted");
  const int64_t cert_id = Json(r).at("id").as_int64();
  r = P().Send("POST", base + "/certificates", cert, jn);
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(Json(r).at("outcome").as_string(), "unchanged");
  // Suspended from a given date, with its reason: one more history entry.
  cert["status"] = "暂停";
  cert["status_effective_on"] = "2025-09-01";
  cert["status_reason"] = "监督抽查不合格";
  r = P().Send("POST", base + "/certificates", cert, jn);
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(Json(r).at("outcome").as_string(), "updated");
  EXPECT_EQ(P().Count("SELECT COUNT(*) FROM certificate_status_history WHERE certificate_id = " +
                      std::to_string(cert_id) +
                      " AND status = 'suspended' AND effective_on = '2025-09-01'"),
            1);
  cert["status"] = "paused";
  ExpectProblem(P().Send("POST", base + "/certificates", cert, jn), 400, "registry.bad-status");
  // The same number for another institution: refused, not moved.
  cert["status"] = "valid";
  ExpectProblem(
      P().Send("POST", "/api/v1/registry/institutions/" + std::to_string(jinan_) + "/certificates",
               cert, jn),
      409, "registry.duplicate");
  // Outside the city regulator's scope; institution users never.
  ExpectProblem(
      P().Send("POST",
               "/api/v1/registry/institutions/" + std::to_string(qingdao_) + "/certificates", cert,
               jn),
      404, "institution.not-found");
  ExpectProblem(P().Send("POST", base + "/certificates", cert, inst), 403, "auth.forbidden");

  // A capability row on that certificate; on a certificate of another institution: not found.
  json::object cap{{"certificate_number", "211512340001"},
                   {"category", "食品"},
                   {"object", "小麦粉"},
                   {"item", "铅"},
                   {"parameter", "Pb"},
                   {"standard_no", "GB 5009.12-2017"},
                   {"standard_name", "食品安全国家标准 食品中铅的测定"},
                   {"approved_on", "2021-05-01"}};
  r = P().Send("POST", base + "/capabilities", cap, jn);
  ASSERT_EQ(r.status, 201u) << r.body;
  const int64_t cap_id = Json(r).at("id").as_int64();
  EXPECT_EQ(P().Count("SELECT COUNT(*) FROM capabilities WHERE id = " + std::to_string(cap_id) +
                      " AND certificate_id = " + std::to_string(cert_id) +
                      " AND valid_from = '2021-05-01'"),
            1);
  cap["valid_to"] = "2025-12-31";  // the row ends: same key, updated
  r = P().Send("POST", base + "/capabilities", cap, jn);
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(Json(r).at("id").as_int64(), cap_id);
  EXPECT_EQ(Json(r).at("outcome").as_string(), "updated");
  ExpectProblem(
      P().Send("POST", "/api/v1/registry/institutions/" + std::to_string(jinan_) + "/capabilities",
               cap, jn),
      404, "registry.certificate-not-found");
  cap.erase("item");
  ExpectProblem(P().Send("POST", base + "/capabilities", cap, jn), 400, "request.field-missing");

  // Credit flag: listed, then delisted (same key, updated).
  json::object flag{{"kind", "abnormal-operation"},
                    {"listed_on", "2025-03-02"},
                    {"authority", "济南市市场监督管理局"},
                    {"reason", "未按期公示年度报告"}};
  r = P().Send("POST", base + "/credit-flags", flag, jn);
  ASSERT_EQ(r.status, 201u) << r.body;
  const int64_t flag_id = Json(r).at("id").as_int64();
  flag["removed_on"] = "2025-06-30";
  r = P().Send("POST", base + "/credit-flags", flag, jn);
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(Json(r).at("id").as_int64(), flag_id);
  flag["kind"] = "blacklist";
  ExpectProblem(P().Send("POST", base + "/credit-flags", flag, jn), 400, "registry.bad-kind");

  // Penalty: its decision number cannot be filed under another institution.
  json::object pen{{"decision_no", "济市监处罚〔2025〕17号"},
                   {"decided_on", "2025-04-10"},
                   {"authority", "济南市市场监督管理局"},
                   {"violation", "出具虚假检验检测报告"},
                   {"legal_basis", "《检验检测机构监督管理办法》第二十六条"},
                   {"amount_yuan", 30000}};
  r = P().Send("POST", base + "/penalties", pen, jn);
  ASSERT_EQ(r.status, 201u) << r.body;
  const int64_t pen_id = Json(r).at("id").as_int64();
  ExpectProblem(
      P().Send("POST", "/api/v1/registry/institutions/" + std::to_string(jinan_) + "/penalties",
               pen, jn),
      409, "registry.duplicate");
  pen["amount_yuan"] = -1;
  ExpectProblem(P().Send("POST", base + "/penalties", pen, jn), 400, "request.field-type");

  // The portrait shows what was saved.
  r = P().Get(base, jn);
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_NE(r.body.find("211512340001"), std::string::npos);
  EXPECT_NE(r.body.find("济市监处罚〔2025〕17号"), std::string::npos);

  // The stored count of capability rows follows inserts and deletes.
  const std::string count_sql =
      "SELECT capability_count FROM institutions WHERE id = " + std::to_string(jinan2_);
  const std::string rows_sql =
      "SELECT COUNT(*) FROM capabilities WHERE institution_id = " + std::to_string(jinan2_);
  EXPECT_EQ(P().Count(count_sql), P().Count(rows_sql));
  const int64_t rows_before_delete = P().Count(rows_sql);

  // Deletes: scoped, audited, gone.
  ExpectProblem(
      P().Send("DELETE", "/api/v1/registry/penalties/" + std::to_string(pen_id), {}, inst), 403,
      "auth.forbidden");
  for (const auto& [kind, id] : std::vector<std::pair<std::string, int64_t>>{
           {"capabilities", cap_id}, {"credit-flags", flag_id}, {"penalties", pen_id}}) {
    const std::string path = "/api/v1/registry/" + kind + "/" + std::to_string(id);
    EXPECT_EQ(P().Send("DELETE", path, {}, jn).status, 204u) << path;
    EXPECT_EQ(P().Send("DELETE", path, {}, jn).status, 404u) << path;
  }
  EXPECT_EQ(P().Count("SELECT COUNT(*) FROM penalties WHERE id = " + std::to_string(pen_id)), 0);
  EXPECT_EQ(P().Count(rows_sql), rows_before_delete - 1);
  EXPECT_EQ(P().Count(count_sql), rows_before_delete - 1);

  // The standards catalogue: administrators only.
  json::object std_body{{"number", "DB37/T 4123-2024"},
                        {"name", "检验检测机构数据质量评价规范"},
                        {"status", "现行"},
                        {"effective_on", "2024-06-01"}};
  ExpectProblem(P().Send("POST", "/api/v1/registry/standards", std_body, jn), 403,
                "auth.forbidden");
  r = P().Send("POST", "/api/v1/registry/standards", std_body, admin);
  ASSERT_EQ(r.status, 201u) << r.body;
  EXPECT_EQ(P().Count("SELECT COUNT(*) FROM standards WHERE number = 'DB37/T 4123-2024' AND "
                      "status = 'current'"),
            1);

  // Every successful write is one audit record (saves, including unchanged ones, and deletes).
  EXPECT_EQ(P().Count("SELECT COUNT(*) FROM audit_log WHERE action IN ('certificate.save', "
                      "'capability.save', 'credit_flag.save', 'penalty.save', 'standard.save', "
                      "'capability.delete', 'credit_flag.delete', 'penalty.delete')"),
            3 + 2 + 2 + 1 + 1 + 3);
  EXPECT_GT(P().Count("SELECT COUNT(*) FROM audit_log"), audit_before);
}

TEST_P(RegistryApiTest, ExportsAreScopedAndReadable) {
  const std::string jn = P().Login("regulator-jn");
  HttpResponse r = P().Get("/api/v1/registry/export/institutions?format=csv", jn);
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.Header("content-type"), "text/csv; charset=utf-8");
  EXPECT_NE(r.Header("content-disposition").find("attachment"), std::string::npos);
  // Every data line is a Jinan (3701) institution, and all of them are there.
  std::istringstream in(r.body);
  std::string line;
  std::getline(in, line);
  EXPECT_NE(line.find("统一社会信用代码"), std::string::npos);
  int64_t rows = 0;
  while (std::getline(in, line)) {
    if (line.empty() || line == "\r") continue;
    ++rows;
    EXPECT_NE(line.find(",3701"), std::string::npos) << line;
  }
  EXPECT_EQ(rows, P().Count("SELECT COUNT(*) FROM institutions WHERE region_code LIKE '3701%'"));
  // XLSX of a capability search, filtered like the search.
  r = P().Get("/api/v1/registry/export/capabilities?item=%E9%93%85&format=xlsx", jn);
  ASSERT_EQ(r.status, 200u) << r.body;
  imp::ReaderOptions xlsx;
  xlsx.format = imp::Format::kXlsx;
  auto reader = imp::OpenReaderFromBytes(r.body, xlsx);
  ASSERT_TRUE(reader.ok()) << reader.error().ToString();
  EXPECT_EQ((*reader)->columns().at(1), "统一社会信用代码");
  std::set<std::string> usccs;
  imp::Row row;
  while (true) {
    auto more = (*reader)->Next(&row);
    ASSERT_TRUE(more.ok());
    if (!*more) break;
    for (const auto& c : row.cells) {
      if (c.column == 1) usccs.insert(c.text);
    }
  }
  // 铅 is listed by the two Jinan institutions only (Qingdao and Beijing are outside).
  std::set<std::string> want;
  for (int64_t id : {jinan_, jinan2_}) {
    auto conn = P().db().Acquire();
    auto u =
        (*conn)->QueryOne("SELECT uscc FROM institutions WHERE id = ?", std::vector<Value>{id});
    ASSERT_TRUE(u.ok() && u->has_value());
    want.insert((*u)->Text(0));
  }
  EXPECT_EQ(usccs, want);
  ExpectProblem(P().Get("/api/v1/registry/export/institutions?format=pdf", jn), 400,
                "request.bad-parameter");
  ExpectProblem(P().Get("/api/v1/registry/export/institutions"), 401, "auth.required");
}

TEST_P(RegistryApiTest, BadParametersAreProblems) {
  const std::string sd = P().Login("regulator-sd");
  ExpectProblem(P().Get("/api/v1/registry/institutions?limit=0", sd), 400, "request.bad-parameter");
  ExpectProblem(P().Get("/api/v1/registry/institutions?sort=size", sd), 400,
                "request.bad-parameter");
  ExpectProblem(P().Get("/api/v1/registry/institutions?cursor=abc", sd), 400,
                "registry.bad-cursor");
  ExpectProblem(P().Get("/api/v1/registry/institutions?valid_on=2025-13-01", sd), 400,
                "registry.bad-query");
  ExpectProblem(P().Get("/api/v1/registry/institutions?region=9", sd), 400, "registry.bad-query");
  ExpectProblem(P().Get("/api/v1/registry/institutions/abc", sd), 400, "request.bad-parameter");
}

INSTANTIATE_TEST_SUITE_P(Backends, RegistryApiTest, ::testing::Values("sqlite", "postgres"),
                         [](const ::testing::TestParamInfo<std::string>& param_info) {
                           return param_info.param;
                         });

}  // namespace
}  // namespace zhijian::test
