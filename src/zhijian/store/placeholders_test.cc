// The PostgreSQL adapter's `?` → `$n` rewriting (pure; no database needed).
#include <gtest/gtest.h>

#include "zhijian/store/db_internal.h"

namespace zhijian::store::internal {
namespace {

std::string Rewrite(std::string_view sql, int expected_count) {
  int count = -1;
  std::string out = RewritePlaceholders(sql, &count);
  EXPECT_EQ(count, expected_count) << sql;
  return out;
}

TEST(PlaceholderTest, NumbersPlaceholdersInOrder) {
  EXPECT_EQ(Rewrite("SELECT * FROM t WHERE a = ? AND b IN (?, ?)", 3),
            "SELECT * FROM t WHERE a = $1 AND b IN ($2, $3)");
  EXPECT_EQ(Rewrite("INSERT INTO t VALUES (?,?)", 2), "INSERT INTO t VALUES ($1,$2)");
  EXPECT_EQ(Rewrite("SELECT 1", 0), "SELECT 1");
  EXPECT_EQ(Rewrite("", 0), "");
}

TEST(PlaceholderTest, LeavesStringLiteralsAlone) {
  EXPECT_EQ(Rewrite("SELECT '?' || ?", 1), "SELECT '?' || $1");
  EXPECT_EQ(Rewrite("SELECT 'it''s ?' , ?", 1), "SELECT 'it''s ?' , $1");
  EXPECT_EQ(Rewrite("SELECT '', ?, ''''", 1), "SELECT '', $1, ''''");
  EXPECT_EQ(Rewrite("SELECT E'a\\'?', ?", 1), "SELECT E'a\\'?', $1");
  // Outside an E-string a backslash is an ordinary character.
  EXPECT_EQ(Rewrite("SELECT 'a\\', ?", 1), "SELECT 'a\\', $1");
  EXPECT_EQ(Rewrite("SELECT '中文？?' , ?", 1), "SELECT '中文？?' , $1");
}

TEST(PlaceholderTest, LeavesQuotedIdentifiersAlone) {
  EXPECT_EQ(Rewrite("SELECT \"what?\" FROM t WHERE \"a\"\"?\" = ?", 1),
            "SELECT \"what?\" FROM t WHERE \"a\"\"?\" = $1");
  EXPECT_EQ(Rewrite("SELECT to_char(x, 'YYYY\"T\"?') FROM t WHERE y = ?", 1),
            "SELECT to_char(x, 'YYYY\"T\"?') FROM t WHERE y = $1");
}

TEST(PlaceholderTest, LeavesCommentsAlone) {
  EXPECT_EQ(Rewrite("SELECT ? -- why?\n, ?", 2), "SELECT $1 -- why?\n, $2");
  EXPECT_EQ(Rewrite("SELECT /* ? */ ?", 1), "SELECT /* ? */ $1");
}

TEST(PlaceholderTest, NumbersBeyondNine) {
  std::string sql = "VALUES (";
  std::string expected = "VALUES (";
  for (int i = 1; i <= 12; ++i) {
    sql += i > 1 ? ",?" : "?";
    expected += (i > 1 ? ",$" : "$") + std::to_string(i);
  }
  EXPECT_EQ(Rewrite(sql + ")", 12), expected + ")");
}

TEST(PlaceholderTest, UnterminatedLiteralIsCopiedVerbatim) {
  EXPECT_EQ(Rewrite("SELECT ?, 'oops ?", 1), "SELECT $1, 'oops ?");
}

}  // namespace
}  // namespace zhijian::store::internal
