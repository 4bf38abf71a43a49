// Fuzzes zhijian::Uscc::Parse (base/uscc.h), the parser of the 18-character codes that arrive in
// imports, forms and API calls.
//
// Invariants: a parsed code is 18 canonical characters with digits in positions 3-8, re-parses
// to itself (also when lower-cased or spelt in full-width forms) with the same checks, and its
// check flags agree with ComputeCheckChar/ComputeOrgCheckChar and with the warnings; a
// rejection carries one of the documented codes, "uscc.bad-encoding" exactly for bad UTF-8.
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>

#include "fuzz/fuzz_check.h"
#include "zhijian/base/uscc.h"

namespace {

using zhijian::Uscc;
using zhijian::fuzz::AsText;

void CheckSameCode(const Uscc& a, const zhijian::Result<Uscc>& b, const std::string& how) {
  ZJ_FUZZ_CHECK(b.ok(), how + " of " + a.str() + " does not parse");
  ZJ_FUZZ_CHECK(*b == a, how + " of " + a.str() + " parses to " + b->str());
  ZJ_FUZZ_CHECK(b->checks().check_ok == a.checks().check_ok, how);
  ZJ_FUZZ_CHECK(b->checks().org_check_ok == a.checks().org_check_ok, how);
  ZJ_FUZZ_CHECK(b->checks().type_known == a.checks().type_known, how);
  ZJ_FUZZ_CHECK(b->checks().warnings.size() == a.checks().warnings.size(), how);
}

void CheckParsed(const Uscc& u) {
  const std::string& s = u.str();
  ZJ_FUZZ_CHECK(s.size() == 18, s);
  for (size_t i = 0; i < s.size(); ++i) {
    ZJ_FUZZ_CHECK(zhijian::kUsccCharset.find(s[i]) != std::string_view::npos, s);
    if (i >= 2 && i < 8) ZJ_FUZZ_CHECK(s[i] >= '0' && s[i] <= '9', s);
  }
  ZJ_FUZZ_CHECK(u.authority_code() == s[0] && u.check_char() == s[17], s);
  ZJ_FUZZ_CHECK(u.type_code() == s.substr(0, 2) && u.region_code() == s.substr(2, 6), s);
  ZJ_FUZZ_CHECK(u.organization_code() == s.substr(8, 9), s);

  const zhijian::UsccChecks& c = u.checks();
  auto check = Uscc::ComputeCheckChar(std::string_view(s).substr(0, 17));
  ZJ_FUZZ_CHECK(check.ok() && *check == c.expected_check, s);
  ZJ_FUZZ_CHECK(c.check_ok == (s[17] == c.expected_check), s);
  ZJ_FUZZ_CHECK(zhijian::kUsccCharset.find(c.expected_check) != std::string_view::npos, s);
  auto org = Uscc::ComputeOrgCheckChar(std::string_view(s).substr(8, 8));
  ZJ_FUZZ_CHECK(org.ok() && *org == c.expected_org_check, s);
  ZJ_FUZZ_CHECK(c.org_check_ok == (s[16] == c.expected_org_check), s);
  ZJ_FUZZ_CHECK(
      (c.expected_org_check >= '0' && c.expected_org_check <= '9') || c.expected_org_check == 'X',
      s);
  ZJ_FUZZ_CHECK(c.type_known == !u.type_name().empty(), s);
  ZJ_FUZZ_CHECK(c.type_known == !zhijian::UsccTypeName(u.type_code()).empty(), s);
  ZJ_FUZZ_CHECK(u.authority_name() == zhijian::UsccAuthorityName(s[0]), s);
  const size_t false_flags = !c.check_ok + !c.org_check_ok + !c.type_known;
  ZJ_FUZZ_CHECK(c.warnings.size() == false_flags, s);
  ZJ_FUZZ_CHECK(u.suspect() == (!c.check_ok || !c.org_check_ok), s);

  // The canonical form is a fixed point, whatever its spelling.
  CheckSameCode(u, Uscc::Parse(s), "re-parse");
  CheckSameCode(u, Uscc::Parse(zhijian::fuzz::ToLowerAscii(s)), "lower case");
  CheckSameCode(u, Uscc::Parse(zhijian::fuzz::ToFullWidth(s)), "full width");
  CheckSameCode(u, Uscc::Parse(" " + s.substr(0, 9) + " " + s.substr(9) + "\t"), "spaced");

  // Repairing the check character gives a code that passes the GB 32100 check.
  std::string fixed = s.substr(0, 17) + c.expected_check;
  auto repaired = Uscc::Parse(fixed);
  ZJ_FUZZ_CHECK(repaired.ok() && repaired->checks().check_ok, fixed);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = AsText(data, size);
  auto parsed = Uscc::Parse(text);
  if (parsed.ok()) {
    ZJ_FUZZ_CHECK(zhijian::fuzz::IsCleanUtf8(text), "accepted invalid UTF-8");
    CheckParsed(*parsed);
  } else {
    static const std::set<std::string> kCodes = {
        "uscc.empty", "uscc.bad-encoding", "uscc.bad-length", "uscc.bad-char", "uscc.bad-region"};
    const std::string& code = parsed.error().code();
    ZJ_FUZZ_CHECK(kCodes.count(code) == 1, "undocumented error code " + code);
    ZJ_FUZZ_CHECK((code == "uscc.bad-encoding") == !zhijian::fuzz::IsCleanUtf8(text),
                  "bad-encoding decision differs from the UTF-8 reference: " + code);
    ZJ_FUZZ_CHECK(parsed.error().kind() == zhijian::Error::Kind::kInvalidArgument, code);
  }
  // The check-character helpers take outside text too (generators, tools).
  auto check = Uscc::ComputeCheckChar(text);
  if (check.ok()) {
    ZJ_FUZZ_CHECK(size == 17, "check char for a non-17-character text");
    ZJ_FUZZ_CHECK(zhijian::kUsccCharset.find(*check) != std::string_view::npos, "check char");
  }
  auto org = Uscc::ComputeOrgCheckChar(text);
  if (org.ok()) ZJ_FUZZ_CHECK(size == 8, "org check char for a non-8-character text");
  return 0;
}
