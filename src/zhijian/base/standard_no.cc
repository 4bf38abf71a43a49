#include "zhijian/base/standard_no.h"

#include <algorithm>
#include <iterator>

#include "zhijian/base/id_text.h"

namespace zhijian {
namespace {

// National, industry and metrology codes accepted before an optional "/T" or "/Z"
// (compliance-rules.md §5.1 plus the other industry codes in common use). "DB" is both the
// seismology industry code and, followed by digits, the local-standard prefix.
constexpr std::string_view kCodes[] = {
    "GB", "GBZ", "GBJ", "GSB", "JJG", "JJF",  "JGJ", "CJJ", "AQ", "BB", "CB", "CH", "CJ", "CY",
    "DA", "DB",  "DL",  "DZ",  "EJ",  "FZ",   "GA",  "GH",  "GM", "GY", "HB", "HG", "HJ", "HS",
    "HY", "JB",  "JC",  "JG",  "JR",  "JT",   "JY",  "LB",  "LD", "LS", "LY", "MH", "MT", "MZ",
    "NB", "NY",  "QB",  "QC",  "QJ",  "QX",   "RB",  "SB",  "SC", "SF", "SH", "SJ", "SL", "SN",
    "SW", "SY",  "TB",  "TD",  "TY",  "WB",   "WH",  "WJ",  "WM", "WS", "XB", "XF", "YB", "YC",
    "YD", "YS",  "YY",  "YZ",  "JGT", "CECS", "GN",  "KA",  "WW", "SD",
};

bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }

Error BadPrefix(std::string_view text) {
  return Error::Invalid("standard.bad-prefix",
                        "标准编号的代号无法识别（如 GB、GB/T、HJ、DB37/T、T/CAS）",
                        "unrecognised standard code (e.g. GB, GB/T, HJ, DB37/T, T/CAS)",
                        std::string(text.substr(0, 64)));
}

// Cursor over the folded, uppercased text.
struct Cursor {
  std::string_view s;
  size_t i = 0;
  bool AtEnd() const { return i >= s.size(); }
  char Peek() const { return AtEnd() ? '\0' : s[i]; }
  void SkipSpaces() {
    while (!AtEnd() && id_text::IsSpace(s[i])) ++i;
  }
  // Consumes optional spaces, '/', optional spaces; false (nothing consumed) if no '/'.
  bool Slash() {
    size_t j = i;
    while (j < s.size() && id_text::IsSpace(s[j])) ++j;
    if (j >= s.size() || s[j] != '/') return false;
    ++j;
    while (j < s.size() && id_text::IsSpace(s[j])) ++j;
    i = j;
    return true;
  }
};

// Compares two digit strings numerically (no overflow: by length after leading zeros).
std::strong_ordering CompareDigits(std::string_view a, std::string_view b) {
  while (a.size() > 1 && a.front() == '0') a.remove_prefix(1);
  while (b.size() > 1 && b.front() == '0') b.remove_prefix(1);
  if (a.size() != b.size()) return a.size() <=> b.size();
  return a <=> b;
}

std::strong_ordering CompareNumbers(std::string_view a, std::string_view b) {
  while (true) {
    const size_t da = a.find('.');
    const size_t db = b.find('.');
    auto c = CompareDigits(a.substr(0, da), b.substr(0, db));
    if (c != 0) return c;
    if (da == std::string_view::npos || db == std::string_view::npos) {
      if (da == db) return std::strong_ordering::equal;
      return da == std::string_view::npos ? std::strong_ordering::less
                                          : std::strong_ordering::greater;
    }
    a.remove_prefix(da + 1);
    b.remove_prefix(db + 1);
  }
}

}  // namespace

