#include "zhijian/checks/compliance.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

namespace zhijian::checks {
namespace {

TEST(ComplianceTest, EveryRuleRowHasCodeAndEveryCodeHasARow) {
  const RuleCatalogue& cat = RuleCatalogue::Compliance();
  const auto ids = ComplianceRuleIdsWithCode();
  std::set<std::string> code(ids.begin(), ids.end());
  EXPECT_EQ(code.size(), ids.size()) << "a rule is bound twice";
  std::set<std::string> rows;
  for (const auto& r : cat.rules()) {
    rows.insert(r.id);
    EXPECT_TRUE(code.count(r.id)) << "no code for " << r.id;
    EXPECT_FALSE(r.basis.empty()) << r.id << " cites no basis";
  }
  for (const auto& id : ids) EXPECT_TRUE(rows.count(id)) << "no rule row for " << id;
  // Every category of the set has rules.
  for (const auto& category : ComplianceRuleSet().categories) {
    EXPECT_TRUE(std::any_of(cat.rules().begin(), cat.rules().end(), [&](const RuleDef& r) {
      return r.category == category;
    })) << category;
  }
}

TEST(ComplianceTest, EmbeddedDurationTableParses) {
  const DurationTable& t = DurationTable::Embedded();
  ASSERT_FALSE(t.rows().empty());
  for (const auto& r : t.rows()) {
    EXPECT_GE(r.min_days, 1);
    EXPECT_FALSE(r.source.empty());
  }
  EXPECT_EQ(t.version().size(), 64u);
}

TEST(ComplianceTest, DurationTableRefusesBadRows) {
  const std::string head = "standard\titem\tmin_days\tconfidence\tsource\n";
  auto ok = DurationTable::FromTsv(head + "GB 4789.2\t\t1\tM\tGB 4789.2 48 h\n");
  ASSERT_TRUE(ok.ok()) << ok.error().ToString();
  EXPECT_EQ(ok->rows()[0].standard, "GB 4789.2");
  for (const std::string bad : {"GB 4789.2-2016\t\t1\tM\tx\n",  // a year
                                "\t\t1\tM\tx\n",                // neither standard nor item
                                "GB 4789.2\t\t0\tM\tx\n",       // not positive
                                "GB 4789.2\t\tone\tM\tx\n",     // not a number
                                "GB 4789.2\t\t1\tQ\tx\n",       // confidence
                                "GB 4789.2\t\t1\tM\t\n"}) {     // source
    auto r = DurationTable::FromTsv(head + bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code(), "rules.bad-row") << bad;
  }
}

// Order 39 was renumbered by Order 101 (2025-03-18): the same rule cites Art. 11 of the 2021
// text for a report issued before that day and Art. 12 of the 2025 text from that day on.
TEST(ComplianceTest, BasisFollowsTheReportDate) {
  const RuleCatalogue& cat = RuleCatalogue::Compliance();
  const RuleDef* rule = cat.Find("signatory-unauthorized.not-signatory");
  ASSERT_NE(rule, nullptr);
  auto text = [&](const std::vector<LegalBasis>& v) {
    std::string s;
    for (const auto& b : v) s += (s.empty() ? "" : ";") + b.ToString();
    return s;
  };
  EXPECT_EQ(text(ResolveBasis(cat, *rule, ToDay("2025-03-17"))), "SAMR-39@2021:11;SAMR-39@2021:25");
  EXPECT_EQ(text(ResolveBasis(cat, *rule, ToDay("2025-03-18"))), "SAMR-39@2025:12;SAMR-39@2025:26");
  // Before every version: the earliest.
  EXPECT_EQ(text(ResolveBasis(cat, *rule, ToDay("2019-01-01"))), "SAMR-39@2021:11;SAMR-39@2021:25");
  // A regulation with one version is cited whatever the date.
  const RuleDef* scope = cat.Find("out-of-scope.item");
  ASSERT_NE(scope, nullptr);
  EXPECT_EQ(text(ResolveBasis(cat, *scope, ToDay("2019-01-01"))),
            "AQSIQ-163@2021:19;AQSIQ-163@2021:36");
}

TEST(ComplianceTest, CitationsForPeople) {
  const RuleCatalogue& cat = RuleCatalogue::Compliance();
  EXPECT_EQ(CitationText(cat, LegalBasis{"SAMR-39", "2021", "11"}, true),
            "《检验检测机构监督管理办法》（国家市场监督管理总局令第39号）第11条");
  EXPECT_EQ(CitationText(cat, LegalBasis{"SAMR-39", "2025", "12"}, true),
            "《检验检测机构监督管理办法》（国家市场监督管理总局令第101号修订）第12条");
  EXPECT_EQ(
      CitationText(cat, LegalBasis{"AQSIQ-163", "2021", "14(4)"}, true),
      "《检验检测机构资质认定管理办法》（原国家质量监督检验检疫总局令第163号，2021年4月2日国家"
      "市场监督管理总局令第38号修改）第14条第4项");
  EXPECT_EQ(CitationText(cat, LegalBasis{"SAMR-39", "2021", "11"}, false),
            "Measures for the Supervision and Administration of Inspection and Testing "
            "Institutions [2021], Art. 11");
  EXPECT_NE(CitationText(cat, LegalBasis{"RB-T-214", "2017", "4.5.20"}, false).find("§4.5.20"),
            std::string::npos);
  EXPECT_EQ(CitationText(cat, LegalBasis{"CNAS-CL01", "2018", "7.8.2.1"}, true),
            "《检测和校准实验室能力认可准则》（CNAS-CL01:2018）第7.8.2.1条");
}

TEST(ComplianceTest, BasisDateFallsBackThroughTheReportDates) {
  ReportFacts r;
  const Day today = ToDay("2026-01-01");
  EXPECT_EQ(BasisDate(r, today), today);
  r.report.sampling_date = "2024-01-02";
  EXPECT_EQ(BasisDate(r, today), ToDay("2024-01-02"));
  r.report.test_end_date = "2024-02-01";
  EXPECT_EQ(BasisDate(r, today), ToDay("2024-02-01"));
  r.report.issue_date = "2025-04-01";
  EXPECT_EQ(BasisDate(r, today), ToDay("2025-04-01"));
}

TEST(ComplianceTest, VersionCoversRulesAndDurations) {
  CheckOptions o;
  const std::string v = ComplianceVersion(o);
  EXPECT_EQ(v.size(), 64u);
  auto durations =
      DurationTable::FromTsv("standard\titem\tmin_days\tconfidence\tsource\nHJ 505\t\t4\tS\tx\n");
  ASSERT_TRUE(durations.ok());
  o.durations = &*durations;
  EXPECT_NE(ComplianceVersion(o), v);
}

}  // namespace
TEST(MinTestDays, ReadsTheDurationTableAsTheRuleDoes) {
  const DurationTable& t = DurationTable::Embedded();
  // By standard (any edition), by item whatever the method, by both, or not at all.
  EXPECT_EQ(MinTestDays({"菌落总数", "", "GB 4789.2-2022", "", "", "", ""}, t), 1);
  EXPECT_EQ(MinTestDays({"菌落总数", "", "DB37/T 900607-2013", "", "", "", ""}, t), 1);
  EXPECT_EQ(MinTestDays({"霉菌和酵母", "", "GB 4789.15-2016", "", "", "", ""}, t), 5);
  EXPECT_EQ(MinTestDays({"生化需氧量", "", "GB/T 5750.7-2023", "", "", "", ""}, t), 4);
  EXPECT_EQ(MinTestDays({"高锰酸盐指数", "", "GB/T 5750.7-2023", "", "", "", ""}, t), 0);
  EXPECT_EQ(MinTestDays({"铅", "", "GB 5009.12-2017", "", "", "", ""}, t), 0);
}

}  // namespace zhijian::checks
