// The HTTP/1.1 server, in the shape of the Boost.Beast "advanced server" example: a listener
// accepts connections, each connection is a Session living on its own strand, and requests are
// handed to a pure dispatcher that runs on a worker pool. The response is posted back to the
// session's strand and written there.
#include "zhijian/server/http_server.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cctype>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <optional>
#include <random>
#include <thread>
#include <unordered_map>
#include <vector>

#include "zhijian/server/http_util.h"
#include "zhijian/server/problem.h"
#include "zhijian/server/static_files.h"

namespace zhijian::server {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using SteadyClock = std::chrono::steady_clock;

constexpr size_t kHeaderLimit = 16 * 1024;
constexpr std::chrono::seconds kLingerTimeout{2};
constexpr std::chrono::seconds kIoDrainTimeout{5};

// The security headers of every response, as they appear in the head.
constexpr std::string_view kSecurityHeaders =
    "X-Content-Type-Options: nosniff\r\n"
    "Referrer-Policy: no-referrer\r\n"
    "X-Frame-Options: DENY\r\n"
    "Content-Security-Policy: default-src 'self'; img-src 'self' data: blob:; "
    "style-src 'self' 'unsafe-inline'; font-src 'self' data:; object-src 'none'; "
    "base-uri 'self'; frame-ancestors 'none'; form-action 'self'\r\n";

// 16 lower-case hex characters from a per-thread generator seeded by the OS.
std::string NewRequestId() {
  thread_local std::mt19937_64 rng{[] {
    std::random_device rd;
    return (static_cast<uint64_t>(rd()) << 32) ^ rd();
  }()};
  static constexpr char kHex[] = "0123456789abcdef";
  uint64_t v = rng();
  std::string id(16, '0');
  for (int i = 15; i >= 0; --i) {
    id[i] = kHex[v & 0xf];
    v >>= 4;
  }
  return id;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Method name for logs and metrics: known verbs only, so that labels stay bounded.
std::string MethodLabel(Verb verb) {
  if (verb == Verb::unknown) return "OTHER";
  return std::string(http::to_string(verb));
}

bool IsApiPath(std::string_view path) { return path == "/api" || path.starts_with("/api/"); }

bool RoleAllowed(const Route& route, Role role) {
  return std::find(route.roles.begin(), route.roles.end(), role) != route.roles.end();
}

// What the dispatcher produced: the response and the route name for logs and metrics.
struct Outcome {
  Response response;
  std::string route_name;
};

class Session;

// Sessions alive, so that shutdown can close them. Shared with the sessions, whose destructors
// may run after the server's other members are gone (when the io_context is destroyed).
struct SessionRegistry {
  std::mutex mu;
  std::unordered_map<Session*, std::weak_ptr<Session>> sessions;
  std::atomic<int64_t> open{0};
};

// Everything the server is; HttpServer::Impl is this under the public class's private name.
struct ServerCore {
  ServerCore(ServerOptions opts, const Router& r, Authenticator auth, Metrics& m,
             InlineAuthenticator inline_auth)
      : options(std::move(opts)),
        router(r),
        authenticator(std::move(auth)),
        inline_authenticator(std::move(inline_auth)),
        metrics(m),
        static_files(options.static_dir),
        acceptor(asio::make_strand(ioc)) {}

  // Declared first so that it is destroyed last: pending handlers own sessions.
  asio::io_context ioc;
  ServerOptions options;
  const Router& router;
  Authenticator authenticator;
  InlineAuthenticator inline_authenticator;
  Metrics& metrics;
  internal::StaticFiles static_files;
  tcp::acceptor acceptor;
  asio::steady_timer accept_backoff{acceptor.get_executor()};
  std::unique_ptr<asio::thread_pool> workers;
  std::vector<std::thread> io_threads;
  std::shared_ptr<SessionRegistry> registry = std::make_shared<SessionRegistry>();
  std::shared_ptr<std::atomic<int64_t>> in_flight_gauge = std::make_shared<std::atomic<int64_t>>(0);
  uint16_t bound_port = 0;

  std::mutex mu;
  std::condition_variable cv;
  int in_flight = 0;
  int io_running = 0;
  bool started = false;
  bool stopping = false;
  bool stopped = false;
  std::atomic<bool> stopping_flag{false};
  std::thread stopper;

  Result<void> Start();
  void DoAccept();
  void Stop();
  void Shutdown();
  void Wait();

  void RequestBegun() {
    std::lock_guard<std::mutex> lock(mu);
    ++in_flight;
    ++*in_flight_gauge;
  }
  void RequestEnded() {
    bool drained;
    {
      std::lock_guard<std::mutex> lock(mu);
      --in_flight;
      --*in_flight_gauge;
      drained = stopping && in_flight == 0;
    }
    // Only Shutdown waits for in_flight (Wait waits for `stopped` on the same cv): waking the
    // waiters after every request would cost a futex wake-up and a context switch each.
    if (drained) cv.notify_all();
  }

  // The body limit of a request to `target` (the matched route's, else the server's).
  size_t BodyLimitFor(Verb method, std::string_view target) const {
    auto path = internal::PercentDecode(internal::SplitTarget(target).first, false);
    if (!path) return options.body_limit;
    RouteMatch m = router.Match(method, *path);
    return m.route != nullptr && m.route->body_limit > 0 ? m.route->body_limit : options.body_limit;
  }

  // The pure part: routing, access, handler, static files. Runs on a worker thread. With
  // `resolved`, req.principal is already the caller's (TryInline resolved it).
  Outcome Dispatch(Request& req, bool target_ok, bool resolved);
  Outcome DispatchUnguarded(Request& req, bool target_ok, bool resolved, std::string& route_name);
  // On the I/O thread: the answer of the route's try_inline, if it has one at hand; otherwise
  // std::nullopt, and `*resolved` tells whether req.principal was set on the way.
  std::optional<Outcome> TryInline(Request& req, bool* resolved);
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, ServerCore* server)
      : server_(server), registry_(server->registry), stream_(std::move(socket)) {
    boost::system::error_code ec;
    tcp::endpoint remote = stream_.socket().remote_endpoint(ec);
    if (!ec) remote_ip_ = remote.address().to_string();
    ++registry_->open;
  }

  ~Session() {
    std::lock_guard<std::mutex> lock(registry_->mu);
    registry_->sessions.erase(this);
    --registry_->open;
  }

  void Start() {
    {
      std::lock_guard<std::mutex> lock(registry_->mu);
      registry_->sessions[this] = weak_from_this();
    }
    asio::dispatch(stream_.get_executor(),
                   beast::bind_front_handler(&Session::DoRead, shared_from_this()));
  }

  // Closes the connection now (on the strand). Pending operations end with an error.
  void Close(bool only_if_idle) {
    asio::post(stream_.get_executor(), [self = shared_from_this(), only_if_idle] {
      if (only_if_idle && self->busy_) return;
      boost::system::error_code ec;
      self->stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
      self->stream_.close();
    });
  }

 private:
  void DoRead() {
    if (server_->stopping_flag) return DoClose(false);
    parser_.emplace();
    // No limit while the headers are read: OnHeader sets the matched route's.
    parser_->body_limit(boost::none);
    parser_->header_limit(kHeaderLimit);
    body_limit_ = server_->options.body_limit;
    busy_ = false;
    stream_.expires_after(server_->options.read_timeout);
    http::async_read_header(stream_, buffer_, *parser_,
                            beast::bind_front_handler(&Session::OnHeader, shared_from_this()));
  }

  // The headers are in: apply the matched route's body limit, answer "Expect: 100-continue",
  // then read the body.
  void OnHeader(beast::error_code ec, size_t n) {
    if (ec) return OnRead(ec, n);
    const auto& msg = parser_->get();
    body_limit_ = server_->BodyLimitFor(msg.method(), msg.target());
    if (auto length = parser_->content_length(); length && *length > body_limit_) {
      return OnRead(http::error::body_limit, 0);
    }
    parser_->body_limit(body_limit_);  // chunked bodies are counted as they arrive
    if (beast::iequals(msg[http::field::expect], "100-continue")) {
      auto res = std::make_shared<http::response<http::empty_body>>(http::status::continue_,
                                                                    msg.version());
      http::async_write(stream_, *res,
                        [self = shared_from_this(), res](beast::error_code wec, size_t) {
                          if (wec) return;
                          self->ReadBody();
                        });
      return;
    }
    ReadBody();
  }

  void ReadBody() {
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&Session::OnRead, shared_from_this()));
  }

  void OnRead(beast::error_code ec, size_t) {
    if (ec == http::error::end_of_stream || ec == http::error::partial_message) {
      return DoClose(false);
    }
    if (ec == beast::error::timeout || ec == asio::error::operation_aborted) return;
    if (ec && ec.category() != http::make_error_code(http::error::bad_target).category()) {
      return;  // a socket error: the peer is gone
    }
    busy_ = true;
    start_ = SteadyClock::now();
    request_id_ = NewRequestId();
    server_->RequestBegun();
    const auto& msg = parser_->get();
    method_ = MethodLabel(parser_->is_header_done() ? msg.method() : Verb::unknown);
    is_head_ = parser_->is_header_done() && msg.method() == Verb::head;
    version_ = parser_->is_header_done() ? msg.version() : 11;
    keep_alive_ = false;

    if (ec) {  // a malformed or oversized request: answer and close
      std::string instance(internal::SplitTarget(msg.target()).first);
      is_api_ = IsApiPath(instance);
      Response r;
      if (ec == http::error::body_limit) {
        r = ProblemResponse(Error(Error::Kind::kPayloadTooLarge, "request.too-large", "请求体过大",
                                  "the request body is too large",
                                  "limit " + std::to_string(body_limit_) + " bytes"),
                            instance, request_id_);
      } else if (ec == http::error::header_limit) {
        r = internal::ProblemWithStatus(
            431,
            Error(Error::Kind::kPayloadTooLarge, "request.headers-too-large", "请求头过大",
                  "the request headers are too large"),
            instance, request_id_);
      } else {
        r = ProblemResponse(Error::Invalid("request.malformed", "请求格式错误",
                                           "the request is not valid HTTP/1.1", ec.message()),
                            instance, request_id_);
      }
      return Write(Outcome{std::move(r), "unmatched"}, /*linger=*/true);
    }

    Request req;
    req.method = msg.method();
    req.target = std::string(msg.target());
    auto [raw_path, raw_query] = internal::SplitTarget(req.target);
    bool target_ok = true;
    if (auto path = internal::PercentDecode(raw_path, false)) {
      req.path = std::move(*path);
    } else {
      req.path = std::string(raw_path);
      target_ok = false;
    }
    if (auto query = internal::ParseQuery(raw_query)) {
      req.query = std::move(*query);
    } else {
      target_ok = false;
    }
    for (const auto& field : msg) {
      std::string name = Lower(field.name_string());
      auto [it, inserted] = req.headers.emplace(name, std::string(field.value()));
      if (!inserted) {
        it->second += name == "cookie" ? "; " : ", ";
        it->second += field.value();
      }
    }
    keep_alive_ = parser_->keep_alive();
    req.body = std::move(parser_->release().body());
    req.remote_ip = remote_ip_;
    req.request_id = request_id_;
    is_api_ = IsApiPath(req.path);

    // An answer at hand (a route's try_inline) is written at once, from this I/O thread.
    bool resolved = false;
    if (target_ok) {
      if (std::optional<Outcome> out = server_->TryInline(req, &resolved)) {
        return Write(std::move(*out), false);
      }
    }
    // Handlers may block (database): run them on the worker pool, write on the strand.
    asio::post(*server_->workers, [self = shared_from_this(), req = std::move(req), target_ok,
                                   resolved,
                                   work = asio::make_work_guard(stream_.get_executor())]() mutable {
      Outcome out = self->server_->Dispatch(req, target_ok, resolved);
      asio::post(self->stream_.get_executor(),
                 [self, out = std::move(out)]() mutable { self->Write(std::move(out), false); });
    });
  }

  // Writes the response: the head is formatted here into a buffer the session keeps (no
  // per-field allocations as with a beast::http::response), then head and body go out in one
  // gathered write.
  void Write(Outcome out, bool linger) {
    Response& r = out.response;
    route_ = std::move(out.route_name);
    status_ = r.status;
    const bool keep_alive = keep_alive_ && !linger && !server_->stopping_flag;
    // 1xx, 204 and 304 have no body and no Content-Length (RFC 9110 §8.6).
    const bool bodiless = r.status < 200 || r.status == 204 || r.status == 304;
    head_.clear();
    head_.append(version_ == 10 ? "HTTP/1.0 " : "HTTP/1.1 ");
    AppendNumber(head_, r.status);
    head_.append(1, ' ').append(http::obsolete_reason(static_cast<http::status>(r.status)));
    head_.append("\r\n");
    if (!r.content_type.empty()) AppendField("Content-Type", r.content_type);
    bool has_cache_control = false;
    for (const auto& [name, value] : r.headers) {
      if (beast::iequals(name, "cache-control")) has_cache_control = true;
      AppendField(name, value);
    }
    AppendField("X-Request-Id", request_id_);
    head_.append(kSecurityHeaders);
    if (is_api_ && !has_cache_control) AppendField("Cache-Control", "no-store");
    if (version_ == 10 && keep_alive) AppendField("Connection", "keep-alive");
    if (version_ != 10 && !keep_alive) AppendField("Connection", "close");
    if (!bodiless) {
      head_.append("Content-Length: ");
      AppendNumber(head_, r.body.size());
      head_.append("\r\n");
    }
    head_.append("\r\n");
    body_ = bodiless || is_head_ ? std::string() : std::move(r.body);
    bytes_ = body_.size();
    stream_.expires_after(server_->options.read_timeout);
    const std::array<asio::const_buffer, 2> buffers{asio::buffer(head_), asio::buffer(body_)};
    asio::async_write(stream_, buffers,
                      [self = shared_from_this(), keep_alive, linger](
                          beast::error_code ec, size_t) { self->OnWrite(keep_alive, linger, ec); });
  }

  static void AppendNumber(std::string& out, uint64_t n) {
    char digits[20];
    size_t i = sizeof digits;
    do {
      digits[--i] = static_cast<char>('0' + n % 10);
      n /= 10;
    } while (n != 0);
    out.append(digits + i, sizeof digits - i);
  }

  // "Name: value\r\n". A field that could split the head (CR, LF or NUL in it) is dropped:
  // handlers never make one on purpose.
  void AppendField(std::string_view name, std::string_view value) {
    constexpr std::string_view kBreaks("\r\n\0", 3);
    if (name.empty() || name.find_first_of(kBreaks) != std::string_view::npos ||
        name.find(':') != std::string_view::npos ||
        value.find_first_of(kBreaks) != std::string_view::npos) {
      spdlog::warn("response header dropped id={} name=\"{}\"", request_id_,
                   name.substr(0, name.find_first_of(kBreaks)));
      return;
    }
    head_.append(name).append(": ").append(value).append("\r\n");
  }

  void OnWrite(bool keep_alive, bool linger, beast::error_code ec) {
    double seconds = std::chrono::duration<double>(SteadyClock::now() - start_).count();
    server_->metrics.ObserveRequest(route_, method_, status_, seconds);
    spdlog::info("request id={} method={} route={} status={} ms={:.2f} ip={} bytes={}{}",
                 request_id_, method_, route_, status_, seconds * 1000, remote_ip_, bytes_,
                 ec ? " write_error=" + ec.message() : std::string());
    server_->RequestEnded();
    busy_ = false;
    if (ec) return;
    if (!keep_alive) return DoClose(linger);
    DoRead();
  }

  // Half-closes; with `linger`, reads and discards what the peer still sends (for a while) so
  // that it can read our answer instead of getting a reset.
  void DoClose(bool linger) {
    boost::system::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    if (!linger || ec) return;
    stream_.expires_after(kLingerTimeout);
    DoDrain();
  }

  void DoDrain() {
    stream_.async_read_some(asio::buffer(drain_),
                            [self = shared_from_this()](beast::error_code ec, size_t) {
                              if (!ec) self->DoDrain();
                            });
  }

  ServerCore* server_;
  std::shared_ptr<SessionRegistry> registry_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  size_t body_limit_ = 0;  // of the request being read
  std::array<char, 4096> drain_{};
  std::string head_;  // the response head being written (its capacity is kept between requests)
  std::string body_;  // the response body being written
  std::string remote_ip_;
  // The request being served.
  bool busy_ = false;
  SteadyClock::time_point start_;
  std::string request_id_;
  std::string method_;
  std::string route_;
  unsigned status_ = 0;
  unsigned version_ = 11;
  size_t bytes_ = 0;
  bool is_head_ = false;
  bool is_api_ = false;
  bool keep_alive_ = false;
};

