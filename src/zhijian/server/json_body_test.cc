#include "zhijian/server/json_body.h"

#include <gtest/gtest.h>

namespace zhijian::server {
namespace {

Request JsonRequest(std::string body, std::string content_type = "application/json") {
  Request r;
  r.method = Verb::post;
  r.headers["content-type"] = std::move(content_type);
  r.body = std::move(body);
  return r;
}

TEST(JsonBodyTest, ParsesValue) {
  auto v = ParseJsonBody(JsonRequest("[1, 2, {\"a\": \"b\"}]  \n"));
  ASSERT_TRUE(v.ok()) << v.error().ToString();
  ASSERT_TRUE(v->is_array());
  EXPECT_EQ(v->as_array().size(), 3u);
}

TEST(JsonBodyTest, AcceptsCharsetParameter) {
  EXPECT_TRUE(ParseJsonBody(JsonRequest("{}", "application/json; charset=utf-8")).ok());
  EXPECT_TRUE(ParseJsonBody(JsonRequest("{}", "Application/JSON;charset=UTF-8")).ok());
}

TEST(JsonBodyTest, WrongContentTypeIs415) {
  for (std::string ct : {"text/plain", "", "application/jsonx", "application/json; charset=latin1",
                         "multipart/form-data"}) {
    auto v = ParseJsonBody(JsonRequest("{}", ct));
    ASSERT_FALSE(v.ok()) << ct;
    EXPECT_EQ(v.error().kind(), Error::Kind::kUnsupportedMedia) << ct;
    EXPECT_EQ(v.error().code(), "request.unsupported-media-type");
  }
}

TEST(JsonBodyTest, EmptyBodyIs400) {
  auto v = ParseJsonBody(JsonRequest(""));
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.error().kind(), Error::Kind::kInvalidArgument);
  EXPECT_EQ(v.error().code(), "request.empty-body");
}

TEST(JsonBodyTest, MalformedJsonNamesTheOffset) {
  auto v = ParseJsonBody(JsonRequest("{\"a\": 1,, }"));
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.error().kind(), Error::Kind::kInvalidArgument);
  EXPECT_EQ(v.error().code(), "request.malformed-json");
  EXPECT_NE(v.error().detail().find("at byte 8"), std::string::npos) << v.error().detail();

  auto truncated = ParseJsonBody(JsonRequest("{\"a\": [1, 2"));
  ASSERT_FALSE(truncated.ok());
  EXPECT_NE(truncated.error().detail().find("at byte 11"), std::string::npos)
      << truncated.error().detail();

  auto trailing = ParseJsonBody(JsonRequest("{} x"));
  ASSERT_FALSE(trailing.ok());
  EXPECT_NE(trailing.error().detail().find("at byte 3"), std::string::npos)
      << trailing.error().detail();
}

// Found by fuzz/json_body_fuzz: numbers that overflow a double must not become Infinity.
TEST(JsonBodyTest, OutOfRangeNumbersAreRejected) {
  for (std::string body : {"{\"limit\":1e999}", "[1, [2, -1e400]]", "{\"a\":{\"b\":1e309}}"}) {
    auto v = ParseJsonBody(JsonRequest(body));
    ASSERT_FALSE(v.ok()) << body;
    EXPECT_EQ(v.error().code(), "request.malformed-json");
    EXPECT_EQ(v.error().detail(), "a number is out of range");
  }
  EXPECT_TRUE(ParseJsonBody(JsonRequest("{\"limit\":1e308}")).ok());
}

TEST(JsonBodyTest, ObjectRequired) {
  auto o = ParseJsonObject(JsonRequest("[1]"));
  ASSERT_FALSE(o.ok());
  EXPECT_EQ(o.error().code(), "request.not-object");
  auto ok = ParseJsonObject(JsonRequest("{\"name\": \"张三\"}"));
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->at("name").as_string(), "张三");
}

TEST(JsonBodyTest, TypedGetters) {
  auto o = ParseJsonObject(JsonRequest(
      R"({"s": "x", "i": -5, "u": 18446744073709551615, "f": 1.5, "b": true, "n": null})"));
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(*RequiredString(*o, "s"), "x");
  EXPECT_EQ(*RequiredInt(*o, "i"), -5);
  EXPECT_TRUE(*RequiredBool(*o, "b"));
  EXPECT_FALSE(OptionalString(*o, "absent")->has_value());
  EXPECT_FALSE(OptionalString(*o, "n")->has_value());
  EXPECT_FALSE(OptionalInt(*o, "n")->has_value());
  EXPECT_EQ(OptionalInt(*o, "i")->value(), -5);
  EXPECT_EQ(OptionalBool(*o, "b")->value(), true);

  auto missing = RequiredString(*o, "absent");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code(), "request.field-missing");
  EXPECT_EQ(missing.error().detail(), "absent");
  EXPECT_EQ(missing.error().kind(), Error::Kind::kInvalidArgument);

  auto wrong = RequiredInt(*o, "s");
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().code(), "request.field-type");
  EXPECT_NE(wrong.error().detail().find("s"), std::string::npos);

  EXPECT_EQ(RequiredInt(*o, "f").error().code(), "request.field-type");
  EXPECT_EQ(RequiredInt(*o, "u").error().code(), "request.field-type");
  EXPECT_EQ(RequiredString(*o, "i").error().code(), "request.field-type");
  EXPECT_EQ(OptionalBool(*o, "s").error().code(), "request.field-type");
  EXPECT_EQ(RequiredInt(*o, "n").error().code(), "request.field-missing");
}

TEST(JsonBodyTest, JsonResponseSerializes) {
  Response r = JsonResponse(boost::json::object{{"ok", true}}, 201);
  EXPECT_EQ(r.status, 201u);
  EXPECT_EQ(r.body, R"({"ok":true})");
  EXPECT_EQ(r.content_type, "application/json; charset=utf-8");
}

}  // namespace
}  // namespace zhijian::server
