// Unified Social Credit Code (统一社会信用代码, GB 32100-2015).
//
// Purpose: parse and explain the 18-character code that identifies every institution, and make
// valid codes for generators and tests.
//
//   pos 1     registration authority (登记管理部门代码), e.g. '9' 市场监管
//   pos 1-2   entity type (机构类别代码), e.g. "91" 企业
//   pos 3-8   GB/T 2260 region code of the registering authority (never updated afterwards)
//   pos 9-17  organisation code (GB 11714, 9 chars; pos 17 is its check character)
//   pos 18    GB 32100 check character (mod 31)
//
// Parsing is lenient in spelling and strict in structure: whitespace is dropped, lowercase,
// full-width characters are folded ("９１ｘ..." -> "91X..."); the result must be 18 characters of
// the charset 0-9 A-Z without I O S V Z, with digits in positions 3-8.
//
// A failed check character is NOT a rejection: real pilot-era codes fail it and are still legal
// (compliance-rules.md §1.3). Such codes parse, with `checks().check_ok` / `org_check_ok` false
// and a warning each, and `suspect()` true; callers record a "suspect" finding (D1), and may keep
// an allow-list. An unknown authority/type pair is a warning too. The region code is not checked
// against a region table here (see region.h; use IsKnown, which includes retired codes, and
// accept "100000" for national-level registrations).
//
// Errors (kInvalidArgument): "uscc.empty", "uscc.bad-encoding", "uscc.bad-length",
// "uscc.bad-char" (detail: 1-based position), "uscc.bad-region" (non-digit in positions 3-8).
//
// Thread-safety: immutable values and pure functions.
#pragma once

#include <compare>
#include <string>
#include <string_view>
#include <vector>

#include "zhijian/base/result.h"

namespace zhijian {

// The 31 characters of GB 32100; a character's value is its index.
inline constexpr std::string_view kUsccCharset = "0123456789ABCDEFGHJKLMNPQRTUWXY";

// A non-fatal observation about a structurally valid code.
struct UsccWarning {
  std::string code;  // "uscc.check-mismatch", "uscc.org-check-mismatch", "uscc.unknown-type"
  std::string message_zh;
  std::string message_en;
};

struct UsccChecks {
  bool check_ok = false;              // position 18 equals the GB 32100 check character
  bool org_check_ok = false;          // position 17 equals the GB 11714 check of positions 9-16
  bool type_known = false;            // positions 1-2 are in the code table
  char expected_check = '0';          // the computed position-18 character
  char expected_org_check = '0';      // the computed position-17 character
  std::vector<UsccWarning> warnings;  // one per false flag above, in that order
};

class Uscc {
 public:
  // Parses and checks `text`; see the top comment for what is an error and what a warning.
  static Result<Uscc> Parse(std::string_view text);

  // The GB 32100 check character for the first 17 characters (canonical charset, uppercase).
  // Errors: "uscc.bad-length" unless exactly 17 characters, "uscc.bad-char".
  static Result<char> ComputeCheckChar(std::string_view first17);
  // The GB 11714 check character ('0'-'9' or 'X') for an 8-character organisation-code body;
  // letters take their full-alphabet value (A=10 ... Z=35), not their USCC index.
  // Errors: "uscc.bad-length", "uscc.bad-char" (anything but 0-9 A-Z).
  static Result<char> ComputeOrgCheckChar(std::string_view body8);

  // The canonical 18-character form.
  const std::string& str() const { return code_; }
  char authority_code() const { return code_[0]; }
  std::string_view type_code() const { return std::string_view(code_).substr(0, 2); }
  std::string_view region_code() const { return std::string_view(code_).substr(2, 6); }
  std::string_view organization_code() const { return std::string_view(code_).substr(8, 9); }
  char check_char() const { return code_[17]; }

  // "市场监管", "民政", ... or "" when the authority code is not in the table.
  std::string_view authority_name() const;
  // "企业", "个体工商户", "机关", ... or "" when the pair is not in the table.
  std::string_view type_name() const;

  const UsccChecks& checks() const { return checks_; }
  // True when any check character fails (a "suspect" code, not an invalid one).
  bool suspect() const { return !checks_.check_ok || !checks_.org_check_ok; }

  friend bool operator==(const Uscc& a, const Uscc& b) { return a.code_ == b.code_; }
  friend std::strong_ordering operator<=>(const Uscc& a, const Uscc& b) {
    return a.code_ <=> b.code_;
  }

 private:
  Uscc(std::string code, UsccChecks checks) : code_(std::move(code)), checks_(std::move(checks)) {}

  std::string code_;
  UsccChecks checks_;
};

// The code tables of positions 1 and 1-2 (GB 32100-2015 and the extended table in use).
// Return "" for an unknown code.
std::string_view UsccAuthorityName(char authority);
std::string_view UsccTypeName(std::string_view type_code);

}  // namespace zhijian
