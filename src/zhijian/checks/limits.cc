#include "zhijian/checks/limits.h"

#include <array>
#include <charconv>
#include <cmath>
#include <utility>

#include "zhijian/base/utf8.h"

namespace zhijian::checks {

namespace {

// Superscript digits and signs → their ASCII character, or 0.
char Superscript(char32_t cp) {
  switch (cp) {
    case U'⁰':
      return '0';
    case U'¹':
      return '1';
    case U'²':
      return '2';
    case U'³':
      return '3';
    case U'⁴':
      return '4';
    case U'⁵':
      return '5';
    case U'⁶':
      return '6';
    case U'⁷':
      return '7';
    case U'⁸':
      return '8';
    case U'⁹':
      return '9';
    case U'⁻':
      return '-';
    case U'⁺':
      return '+';
    default:
      return 0;
  }
}

void ReplaceAll(std::string* s, std::string_view from, std::string_view to) {
  for (size_t p = 0; (p = s->find(from, p)) != std::string::npos; p += to.size()) {
    s->replace(p, from.size(), to);
  }
}

bool StartsWith(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }
bool Contains(std::string_view s, std::string_view p) {
  return s.find(p) != std::string_view::npos;
}

// A number at s[*pos] (normalised text): [+-]?digits[.digits] with an optional power of ten
// (e±n, ×10^±n, x10^±n, *10^±n). Advances *pos past it.
std::optional<double> Number(std::string_view s, size_t* pos) {
  size_t i = *pos;
  const size_t start = i;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  size_t digits = 0;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i, ++digits;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i, ++digits;
  }
  if (digits == 0) return std::nullopt;
  double value = 0;
  std::string_view text = s.substr(start, i - start);
  if (text.front() == '+') text.remove_prefix(1);
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
  // Exponent.
  auto exponent = [&](size_t j) -> std::optional<std::pair<int, size_t>> {
    int sign = 1;
    if (j < s.size() && (s[j] == '-' || s[j] == '+')) sign = s[j++] == '-' ? -1 : 1;
    int e = 0, n = 0;
    while (j < s.size() && s[j] >= '0' && s[j] <= '9' && n < 4) e = e * 10 + (s[j++] - '0'), ++n;
    if (n == 0) return std::nullopt;
    return std::make_pair(sign * e, j);
  };
  if (i < s.size() && s[i] == 'e') {
    if (auto e = exponent(i + 1)) {
      value *= std::pow(10.0, e->first);
      i = e->second;
    }
  } else {
    for (std::string_view times : {"×10^", "x10^", "*10^"}) {
      if (StartsWith(s.substr(i), times)) {
        if (auto e = exponent(i + times.size())) {
          value *= std::pow(10.0, e->first);
          i = e->second;
        }
        break;
      }
    }
  }
  if (!std::isfinite(value)) return std::nullopt;  // 1e9999
  *pos = i;
  return value;
}

// Whether a '%' follows at `pos` (directly: the unit of the number just read).
bool PercentAt(std::string_view s, size_t pos) { return pos < s.size() && s[pos] == '%'; }

struct Op {
  std::string_view word;
  LimitKind kind;
};
// Longest words first where one is a prefix of another.
constexpr Op kOps[] = {
    {"小于或等于", LimitKind::kAtMost}, {"小于等于", LimitKind::kAtMost},
    {"不大于", LimitKind::kAtMost},     {"不超过", LimitKind::kAtMost},
    {"不高于", LimitKind::kAtMost},     {"不多于", LimitKind::kAtMost},
    {"≤", LimitKind::kAtMost},          {"大于或等于", LimitKind::kAtLeast},
    {"大于等于", LimitKind::kAtLeast},  {"不小于", LimitKind::kAtLeast},
    {"不低于", LimitKind::kAtLeast},    {"不少于", LimitKind::kAtLeast},
    {"≥", LimitKind::kAtLeast},         {"小于", LimitKind::kLess},
    {"低于", LimitKind::kLess},         {"<", LimitKind::kLess},
    {"大于", LimitKind::kGreater},      {"高于", LimitKind::kGreater},
    {"超过", LimitKind::kGreater},      {">", LimitKind::kGreater},
};

std::optional<std::pair<LimitKind, size_t>> LeadingOp(std::string_view s) {
  for (const Op& op : kOps) {
    if (StartsWith(s, op.word)) return std::make_pair(op.kind, op.word.size());
  }
  return std::nullopt;
}

bool Le(double a, double b) { return a <= b + std::abs(b) * 1e-9 + 1e-300; }
bool Lt(double a, double b) { return a < b - std::abs(b) * 1e-9; }

// Whether `text` is already in normal form and valid UTF-8 for certain: lower-case ASCII
// without spaces or "<=", ">=", and CJK characters of lead bytes E4-E9 (U+4000-U+9FFF, never
// overlong or surrogates). Most item names and numbers are; they skip the decoding below.
bool AlreadyNormal(std::string_view t) {
  for (size_t i = 0; i < t.size();) {
    const auto c = static_cast<unsigned char>(t[i]);
    if (c < 0x80) {
      if ((c >= 'A' && c <= 'Z') || c == ' ' || c == '\t' || c == '\n' || c == '\r') return false;
      if ((c == '<' || c == '>') && i + 1 < t.size() && t[i + 1] == '=') return false;
      ++i;
      continue;
    }
    if (c < 0xE4 || c > 0xE9 || i + 2 >= t.size() ||
        (static_cast<unsigned char>(t[i + 1]) & 0xC0) != 0x80 ||
        (static_cast<unsigned char>(t[i + 2]) & 0xC0) != 0x80) {
      return false;
    }
    i += 3;
  }
  return true;
}

}  // namespace

