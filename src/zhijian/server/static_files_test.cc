#include "zhijian/server/static_files.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace zhijian::server::internal {
namespace {
namespace fs = std::filesystem;

class StaticFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    base_ = fs::temp_directory_path() /
            ("zj_static_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
             "_" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(base_);
    root_ = base_ / "dist";
    fs::create_directories(root_ / "assets");
    Write(root_ / "index.html", "<html>app</html>");
    Write(root_ / "assets" / "app-1a2b.js", "console.log(1)");
    Write(root_ / "favicon.ico", "ICO");
    Write(base_ / "secret.txt", "secret");
  }
  void TearDown() override { fs::remove_all(base_); }
  static void Write(const fs::path& p, const std::string& text) { std::ofstream(p) << text; }

  fs::path base_, root_;
};

TEST_F(StaticFilesTest, ServesFilesWithTypesAndCaching) {
  StaticFiles files(root_.string());
  auto js = files.Serve("/assets/app-1a2b.js");
  ASSERT_TRUE(js.has_value());
  EXPECT_EQ(js->body, "console.log(1)");
  EXPECT_EQ(js->content_type, "text/javascript; charset=utf-8");
  ASSERT_EQ(js->headers.size(), 1u);
  EXPECT_EQ(js->headers[0].second, "public, max-age=31536000, immutable");

  auto index = files.Serve("/");
  ASSERT_TRUE(index.has_value());
  EXPECT_EQ(index->body, "<html>app</html>");
  EXPECT_EQ(index->content_type, "text/html; charset=utf-8");
  EXPECT_EQ(index->headers[0].second, "no-cache");

  auto ico = files.Serve("/favicon.ico");
  ASSERT_TRUE(ico.has_value());
  EXPECT_EQ(ico->content_type, "image/x-icon");
}

TEST_F(StaticFilesTest, ClientRoutesFallBackToIndex) {
  StaticFiles files(root_.string());
  auto r = files.Serve("/institutions/42");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->body, "<html>app</html>");
  EXPECT_FALSE(files.Serve("/missing.js").has_value());
  EXPECT_FALSE(files.Serve("/assets/missing-123.css").has_value());
}

TEST_F(StaticFilesTest, NeverLeavesTheRoot) {
  StaticFiles files(root_.string());
  EXPECT_FALSE(files.Serve("/../secret.txt").has_value());
  EXPECT_FALSE(files.Serve("/assets/../../secret.txt").has_value());
  EXPECT_FALSE(files.Serve("/../etc/passwd").has_value());
  EXPECT_FALSE(files.Serve(std::string("/index.html\0.js", 15)).has_value());
  EXPECT_FALSE(files.Serve("/..\\secret.txt").has_value());
  // A symlink inside the root pointing outside is refused too.
  fs::create_symlink(base_ / "secret.txt", root_ / "link.txt");
  EXPECT_FALSE(files.Serve("/link.txt").has_value());
}

TEST_F(StaticFilesTest, NoDirectoryServesNothing) {
  EXPECT_FALSE(StaticFiles("").Serve("/").has_value());
  EXPECT_FALSE(StaticFiles((base_ / "nope").string()).Serve("/").has_value());
}

TEST(StaticPathTest, SafePaths) {
  EXPECT_TRUE(IsSafeStaticPath("/a/b.js"));
  EXPECT_TRUE(IsSafeStaticPath("/a..b/c"));
  EXPECT_FALSE(IsSafeStaticPath("/a/../b"));
  EXPECT_FALSE(IsSafeStaticPath("/a/./b"));
  EXPECT_FALSE(IsSafeStaticPath("/.."));
  EXPECT_FALSE(IsSafeStaticPath("relative"));
  EXPECT_EQ(ContentTypeFor("x/y.woff2"), "font/woff2");
  EXPECT_EQ(ContentTypeFor("a.map"), "application/json; charset=utf-8");
  EXPECT_EQ(ContentTypeFor("a.mjs"), "text/javascript; charset=utf-8");
  EXPECT_EQ(ContentTypeFor("a.svg"), "image/svg+xml");
  EXPECT_EQ(ContentTypeFor("noext"), "application/octet-stream");
}

}  // namespace
}  // namespace zhijian::server::internal
