#include "zhijian/intake/hints.h"

#include <gtest/gtest.h>

#include "zhijian/intake/intake.h"

namespace zhijian::intake {
namespace {

Extraction Scan() {
  Extraction ex;
  ex.facts.source = checks::FactsSource::kScan;
  ex.facts.approver = "袁春乐";
  ex.facts.reviewer = "李明";
  ex.facts.chief_tester = "王小";  // one character dropped from 王小红
  ex.facts.report.signatories = {"袁春乐"};
  ledger::TestLine a;
  a.standard = "GB/T 5750.8-2023";  // "6" read as "8"
  ledger::TestLine b;
  b.standard = "GB 5749-2021";  // another edition of a candidate (one digit off): stays
  ledger::TestLine c;
  c.standard = "HJ 535-2009";  // a candidate
  ex.facts.report.test_lines = {a, b, c};
  ex.line_confidence = {0.9, 0.9, 0.9};
  for (const char* f : {"approver", "reviewer", "chief_tester", "signatories", "test_lines"}) {
    ex.confidence[f] = 0.9;
  }
  return ex;
}

RegistryHints Hints() {
  RegistryHints h;
  h.names = {"袁春东", "李明", "王小红", "赵六"};
  h.standards = {"GB/T 5750.6-2023", "GB 5749-2022", "HJ 535-2009"};
  return h;
}

TEST(Hints, CorrectsOcrNamesAndStandardsOneCharacterAwayFromOneCandidate) {
  Extraction ex = Scan();
  EXPECT_EQ(ApplyHints(Hints(), &ex), 3);
  EXPECT_EQ(ex.facts.approver, "袁春东");
  EXPECT_EQ(ex.facts.report.signatories, std::vector<std::string>{"袁春东"});
  EXPECT_EQ(ex.facts.reviewer, "李明");
  EXPECT_EQ(ex.facts.chief_tester, "王小红");
  EXPECT_EQ(ex.facts.report.test_lines[0].standard, "GB/T 5750.6-2023");
  EXPECT_EQ(ex.facts.report.test_lines[1].standard, "GB 5749-2021");
  EXPECT_EQ(ex.facts.report.test_lines[2].standard, "HJ 535-2009");
  // Corrected values are less certain; the others keep their confidence.
  EXPECT_NEAR(ex.confidence["approver"], 0.72, 1e-9);
  EXPECT_NEAR(ex.confidence["signatories"], 0.72, 1e-9);
  EXPECT_NEAR(ex.confidence["reviewer"], 0.9, 1e-9);
  EXPECT_NEAR(ex.line_confidence[0], 0.72, 1e-9);
  EXPECT_NEAR(ex.line_confidence[1], 0.9, 1e-9);
  EXPECT_NEAR(ex.confidence["test_lines"], 0.72, 1e-9);
  EXPECT_EQ(ex.warnings.size(), 3u);
}

TEST(Hints, LeavesAmbiguousFarAndTextLayerReadingsAlone) {
  RegistryHints h = Hints();
  h.names.push_back("袁春西");  // now two candidates are one character from 袁春乐
  Extraction ex = Scan();
  ex.facts.reviewer = "张三丰";  // far from every candidate
  ApplyHints(h, &ex);
  EXPECT_EQ(ex.facts.approver, "袁春乐");
  EXPECT_EQ(ex.facts.reviewer, "张三丰");

  // The registered name in intake's canonical form: full-width brackets are not a difference.
  RegistryHints wide;
  wide.institutions = {"国家建筑工程质量监督检验中心（临沂）"};
  Extraction same = Scan();
  same.facts.institution_name = "国家建筑工程质量监督检验中心(临沂)";
  EXPECT_EQ(ApplyHints(wide, &same), 0);
  EXPECT_EQ(same.facts.institution_name, "国家建筑工程质量监督检验中心(临沂)");
  same.facts.institution_name = "国家建筑工程质量监督检验中心(临圻)";
  EXPECT_EQ(ApplyHints(wide, &same), 1);
  EXPECT_EQ(same.facts.institution_name, "国家建筑工程质量监督检验中心(临沂)");
  Extraction text = Scan();
  text.facts.source = checks::FactsSource::kTextPdf;
  EXPECT_EQ(ApplyHints(Hints(), &text), 0);
  EXPECT_EQ(text.facts.approver, "袁春乐");
  EXPECT_EQ(text.facts.report.test_lines[0].standard, "GB/T 5750.8-2023");
}

// The institution's name: one or (long names) two characters from the registered name is OCR's;
// a name further off (another institution's) stays as read, and so does a text layer.
TEST(Hints, InstitutionName) {
  RegistryHints h;
  h.institutions = {"济南海鑫机动车检测技术有限公司"};
  for (const auto& [read, want] : std::vector<std::pair<std::string, std::string>>{
           {"济南海讲机动车检测技术有限公司", "济南海鑫机动车检测技术有限公司"},
           {"济南海讲机动车检测技木有限公司", "济南海鑫机动车检测技术有限公司"},
           {"济南海机动车检测技术有限公司", "济南海鑫机动车检测技术有限公司"},
           {"济南海讲机动车检侧技木有限公司", "济南海讲机动车检侧技木有限公司"},
           {"济南安正建设工程质量检测有限公司", "济南安正建设工程质量检测有限公司"}}) {
    Extraction ex = Scan();
    ex.facts.institution_name = read;
    ex.confidence["institution_name"] = 0.9;
    ApplyHints(h, &ex);
    EXPECT_EQ(ex.facts.institution_name, want) << read;
    if (read != want) {
      EXPECT_NEAR(ex.confidence["institution_name"], 0.72, 1e-9);
    }
  }
  // The registered name in intake's canonical form: full-width brackets are not a difference.
  RegistryHints wide;
  wide.institutions = {"国家建筑工程质量监督检验中心（临沂）"};
  Extraction same = Scan();
  same.facts.institution_name = "国家建筑工程质量监督检验中心(临沂)";
  EXPECT_EQ(ApplyHints(wide, &same), 0);
  EXPECT_EQ(same.facts.institution_name, "国家建筑工程质量监督检验中心(临沂)");
  same.facts.institution_name = "国家建筑工程质量监督检验中心(临圻)";
  EXPECT_EQ(ApplyHints(wide, &same), 1);
  EXPECT_EQ(same.facts.institution_name, "国家建筑工程质量监督检验中心(临沂)");
  Extraction text = Scan();
  text.facts.source = checks::FactsSource::kTextPdf;
  text.facts.institution_name = "济南海讲机动车检测技术有限公司";
  EXPECT_EQ(ApplyHints(h, &text), 0);
  EXPECT_EQ(text.facts.institution_name, "济南海讲机动车检测技术有限公司");
}

TEST(Hints, RecordsEveryCorrectionWithTheReading) {
  Extraction ex = Scan();
  ApplyHints(Hints(), &ex);
  ASSERT_EQ(ex.facts.corrections.size(), 3u);
  EXPECT_EQ(ex.facts.corrections[0].field, "approver");
  EXPECT_EQ(ex.facts.corrections[0].read, "袁春乐");
  EXPECT_EQ(ex.facts.corrections[0].corrected, "袁春东");
  EXPECT_EQ(ex.facts.corrections[1].field, "chief_tester");
  EXPECT_EQ(ex.facts.corrections[2].field, "standard");
  EXPECT_EQ(ex.facts.corrections[2].line, 1);
  EXPECT_EQ(ex.facts.corrections[2].read, "GB/T 5750.8-2023");
}

TEST(Hints, SnapsTheInstitutionNameUpToTwoCharactersAway) {
  RegistryHints h;
  h.institutions = {"潍坊市食品药品检验检测中心"};
  Extraction ex = Scan();
  ex.facts.institution_name = "滩坊市食品药品检验检测中";  // one replaced, one dropped
  ex.confidence["institution_name"] = 0.9;
  EXPECT_EQ(ApplyHints(h, &ex), 1);
  EXPECT_EQ(ex.facts.institution_name, "潍坊市食品药品检验检测中心");
  EXPECT_NEAR(ex.confidence["institution_name"], 0.72, 1e-9);
  ASSERT_EQ(ex.facts.corrections.size(), 1u);
  EXPECT_EQ(ex.facts.corrections[0].field, "institution_name");
  EXPECT_EQ(ex.facts.corrections[0].read, "滩坊市食品药品检验检测中");

  // Three characters away: a different name, left for the checks to judge.
  ex = Scan();
  ex.facts.institution_name = "滩坊县食品药品检验检测中";
  EXPECT_EQ(ApplyHints(h, &ex), 0);
  EXPECT_EQ(ex.facts.institution_name, "滩坊县食品药品检验检测中");

  // Brackets of the other width are the same name: nothing to correct.
  h.institutions = {"山东省产品质量检验研究院（济南）"};
  ex = Scan();
  ex.facts.institution_name = "山东省产品质量检验研究院(济南)";
  EXPECT_EQ(ApplyHints(h, &ex), 0);

  // Two candidates within reach (the USCC and the certificate name two institutions): ambiguous.
  h.institutions = {"潍坊市食品药品检验检测中心", "潍坊市食品药品检验检测所"};
  ex = Scan();
  ex.facts.institution_name = "滩坊市食品药品检验检测中";
  EXPECT_EQ(ApplyHints(h, &ex), 0);

  // A short name may not move two characters.
  h.institutions = {"正信检测"};
  ex = Scan();
  ex.facts.institution_name = "正言检侧";
  EXPECT_EQ(ApplyHints(h, &ex), 0);
}

TEST(FactsForChecks, CarriesTheConfidencesAndCorrectionsOfAScanOnly) {
  Extraction ex = Scan();
  ApplyHints(Hints(), &ex);
  const checks::ReportFacts scan = FactsForChecks(ex);
  EXPECT_NEAR(scan.confidence.at("approver"), 0.72, 1e-9);
  EXPECT_EQ(scan.line_confidence, ex.line_confidence);
  EXPECT_EQ(scan.corrections.size(), 3u);
  EXPECT_EQ(scan.approver, "袁春东");

  // A text layer is exact: no confidences, every field certain to the checks.
  Extraction text = Scan();
  text.facts.source = checks::FactsSource::kTextPdf;
  const checks::ReportFacts t = FactsForChecks(text);
  EXPECT_TRUE(t.confidence.empty());
  EXPECT_TRUE(t.line_confidence.empty());
}

}  // namespace

}  // namespace zhijian::intake
