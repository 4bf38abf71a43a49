// National report code (全国检验检测报告唯一编码): the one identifier of a registered report.
//
// Purpose: make, parse, validate and display the code that the platform gives every test
// report at registration (issue 4; the full rationale, a worked example and the detection
// proofs are in docs/report-code.md).
//
//   370102 2025 K7MXQ3TA9 2      canonical form: 20 characters, no separators
//   ││││││ ││││ │││││││││ └ check character, ISO/IEC 7064 pure system MOD 29-2
//   ││││││ ││││ └───────── serial: 9 characters of the alphabet, from caller-supplied entropy
//   ││││││ └────────────── year of issue, 4 digits
//   └───────────────────── GB/T 2260 region code of the issuing institution, 6 digits
//
//   display form: "370102-2025-K7MXQ-3TA92" (groups 6-4-5-5, 23 characters)
//
// Alphabet (29 characters, a prime): the ten digits and the letters without I L O U and
// without B S Z: "0123456789ACDEFGHJKMNPQRTVWXY". Letters that look like digits (O/0, I/1, L/1,
// Z/2, S/5, B/8) and U/V are left out rather than digits, so region and year stay readable
// decimal numbers. On input the left-out letters are read as their look-alike (O→0, I→1, L→1,
// Z→2, S→5, B→8, U→V), which cannot mistake one valid code for another.
//
// Check character: with values v(c) = index in the alphabet, the 20 characters satisfy
// Σ v(c_i)·2^(20−i) ≡ 1 (mod 29), the construction of ISO/IEC 7064 MOD 11-2 and MOD 37-2 with
// modulus 29. Because 29 is prime and 2 has order 28 modulo 29, every single substitution and
// every transposition of two characters (adjacent or not) changes the sum and is detected.
//
// Non-enumerability: the serial is drawn from 29^9 ≈ 1.45·10^13 values per region and year;
// the caller supplies 64 bits of entropy (a CSPRNG draw, or `ReportCodeEntropy`, a keyed MAC).
// Nothing here reads a clock or a global random source. Uniqueness is the caller's job: the
// store keeps a unique index on the code and draws again on a collision (docs/report-code.md).
//
// Parsing is lenient in spelling and strict in structure: UTF-8 full-width forms are folded,
// ASCII whitespace and hyphens (any dash) are dropped, lower case is upper-cased, look-alike
// letters are mapped as above; the result must be exactly 20 characters of the alphabet with
// digits in positions 1-10, a region not starting with 0, a year ≥ 1900 and a matching check.
// The region code is not looked up in the GB/T 2260 table here (callers use RegionTable).
//
// Errors (kInvalidArgument): "report-code.empty", "report-code.bad-encoding",
// "report-code.bad-length" (detail: the length after normalisation), "report-code.bad-char"
// (detail: 1-based position), "report-code.bad-region", "report-code.bad-year",
// "report-code.bad-check".
//
// Thread-safety: immutable values and pure functions.
#pragma once

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "zhijian/base/result.h"

namespace zhijian {

// The 29 characters of the code; a character's value is its index.
inline constexpr std::string_view kReportCodeAlphabet = "0123456789ACDEFGHJKMNPQRTVWXY";

class ReportCode {
 public:
  static constexpr size_t kLength = 20;
  static constexpr size_t kSerialLength = 9;
  static constexpr uint64_t kSerialSpace = 14'507'145'975'869ULL;  // 29^9
  static constexpr int kMinYear = 1900;

  // A code for `region_code` (six ASCII digits, not starting with 0) and `year` (1900-9999)
  // whose serial is `entropy` mod 29^9 written in base 29 (most significant first). Equal
  // inputs give equal codes. Errors: "report-code.bad-region", "report-code.bad-year".
  static Result<ReportCode> Make(std::string_view region_code, int year, uint64_t entropy);

  // Normalises and validates user input (see the top comment).
  static Result<ReportCode> Parse(std::string_view text);

  // The check character for `body`, a string of alphabet characters (any length, normally the
  // first 19 characters of a code). Error "report-code.bad-char" for other characters.
  static Result<char> ComputeCheckChar(std::string_view body);
  // True iff `code` consists of alphabet characters only and its last character is the check
  // character of the others (no normalisation; any length ≥ 2).
  static bool CheckDigitValid(std::string_view code);

  // The canonical 20-character form.
  const std::string& str() const { return code_; }
  // "370102-2025-K7MXQ-3TA92".
  std::string Display() const;

  std::string_view region_code() const { return std::string_view(code_).substr(0, 6); }
  int year() const;
  std::string_view serial() const { return std::string_view(code_).substr(10, kSerialLength); }
  char check_char() const { return code_[kLength - 1]; }

  friend bool operator==(const ReportCode& a, const ReportCode& b) { return a.code_ == b.code_; }
  friend std::strong_ordering operator<=>(const ReportCode& a, const ReportCode& b) {
    return a.code_ <=> b.code_;
  }

 private:
  explicit ReportCode(std::string code) : code_(std::move(code)) {}
  std::string code_;
};

// Entropy for ReportCode::Make derived from a keyed MAC: the first 8 bytes, big-endian, of
// HMAC-SHA256(key, message). With a secret key of ≥ 32 bytes and a message that names the
// report (e.g. USCC ‖ 0x00 ‖ report number ‖ 0x00 ‖ attempt), codes are deterministic for the
// platform and unpredictable for everyone else. Never fails.
uint64_t ReportCodeEntropy(std::string_view key, std::string_view message);

}  // namespace zhijian
