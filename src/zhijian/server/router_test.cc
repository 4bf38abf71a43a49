#include "zhijian/server/router.h"

#include <gtest/gtest.h>

#include "zhijian/server/http_util.h"

namespace zhijian::server {
namespace {

Handler Named(std::string name) {
  return [name](Request&) -> Result<Response> { return Response::Json("\"" + name + "\""); };
}

Router MakeRouter() {
  Router r;
  r.Add({Verb::get, "/api/v1/users", "users.list", AnySignedIn(), Named("list")});
  r.Add({Verb::post, "/api/v1/users", "users.create", AnySignedIn(), Named("create")});
  r.Add({Verb::get, "/api/v1/users/{id}", "users.get", AnySignedIn(), Named("get")});
  r.Add({Verb::get, "/api/v1/users/me", "users.me", AnySignedIn(), Named("me")});
  r.Add(
      {Verb::get, "/api/v1/orgs/{org}/members/{user}", "members.get", Everyone(), Named("member")});
  return r;
}

TEST(RouterTest, MatchesExactPathAndMethod) {
  Router r = MakeRouter();
  RouteMatch m = r.Match(Verb::get, "/api/v1/users");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.route->name, "users.list");
  m = r.Match(Verb::post, "/api/v1/users");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.route->name, "users.create");
}

TEST(RouterTest, CapturesPathParams) {
  Router r = MakeRouter();
  RouteMatch m = r.Match(Verb::get, "/api/v1/orgs/acme/members/42");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.route->name, "members.get");
  EXPECT_EQ(m.path_params.at("org"), "acme");
  EXPECT_EQ(m.path_params.at("user"), "42");
}

TEST(RouterTest, LiteralSegmentBeatsParameter) {
  Router r = MakeRouter();
  RouteMatch m = r.Match(Verb::get, "/api/v1/users/me");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.route->name, "users.me");
  m = r.Match(Verb::get, "/api/v1/users/7");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.route->name, "users.get");
  EXPECT_EQ(m.path_params.at("id"), "7");
}

TEST(RouterTest, EarlierLiteralWinsWhateverTheOrderOfAdd) {
  for (bool literal_first : {true, false}) {
    Router r;
    Route a{Verb::get, "/a/{x}/c", "param-first", Everyone(), Named("a")};
    Route b{Verb::get, "/a/b/{y}", "literal-first", Everyone(), Named("b")};
    if (literal_first) {
      r.Add(b);
      r.Add(a);
    } else {
      r.Add(a);
      r.Add(b);
    }
    r.Add({Verb::post, "/{p}/{q}/{s}", "post", Everyone(), Named("p")});
    RouteMatch m = r.Match(Verb::get, "/a/b/c");
    ASSERT_NE(m.route, nullptr);
    EXPECT_EQ(m.route->name, "literal-first");
    EXPECT_EQ(m.path_params.size(), 1u);
    EXPECT_EQ(m.path_params.at("y"), "c");
    m = r.Match(Verb::get, "/a/z/c");
    ASSERT_NE(m.route, nullptr);
    EXPECT_EQ(m.route->name, "param-first");
    EXPECT_EQ(m.path_params.at("x"), "z");
    m = r.Match(Verb::get, "/q/b/c");  // only the POST route has this shape
    EXPECT_EQ(m.route, nullptr);
    EXPECT_TRUE(m.path_exists);
    EXPECT_EQ(r.Match(Verb::post, "/a/b/c").route->name, "post");
  }
}

TEST(RouterTest, PathsLongerThanEveryPatternDoNotMatch) {
  Router r = MakeRouter();
  std::string deep;
  for (int i = 0; i < 100; ++i) deep += "/x";
  RouteMatch m = r.Match(Verb::get, deep);
  EXPECT_EQ(m.route, nullptr);
  EXPECT_FALSE(m.path_exists);
  EXPECT_EQ(r.Match(Verb::get, "/api/v1/orgs/a/members/b/c").route, nullptr);
  EXPECT_EQ(r.Match(Verb::get, "").route, nullptr);
  EXPECT_EQ(Router().Match(Verb::get, "/").route, nullptr);
}

TEST(RouterTest, RootAndEmptySegments) {
  Router r;
  r.Add({Verb::get, "/", "root", Everyone(), Named("root")});
  r.Add({Verb::get, "/a//b", "gap", Everyone(), Named("gap")});
  EXPECT_EQ(r.Match(Verb::get, "/").route->name, "root");
  EXPECT_EQ(r.Match(Verb::get, "/a//b").route->name, "gap");
  EXPECT_EQ(r.Match(Verb::get, "/a/x/b").route, nullptr);
  EXPECT_EQ(r.Match(Verb::get, "//").route, nullptr);
}

