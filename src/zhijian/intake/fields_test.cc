#include "zhijian/intake/fields.h"

#include <gtest/gtest.h>

#include <tuple>

#include "zhijian/intake/test_page_internal.h"

namespace zhijian::intake {
namespace {

using testing::A4;
using testing::Put;

// A two-page report: cover with the CMA mark, an information block, a result table that
// continues on page 2, the conclusion and the signatures.
std::vector<PageLayout> Report(double conf = 1.0) {
  PageText p1 = A4();
  Put(&p1, "CMA", 60, 60, 28, conf);
  Put(&p1, "231513080001", 50, 92, 9, conf);
  Put(&p1, "报告编号：SDJC-2024-000123", 380, 60, 10, conf);
  Put(&p1, "检 验 报 告", 230, 200, 26, conf);
  Put(&p1, "日照鑫科水质检测技术有限公司", 150, 700, 16, conf);
  Put(&p1, "统一社会信用代码：91371102MARFNP6P6L", 150, 730, 10, conf);
  Put(&p1, "报告编号：SDJC-2024-000123", 50, 800, 9, conf);
  Put(&p1, "第 1 页 共 2 页", 450, 800, 9, conf);

  PageText p2 = A4();
  Put(&p2, "样品名称：", 50, 60, 10, conf);
  Put(&p2, "生活饮用水", 110, 60, 10, conf);
  Put(&p2, "规格型号：500mL", 300, 60, 10, conf);
  Put(&p2, "委托单位：日照市某某供水有限公司", 50, 80, 10, conf);
  Put(&p2, "生产日期/批号：２０２４０３０１", 300, 80, 10, conf);
  Put(&p2, "检验类别：委托检验", 50, 100, 10, conf);
  Put(&p2, "抽样日期：2024年3月1日", 300, 100, 10, conf);
  Put(&p2, "收样日期：2024.03.02", 50, 120, 10, conf);
  Put(&p2, "检验日期：2024-03-02至2024-03-06", 300, 120, 10, conf);
  // Table header and rows.
  const double xs[] = {50, 90, 170, 230, 300, 370, 430};
  const char* head[] = {"序号", "检验项目", "单位", "标准要求", "检验结果", "单项判定", "检验依据"};
  for (int i = 0; i < 7; ++i) Put(&p2, head[i], xs[i], 160, 10, conf);
  const char* row1[] = {"1", "铅", "mg/L", "≤0.01", "0.002", "合格", "GB/T 5750.6-2023"};
  const char* row2[] = {"2", "菌落总数", "CFU/mL", "≤100", "25", "合格", "GB/T 5750.12-2023"};
  for (int i = 0; i < 7; ++i) Put(&p2, row1[i], xs[i], 180, 10, conf);
  for (int i = 0; i < 7; ++i) Put(&p2, row2[i], xs[i], 200, 10, conf);
  // Row 2 continues (a wrapped item name) on the next line.
  Put(&p2, "(平皿计数)", xs[1], 212, 10, conf);
  Put(&p2, "以下空白", 250, 230, 10, conf);
  Put(&p2, "检验结论：经检验，所检项目符合GB", 50, 300, 10, conf);
  Put(&p2, "5749-2022要求。", 110, 313, 10, conf);
  Put(&p2, "（检验检测专用章）", 300, 340, 10, conf);
  Put(&p2, "签发日期：2024年03月08日", 300, 360, 10, conf);
  Put(&p2, "批准：", 50, 400, 10, conf);
  Put(&p2, "徐飞洋", 85, 400, 10, conf);
  Put(&p2, "审核：李刚娜", 200, 400, 10, conf);
  Put(&p2, "主检：王小明", 350, 400, 10, conf);
  Put(&p2, "检验地点：日照市东港区第二水厂", 50, 430, 10, conf);
  Put(&p2, "分包情况：菌落总数由日照某某检测有限公司检测", 50, 450, 10, conf);
  Put(&p2, "声明：本报告检验结果仅对所检样品负责。", 50, 480, 9, conf);
  Put(&p2, "未经本机构书面批准，不得部分复制本报告。", 50, 495, 9, conf);
  Put(&p2, "报告编号：SDJC-2024-000123", 50, 800, 9, conf);
  Put(&p2, "第 2 页 共 2 页", 450, 800, 9, conf);
  return {BuildLayout(p1), BuildLayout(p2)};
}

TEST(Fields, ReadsEveryFieldOfATextReport) {
  const Extraction ex = ExtractFields(Report());
  const auto& f = ex.facts;
  const auto& r = f.report;
  EXPECT_EQ(r.report_no, "SDJC-2024-000123");
  EXPECT_EQ(r.institution, "91371102MARFNP6P6L");
  EXPECT_EQ(f.institution_name, "日照鑫科水质检测技术有限公司");
  EXPECT_EQ(r.certificate, "231513080001");
  ASSERT_TRUE(f.cma_mark.has_value());
  EXPECT_TRUE(*f.cma_mark);
  EXPECT_EQ(r.client, "日照市某某供水有限公司");
  EXPECT_EQ(r.sample, "生活饮用水");
  EXPECT_EQ(f.sample_model, "500mL");
  EXPECT_EQ(f.sample_batch, "20240301");
  EXPECT_EQ(f.test_category, "委托检验");
  EXPECT_EQ(r.sampling_date, "2024-03-01");
  EXPECT_EQ(r.receipt_date, "2024-03-02");
  EXPECT_EQ(r.test_start_date, "2024-03-02");
  EXPECT_EQ(r.test_end_date, "2024-03-06");
  EXPECT_EQ(r.issue_date, "2024-03-08");
  EXPECT_EQ(r.conclusion, "经检验，所检项目符合GB 5749-2022要求。");
  EXPECT_EQ(f.approver, "徐飞洋");
  EXPECT_EQ(f.reviewer, "李刚娜");
  EXPECT_EQ(f.chief_tester, "王小明");
  EXPECT_EQ(r.signatories, std::vector<std::string>{"徐飞洋"});
  EXPECT_EQ(f.page_count, 2);
  EXPECT_EQ(f.seal, true);
  EXPECT_EQ(f.page_numbering, true);
  EXPECT_EQ(f.end_mark, true);
  EXPECT_EQ(f.sample_statement, true);
  EXPECT_EQ(f.copy_statement, true);
  EXPECT_EQ(f.test_site, "日照市东港区第二水厂");
  EXPECT_EQ(f.subcontracting, "菌落总数由日照某某检测有限公司检测");
  ASSERT_EQ(r.test_lines.size(), 2u);
  EXPECT_EQ(r.test_lines[0],
            (ledger::TestLine{"铅", "", "GB/T 5750.6-2023", "0.002", "mg/L", "≤0.01", "合格"}));
  EXPECT_EQ(r.test_lines[1].item, "菌落总数(平皿计数)");
  EXPECT_EQ(r.test_lines[1].unit, "CFU/mL");
  EXPECT_EQ(r.test_lines[1].standard, "GB/T 5750.12-2023");
  for (const std::string& name : FieldNames()) {
    EXPECT_DOUBLE_EQ(ex.confidence.at(name) > 0 ? 1.0 : 0.0, 1.0) << name;
  }
  EXPECT_GE(ex.confidence.at("report_no"), 0.99);
}

TEST(Fields, OcrConfidenceCarriesThrough) {
  const Extraction ex = ExtractFields(Report(0.8));
  EXPECT_EQ(ex.facts.report.report_no, "SDJC-2024-000123");
  EXPECT_NEAR(ex.confidence.at("report_no"), 0.8, 1e-9);
  EXPECT_NEAR(ex.confidence.at("test_lines"), 0.8, 1e-9);
}

TEST(Fields, OcrMisreadsOfLabelsAndDigits) {
  PageText p = A4();
  Put(&p, "报告编兮：SDJC-2O24-000123", 50, 60, 10, 0.7);  // one character wrong, O for 0
  Put(&p, "签发日期：2O24年O3月08日", 50, 80, 10, 0.7);
  Put(&p, "检验类别：委托检脸", 50, 100, 10, 0.7);  // snapped to the vocabulary
  Put(&p, "样品名称：大米", 50, 120, 10, 0.7);
  const Extraction ex = ExtractFields({BuildLayout(p)});
  EXPECT_EQ(ex.facts.report.report_no, "SDJC-2024-000123");
  EXPECT_NEAR(ex.confidence.at("report_no"), 0.63, 1e-9);  // 0.7 * 0.9 (fuzzy label)
  EXPECT_EQ(ex.facts.report.issue_date, "2024-03-08");
  EXPECT_EQ(ex.facts.test_category, "委托检验");
  EXPECT_EQ(ex.facts.report.sample, "大米");
}

TEST(Fields, AVoteDecidesBetweenDisagreeingCopies) {
  PageText p = A4();
  Put(&p, "报告编号：AB-001", 50, 60, 10, 0.9);
  Put(&p, "报告编号：AB-001", 50, 400, 10, 0.9);
  Put(&p, "报告编号：AB-00l8", 50, 800, 10, 0.5);
  const Extraction ex = ExtractFields({BuildLayout(p)});
  EXPECT_EQ(ex.facts.report.report_no, "AB-001");
  EXPECT_NEAR(ex.confidence.at("report_no"), 0.9 * 1.8 / 2.3, 1e-9);
}

TEST(Fields, MissingAndNotStatedValues) {
  PageText p = A4();
  Put(&p, "委托单位：", 50, 60);
  Put(&p, "样品名称：钢筋", 300, 60);
  Put(&p, "规格型号：/", 50, 80);
  const Extraction ex = ExtractFields({BuildLayout(p)});
  EXPECT_EQ(ex.facts.report.client, "");
  EXPECT_GT(ex.confidence.at("client"), 0);  // the label is there, the value is not
  EXPECT_EQ(ex.facts.report.sample, "钢筋");
  EXPECT_EQ(ex.facts.sample_model, "");
  EXPECT_EQ(ex.confidence.at("issue_date"), 0);  // not printed at all
  ASSERT_TRUE(ex.facts.cma_mark.has_value());
  EXPECT_FALSE(*ex.facts.cma_mark);
}

TEST(Fields, SmallCmaTextIsNotTheMark) {
  PageText p = A4();
  Put(&p, "本报告加盖 CMA 标志", 50, 60);
  Put(&p, "样品名称：钢筋", 50, 80);
  const Extraction ex = ExtractFields({BuildLayout(p)});
  EXPECT_FALSE(*ex.facts.cma_mark);
}

TEST(Fields, BadCheckCharactersLowerTheConfidence) {
  PageText p = A4();
  Put(&p, "统一社会信用代码：91371102MARFNP6P6A", 50, 60);
  Put(&p, "签发日期：2024年02月30日", 50, 80);
  const Extraction ex = ExtractFields({BuildLayout(p)});
  EXPECT_EQ(ex.facts.report.institution, "91371102MARFNP6P6A");
  EXPECT_DOUBLE_EQ(ex.confidence.at("institution"), 0.5);
  EXPECT_DOUBLE_EQ(ex.confidence.at("issue_date"), 0.5);
}

// What OCR typically gets wrong, on an OCR page: each repair of fields.h.
TEST(Fields, OcrRepairs) {
  PageText p = A4();
  p.ocr = true;
  const double c = 0.9;
  Put(&p, "报告编号：]D2024-00123", 50, 40, 10, c);                 // "J" read as "]"
  Put(&p, "统一社会信用代码：91371102MARFNPx6P6L", 50, 60, 10, c);  // one character extra
  Put(&p, "签发日期：2024404.10", 50, 80, 10, c);                   // "." read as "4"
  Put(&p, "主检-:", 50, 100, 10, c);                                // a mark before the colon
  Put(&p, "王小明", 90, 100, 10, c);
  Put(&p, "批准;李玲“RN", 300, 100, 10, c);                    // semicolon, stray letters
  Put(&p, "车辆识别代号：LZW4SOK8SYZCVE9Y2", 50, 120, 10, c);  // a VIN has no O
  const double xs[] = {50, 90, 190, 250, 320, 390, 450};
  const char* head[] = {"序号",       "检验项目", "单位",    "标准要求",
                        "检验结果。", "单项判定", "检验依据"};
  for (int i = 0; i < 7; ++i) Put(&p, head[i], xs[i], 160, 10, c);
  const char* row1[] = {"1", "二氧化毛", "mg/ms", "<0.50", "0.012四", "合", "JGJIT 70-2009"};
  const char* row2[] = {"2", "菌落总数", "儿", "≥20 0", "25", "合格，", "DB37丰900814-2012"};
  for (int i = 0; i < 7; ++i) Put(&p, row1[i], xs[i], 180, 10, c);
  for (int i = 0; i < 7; ++i) Put(&p, row2[i], xs[i], 200, 10, c);
  const Extraction ex = ExtractFields({BuildLayout(p)});
  const auto& f = ex.facts;
  EXPECT_EQ(f.report.report_no, "JD2024-00123");
  EXPECT_EQ(f.report.institution, "91371102MARFNP6P6L");
  EXPECT_NEAR(ex.confidence.at("institution"), 0.72, 1e-9);  // 0.9 * 0.8
  EXPECT_EQ(f.report.issue_date, "2024-04-10");
  EXPECT_EQ(f.chief_tester, "王小明");
  EXPECT_EQ(f.approver, "李玲");
  EXPECT_EQ(f.sample_batch, "LZW4S0K8SYZCVE9Y2");
  ASSERT_EQ(f.report.test_lines.size(), 2u);
  const auto& l1 = f.report.test_lines[0];
  EXPECT_EQ(l1.unit, "mg/m³");
  EXPECT_EQ(l1.limit, "≤0.50");
  EXPECT_EQ(l1.result, "0.012");
  EXPECT_EQ(l1.verdict, "合格");
  EXPECT_EQ(l1.standard, "JGJ/T 70-2009");
  EXPECT_EQ(l1.item, "二氧化毛");  // 二氧化氯, 二氧化硫, 二氧化氮 …: not one item, no guess
  const auto& l2 = f.report.test_lines[1];
  EXPECT_EQ(l2.unit, "L");
  EXPECT_EQ(l2.limit, "≥20.0");
  EXPECT_EQ(l2.verdict, "合格");
  EXPECT_EQ(l2.standard, "DB37/T 900814-2012");
  EXPECT_LT(ex.line_confidence[0], c);
}

// A heading OCR cut short by its last character still names its column; the table's end mark
// OCR joined to the last value is not part of it.
TEST(Fields, OcrShortHeadingAndEndMark) {
  PageText p = A4();
  p.ocr = true;
  const double xs[] = {50, 90, 190, 250, 320, 390, 450};
  const char* head[] = {"序号", "检验项目", "单位", "标准要求", "检验结果", "单项判", "检验依据"};
  for (int i = 0; i < 7; ++i) Put(&p, head[i], xs[i], 160, 10, 0.9);
  const char* row[] = {"1", "铅", "mg/L以下", "≤0.01", "0.003以下空", "合格", "GB/T 5750.6-2023"};
  for (int i = 0; i < 7; ++i) Put(&p, row[i], xs[i], 180, 10, 0.9);
  const Extraction ex = ExtractFields({BuildLayout(p)});
  ASSERT_EQ(ex.facts.report.test_lines.size(), 1u);
  EXPECT_EQ(ex.facts.report.test_lines[0].verdict, "合格");
  EXPECT_EQ(ex.facts.report.test_lines[0].result, "0.003");
  EXPECT_EQ(ex.facts.report.test_lines[0].unit, "mg/L");
  EXPECT_LT(ex.line_confidence[0], 0.9);
}

// Each cell of a test line has its own confidence: an unsure result does not make the item unsure.
TEST(Fields, CellConfidencePerColumn) {
  PageText p = A4();
  p.ocr = true;
  const double xs[] = {50, 90, 190, 250, 320, 390, 450};
  const char* head[] = {"序号", "检验项目", "单位", "标准要求", "检验结果", "单项判定", "检验依据"};
  for (int i = 0; i < 7; ++i) Put(&p, head[i], xs[i], 160, 10, 0.9);
  const char* row[] = {"1", "铅", "mg/L", "≤0.01", "0.003", "合格", "GB/T 5750.6-2023"};
  const double conf[] = {0.9, 0.93, 0.9, 0.9, 0.2, 0.9, 0.88};
  for (int i = 0; i < 7; ++i) Put(&p, row[i], xs[i], 180, 10, conf[i]);
  const Extraction ex = ExtractFields({BuildLayout(p)});
  ASSERT_EQ(ex.facts.report.test_lines.size(), 1u);
  ASSERT_EQ(ex.cell_confidence.size(), 1u);
  EXPECT_NEAR(ex.line_confidence[0], 0.2, 1e-9);
  const auto& cells = ex.cell_confidence[0];
  EXPECT_NEAR(cells.at("item"), 0.93, 1e-9);
  EXPECT_NEAR(cells.at("standard"), 0.88, 1e-9);
  EXPECT_NEAR(cells.at("result"), 0.2, 1e-9);
  // No parameter column: no cell, no confidence (the checks then use the cells they have).
  EXPECT_EQ(cells.count("parameter"), 0u);
}

// The same misreadings on a text layer are kept as printed: repairs are for OCR only.
TEST(Fields, NoOcrRepairsOnATextLayer) {
  PageText p = A4();
  const double xs[] = {50, 90, 190, 250, 320, 390, 450};
  const char* head[] = {"序号", "检验项目", "单位", "标准要求", "检验结果", "单项判定", "检验依据"};
  for (int i = 0; i < 7; ++i) Put(&p, head[i], xs[i], 160, 10);
  const char* row[] = {"1", "铅", "mg/ms", "<0.50", "0.012", "合格", "GB 5009.12-2017"};
  for (int i = 0; i < 7; ++i) Put(&p, row[i], xs[i], 180, 10);
  const Extraction ex = ExtractFields({BuildLayout(p)});
  ASSERT_EQ(ex.facts.report.test_lines.size(), 1u);
  EXPECT_EQ(ex.facts.report.test_lines[0].unit, "mg/ms");
  EXPECT_EQ(ex.facts.report.test_lines[0].limit, "<0.50");
}

TEST(Fields, TableWithoutNumbersContinuesWrappedItems) {
  PageText p = A4();
  const double xs[] = {50, 150, 200, 280, 350, 410};
  const char* head[] = {"检测项目", "单位", "技术要求", "检测结果", "单项结论", "检测依据"};
  for (int i = 0; i < 6; ++i) Put(&p, head[i], xs[i], 160, 10);
  const char* row1[] = {"回弹法混凝土抗压强", "MPa", "≥30.0", "35.2", "符合", "JGJ/T 23-2011"};
  for (int i = 0; i < 6; ++i) Put(&p, row1[i], xs[i], 180, 10);
  Put(&p, "度", 50, 192, 10);  // the item's second line
  const char* row2[] = {"抗折强度", "MPa", "≥4.5", "5.1", "符合", "GB/T 50081-2019"};
  for (int i = 0; i < 6; ++i) Put(&p, row2[i], xs[i], 212, 10);
  const Extraction ex = ExtractFields({BuildLayout(p)});
  ASSERT_EQ(ex.facts.report.test_lines.size(), 2u);
  EXPECT_EQ(ex.facts.report.test_lines[0].item, "回弹法混凝土抗压强度");
  EXPECT_EQ(ex.facts.report.test_lines[1].item, "抗折强度");
  EXPECT_EQ(ex.facts.report.test_lines[1].standard, "GB/T 50081-2019");
}

// The contents of RB/T 214 §4.5.20 a report leaves out are read as absent (false), and a
// mention of the seal in a sentence is not the seal.
TEST(Fields, ReportContentsLeftOut) {
  PageText p = A4();
  Put(&p, "报告编号：SDJC-2024-000124", 50, 40);
  const double xs[] = {50, 90, 170, 230, 300, 370, 430};
  const char* head[] = {"序号", "检验项目", "单位", "标准要求", "检验结果", "单项判定", "检验依据"};
  const char* row[] = {"1", "铅", "mg/L", "≤0.01", "0.002", "合格", "GB/T 5750.6-2023"};
  for (int i = 0; i < 7; ++i) Put(&p, head[i], xs[i], 160);
  for (int i = 0; i < 7; ++i) Put(&p, row[i], xs[i], 180);
  Put(&p, "1. 报告无“检验检测专用章”或检验检测机构公章无效。", 50, 300, 9);
  Put(&p, "第 1 页 共 2 页", 450, 800, 9);
  PageText p2 = A4();
  Put(&p2, "报告编号：SDJC-2024-000124", 50, 40);
  const Extraction ex = ExtractFields({BuildLayout(p), BuildLayout(p2)});
  const auto& f = ex.facts;
  EXPECT_EQ(f.seal, false);
  EXPECT_EQ(f.page_numbering, false);  // page 2 has none
  EXPECT_EQ(f.end_mark, false);
  EXPECT_EQ(f.sample_statement, false);
  EXPECT_EQ(f.copy_statement, false);
  EXPECT_EQ(f.test_site, "");
  EXPECT_GT(ex.confidence.at("seal"), 0.5);
  EXPECT_EQ(ex.confidence.at("test_site"), 0.0);
}

// On OCR pages what OCR may have failed to see is unknown: a seal not read (its caption lies
// under the seal's ink), page numbers read on one page of two. An end mark not read is absent.
TEST(Fields, ReportContentsOnOcrPages) {
  PageText p = A4();
  p.ocr = true;
  Put(&p, "报告编号：SDJC-2024-000125", 50, 40, 10, 0.9);
  Put(&p, "第 1 页 共 2 页", 450, 800, 9, 0.9);
  PageText p2 = A4();
  p2.ocr = true;
  Put(&p2, "报告编号：SDJC-2024-000125", 50, 40, 10, 0.9);
  const Extraction ex = ExtractFields({BuildLayout(p), BuildLayout(p2)});
  EXPECT_FALSE(ex.facts.seal.has_value());
  EXPECT_FALSE(ex.facts.page_numbering.has_value());
  EXPECT_EQ(ex.facts.end_mark, false);
  EXPECT_EQ(ex.confidence.at("seal"), 0.0);
}

TEST(Fields, NotAReport) {
  PageText p = A4();
  Put(&p, "Lorem ipsum dolor sit amet", 50, 60);
  Put(&p, "consectetur adipiscing elit", 50, 80);
  const Extraction ex = ExtractFields({BuildLayout(p)});
  EXPECT_EQ(ex.facts.report.report_no, "");
  EXPECT_TRUE(ex.facts.report.test_lines.empty());
  EXPECT_LE(ex.found(), 2);  // cma_mark (absent) and page_count (the document's) only
  EXPECT_FALSE(ex.facts.seal.has_value());  // no report: its contents are not judged
}

// Misreadings seen on held-out scans (docs/intake.md "Held-out round"): place names of
// companies one character off (GB/T 2260 names; the USCC's prefecture for a short name), the
// company form, a bracket inside a report number, mixed date separators, and table cells whose
// standard narrows the item, whose unit has look-alikes of ³/μ/g, a range "~" read as "一",
// a verdict with "台" for "合" and a stroke before it, a vehicle test condition.
TEST(Fields, OcrHeldOutConfusions) {
  PageText p = A4();
  p.ocr = true;
  const double c = 0.9;
  Put(&p, "惠庄峰岳建设工程质量检测有限公司", 100, 20, 16, c);
  Put(&p, "报告编号：J]D202504110192", 50, 60, 10, c);
  Put(&p, "统一社会信用代码：91370404MA8QWG37X4", 50, 80, 10, c);
  Put(&p, "委托单位：吏庄市山享区利通机械制造有限全司", 50, 100, 10, c);
  Put(&p, "收样日期：2025-04.13", 50, 120, 10, c);
  Put(&p, "签发日期：2025-.05-05", 300, 120, 10, c);
  Put(&p, "规格型号：5一25mm", 50, 140, 10, c);
  Put(&p, "抽样日期：2025年≤5月19日", 300, 140, 10, c);
  const double xs[] = {50, 90, 170, 230, 290, 350, 410, 470};
  const char* head[] = {"序号",     "检验项目", "工况",     "单位",
                        "标准要求", "检验结果", "单项判定", "检验依据"};
  for (int i = 0; i < 8; ++i) Put(&p, head[i], xs[i], 160, 10, c);
  const char* row1[] = {"1", "氨氨", "/", "mg/mas", "6.5一8.5", "7.1", "人台格", "HJ 535-2009"};
  const char* row2[] = {"2", "高蓝", "/", "9/1009g", "≤0.05", "0.01", "合格-", "GB 5009.35-2016"};
  const char* row3[] = {"3", "发执", "高驴速", "多", "≤1.0", "0.2", "台格", "台格”,GB 4706.1-2005"};
  const char* row4[] = {"4", "二氧化毛", "/", "hmoymol", "≤0.8", "0.1", "合格", "GB/T 5750.5-2023"};
  const char* row5[] = {"5", "甲葵", "/", "mgma", "≤0.8", "0.1", "合格", "HIj 644-2013"};
  const char* row6[] = {"6", "锌", "/", "Hg/msa", "≤0.8", "0.1", "合格", "TIZJHc 900744-2021"};
  for (int i = 0; i < 8; ++i) Put(&p, row5[i], xs[i], 260, 10, c);
  for (int i = 0; i < 8; ++i) Put(&p, row6[i], xs[i], 280, 10, c);
  for (int i = 0; i < 8; ++i) Put(&p, row1[i], xs[i], 180, 10, c);
  for (int i = 0; i < 8; ++i) Put(&p, row2[i], xs[i], 200, 10, c);
  for (int i = 0; i < 8; ++i) Put(&p, row3[i], xs[i], 220, 10, c);
  for (int i = 0; i < 8; ++i) Put(&p, row4[i], xs[i], 240, 10, c);
  const Extraction ex = ExtractFields({BuildLayout(p)});
  const auto& f = ex.facts;
  EXPECT_EQ(f.institution_name, "枣庄峰岳建设工程质量检测有限公司");
  EXPECT_LT(ex.confidence.at("institution_name"), c);
  EXPECT_EQ(f.report.report_no, "JD202504110192");
  EXPECT_EQ(f.report.client, "枣庄市山亭区利通机械制造有限公司");
  EXPECT_EQ(f.report.receipt_date, "2025-04-13");
  EXPECT_EQ(f.report.issue_date, "2025-05-05");
  EXPECT_EQ(f.sample_model, "5~25mm");
  EXPECT_EQ(f.report.sampling_date, "2025-05-19");
  ASSERT_EQ(f.report.test_lines.size(), 6u);
  const auto& l = f.report.test_lines;
  EXPECT_EQ(l[0].item, "氨氮");
  EXPECT_EQ(l[0].unit, "mg/m³");
  EXPECT_EQ(l[0].limit, "6.5~8.5");
  EXPECT_EQ(l[0].verdict, "合格");
  EXPECT_EQ(l[1].item, "亮蓝");
  EXPECT_EQ(l[1].unit, "g/100g");
  EXPECT_EQ(l[1].verdict, "合格");
  EXPECT_EQ(l[2].item, "发热");
  EXPECT_EQ(l[2].parameter, "高怠速");
  EXPECT_EQ(l[2].unit, "%");
  EXPECT_EQ(l[2].verdict, "合格");
  EXPECT_EQ(l[2].standard, "GB 4706.1-2005");
  // The standard's items (硫酸盐, 氯化物, …, 氨氮) have no 二氧化X: still no guess.
  EXPECT_EQ(l[3].item, "二氧化毛");
  EXPECT_EQ(l[3].unit, "μmol/mol");
  EXPECT_EQ(l[4].standard, "HJ 644-2013");
  EXPECT_EQ(l[4].item, "甲苯");
  EXPECT_EQ(l[4].unit, "mg/m³");
  EXPECT_EQ(l[5].standard, "T/ZJHC 900744-2021");
  EXPECT_EQ(l[5].unit, "μg/m³");
  for (double lc : ex.line_confidence) EXPECT_LT(lc, c);
}

// Names whose place is right, a real place of another province, names without a USCC to place
// them, and a text layer are left alone.
TEST(Fields, PlaceRepairsLeaveRightNamesAlone) {
  for (bool ocr : {true, false}) {
    PageText p = A4();
    p.ocr = ocr;
    Put(&p, "报告编号：JD2025-001", 50, 60, 10, 0.9);
    Put(&p, "统一社会信用代码：91370404MA8QWG37X4", 50, 70, 10, 0.9);
    Put(&p, "委托单位：惠州市金康建筑工程有限公司", 50, 80, 10, 0.9);
    Put(&p, "样品名称：大米", 50, 100, 10, 0.9);
    Put(&p, "检验机构：临沂市兰山区某某检测有限公司", 50, 120, 10, 0.9);
    const Extraction ex = ExtractFields({BuildLayout(p)});
    EXPECT_EQ(ex.facts.report.client, "惠州市金康建筑工程有限公司");
    EXPECT_EQ(ex.facts.institution_name, "临沂市兰山区某某检测有限公司");
  }
  for (bool ocr : {true, false}) {
    PageText p = A4();
    p.ocr = ocr;
    Put(&p, "报告编号：JD2025-001", 50, 60, 10);
    Put(&p, "委托单位：惠庄市金康建筑工程有限全司", 50, 80, 10);
    Put(&p, "样品名称：大米", 50, 100, 10);
    const Extraction ex = ExtractFields({BuildLayout(p)});
    // No USCC: the place stays; the company form is OCR's only.
    EXPECT_EQ(ex.facts.report.client,
              ocr ? "惠庄市金康建筑工程有限公司" : "惠庄市金康建筑工程有限全司");
  }
}

// A vehicle make one character off: the one common make it is near; a make near none or two
// stays as read, and so does a text layer.
TEST(Fields, OcrVehicleMake) {
  for (const auto& [read, ocr, want] : std::vector<std::tuple<std::string, bool, std::string>>{
           {"五鞭牌LZW6450PF", true, "五菱牌LZW6450PF"},
           {"五鞭牌LZW6450PF", false, "五鞭牌LZW6450PF"},
           {"解放牌CA4250P66K24T1E5", true, "解放牌CA4250P66K24T1E5"},
           {"东田牌BJ1032", true, "东田牌BJ1032"}}) {  // 东风 or 福田: no guess
    PageText p = A4();
    p.ocr = ocr;
    Put(&p, "报告编号：JD2025-001", 50, 60, 10, 0.9);
    Put(&p, "品牌型号：" + read, 50, 80, 10, 0.9);
    Put(&p, "检测地点：1", 50, 120, 10, 0.9);  // "/" as OCR reads it
    Put(&p, "样品名称：小型普通客车", 50, 100, 10, 0.9);
    const Extraction ex = ExtractFields({BuildLayout(p)});
    EXPECT_EQ(ex.facts.sample_model, want) << read;
    EXPECT_EQ(ex.facts.test_site, ocr ? "" : "1");
  }
}

}  // namespace
}  // namespace zhijian::intake
