// End-to-end tests of the HTTP API on the real server (port 0), on SQLite and PostgreSQL.
#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <thread>

#include "tests/e2e/platform.h"
#include "tests/support/pg_cluster.h"
#include "zhijian/audit/audit.h"

namespace zhijian::test {
namespace {

namespace json = boost::json;

class ApiTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "postgres") {
      ZJ_REQUIRE_PG_CLUSTER(pg);
    }
    auto p = Platform::Start(GetParam());
    ASSERT_TRUE(p.ok()) << p.error().ToString();
    platform_ = std::move(*p);
  }
  Platform& P() { return *platform_; }
  std::unique_ptr<Platform> platform_;
};

void ExpectProblem(const HttpResponse& r, unsigned status, const std::string& code) {
  EXPECT_EQ(r.status, status) << r.body;
  EXPECT_EQ(r.Header("content-type"), "application/problem+json") << r.body;
  json::value v = Json(r);
  ASSERT_TRUE(v.is_object()) << r.body;
  EXPECT_EQ(v.at("code").as_string(), code) << r.body;
  EXPECT_EQ(v.at("status").as_int64(), status);
  EXPECT_FALSE(v.at("message_zh").as_string().empty());
  EXPECT_FALSE(v.at("message_en").as_string().empty());
}

TEST_P(ApiTest, HealthAndMetrics) {
  HttpResponse h = P().Get("/healthz");
  ASSERT_EQ(h.status, 200u);
  EXPECT_EQ(Json(h).at("database").as_string(), "ok");
  EXPECT_FALSE(h.Header("x-request-id").empty());
  // A request is counted once its response has been written, which may be just after the client
  // has read it: poll briefly for the count to appear.
  HttpResponse m;
  for (int i = 0; i < 100; ++i) {
    m = P().Get("/metrics");
    ASSERT_EQ(m.status, 200u);
    if (m.body.find("route=\"healthz\"") != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_NE(m.body.find("zhijian_http_requests_total{"), std::string::npos) << m.body;
  EXPECT_NE(m.body.find("route=\"healthz\",method=\"GET\",status=\"200\""), std::string::npos)
      << m.body;
}

TEST_P(ApiTest, LoginSessionCookieMeAndLogout) {
  json::object body{{"username", "regulator-sd"}, {"password", P().passwords().at("regulator-sd")}};
  HttpResponse r = P().Send("POST", "/api/v1/auth/login", body);
  ASSERT_EQ(r.status, 200u) << r.body;
  const std::string set_cookie = r.Header("set-cookie");
  EXPECT_NE(set_cookie.find("zj_session="), std::string::npos);
  EXPECT_NE(set_cookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(set_cookie.find("SameSite=Strict"), std::string::npos);
  EXPECT_NE(set_cookie.find("Max-Age="), std::string::npos);
  const std::string cookie = set_cookie.substr(0, set_cookie.find(';'));

  HttpResponse me = P().Get("/api/v1/auth/me", cookie);
  ASSERT_EQ(me.status, 200u) << me.body;
  json::value user = Json(me).at("user");
  EXPECT_EQ(user.at("username").as_string(), "regulator-sd");
  EXPECT_EQ(user.at("role").as_string(), "regulator");
  EXPECT_EQ(user.at("region_prefix").as_string(), "37");
  EXPECT_EQ(user.at("region_name").as_string(), "山东省");

  HttpResponse out = P().Send("POST", "/api/v1/auth/logout", json::value(), cookie);
  EXPECT_EQ(out.status, 204u);
  ExpectProblem(P().Get("/api/v1/auth/me", cookie), 401, "auth.session-expired");
  ExpectProblem(P().Get("/api/v1/auth/me"), 401, "auth.required");
}

TEST_P(ApiTest, BadCredentialsLookTheSameAndWriteNoSession) {
  const int64_t sessions = P().Count("SELECT COUNT(*) FROM sessions");
  json::object wrong{{"username", "regulator-sd"}, {"password", "not-the-password"}};
  json::object unknown{{"username", "nobody-here"}, {"password", "not-the-password"}};
  HttpResponse a = P().Send("POST", "/api/v1/auth/login", wrong);
  HttpResponse b = P().Send("POST", "/api/v1/auth/login", unknown);
  ExpectProblem(a, 401, "auth.bad-credentials");
  ExpectProblem(b, 401, "auth.bad-credentials");
  EXPECT_EQ(Json(a).at("message_en"), Json(b).at("message_en"));
  EXPECT_EQ(a.Header("set-cookie"), "");
  EXPECT_EQ(P().Count("SELECT COUNT(*) FROM sessions"), sessions);
  // The failed attempts are in the audit trail, without the password.
  EXPECT_EQ(P().Count("SELECT COUNT(*) FROM audit_log WHERE action = 'auth.login-failed'"), 2);
  EXPECT_EQ(P().Count("SELECT COUNT(*) FROM audit_log WHERE detail LIKE '%not-the-password%'"), 0);
}

TEST_P(ApiTest, RepeatedFailuresAreThrottled) {
  json::object wrong{{"username", "regulator-jn"}, {"password", "wrong-password-1"}};
  HttpResponse last;
  for (int i = 0; i < 5; ++i) last = P().Send("POST", "/api/v1/auth/login", wrong);
  ExpectProblem(last, 401, "auth.bad-credentials");
  // Even the right password is refused while locked out.
  json::object right{{"username", "regulator-jn"},
                     {"password", P().passwords().at("regulator-jn")}};
  HttpResponse locked = P().Send("POST", "/api/v1/auth/login", right);
  ExpectProblem(locked, 429, "auth.throttled");
  EXPECT_GT(std::stoi(locked.Header("retry-after")), 0);
}

TEST_P(ApiTest, BadInputGetsProblemJsonAndWritesNothing) {
  const std::string admin = P().Login("admin");
  const int64_t users = P().Count("SELECT COUNT(*) FROM users");
  const int64_t audit = P().Count("SELECT COUNT(*) FROM audit_log");
  HeaderList h{{"Cookie", admin}, {"Content-Type", "application/json"}};
  ExpectProblem(Request(P().port(), "POST", "/api/v1/users", "{\"username\": \"x\",", h), 400,
                "request.malformed-json");
  HeaderList text{{"Cookie", admin}, {"Content-Type", "text/plain"}};
  ExpectProblem(Request(P().port(), "POST", "/api/v1/users", "{}", text), 415,
                "request.unsupported-media-type");
  ExpectProblem(Request(P().port(), "POST", "/api/v1/users", std::string(2 << 20, 'x'), h), 413,
                "request.too-large");
  json::object no_password{{"username", "newbie"}, {"role", "regulator"}, {"region_prefix", "37"}};
  ExpectProblem(P().Send("POST", "/api/v1/users", no_password, admin), 400,
                "request.field-missing");
  json::object bad_region{{"username", "newbie"},
                          {"role", "regulator"},
                          {"region_prefix", "99"},
                          {"password", "Long-enough-pw-1"}};
  HttpResponse br = P().Send("POST", "/api/v1/users", bad_region, admin);
  EXPECT_EQ(br.status, 400u) << br.body;
  json::object weak{{"username", "newbie"},
                    {"role", "regulator"},
                    {"region_prefix", "37"},
                    {"password", "short"}};
  EXPECT_EQ(P().Send("POST", "/api/v1/users", weak, admin).status, 400u);
  ExpectProblem(P().Get("/api/v1/registry/institutions?limit=abc", admin), 400,
                "request.bad-parameter");
  EXPECT_EQ(P().Count("SELECT COUNT(*) FROM users"), users);
  EXPECT_EQ(P().Count("SELECT COUNT(*) FROM audit_log"), audit);
}

TEST_P(ApiTest, InstitutionsAreScopedInTheQueryLayer) {
  auto codes = [&](const std::string& cookie) {
    HttpResponse r = P().Get("/api/v1/registry/institutions?limit=200", cookie);
    EXPECT_EQ(r.status, 200u) << r.body;
    std::set<std::string> out;
    json::value v = Json(r);
    for (const auto& item : v.at("items").as_array()) {
      out.insert(std::string(item.at("region_code").as_string()));
    }
    EXPECT_EQ(v.at("total").as_int64(), static_cast<int64_t>(v.at("items").as_array().size()));
    return out;
  };
  auto all = codes(P().Login("admin"));
  EXPECT_EQ(all.size(), 12u);
  for (const auto& c : codes(P().Login("regulator-sd"))) EXPECT_EQ(c.substr(0, 2), "37");
  EXPECT_EQ(codes(P().Login("regulator-sd")).size(), 5u);
  auto jinan = codes(P().Login("regulator-jn"));
  EXPECT_EQ(jinan, (std::set<std::string>{"370102", "370112"}));
  auto own = codes(P().Login("inst-demo"));
  EXPECT_EQ(own, (std::set<std::string>{"370102"}));

  // A record outside the scope is "not found", exactly like a missing one.
  const std::string jn = P().Login("regulator-jn");
  const int64_t qingdao = P().InstitutionIn("370202");
  ExpectProblem(P().Get("/api/v1/registry/institutions/" + std::to_string(qingdao), jn), 404,
                "institution.not-found");
  ExpectProblem(P().Get("/api/v1/registry/institutions/999999", jn), 404, "institution.not-found");
  HttpResponse in =
      P().Get("/api/v1/registry/institutions/" + std::to_string(P().InstitutionIn("370102")), jn);
  EXPECT_EQ(in.status, 200u);
  EXPECT_EQ(Json(in).at("region_name").as_string(), "山东省济南市历下区");
  // Search by name.
  HttpResponse q =
      P().Get("/api/v1/registry/institutions?name=%E9%9D%92%E5%B2%9B", P().Login("admin"));  // 青岛
  EXPECT_EQ(Json(q).at("total").as_int64(), 2);
}

TEST_P(ApiTest, DashboardCountsFollowTheScope) {
  HttpResponse r = P().Get("/api/v1/dashboard", P().Login("regulator-sd"));
  ASSERT_EQ(r.status, 200u) << r.body;
  json::value v = Json(r);
  EXPECT_EQ(v.at("scope").at("region_name").as_string(), "山东省");
  EXPECT_EQ(v.at("counts").at("institutions").as_int64(), 5);
  // Grouped one level down: Shandong's cities.
  std::set<std::string> cities;
  int64_t sum = 0;
  for (const auto& g : v.at("institutions_by_region").as_array()) {
    cities.insert(std::string(g.at("region_name").as_string()));
    sum += g.at("count").as_int64();
  }
  EXPECT_EQ(cities, (std::set<std::string>{"济南市", "青岛市", "烟台市"}));
  EXPECT_EQ(sum, 5);
  EXPECT_EQ(v.at("audit_by_day").as_array().size(), 14u);
  HttpResponse national = P().Get("/api/v1/dashboard", P().Login("admin"));
  EXPECT_EQ(Json(national).at("counts").at("institutions").as_int64(), 12);
  EXPECT_EQ(Json(national).at("institutions_by_region").as_array().size(), 6u);  // provinces
}

TEST_P(ApiTest, UserCreationIsAdminOnlyAndAudited) {
  const std::string admin = P().Login("admin");
  json::object nu{{"username", "zhang.san"},
                  {"display_name", "张三"},
                  {"role", "regulator"},
                  {"region_prefix", "370100"},
                  {"password", "Zhang-san-pw-2026"}};
  HttpResponse r = P().Send("POST", "/api/v1/users", nu, admin);
  ASSERT_EQ(r.status, 201u) << r.body;
  EXPECT_EQ(Json(r).at("user").at("region_prefix").as_string(), "3701");
  ExpectProblem(P().Send("POST", "/api/v1/users", nu, admin), 409, "user.exists");
  ExpectProblem(P().Send("POST", "/api/v1/users", nu, P().Login("regulator-sd")), 403,
                "auth.forbidden");
  EXPECT_EQ(P().Count("SELECT COUNT(*) FROM audit_log WHERE action = 'user.create' AND "
                      "target_id = 'zhang.san' AND actor = 'admin'"),
            1);
  // The new user can sign in with the password; the hash is Argon2id, not the password.
  json::object login{{"username", "zhang.san"}, {"password", "Zhang-san-pw-2026"}};
  EXPECT_EQ(P().Send("POST", "/api/v1/auth/login", login).status, 200u);
  EXPECT_EQ(P().Count("SELECT COUNT(*) FROM users WHERE password_hash LIKE '$argon2id$%'"),
            P().Count("SELECT COUNT(*) FROM users"));
  // Regulators see users of their region only.
  HttpResponse list = P().Get("/api/v1/users", P().Login("regulator-jn"));
  std::set<std::string> names;
  const json::value list_json = Json(list);
  for (const auto& u : list_json.at("items").as_array()) {
    names.insert(std::string(u.at("username").as_string()));
  }
  EXPECT_EQ(names, (std::set<std::string>{"regulator-jn", "zhang.san", "inst-demo"}));
}

TEST_P(ApiTest, OwnPasswordChangeNeedsTheOldPassword) {
  const std::string me = P().Login("inspector-sd");
  json::object without{{"password", "A-new-password-42"}};
  EXPECT_EQ(P().Send("PUT", "/api/v1/users/inspector-sd/password", without, me).status, 403u);
  json::object with{{"password", "A-new-password-42"},
                    {"old_password", P().passwords().at("inspector-sd")}};
  EXPECT_EQ(P().Send("PUT", "/api/v1/users/inspector-sd/password", with, me).status, 204u);
  json::object login{{"username", "inspector-sd"}, {"password", "A-new-password-42"}};
  EXPECT_EQ(P().Send("POST", "/api/v1/auth/login", login).status, 200u);
}

TEST_P(ApiTest, ApiKeysAuthenticateMachineClientsUntilRevoked) {
  const std::string inst = P().Login("inst-demo");
  json::object body{{"name", "LIMS"}};
  HttpResponse created = P().Send("POST", "/api/v1/apikeys", body, inst);
  ASSERT_EQ(created.status, 201u) << created.body;
  const std::string key(Json(created).at("key").as_string());
  const int64_t id = Json(created).at("id").as_int64();
  // Never stored in clear.
  EXPECT_EQ(P().Count("SELECT COUNT(*) FROM api_keys WHERE key_hash = '" + key + "'"), 0);

  HttpResponse me =
      Request(P().port(), "GET", "/api/v1/auth/me", "", {{"Authorization", "Bearer " + key}});
  ASSERT_EQ(me.status, 200u) << me.body;
  EXPECT_EQ(Json(me).at("via").as_string(), "apikey");
  EXPECT_EQ(Json(me).at("user").at("username").as_string(), "inst-demo");
  HttpResponse list = P().Get("/api/v1/apikeys", inst);
  ASSERT_EQ(Json(list).at("items").as_array().size(), 1u);
  EXPECT_EQ(Json(list).at("items").at(0).as_object().count("key"), 0u);

  // Another user cannot revoke it (and cannot tell it exists).
  HttpResponse other = P().Send("DELETE", "/api/v1/apikeys/" + std::to_string(id), json::value(),
                                P().Login("regulator-sd"));
  ExpectProblem(other, 404, "apikey.not-found");
  EXPECT_EQ(P().Send("DELETE", "/api/v1/apikeys/" + std::to_string(id), json::value(), inst).status,
            204u);
  HttpResponse after = Request(P().port(), "GET", "/api/v1/auth/me", "", {{"X-Api-Key", key}});
  EXPECT_EQ(after.status, 401u);
  HttpResponse garbage =
      Request(P().port(), "GET", "/api/v1/auth/me", "", {{"Authorization", "Bearer zjk_nonsense"}});
  EXPECT_EQ(garbage.status, 401u);
}

TEST_P(ApiTest, AuditTrailIsBrowsableInScopeAndVerifies) {
  P().Login("regulator-jn");
  const std::string sd = P().Login("regulator-sd");
  HttpResponse r = P().Get("/api/v1/audit?limit=200", sd);
  ASSERT_EQ(r.status, 200u) << r.body;
  std::set<std::string> regions;
  std::set<std::string> actions;
  const json::value body = Json(r);
  for (const auto& item : body.at("items").as_array()) {
    regions.insert(std::string(item.at("region_code").as_string()));
    actions.insert(std::string(item.at("action").as_string()));
  }
  for (const auto& region : regions) EXPECT_EQ(region.substr(0, 2), "37") << region;
  EXPECT_TRUE(actions.count("auth.login"));
  EXPECT_TRUE(actions.count("institution.create"));
  // Paging with the cursor returns older records.
  HttpResponse page1 = P().Get("/api/v1/audit?limit=2", sd);
  json::value v1 = Json(page1);
  ASSERT_EQ(v1.at("items").as_array().size(), 2u);
  const int64_t next = v1.at("next_before").as_int64();
  HttpResponse page2 = P().Get("/api/v1/audit?limit=2&before=" + std::to_string(next), sd);
  EXPECT_LT(Json(page2).at("items").at(0).at("seq").as_int64(), next);

  auto conn = P().db().Acquire();
  auto report = audit::Verify(conn->get());
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok) << report->message;
  EXPECT_EQ(report->records_checked, P().Count("SELECT COUNT(*) FROM audit_log"));
}

TEST_P(ApiTest, RegionsArePublic) {
  HttpResponse r = P().Get("/api/v1/regions?parent=37");
  ASSERT_EQ(r.status, 200u) << r.body;
  std::set<std::string> names;
  const json::value body = Json(r);
  for (const auto& item : body.at("items").as_array()) {
    names.insert(std::string(item.at("name").as_string()));
  }
  EXPECT_TRUE(names.count("济南市"));
  EXPECT_TRUE(names.count("青岛市"));
  EXPECT_EQ(Json(P().Get("/api/v1/regions")).at("items").as_array().size(), 34u);
  EXPECT_EQ(P().Get("/api/v1/regions?parent=99").status, 400u);
}

TEST_P(ApiTest, AnonymousCallersAreRateLimitedPerAddress) {
  // Default: 50/s sustained with bursts of 200 per address; well past the burst, 429 with a wait.
  const std::string admin = P().Login("admin");
  HttpConnection conn(P().port());
  ASSERT_TRUE(conn.connected());
  HttpResponse last;
  int ok = 0;
  for (int i = 0; i < 400; ++i) {
    last = conn.Request("GET", "/api/v1/regions?parent=37");
    if (last.status != 200) break;
    ++ok;
  }
  EXPECT_GE(ok, 200);
  ExpectProblem(last, 429, "rate.limited");
  EXPECT_GE(std::stoi(last.Header("retry-after")), 1);
  // Signed-in callers from the same address are not limited by the anonymous budget.
  EXPECT_EQ(P().Get("/api/v1/auth/me", admin).status, 200u);
}

TEST_P(ApiTest, UnknownApiRoutesAreProblemJson) {
  ExpectProblem(P().Get("/api/v1/nothing-here"), 404, "route.not-found");
  ExpectProblem(P().Send("DELETE", "/api/v1/dashboard", json::value(), P().Login("admin")), 405,
                "request.method-not-allowed");
}

INSTANTIATE_TEST_SUITE_P(Backends, ApiTest, ::testing::Values("sqlite", "postgres"),
                         [](const ::testing::TestParamInfo<std::string>& param_info) {
                           return param_info.param;
                         });

}  // namespace
}  // namespace zhijian::test
