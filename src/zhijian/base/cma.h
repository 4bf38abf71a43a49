// CMA qualification certificate number (检验检测机构资质认定证书编号), the 12-digit scheme in use
// since 2015 (compliance-rules.md §2.1):
//
//   digits 1-2   last two digits of the year of issue (2015 onwards)
//   digits 3-4   issuing authority: "00" national (国家认监委, now SAMR) or a province "01".."31"
//   digits 5-6   discipline (专业领域), "00" 食品 ... "21" 其他
//   digits 7-8   competent industry department (行业主管部门), "00" 教育 ... "34" 其他
//   digits 9-12  serial number from "0001"
//
// There is no check digit; validation covers the tables and the year. Parsing folds full-width
// digits and drops whitespace. Legacy numbers such as "（2017）（陕）质监认字002号" are not
// accepted here: they fail with "cma.legacy-format" so that callers can keep them with a warning.
// Whether the year matches the issue date, and the issuer the institution's province, is the
// caller's check (it has the dates; see `issuer_region_prefix`).
//
// Errors (kInvalidArgument): "cma.empty", "cma.bad-encoding", "cma.legacy-format",
// "cma.bad-char", "cma.bad-length", "cma.bad-year" (before 2015), "cma.bad-issuer",
// "cma.bad-discipline", "cma.bad-industry", "cma.bad-serial" (0000).
//
// Thread-safety: immutable value.
#pragma once

#include <compare>
#include <string>
#include <string_view>

#include "zhijian/base/result.h"

namespace zhijian {

class CmaCertNo {
 public:
  static Result<CmaCertNo> Parse(std::string_view text);

  // The canonical 12 digits.
  const std::string& str() const { return no_; }
  int year() const;  // 2000 + digits 1-2
  std::string_view issuer_code() const { return std::string_view(no_).substr(2, 2); }
  bool national() const { return issuer_code() == "00"; }
  // "国家认监委" or the province's short name ("陕西").
  std::string_view issuer_name() const;
  // GB/T 2260 province prefix of a provincial issuer ("61" for 陕西); "" for the national one.
  std::string_view issuer_region_prefix() const;
  std::string_view discipline_code() const { return std::string_view(no_).substr(4, 2); }
  std::string_view discipline_name() const;  // "建筑工程", ...
  std::string_view industry_code() const { return std::string_view(no_).substr(6, 2); }
  std::string_view industry_name() const;  // "住房与建设", ...
  int serial() const;                      // 1..9999

  friend bool operator==(const CmaCertNo& a, const CmaCertNo& b) { return a.no_ == b.no_; }
  friend std::strong_ordering operator<=>(const CmaCertNo& a, const CmaCertNo& b) {
    return a.no_ <=> b.no_;
  }

 private:
  explicit CmaCertNo(std::string no) : no_(std::move(no)) {}
  std::string no_;
};

}  // namespace zhijian
