// Requests, responses, routes and the router: the pure request-handling core of the server.
//
// Purpose: a handler is a plain function from a parsed `Request` to `Result<Response>`; it
// knows nothing of sockets. The router matches method + path patterns ("/api/v1/users/{id}")
// and exposes its route table, so that tests can enumerate every route (authorization matrix)
// and the OpenAPI file can be checked against it.
//
// Access: each route names the roles allowed to call it. The HTTP layer resolves the caller's
// Principal (via the Authenticator given to HttpServer) before calling a handler and refuses
// with 401 (anonymous caller) or 403 (wrong role) by itself; finer scope (region, own
// institution) is enforced by the handler through the query layer (store/scope.h).
//
// Errors: a handler's Error becomes RFC 9457 problem+json in problem.h, the only place errors
// map to HTTP statuses.
//
// Matching cost: patterns are split once, in Add; Match splits the path once (into views, no
// allocation) and tries only the routes with that many segments, most specific first, so a
// request allocates only for the parameters it captures.
//
// Thread-safety: build the router before the server starts; afterwards it is read-only and
// safe to use from any thread. Handlers run on worker threads, concurrently.
#pragma once

#include <ostream>  // before verb.hpp: Boost 1.81's verb.hpp streams a string_view

#include <boost/beast/http/verb.hpp>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "zhijian/base/principal.h"
#include "zhijian/base/result.h"

namespace zhijian::server {

using Verb = boost::beast::http::verb;

struct Request {
  Verb method = Verb::get;
  std::string target;                              // as received: path + query
  std::string path;                                // percent-decoded path without the query
  std::map<std::string, std::string> query;        // decoded query parameters (last wins)
  std::map<std::string, std::string> path_params;  // from "{name}" segments of the pattern
  std::map<std::string, std::string> headers;      // lower-case names
  std::string body;
  std::string remote_ip;
  std::string request_id;  // assigned per request, echoed as X-Request-Id
  Principal principal;     // resolved before the handler runs

  // Header value or "" (name in lower case).
  std::string Header(std::string_view lower_name) const;
  // Query parameter or std::nullopt.
  std::optional<std::string> Query(std::string_view name) const;
  // The value of cookie `name` or "".
  std::string Cookie(std::string_view name) const;
};

struct Response {
  unsigned status = 200;
  std::string content_type = "application/json; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers (Set-Cookie, ...)

  static Response Json(std::string body, unsigned status = 200);
  static Response NoContent();
};

using Handler = std::function<Result<Response>(Request&)>;
// Answers from memory without blocking (no database, no files, no waiting on other requests), or
// std::nullopt: "run the Handler". See Route::try_inline.
using InlineHandler = std::function<std::optional<Result<Response>>(Request&)>;

struct Route {
  Verb method;
  std::string pattern;      // "/api/v1/users/{id}"; a "{name}" matches one non-empty segment
  std::string name;         // stable id, e.g. "users.get"; used in logs and metrics
  std::vector<Role> roles;  // roles allowed; must include Role::kPublic for anonymous access
  Handler handler;
  // The largest request body this route accepts (bytes); 0: the server's body_limit. Uploads
  // (multipart/form-data) set a larger one; the server applies it once the headers are read.
  size_t body_limit = 0;
  // Optional fast path for answers the route has at hand (e.g. a cache hit). The server calls it
  // on the I/O thread, sparing the hand-off to the worker pool, when the caller could also be
  // resolved without blocking (HttpServer's InlineAuthenticator) and the role is allowed; when it
  // returns std::nullopt, `handler` runs on the worker pool as usual. It must never block.
  InlineHandler try_inline = nullptr;
};

struct RouteMatch {
  const Route* route = nullptr;                    // null: no route
  std::map<std::string, std::string> path_params;  // when matched
  bool path_exists = false;  // some route has this path with another method (→ 405)
};

class Router {
 public:
  // The most segments a pattern may have ("/a/b" has two).
  static constexpr size_t kMaxSegments = 32;

  // Adds a route. Duplicate (method, pattern) pairs, patterns not starting with '/' and patterns
  // of more than kMaxSegments segments are programming errors (abort).
  void Add(Route route);
  // The most specific route of `method` whose pattern matches `path` (literal segments beat
  // parameters, earlier segments first), with its parameters.
  RouteMatch Match(Verb method, std::string_view path) const;
  const std::vector<Route>& routes() const { return routes_; }

 private:
  // A pattern split once: each segment's literal text or parameter name.
  struct Segment {
    std::string text;
    bool param = false;
  };
  struct Compiled {
    std::vector<Segment> segments;
    std::string specificity;  // '1' literal, '0' parameter, per segment
  };
  std::vector<Route> routes_;
  std::vector<Compiled> compiled_;  // parallel to routes_
  // Indices into routes_ by segment count, most specific first (ties: order of Add).
  std::vector<std::vector<size_t>> by_count_;
};

// Every role except public; for routes any signed-in user may call.
std::vector<Role> AnySignedIn();
// Every role including public.
std::vector<Role> Everyone();

}  // namespace zhijian::server