TEST(RouterTest, SegmentsMatchExactly) {
  Router r = MakeRouter();
  EXPECT_EQ(r.Match(Verb::get, "/api/v1/users/").route, nullptr);  // empty {id}
  EXPECT_EQ(r.Match(Verb::get, "/api/v1/users/7/x").route, nullptr);
  EXPECT_EQ(r.Match(Verb::get, "/api/v1/user").route, nullptr);
  EXPECT_EQ(r.Match(Verb::get, "/api/v1/usersx").route, nullptr);
  EXPECT_EQ(r.Match(Verb::get, "api/v1/users").route, nullptr);
  EXPECT_FALSE(r.Match(Verb::get, "/api/v1/nothing").path_exists);
}

TEST(RouterTest, OtherMethodOnKnownPathReportsPathExists) {
  Router r = MakeRouter();
  RouteMatch m = r.Match(Verb::delete_, "/api/v1/users");
  EXPECT_EQ(m.route, nullptr);
  EXPECT_TRUE(m.path_exists);
  EXPECT_EQ(internal::AllowedMethods(r, "/api/v1/users"), "GET, POST");
}

TEST(RouterDeathTest, DuplicateRouteAborts) {
  Router r = MakeRouter();
  EXPECT_DEATH(r.Add({Verb::get, "/api/v1/users/{other}", "dup", Everyone(), Named("x")}),
               "duplicate route");
}

TEST(RouterTest, RoleHelpers) {
  auto signed_in = AnySignedIn();
  EXPECT_EQ(std::count(signed_in.begin(), signed_in.end(), Role::kPublic), 0);
  EXPECT_EQ(signed_in.size(), 4u);
  auto everyone = Everyone();
  EXPECT_EQ(std::count(everyone.begin(), everyone.end(), Role::kPublic), 1);
  EXPECT_EQ(everyone.size(), 5u);
}

TEST(UrlTest, PercentDecode) {
  EXPECT_EQ(internal::PercentDecode("/a%20b/%E6%99%BA", false), "/a b/\xE6\x99\xBA");
  EXPECT_EQ(internal::PercentDecode("a+b", false), "a+b");
  EXPECT_EQ(internal::PercentDecode("a+b", true), "a b");
  EXPECT_EQ(internal::PercentDecode("%2e%2E", false), "..");
  EXPECT_FALSE(internal::PercentDecode("%4", false).has_value());
  EXPECT_FALSE(internal::PercentDecode("%zz", false).has_value());
  EXPECT_FALSE(internal::PercentDecode("abc%", false).has_value());
}

TEST(UrlTest, ParseQuery) {
  auto q = internal::ParseQuery("q=%E6%B5%8B%E8%AF%95+abc&page=2&flag&page=3&&x=a%26b%3Dc");
  ASSERT_TRUE(q.has_value());
  EXPECT_EQ(q->at("q"), "\xE6\xB5\x8B\xE8\xAF\x95 abc");
  EXPECT_EQ(q->at("page"), "3");  // last wins
  EXPECT_EQ(q->at("flag"), "");
  EXPECT_EQ(q->at("x"), "a&b=c");
  EXPECT_EQ(q->size(), 4u);
  EXPECT_FALSE(internal::ParseQuery("a=%G1").has_value());
}

TEST(UrlTest, SplitTarget) {
  auto [p, q] = internal::SplitTarget("/a/b?x=1?y");
  EXPECT_EQ(p, "/a/b");
  EXPECT_EQ(q, "x=1?y");
  auto [p2, q2] = internal::SplitTarget("/only");
  EXPECT_EQ(p2, "/only");
  EXPECT_EQ(q2, "");
}

TEST(RequestTest, HeaderQueryCookie) {
  Request req;
  req.headers["cookie"] = "a=1; zj_session=abc123 ; other=\"q\"";
  req.headers["content-type"] = "application/json";
  req.query["page"] = "2";
  EXPECT_EQ(req.Cookie("zj_session"), "abc123");
  EXPECT_EQ(req.Cookie("other"), "q");
  EXPECT_EQ(req.Cookie("a"), "1");
  EXPECT_EQ(req.Cookie("missing"), "");
  EXPECT_EQ(req.Header("content-type"), "application/json");
  EXPECT_EQ(req.Header("x-none"), "");
  EXPECT_EQ(req.Query("page"), "2");
  EXPECT_FALSE(req.Query("nope").has_value());
}

TEST(ResponseTest, Constructors) {
  Response j = Response::Json("{}", 201);
  EXPECT_EQ(j.status, 201u);
  EXPECT_EQ(j.content_type, "application/json; charset=utf-8");
  Response n = Response::NoContent();
  EXPECT_EQ(n.status, 204u);
  EXPECT_TRUE(n.body.empty());
  EXPECT_TRUE(n.content_type.empty());
}

}  // namespace
}  // namespace zhijian::server
