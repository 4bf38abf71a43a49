#include "zhijian/base/utf8.h"

#include <gtest/gtest.h>

namespace zhijian {
namespace {

TEST(Utf8Test, RoundTripsEveryLength) {
  for (char32_t cp : {char32_t{0x41}, char32_t{0xE9}, char32_t{0x94C5}, char32_t{0x1F600}}) {
    std::string s;
    AppendUtf8(cp, &s);
    size_t i = 0;
    EXPECT_EQ(DecodeUtf8(s, &i), cp);
    EXPECT_EQ(i, s.size());
  }
  std::string lead;  // 铅 is E9 93 85
  AppendUtf8(0x94C5, &lead);
  EXPECT_EQ(lead, "\xE9\x93\x85");
}

TEST(Utf8Test, RefusesMalformedInputWithoutAdvancing) {
  for (std::string_view bad :
       {"\xC0\xAF", "\xED\xA0\x80", "\xE9\x93", "\xE9\x41\x85", "\xFF", "\xF4\x90\x80\x80"}) {
    size_t i = 0;
    EXPECT_FALSE(DecodeUtf8(bad, &i)) << bad.size();
    EXPECT_EQ(i, 0u);
  }
}

}  // namespace
}  // namespace zhijian

namespace zhijian {
namespace {

TEST(Utf8Test, ValidTextRefusesNulAndOptionallyControls) {
  EXPECT_TRUE(IsValidUtf8("检测 report\tline"));
  EXPECT_FALSE(IsValidUtf8(std::string("a\0b", 3)));
  EXPECT_FALSE(IsValidUtf8("\xE6\xA3"));      // truncated
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));  // surrogate
  EXPECT_FALSE(IsValidUtf8("a\tb", /*no_controls=*/true));
  EXPECT_FALSE(IsValidUtf8("a\x7f", /*no_controls=*/true));
  EXPECT_TRUE(IsValidUtf8("检测", /*no_controls=*/true));
}

TEST(Utf8Test, LossyDecodeDropsBadBytesAndEncodeRoundTrips) {
  EXPECT_EQ(DecodeUtf8Lossy("铅Pb"), std::u32string(U"铅Pb"));
  // A truncated sequence and a stray continuation byte are dropped, the rest kept.
  EXPECT_EQ(DecodeUtf8Lossy("a\xE6\xA3"
                            "b\x80"
                            "c"),
            std::u32string(U"abc"));
  EXPECT_EQ(DecodeUtf8Lossy(""), std::u32string());
  EXPECT_EQ(EncodeUtf8(U"≤0.5 μg/kg ℃"), "≤0.5 μg/kg ℃");
  EXPECT_EQ(EncodeUtf8(DecodeUtf8Lossy("检验检测专用章 😀")), "检验检测专用章 😀");
}

}  // namespace
}  // namespace zhijian
