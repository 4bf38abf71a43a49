#include "zhijian/server/router.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>

#include "zhijian/server/http_util.h"

namespace zhijian::server {
namespace {

// Splits "/a/b/c" into {"a","b","c"}; "/" gives {""}. The leading '/' is required.
std::vector<std::string_view> Segments(std::string_view path) {
  std::vector<std::string_view> out;
  if (path.empty() || path.front() != '/') return out;
  path.remove_prefix(1);
  while (true) {
    size_t slash = path.find('/');
    out.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return out;
}

bool IsParam(std::string_view segment) {
  return segment.size() >= 2 && segment.front() == '{' && segment.back() == '}';
}

// '1' for a literal segment, '0' for a parameter: the more literal segments earlier, the more
// specific the pattern ("/users/me" beats "/users/{id}").
std::string Specificity(std::string_view pattern) {
  std::string s;
  for (std::string_view seg : Segments(pattern)) s += IsParam(seg) ? '0' : '1';
  return s;
}

// The pattern with parameter names erased, for duplicate detection.
std::string Shape(std::string_view pattern) {
  std::string s;
  for (std::string_view seg : Segments(pattern)) {
    s += '/';
    s += IsParam(seg) ? std::string_view("{}") : seg;
  }
  return s;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string Request::Header(std::string_view lower_name) const {
  auto it = headers.find(std::string(lower_name));
  return it == headers.end() ? std::string() : it->second;
}

std::optional<std::string> Request::Query(std::string_view name) const {
  auto it = query.find(std::string(name));
  if (it == query.end()) return std::nullopt;
  return it->second;
}

std::string Request::Cookie(std::string_view name) const {
  std::string_view all = [this]() -> std::string_view {
    auto it = headers.find("cookie");
    return it == headers.end() ? std::string_view() : std::string_view(it->second);
  }();
  while (!all.empty()) {
    size_t end = all.find(';');
    std::string_view pair = all.substr(0, end);
    all = end == std::string_view::npos ? std::string_view() : all.substr(end + 1);
    while (!pair.empty() && (pair.front() == ' ' || pair.front() == '\t')) pair.remove_prefix(1);
    size_t eq = pair.find('=');
    if (eq == std::string_view::npos) continue;
    std::string_view key = pair.substr(0, eq);
    while (!key.empty() && key.back() == ' ') key.remove_suffix(1);
    if (key != name) continue;
    std::string_view value = pair.substr(eq + 1);
    while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
      value = value.substr(1, value.size() - 2);
    }
    return std::string(value);
  }
  return {};
}

Response Response::Json(std::string body, unsigned status) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

Response Response::NoContent() {
  Response r;
  r.status = 204;
  r.content_type.clear();
  return r;
}

void Router::Add(Route route) {
  if (route.pattern.empty() || route.pattern.front() != '/') {
    std::fprintf(stderr, "Router::Add: pattern must start with '/': %s\n", route.pattern.c_str());
    std::abort();
  }
  const std::string shape = Shape(route.pattern);
  for (const Route& r : routes_) {
    if (r.method == route.method && Shape(r.pattern) == shape) {
      std::fprintf(stderr, "Router::Add: duplicate route %s %s\n",
                   std::string(boost::beast::http::to_string(route.method)).c_str(),
                   route.pattern.c_str());
      std::abort();
    }
  }
  Compiled c;
  for (std::string_view seg : Segments(route.pattern)) {
    const bool param = IsParam(seg);
    c.segments.push_back(Segment{std::string(param ? seg.substr(1, seg.size() - 2) : seg), param});
  }
  if (c.segments.size() > kMaxSegments) {
    std::fprintf(stderr, "Router::Add: more than %zu segments: %s\n", kMaxSegments,
                 route.pattern.c_str());
    std::abort();
  }
  c.specificity = Specificity(route.pattern);
  const size_t count = c.segments.size();
  if (by_count_.size() <= count) by_count_.resize(count + 1);
  std::vector<size_t>& bucket = by_count_[count];
  // After every route at least as specific: most specific first, ties in order of Add.
  auto at = std::upper_bound(
      bucket.begin(), bucket.end(), c.specificity,
      [this](const std::string& spec, size_t i) { return spec > compiled_[i].specificity; });
  bucket.insert(at, routes_.size());
  routes_.push_back(std::move(route));
  compiled_.push_back(std::move(c));
}

RouteMatch Router::Match(Verb method, std::string_view path) const {
  RouteMatch result;
  // Split the path once into views; more segments than any pattern has cannot match.
  std::array<std::string_view, kMaxSegments> have;
  size_t n = 0;
  if (path.empty() || path.front() != '/') return result;
  path.remove_prefix(1);
  while (true) {
    if (n == have.size() || n + 1 >= by_count_.size()) return result;
    const size_t slash = path.find('/');
    have[n++] = path.substr(0, slash);
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  for (size_t i : by_count_[n]) {
    const std::vector<Segment>& want = compiled_[i].segments;
    bool fits = true;
    for (size_t k = 0; k < n && fits; ++k) {
      fits = want[k].param ? !have[k].empty() : want[k].text == have[k];
    }
    if (!fits) continue;
    result.path_exists = true;
    if (routes_[i].method != method) continue;
    result.route = &routes_[i];
    for (size_t k = 0; k < n; ++k) {
      if (want[k].param) result.path_params[want[k].text] = std::string(have[k]);
    }
    return result;  // the bucket is ordered most specific first
  }
  return result;
}

std::vector<Role> AnySignedIn() {
  return {Role::kAdmin, Role::kRegulator, Role::kInstitution, Role::kInspector};
}

std::vector<Role> Everyone() {
  return {Role::kPublic, Role::kAdmin, Role::kRegulator, Role::kInstitution, Role::kInspector};
}

namespace internal {

std::optional<std::string> PercentDecode(std::string_view in, bool plus_is_space) {
  std::string out;
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '%') {
      if (i + 2 >= in.size()) return std::nullopt;
      int hi = HexValue(in[i + 1]);
      int lo = HexValue(in[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

std::optional<std::map<std::string, std::string>> ParseQuery(std::string_view query) {
  std::map<std::string, std::string> out;
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    size_t eq = pair.find('=');
    auto key = PercentDecode(pair.substr(0, eq), true);
    auto value = PercentDecode(
        eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1), true);
    if (!key || !value) return std::nullopt;
    out[*key] = *value;
  }
  return out;
}

std::pair<std::string_view, std::string_view> SplitTarget(std::string_view target) {
  size_t q = target.find('?');
  if (q == std::string_view::npos) return {target, {}};
  return {target.substr(0, q), target.substr(q + 1)};
}

bool MatchPattern(std::string_view pattern, std::string_view path,
                  std::map<std::string, std::string>* params) {
  std::vector<std::string_view> want = Segments(pattern);
  std::vector<std::string_view> have = Segments(path);
  if (want.empty() || want.size() != have.size()) return false;
  for (size_t i = 0; i < want.size(); ++i) {
    if (IsParam(want[i])) {
      if (have[i].empty()) return false;
      if (params != nullptr) {
        (*params)[std::string(want[i].substr(1, want[i].size() - 2))] = std::string(have[i]);
      }
    } else if (want[i] != have[i]) {
      return false;
    }
  }
  return true;
}

std::string AllowedMethods(const Router& router, std::string_view path) {
  std::vector<Verb> seen;
  std::string out;
  for (const Route& r : router.routes()) {
    if (!MatchPattern(r.pattern, path, nullptr)) continue;
    if (std::find(seen.begin(), seen.end(), r.method) != seen.end()) continue;
    seen.push_back(r.method);
    if (!out.empty()) out += ", ";
    out += boost::beast::http::to_string(r.method);
  }
  return out;
}

}  // namespace internal
}  // namespace zhijian::server
