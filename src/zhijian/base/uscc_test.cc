#include "zhijian/base/uscc.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace zhijian {
namespace {

// Real published codes (compliance-rules.md §1.5); all pass both checks.
const std::vector<std::string> kRealValid = {
    "914403001922038216",  // 华为技术有限公司
    "9144030071526726XG",  // 腾讯科技（深圳）有限公司
    "91110000710926094P",  // 中国石油化工股份有限公司
    "91310000631696382C",  // 宝山钢铁股份有限公司
    "91440300708461136T",  // 深圳市腾讯计算机系统有限公司
    "11100000MB0341032Y",  // 国家药品监督管理局 (机关, region 100000)
    "91350100M000100Y43",  // GB 32100 worked example
    "91310115MA1K3BTP2B",  // §1.3 pitfall: letters in the organisation code
    "91330106MA27Y4U47R",  // §1.3 pitfall
};

TEST(UsccTest, RealCodesPassBothChecks) {
  for (const std::string& code : kRealValid) {
    SCOPED_TRACE(code);
    auto r = Uscc::Parse(code);
    ASSERT_TRUE(r.ok()) << r.error().ToString();
    EXPECT_EQ(r->str(), code);
    EXPECT_TRUE(r->checks().check_ok);
    EXPECT_TRUE(r->checks().org_check_ok);
    EXPECT_TRUE(r->checks().type_known);
    EXPECT_TRUE(r->checks().warnings.empty());
    EXPECT_FALSE(r->suspect());
  }
}

TEST(UsccTest, DecodesPositions) {
  auto huawei = Uscc::Parse("914403001922038216");
  ASSERT_TRUE(huawei.ok());
  EXPECT_EQ(huawei->authority_code(), '9');
  EXPECT_EQ(huawei->authority_name(), "市场监管");
  EXPECT_EQ(huawei->type_code(), "91");
  EXPECT_EQ(huawei->type_name(), "企业");
  EXPECT_EQ(huawei->region_code(), "440300");
  EXPECT_EQ(huawei->organization_code(), "192203821");
  EXPECT_EQ(huawei->check_char(), '6');

  auto nmpa = Uscc::Parse("11100000MB0341032Y");
  ASSERT_TRUE(nmpa.ok());
  EXPECT_EQ(nmpa->authority_name(), "机构编制");
  EXPECT_EQ(nmpa->type_name(), "机关");
  EXPECT_EQ(nmpa->region_code(), "100000");
  EXPECT_EQ(nmpa->organization_code(), "MB0341032");
}

TEST(UsccTest, WorkedExampleOfTheStandard) {
  auto c = Uscc::ComputeCheckChar("91350100M000100Y4");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(*c, '3');
}

TEST(UsccTest, KnownBadCheckIsSuspectNotRejected) {
  // The standard's counter-example "...Y4Z" ends in Z, which is not in the charset at all.
  auto z = Uscc::Parse("91350100M000100Y4Z");
  ASSERT_FALSE(z.ok());
  EXPECT_EQ(z.error().code(), "uscc.bad-char");
  EXPECT_EQ(z.error().detail(), "position 18");
  auto four = Uscc::Parse("91350100M000100Y44");
  ASSERT_TRUE(four.ok());
  EXPECT_FALSE(four->checks().check_ok);
  EXPECT_EQ(four->checks().expected_check, '3');
  EXPECT_TRUE(four->suspect());
  ASSERT_FALSE(four->checks().warnings.empty());
  EXPECT_EQ(four->checks().warnings[0].code, "uscc.check-mismatch");

  auto h = Uscc::Parse("914403001922038217");
  ASSERT_TRUE(h.ok());
  EXPECT_FALSE(h->checks().check_ok);
  EXPECT_EQ(h->checks().expected_check, '6');
  EXPECT_TRUE(h->checks().org_check_ok);
}

TEST(UsccTest, PilotEraFujianCodeFailsButParses) {
  // 福建恒跃柳工机械销售有限公司: printed check 'M', computed '1' (aarioai/id-rule).
  auto r = Uscc::Parse("91350100M0001TGQXM");
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->checks().check_ok);
  EXPECT_EQ(r->checks().expected_check, '1');
  EXPECT_TRUE(r->suspect());
  EXPECT_EQ(r->type_name(), "企业");
}

// The §1.3 pitfall: GB 11714 gives letters their full-alphabet value. Using USCC charset
// indices instead would reject these real codes.
TEST(UsccTest, OrgCheckUsesFullAlphabetValues) {
  for (const std::string code : {"91310115MA1K3BTP2B", "91330106MA27Y4U47R"}) {
    SCOPED_TRACE(code);
    const std::string body = code.substr(8, 8);
    auto c = Uscc::ComputeOrgCheckChar(body);
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(*c, code[16]);
    // The wrong table (USCC indices) gives another character.
    const int w[] = {3, 7, 9, 10, 5, 8, 4, 2};
    int sum = 0;
    for (int i = 0; i < 8; ++i) sum += static_cast<int>(kUsccCharset.find(body[i])) * w[i];
    const int v = 11 - sum % 11;
    const char wrong = v == 10 ? 'X' : v == 11 ? '0' : static_cast<char>('0' + v);
    EXPECT_NE(wrong, code[16]);
  }
  EXPECT_EQ(*Uscc::ComputeOrgCheckChar("19220382"), '1');
  EXPECT_EQ(Uscc::ComputeOrgCheckChar("1922038").error().code(), "uscc.bad-length");
  EXPECT_EQ(Uscc::ComputeOrgCheckChar("1922038*").error().code(), "uscc.bad-char");
}

