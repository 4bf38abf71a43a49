#include "zhijian/registry/model.h"

#include <algorithm>
#include <array>
#include <set>
#include <string_view>
#include <utility>

namespace zhijian::registry {
namespace {

// ASCII case-insensitive equality (the Chinese terms compare byte for byte).
bool EqualsFolded(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

template <typename E, size_t N>
std::optional<E> Lookup(std::string_view text,
                        const std::array<std::pair<std::string_view, E>, N>& terms) {
  const std::string_view t = TrimText(text);
  for (const auto& [term, value] : terms) {
    if (EqualsFolded(t, term)) return value;
  }
  return std::nullopt;
}

}  // namespace

const char* CertStatusName(CertStatus s) {
  switch (s) {
    case CertStatus::kValid:
      return "valid";
    case CertStatus::kSuspended:
      return "suspended";
    case CertStatus::kRevoked:
      return "revoked";
    case CertStatus::kCancelled:
      return "cancelled";
    case CertStatus::kExpired:
      return "expired";
  }
  return "valid";
}

std::optional<CertStatus> ParseCertStatus(std::string_view text) {
  static constexpr std::array<std::pair<std::string_view, CertStatus>, 11> kTerms = {{
      {"valid", CertStatus::kValid},
      {"suspended", CertStatus::kSuspended},
      {"revoked", CertStatus::kRevoked},
      {"cancelled", CertStatus::kCancelled},
      {"expired", CertStatus::kExpired},
      {"有效", CertStatus::kValid},
      {"正常", CertStatus::kValid},
      {"暂停", CertStatus::kSuspended},
      {"撤销", CertStatus::kRevoked},
      {"注销", CertStatus::kCancelled},
      {"过期", CertStatus::kExpired},
  }};
  return Lookup(text, kTerms);
}

const char* StandardStatusName(StandardStatus s) {
  switch (s) {
    case StandardStatus::kCurrent:
      return "current";
    case StandardStatus::kUpcoming:
      return "upcoming";
    case StandardStatus::kAbolished:
      return "abolished";
  }
  return "current";
}

std::optional<StandardStatus> ParseStandardStatus(std::string_view text) {
  static constexpr std::array<std::pair<std::string_view, StandardStatus>, 8> kTerms = {{
      {"current", StandardStatus::kCurrent},
      {"upcoming", StandardStatus::kUpcoming},
      {"abolished", StandardStatus::kAbolished},
      {"现行", StandardStatus::kCurrent},
      {"即将实施", StandardStatus::kUpcoming},
      {"废止", StandardStatus::kAbolished},
      {"作废", StandardStatus::kAbolished},
      {"被代替", StandardStatus::kAbolished},
  }};
  return Lookup(text, kTerms);
}

const char* CreditKindName(CreditKind k) {
  switch (k) {
    case CreditKind::kSeriousDishonesty:
      return "serious-dishonesty";
    case CreditKind::kAbnormalOperation:
      return "abnormal-operation";
  }
  return "abnormal-operation";
}

std::optional<CreditKind> ParseCreditKind(std::string_view text) {
  static constexpr std::array<std::pair<std::string_view, CreditKind>, 6> kTerms = {{
      {"serious-dishonesty", CreditKind::kSeriousDishonesty},
      {"abnormal-operation", CreditKind::kAbnormalOperation},
      {"严重违法失信名单", CreditKind::kSeriousDishonesty},
      {"严重违法失信", CreditKind::kSeriousDishonesty},
      {"经营异常名录", CreditKind::kAbnormalOperation},
      {"经营异常", CreditKind::kAbnormalOperation},
  }};
  return Lookup(text, kTerms);
}

std::string_view TrimText(std::string_view s) {
  static constexpr std::string_view kIdeographicSpace = "\xE3\x80\x80";
  for (;;) {
    if (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' ||
                       s.front() == '\n' || s.front() == '\f' || s.front() == '\v')) {
      s.remove_prefix(1);
    } else if (s.starts_with(kIdeographicSpace)) {
      s.remove_prefix(kIdeographicSpace.size());
    } else {
      break;
    }
  }
  for (;;) {
    if (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' ||
                       s.back() == '\n' || s.back() == '\f' || s.back() == '\v')) {
      s.remove_suffix(1);
    } else if (s.ends_with(kIdeographicSpace)) {
      s.remove_suffix(kIdeographicSpace.size());
    } else {
      break;
    }
  }
  return s;
}

std::string EncodeBarList(const std::vector<std::string>& items) {
  std::set<std::string> set;
  for (const std::string& item : items) {
    std::string t(TrimText(item));
    t.erase(std::remove(t.begin(), t.end(), '|'), t.end());
    if (!t.empty()) set.insert(std::move(t));
  }
  if (set.empty()) return "";
  std::string out = "|";
  for (const std::string& s : set) out += s + "|";
  return out;
}

std::vector<std::string> DecodeBarList(std::string_view stored) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= stored.size()) {
    size_t end = stored.find('|', start);
    if (end == std::string_view::npos) end = stored.size();
    if (end > start) out.emplace_back(stored.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

}  // namespace zhijian::registry