// A handler that threw: logged with the request id and route (never the request's content),
// answered as a 500 problem.
Outcome HandlerFailure(const Request& req, const std::string& route_name, const char* what) {
  spdlog::error("handler exception id={} route={} what=\"{}\"", req.request_id, route_name,
                what != nullptr ? what : "unknown");
  return Outcome{ProblemResponse(Error::Internal("internal", ""), req.path, req.request_id),
                 route_name};
}

Outcome ServerCore::Dispatch(Request& req, bool target_ok, bool resolved) {
  std::string route_name = "unmatched";
  try {
    return DispatchUnguarded(req, target_ok, resolved, route_name);
  } catch (const std::exception& e) {
    return HandlerFailure(req, route_name, e.what());
  } catch (...) {
    return HandlerFailure(req, route_name, nullptr);
  }
}

// The refusal of a caller whose role the route does not allow: 401 when anonymous, else 403.
Error RoleRefusal(const Principal& principal) {
  if (!principal.IsAuthenticated()) {
    return Error(Error::Kind::kUnauthenticated, "auth.required", "请先登录", "sign-in required");
  }
  return Error(Error::Kind::kPermissionDenied, "auth.forbidden", "无权执行此操作",
               "not allowed for your role");
}

std::optional<Outcome> ServerCore::TryInline(Request& req, bool* resolved) {
  *resolved = false;
  if (!inline_authenticator) return std::nullopt;
  std::string route_name = "unmatched";
  try {
    RouteMatch match = router.Match(req.method, req.path);
    if (match.route == nullptr || !match.route->try_inline) return std::nullopt;
    const Route& route = *match.route;
    route_name = route.name;
    std::optional<Result<Principal>> principal = inline_authenticator(req);
    if (!principal) return std::nullopt;
    if (!*principal) {
      return Outcome{ProblemResponse(principal->error(), req.path, req.request_id), route_name};
    }
    req.principal = std::move(**principal);
    *resolved = true;
    if (!RoleAllowed(route, req.principal.role)) return std::nullopt;  // refused on the worker
    req.path_params = std::move(match.path_params);
    std::optional<Result<Response>> result = route.try_inline(req);
    if (!result) return std::nullopt;
    if (!*result) {
      return Outcome{ProblemResponse(result->error(), req.path, req.request_id), route_name};
    }
    return Outcome{std::move(**result), route_name};
  } catch (const std::exception& e) {
    return HandlerFailure(req, route_name, e.what());
  } catch (...) {
    return HandlerFailure(req, route_name, nullptr);
  }
}

