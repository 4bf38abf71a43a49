#include "zhijian/base/cma.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

namespace zhijian {
namespace {

// Real records from the Shaanxi provincial list (compliance-rules.md §2.1).
TEST(CmaCertNoTest, DecodesShaanxiConstructionLab) {
  // 陕西铁诚工程试验检测技术有限公司, issued 2015-10-08.
  auto r = CmaCertNo::Parse("152701060345");
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_EQ(r->str(), "152701060345");
  EXPECT_EQ(r->year(), 2015);
  EXPECT_EQ(r->issuer_code(), "27");
  EXPECT_EQ(r->issuer_name(), "陕西");
  EXPECT_EQ(r->issuer_region_prefix(), "61");
  EXPECT_FALSE(r->national());
  EXPECT_EQ(r->discipline_code(), "01");
  EXPECT_EQ(r->discipline_name(), "建筑工程");
  EXPECT_EQ(r->industry_code(), "06");
  EXPECT_EQ(r->industry_name(), "住房与建设");
  EXPECT_EQ(r->serial(), 345);
}

TEST(CmaCertNoTest, DecodesSpecialEquipmentInstituteCertificates) {
  // 陕西省特种设备检验检测研究院 holds both.
  auto a = CmaCertNo::Parse("162721110151");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->year(), 2016);
  EXPECT_EQ(a->issuer_name(), "陕西");
  EXPECT_EQ(a->discipline_name(), "其他");
  EXPECT_EQ(a->industry_name(), "技术监督");
  EXPECT_EQ(a->serial(), 151);
  auto b = CmaCertNo::Parse("172721110020");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->year(), 2017);
  EXPECT_EQ(b->serial(), 20);
  EXPECT_LT(*a, *b);
  EXPECT_NE(*a, *b);
}

TEST(CmaCertNoTest, NationalIssuer) {
  auto r = CmaCertNo::Parse("200000110001");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->year(), 2020);
  EXPECT_TRUE(r->national());
  EXPECT_EQ(r->issuer_name(), "国家认监委");
  EXPECT_EQ(r->issuer_region_prefix(), "");
  EXPECT_EQ(r->discipline_name(), "食品");
  EXPECT_EQ(r->industry_name(), "技术监督");
  EXPECT_EQ(r->serial(), 1);
}

TEST(CmaCertNoTest, TableEdges) {
  EXPECT_EQ(CmaCertNo::Parse("153121340001")->issuer_name(), "新疆");
  EXPECT_EQ(CmaCertNo::Parse("153121340001")->industry_name(), "其他");
  EXPECT_EQ(CmaCertNo::Parse("153221340001").error().code(), "cma.bad-issuer");
  EXPECT_EQ(CmaCertNo::Parse("153122340001").error().code(), "cma.bad-discipline");
  EXPECT_EQ(CmaCertNo::Parse("153121350001").error().code(), "cma.bad-industry");
  EXPECT_EQ(CmaCertNo::Parse("153121340000").error().code(), "cma.bad-serial");
  EXPECT_EQ(CmaCertNo::Parse("142701060345").error().code(), "cma.bad-year");
}

TEST(CmaCertNoTest, NormalisesSpelling) {
  auto r = CmaCertNo::Parse(" １５２７ ０１０６ ０３４５ ");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->str(), "152701060345");
}

TEST(CmaCertNoTest, RejectsMalformedWithStableCodes) {
  EXPECT_EQ(CmaCertNo::Parse("").error().code(), "cma.empty");
  EXPECT_EQ(CmaCertNo::Parse("15270106034").error().code(), "cma.bad-length");
  EXPECT_EQ(CmaCertNo::Parse("1527010603456").error().code(), "cma.bad-length");
  EXPECT_EQ(CmaCertNo::Parse("15270106034A").error().code(), "cma.bad-char");
  EXPECT_EQ(CmaCertNo::Parse("CMA152701060345").error().code(), "cma.bad-char");
  auto legacy = CmaCertNo::Parse("（2017）（陕）质监认字002号");
  ASSERT_FALSE(legacy.ok());
  EXPECT_EQ(legacy.error().code(), "cma.legacy-format");
  EXPECT_EQ(legacy.error().kind(), Error::Kind::kInvalidArgument);
  EXPECT_FALSE(legacy.error().message_en().empty());
  EXPECT_EQ(CmaCertNo::Parse("15270106034\xc3").error().code(), "cma.bad-encoding");
}

TEST(CmaCertNoTest, GarbageNeverCrashes) {
  std::mt19937 rng(11);
  std::uniform_int_distribution<int> byte(0, 255);
  std::uniform_int_distribution<int> dig(0, 9);
  std::uniform_int_distribution<int> len(0, 20);
  int accepted = 0;
  for (int n = 0; n < 20000; ++n) {
    std::string s(static_cast<size_t>(len(rng)), '\0');
    const bool digits = n % 2 == 0;
    for (char& c : s) c = static_cast<char>(digits ? '0' + dig(rng) : byte(rng));
    auto r = CmaCertNo::Parse(s);
    if (r.ok()) {
      ++accepted;
      EXPECT_EQ(r->str().size(), 12u);
      EXPECT_GE(r->year(), 2015);
      EXPECT_FALSE(r->issuer_name().empty());
      EXPECT_FALSE(r->discipline_name().empty());
      EXPECT_FALSE(r->industry_name().empty());
      EXPECT_GE(r->serial(), 1);
    }
  }
  EXPECT_GT(accepted, 0);  // random 12-digit strings do hit the tables sometimes
  const std::string good = "152701060345";
  for (size_t k = 0; k < good.size(); ++k) {
    EXPECT_FALSE(CmaCertNo::Parse(good.substr(0, k)).ok());
  }
}

}  // namespace
}  // namespace zhijian
