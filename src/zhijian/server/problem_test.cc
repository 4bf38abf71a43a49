#include "zhijian/server/problem.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace zhijian::server {
namespace {

TEST(ProblemTest, StatusForEveryKind) {
  using K = Error::Kind;
  EXPECT_EQ(HttpStatusFor(K::kInvalidArgument), 400u);
  EXPECT_EQ(HttpStatusFor(K::kUnauthenticated), 401u);
  EXPECT_EQ(HttpStatusFor(K::kPermissionDenied), 403u);
  EXPECT_EQ(HttpStatusFor(K::kNotFound), 404u);
  EXPECT_EQ(HttpStatusFor(K::kConflict), 409u);
  EXPECT_EQ(HttpStatusFor(K::kPayloadTooLarge), 413u);
  EXPECT_EQ(HttpStatusFor(K::kUnsupportedMedia), 415u);
  EXPECT_EQ(HttpStatusFor(K::kUnprocessable), 422u);
  EXPECT_EQ(HttpStatusFor(K::kTooManyRequests), 429u);
  EXPECT_EQ(HttpStatusFor(K::kUnavailable), 503u);
  EXPECT_EQ(HttpStatusFor(K::kInternal), 500u);
}

TEST(ProblemTest, BodyFollowsRfc9457) {
  Error e(Error::Kind::kConflict, "users.exists", "用户已存在", "user exists", "name \"a\"");
  Response r = ProblemResponse(e, "/api/v1/users", "00112233aabbccdd");
  EXPECT_EQ(r.status, 409u);
  EXPECT_EQ(r.content_type, "application/problem+json");
  boost::json::object o = boost::json::parse(r.body).as_object();
  EXPECT_EQ(o.at("type").as_string(), "urn:zhijian:problem:users.exists");
  EXPECT_EQ(o.at("title").as_string(), "user exists");
  EXPECT_EQ(o.at("status").to_number<int>(), 409);
  EXPECT_EQ(o.at("code").as_string(), "users.exists");
  EXPECT_EQ(o.at("detail").as_string(), "name \"a\"");
  EXPECT_EQ(o.at("message_zh").as_string(), "用户已存在");
  EXPECT_EQ(o.at("message_en").as_string(), "user exists");
  EXPECT_EQ(o.at("instance").as_string(), "/api/v1/users");
  EXPECT_EQ(o.at("request_id").as_string(), "00112233aabbccdd");
}

TEST(ProblemTest, NoDetailKeyWhenEmpty) {
  Response r = ProblemResponse(Error::NotFound("x.missing", "无", "none"), "/p", "id");
  boost::json::object o = boost::json::parse(r.body).as_object();
  EXPECT_FALSE(o.contains("detail"));
  EXPECT_EQ(r.status, 404u);
}

TEST(ProblemTest, HandlersMayAddHeaders) {
  Response r = ProblemResponse(
      Error(Error::Kind::kTooManyRequests, "rate.limited", "请求过多", "too many requests"),
      "/api/v1/x", "id");
  r.headers.emplace_back("Retry-After", "30");
  EXPECT_EQ(r.status, 429u);
  ASSERT_EQ(r.headers.size(), 1u);
  EXPECT_EQ(r.headers[0].first, "Retry-After");
}

}  // namespace
}  // namespace zhijian::server

namespace zhijian::server {
namespace {

TEST(ProblemRetryAfterTest, TooManyRequestsCarriesRetryAfter) {
  Response r =
      ProblemResponse(Error::TooManyRequests("rate.limited", "慢点", "slow down", 42), "/x", "rid");
  EXPECT_EQ(r.status, 429u);
  ASSERT_EQ(r.headers.size(), 1u);
  EXPECT_EQ(r.headers[0].first, "Retry-After");
  EXPECT_EQ(r.headers[0].second, "42");
  Response plain = ProblemResponse(Error::Invalid("x.y", "错", "bad", "retry-after=5"), "/x", "r");
  EXPECT_TRUE(plain.headers.empty());
}

}  // namespace
}  // namespace zhijian::server
