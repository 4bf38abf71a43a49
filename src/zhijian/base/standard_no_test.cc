#include "zhijian/base/standard_no.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

namespace zhijian {
namespace {

std::string Canon(std::string_view text) {
  auto r = StandardNo::Parse(text);
  return r.ok() ? r->str() : "ERR " + r.error().code();
}

TEST(StandardNoTest, CanonicalFormsOfRealNumbers) {
  EXPECT_EQ(Canon("GB/T 5750.6-2023"), "GB/T 5750.6-2023");
  EXPECT_EQ(Canon("GB 5009.12-2017"), "GB 5009.12-2017");
  EXPECT_EQ(Canon("HJ 828-2017"), "HJ 828-2017");
  EXPECT_EQ(Canon("HJ 505—2009"), "HJ 505-2009");
  EXPECT_EQ(Canon("GB 5749—2022"), "GB 5749-2022");
  EXPECT_EQ(Canon("GB/T 15224.2-2004"), "GB/T 15224.2-2004");
  EXPECT_EQ(Canon("DB32/T 4194-2022"), "DB32/T 4194-2022");
  EXPECT_EQ(Canon("DB3418/T 026-2022"), "DB3418/T 026-2022");
  EXPECT_EQ(Canon("RB/T 214-2017"), "RB/T 214-2017");
  EXPECT_EQ(Canon("JJF 1059.1-2012"), "JJF 1059.1-2012");
  EXPECT_EQ(Canon("JJG 1036-2008"), "JJG 1036-2008");
  EXPECT_EQ(Canon("HJ/T 91-2002"), "HJ/T 91-2002");
}

TEST(StandardNoTest, TwoDigitYearsAreExpanded) {
  EXPECT_EQ(Canon("GB 5749-85"), "GB 5749-1985");
  EXPECT_EQ(Canon("GB 11914-89"), "GB 11914-1989");
  EXPECT_EQ(Canon("GB 7488—87"), "GB 7488-1987");
  EXPECT_EQ(Canon("GB 2760-14"), "GB 2760-2014");  // pivot: 00-49 -> 20xx
  EXPECT_EQ(*StandardNo::Parse("GB 7488-87")->year(), 1987);
}

TEST(StandardNoTest, AcceptsSpellingVariants) {
  for (const char* in :
       {"gb/t 5750.6-2023", "GB/T5750.6-2023", "GB/T 5750.6—2023", "GB/T 5750.6–2023",
        "GB/T 5750.6－2023", "GB／T 5750.6-2023", "ＧＢ／Ｔ　５７５０．６－２０２３",
        "GB / T 5750.6 - 2023", "  GB/T  5750.6-2023  ", "GBT 5750.6-2023", "GB/T 5750.6——2023",
        "Gb/t 5750.6 —— 2023"}) {
    EXPECT_EQ(Canon(in), "GB/T 5750.6-2023") << in;
  }
  EXPECT_EQ(Canon("db37/t1234—2020"), "DB37/T 1234-2020");
  EXPECT_EQ(Canon("DB37/T 1234-2020"), "DB37/T 1234-2020");
  EXPECT_EQ(Canon("DB11 1234-2020"), "DB11 1234-2020");
  EXPECT_EQ(Canon("gbz 2.1-2019"), "GBZ 2.1-2019");
}

TEST(StandardNoTest, PartsOfThePrefix) {
  auto gbt = StandardNo::Parse("GB/T 5750.6-2023");
  ASSERT_TRUE(gbt.ok());
  EXPECT_EQ(gbt->prefix(), "GB/T");
  EXPECT_EQ(gbt->code(), "GB");
  EXPECT_EQ(gbt->number(), "5750.6");
  EXPECT_EQ(gbt->year(), 2023);
  EXPECT_EQ(gbt->kind(), StandardNo::Kind::kRecommended);
  EXPECT_EQ(StandardNo::Parse("GB 5749-2022")->kind(), StandardNo::Kind::kMandatory);
  EXPECT_EQ(StandardNo::Parse("GB/Z 20000.1-2002")->kind(), StandardNo::Kind::kGuidance);
  EXPECT_EQ(StandardNo::Parse("JJF 1059.1-2012")->kind(), StandardNo::Kind::kMetrology);
  auto db = StandardNo::Parse("DB37/T 1234-2020");
  EXPECT_EQ(db->code(), "DB37");
  EXPECT_EQ(db->kind(), StandardNo::Kind::kRecommended);
  // Group and enterprise standards (format examples).
  auto group = StandardNo::Parse("T/CAS 115-2005");
  ASSERT_TRUE(group.ok());
  EXPECT_EQ(group->prefix(), "T/CAS");
  EXPECT_EQ(group->code(), "T/CAS");
  EXPECT_EQ(group->kind(), StandardNo::Kind::kGroup);
  EXPECT_EQ(Canon("t/cas115-2005"), "T/CAS 115-2005");
  EXPECT_EQ(Canon("T / CAS 115—2005"), "T/CAS 115-2005");
  EXPECT_EQ(StandardNo::Parse("Q/GDW 1168-2013")->kind(), StandardNo::Kind::kEnterprise);
}

TEST(StandardNoTest, WithoutYearMatchesAcrossEditions) {
  auto older = StandardNo::Parse("GB 5749-2006");
  auto newer = StandardNo::Parse("GB 5749—2022");
  auto bare = StandardNo::Parse("GB 5749");
  ASSERT_TRUE(older.ok() && newer.ok() && bare.ok());
  EXPECT_EQ(older->WithoutYear(), "GB 5749");
  EXPECT_EQ(older->WithoutYear(), newer->WithoutYear());
  EXPECT_EQ(bare->str(), "GB 5749");
  EXPECT_FALSE(bare->year().has_value());
  EXPECT_LT(*older, *newer);
  EXPECT_LT(*bare, *older);
  EXPECT_NE(*older, *newer);
  EXPECT_EQ(*newer, *StandardNo::Parse("GB 5749-2022"));
  // GB and GB/T are different documents (a re-designation is an alias in the catalogue).
  EXPECT_NE(StandardNo::Parse("GB 11914-89")->WithoutYear(),
            StandardNo::Parse("GB/T 11914-1989")->WithoutYear());
  EXPECT_EQ(StandardNo::Parse("GB 5009.12")->str(), "GB 5009.12");
}

TEST(StandardNoTest, OrdersPartsNumerically) {
  std::vector<StandardNo> v;
  for (const char* s :
       {"GB 5009.12-2017", "GB 5009.2-2016", "GB 5009.100-2003", "GB 5009-2003", "GB 500-2000"}) {
    v.push_back(*StandardNo::Parse(s));
  }
  std::sort(v.begin(), v.end());
  std::vector<std::string> got;
  for (const auto& s : v) got.push_back(s.str());
  EXPECT_EQ(got, (std::vector<std::string>{"GB 500-2000", "GB 5009-2003", "GB 5009.2-2016",
                                           "GB 5009.12-2017", "GB 5009.100-2003"}));
}

TEST(StandardNoTest, RejectsMalformedWithStableCodes) {
  EXPECT_EQ(Canon(""), "ERR standard.empty");
  EXPECT_EQ(Canon("   "), "ERR standard.empty");
  EXPECT_EQ(Canon("ISO 9001"), "ERR standard.bad-prefix");
  EXPECT_EQ(Canon("XYZ 123-2020"), "ERR standard.bad-prefix");
  EXPECT_EQ(Canon("5009.12-2017"), "ERR standard.bad-prefix");
  EXPECT_EQ(Canon("GB/X 123-2020"), "ERR standard.bad-prefix");
  EXPECT_EQ(Canon("GB/TT 123-2020"), "ERR standard.bad-prefix");
  EXPECT_EQ(Canon("DB371/T 1-2020"), "ERR standard.bad-prefix");
  EXPECT_EQ(Canon("T/ 115-2005"), "ERR standard.bad-prefix");
  EXPECT_EQ(Canon("GB"), "ERR standard.bad-number");
  EXPECT_EQ(Canon("GB/T -2023"), "ERR standard.bad-number");
  EXPECT_EQ(Canon("GB 5009-123"), "ERR standard.bad-year");
  EXPECT_EQ(Canon("GB 5009-1949"), "ERR standard.bad-year");
  EXPECT_EQ(Canon("GB 5009-20171"), "ERR standard.bad-year");
  EXPECT_EQ(Canon("GB 5009-"), "ERR standard.bad-year");
  EXPECT_EQ(Canon("GB 5009.12-2017x"), "ERR standard.trailing-text");
  EXPECT_EQ(Canon("GB 5749-2022《生活饮用水卫生标准》"), "ERR standard.trailing-text");
  EXPECT_EQ(Canon("GB 5009.12-2017\xff"), "ERR standard.bad-encoding");
  auto r = StandardNo::Parse("ISO 9001");
  EXPECT_EQ(r.error().kind(), Error::Kind::kInvalidArgument);
  EXPECT_FALSE(r.error().message_zh().empty());
}

TEST(StandardNoTest, GarbageNeverCrashes) {
  std::mt19937 rng(5);
  std::uniform_int_distribution<int> byte(0, 255);
  const std::string alphabet = "GBT/HJDQ0123456789.- \t—－";
  std::uniform_int_distribution<size_t> pick(0, alphabet.size() - 1);
  std::uniform_int_distribution<int> len(0, 30);
  for (int n = 0; n < 30000; ++n) {
    std::string s(static_cast<size_t>(len(rng)), '\0');
    for (char& c : s) c = n % 2 ? static_cast<char>(byte(rng)) : alphabet[pick(rng)];
    auto r = StandardNo::Parse(s);
    if (r.ok()) {
      // The canonical form is a fixed point.
      auto again = StandardNo::Parse(r->str());
      ASSERT_TRUE(again.ok()) << r->str();
      EXPECT_EQ(*again, *r);
    }
  }
  const std::string good = "ＧＢ／Ｔ　５７５０．６－２０２３";
  for (size_t k = 0; k < good.size(); ++k) (void)StandardNo::Parse(good.substr(0, k));
}

}  // namespace
}  // namespace zhijian
