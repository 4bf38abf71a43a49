#include "zhijian/base/report_code.h"

#include <gtest/gtest.h>

#include <random>
#include <set>
#include <string>
#include <vector>

namespace zhijian {
namespace {

int V(char c) { return static_cast<int>(kReportCodeAlphabet.find(c)); }

// The check equation written as the weighted sum of docs/report-code.md, independently of the
// recursion in the implementation: Σ v(c_i)·2^(n−i) ≡ 1 (mod 29).
bool WeightedSumIsOne(const std::string& code) {
  int sum = 0;
  int weight = 1;
  for (size_t i = code.size(); i-- > 0;) {
    const int v = V(code[i]);
    if (v < 0) return false;
    sum = (sum + v * weight) % 29;
    weight = (weight * 2) % 29;
  }
  return sum == 1;
}

std::vector<ReportCode> ManyCodes(size_t n) {
  static const char* kRegions[] = {"370102", "110108", "440305", "650100", "100000", "820000"};
  std::mt19937_64 rng(20251121);
  std::vector<ReportCode> codes;
  for (size_t i = 0; i < n; ++i) {
    Result<ReportCode> c =
        ReportCode::Make(kRegions[i % 6], 2016 + static_cast<int>(i % 12), rng());
    EXPECT_TRUE(c.ok());
    codes.push_back(*c);
  }
  return codes;
}

TEST(ReportCodeTest, AlphabetHas29UnambiguousCharacters) {
  EXPECT_EQ(kReportCodeAlphabet.size(), 29u);
  for (char c : std::string_view("OILZSBU")) {
    EXPECT_EQ(kReportCodeAlphabet.find(c), std::string_view::npos) << c;
  }
  for (char c : std::string_view("0123456789")) {
    EXPECT_NE(kReportCodeAlphabet.find(c), std::string_view::npos) << c;
  }
  std::set<char> unique(kReportCodeAlphabet.begin(), kReportCodeAlphabet.end());
  EXPECT_EQ(unique.size(), 29u);
}

TEST(ReportCodeTest, WorkedExampleOfTheDocs) {
  // docs/report-code.md walks through this body step by step.
  Result<char> check = ReportCode::ComputeCheckChar("3701022025K7MXQ3TA9");
  ASSERT_TRUE(check.ok());
  EXPECT_EQ(*check, '2');
  EXPECT_TRUE(WeightedSumIsOne("3701022025K7MXQ3TA92"));
  Result<ReportCode> code = ReportCode::Parse("370102-2025-K7MXQ-3TA92");
  ASSERT_TRUE(code.ok()) << code.error().ToString();
  EXPECT_EQ(code->str(), "3701022025K7MXQ3TA92");
  EXPECT_EQ(code->Display(), "370102-2025-K7MXQ-3TA92");
  EXPECT_EQ(code->region_code(), "370102");
  EXPECT_EQ(code->year(), 2025);
  EXPECT_EQ(code->serial(), "K7MXQ3TA9");
  EXPECT_EQ(code->check_char(), '2');
}

TEST(ReportCodeTest, MakeWritesTheSerialInBase29AndIsDeterministic) {
  Result<ReportCode> zero = ReportCode::Make("370102", 2025, 0);
  ASSERT_TRUE(zero.ok());
  EXPECT_EQ(zero->serial(), "000000000");
  Result<ReportCode> one = ReportCode::Make("370102", 2025, 28);
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(one->serial(), "00000000Y");
  Result<ReportCode> carry = ReportCode::Make("370102", 2025, 29);
  ASSERT_TRUE(carry.ok());
  EXPECT_EQ(carry->serial(), "000000010");
  Result<ReportCode> top = ReportCode::Make("370102", 2025, ReportCode::kSerialSpace - 1);
  ASSERT_TRUE(top.ok());
  EXPECT_EQ(top->serial(), "YYYYYYYYY");
  // Entropy is reduced modulo 29^9.
  Result<ReportCode> wrapped = ReportCode::Make("370102", 2025, ReportCode::kSerialSpace + 29);
  ASSERT_TRUE(wrapped.ok());
  EXPECT_EQ(*wrapped, *carry);
  Result<ReportCode> again = ReportCode::Make("370102", 2025, 28);
  EXPECT_EQ(*again, *one);
  EXPECT_EQ(ReportCode::kSerialSpace, 29ULL * 29 * 29 * 29 * 29 * 29 * 29 * 29 * 29);
}

TEST(ReportCodeTest, MakeRefusesBadRegionAndYear) {
  EXPECT_EQ(ReportCode::Make("37010", 2025, 1).error().code(), "report-code.bad-region");
  EXPECT_EQ(ReportCode::Make("3701021", 2025, 1).error().code(), "report-code.bad-region");
  EXPECT_EQ(ReportCode::Make("37O102", 2025, 1).error().code(), "report-code.bad-region");
  EXPECT_EQ(ReportCode::Make("070102", 2025, 1).error().code(), "report-code.bad-region");
  EXPECT_EQ(ReportCode::Make("370102", 1899, 1).error().code(), "report-code.bad-year");
  EXPECT_EQ(ReportCode::Make("370102", 10000, 1).error().code(), "report-code.bad-year");
  EXPECT_TRUE(ReportCode::Make("370102", 1900, 1).ok());
  EXPECT_TRUE(ReportCode::Make("370102", 9999, 1).ok());
}

TEST(ReportCodeTest, EveryGeneratedCodeParsesBackAndFitsTheLimits) {
  for (const ReportCode& c : ManyCodes(2000)) {
    EXPECT_EQ(c.str().size(), 20u);
    EXPECT_LE(c.Display().size(), 24u);
    EXPECT_TRUE(WeightedSumIsOne(c.str())) << c.str();
    Result<ReportCode> back = ReportCode::Parse(c.str());
    ASSERT_TRUE(back.ok()) << c.str() << " " << back.error().ToString();
    EXPECT_EQ(*back, c);
    Result<ReportCode> from_display = ReportCode::Parse(c.Display());
    ASSERT_TRUE(from_display.ok());
    EXPECT_EQ(*from_display, c);
  }
}

// Exhaustive: for each of 3,000 codes, every one of the 20 × 28 single-character substitutions
// and every transposition of two different characters (adjacent, and also non-adjacent) fails.
TEST(ReportCodeTest, CheckCatchesEverySubstitutionAndTransposition) {
  size_t substitutions = 0, adjacent = 0, other_swaps = 0;
  for (const ReportCode& c : ManyCodes(3000)) {
    const std::string& s = c.str();
    ASSERT_TRUE(ReportCode::CheckDigitValid(s));
    for (size_t i = 0; i < s.size(); ++i) {
      for (char x : kReportCodeAlphabet) {
        if (x == s[i]) continue;
        std::string t = s;
        t[i] = x;
        ASSERT_FALSE(ReportCode::CheckDigitValid(t)) << s << " -> " << t;
        ++substitutions;
      }
    }
    for (size_t i = 0; i < s.size(); ++i) {
      for (size_t j = i + 1; j < s.size(); ++j) {
        if (s[i] == s[j]) continue;
        std::string t = s;
        std::swap(t[i], t[j]);
        ASSERT_FALSE(ReportCode::CheckDigitValid(t)) << s << " -> " << t;
        ++(j == i + 1 ? adjacent : other_swaps);
      }
    }
  }
  EXPECT_EQ(substitutions, 3000u * 20 * 28);
  EXPECT_GT(adjacent, 3000u * 10);
  EXPECT_GT(other_swaps, 3000u * 100);
}

// Parse (not only the raw check) refuses a mistyped code: a sample of substitutions through
// the whole pipeline, including substitutions by look-alike letters that fold to a digit.
TEST(ReportCodeTest, ParseRefusesMistypedCodes) {
  for (const ReportCode& c : ManyCodes(200)) {
    const std::string& s = c.str();
    for (size_t i = 10; i < s.size(); ++i) {
      for (char x : std::string_view("ACX79OISB")) {
        std::string t = s;
        t[i] = x;
        if (ReportCode::Parse(t).ok()) {
          // Only a look-alike of the very same character may pass (e.g. 'O' typed for '0').
          const char fold = x == 'O' ? '0' : x == 'I' ? '1' : x == 'S' ? '5' : x == 'B' ? '8' : x;
          EXPECT_EQ(fold, s[i]) << s << " -> " << t;
        }
      }
    }
  }
}

TEST(ReportCodeTest, ParseNormalisesSpellings) {
  const std::string canonical = "3701022025K7MXQ3TA92";
  for (std::string_view spelling :
       {"3701022025K7MXQ3TA92", "370102-2025-K7MXQ-3TA92", "  370102 2025 k7mxq 3ta92\n",
        "370102—2025—K7MXQ—3TA92", "３７０１０２－２０２５－Ｋ７ＭＸＱ－３ＴＡ９２",
        "37O1O2-2O25-K7MXQ-3TA92", "370102-2025-k7mxq-3ta9z", "370lO2-2025-K7MXQ-3TA92"}) {
    Result<ReportCode> c = ReportCode::Parse(spelling);
    ASSERT_TRUE(c.ok()) << spelling << ": " << c.error().ToString();
    EXPECT_EQ(c->str(), canonical) << spelling;
  }
  // U is read as V: serial value 25 ends in 'V' (the 26th character of the alphabet).
  ASSERT_EQ(kReportCodeAlphabet[25], 'V');
  Result<ReportCode> v = ReportCode::Make("110108", 2024, 25);
  ASSERT_TRUE(v.ok());
  const std::string with_v = v->str();
  ASSERT_EQ(with_v[18], 'V');
  std::string with_u = with_v;
  with_u[18] = 'u';
  Result<ReportCode> parsed = ReportCode::Parse(with_u);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->str(), with_v);
}

TEST(ReportCodeTest, ParseErrorsHaveStableCodes) {
  auto code_of = [](std::string_view text) {
    Result<ReportCode> r = ReportCode::Parse(text);
    return r.ok() ? std::string("ok") : r.error().code();
  };
  EXPECT_EQ(code_of(""), "report-code.empty");
  EXPECT_EQ(code_of(" - - "), "report-code.empty");
  EXPECT_EQ(code_of("\xff\xfe"), "report-code.bad-encoding");
  EXPECT_EQ(code_of("370102-2025-K7MXQ-3TA9"), "report-code.bad-length");
  EXPECT_EQ(code_of("370102-2025-K7MXQ-3TA922"), "report-code.bad-length");
  EXPECT_EQ(code_of("370102-2025-K7MXQ-3TA9#"), "report-code.bad-char");
  Result<ReportCode> bad_char = ReportCode::Parse("370102-2025-K7MXQ-3TA9#");
  EXPECT_EQ(bad_char.error().detail(), "position 20");
  EXPECT_EQ(code_of("370102-2025-K7MXQ-3TA9中"), "report-code.bad-length");
  EXPECT_EQ(code_of("37A102-2025-K7MXQ-3TA92"), "report-code.bad-region");
  EXPECT_EQ(code_of("070102-2025-K7MXQ-3TA92"), "report-code.bad-region");
  EXPECT_EQ(code_of("370102-20A5-K7MXQ-3TA92"), "report-code.bad-year");
  EXPECT_EQ(code_of("370102-1899-K7MXQ-3TA92"), "report-code.bad-year");
  EXPECT_EQ(code_of("370102-2025-K7MXQ-3TA93"), "report-code.bad-check");
  EXPECT_EQ(code_of("370102-2025-7KMXQ-3TA92"), "report-code.bad-check");
  Result<ReportCode> e = ReportCode::Parse("370102-2025-K7MXQ-3TA93");
  EXPECT_EQ(e.error().kind(), Error::Kind::kInvalidArgument);
  EXPECT_FALSE(e.error().message_zh().empty());
}

TEST(ReportCodeTest, ComputeCheckCharRefusesForeignCharacters) {
  Result<char> r = ReportCode::ComputeCheckChar("37010220250ABCDE");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), "report-code.bad-char");
  EXPECT_EQ(r.error().detail(), "position 13");  // 'B'
  EXPECT_FALSE(ReportCode::CheckDigitValid(""));
  EXPECT_FALSE(ReportCode::CheckDigitValid("2"));
}

TEST(ReportCodeTest, EntropyFromKeyedMacIsHmacSha256Prefix) {
  // RFC 4231 test case 2: HMAC-SHA-256("Jefe", "what do ya want for nothing?") =
  // 5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843.
  EXPECT_EQ(ReportCodeEntropy("Jefe", "what do ya want for nothing?"), 0x5bdcc146bf60754eULL);
  EXPECT_NE(ReportCodeEntropy("k1", "m"), ReportCodeEntropy("k2", "m"));
  EXPECT_NE(ReportCodeEntropy("", "m"), ReportCodeEntropy("", "n"));
}

TEST(ReportCodeTest, SerialsSpreadOverTheWholeAlphabet) {
  // 29 × 9 positions: with 5,000 random codes every character appears in every serial position.
  std::vector<std::set<char>> seen(ReportCode::kSerialLength);
  for (const ReportCode& c : ManyCodes(5000)) {
    for (size_t i = 0; i < ReportCode::kSerialLength; ++i) seen[i].insert(c.serial()[i]);
  }
  for (size_t i = 0; i < seen.size(); ++i) EXPECT_EQ(seen[i].size(), 29u) << i;
}

}  // namespace
}  // namespace zhijian
