// Fuzzes zhijian::CmaCertNo::Parse (base/cma.h), the parser of CMA certificate numbers.
//
// Invariants: a parsed number is 12 digits, re-parses to itself (also full-width and spaced),
// its fields decode to the documented ranges with names from the tables, and a provincial
// issuer's region prefix is a province of the GB/T 2260 table; a rejection carries one of the
// documented codes, "cma.bad-encoding" exactly for bad UTF-8.
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>

#include "fuzz/fuzz_check.h"
#include "zhijian/base/cma.h"
#include "zhijian/base/region.h"

namespace {

using zhijian::CmaCertNo;

void CheckReparse(const CmaCertNo& a, const std::string& text, const std::string& how) {
  auto b = CmaCertNo::Parse(text);
  ZJ_FUZZ_CHECK(b.ok(), how + " of " + a.str() + " does not parse");
  ZJ_FUZZ_CHECK(*b == a && (*b <=> a) == 0, how + " of " + a.str() + " gives " + b->str());
}

void CheckParsed(const CmaCertNo& c) {
  const std::string& s = c.str();
  ZJ_FUZZ_CHECK(s.size() == 12, s);
  for (char ch : s) ZJ_FUZZ_CHECK(ch >= '0' && ch <= '9', s);
  ZJ_FUZZ_CHECK(c.year() >= 2015 && c.year() <= 2099, s);
  ZJ_FUZZ_CHECK(c.serial() >= 1 && c.serial() <= 9999, s);
  ZJ_FUZZ_CHECK(!c.issuer_name().empty(), s);
  ZJ_FUZZ_CHECK(!c.discipline_name().empty() && !c.industry_name().empty(), s);
  ZJ_FUZZ_CHECK(c.issuer_code() == s.substr(2, 2) && c.discipline_code() == s.substr(4, 2) &&
                    c.industry_code() == s.substr(6, 2),
                s);
  const std::string_view prefix = c.issuer_region_prefix();
  ZJ_FUZZ_CHECK(c.national() == prefix.empty(), s);
  if (!c.national()) {
    const zhijian::Region* province =
        zhijian::RegionTable::Get().Lookup(std::string(prefix) + "0000");
    ZJ_FUZZ_CHECK(province != nullptr && province->level == zhijian::RegionLevel::kProvince,
                  s + ": issuer prefix " + std::string(prefix) + " is not a province");
  }
  CheckReparse(c, s, "re-parse");
  CheckReparse(c, zhijian::fuzz::ToFullWidth(s), "full width");
  CheckReparse(c, " " + s.substr(0, 4) + " " + s.substr(4) + "\n", "spaced");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = zhijian::fuzz::AsText(data, size);
  auto parsed = CmaCertNo::Parse(text);
  if (parsed.ok()) {
    ZJ_FUZZ_CHECK(zhijian::fuzz::IsCleanUtf8(text), "accepted invalid UTF-8");
    CheckParsed(*parsed);
  } else {
    static const std::set<std::string> kCodes = {
        "cma.empty",        "cma.bad-encoding", "cma.legacy-format", "cma.bad-char",
        "cma.bad-length",   "cma.bad-year",     "cma.bad-issuer",    "cma.bad-discipline",
        "cma.bad-industry", "cma.bad-serial"};
    const std::string& code = parsed.error().code();
    ZJ_FUZZ_CHECK(kCodes.count(code) == 1, "undocumented error code " + code);
    ZJ_FUZZ_CHECK((code == "cma.bad-encoding") == !zhijian::fuzz::IsCleanUtf8(text),
                  "bad-encoding decision differs from the UTF-8 reference: " + code);
    ZJ_FUZZ_CHECK(parsed.error().kind() == zhijian::Error::Kind::kInvalidArgument, code);
  }
  return 0;
}
