// End-to-end tests of the registry routes (registry_routes.cc) on the real server, on SQLite
// and PostgreSQL: search with filters and cursor paging, portrait, cross-search, standards of an
// institution, abolished standards, the public lookup, scope and problem+json errors.
#include <gtest/gtest.h>

#include <set>

#include "tests/e2e/platform.h"
#include "tests/support/pg_cluster.h"

namespace zhijian::test {
namespace {

namespace json = boost::json;
using store::Value;

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
