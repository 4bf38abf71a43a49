// Fuzzes the national report code (base/report_code.h): ReportCode::Parse on the input, and
// ReportCode::Make on values taken from it.
//
// Invariants: a parsed code is 20 characters of the alphabet with digits in positions 1-10, a
// region not starting with 0, a year ≥ 1900 and a valid check character; it re-parses to
// itself from its canonical form, its display form, lower case and full-width spelling; its
// parts are the documented substrings. Make gives codes that parse to themselves, and the same
// inputs give the same code. Every single substitution of a valid code is refused (the check
// character). A rejection carries a documented code, "report-code.bad-encoding" only for
// invalid UTF-8.
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>

#include "fuzz/fuzz_check.h"
#include "zhijian/base/report_code.h"

namespace {

using zhijian::kReportCodeAlphabet;
using zhijian::ReportCode;
using zhijian::fuzz::AsText;

const std::set<std::string>& Codes() {
  static const std::set<std::string> kCodes = {"report-code.empty",      "report-code.bad-encoding",
                                               "report-code.bad-length", "report-code.bad-char",
                                               "report-code.bad-region", "report-code.bad-year",
                                               "report-code.bad-check"};
  return kCodes;
}

void CheckValid(const ReportCode& c) {
  const std::string& s = c.str();
  ZJ_FUZZ_CHECK(s.size() == ReportCode::kLength, s);
  for (size_t i = 0; i < s.size(); ++i) {
    ZJ_FUZZ_CHECK(kReportCodeAlphabet.find(s[i]) != std::string_view::npos, s);
    if (i < 10) ZJ_FUZZ_CHECK(s[i] >= '0' && s[i] <= '9', s);
  }
  ZJ_FUZZ_CHECK(s[0] != '0', s);
  ZJ_FUZZ_CHECK(c.year() >= ReportCode::kMinYear, s);
  ZJ_FUZZ_CHECK(ReportCode::CheckDigitValid(s), s);
  ZJ_FUZZ_CHECK(c.region_code() == s.substr(0, 6) && c.serial() == s.substr(10, 9), s);
  ZJ_FUZZ_CHECK(c.check_char() == s[19], s);
  auto check = ReportCode::ComputeCheckChar(std::string_view(s).substr(0, 19));
  ZJ_FUZZ_CHECK(check.ok() && *check == s[19], s);
  const std::string display = c.Display();
  ZJ_FUZZ_CHECK(display.size() == 23 && display[6] == '-' && display[11] == '-', display);
  for (const std::string& spelling :
       {s, display, zhijian::fuzz::ToLowerAscii(display), zhijian::fuzz::ToFullWidth(s)}) {
    auto again = ReportCode::Parse(spelling);
    ZJ_FUZZ_CHECK(again.ok() && *again == c, spelling);
  }
  // One substitution anywhere is caught.
  for (size_t i = 10; i < s.size(); ++i) {
    std::string t = s;
    t[i] = kReportCodeAlphabet[(kReportCodeAlphabet.find(s[i]) + 7) % kReportCodeAlphabet.size()];
    ZJ_FUZZ_CHECK(!ReportCode::CheckDigitValid(t), t);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = AsText(data, size);
  auto parsed = ReportCode::Parse(text);
  if (parsed) {
    CheckValid(*parsed);
  } else {
    ZJ_FUZZ_CHECK(Codes().count(parsed.error().code()), parsed.error().code());
    ZJ_FUZZ_CHECK(
        (parsed.error().code() == "report-code.bad-encoding") == !zhijian::fuzz::IsCleanUtf8(text),
        std::string(text));
  }
  // Make from the input's bytes: region (6 bytes), year (2 bytes), entropy (8 bytes).
  if (size >= 16) {
    const std::string region(text.substr(0, 6));
    const int year = 1900 + (data[6] << 8 | data[7]) % 9000;
    uint64_t entropy = 0;
    for (int i = 8; i < 16; ++i) entropy = entropy << 8 | data[i];
    auto made = ReportCode::Make(region, year, entropy);
    if (made) {
      CheckValid(*made);
      ZJ_FUZZ_CHECK(made->year() == year && made->region_code() == region, made->str());
      auto again = ReportCode::Make(region, year, entropy);
      ZJ_FUZZ_CHECK(again.ok() && *again == *made, made->str());
    } else {
      ZJ_FUZZ_CHECK(made.error().code() == "report-code.bad-region" ||
                        made.error().code() == "report-code.bad-year",
                    made.error().code());
    }
  }
  return 0;
}
