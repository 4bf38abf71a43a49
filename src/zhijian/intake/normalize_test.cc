#include "zhijian/intake/normalize.h"

#include <gtest/gtest.h>

namespace zhijian::intake {
namespace {

TEST(NormalizeText, FullWidthFormsBecomeAscii) {
  EXPECT_EQ(NormalizeText("ＧＢ／Ｔ　５７５０．６－２０２３"), "GB/T 5750.6-2023");
  EXPECT_EQ(NormalizeText("ＳＤ２０２４"), "SD2024");
  EXPECT_EQ(NormalizeText("铅（以Ｐｂ计）"), "铅(以Pb计)");
}

TEST(NormalizeText, ChineseSentenceMarksStayNextToChinese) {
  EXPECT_EQ(NormalizeText("经检验,所检项目符合要求。"), "经检验，所检项目符合要求。");
  EXPECT_EQ(NormalizeText("检验结论：合格"), "检验结论：合格");
  EXPECT_EQ(NormalizeText("3-氯-1，2-丙二醇"), "3-氯-1,2-丙二醇");
  EXPECT_EQ(NormalizeText("Pb：0.2"), "Pb:0.2");
}

TEST(NormalizeText, SpacesBetweenChineseCharactersAreDropped) {
  EXPECT_EQ(NormalizeText("报 告 编 号"), "报告编号");
  EXPECT_EQ(NormalizeText("  符合 GB 2762-2022 要求  "), "符合GB 2762-2022要求");
  EXPECT_EQ(NormalizeText("a \t  b"), "a b");
  EXPECT_EQ(NormalizeText("GB\u00a02762—2022"), "GB 2762-2022");
}

TEST(NormalizeText, IsIdempotent) {
  for (const char* s : {"ＧＢ／Ｔ　５７５０．６－２０２３", "经检验,所检项目符合要求。",
                        "报 告 编 号", "铅（以Ｐｂ计）", "a , b ; c", "检验 ： 合格"}) {
    const std::string once = NormalizeText(s);
    EXPECT_EQ(NormalizeText(once), once) << s;
  }
}

TEST(NormalizeText, InvalidUtf8BytesAreDropped) {
  EXPECT_EQ(NormalizeText(std::string("合\xff格")), "合格");
  EXPECT_EQ(NormalizeText(std::string("\xe5\x90")), "");
}

TEST(NormalizeNumber, OcrConfusionsInsideNumbers) {
  EXPECT_EQ(NormalizeNumber("O.05"), "0.05");
  EXPECT_EQ(NormalizeNumber("1O"), "10");
  EXPECT_EQ(NormalizeNumber("1OO"), "100");
  EXPECT_EQ(NormalizeNumber("l2.5"), "12.5");
  EXPECT_EQ(NormalizeNumber("0.l"), "0.1");
  EXPECT_EQ(NormalizeNumber("0,05"), "0.05");
  EXPECT_EQ(NormalizeNumber("1,200"), "1,200");
  // Letters that are words are left alone.
  EXPECT_EQ(NormalizeNumber("CO"), "CO");
  EXPECT_EQ(NormalizeNumber("Pb"), "Pb");
  EXPECT_EQ(NormalizeNumber("未检出"), "未检出");
}

TEST(NormalizeNumber, ComparisonSigns) {
  EXPECT_EQ(NormalizeNumber("<=0.2"), "≤0.2");
  EXPECT_EQ(NormalizeNumber("≦ 0.2"), "≤0.2");
  EXPECT_EQ(NormalizeNumber(">= 30"), "≥30");
  EXPECT_EQ(NormalizeNumber("＜0.01"), "<0.01");
  EXPECT_EQ(NormalizeNumber("6.5 ～ 8.5"), "6.5~8.5");
  EXPECT_EQ(NormalizeNumber("0. 05"), "0.05");
  EXPECT_EQ(NormalizeNumber("≤0.2"), "≤0.2");
}

TEST(NormalizeUnit, Spellings) {
  EXPECT_EQ(NormalizeUnit("ug/kg"), "μg/kg");
  EXPECT_EQ(NormalizeUnit("\u00b5g/kg"), "μg/kg");
  EXPECT_EQ(NormalizeUnit("μg/kg"), "μg/kg");
  EXPECT_EQ(NormalizeUnit("mg/Kg"), "mg/kg");
  EXPECT_EQ(NormalizeUnit("°C"), "℃");
  EXPECT_EQ(NormalizeUnit("oC"), "℃");
  EXPECT_EQ(NormalizeUnit("mg/m3"), "mg/m³");
  EXPECT_EQ(NormalizeUnit("mg/m^3"), "mg/m³");
  EXPECT_EQ(NormalizeUnit("cfu/g"), "CFU/g");
  EXPECT_EQ(NormalizeUnit("Mpa"), "MPa");
  EXPECT_EQ(NormalizeUnit("g / 100 g"), "g/100g");
  EXPECT_EQ(NormalizeUnit("%"), "%");
  EXPECT_EQ(NormalizeUnit("dB(A)"), "dB(A)");
  for (const char* u : {"ug/kg", "mg/m3", "°C", "cfu/g", "g / 100 g"}) {
    EXPECT_EQ(NormalizeUnit(NormalizeUnit(u)), NormalizeUnit(u)) << u;
  }
}

TEST(NormalizeUnit, OcrMisreadings) {
  EXPECT_EQ(NormalizeUnit("mg/儿"), "mg/L");
  EXPECT_EQ(NormalizeUnit("mg儿L"), "mg/L");
  EXPECT_EQ(NormalizeUnit("mg/儿L"), "mg/L");
  EXPECT_EQ(NormalizeUnit("hmol/mol"), "μmol/mol");
  EXPECT_EQ(NormalizeUnit("mgL"), "mg/L");
  EXPECT_EQ(NormalizeUnit("mgkg"), "mg/kg");
}

TEST(Normalize, ControlCharactersAreDropped) {
  EXPECT_EQ(NormalizeText(std::string("合\0格\x01\x7f", 5 + 3)), "合格");
  EXPECT_EQ(NormalizeText("a\tb"), "a b");
}

// Inputs the fuzzer (fuzz/intake_fields_fuzz.cc) found not idempotent before the fixed point.
TEST(Normalize, IdempotentOnFuzzFindings) {
  for (const char* s : {"第O 2 页 共 2 页", "签发日期儿：2O24年O3月O8日", "m儿：2"}) {
    const std::string u = NormalizeUnit(s);
    EXPECT_EQ(NormalizeUnit(u), u) << s;
    const std::string n = NormalizeNumber(s);
    EXPECT_EQ(NormalizeNumber(n), n) << s;
  }
}

TEST(NormalizeDate, ChineseAndIsoForms) {
  EXPECT_EQ(NormalizeDate("2024年3月5日"), "2024-03-05");
  EXPECT_EQ(NormalizeDate("2024年03月05日"), "2024-03-05");
  EXPECT_EQ(NormalizeDate("2024 年 3 月 5 日"), "2024-03-05");
  EXPECT_EQ(NormalizeDate("2024.03.05"), "2024-03-05");
  EXPECT_EQ(NormalizeDate("2024.3.5"), "2024-03-05");
  EXPECT_EQ(NormalizeDate("2024-3-5"), "2024-03-05");
  EXPECT_EQ(NormalizeDate("2024/03/05"), "2024-03-05");
  EXPECT_EQ(NormalizeDate("20240305"), "2024-03-05");
  EXPECT_EQ(NormalizeDate("２０２４年３月５日"), "2024-03-05");
  EXPECT_EQ(NormalizeDate("2O24.O3.O5"), "2024-03-05");
}

TEST(NormalizeDate, RefusesImpossibleAndMixedForms) {
  EXPECT_FALSE(NormalizeDate("2023-02-29"));
  EXPECT_FALSE(NormalizeDate("2024-13-01"));
  EXPECT_FALSE(NormalizeDate("2024.03-05"));
  EXPECT_FALSE(NormalizeDate("2024年3.5"));
  EXPECT_FALSE(NormalizeDate("2024-03-05 extra"));
  EXPECT_FALSE(NormalizeDate(""));
  EXPECT_FALSE(NormalizeDate("202403051"));
  EXPECT_EQ(NormalizeDate("2024-02-29"), "2024-02-29");
}

TEST(FindDates, Ranges) {
  EXPECT_EQ(FindDates("2024年3月5日至2024年3月8日"),
            (std::vector<std::string>{"2024-03-05", "2024-03-08"}));
  EXPECT_EQ(FindDates("2024.03.05～2024.03.08"),
            (std::vector<std::string>{"2024-03-05", "2024-03-08"}));
  EXPECT_EQ(FindDates("2024-03-05-2024-03-08"),
            (std::vector<std::string>{"2024-03-05", "2024-03-08"}));
  EXPECT_EQ(FindDates("签发日期：2024年03月05日"), (std::vector<std::string>{"2024-03-05"}));
  EXPECT_TRUE(FindDates("编号 12345678901").empty());
}

TEST(WithinOneEdit, OneReplacementInsertionOrDeletion) {
  EXPECT_TRUE(WithinOneEdit(U"mg/kg", U"mg/kg"));
  EXPECT_TRUE(WithinOneEdit(U"mg/ms", U"mg/m³"));  // replaced
  EXPECT_TRUE(WithinOneEdit(U"张三丰", U"张丰"));  // deleted
  EXPECT_TRUE(WithinOneEdit(U"张丰", U"张三丰"));  // inserted
  EXPECT_TRUE(WithinOneEdit(U"滩坊", U"潍坊"));    // first character
  EXPECT_TRUE(WithinOneEdit(U"", U"a"));
  EXPECT_FALSE(WithinOneEdit(U"mg/kg", U"μg/L"));
  EXPECT_FALSE(WithinOneEdit(U"ab", U"ba"));  // a swap is two edits
  EXPECT_FALSE(WithinOneEdit(U"张三", U"张三丰四"));
  EXPECT_FALSE(WithinOneEdit(U"", U"ab"));
}

}  // namespace
}  // namespace zhijian::intake