Outcome ServerCore::DispatchUnguarded(Request& req, bool target_ok, bool resolved,
                                      std::string& route_name) {
  auto problem = [&](const Error& e) {
    return Outcome{ProblemResponse(e, req.path, req.request_id), route_name};
  };
  if (!target_ok) {
    return problem(Error::Invalid("request.bad-target", "请求地址格式错误",
                                  "the request target has a malformed percent escape"));
  }
  RouteMatch match = router.Match(req.method, req.path);
  if (match.route != nullptr) {
    const Route& route = *match.route;
    route_name = route.name;
    req.path_params = std::move(match.path_params);
    if (authenticator && !resolved) {
      Result<Principal> principal = authenticator(req);
      if (!principal) return problem(principal.error());
      req.principal = std::move(*principal);
    }
    if (!RoleAllowed(route, req.principal.role)) return problem(RoleRefusal(req.principal));
    Result<Response> result = route.handler(req);
    if (!result) return problem(result.error());
    return Outcome{std::move(*result), route_name};
  }
  if (match.path_exists) {
    Outcome out{internal::ProblemWithStatus(
                    405,
                    Error(Error::Kind::kInvalidArgument, "request.method-not-allowed",
                          "不支持该请求方法", "method not allowed for this resource"),
                    req.path, req.request_id),
                route_name};
    out.response.headers.emplace_back("Allow", internal::AllowedMethods(router, req.path));
    return out;
  }
  if (!IsApiPath(req.path) && (req.method == Verb::get || req.method == Verb::head)) {
    if (std::optional<Response> file = static_files.Serve(req.path)) {
      route_name = "static";
      return Outcome{std::move(*file), route_name};
    }
  }
  return problem(Error::NotFound("route.not-found", "未找到", "not found"));
}

