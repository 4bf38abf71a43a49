#include "zhijian/base/report_code.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>
#include <cstdlib>

#include "zhijian/base/id_text.h"

namespace zhijian {
namespace {

constexpr int kModulus = 29;  // == kReportCodeAlphabet.size(), a prime
constexpr int kRadix = 2;
static_assert(kReportCodeAlphabet.size() == kModulus);

// Value of an alphabet character, or -1.
constexpr std::array<int8_t, 256> MakeValueTable() {
  std::array<int8_t, 256> t{};
  for (auto& v : t) v = -1;
  for (size_t i = 0; i < kReportCodeAlphabet.size(); ++i) {
    t[static_cast<unsigned char>(kReportCodeAlphabet[i])] = static_cast<int8_t>(i);
  }
  return t;
}
constexpr std::array<int8_t, 256> kValue = MakeValueTable();

int Value(char c) { return kValue[static_cast<unsigned char>(c)]; }

// ISO/IEC 7064 pure-system recursion without the final character: P = ((P + v) * r) mod p.
// Returns -1 at the first character outside the alphabet (its index in *bad).
int Accumulate(std::string_view body, size_t* bad) {
  int p = 0;
  for (size_t i = 0; i < body.size(); ++i) {
    const int v = Value(body[i]);
    if (v < 0) {
      if (bad != nullptr) *bad = i;
      return -1;
    }
    p = ((p + v) * kRadix) % kModulus;
  }
  return p;
}

Error Invalid(std::string code, std::string zh, std::string en, std::string detail = {}) {
  return Error::Invalid(std::move(code), std::move(zh), std::move(en), std::move(detail));
}

Error BadChar(size_t pos) {
  return Invalid("report-code.bad-char", "报告编码含有不允许的字符",
                 "the report code contains a character outside its alphabet",
                 "position " + std::to_string(pos));
}

Error BadRegion() {
  return Invalid("report-code.bad-region", "报告编码的前6位应为行政区划代码（6位数字，首位非0）",
                 "the first 6 characters of a report code are a region code (6 digits, not "
                 "starting with 0)");
}

Error BadYear() {
  return Invalid("report-code.bad-year", "报告编码的第7-10位应为年份（1900年及以后）",
                 "characters 7-10 of a report code are the year (1900 or later)");
}

bool AllDigits(std::string_view s) {
  for (char c : s) {
    if (!id_text::IsDigit(c)) return false;
  }
  return true;
}

bool RegionOk(std::string_view r) { return r.size() == 6 && AllDigits(r) && r[0] != '0'; }

// Maps a letter left out of the alphabet to its look-alike; other characters unchanged.
char FoldLookAlike(char c) {
  switch (c) {
    case 'O':
      return '0';
    case 'I':
    case 'L':
      return '1';
    case 'Z':
      return '2';
    case 'S':
      return '5';
    case 'B':
      return '8';
    case 'U':
      return 'V';
    default:
      return c;
  }
}

}  // namespace

Result<char> ReportCode::ComputeCheckChar(std::string_view body) {
  size_t bad = 0;
  const int p = Accumulate(body, &bad);
  if (p < 0) return BadChar(bad + 1);
  // Choose v so that p + v ≡ 1 (mod 29).
  const int v = (kModulus + 1 - p) % kModulus;
  return kReportCodeAlphabet[v];
}

bool ReportCode::CheckDigitValid(std::string_view code) {
  if (code.size() < 2) return false;
  const int p = Accumulate(code.substr(0, code.size() - 1), nullptr);
  const int v = Value(code.back());
  return p >= 0 && v >= 0 && (p + v) % kModulus == 1;
}

Result<ReportCode> ReportCode::Make(std::string_view region_code, int year, uint64_t entropy) {
  if (!RegionOk(region_code)) return BadRegion();
  if (year < kMinYear || year > 9999) return BadYear();
  std::string code(region_code);
  code += std::to_string(year);
  uint64_t serial = entropy % kSerialSpace;
  std::string digits(kSerialLength, '0');
  for (size_t i = kSerialLength; i-- > 0;) {
    digits[i] = kReportCodeAlphabet[serial % kModulus];
    serial /= kModulus;
  }
  code += digits;
  Result<char> check = ComputeCheckChar(code);
  if (!check) return check.error();  // cannot happen: all characters are from the alphabet
  code += *check;
  return ReportCode(std::move(code));
}

Result<ReportCode> ReportCode::Parse(std::string_view text) {
  std::optional<std::string> folded = id_text::FoldToAscii(text);
  if (!folded) {
    return Invalid("report-code.bad-encoding", "报告编码不是有效的 UTF-8 文本",
                   "the report code is not valid UTF-8 text");
  }
  std::string code;
  code.reserve(kLength);
  for (char c : *folded) {
    if (id_text::IsSpace(c) || c == '-') continue;
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    code.push_back(FoldLookAlike(c));
  }
  if (code.empty()) return Invalid("report-code.empty", "报告编码为空", "the report code is empty");
  if (code.size() != kLength) {
    return Invalid("report-code.bad-length", "报告编码应为20位（不含分隔符）",
                   "a report code has 20 characters (separators not counted)",
                   "got " + std::to_string(code.size()));
  }
  for (size_t i = 0; i < code.size(); ++i) {
    if (Value(code[i]) < 0) return BadChar(i + 1);
  }
  if (!RegionOk(std::string_view(code).substr(0, 6))) return BadRegion();
  const std::string_view year = std::string_view(code).substr(6, 4);
  if (!AllDigits(year) || std::stoi(std::string(year)) < kMinYear) return BadYear();
  if (!CheckDigitValid(code)) {
    return Invalid("report-code.bad-check", "报告编码校验位不符，请检查是否输错",
                   "the report code's check character does not match (a typing error?)");
  }
  return ReportCode(std::move(code));
}

std::string ReportCode::Display() const {
  std::string s;
  s.reserve(kLength + 3);
  s.append(code_, 0, 6);
  s += '-';
  s.append(code_, 6, 4);
  s += '-';
  s.append(code_, 10, 5);
  s += '-';
  s.append(code_, 15, 5);
  return s;
}

int ReportCode::year() const { return std::stoi(code_.substr(6, 4)); }

uint64_t ReportCodeEntropy(std::string_view key, std::string_view message) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int len = 0;
  static constexpr unsigned char kEmpty[1] = {0};
  const void* key_ptr = key.empty() ? static_cast<const void*>(kEmpty) : key.data();
  if (HMAC(EVP_sha256(), key_ptr, static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac.data(),
           &len) == nullptr ||
      len < 8) {
    std::abort();  // HMAC-SHA256 of the default provider does not fail
  }
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | mac[i];
  return v;
}

}  // namespace zhijian