TEST(UsccTest, NormalisesSpelling) {
  const std::string want = "9144030071526726XG";
  for (const std::string in :
       {"9144030071526726xg", " 9144 0300 7152 6726 XG\n", "９１４４０３００７１５２６７２６ＸＧ",
        "９１４４０３００７１５２６７２６ｘｇ", "914403\t0071526726XG"}) {
    SCOPED_TRACE(in);
    auto r = Uscc::Parse(in);
    ASSERT_TRUE(r.ok()) << r.error().ToString();
    EXPECT_EQ(r->str(), want);
    EXPECT_FALSE(r->suspect());
  }
}

TEST(UsccTest, RejectsMalformed) {
  EXPECT_EQ(Uscc::Parse("").error().code(), "uscc.empty");
  EXPECT_EQ(Uscc::Parse("   ").error().code(), "uscc.empty");
  EXPECT_EQ(Uscc::Parse("91440300192203821").error().code(), "uscc.bad-length");
  EXPECT_EQ(Uscc::Parse("9144030019220382160").error().code(), "uscc.bad-length");
  // I, O, S, V, Z are not in the charset.
  for (char bad : {'I', 'O', 'S', 'V', 'Z', '-', '*'}) {
    std::string code = "9144030071526726XG";
    code[10] = bad;
    auto r = Uscc::Parse(code);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code(), "uscc.bad-char");
    EXPECT_EQ(r.error().detail(), "position 11");
    EXPECT_EQ(r.error().kind(), Error::Kind::kInvalidArgument);
    EXPECT_FALSE(r.error().message_zh().empty());
  }
  EXPECT_EQ(Uscc::Parse("91A403001922038216").error().code(), "uscc.bad-region");
  EXPECT_EQ(Uscc::Parse("91440300192203821\xff").error().code(), "uscc.bad-encoding");
  EXPECT_EQ(Uscc::Parse("华为技术有限公司").error().code(), "uscc.bad-char");
}

TEST(UsccTest, UnknownTypeIsAWarning) {
  // "94" is not in the table; build a code with correct checks around it.
  const std::string body =
      "94440300" + std::string("19220382") + *Uscc::ComputeOrgCheckChar("19220382");
  const std::string code = body + *Uscc::ComputeCheckChar(body);
  auto r = Uscc::Parse(code);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->suspect());
  EXPECT_FALSE(r->checks().type_known);
  EXPECT_EQ(r->type_name(), "");
  EXPECT_EQ(r->authority_name(), "市场监管");
  ASSERT_EQ(r->checks().warnings.size(), 1u);
  EXPECT_EQ(r->checks().warnings[0].code, "uscc.unknown-type");
}

// Every single-character change of a valid code fails the position-18 check (31 is prime and
// every weight is non-zero mod 31), or is rejected outright (a letter in the region digits).
TEST(UsccTest, PropertyEverySingleChangeIsDetected) {
  int checked = 0;
  for (const std::string& code : kRealValid) {
    for (size_t pos = 0; pos < 18; ++pos) {
      for (char c : kUsccCharset) {
        if (c == code[pos]) continue;
        std::string changed = code;
        changed[pos] = c;
        auto r = Uscc::Parse(changed);
        if (!r.ok()) {
          EXPECT_EQ(r.error().code(), "uscc.bad-region") << changed;
          continue;
        }
        EXPECT_FALSE(r->checks().check_ok) << changed;
        EXPECT_TRUE(r->suspect()) << changed;
        ++checked;
      }
    }
  }
  EXPECT_GT(checked, 3000);
}

TEST(UsccTest, GeneratedCodesAreValid) {
  std::mt19937 rng(20240601);
  std::uniform_int_distribution<int> any(0, 30);
  std::uniform_int_distribution<int> digit(0, 9);
  for (int n = 0; n < 2000; ++n) {
    std::string body;
    body += kUsccCharset[any(rng)];
    body += kUsccCharset[any(rng)];
    for (int i = 0; i < 6; ++i) body += static_cast<char>('0' + digit(rng));
    for (int i = 0; i < 8; ++i) body += kUsccCharset[any(rng)];
    body += *Uscc::ComputeOrgCheckChar(body.substr(8, 8));
    auto check = Uscc::ComputeCheckChar(body);
    ASSERT_TRUE(check.ok());
    auto r = Uscc::Parse(body + *check);
    ASSERT_TRUE(r.ok()) << body;
    EXPECT_TRUE(r->checks().check_ok);
    EXPECT_TRUE(r->checks().org_check_ok);
  }
}

TEST(UsccTest, GarbageNeverCrashes) {
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> byte(0, 255);
  std::uniform_int_distribution<int> len(0, 40);
  for (int n = 0; n < 20000; ++n) {
    std::string s(static_cast<size_t>(len(rng)), '\0');
    for (char& c : s) c = static_cast<char>(byte(rng));
    auto r = Uscc::Parse(s);
    if (r.ok()) {
      EXPECT_EQ(r->str().size(), 18u);
    }
  }
  for (const std::string& code : kRealValid) {
    for (size_t k = 0; k < code.size(); ++k) {
      auto r = Uscc::Parse(code.substr(0, k));
      ASSERT_FALSE(r.ok());
    }
  }
  // Truncated UTF-8 of a full-width code.
  const std::string wide = "９１４４０３００７１５２６７２６ＸＧ";
  for (size_t k = 0; k < wide.size(); ++k) {
    auto r = Uscc::Parse(wide.substr(0, k));
    EXPECT_FALSE(r.ok());
  }
}

TEST(UsccTest, Ordering) {
  auto a = Uscc::Parse("11100000MB0341032Y");
  auto b = Uscc::Parse("914403001922038216");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_LT(*a, *b);
  EXPECT_EQ(*b, *Uscc::Parse("914403001922038216"));
}

}  // namespace
}  // namespace zhijian