Result<StandardNo> StandardNo::Parse(std::string_view text) {
  auto folded = id_text::FoldToAscii(text);
  if (!folded) {
    return Error::Invalid("standard.bad-encoding", "标准编号不是有效的 UTF-8 文本",
                          "the standard number is not valid UTF-8 text");
  }
  const std::string upper = id_text::ToUpper(id_text::Trim(*folded));
  if (upper.empty()) {
    return Error::Invalid("standard.empty", "标准编号为空", "the standard number is empty");
  }
  Cursor cur{upper};

  // Prefix.
  std::string prefix;
  const size_t letters_start = cur.i;
  while (IsUpper(cur.Peek())) ++cur.i;
  std::string_view letters = cur.s.substr(letters_start, cur.i - letters_start);
  if ((letters == "T" || letters == "Q") && cur.Slash()) {
    // Group (T/) or enterprise (Q/) standard: the organisation code follows.
    const size_t org_start = cur.i;
    while (IsUpper(cur.Peek()) || id_text::IsDigit(cur.Peek())) ++cur.i;
    size_t org_end = cur.i;
    if (!cur.AtEnd() && !id_text::IsSpace(cur.Peek())) {
      // No space before the number: the organisation code is the leading letters.
      org_end = org_start;
      while (org_end < cur.i && IsUpper(cur.s[org_end])) ++org_end;
      cur.i = org_end;
    }
    if (org_end == org_start || !IsUpper(cur.s[org_start])) return BadPrefix(upper);
    prefix = std::string(letters) + "/" + std::string(cur.s.substr(org_start, org_end - org_start));
  } else {
    if (letters == "GBT") {
      prefix = "GB/T";
    } else if (letters == "DB" && id_text::IsDigit(cur.Peek())) {
      const size_t d = cur.i;
      while (id_text::IsDigit(cur.Peek())) ++cur.i;
      const size_t n = cur.i - d;
      // Local standards: DB + 2 (province) or 4 (city) digits, then the number after a space or
      // a "/T". Without either, the digits cannot be told apart from the number.
      if (n != 2 && n != 4) return BadPrefix(upper);
      prefix = "DB" + std::string(cur.s.substr(d, n));
    } else {
      if (letters.empty() ||
          std::find(std::begin(kCodes), std::end(kCodes), letters) == std::end(kCodes)) {
        return BadPrefix(upper);
      }
      prefix = std::string(letters);
    }
    if (prefix != "GB/T" && cur.Slash()) {
      if (cur.Peek() == 'T' || cur.Peek() == 'Z') {
        prefix += '/';
        prefix += cur.Peek();
        ++cur.i;
        if (IsUpper(cur.Peek())) return BadPrefix(upper);
      } else {
        return BadPrefix(upper);
      }
    }
  }

  // Number.
  cur.SkipSpaces();
  const size_t num_start = cur.i;
  while (true) {
    const size_t part = cur.i;
    while (id_text::IsDigit(cur.Peek())) ++cur.i;
    if (cur.i == part) {
      return Error::Invalid("standard.bad-number", "标准编号缺少顺序号（如 5009.12）",
                            "the standard number lacks its sequence number (e.g. 5009.12)",
                            upper.substr(0, 64));
    }
    if (cur.Peek() == '.' && cur.i + 1 < cur.s.size() && id_text::IsDigit(cur.s[cur.i + 1])) {
      ++cur.i;
      continue;
    }
    break;
  }
  std::string number(cur.s.substr(num_start, cur.i - num_start));
  if (number.size() > 32) {
    return Error::Invalid("standard.bad-number", "标准顺序号过长",
                          "the sequence number is too long", upper.substr(0, 64));
  }

  // Year.
  std::optional<int> year;
  cur.SkipSpaces();
  if (cur.Peek() == '-') {
    ++cur.i;
    if (cur.Peek() == '-') ++cur.i;  // "——", the Chinese dash
    cur.SkipSpaces();
    const size_t y = cur.i;
    while (id_text::IsDigit(cur.Peek()) && cur.i - y < 5) ++cur.i;
    const std::string_view ys = cur.s.substr(y, cur.i - y);
    int value = 0;
    for (char c : ys) value = value * 10 + (c - '0');
    if (ys.size() == 2) value += value >= 50 ? 1900 : 2000;
    if ((ys.size() != 2 && ys.size() != 4) || value < 1950 || value > 2099) {
      return Error::Invalid("standard.bad-year", "标准年号应为4位（或旧式2位）年份，如 -2017、-85",
                            "the year must have 4 digits (or 2 in older numbers), e.g. -2017, -85",
                            upper.substr(0, 64));
    }
    year = value;
    cur.SkipSpaces();
  }
  if (!cur.AtEnd()) {
    return Error::Invalid("standard.trailing-text", "标准编号后有多余内容",
                          "unexpected text after the standard number",
                          std::string(cur.s.substr(cur.i, 64)));
  }
  return StandardNo(std::move(prefix), std::move(number), year);
}

std::string StandardNo::code() const {
  if (prefix_.size() > 2 && (prefix_.ends_with("/T") || prefix_.ends_with("/Z")) &&
      !prefix_.starts_with("T/") && !prefix_.starts_with("Q/")) {
    return prefix_.substr(0, prefix_.size() - 2);
  }
  return prefix_;
}

StandardNo::Kind StandardNo::kind() const {
  if (prefix_.starts_with("T/")) return Kind::kGroup;
  if (prefix_.starts_with("Q/")) return Kind::kEnterprise;
  if (prefix_ == "JJG" || prefix_ == "JJF") return Kind::kMetrology;
  if (prefix_.ends_with("/T")) return Kind::kRecommended;
  if (prefix_.ends_with("/Z")) return Kind::kGuidance;
  return Kind::kMandatory;
}

std::string StandardNo::WithoutYear() const { return prefix_ + " " + number_; }

std::string StandardNo::str() const {
  std::string s = WithoutYear();
  if (year_) {
    // Appended in two steps: `"-" + std::to_string(...)` trips GCC 12's -Wrestrict false
    // positive at -O3 (GCC bug 105329).
    s += '-';
    s += std::to_string(*year_);
  }
  return s;
}

std::strong_ordering operator<=>(const StandardNo& a, const StandardNo& b) {
  if (auto c = a.prefix_ <=> b.prefix_; c != 0) return c;
  if (auto c = CompareNumbers(a.number_, b.number_); c != 0) return c;
  if (auto c = a.number_ <=> b.number_; c != 0) return c;  // "026" vs "26"
  return a.year_ <=> b.year_;
}

}  // namespace zhijian
