// Fuzzes zhijian::StandardNo::Parse (base/standard_no.h), the parser of the standard numbers
// cited by reports, capability tables and the standards catalogue.
//
// Invariants: the canonical form re-parses to the same value and the same canonical text (also
// lower-cased and full-width); WithoutYear() re-parses to the same prefix and number without a
// year; the year is absent or within 1950-2099; kind() and code() agree with the prefix; and
// the ordering agrees with equality and is antisymmetric (the input is also split at its first
// newline into two numbers that are compared). A rejection carries a documented code,
// "standard.bad-encoding" exactly for bad UTF-8.
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>

#include "fuzz/fuzz_check.h"
#include "zhijian/base/standard_no.h"

namespace {

using zhijian::StandardNo;

void CheckSame(const StandardNo& a, const std::string& text, const std::string& how) {
  auto b = StandardNo::Parse(text);
  ZJ_FUZZ_CHECK(b.ok(), how + " of \"" + a.str() + "\" does not parse: " +
                            (b.ok() ? std::string() : b.error().ToString()));
  ZJ_FUZZ_CHECK(*b == a, how + " of \"" + a.str() + "\" gives \"" + b->str() + "\"");
  ZJ_FUZZ_CHECK(b->str() == a.str(), how + " changes the canonical text of " + a.str());
  ZJ_FUZZ_CHECK((*b <=> a) == 0, how + ": equal values compare unequal: " + a.str());
}

void CheckParsed(const StandardNo& s) {
  const std::string canonical = s.str();
  ZJ_FUZZ_CHECK(!s.prefix().empty() && !s.number().empty(), canonical);
  ZJ_FUZZ_CHECK(s.number().size() <= 32, canonical);
  ZJ_FUZZ_CHECK(!s.year() || (*s.year() >= 1950 && *s.year() <= 2099), canonical);
  ZJ_FUZZ_CHECK(canonical.starts_with(s.WithoutYear()), canonical);
  ZJ_FUZZ_CHECK(s.WithoutYear() == s.prefix() + " " + s.number(), canonical);
  const std::string code = s.code();
  ZJ_FUZZ_CHECK(!code.empty() && s.prefix().starts_with(code), canonical);
  switch (s.kind()) {
    case StandardNo::Kind::kGroup:
      ZJ_FUZZ_CHECK(s.prefix().starts_with("T/") && code == s.prefix(), canonical);
      break;
    case StandardNo::Kind::kEnterprise:
      ZJ_FUZZ_CHECK(s.prefix().starts_with("Q/") && code == s.prefix(), canonical);
      break;
    case StandardNo::Kind::kRecommended:
      ZJ_FUZZ_CHECK(s.prefix() == code + "/T", canonical);
      break;
    case StandardNo::Kind::kGuidance:
      ZJ_FUZZ_CHECK(s.prefix() == code + "/Z", canonical);
      break;
    case StandardNo::Kind::kMetrology:
    case StandardNo::Kind::kMandatory:
      ZJ_FUZZ_CHECK(s.prefix() == code, canonical);
      break;
  }

  CheckSame(s, canonical, "re-parse");
  CheckSame(s, zhijian::fuzz::ToLowerAscii(canonical), "lower case");
  CheckSame(s, zhijian::fuzz::ToFullWidth(canonical), "full width");
  auto bare = StandardNo::Parse(s.WithoutYear());
  ZJ_FUZZ_CHECK(bare.ok(), "WithoutYear of " + canonical + " does not parse");
  ZJ_FUZZ_CHECK(bare->prefix() == s.prefix() && bare->number() == s.number() && !bare->year(),
                "WithoutYear of " + canonical + " gives " + bare->str());
  ZJ_FUZZ_CHECK(s.year() ? (*bare < s) : (*bare == s), canonical);
}

void CheckError(std::string_view text, const zhijian::Error& e) {
  static const std::set<std::string> kCodes = {"standard.empty",      "standard.bad-encoding",
                                               "standard.bad-prefix", "standard.bad-number",
                                               "standard.bad-year",   "standard.trailing-text"};
  ZJ_FUZZ_CHECK(kCodes.count(e.code()) == 1, "undocumented error code " + e.code());
  ZJ_FUZZ_CHECK((e.code() == "standard.bad-encoding") == !zhijian::fuzz::IsCleanUtf8(text),
                "bad-encoding decision differs from the UTF-8 reference: " + e.code());
  ZJ_FUZZ_CHECK(e.kind() == zhijian::Error::Kind::kInvalidArgument, e.code());
}

void CheckOrder(const StandardNo& a, const StandardNo& b) {
  const auto ab = a <=> b;
  const auto ba = b <=> a;
  const std::string pair = a.str() + " | " + b.str();
  ZJ_FUZZ_CHECK((ab == 0) == (a == b), "ordering and equality disagree: " + pair);
  ZJ_FUZZ_CHECK((ab < 0) == (ba > 0) && (ab > 0) == (ba < 0),
                "ordering not antisymmetric: " + pair);
  ZJ_FUZZ_CHECK((a == b) == (a.str() == b.str()), "equality is not canonical equality: " + pair);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = zhijian::fuzz::AsText(data, size);
  auto parsed = StandardNo::Parse(text);
  if (parsed.ok()) {
    ZJ_FUZZ_CHECK(zhijian::fuzz::IsCleanUtf8(text), "accepted invalid UTF-8");
    CheckParsed(*parsed);
  } else {
    CheckError(text, parsed.error());
  }

  const size_t nl = text.find('\n');
  if (nl != std::string_view::npos) {
    auto a = StandardNo::Parse(text.substr(0, nl));
    auto b = StandardNo::Parse(text.substr(nl + 1));
    if (a.ok() && b.ok()) CheckOrder(*a, *b);
  }
  return 0;
}