bool IsNormalReportText(std::string_view text) { return AlreadyNormal(text); }

std::string NormalizeReportText(std::string_view text) {
  if (AlreadyNormal(text)) return std::string(text);
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  bool in_superscript = false;
  while (i < text.size()) {
    char32_t cp;
    if (auto d = DecodeUtf8(text, &i)) {
      cp = *d;
    } else {
      ++i;
      continue;
    }
    if (const char sup = Superscript(cp)) {
      if (!in_superscript) out.push_back('^');
      in_superscript = true;
      out.push_back(sup);
      continue;
    }
    in_superscript = false;
    if (cp >= 0xFF01 && cp <= 0xFF5E) cp -= 0xFEE0;
    if (cp == U' ' || cp == U'\t' || cp == U'\n' || cp == U'\r' || cp == 0x3000 || cp == 0xA0) {
      continue;
    }
    if (cp == U'≦') cp = U'≤';
    if (cp == U'≧') cp = U'≥';
    if (cp == 0x2212) cp = U'-';
    if (cp >= U'A' && cp <= U'Z') cp = cp - U'A' + U'a';
    AppendUtf8(cp, &out);
  }
  ReplaceAll(&out, "<=", "≤");
  ReplaceAll(&out, ">=", "≥");
  return out;
}

std::optional<Limit> ParseLimit(std::string_view text) {
  const std::string t = NormalizeReportText(text);
  if (t.empty()) return std::nullopt;
  for (std::string_view nd : {"不得检出", "不得检测出", "不应检出", "不得检测到"}) {
    if (StartsWith(t, nd)) return Limit{LimitKind::kNotDetected, 0, 0, false};
  }
  Limit limit;
  if (auto op = LeadingOp(t)) {
    size_t pos = op->second;
    auto v = Number(t, &pos);
    if (!v) return std::nullopt;
    limit.kind = op->first;
    (limit.kind == LimitKind::kAtMost || limit.kind == LimitKind::kLess ? limit.high : limit.low) =
        *v;
    limit.percent = PercentAt(t, pos);
    return limit;
  }
  size_t pos = 0;
  auto a = Number(t, &pos);
  if (!a) return std::nullopt;
  const bool a_percent = PercentAt(t, pos);
  if (a_percent) ++pos;
  std::string_view rest = std::string_view(t).substr(pos);
  for (std::string_view sep : {"~", "至", "—", "–", "-"}) {
    if (!StartsWith(rest, sep)) continue;
    if (sep == "-" && *a < 0) break;
    size_t p2 = pos + sep.size();
    auto b = Number(t, &p2);
    if (!b || *b < *a) return std::nullopt;
    limit.kind = LimitKind::kRange;
    limit.low = *a;
    limit.high = *b;
    limit.percent = a_percent || PercentAt(t, p2);
    return limit;
  }
  // "0.5以下" / "95%以上" (the unit may come between).
  if (Contains(rest, "以下")) return Limit{LimitKind::kAtMost, 0, *a, a_percent};
  if (Contains(rest, "以上")) return Limit{LimitKind::kAtLeast, *a, 0, a_percent};
  return std::nullopt;
}