Result<void> ServerCore::Start() {
  {
    std::lock_guard<std::mutex> lock(mu);
    if (started) return Error::Internal("server.started", "Start() called twice");
  }
  auto fail = [](const std::string& what, const boost::system::error_code& ec) {
    return Error(Error::Kind::kUnavailable, "server.listen", "无法监听端口",
                 "cannot listen on the address", what + ": " + ec.message());
  };
  boost::system::error_code ec;
  asio::ip::address address = asio::ip::make_address(options.address, ec);
  if (ec) return fail("address " + options.address, ec);
  tcp::endpoint endpoint(address, options.port);
  acceptor.open(endpoint.protocol(), ec);
  if (ec) return fail("open", ec);
  acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (ec) return fail("reuse_address", ec);
  acceptor.bind(endpoint, ec);
  if (ec) return fail("bind " + options.address + ":" + std::to_string(options.port), ec);
  acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return fail("listen", ec);
  bound_port = acceptor.local_endpoint(ec).port();

  metrics.AddGauge("zhijian_http_connections_open", "Open HTTP connections.",
                   [reg = registry] { return static_cast<double>(reg->open.load()); });
  metrics.AddGauge("zhijian_http_requests_in_flight", "HTTP requests being served.",
                   [g = in_flight_gauge] { return static_cast<double>(g->load()); });

  workers = std::make_unique<asio::thread_pool>(std::max(1, options.worker_threads));
  DoAccept();
  {
    std::lock_guard<std::mutex> lock(mu);
    started = true;
    io_running = std::max(1, options.io_threads);
  }
  for (int i = 0; i < std::max(1, options.io_threads); ++i) {
    io_threads.emplace_back([this] {
      ioc.run();
      {
        std::lock_guard<std::mutex> lock(mu);
        --io_running;
      }
      cv.notify_all();
    });
  }
  spdlog::info("http listening address={} port={}", options.address, bound_port);
  return Ok();
}

