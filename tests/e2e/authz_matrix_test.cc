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

#include "tests/e2e/platform.h"
#include "zhijian/base/uscc.h"
#include "zhijian/registry/identity.h"

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
  std::string NewMember(const std::string& kind, const std::string& place) {
    const json::value body = kind == "people" ? PersonBody() : EquipmentBody();
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
  table["institutions.list"] = {{"GET", "/api/v1/institutions", nullptr, SignedIn(200)}};
  table["institutions.get"] = {
      // Jinan (370102, the demo institution's own record).
      {"GET", "/api/v1/institutions/{jinan}", nullptr, SignedIn(200)},
      // Qingdao: outside Jinan's city scope and outside the institution's own scope.
      {"GET", "/api/v1/institutions/{qingdao}", nullptr,
       With(SignedIn(200), {{"regulator-jn", 404}, {"inst-demo", 404}})},
      // Beijing: outside every Shandong scope.
      {"GET", "/api/v1/institutions/{beijing}", nullptr, With(SignedIn(404), {{"admin", 200}})},
  };
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

  // The registry (registry_routes.cc): reads for every signed-in role, scoped like
  // institutions.get; the public lookup is open to everyone.
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
        HeaderList h;
        if (caller != "public") h.emplace_back("Cookie", cookies_.at(caller));
        std::string payload;
        if (!body.is_null()) {
          h.emplace_back("Content-Type", "application/json");
          payload = json::serialize(body);
        }
        HttpResponse r = Request(platform_->port(), c.method, target, payload, h);
        EXPECT_EQ(r.status, c.expect.at(caller))
            << name << " " << c.method << " " << target << " as " << caller << ": " << r.body;
        ++checked;
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
