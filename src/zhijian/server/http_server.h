// The HTTP/1.1 server: Boost.Beast listener and sessions around a Router.
//
// Purpose: accepts connections (async, one strand per connection, keep-alive), enforces the
// body-size limit (413; the server's, or the matched route's Route::body_limit) and read timeouts,
// parses the request into server::Request, resolves the caller through `Authenticator`, checks the
// route's roles (401/403), runs the handler on a worker pool (never on an I/O thread: handlers may
// block on the database; only a route's non-blocking Route::try_inline runs on the I/O thread),
// turns errors into problem+json (problem.h), adds X-Request-Id and security headers, writes one
// structured log line per request (id, method, route name, status, latency, remote address; never
// bodies, cookies or keys), and counts requests for /metrics (metrics.h). Requests for paths that
// match no route and do not start with /api/ are served from `static_dir` (the built web UI), with
// index.html as the fallback for client-side routes.
//
// The Authenticator runs (on a worker thread) only for requests that match a route. Statuses
// without an Error::Kind are produced here: 405 (with Allow) for a known path with another
// method, 431 for oversized headers. Malformed HTTP gets 400 and the connection is closed, as
// after a 413. The path is percent-decoded before routing, so "%2F" acts as a separator.
//
// Ownership: the server borrows the Router, Authenticator and Metrics; they must outlive it.
// Thread-safety: Start/Stop/Wait from one controlling thread. Stop() is safe to call from a
// signal-handling thread; it stops accepting, lets in-flight requests finish (up to
// `shutdown_grace`) and then closes the remaining connections.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "zhijian/base/principal.h"
#include "zhijian/base/result.h"
#include "zhijian/server/metrics.h"
#include "zhijian/server/router.h"

namespace zhijian::server {

// Resolves who is calling from the request's cookies/headers. Returning an Error (e.g. an
// invalid API key) ends the request with that error; returning a public Principal is fine.
using Authenticator = std::function<Result<Principal>(const Request&)>;
// Optional: resolves the caller without blocking, or std::nullopt when that needs blocking work
// (e.g. an API key or session to look up: then the Authenticator runs on a worker thread). Used
// only for routes with a Route::try_inline; a caller it resolves is not resolved again.
using InlineAuthenticator = std::function<std::optional<Result<Principal>>(const Request&)>;

struct ServerOptions {
  std::string address = "127.0.0.1";
  uint16_t port = 8080;  // 0 = any free port; see HttpServer::port()
  int io_threads = 2;
  int worker_threads = 4;
  size_t body_limit = 1 << 20;  // bytes; larger bodies get 413 (a Route may allow more)
  std::chrono::seconds read_timeout{30};
  std::chrono::seconds shutdown_grace{10};
  std::string static_dir;  // built web UI (web/dist); empty = none
};

class HttpServer {
 public:
  HttpServer(ServerOptions options, const Router& router, Authenticator authenticator,
             Metrics& metrics, InlineAuthenticator inline_authenticator = nullptr);
  ~HttpServer();  // stops if running

  // Binds and starts the I/O and worker threads; returns once listening.
  Result<void> Start();
  // The bound port (after Start).
  uint16_t port() const;
  // Begins a graceful shutdown; returns immediately.
  void Stop();
  // Blocks until the server has stopped.
  void Wait();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace zhijian::server
