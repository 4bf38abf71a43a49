#include "zhijian/checks/limits.h"

#include <gtest/gtest.h>

namespace zhijian::checks {
namespace {

Limit L(LimitKind kind, double low, double high, bool percent = false) {
  return Limit{kind, low, high, percent};
}
Measured M(ResultKind kind, double value = 0, bool percent = false) {
  return Measured{kind, value, percent};
}

TEST(LimitsTest, ParsesLimitsAsReportsPrintThem) {
  EXPECT_EQ(ParseLimit("≤0.5"), L(LimitKind::kAtMost, 0, 0.5));
  EXPECT_EQ(ParseLimit("≤ 0.5 mg/kg"), L(LimitKind::kAtMost, 0, 0.5));
  EXPECT_EQ(ParseLimit("≦0.5"), L(LimitKind::kAtMost, 0, 0.5));
  EXPECT_EQ(ParseLimit("<=0.5"), L(LimitKind::kAtMost, 0, 0.5));
  EXPECT_EQ(ParseLimit("不大于0.5"), L(LimitKind::kAtMost, 0, 0.5));
  EXPECT_EQ(ParseLimit("0.5以下"), L(LimitKind::kAtMost, 0, 0.5));
  EXPECT_EQ(ParseLimit("<0.01"), L(LimitKind::kLess, 0, 0.01));
  EXPECT_EQ(ParseLimit("＜０.０１"), L(LimitKind::kLess, 0, 0.01));  // full width
  EXPECT_EQ(ParseLimit("小于0.01"), L(LimitKind::kLess, 0, 0.01));
  EXPECT_EQ(ParseLimit("0.5~1.0"), L(LimitKind::kRange, 0.5, 1.0));
  EXPECT_EQ(ParseLimit("0.5～1.0"), L(LimitKind::kRange, 0.5, 1.0));
  EXPECT_EQ(ParseLimit("6.5-8.5"), L(LimitKind::kRange, 6.5, 8.5));
  EXPECT_EQ(ParseLimit("6.5至8.5"), L(LimitKind::kRange, 6.5, 8.5));
  EXPECT_EQ(ParseLimit("≥ 95%"), L(LimitKind::kAtLeast, 95, 0, true));
  EXPECT_EQ(ParseLimit("不小于95%"), L(LimitKind::kAtLeast, 95, 0, true));
  EXPECT_EQ(ParseLimit(">1.0"), L(LimitKind::kGreater, 1.0, 0));
  EXPECT_EQ(ParseLimit("≤5×10³ CFU/g"), L(LimitKind::kAtMost, 0, 5000));
  EXPECT_EQ(ParseLimit("≤1.0E2"), L(LimitKind::kAtMost, 0, 100));
  EXPECT_EQ(ParseLimit("不得检出"), L(LimitKind::kNotDetected, 0, 0));
  EXPECT_EQ(ParseLimit("不得检出/25g"), L(LimitKind::kNotDetected, 0, 0));
  // Not limits a rule can judge.
  EXPECT_EQ(ParseLimit(""), std::nullopt);
  EXPECT_EQ(ParseLimit("n=5,c=2,m=100,M=1000"), std::nullopt);
  EXPECT_EQ(ParseLimit("无异味"), std::nullopt);
  EXPECT_EQ(ParseLimit("0.5"), std::nullopt);  // a bare number: ≤? ≥? =?
  EXPECT_EQ(ParseLimit("≤"), std::nullopt);
  EXPECT_EQ(ParseLimit("8.5-6.5"), std::nullopt);  // reversed range
  EXPECT_EQ(ParseLimit("≤1E9999"), std::nullopt);  // not a finite number
}

TEST(LimitsTest, ParsesResults) {
  EXPECT_EQ(ParseResult("0.12"), M(ResultKind::kValue, 0.12));
  EXPECT_EQ(ParseResult("0.12 mg/kg"), M(ResultKind::kValue, 0.12));
  EXPECT_EQ(ParseResult("0.12±0.01"), M(ResultKind::kValue, 0.12));
  EXPECT_EQ(ParseResult("96.2%"), M(ResultKind::kValue, 96.2, true));
  EXPECT_EQ(ParseResult("1.5×10^4"), M(ResultKind::kValue, 15000));
  EXPECT_EQ(ParseResult("1.5×10⁻²"), M(ResultKind::kValue, 0.015));
  EXPECT_EQ(ParseResult("-3.5"), M(ResultKind::kValue, -3.5));
  EXPECT_EQ(ParseResult("<0.01"), M(ResultKind::kBelow, 0.01));
  EXPECT_EQ(ParseResult("＜10"), M(ResultKind::kBelow, 10));
  EXPECT_EQ(ParseResult(">2400"), M(ResultKind::kAbove, 2400));
  EXPECT_EQ(ParseResult("未检出"), M(ResultKind::kNotDetected));
  EXPECT_EQ(ParseResult("未检出(<0.005)"), M(ResultKind::kNotDetected));
  EXPECT_EQ(ParseResult("ND"), M(ResultKind::kNotDetected));
  EXPECT_EQ(ParseResult("N.D."), M(ResultKind::kNotDetected));
  EXPECT_EQ(ParseResult("nd"), M(ResultKind::kNotDetected));
  EXPECT_EQ(ParseResult("阴性"), M(ResultKind::kNotDetected));
  EXPECT_EQ(ParseResult("检出"), M(ResultKind::kDetected));
  EXPECT_EQ(ParseResult("阳性"), M(ResultKind::kDetected));
  EXPECT_EQ(ParseResult(""), std::nullopt);
  EXPECT_EQ(ParseResult("符合"), std::nullopt);
  EXPECT_EQ(ParseResult("5.6~5.8"), std::nullopt);
}

TEST(LimitsTest, ParsesVerdictsFailWordsFirst) {
  EXPECT_EQ(ParseVerdict("合格"), Verdict::kPass);
  EXPECT_EQ(ParseVerdict("符合"), Verdict::kPass);
  EXPECT_EQ(ParseVerdict("符合要求"), Verdict::kPass);
  EXPECT_EQ(ParseVerdict("Pass"), Verdict::kPass);
  EXPECT_EQ(ParseVerdict("不合格"), Verdict::kFail);
  EXPECT_EQ(ParseVerdict("不符合"), Verdict::kFail);
  EXPECT_EQ(ParseVerdict("超标"), Verdict::kFail);
  EXPECT_EQ(ParseVerdict("×"), Verdict::kFail);
  EXPECT_EQ(ParseVerdict("/"), std::nullopt);
  EXPECT_EQ(ParseVerdict("—"), std::nullopt);
  EXPECT_EQ(ParseVerdict("未判定"), std::nullopt);
  EXPECT_EQ(ParseVerdict(""), std::nullopt);
  EXPECT_EQ(ParseConclusion("经检验，所检项目符合GB 2762-2022的要求。"), Verdict::kPass);
  EXPECT_EQ(ParseConclusion("所检项目中铅不符合GB 2762-2022的要求，其余项目符合。"),
            Verdict::kFail);
  EXPECT_EQ(ParseConclusion("该批次产品合格，不合格项目：无"), Verdict::kPass);
  EXPECT_EQ(ParseConclusion("仅提供检测数据，不作判定"), std::nullopt);
}

TEST(LimitsTest, DecidesOnlyWhatTheTextsDecide) {
  const Limit at_most = L(LimitKind::kAtMost, 0, 0.5);
  EXPECT_EQ(Satisfies(at_most, M(ResultKind::kValue, 0.5)), true);  // boundary included
  EXPECT_EQ(Satisfies(at_most, M(ResultKind::kValue, 0.51)), false);
  EXPECT_EQ(Satisfies(at_most, M(ResultKind::kNotDetected)), true);
  EXPECT_EQ(Satisfies(at_most, M(ResultKind::kBelow, 0.01)), true);
  EXPECT_EQ(Satisfies(at_most, M(ResultKind::kBelow, 1.0)), std::nullopt);  // LOQ above limit
  EXPECT_EQ(Satisfies(at_most, M(ResultKind::kAbove, 0.5)), false);
  EXPECT_EQ(Satisfies(at_most, M(ResultKind::kDetected)), std::nullopt);

  const Limit less = L(LimitKind::kLess, 0, 0.01);
  EXPECT_EQ(Satisfies(less, M(ResultKind::kValue, 0.01)), false);  // boundary excluded
  EXPECT_EQ(Satisfies(less, M(ResultKind::kValue, 0.009)), true);

  const Limit at_least = L(LimitKind::kAtLeast, 95, 0, true);
  EXPECT_EQ(Satisfies(at_least, M(ResultKind::kValue, 96.2, true)), true);
  EXPECT_EQ(Satisfies(at_least, M(ResultKind::kValue, 94.9)), false);  // plain number: same unit
  EXPECT_EQ(Satisfies(at_least, M(ResultKind::kNotDetected)), false);
  EXPECT_EQ(Satisfies(at_least, M(ResultKind::kBelow, 90)), false);
  EXPECT_EQ(Satisfies(at_least, M(ResultKind::kBelow, 99)), std::nullopt);

  const Limit range = L(LimitKind::kRange, 6.5, 8.5);
  EXPECT_EQ(Satisfies(range, M(ResultKind::kValue, 6.5)), true);
  EXPECT_EQ(Satisfies(range, M(ResultKind::kValue, 8.6)), false);
  EXPECT_EQ(Satisfies(range, M(ResultKind::kValue, 6.4)), false);
  EXPECT_EQ(Satisfies(range, M(ResultKind::kNotDetected)), false);

  const Limit nd = L(LimitKind::kNotDetected, 0, 0);
  EXPECT_EQ(Satisfies(nd, M(ResultKind::kNotDetected)), true);
  EXPECT_EQ(Satisfies(nd, M(ResultKind::kBelow, 0.01)), true);
  EXPECT_EQ(Satisfies(nd, M(ResultKind::kDetected)), false);
  EXPECT_EQ(Satisfies(nd, M(ResultKind::kValue, 40)), false);
  EXPECT_EQ(Satisfies(nd, M(ResultKind::kValue, 0)), true);

  // Floating-point noise does not flip a boundary: 0.1 + 0.2 vs 0.3.
  EXPECT_EQ(Satisfies(L(LimitKind::kAtMost, 0, 0.3), M(ResultKind::kValue, 0.1 + 0.2)), true);
}

TEST(LimitsTest, NormalisesWidthSpacesAndSuperscripts) {
  EXPECT_EQ(NormalizeReportText("ＧＢ　５００９ (以Pb计)"), "gb5009(以pb计)");
  EXPECT_EQ(NormalizeReportText("10⁻³"), "10^-3");
  EXPECT_EQ(NormalizeReportText("≧1"), "≥1");
  EXPECT_EQ(NormalizeReportText(">= 1"), "≥1");
  // Text already in normal form comes back as it is; anything else goes through the decoder.
  EXPECT_EQ(NormalizeReportText("菌落总数"), "菌落总数");
  EXPECT_EQ(NormalizeReportText("gb5009.12-2017"), "gb5009.12-2017");
  EXPECT_EQ(NormalizeReportText("黄曲霉毒素B1"), "黄曲霉毒素b1");
  EXPECT_EQ(NormalizeReportText("铅 "), "铅");
  EXPECT_EQ(NormalizeReportText("铅\xE4\xB8"), "铅");  // a truncated character is dropped
  EXPECT_EQ(NormalizeReportText("pH值≤8.5"), "ph值≤8.5");
}

}  // namespace
}  // namespace zhijian::checks
