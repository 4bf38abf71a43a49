// Fuzzes the public request-matching surface of the server (server/router.h): Router::Match on
// arbitrary methods and paths against a route table shaped like the API's, and the Request
// accessors that read outside text (Cookie, Header, Query). Percent-decoding and query parsing
// are private to the server (http_util.h) and reached only through the HTTP listener, so they
// are not fuzzed here.
//
// Invariants, checked against an independent segment matcher written here: a route is returned
// exactly when some route of that method matches; it is the most specific one (literal
// segments beat parameters, earlier first); substituting the captured parameters back into its
// pattern rebuilds the path; path_exists is true exactly when some route of any method matches.
// Cookie values are substrings of the Cookie header without ';'.
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "fuzz/fuzz_check.h"
#include "zhijian/server/router.h"

namespace {

using zhijian::server::Request;
using zhijian::server::Route;
using zhijian::server::RouteMatch;
using zhijian::server::Router;
using zhijian::server::Verb;

const Router& TheRouter() {
  static const Router router = [] {
    Router r;
    const auto add = [&r](Verb m, const char* pattern) {
      r.Add(Route{m, pattern, pattern, zhijian::server::Everyone(),
                  [](Request&) -> zhijian::Result<zhijian::server::Response> {
                    return zhijian::server::Response::NoContent();
                  }});
    };
    add(Verb::get, "/");
    add(Verb::get, "/healthz");
    add(Verb::post, "/api/v1/auth/login");
    add(Verb::get, "/api/v1/auth/me");
    add(Verb::get, "/api/v1/institutions");
    add(Verb::get, "/api/v1/institutions/{id}");
    add(Verb::get, "/api/v1/institutions/{id}/reports");
    add(Verb::get, "/api/v1/institutions/{id}/reports/{no}");
    add(Verb::get, "/api/v1/users/me");
    add(Verb::get, "/api/v1/users/{username}");
    add(Verb::put, "/api/v1/users/{username}/password");
    add(Verb::delete_, "/api/v1/apikeys/{id}");
    add(Verb::get, "/api/v1/{kind}/{id}");
    add(Verb::get, "/api/v1/regions/{code}/children");
    add(Verb::get, "/a//b");
    return r;
  }();
  return router;
}

std::vector<std::string> Split(std::string_view path) {
  std::vector<std::string> out;
  if (path.empty() || path.front() != '/') return out;
  size_t start = 1;
  while (true) {
    const size_t slash = path.find('/', start);
    out.emplace_back(path.substr(start, slash == std::string_view::npos ? slash : slash - start));
    if (slash == std::string_view::npos) return out;
    start = slash + 1;
  }
}

bool IsParam(const std::string& seg) {
  return seg.size() >= 2 && seg.front() == '{' && seg.back() == '}';
}

// The reference matcher: same segment count, literals equal, parameters non-empty.
bool Matches(const std::string& pattern, const std::vector<std::string>& have) {
  const std::vector<std::string> want = Split(pattern);
  if (want.empty() || want.size() != have.size()) return false;
  for (size_t i = 0; i < want.size(); ++i) {
    if (IsParam(want[i]) ? have[i].empty() : want[i] != have[i]) return false;
  }
  return true;
}

std::string Specificity(const std::string& pattern) {
  std::string s;
  for (const std::string& seg : Split(pattern)) s += IsParam(seg) ? '0' : '1';
  return s;
}

std::string Rebuild(const std::string& pattern, const std::map<std::string, std::string>& params) {
  std::string out;
  for (const std::string& seg : Split(pattern)) {
    out += '/';
    if (!IsParam(seg)) {
      out += seg;
      continue;
    }
    auto it = params.find(seg.substr(1, seg.size() - 2));
    ZJ_FUZZ_CHECK(it != params.end(), "parameter " + seg + " not captured");
    out += it->second;
  }
  return out;
}

constexpr Verb kVerbs[] = {Verb::get,   Verb::post, Verb::put,    Verb::delete_,
                           Verb::patch, Verb::head, Verb::options};

void CheckMatch(const Router& router, Verb method, std::string_view path) {
  const RouteMatch m = router.Match(method, path);
  const std::vector<std::string> have = Split(path);
  bool any_method = false;
  const Route* best = nullptr;
  for (const Route& r : router.routes()) {
    if (!Matches(r.pattern, have)) continue;
    any_method = true;
    if (r.method == method &&
        (best == nullptr || Specificity(r.pattern) > Specificity(best->pattern))) {
      best = &r;
    }
  }
  const std::string where = std::string(path.substr(0, 200));
  ZJ_FUZZ_CHECK(m.path_exists == any_method, "path_exists wrong for " + where);
  ZJ_FUZZ_CHECK((m.route != nullptr) == (best != nullptr), "match presence wrong for " + where);
  if (m.route == nullptr) return;
  ZJ_FUZZ_CHECK(m.route->method == method, where);
  ZJ_FUZZ_CHECK(Specificity(m.route->pattern) == Specificity(best->pattern),
                where + " matched " + m.route->pattern + ", more specific: " + best->pattern);
  ZJ_FUZZ_CHECK(Rebuild(m.route->pattern, m.path_params) == path,
                "parameters do not rebuild " + where);
  size_t params = 0;
  for (const std::string& seg : Split(m.route->pattern)) params += IsParam(seg);
  ZJ_FUZZ_CHECK(m.path_params.size() == params, "extra parameters for " + where);
  for (const auto& [name, value] : m.path_params) {
    ZJ_FUZZ_CHECK(!value.empty() && value.find('/') == std::string::npos, name + "=" + value);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const Verb method = kVerbs[data[0] % std::size(kVerbs)];
  const std::string_view text = zhijian::fuzz::AsText(data + 1, size - 1);
  const Router& router = TheRouter();
  CheckMatch(router, method, text);

  // The same text as a Cookie header (and a few other accessors).
  Request req;
  req.headers["cookie"] = std::string(text);
  req.query["q"] = std::string(text);
  for (const char* name : {"zj_session", "a", "", " "}) {
    const std::string value = req.Cookie(name);
    ZJ_FUZZ_CHECK(value.find(';') == std::string::npos, "cookie value with ';'");
    ZJ_FUZZ_CHECK(text.find(value) != std::string_view::npos, "cookie value not in the header");
  }
  ZJ_FUZZ_CHECK(req.Header("cookie") == text && req.Header("x").empty(), "Header");
  ZJ_FUZZ_CHECK(req.Query("q") == std::string(text) && !req.Query("r"), "Query");
  return 0;
}