std::optional<Measured> ParseResult(std::string_view text) {
  std::string t = NormalizeReportText(text);
  if (t.empty()) return std::nullopt;
  for (std::string_view nd : {"未检出", "未检测出", "n.d", "阴性", "<lod", "<loq", "低于检出限",
                              "小于检出限", "<检出限"}) {
    if (StartsWith(t, nd)) return Measured{ResultKind::kNotDetected, 0, false};
  }
  if (t == "nd" || StartsWith(t, "nd(") || StartsWith(t, "nd<")) {
    return Measured{ResultKind::kNotDetected, 0, false};
  }
  for (std::string_view d : {"检出", "阳性"}) {
    if (StartsWith(t, d)) return Measured{ResultKind::kDetected, 0, false};
  }
  Measured m;
  size_t pos = 0;
  for (auto [word, kind] :
       std::array<std::pair<std::string_view, ResultKind>, 6>{{{"<", ResultKind::kBelow},
                                                               {"小于", ResultKind::kBelow},
                                                               {"低于", ResultKind::kBelow},
                                                               {">", ResultKind::kAbove},
                                                               {"大于", ResultKind::kAbove},
                                                               {"高于", ResultKind::kAbove}}}) {
    if (StartsWith(t, word)) {
      m.kind = kind;
      pos = word.size();
      break;
    }
  }
  auto v = Number(t, &pos);
  if (!v) return std::nullopt;
  if (pos < t.size() && (t[pos] == '~' || StartsWith(std::string_view(t).substr(pos), "至"))) {
    return std::nullopt;  // a range is not one result
  }
  m.value = *v;
  m.percent = PercentAt(t, pos);
  return m;
}

std::optional<Verdict> ParseVerdict(std::string_view text) {
  std::string t = NormalizeReportText(text);
  for (std::string_view none : {"不合格项目:无", "不合格项:无", "不符合项:无", "不合格项目无"}) {
    ReplaceAll(&t, none, "");
  }
  if (t == "×" || t == "x") return Verdict::kFail;
  if (t == "√" || t == "✓") return Verdict::kPass;
  for (std::string_view w :
       {"不合格", "不符合", "不通过", "未通过", "不达标", "未达标", "超标", "fail"}) {
    if (Contains(t, w)) return Verdict::kFail;
  }
  for (std::string_view w : {"合格", "符合", "通过", "达标", "pass"}) {
    if (Contains(t, w)) return Verdict::kPass;
  }
  return std::nullopt;
}

std::optional<Verdict> ParseConclusion(std::string_view text) { return ParseVerdict(text); }

std::optional<bool> Satisfies(const Limit& limit, const Measured& r) {
  const double v = r.value;
  switch (limit.kind) {
    case LimitKind::kNotDetected:
      switch (r.kind) {
        case ResultKind::kNotDetected:
        case ResultKind::kBelow:
          return true;
        case ResultKind::kDetected:
        case ResultKind::kAbove:
          return false;
        case ResultKind::kValue:
          return v <= 0;
      }
      break;
    case LimitKind::kAtMost:
    case LimitKind::kLess: {
      const double h = limit.high;
      const bool strict = limit.kind == LimitKind::kLess;
      switch (r.kind) {
        case ResultKind::kValue:
          return strict ? Lt(v, h) : Le(v, h);
        case ResultKind::kNotDetected:
          return true;
        case ResultKind::kBelow:
          return Le(v, h) ? std::optional<bool>(true) : std::nullopt;
        case ResultKind::kAbove:
          return Le(h, v) ? std::optional<bool>(false) : std::nullopt;
        case ResultKind::kDetected:
          return std::nullopt;
      }
      break;
    }
    case LimitKind::kAtLeast:
    case LimitKind::kGreater: {
      const double l = limit.low;
      const bool strict = limit.kind == LimitKind::kGreater;
      switch (r.kind) {
        case ResultKind::kValue:
          return strict ? Lt(l, v) : Le(l, v);
        case ResultKind::kNotDetected:
          if (strict ? l >= 0 : l > 0) return false;
          return std::nullopt;
        case ResultKind::kBelow:
          return Le(v, l) ? std::optional<bool>(false) : std::nullopt;
        case ResultKind::kAbove:
          return Le(l, v) ? std::optional<bool>(true) : std::nullopt;
        case ResultKind::kDetected:
          return std::nullopt;
      }
      break;
    }
    case LimitKind::kRange:
      switch (r.kind) {
        case ResultKind::kValue:
          return Le(limit.low, v) && Le(v, limit.high);
        case ResultKind::kNotDetected:
          if (limit.low > 0) return false;
          return std::nullopt;
        case ResultKind::kBelow:
          return Le(v, limit.low) && limit.low > 0 ? std::optional<bool>(false) : std::nullopt;
        case ResultKind::kAbove:
          return Le(limit.high, v) ? std::optional<bool>(false) : std::nullopt;
        case ResultKind::kDetected:
          return std::nullopt;
      }
      break;
  }
  return std::nullopt;
}

}  // namespace zhijian::checks
