// Chinese standard numbers (标准编号, compliance-rules.md §5.1): "GB/T 5750.6-2023".
//
// Purpose: one canonical spelling for the numbers that reports, capability tables and the
// standards catalogue cite, so they can be compared and matched across editions.
//
//   prefix   GB, GB/T, GB/Z; industry codes (HJ, HJ/T, NY/T, SN/T, RB/T, GBZ, ...); metrology
//            JJG, JJF; local DB37, DB37/T, DB3418/T; group T/<org>; enterprise Q/<org>
//   number   digits with optional parts: 5009.12, 1059.1, 026
//   year     4 digits; two-digit years (older standards, "GB 5749-85") are expanded with a pivot:
//            50-99 -> 19xx, 00-49 -> 20xx. The year may be absent ("GB 5009.12").
//
// Accepted spellings: full-width characters ("ＧＢ／Ｔ"), any case ("gb/t"), the dash family
// ("—", "–", "－", "-") before the year, missing or extra spaces ("GB/T5750.6—2023",
// "GB / T 5750.6 - 2023"), and "GBT" for "GB/T". Canonical form: prefix, one space, number,
// "-", four-digit year: "GB/T 5750.6-2023", "GB 5009.12-2017", "HJ 828-2017", "DB37/T 1234-2020".
// Numbers are kept as printed (leading zeros of local standards stay).
//
// Ordering: by prefix, then number part by part numerically (5009.2 < 5009.12), then year
// (absent first). Equality is equality of the canonical form.
//
// Errors (kInvalidArgument): "standard.empty", "standard.bad-encoding", "standard.bad-prefix",
// "standard.bad-number", "standard.bad-year" (not 2 or 4 digits, or outside 1950-2099),
// "standard.trailing-text".
//
// Thread-safety: immutable value.
#pragma once

#include <compare>
#include <optional>
#include <string>
#include <string_view>

#include "zhijian/base/result.h"

namespace zhijian {

class StandardNo {
 public:
  enum class Kind {
    kMandatory,    // GB, HJ, DB37, ... (no suffix)
    kRecommended,  // .../T
    kGuidance,     // .../Z
    kMetrology,    // JJG, JJF (计量检定规程 / 计量技术规范)
    kGroup,        // T/...
    kEnterprise,   // Q/...
  };

  static Result<StandardNo> Parse(std::string_view text);

  const std::string& prefix() const { return prefix_; }  // "GB/T", "DB37/T", "T/CAS"
  // The issuing code without "/T" or "/Z": "GB", "HJ", "DB37"; for T/ and Q/ the whole prefix.
  std::string code() const;
  const std::string& number() const { return number_; }  // "5750.6"
  const std::optional<int>& year() const { return year_; }
  Kind kind() const;

  // Canonical text: "GB/T 5750.6-2023"; "GB 5009.12" when there is no year.
  std::string str() const;
  // The same without the year, for matching across editions: "GB/T 5750.6".
  std::string WithoutYear() const;

  friend bool operator==(const StandardNo& a, const StandardNo& b) {
    return a.prefix_ == b.prefix_ && a.number_ == b.number_ && a.year_ == b.year_;
  }
  friend std::strong_ordering operator<=>(const StandardNo& a, const StandardNo& b);

 private:
  StandardNo(std::string prefix, std::string number, std::optional<int> year)
      : prefix_(std::move(prefix)), number_(std::move(number)), year_(year) {}

  std::string prefix_;
  std::string number_;
  std::optional<int> year_;
};

}  // namespace zhijian
