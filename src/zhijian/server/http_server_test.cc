#include "zhijian/server/http_server.h"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/json.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <regex>
#include <stdexcept>
#include <thread>

#include "tests/support/http_client.h"
#include "zhijian/server/json_body.h"
#include "zhijian/server/problem.h"

namespace zhijian::server {
namespace {

namespace fs = std::filesystem;
using test::HttpConnection;
using test::HttpResponse;

boost::json::object JsonOf(const HttpResponse& r) {
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(r.body, ec);
  if (ec || !v.is_object()) return {};
  return v.as_object();
}

std::string CodeOf(const HttpResponse& r) {
  auto o = JsonOf(r);
  return o.contains("code") ? std::string(o.at("code").as_string()) : std::string();
}

// Authenticates by a test header: "x-test-user: admin|inspector|bad".
Result<Principal> TestAuthenticator(const Request& req) {
  std::string who = req.Header("x-test-user");
  Principal p;
  if (who == "admin") {
    p.role = Role::kAdmin;
    p.user_id = 1;
    p.username = "root";
    p.via = "apikey";
  } else if (who == "inspector") {
    p.role = Role::kInspector;
    p.user_id = 2;
    p.username = "li";
    p.via = "apikey";
  } else if (who == "bad") {
    return Error(Error::Kind::kUnauthenticated, "auth.bad-key", "密钥无效", "invalid API key");
  }
  return p;
}

class HttpServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    static_dir_ = fs::temp_directory_path() /
                  ("zj_http_test_" + std::to_string(::getpid()) + "_" +
                   ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(static_dir_);
    fs::create_directories(static_dir_ / "dist" / "assets");
    std::ofstream(static_dir_ / "dist" / "index.html") << "<!doctype html><div id=app></div>";
    std::ofstream(static_dir_ / "dist" / "assets" / "index-abc123.js") << "export{}";
    std::ofstream(static_dir_ / "secret.txt") << "top secret";

    router_.Add({Verb::get, "/api/v1/ping", "ping", Everyone(),
                 [](Request&) -> Result<Response> { return Response::Json(R"({"pong":true})"); }});
    router_.Add({Verb::get, "/api/v1/items/{id}", "items.get", Everyone(),
                 [](Request& req) -> Result<Response> {
                   boost::json::object o;
                   o["id"] = req.path_params.at("id");
                   o["q"] = req.Query("q").value_or("<none>");
                   o["path"] = req.path;
                   o["request_id"] = req.request_id;
                   o["ip"] = req.remote_ip;
                   return JsonResponse(o);
                 }});
    router_.Add(
        {Verb::post, "/api/v1/echo", "echo", Everyone(), [](Request& req) -> Result<Response> {
           ZJ_ASSIGN_OR_RETURN(boost::json::object body, ParseJsonObject(req));
           ZJ_ASSIGN_OR_RETURN(std::string name, RequiredString(body, "name"));
           return JsonResponse(boost::json::object{{"name", name}}, 201);
         }});
    router_.Add({Verb::get,
                 "/api/v1/admin",
                 "admin.only",
                 {Role::kAdmin},
                 [](Request& req) -> Result<Response> {
                   return JsonResponse(boost::json::object{{"user", req.principal.username}});
                 }});
    Route upload{Verb::post, "/api/v1/upload", "upload", Everyone(),
                 [](Request& req) -> Result<Response> {
                   return JsonResponse(boost::json::object{{"bytes", req.body.size()}});
                 }};
    upload.body_limit = 8192;
    router_.Add(std::move(upload));
    router_.Add({Verb::get, "/api/v1/boom", "boom", Everyone(),
                 [](Request&) -> Result<Response> { throw std::runtime_error("kaput"); }});
    router_.Add(
        {Verb::get, "/api/v1/limited", "limited", Everyone(), [](Request& req) -> Result<Response> {
           Response r = ProblemResponse(Error(Error::Kind::kTooManyRequests, "rate.limited",
                                              "请求过多", "too many requests"),
                                        req.path, req.request_id);
           r.headers.emplace_back("Retry-After", "30");
           return r;
         }});
    router_.Add(
        {Verb::get, "/api/v1/slow", "slow", Everyone(), [this](Request&) -> Result<Response> {
           slow_started_ = true;
           std::this_thread::sleep_for(std::chrono::milliseconds(600));
           return Response::Json(R"({"slow":"done"})");
         }});
    router_.Add(
        {Verb::get, "/metrics", "metrics", Everyone(), [this](Request&) -> Result<Response> {
           Response r;
           r.content_type = "text/plain; version=0.0.4; charset=utf-8";
           r.body = metrics_.Render();
           return r;
         }});
  }

