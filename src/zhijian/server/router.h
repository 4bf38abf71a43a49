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

struct Route {
  Verb method;
  std::string pattern;      // "/api/v1/users/{id}"; a "{name}" matches one non-empty segment
  std::string name;         // stable id, e.g. "users.get"; used in logs and metrics
  std::vector<Role> roles;  // roles allowed; must include Role::kPublic for anonymous access
  Handler handler;
  // The largest request body this route accepts (bytes); 0: the server's body_limit. Uploads
  // (multipart/form-data) set a larger one; the server applies it once the headers are read.
  size_t body_limit = 0;
};

struct RouteMatch {
  const Route* route = nullptr;                    // null: no route
  std::map<std::string, std::string> path_params;  // when matched
  bool path_exists = false;  // some route has this path with another method (→ 405)
};

class Router {
 public:
  // Adds a route. Duplicate (method, pattern) pairs are a programming error (aborts).
  void Add(Route route);
  RouteMatch Match(Verb method, std::string_view path) const;
  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
};

// Every role except public; for routes any signed-in user may call.
std::vector<Role> AnySignedIn();
// Every role including public.
std::vector<Role> Everyone();

}  // namespace zhijian::server