void ServerCore::DoAccept() {
  acceptor.async_accept(asio::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
    if (!acceptor.is_open()) return;
    if (!ec) {
      std::make_shared<Session>(std::move(socket), this)->Start();
      return DoAccept();
    }
    // E.g. out of file descriptors: back off a little instead of spinning.
    spdlog::warn("http accept failed: {}", ec.message());
    accept_backoff.expires_after(std::chrono::milliseconds(100));
    accept_backoff.async_wait([this](beast::error_code wait_ec) {
      if (!wait_ec && acceptor.is_open()) DoAccept();
    });
  });
}

void ServerCore::Stop() {
  std::lock_guard<std::mutex> lock(mu);
  if (!started || stopping) return;
  stopping = true;
  stopping_flag = true;
  stopper = std::thread([this] { Shutdown(); });
}

void ServerCore::Shutdown() {
  asio::post(acceptor.get_executor(), [this] {
    boost::system::error_code ec;
    acceptor.close(ec);
    accept_backoff.cancel();
  });
  auto close_sessions = [this](bool only_if_idle) {
    std::vector<std::shared_ptr<Session>> alive;
    {
      std::lock_guard<std::mutex> lock(registry->mu);
      for (auto& [_, weak] : registry->sessions) {
        if (auto s = weak.lock()) alive.push_back(std::move(s));
      }
    }
    for (auto& s : alive) s->Close(only_if_idle);
  };
  close_sessions(/*only_if_idle=*/true);
  {
    std::unique_lock<std::mutex> lock(mu);
    bool drained = cv.wait_for(lock, options.shutdown_grace, [this] { return in_flight == 0; });
    if (!drained) spdlog::warn("http shutdown: {} requests still in flight", in_flight);
  }
  close_sessions(/*only_if_idle=*/false);
  workers->join();
  {
    std::unique_lock<std::mutex> lock(mu);
    if (!cv.wait_for(lock, kIoDrainTimeout, [this] { return io_running == 0; })) ioc.stop();
  }
  for (std::thread& t : io_threads) t.join();
  {
    std::lock_guard<std::mutex> lock(mu);
    stopped = true;
  }
  cv.notify_all();
  spdlog::info("http stopped port={}", bound_port);
}

void ServerCore::Wait() {
  std::unique_lock<std::mutex> lock(mu);
  cv.wait(lock, [this] { return !started || stopped; });
}

}  // namespace

struct HttpServer::Impl : ServerCore {
  using ServerCore::ServerCore;
};

HttpServer::HttpServer(ServerOptions options, const Router& router, Authenticator authenticator,
                       Metrics& metrics, InlineAuthenticator inline_authenticator)
    : impl_(std::make_unique<Impl>(std::move(options), router, std::move(authenticator), metrics,
                                   std::move(inline_authenticator))) {}

HttpServer::~HttpServer() {
  impl_->Stop();
  impl_->Wait();
  std::thread stopper;
  {
    std::lock_guard<std::mutex> lock(impl_->mu);
    stopper = std::move(impl_->stopper);
  }
  if (stopper.joinable()) stopper.join();
}

Result<void> HttpServer::Start() { return impl_->Start(); }
uint16_t HttpServer::port() const { return impl_->bound_port; }
void HttpServer::Stop() { impl_->Stop(); }
void HttpServer::Wait() { impl_->Wait(); }

}  // namespace zhijian::server
