#include "zhijian/api/api.h"

#include <boost/json.hpp>
#include <chrono>
#include <cmath>
#include <string>
#include <vector>

#include "zhijian/api/request_params.h"
#include "zhijian/audit/audit.h"
#include "zhijian/base/region.h"
#include "zhijian/server/json_body.h"
#include "zhijian/server/problem.h"
#include "zhijian/store/scope.h"

namespace zhijian::api {
namespace {

namespace json = boost::json;
using server::Request;
using server::Response;
using server::Route;
using server::Verb;

constexpr const char* kSessionCookie = "zj_session";

// Name of the caller's own institution, for /auth/me.
std::optional<std::string> InstitutionName(store::Connection& conn, std::optional<int64_t> id) {
  if (!id) return std::nullopt;
  std::vector<store::Value> p{*id};
  auto row = conn.QueryOne("SELECT name FROM institutions WHERE id = ?", p);
  if (!row || !row->has_value()) return std::nullopt;
  return (*row)->Text(0);
}

json::object UserJson(const accounts::User& u, store::Connection* conn) {
  json::object o;
  o["id"] = u.id;
  o["username"] = u.username;
  o["display_name"] = u.display_name;
  o["role"] = std::string(RoleName(u.role));
  o["region_prefix"] = u.region_prefix;
  o["region_name"] = u.role == Role::kRegulator || u.role == Role::kInspector
                         ? RegionDisplayName(u.region_prefix)
                         : std::string();
  o["institution_id"] = OptJson(u.institution_id);
  o["institution_name"] = conn ? OptJson(InstitutionName(*conn, u.institution_id)) : nullptr;
  o["disabled"] = u.disabled;
  o["created_at"] = u.created_at;
  return o;
}

json::object AuditJson(const audit::AuditRecord& r) {
  json::object o;
  o["seq"] = r.seq;
  o["at"] = r.at;
  o["actor"] = r.actor;
  o["actor_role"] = r.actor_role;
  o["via"] = r.via;
  o["action"] = r.action;
  o["target_type"] = r.target_type;
  o["target_id"] = r.target_id;
  o["region_code"] = r.region_code;
  o["institution_id"] = OptJson(r.institution_id);
  o["ip"] = r.ip;
  o["detail"] = r.DetailObject();
  o["hash"] = r.hash;
  return o;
}

std::string SessionCookie(const std::string& value, int64_t max_age, bool secure) {
  std::string c = std::string(kSessionCookie) + "=" + value +
                  "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" + std::to_string(max_age);
  if (secure) c += "; Secure";
  return c;
}

// The user record of the caller (fresh from the database).
Result<accounts::User> CurrentUser(ApiContext& ctx, const Request& req) {
  return ctx.accounts.GetUser(req.principal, req.principal.username);
}

// ---- handlers ------------------------------------------------------------------------------

Result<Response> Healthz(ApiContext& ctx, Request&) {
  auto conn = ctx.db.Acquire();
  json::object o;
  bool db_ok = false;
  if (conn) db_ok = (*conn)->Query("SELECT 1").ok();
  o["status"] = db_ok ? "ok" : "degraded";
  o["database"] = db_ok ? "ok" : "unavailable";
  o["version"] = ctx.options.version;
  return server::JsonResponse(o, db_ok ? 200 : 503);
}

Result<Response> MetricsRoute(ApiContext& ctx, Request& req) {
  // Prometheus scrapes from the host itself; elsewhere only administrators may read it.
  const bool loopback =
      req.remote_ip == "127.0.0.1" || req.remote_ip == "::1" || req.remote_ip.rfind("127.", 0) == 0;
  if (!loopback && req.principal.role != Role::kAdmin) {
    return Error::NotFound("route.not-found", "资源不存在", "not found");
  }
  Response r;
  r.content_type = "text/plain; version=0.0.4; charset=utf-8";
  r.body = ctx.metrics.Render();
  return r;
}

Result<Response> Login(ApiContext& ctx, Request& req) {
  ZJ_ASSIGN_OR_RETURN(json::object body, server::ParseJsonObject(req));
  ZJ_ASSIGN_OR_RETURN(std::string username, server::RequiredString(body, "username"));
  ZJ_ASSIGN_OR_RETURN(std::string password, server::RequiredString(body, "password"));
  auto login = ctx.accounts.Login(username, password, req.remote_ip);
  if (!login) return login.error();  // 429 carries Retry-After (server/problem.h)
  auto conn = ctx.db.Acquire();
  json::object o;
  o["user"] = UserJson(login->user, conn ? &conn->get() : nullptr);
  o["expires_at"] = login->expires_at;
  Response r = server::JsonResponse(o);
  const auto max_age =
      std::chrono::duration_cast<std::chrono::seconds>(login->expires - ctx.clock.Now()).count();
  r.headers.emplace_back("Set-Cookie",
                         SessionCookie(login->token, max_age, ctx.options.secure_cookies));
  return r;
}

Result<Response> Logout(ApiContext& ctx, Request& req) {
  std::string token = req.Cookie(kSessionCookie);
  if (!token.empty()) ZJ_TRY(ctx.accounts.Logout(token, req.remote_ip));
  Response r = Response::NoContent();
  r.headers.emplace_back("Set-Cookie", SessionCookie("", 0, ctx.options.secure_cookies));
  return r;
}

Result<Response> Me(ApiContext& ctx, Request& req) {
  ZJ_ASSIGN_OR_RETURN(accounts::User user, CurrentUser(ctx, req));
  ZJ_ASSIGN_OR_RETURN(auto conn, ctx.db.Acquire());
  json::object o;
  o["user"] = UserJson(user, &conn.get());
  o["via"] = req.principal.via;
  return server::JsonResponse(o);
}

Result<Response> Dashboard(ApiContext& ctx, Request& req) {
  const Principal& p = req.principal;
  ZJ_ASSIGN_OR_RETURN(auto conn, ctx.db.Acquire());
  json::object o;
  json::object scope;
  const bool regional = p.role == Role::kRegulator || p.role == Role::kInspector;
  scope["region_prefix"] = regional ? p.region_prefix : std::string();
  scope["region_name"] = regional ? RegionDisplayName(p.region_prefix) : std::string("全国");
  o["scope"] = scope;

  const auto inst_scope =
      store::ScopeFor(p, {.region_column = "region_code", .institution_column = "id"});
  const auto audit_scope =
      store::ScopeFor(p, {.region_column = "region_code", .institution_column = "institution_id"});

  auto count = [&](const std::string& table, const store::ScopePredicate& s,
                   const std::string& extra,
                   std::vector<store::Value> extra_params) -> Result<int64_t> {
    std::string sql = "SELECT COUNT(*) FROM " + table + " WHERE 1=1" + extra;
    std::vector<store::Value> params = std::move(extra_params);
    store::AppendScope(s, &sql, &params);
    ZJ_ASSIGN_OR_RETURN(auto rows, conn->Query(sql, params));
    return rows.at(0).Int(0);
  };

  const std::string today = FormatInstant(ctx.clock.Now()).substr(0, 10);
  json::object counts;
  ZJ_ASSIGN_OR_RETURN(counts["institutions"], count("institutions", inst_scope, "", {}));
  ZJ_ASSIGN_OR_RETURN(auto users, ctx.accounts.ListUsers(p));
  counts["users"] = static_cast<int64_t>(users.size());
  ZJ_ASSIGN_OR_RETURN(counts["audit_events"], count("audit_log", audit_scope, "", {}));
  ZJ_ASSIGN_OR_RETURN(counts["audit_events_today"],
                      count("audit_log", audit_scope, " AND at >= ?", {today}));
  o["counts"] = counts;

  // Institutions grouped one level below the caller's scope: provinces for national scope,
  // cities for a province, counties for a city.
  const size_t own = regional ? p.region_prefix.size() : 0;
  const int group_len = own >= 4 ? 6 : static_cast<int>(own) + 2;
  {
    std::string sql = "SELECT substr(region_code, 1, " + std::to_string(group_len) +
                      ") AS g, COUNT(*) FROM institutions WHERE 1=1";
    std::vector<store::Value> params;
    store::AppendScope(inst_scope, &sql, &params);
    sql += " GROUP BY g ORDER BY COUNT(*) DESC, g";
    ZJ_ASSIGN_OR_RETURN(auto rows, conn->Query(sql, params));
    json::array by_region;
    for (const auto& row : rows) {
      json::object item;
      std::string code = row.Text(0);
      item["region_code"] = code;
      const Region* r = RegionTable::Get().Lookup(code + std::string(6 - code.size(), '0'));
      item["region_name"] = r ? r->name : code;
      item["count"] = row.Int(1);
      by_region.push_back(item);
    }
    o["institutions_by_region"] = by_region;
  }
  {
    const std::string since =
        FormatInstant(ctx.clock.Now() - std::chrono::hours(24 * 13)).substr(0, 10);
    std::string sql = "SELECT substr(at, 1, 10) AS d, COUNT(*) FROM audit_log WHERE at >= ?";
    std::vector<store::Value> params{since};
    store::AppendScope(audit_scope, &sql, &params);
    sql += " GROUP BY d ORDER BY d";
    ZJ_ASSIGN_OR_RETURN(auto rows, conn->Query(sql, params));
    std::map<std::string, int64_t> by_day;
    for (const auto& row : rows) by_day[row.Text(0)] = row.Int(1);
    json::array days;
    for (int i = 13; i >= 0; --i) {
      const std::string d =
          FormatInstant(ctx.clock.Now() - std::chrono::hours(24 * i)).substr(0, 10);
      json::object item;
      item["date"] = d;
      item["count"] = by_day.count(d) ? by_day[d] : 0;
      days.push_back(item);
    }
    o["audit_by_day"] = days;
  }
  return server::JsonResponse(o);
}

Result<Response> ListAudit(ApiContext& ctx, Request& req) {
  audit::ListFilter f;
  if (auto b = req.Query("before")) {
    ZJ_ASSIGN_OR_RETURN(f.before_seq, ParseIntParam(*b, "before", 1, INT64_MAX));
  }
  ZJ_ASSIGN_OR_RETURN(int64_t limit, QueryInt(req, "limit", 50, 1, 200));
  f.limit = static_cast<int>(limit);
  f.action_prefix = req.Query("action").value_or("");
  f.actor = req.Query("actor").value_or("");
  ZJ_ASSIGN_OR_RETURN(auto conn, ctx.db.Acquire());
  ZJ_ASSIGN_OR_RETURN(audit::AuditPage page, audit::List(conn.get(), req.principal, f));
  json::array items;
  for (const auto& r : page.records) items.push_back(AuditJson(r));
  json::object o;
  o["items"] = items;
  o["next_before"] = OptJson(page.next_before_seq);
  return server::JsonResponse(o);
}

Result<Response> ListUsers(ApiContext& ctx, Request& req) {
  ZJ_ASSIGN_OR_RETURN(auto users, ctx.accounts.ListUsers(req.principal));
  ZJ_ASSIGN_OR_RETURN(auto conn, ctx.db.Acquire());
  json::array items;
  for (const auto& u : users) items.push_back(UserJson(u, &conn.get()));
  json::object o;
  o["items"] = items;
  return server::JsonResponse(o);
}

Result<Response> CreateUser(ApiContext& ctx, Request& req) {
  ZJ_ASSIGN_OR_RETURN(json::object body, server::ParseJsonObject(req));
  accounts::NewUser nu;
  ZJ_ASSIGN_OR_RETURN(nu.username, server::RequiredString(body, "username"));
  ZJ_ASSIGN_OR_RETURN(auto display, server::OptionalString(body, "display_name"));
  nu.display_name = display.value_or(nu.username);
  ZJ_ASSIGN_OR_RETURN(std::string role, server::RequiredString(body, "role"));
  auto parsed = ParseRole(role);
  if (!parsed || *parsed == Role::kPublic) {
    return Error::Invalid("user.bad-role", "角色无效", "invalid role", "role");
  }
  nu.role = *parsed;
  ZJ_ASSIGN_OR_RETURN(auto region, server::OptionalString(body, "region_prefix"));
  if (region && !region->empty()) {
    ZJ_ASSIGN_OR_RETURN(nu.region_prefix, RegionTable::Get().ValidateScope(*region));
  }
  ZJ_ASSIGN_OR_RETURN(nu.institution_id, server::OptionalInt(body, "institution_id"));
  ZJ_ASSIGN_OR_RETURN(nu.password, server::RequiredString(body, "password"));
  ZJ_ASSIGN_OR_RETURN(accounts::User user,
                      ctx.accounts.CreateUser(req.principal, nu, req.remote_ip));
  ZJ_ASSIGN_OR_RETURN(auto conn, ctx.db.Acquire());
  json::object o;
  o["user"] = UserJson(user, &conn.get());
  return server::JsonResponse(o, 201);
}

Result<Response> ChangePassword(ApiContext& ctx, Request& req) {
  ZJ_ASSIGN_OR_RETURN(json::object body, server::ParseJsonObject(req));
  ZJ_ASSIGN_OR_RETURN(std::string password, server::RequiredString(body, "password"));
  ZJ_ASSIGN_OR_RETURN(auto old_password, server::OptionalString(body, "old_password"));
  ZJ_TRY(ctx.accounts.SetPassword(req.principal, req.path_params["username"], password,
                                  old_password, req.remote_ip));
  return Response::NoContent();
}

Result<Response> ListApiKeys(ApiContext& ctx, Request& req) {
  ZJ_ASSIGN_OR_RETURN(auto keys, ctx.accounts.ListApiKeys(req.principal, req.principal.username));
  json::array items;
  for (const auto& k : keys) {
    json::object o;
    o["id"] = k.id;
    o["name"] = k.name;
    o["prefix"] = k.prefix;
    o["created_at"] = k.created_at;
    o["last_used_at"] = OptJson(k.last_used_at);
    o["revoked_at"] = OptJson(k.revoked_at);
    items.push_back(o);
  }
  json::object o;
  o["items"] = items;
  return server::JsonResponse(o);
}

Result<Response> CreateApiKey(ApiContext& ctx, Request& req) {
  ZJ_ASSIGN_OR_RETURN(json::object body, server::ParseJsonObject(req));
  ZJ_ASSIGN_OR_RETURN(std::string name, server::RequiredString(body, "name"));
  ZJ_ASSIGN_OR_RETURN(
      accounts::NewApiKey key,
      ctx.accounts.CreateApiKey(req.principal, req.principal.username, name, req.remote_ip));
  json::object o;
  o["id"] = key.id;
  o["name"] = key.name;
  o["prefix"] = key.prefix;
  o["key"] = key.key;
  o["created_at"] = key.created_at;
  return server::JsonResponse(o, 201);
}

Result<Response> RevokeApiKey(ApiContext& ctx, Request& req) {
  ZJ_ASSIGN_OR_RETURN(int64_t id, ParseIntParam(req.path_params["id"], "id", 1, INT64_MAX));
  ZJ_TRY(ctx.accounts.RevokeApiKey(req.principal, id, req.remote_ip));
  return Response::NoContent();
}

Result<Response> Regions(ApiContext&, Request& req) {
  const std::string parent = req.Query("parent").value_or("");
  std::string parent_code;
  if (!parent.empty()) {
    ZJ_ASSIGN_OR_RETURN(std::string prefix, NormalizeScope(parent));
    parent_code = prefix + std::string(6 - prefix.size(), '0');
    if (!prefix.empty() && !RegionTable::Get().IsKnown(parent_code)) {
      return Error::NotFound("region.not-found", "行政区划代码不存在", "unknown region code",
                             parent);
    }
  }
  json::array items;
  for (const Region* r : RegionTable::Get().Children(parent_code)) {
    json::object o;
    o["code"] = r->code;
    o["name"] = r->name;
    o["level"] = static_cast<int>(r->level);
    items.push_back(o);
  }
  json::object o;
  o["items"] = items;
  return server::JsonResponse(o);
}

}  // namespace

void RegisterRoutes(server::Router& router, ApiContext& ctx) {
  using R = Role;
  auto bind = [&ctx](Result<Response> (*fn)(ApiContext&, Request&)) {
    return [&ctx, fn](Request& req) { return fn(ctx, req); };
  };
  const auto any = server::AnySignedIn();
  const auto everyone = server::Everyone();
  router.Add({Verb::get, "/healthz", "healthz", everyone, bind(Healthz)});
  router.Add({Verb::get, "/metrics", "metrics", everyone, bind(MetricsRoute)});
  router.Add({Verb::post, "/api/v1/auth/login", "auth.login", everyone, bind(Login)});
  router.Add({Verb::post, "/api/v1/auth/logout", "auth.logout", everyone, bind(Logout)});
  router.Add({Verb::get, "/api/v1/auth/me", "auth.me", any, bind(Me)});
  router.Add({Verb::get, "/api/v1/dashboard", "dashboard", any, bind(Dashboard)});
  router.Add({Verb::get, "/api/v1/regions", "regions.list", everyone, bind(Regions)});
  router.Add({Verb::get,
              "/api/v1/audit",
              "audit.list",
              {R::kAdmin, R::kRegulator, R::kInstitution},
              bind(ListAudit)});
  router.Add(
      {Verb::get, "/api/v1/users", "users.list", {R::kAdmin, R::kRegulator}, bind(ListUsers)});
  router.Add({Verb::post, "/api/v1/users", "users.create", {R::kAdmin}, bind(CreateUser)});
  router.Add({Verb::put, "/api/v1/users/{username}/password", "users.password", any,
              bind(ChangePassword)});
  router.Add({Verb::get, "/api/v1/apikeys", "apikeys.list", any, bind(ListApiKeys)});
  router.Add({Verb::post, "/api/v1/apikeys", "apikeys.create", any, bind(CreateApiKey)});
  router.Add({Verb::delete_, "/api/v1/apikeys/{id}", "apikeys.revoke", any, bind(RevokeApiKey)});
  RegisterRegistryRoutes(router, ctx);
  RegisterRegistryEditRoutes(router, ctx);
  RegisterLedgerRoutes(router, ctx);
  RegisterQualityRoutes(router, ctx);
  RegisterCheckRoutes(router, ctx);
}

namespace {

// The API key of a request (X-Api-Key or Authorization: Bearer), or "".
std::string ApiKeyOf(const Request& req) {
  std::string key = req.Header("x-api-key");
  const std::string auth = req.Header("authorization");
  if (key.empty() && auth.rfind("Bearer ", 0) == 0) key = auth.substr(7);
  return key;
}

// An anonymous caller: the public Principal, within the per-address rate limit.
Result<Principal> PublicCaller(ApiContext& ctx, const Request& req) {
  double retry = 0;
  if (!ctx.public_limiter.Allow(req.remote_ip, &retry)) {
    return Error::TooManyRequests("rate.limited", "请求过于频繁，请稍后再试",
                                  "too many requests, try again later",
                                  static_cast<int64_t>(std::ceil(retry)));
  }
  return Principal{};
}

}  // namespace

server::Authenticator MakeAuthenticator(ApiContext& ctx) {
  return [&ctx](const Request& req) -> Result<Principal> {
    const std::string key = ApiKeyOf(req);
    if (!key.empty()) return ctx.accounts.AuthenticateApiKey(key);
    const std::string token = req.Cookie(kSessionCookie);
    if (!token.empty()) {
      auto p = ctx.accounts.AuthenticateSession(token);
      // Logging out with a stale cookie must still work, so the logout route tolerates it.
      if (p || req.path != "/api/v1/auth/logout") return p;
    }
    return PublicCaller(ctx, req);
  };
}

server::InlineAuthenticator MakeInlineAuthenticator(ApiContext& ctx) {
  return [&ctx](const Request& req) -> std::optional<Result<Principal>> {
    // Keys and sessions are looked up in the database: MakeAuthenticator's, on a worker.
    if (!ApiKeyOf(req).empty() || !req.Cookie(kSessionCookie).empty()) return std::nullopt;
    return PublicCaller(ctx, req);
  };
}

}  // namespace zhijian::api
