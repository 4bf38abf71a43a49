#include "zhijian/intake/layout.h"

#include <gtest/gtest.h>

#include "zhijian/intake/test_page_internal.h"

namespace zhijian::intake {
namespace {

using testing::A4;
using testing::Put;

TEST(Layout, WordsOnOneBaselineFormOneLineAndGapsSplitCells) {
  PageText p = A4();
  Put(&p, "样品名称：大米", 50, 100);
  Put(&p, "规格型号：5kg", 300, 101);  // a point lower: still the same line
  Put(&p, "委托单位：某某公司", 50, 120);
  const PageLayout l = BuildLayout(p);
  ASSERT_EQ(l.lines.size(), 2u);
  ASSERT_EQ(l.lines[0].cells.size(), 2u);
  EXPECT_EQ(l.lines[0].cells[0].text, "样品名称：大米");
  EXPECT_EQ(l.lines[0].cells[1].text, "规格型号：5kg");
  EXPECT_EQ(l.lines[1].cells[0].text, "委托单位：某某公司");
}

TEST(Layout, SpacesOnlyBetweenNonChineseWords) {
  PageText p = A4();
  Put(&p, "GB 5009.12-2017", 50, 100);
  // OCR-style single characters with small gaps.
  double x = 50;
  for (const char* c : {"报", "告", "编", "号"}) {
    p.words.push_back({c, {x, 200, x + 10, 210}, 0.9});
    x += 11;
  }
  const PageLayout l = BuildLayout(p);
  ASSERT_EQ(l.lines.size(), 2u);
  EXPECT_EQ(l.lines[0].cells[0].text, "GB 5009.12-2017");
  ASSERT_EQ(l.lines[1].cells.size(), 1u);
  EXPECT_EQ(l.lines[1].cells[0].text, "报告编号");
  EXPECT_DOUBLE_EQ(l.lines[1].cells[0].confidence, 0.9);
}

TEST(Layout, GridNoiseAndEmptyWordsAreDropped) {
  PageText p = A4();
  Put(&p, "合格", 50, 100);
  p.words.push_back({"|", {80, 100, 81, 110}, 0.3});
  p.words.push_back({" ", {90, 100, 95, 110}, 0.3});
  const PageLayout l = BuildLayout(p);
  ASSERT_EQ(l.lines.size(), 1u);
  ASSERT_EQ(l.lines[0].cells.size(), 1u);
  EXPECT_EQ(l.lines[0].cells[0].text, "合格");
}

TEST(Layout, StackedWordsAreDifferentLines) {
  PageText p = A4();
  Put(&p, "第一行", 50, 100);
  Put(&p, "第二行", 50, 112);
  Put(&p, "第三行", 50, 124);
  const PageLayout l = BuildLayout(p);
  ASSERT_EQ(l.lines.size(), 3u);
  EXPECT_EQ(l.lines[2].cells[0].text, "第三行");
}

}  // namespace
}  // namespace zhijian::intake