  void TearDown() override {
    server_.reset();
    fs::remove_all(static_dir_);
  }

  uint16_t StartServer(ServerOptions options = {}) {
    options.port = 0;
    options.body_limit = 1024;
    if (options.static_dir.empty()) options.static_dir = (static_dir_ / "dist").string();
    server_ = std::make_unique<HttpServer>(options, router_,
                                           authenticator_ ? authenticator_ : TestAuthenticator,
                                           metrics_, inline_authenticator_);
    Result<void> started = server_->Start();
    EXPECT_TRUE(started.ok()) << (started.ok() ? "" : started.error().ToString());
    EXPECT_NE(server_->port(), 0);
    return server_->port();
  }

  fs::path static_dir_;
  Authenticator authenticator_;  // TestAuthenticator when empty
  InlineAuthenticator inline_authenticator_;
  Router router_;
  Metrics metrics_;
  std::unique_ptr<HttpServer> server_;
  std::atomic<bool> slow_started_{false};
};

// A route's try_inline answers on the I/O thread: with the only worker blocked, its answers still
// come; a miss falls back to the handler on the worker without resolving the caller twice; callers
// the inline authenticator cannot resolve take the ordinary path.
TEST_F(HttpServerTest, TryInlineAnswersWithoutTheWorkerPool) {
  std::atomic<int> full{0};
  std::atomic<bool> gate_entered{false};
  std::promise<void> open;
  std::shared_future<void> gate = open.get_future().share();
  router_.Add({Verb::get, "/api/v1/gate", "gate", Everyone(),
               [gate, &gate_entered](Request&) -> Result<Response> {
                 gate_entered = true;
                 gate.wait();
                 return Response::Json("{}");
               }});
  auto answer = [](Request& req) -> std::optional<Result<Response>> {
    const std::string& x = req.path_params.at("x");
    if (x == "miss") return std::nullopt;
    if (x == "bad") return Result<Response>(Error::NotFound("fast.none", "无", "none"));
    return Result<Response>(Response::Json("\"inline " + x + "\""));
  };
  auto worker = [](Request& req) -> Result<Response> {
    return Response::Json("\"worker " + req.path_params.at("x") + "\"");
  };
  Route fast{Verb::get, "/api/v1/fast/{x}", "fast", Everyone(), worker};
  fast.try_inline = answer;
  router_.Add(std::move(fast));
  Route admin_fast{Verb::get, "/api/v1/admin-fast/{x}", "admin-fast", {Role::kAdmin}, worker};
  admin_fast.try_inline = answer;
  router_.Add(std::move(admin_fast));
  authenticator_ = [&full](const Request& req) {
    ++full;
    return TestAuthenticator(req);
  };
  inline_authenticator_ = [](const Request& req) -> std::optional<Result<Principal>> {
    if (!req.Header("x-test-user").empty()) return std::nullopt;
    if (req.Query("limit")) {
      return Result<Principal>(Error::TooManyRequests("rate.limited", "请求过多", "too many", 7));
    }
    return Result<Principal>(Principal{});
  };
  ServerOptions options;
  options.worker_threads = 1;
  const uint16_t port = StartServer(options);
  auto blocked =
      std::async(std::launch::async, [port] { return test::Request(port, "GET", "/api/v1/gate"); });
  while (!gate_entered) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  EXPECT_EQ(full.load(), 1);

  HttpResponse r = test::Request(port, "GET", "/api/v1/fast/a");  // the worker is blocked
  EXPECT_EQ(r.status, 200u) << r.error;
  EXPECT_EQ(r.body, "\"inline a\"");
  EXPECT_EQ(r.Header("cache-control"), "no-store");
  EXPECT_EQ(r.Header("x-frame-options"), "DENY");
  EXPECT_TRUE(std::regex_match(r.Header("x-request-id"), std::regex("[0-9a-f]{16}")));
  r = test::Request(port, "GET", "/api/v1/fast/bad");
  EXPECT_EQ(r.status, 404u);
  EXPECT_EQ(CodeOf(r), "fast.none");
  EXPECT_EQ(r.Header("content-type"), "application/problem+json");
  r = test::Request(port, "GET", "/api/v1/fast/a?limit=1");
  EXPECT_EQ(r.status, 429u);
  EXPECT_EQ(CodeOf(r), "rate.limited");
  EXPECT_EQ(full.load(), 1);
  EXPECT_FALSE(blocked.wait_for(std::chrono::milliseconds(0)) == std::future_status::ready);
  open.set_value();
  EXPECT_EQ(blocked.get().status, 200u);

  // A miss: the handler, on the worker, with the caller resolved once (inline).
  r = test::Request(port, "GET", "/api/v1/fast/miss");
  EXPECT_EQ(r.body, "\"worker miss\"");
  EXPECT_EQ(full.load(), 1);
  // A caller with credentials: the authenticator and the handler, on the worker.
  r = test::Request(port, "GET", "/api/v1/fast/a", "", {{"X-Test-User", "admin"}});
  EXPECT_EQ(r.body, "\"worker a\"");
  EXPECT_EQ(full.load(), 2);
  // Roles hold on both paths.
  r = test::Request(port, "GET", "/api/v1/admin-fast/a");
  EXPECT_EQ(r.status, 401u);
  EXPECT_EQ(CodeOf(r), "auth.required");
  r = test::Request(port, "GET", "/api/v1/admin-fast/a", "", {{"X-Test-User", "inspector"}});
  EXPECT_EQ(r.status, 403u);
  r = test::Request(port, "GET", "/api/v1/admin-fast/a", "", {{"X-Test-User", "admin"}});
  EXPECT_EQ(r.body, "\"worker a\"");
  // Inline answers are counted like the others.
  const std::string text = metrics_.Render();
  EXPECT_NE(text.find("route=\"fast\",method=\"GET\",status=\"200\"} 3"), std::string::npos)
      << text;
}

TEST_F(HttpServerTest, ServesRouteWithStandardHeaders) {
  uint16_t port = StartServer();
  HttpResponse r = test::Request(port, "GET", "/api/v1/ping");
  ASSERT_EQ(r.status, 200u) << r.error;
  EXPECT_EQ(r.body, R"({"pong":true})");
  EXPECT_EQ(r.Header("content-type"), "application/json; charset=utf-8");
  EXPECT_TRUE(std::regex_match(r.Header("x-request-id"), std::regex("[0-9a-f]{16}")))
      << r.Header("x-request-id");
  EXPECT_EQ(r.Header("x-content-type-options"), "nosniff");
  EXPECT_EQ(r.Header("referrer-policy"), "no-referrer");
  EXPECT_EQ(r.Header("x-frame-options"), "DENY");
  EXPECT_NE(r.Header("content-security-policy").find("default-src 'self'"), std::string::npos);
  EXPECT_EQ(r.Header("content-security-policy").find("script-src 'unsafe-inline'"),
            std::string::npos);
  EXPECT_EQ(r.Header("cache-control"), "no-store");

  HttpResponse again = test::Request(port, "GET", "/api/v1/ping");
  EXPECT_NE(again.Header("x-request-id"), r.Header("x-request-id"));
}

TEST_F(HttpServerTest, UnknownRouteIs404AndWrongMethodIs405) {
  uint16_t port = StartServer();
  HttpResponse nf = test::Request(port, "GET", "/api/v1/nothing");
  EXPECT_EQ(nf.status, 404u);
  EXPECT_EQ(nf.Header("content-type"), "application/problem+json");
  EXPECT_EQ(CodeOf(nf), "route.not-found");
  auto body = JsonOf(nf);
  EXPECT_EQ(body.at("instance").as_string(), "/api/v1/nothing");
  EXPECT_EQ(body.at("request_id").as_string(), nf.Header("x-request-id"));

  HttpResponse na = test::Request(port, "DELETE", "/api/v1/ping");
  EXPECT_EQ(na.status, 405u);
  EXPECT_EQ(na.Header("allow"), "GET");
  EXPECT_EQ(CodeOf(na), "request.method-not-allowed");
  EXPECT_EQ(JsonOf(na).at("status").to_number<int>(), 405);

  // An unknown method on an API path, and HEAD on an API route (not a static file).
  EXPECT_EQ(test::Request(port, "BREW", "/api/v1/ping").status, 405u);
  EXPECT_EQ(test::Request(port, "HEAD", "/api/v1/ping").status, 405u);
  EXPECT_EQ(test::Request(port, "BREW", "/api/v1/nothing").status, 404u);
}

TEST_F(HttpServerTest, PathParamsAndQueryAreDecoded) {
  uint16_t port = StartServer();
  HttpResponse r = test::Request(port, "GET", "/api/v1/items/a%20b?q=%E6%B5%8B%E8%AF%95+x&q2=1");
  ASSERT_EQ(r.status, 200u) << r.body;
  auto o = JsonOf(r);
  EXPECT_EQ(o.at("id").as_string(), "a b");
  EXPECT_EQ(o.at("q").as_string(), "测试 x");
  EXPECT_EQ(o.at("path").as_string(), "/api/v1/items/a b");
  EXPECT_EQ(o.at("request_id").as_string(), r.Header("x-request-id"));
  EXPECT_EQ(o.at("ip").as_string(), "127.0.0.1");

  HttpResponse bad = test::Request(port, "GET", "/api/v1/items/x?q=%G0");
  EXPECT_EQ(bad.status, 400u);
  EXPECT_EQ(CodeOf(bad), "request.bad-target");
}

TEST_F(HttpServerTest, JsonBodies) {
  uint16_t port = StartServer();
  HttpResponse ok = test::Request(port, "POST", "/api/v1/echo", R"({"name":"王五"})");
  EXPECT_EQ(ok.status, 201u);
  EXPECT_EQ(JsonOf(ok).at("name").as_string(), "王五");

  HttpResponse malformed = test::Request(port, "POST", "/api/v1/echo", R"({"name": })");
  EXPECT_EQ(malformed.status, 400u);
  EXPECT_EQ(CodeOf(malformed), "request.malformed-json");
  EXPECT_NE(std::string(JsonOf(malformed).at("detail").as_string()).find("at byte 9"),
            std::string::npos)
      << malformed.body;

  HttpResponse media = test::Request(port, "POST", "/api/v1/echo", R"({"name":"x"})",
                                     {{"Content-Type", "text/plain"}});
  EXPECT_EQ(media.status, 415u);
  EXPECT_EQ(CodeOf(media), "request.unsupported-media-type");

  HttpResponse missing = test::Request(port, "POST", "/api/v1/echo", R"({"nom":"x"})");
  EXPECT_EQ(missing.status, 400u);
  EXPECT_EQ(CodeOf(missing), "request.field-missing");
  EXPECT_EQ(JsonOf(missing).at("detail").as_string(), "name");
}

TEST_F(HttpServerTest, BodyOverLimitIs413AndCloses) {
  uint16_t port = StartServer();
  HttpConnection conn(port);
  ASSERT_TRUE(conn.connected());
  std::string big = "{\"name\":\"" + std::string(4000, 'x') + "\"}";
  HttpResponse r = conn.Request("POST", "/api/v1/echo", big);
  ASSERT_EQ(r.status, 413u) << r.error;
  EXPECT_EQ(r.Header("content-type"), "application/problem+json");
  EXPECT_EQ(CodeOf(r), "request.too-large");
  EXPECT_EQ(r.Header("connection"), "close");
  EXPECT_TRUE(conn.ClosedByServer());

  // A body far beyond the limit: the answer still arrives (the server drains before closing).
  HttpResponse huge = test::Request(port, "POST", "/api/v1/echo", std::string(4 << 20, ' '));
  EXPECT_EQ(huge.status, 413u) << huge.error;

  // Just under the limit is fine.
  std::string fits = "{\"name\":\"" + std::string(1000, 'y') + "\"}";
  EXPECT_EQ(test::Request(port, "POST", "/api/v1/echo", fits).status, 201u);
}

TEST_F(HttpServerTest, ARouteMayAllowALargerBody) {
  uint16_t port = StartServer();  // server limit 1024, the upload route 8192
  HttpResponse ok = test::Request(port, "POST", "/api/v1/upload", std::string(8000, 'x'),
                                  {{"Content-Type", "application/octet-stream"}});
  ASSERT_EQ(ok.status, 200u) << ok.error << ok.body;
  EXPECT_EQ(JsonOf(ok).at("bytes").as_int64(), 8000);
  HttpResponse over = test::Request(port, "POST", "/api/v1/upload", std::string(8193, 'x'),
                                    {{"Content-Type", "application/octet-stream"}});
  ASSERT_EQ(over.status, 413u) << over.error;
  EXPECT_EQ(CodeOf(over), "request.too-large");
  EXPECT_NE(JsonOf(over).at("detail").as_string().find("8192"), std::string::npos);
  // Other routes keep the server's limit, even with a body the upload route would take.
  EXPECT_EQ(test::Request(port, "POST", "/api/v1/echo", std::string(2000, ' ')).status, 413u);
  // Chunked bodies are counted as they arrive.
  std::string chunked =
      "POST /api/v1/upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
      "2400\r\n" +
      std::string(0x2400, 'z') + "\r\n0\r\n\r\n";
  EXPECT_NE(test::SendRaw(port, chunked).find("413"), std::string::npos);
  // "Expect: 100-continue" is answered before the body is sent.
  std::string raw =
      test::SendRaw(port,
                    "POST /api/v1/upload HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nExpect: "
                    "100-continue\r\nConnection: close\r\n\r\nabc");
  EXPECT_EQ(raw.rfind("HTTP/1.1 100 Continue\r\n", 0), 0u) << raw;
  EXPECT_NE(raw.find("HTTP/1.1 200 OK"), std::string::npos) << raw;
}

TEST_F(HttpServerTest, RolesGiveUnauthorizedOrForbidden) {
  uint16_t port = StartServer();
  HttpResponse anon = test::Request(port, "GET", "/api/v1/admin");
  EXPECT_EQ(anon.status, 401u);
  EXPECT_EQ(CodeOf(anon), "auth.required");

  HttpResponse inspector =
      test::Request(port, "GET", "/api/v1/admin", "", {{"X-Test-User", "inspector"}});
  EXPECT_EQ(inspector.status, 403u);
  EXPECT_EQ(CodeOf(inspector), "auth.forbidden");

  HttpResponse admin = test::Request(port, "GET", "/api/v1/admin", "", {{"X-Test-User", "admin"}});
  EXPECT_EQ(admin.status, 200u);
  EXPECT_EQ(JsonOf(admin).at("user").as_string(), "root");

  HttpResponse bad = test::Request(port, "GET", "/api/v1/ping", "", {{"X-Test-User", "bad"}});
  EXPECT_EQ(bad.status, 401u);
  EXPECT_EQ(CodeOf(bad), "auth.bad-key");
}

TEST_F(HttpServerTest, HandlerExceptionIs500Problem) {
  uint16_t port = StartServer();
  HttpResponse r = test::Request(port, "GET", "/api/v1/boom");
  EXPECT_EQ(r.status, 500u);
  EXPECT_EQ(CodeOf(r), "internal");
  EXPECT_EQ(r.body.find("kaput"), std::string::npos);  // never leak the exception text
  // The server keeps serving.
  EXPECT_EQ(test::Request(port, "GET", "/api/v1/ping").status, 200u);
}

TEST_F(HttpServerTest, HandlerMayAddRetryAfterToProblem) {
  uint16_t port = StartServer();
  HttpResponse r = test::Request(port, "GET", "/api/v1/limited");
  EXPECT_EQ(r.status, 429u);
  EXPECT_EQ(r.Header("retry-after"), "30");
  EXPECT_EQ(CodeOf(r), "rate.limited");
}

TEST_F(HttpServerTest, StaticFilesAndIndexFallback) {
  uint16_t port = StartServer();
  HttpResponse index = test::Request(port, "GET", "/");
  ASSERT_EQ(index.status, 200u);
  EXPECT_EQ(index.body, "<!doctype html><div id=app></div>");
  EXPECT_EQ(index.Header("content-type"), "text/html; charset=utf-8");
  EXPECT_EQ(index.Header("cache-control"), "no-cache");
  EXPECT_EQ(index.Header("x-frame-options"), "DENY");

  HttpResponse js = test::Request(port, "GET", "/assets/index-abc123.js");
  ASSERT_EQ(js.status, 200u);
  EXPECT_EQ(js.body, "export{}");
  EXPECT_EQ(js.Header("content-type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(js.Header("cache-control"), "public, max-age=31536000, immutable");

  HttpResponse route = test::Request(port, "GET", "/institutions/42/reports");
  EXPECT_EQ(route.status, 200u);
  EXPECT_EQ(route.body, index.body);

  EXPECT_EQ(test::Request(port, "GET", "/assets/missing.js").status, 404u);
  EXPECT_EQ(test::Request(port, "GET", "/api/v1/not-a-client-route").status, 404u);

  HttpResponse head = test::Request(port, "HEAD", "/assets/index-abc123.js");
  EXPECT_EQ(head.status, 200u);
  EXPECT_EQ(head.Header("content-length"), "8");
  EXPECT_EQ(head.body, "");
}

TEST_F(HttpServerTest, TraversalAttemptsAre404) {
  uint16_t port = StartServer();
  for (std::string target :
       {"/../etc/passwd", "/..%2fsecret.txt", "/%2e%2e/secret.txt", "/%2e%2e/%2e%2e/etc/passwd",
        "/assets/..%2f..%2fsecret.txt", "/assets/%2E%2E/%2E%2E/secret.txt", "/index.html%00.js",
        "/..\\secret.txt"}) {
    HttpResponse r = test::Request(port, "GET", target);
    EXPECT_EQ(r.status, 404u) << target << " -> " << r.body;
    EXPECT_EQ(r.body.find("top secret"), std::string::npos) << target;
  }
}

TEST_F(HttpServerTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  uint16_t port = StartServer();
  HttpConnection conn(port);
  ASSERT_TRUE(conn.connected());
  HttpResponse a = conn.Request("GET", "/api/v1/ping");
  HttpResponse b = conn.Request("GET", "/api/v1/items/7");
  EXPECT_EQ(a.status, 200u) << a.error;
  EXPECT_EQ(b.status, 200u) << b.error;
  EXPECT_EQ(JsonOf(b).at("id").as_string(), "7");
  HttpResponse c = conn.Request("GET", "/api/v1/ping", "", {{"Connection", "close"}});
  EXPECT_EQ(c.status, 200u);
  EXPECT_TRUE(conn.ClosedByServer());
}

TEST_F(HttpServerTest, MalformedRequestsGet400Or431) {
  uint16_t port = StartServer();
  std::string garbage = test::SendRaw(port, "NOT HTTP AT ALL\r\n\r\n");
  EXPECT_TRUE(garbage.starts_with("HTTP/1.1 400")) << garbage;
  EXPECT_NE(garbage.find("request.malformed"), std::string::npos);

  std::string huge =
      "GET /api/v1/ping HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(20000, 'a') + "\r\n\r\n";
  std::string r = test::SendRaw(port, huge);
  EXPECT_TRUE(r.starts_with("HTTP/1.1 431")) << r.substr(0, 100);
}

TEST_F(HttpServerTest, ReadTimeoutClosesIdleConnection) {
  ServerOptions options;
  options.read_timeout = std::chrono::seconds(1);
  uint16_t port = StartServer(options);
  auto start = std::chrono::steady_clock::now();
  std::string out = test::SendRaw(port, "GET /api/v1/ping HTTP/1.1\r\nHost: x\r\n",
                                  std::chrono::milliseconds(8000));
  double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(out, "");
  EXPECT_GE(elapsed, 0.9);
  EXPECT_LT(elapsed, 6.0);
}

TEST_F(HttpServerTest, GracefulStopLetsSlowHandlerFinish) {
  uint16_t port = StartServer();
  auto slow =
      std::async(std::launch::async, [port] { return test::Request(port, "GET", "/api/v1/slow"); });
  for (int i = 0; i < 200 && !slow_started_; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_TRUE(slow_started_);
  server_->Stop();
  server_->Wait();
  HttpResponse r = slow.get();
  EXPECT_EQ(r.status, 200u) << r.error;
  EXPECT_EQ(r.body, R"({"slow":"done"})");
  EXPECT_EQ(r.Header("connection"), "close");
  // No longer listening.
  EXPECT_EQ(test::Request(port, "GET", "/api/v1/ping").status, 0u);
}

TEST_F(HttpServerTest, StopClosesIdleKeepAliveConnections) {
  uint16_t port = StartServer();
  HttpConnection conn(port);
  ASSERT_EQ(conn.Request("GET", "/api/v1/ping").status, 200u);
  auto start = std::chrono::steady_clock::now();
  server_->Stop();
  server_->Wait();
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), 3.0);
  EXPECT_TRUE(conn.ClosedByServer());
}

TEST_F(HttpServerTest, MetricsCountRequests) {
  uint16_t port = StartServer();
  HttpConnection conn(port);  // one connection: each request is counted before the next is read
  for (int i = 0; i < 3; ++i) ASSERT_EQ(conn.Request("GET", "/api/v1/ping").status, 200u);
  ASSERT_EQ(conn.Request("GET", "/api/v1/nothing").status, 404u);
  ASSERT_EQ(conn.Request("GET", "/").status, 200u);
  HttpResponse m = conn.Request("GET", "/metrics");
  ASSERT_EQ(m.status, 200u);
  EXPECT_NE(
      m.body.find("zhijian_http_requests_total{route=\"ping\",method=\"GET\",status=\"200\"} 3\n"),
      std::string::npos)
      << m.body;
  EXPECT_NE(
      m.body.find(
          "zhijian_http_requests_total{route=\"unmatched\",method=\"GET\",status=\"404\"} 1\n"),
      std::string::npos);
  EXPECT_NE(m.body.find(
                "zhijian_http_requests_total{route=\"static\",method=\"GET\",status=\"200\"} 1\n"),
            std::string::npos);
  EXPECT_NE(m.body.find("zhijian_http_request_duration_seconds_count{route=\"ping\"} 3\n"),
            std::string::npos);
  EXPECT_NE(m.body.find("zhijian_http_connections_open 1\n"), std::string::npos);
  EXPECT_NE(m.body.find("zhijian_http_requests_in_flight 1\n"), std::string::npos);  // /metrics
}

}  // namespace
}  // namespace zhijian::server
