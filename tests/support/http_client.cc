#include "tests/support/http_client.h"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cctype>
#include <optional>

namespace zhijian::test {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

http::request<http::string_body> BuildRequest(uint16_t port, const std::string& method,
                                              const std::string& target, const std::string& body,
                                              const HeaderList& headers, bool keep_alive) {
  http::request<http::string_body> req;
  req.method_string(method);
  req.target(target);
  req.version(11);
  req.set(http::field::host, "127.0.0.1:" + std::to_string(port));
  bool has_content_type = false;
  for (const auto& [name, value] : headers) {
    if (beast::iequals(name, "content-type")) has_content_type = true;
    req.insert(name, value);
  }
  if (!body.empty() && !has_content_type) req.set(http::field::content_type, "application/json");
  req.body() = body;
  req.keep_alive(keep_alive);
  if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH") {
    req.prepare_payload();
  }
  return req;
}

// Sends one request and reads one response on `stream`.
HttpResponse RoundTrip(beast::tcp_stream& stream, beast::flat_buffer& buffer,
                       const http::request<http::string_body>& req) {
  HttpResponse out;
  beast::error_code ec;
  stream.expires_after(std::chrono::seconds(30));
  http::write(stream, req, ec);
  // A write error may still leave the server's answer readable (e.g. 413 before the whole body
  // was sent): try to read regardless.
  std::string write_error = ec ? ec.message() : std::string();
  http::response_parser<http::string_body> parser;
  parser.body_limit(256 * 1024 * 1024);
  if (req.method() == http::verb::head) parser.skip(true);
  stream.expires_after(std::chrono::seconds(30));
  http::read(stream, buffer, parser, ec);
  if (ec) {
    out.error = ec.message() + (write_error.empty() ? "" : " (write: " + write_error + ")");
    return out;
  }
  const auto& res = parser.get();
  out.status = res.result_int();
  for (const auto& field : res) {
    out.headers.emplace(Lower(field.name_string()), std::string(field.value()));
  }
  out.body = res.body();
  return out;
}

}  // namespace

std::string HttpResponse::Header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  return it == headers.end() ? std::string() : it->second;
}

std::vector<std::string> HttpResponse::Headers(const std::string& lower_name) const {
  std::vector<std::string> out;
  auto [begin, end] = headers.equal_range(lower_name);
  for (auto it = begin; it != end; ++it) out.push_back(it->second);
  return out;
}

HttpResponse Request(uint16_t port, const std::string& method, const std::string& target,
                     const std::string& body, const HeaderList& headers) {
  HttpConnection conn(port);
  if (!conn.connected()) {
    HttpResponse r;
    r.error = "connect failed";
    return r;
  }
  HeaderList with_close = headers;
  with_close.emplace_back("Connection", "close");
  return conn.Request(method, target, body, with_close);
}

std::string SendRaw(uint16_t port, const std::string& bytes, std::chrono::milliseconds timeout) {
  asio::io_context ioc;
  beast::tcp_stream stream(ioc);
  beast::error_code ec;
  stream.expires_after(timeout);
  stream.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), ec);
  if (ec) return {};
  asio::write(stream, asio::buffer(bytes), ec);
  std::string out;
  std::array<char, 4096> buf{};
  while (true) {
    size_t n = stream.read_some(asio::buffer(buf), ec);
    out.append(buf.data(), n);
    if (ec) break;
  }
  return out;
}

struct HttpConnection::Impl {
  asio::io_context ioc;
  beast::tcp_stream stream{ioc};
  beast::flat_buffer buffer;
  uint16_t port = 0;
  bool connected = false;
};

HttpConnection::HttpConnection(uint16_t port) : impl_(std::make_unique<Impl>()) {
  impl_->port = port;
  beast::error_code ec;
  impl_->stream.expires_after(std::chrono::seconds(10));
  impl_->stream.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), ec);
  impl_->connected = !ec;
}

HttpConnection::~HttpConnection() {
  beast::error_code ec;
  impl_->stream.socket().shutdown(tcp::socket::shutdown_both, ec);
}

bool HttpConnection::connected() const { return impl_->connected; }

HttpResponse HttpConnection::Request(const std::string& method, const std::string& target,
                                     const std::string& body, const HeaderList& headers) {
  bool keep_alive = true;
  for (const auto& [name, value] : headers) {
    if (beast::iequals(name, "connection") && beast::iequals(value, "close")) keep_alive = false;
  }
  HeaderList rest;
  for (const auto& h : headers) {
    if (!beast::iequals(h.first, "connection")) rest.push_back(h);
  }
  auto req = BuildRequest(impl_->port, method, target, body, rest, keep_alive);
  return RoundTrip(impl_->stream, impl_->buffer, req);
}

bool HttpConnection::ClosedByServer() {
  beast::error_code ec;
  std::array<char, 1> one{};
  impl_->stream.expires_after(std::chrono::seconds(5));
  impl_->stream.read_some(asio::buffer(one), ec);
  return ec == asio::error::eof || ec == asio::error::connection_reset;
}

}  // namespace zhijian::test
