// A small synchronous HTTP/1.1 client for tests (Boost.Beast), talking to 127.0.0.1.
//
// Purpose: lets server and end-to-end tests send requests and inspect status, headers and
// body. Cookies are not stored: pass a "Cookie" header yourself (take it from the "set-cookie"
// response header). When a body is given without a Content-Type header, "application/json" is
// sent.
//
//   HttpResponse r = Request(port, "POST", "/api/v1/login", R"({"u":"a"})");
//   EXPECT_EQ(r.status, 200u);
//   std::string cookie = r.Header("set-cookie");
//
// Errors: never throws; a transport failure gives status 0 and a message in `error`.
// Thread-safety: free functions are thread-safe; an HttpConnection is used by one thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace zhijian::test {

struct HttpResponse {
  unsigned status = 0;                              // 0: transport error, see `error`
  std::multimap<std::string, std::string> headers;  // lower-case names
  std::string body;
  std::string error;

  // The first value of header `lower_name`, or "".
  std::string Header(const std::string& lower_name) const;
  // Every value of header `lower_name` (e.g. several "set-cookie").
  std::vector<std::string> Headers(const std::string& lower_name) const;
};

using HeaderList = std::vector<std::pair<std::string, std::string>>;

// One request on a fresh connection ("Connection: close").
HttpResponse Request(uint16_t port, const std::string& method, const std::string& target,
                     const std::string& body = "", const HeaderList& headers = {});

// Sends `bytes` as they are on a fresh connection, half-closes nothing, and returns everything
// the server sends until it closes the connection or `timeout` passes.
std::string SendRaw(uint16_t port, const std::string& bytes,
                    std::chrono::milliseconds timeout = std::chrono::milliseconds(5000));

// A keep-alive connection: several requests on one socket.
class HttpConnection {
 public:
  explicit HttpConnection(uint16_t port);
  ~HttpConnection();
  HttpConnection(const HttpConnection&) = delete;
  HttpConnection& operator=(const HttpConnection&) = delete;

  bool connected() const;
  HttpResponse Request(const std::string& method, const std::string& target,
                       const std::string& body = "", const HeaderList& headers = {});
  // True when the server has closed the connection (a read sees end of stream).
  bool ClosedByServer();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace zhijian::test
