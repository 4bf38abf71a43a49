#include "zhijian/accounts/password.h"

#include <gtest/gtest.h>

#include <string>

namespace zhijian::accounts {
namespace {

TEST(PasswordTest, DefaultHashIsArgon2idAndRoundTrips) {
  Result<std::string> h = HashPassword("correct horse 42");
  ASSERT_TRUE(h) << h.error().ToString();
  EXPECT_EQ(h->rfind("$argon2id$", 0), 0u) << *h;
  EXPECT_NE(h->find("m=65536,t=3,"), std::string::npos) << *h;
  EXPECT_TRUE(VerifyPassword(*h, "correct horse 42"));
  EXPECT_FALSE(VerifyPassword(*h, "correct horse 43"));
  EXPECT_FALSE(VerifyPassword(*h, ""));
  EXPECT_FALSE(NeedsRehash(*h, PasswordParams::Default()));
}

TEST(PasswordTest, SaltMakesEveryHashDifferent) {
  Result<std::string> a = HashPassword("same password 1", PasswordParams::Fast());
  Result<std::string> b = HashPassword("same password 1", PasswordParams::Fast());
  ASSERT_TRUE(a && b);
  EXPECT_NE(*a, *b);
  EXPECT_TRUE(VerifyPassword(*a, "same password 1"));
  EXPECT_TRUE(VerifyPassword(*b, "same password 1"));
}

TEST(PasswordTest, NeedsRehashWhenParametersDiffer) {
  Result<std::string> fast = HashPassword("some password 9", PasswordParams::Fast());
  ASSERT_TRUE(fast);
  EXPECT_TRUE(NeedsRehash(*fast, PasswordParams::Default()));
  EXPECT_FALSE(NeedsRehash(*fast, PasswordParams::Fast()));
  EXPECT_TRUE(NeedsRehash("$2y$10$notargon", PasswordParams::Fast()));
}

TEST(PasswordTest, MalformedHashesNeverVerify) {
  EXPECT_FALSE(VerifyPassword("", "x"));
  EXPECT_FALSE(VerifyPassword("$argon2id$garbage", "x"));
  EXPECT_FALSE(VerifyPassword(std::string(500, 'a'), "x"));
}

std::string PolicyCode(const std::string& password, const std::string& username = "") {
  Result<void> r = CheckPasswordPolicy(password, username);
  return r ? "ok" : r.error().code();
}

TEST(PasswordTest, Policy) {
  EXPECT_EQ(PolicyCode("abc12345"), "password.too-short");
  EXPECT_EQ(PolicyCode("abcdefghij"), "password.too-simple");
  EXPECT_EQ(PolicyCode("1234567890"), "password.too-simple");
  EXPECT_EQ(PolicyCode("!!!!!!!!!!"), "password.too-simple");
  EXPECT_EQ(PolicyCode("abcdefghi1"), "ok");
  EXPECT_EQ(PolicyCode("correct horse battery"), "ok");  // letters + spaces
  EXPECT_EQ(PolicyCode(std::string(129, 'a') + "1"), "password.too-long");
  EXPECT_EQ(PolicyCode("xAlice2024!", "alice"), "password.contains-username");
  EXPECT_EQ(PolicyCode("xBob2024!!", "alice"), "ok");
  // Ten Chinese characters plus a digit: counted as characters, not bytes.
  EXPECT_EQ(PolicyCode("市场监管检验检测机构1"), "ok");
  EXPECT_EQ(PolicyCode("检验检测1"), "password.too-short");  // 15 bytes, 5 characters
  Result<void> r = CheckPasswordPolicy("short", "");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind(), Error::Kind::kInvalidArgument);
  EXPECT_FALSE(r.error().message_zh().empty());
  EXPECT_FALSE(r.error().message_en().empty());
}

}  // namespace
}  // namespace zhijian::accounts
